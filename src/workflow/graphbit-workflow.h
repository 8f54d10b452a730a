/* graphbit-workflow.h - a graph of nodes and the edges between them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"
#include "graphbit-node.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_WORKFLOW (graphbit_workflow_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitWorkflow, graphbit_workflow, GRAPHBIT, WORKFLOW, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitWorkflow *graphbit_workflow_new            (const char        *name);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitWorkflow *graphbit_workflow_new_from_json  (const char        *json,
                                                    GError           **error);
GRAPHBIT_AVAILABLE_IN_ALL
const char       *graphbit_workflow_get_name       (GraphbitWorkflow  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char       *graphbit_workflow_add_node       (GraphbitWorkflow  *self,
                                                    GraphbitNode      *node,
                                                    GError           **error);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean          graphbit_workflow_connect        (GraphbitWorkflow  *self,
                                                    const char        *from,
                                                    const char        *to,
                                                    GError           **error);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean          graphbit_workflow_connect_when   (GraphbitWorkflow  *self,
                                                    const char        *from,
                                                    const char        *to,
                                                    gboolean           condition,
                                                    GError           **error);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean          graphbit_workflow_validate       (GraphbitWorkflow  *self,
                                                    GError           **error);
GRAPHBIT_AVAILABLE_IN_ALL
guint             graphbit_workflow_get_node_count (GraphbitWorkflow  *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint             graphbit_workflow_get_edge_count (GraphbitWorkflow  *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode     *graphbit_workflow_get_node       (GraphbitWorkflow  *self,
                                                    const char        *name_or_id);
GRAPHBIT_AVAILABLE_IN_ALL
GPtrArray        *graphbit_workflow_get_nodes      (GraphbitWorkflow  *self);
GRAPHBIT_AVAILABLE_IN_ALL
char             *graphbit_workflow_to_json        (GraphbitWorkflow  *self);
GRAPHBIT_AVAILABLE_IN_ALL
char             *graphbit_workflow_to_dot         (GraphbitWorkflow  *self);

G_END_DECLS
