/* workflow-test-helpers.h - building workflows and checking errors in the C tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each helper fails the test on an unexpected error, so the tests read as
 * the workflow they build.
 */

#pragma once

#include "graphbit.h"

G_BEGIN_DECLS

void          assert_contains   (const char       *haystack,
                                 const char       *needle);
/* @error is a validation error whose details name @field (and @operation,
 * unless NULL) and whose message contains @fragment. */
void          assert_validation (const GError     *error,
                                 const char       *operation,
                                 const char       *field,
                                 const char       *fragment);

GraphbitNode *agent             (const char       *name,
                                 const char       *prompt);
GraphbitNode *transform         (const char       *name,
                                 const char       *transformation);
GraphbitNode *condition         (const char       *name,
                                 const char       *expression);
/* Adds @node (taking it) and returns its id. */
const char   *add               (GraphbitWorkflow *workflow,
                                 GraphbitNode     *node);
void          connect_nodes      (GraphbitWorkflow *workflow,
                                  const char       *from,
                                  const char       *to);
void          connect_nodes_when (GraphbitWorkflow *workflow,
                                  const char       *from,
                                  const char       *to,
                                  gboolean          value);

G_END_DECLS
