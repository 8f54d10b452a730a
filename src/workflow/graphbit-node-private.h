/* graphbit-node-private.h - what the engine reads of a node
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-node.h"
#include "graphbit-expression-private.h"
#include "graphbit-transform-private.h"

G_BEGIN_DECLS

/* Parsed forms, made when the node was. */
GraphbitTransform  *graphbit_node_get_transform_tree  (GraphbitNode *self);
GraphbitExpression *graphbit_node_get_expression_tree (GraphbitNode *self);
gboolean            graphbit_node_has_temperature     (GraphbitNode *self);
/* Gives the node a known id (Workflow.from_json()). */
void                graphbit_node_set_id              (GraphbitNode *self,
                                                       const char   *id);
/* Every node this node reads: `{{node.X}}` in its texts and `node.X` in
 * its condition, as written (possibly followed by a JSON path). */
GPtrArray          *graphbit_node_dup_references      (GraphbitNode *self);

G_END_DECLS
