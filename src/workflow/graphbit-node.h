/* graphbit-node.h - one step of a workflow
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"
#include "graphbit-llm-config.h"

G_BEGIN_DECLS

/**
 * GraphbitNodeKind:
 * @GRAPHBIT_NODE_KIND_AGENT: asks an LLM, with a prompt template
 * @GRAPHBIT_NODE_KIND_TRANSFORM: transforms its input text
 * @GRAPHBIT_NODE_KIND_CONDITION: evaluates an expression to choose a branch
 * @GRAPHBIT_NODE_KIND_DELAY: waits, then passes its input on
 *
 * What a #GraphbitNode does.
 */
typedef enum {
  GRAPHBIT_NODE_KIND_AGENT,
  GRAPHBIT_NODE_KIND_TRANSFORM,
  GRAPHBIT_NODE_KIND_CONDITION,
  GRAPHBIT_NODE_KIND_DELAY,
} GraphbitNodeKind;

#define GRAPHBIT_TYPE_NODE (graphbit_node_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitNode, graphbit_node, GRAPHBIT, NODE, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode      *graphbit_node_agent             (const char         *name,
                                                    const char         *prompt,
                                                    const char         *agent_id,
                                                    GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode      *graphbit_node_agent_full        (const char         *name,
                                                    const char         *prompt,
                                                    const char         *agent_id,
                                                    const char         *system_prompt,
                                                    gint                max_tokens,
                                                    gdouble             temperature,
                                                    GraphbitLlmConfig  *llm_config,
                                                    GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode      *graphbit_node_transform         (const char         *name,
                                                    const char         *transformation,
                                                    GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode      *graphbit_node_condition         (const char         *name,
                                                    const char         *expression,
                                                    GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNode      *graphbit_node_delay             (const char         *name,
                                                    gdouble             seconds,
                                                    GError            **error);

GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_id            (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_name          (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNodeKind   graphbit_node_get_kind          (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_kind_name     (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_prompt        (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_agent_id      (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_system_prompt (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gint               graphbit_node_get_max_tokens    (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble            graphbit_node_get_temperature   (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmConfig *graphbit_node_get_llm_config    (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_transformation (GraphbitNode      *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char        *graphbit_node_get_expression    (GraphbitNode       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble            graphbit_node_get_delay_seconds (GraphbitNode       *self);

G_END_DECLS
