/* graphbit-node.c - one step of a workflow
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "graphbit-node-private.h"
#include "graphbit-template-private.h"
#include "graphbit-error-private.h"
#include "graphbit-strings-private.h"
#include "llm/graphbit-llm-request.h"

/**
 * GraphbitNode:
 *
 * One step of a [class@Graphbit.Workflow]: an agent (an LLM call with a
 * prompt template), a transform, a condition or a delay. Nodes are
 * immutable and checked when made: an empty name or prompt, an unknown
 * transformation or a malformed condition is a %GRAPHBIT_ERROR_VALIDATION
 * at once. Each node gets a random UUID as its id when it is made.
 *
 * Prompts and templates may use `{var}` for an execution input and
 * `{{node.NAME}}` (or `{{node.NAME.json.path}}`) for the output of an
 * upstream node; an agent also sees its direct parents' outputs as
 * context.
 */
struct _GraphbitNode
{
  GObject parent_instance;

  GraphbitNodeKind kind;
  char *id;
  char *name;

  /* agent */
  char *prompt;
  char *agent_id;
  char *system_prompt;
  gint max_tokens;                /* 0: unset */
  gdouble temperature;            /* NAN: unset */
  GraphbitLlmConfig *llm_config;

  /* transform */
  char *transformation;
  GraphbitTransform *transform;

  /* condition */
  char *expression;
  GraphbitExpression *expression_tree;

  /* delay */
  gdouble delay_seconds;
};

G_DEFINE_FINAL_TYPE (GraphbitNode, graphbit_node, G_TYPE_OBJECT)

static const char * const kind_names[] = { "agent", "transform", "condition", "delay" };

static void
graphbit_node_finalize (GObject *object)
{
  GraphbitNode *self = GRAPHBIT_NODE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->prompt);
  g_free (self->agent_id);
  g_free (self->system_prompt);
  g_clear_object (&self->llm_config);
  g_free (self->transformation);
  graphbit_transform_free (self->transform);
  g_free (self->expression);
  graphbit_expression_free (self->expression_tree);
  G_OBJECT_CLASS (graphbit_node_parent_class)->finalize (object);
}

static void
graphbit_node_class_init (GraphbitNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_node_finalize;
}

static void
graphbit_node_init (GraphbitNode *self)
{
  self->temperature = NAN;
}

/* A node of @kind named @name, or NULL with an error for a blank name. */
static GraphbitNode *
node_new (GraphbitNodeKind   kind,
          const char        *name,
          GError           **error)
{
  GraphbitNode *self;

  if (graphbit_str_is_blank (name))
    {
      g_autofree char *operation = g_strdup_printf ("Node.%s", kind_names[kind]);

      graphbit_propagate_error (error,
        graphbit_error_new_validation (operation, "name", name != NULL ? name : "",
                                       "A node needs a name that is not empty"));
      return NULL;
    }
  self = g_object_new (GRAPHBIT_TYPE_NODE, NULL);
  self->kind = kind;
  self->id = g_uuid_string_random ();
  self->name = g_strdup (name);
  return self;
}

/**
 * graphbit_node_agent: (constructor)
 * @name: the node's name, unique in its workflow
 * @prompt: the prompt template
 * @agent_id: (nullable): an id for the agent, or %NULL to use the name
 * @error: return location for a #GError
 *
 * Creates an agent node that asks the executor's LLM.
 *
 * Returns: (transfer full): a new #GraphbitNode, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for an empty name or prompt
 */
GraphbitNode *
graphbit_node_agent (const char  *name,
                     const char  *prompt,
                     const char  *agent_id,
                     GError     **error)
{
  return graphbit_node_agent_full (name, prompt, agent_id, NULL, 0, NAN, NULL, error);
}

/**
 * graphbit_node_agent_full: (constructor)
 * @name: the node's name, unique in its workflow
 * @prompt: the prompt template
 * @agent_id: (nullable): an id for the agent, or %NULL to use the name
 * @system_prompt: (nullable): instructions sent as the system message
 * @max_tokens: the answer's token limit, or 0 for none
 * @temperature: the sampling temperature (0.0 to 2.0), or NAN for the
 *   provider's default
 * @llm_config: (nullable): a provider for this node only, or %NULL for the
 *   executor's
 * @error: return location for a #GError
 *
 * Creates an agent node with its own settings.
 *
 * Returns: (transfer full): a new #GraphbitNode, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION naming the bad field
 */
GraphbitNode *
graphbit_node_agent_full (const char         *name,
                          const char         *prompt,
                          const char         *agent_id,
                          const char         *system_prompt,
                          gint                max_tokens,
                          gdouble             temperature,
                          GraphbitLlmConfig  *llm_config,
                          GError            **error)
{
  g_autoptr(GraphbitLlmRequest) check = NULL;
  GError *local_error = NULL;
  GraphbitNode *self;

  g_return_val_if_fail (llm_config == NULL || GRAPHBIT_IS_LLM_CONFIG (llm_config), NULL);

  if (graphbit_str_is_blank (prompt))
    {
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("Node.agent", "prompt", prompt != NULL ? prompt : "",
                                       "The agent node '%s' has an empty prompt", name != NULL ? name : ""));
      return NULL;
    }
  /* The request's own checks give the same messages for the options. */
  check = graphbit_llm_request_new (prompt);
  if (max_tokens != 0)
    graphbit_llm_request_set_max_tokens (check, max_tokens);
  if (!isnan (temperature))
    graphbit_llm_request_set_temperature (check, temperature);
  if (!graphbit_llm_request_validate (check, &local_error))
    {
      graphbit_propagate_error (error, local_error);
      return NULL;
    }

  self = node_new (GRAPHBIT_NODE_KIND_AGENT, name, error);
  if (self == NULL)
    return NULL;
  self->prompt = g_strdup (prompt);
  self->agent_id = g_strdup (agent_id != NULL ? agent_id : name);
  self->system_prompt = graphbit_str_is_blank (system_prompt) ? NULL : g_strdup (system_prompt);
  self->max_tokens = max_tokens;
  self->temperature = temperature;
  self->llm_config = llm_config != NULL ? g_object_ref (llm_config) : NULL;
  return self;
}

/**
 * graphbit_node_transform: (constructor)
 * @name: the node's name, unique in its workflow
 * @transformation: `uppercase`, `lowercase`, `trim`, `json_extract:<path>`,
 *   `split:<separator>` (gives a JSON array), `join:<separator>` (of a
 *   JSON array) or `template:<text>` (with `{var}` and `{{node.X}}`
 *   placeholders; `{input}` is the node's input)
 * @error: return location for a #GError
 *
 * Creates a transform node. Its input is its parents' outputs, joined by
 * blank lines (or the execution input `input` when it has no parent).
 *
 * Returns: (transfer full): a new #GraphbitNode, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for an empty or unknown transformation
 */
GraphbitNode *
graphbit_node_transform (const char  *name,
                         const char  *transformation,
                         GError     **error)
{
  g_autoptr(GraphbitTransform) transform = graphbit_transform_parse (transformation, error);
  GraphbitNode *self;

  if (transform == NULL)
    return NULL;
  self = node_new (GRAPHBIT_NODE_KIND_TRANSFORM, name, error);
  if (self == NULL)
    return NULL;
  self->transformation = g_strdup (transformation);
  self->transform = g_steal_pointer (&transform);
  return self;
}

/**
 * graphbit_node_condition: (constructor)
 * @name: the node's name, unique in its workflow
 * @expression: a condition such as `score > 0.5 and node.review contains
 *   'approved'`: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`,
 *   `contains`, `startswith`, `endswith`), `and`, `or`, `not`,
 *   parentheses, numbers, quoted strings, `true`, `false`, input names,
 *   `input` (the node's input), and `node.NAME[.json.path]`
 * @error: return location for a #GError
 *
 * Creates a condition node. Its outgoing edges made with
 * [method@Graphbit.Workflow.connect_when] are taken when the condition has
 * the edge's value; the other branch is skipped.
 *
 * Returns: (transfer full): a new #GraphbitNode, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for an empty or malformed expression
 */
GraphbitNode *
graphbit_node_condition (const char  *name,
                         const char  *expression,
                         GError     **error)
{
  g_autoptr(GraphbitExpression) tree = graphbit_expression_parse (expression, error);
  GraphbitNode *self;

  if (tree == NULL)
    return NULL;
  self = node_new (GRAPHBIT_NODE_KIND_CONDITION, name, error);
  if (self == NULL)
    return NULL;
  self->expression = g_strdup (expression);
  self->expression_tree = g_steal_pointer (&tree);
  return self;
}

/**
 * graphbit_node_delay: (constructor)
 * @name: the node's name, unique in its workflow
 * @seconds: how long to wait, 0 to 86400
 * @error: return location for a #GError
 *
 * Creates a node that waits, then passes its input on unchanged.
 *
 * Returns: (transfer full): a new #GraphbitNode, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for a delay out of range
 */
GraphbitNode *
graphbit_node_delay (const char  *name,
                     gdouble      seconds,
                     GError     **error)
{
  GraphbitNode *self;

  if (isnan (seconds) || seconds < 0 || seconds > 86400)
    {
      char value[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (value, sizeof value, seconds);
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("Node.delay", "seconds", value,
                                       "A delay must be between 0 and 86400 seconds, got %s", value));
      return NULL;
    }
  self = node_new (GRAPHBIT_NODE_KIND_DELAY, name, error);
  if (self != NULL)
    self->delay_seconds = seconds;
  return self;
}

/**
 * graphbit_node_get_id:
 * @self: a #GraphbitNode
 *
 * Gets the node's id, a random UUID chosen when the node was made.
 *
 * Returns: the node's id (a UUID)
 */
const char *
graphbit_node_get_id (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->id;
}

/**
 * graphbit_node_get_name:
 * @self: a #GraphbitNode
 *
 * Gets the node's name, unique within a workflow.
 *
 * Returns: the node's name
 */
const char *
graphbit_node_get_name (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->name;
}

/**
 * graphbit_node_get_kind:
 * @self: a #GraphbitNode
 *
 * Gets the node's kind: agent, transform, condition or delay.
 *
 * Returns: what the node does
 */
GraphbitNodeKind
graphbit_node_get_kind (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), GRAPHBIT_NODE_KIND_AGENT);
  return self->kind;
}

/**
 * graphbit_node_get_kind_name:
 * @self: a #GraphbitNode
 *
 * Gets the node's kind as a lowercase name, as Python's `Node.kind()` shows
 * it.
 *
 * Returns: "agent", "transform", "condition" or "delay"
 */
const char *
graphbit_node_get_kind_name (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return kind_names[self->kind];
}

/**
 * graphbit_node_get_prompt:
 * @self: a #GraphbitNode
 *
 * Gets an agent node's prompt template, %NULL for other kinds of node.
 *
 * Returns: (nullable): an agent's prompt template
 */
const char *
graphbit_node_get_prompt (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->prompt;
}

/**
 * graphbit_node_get_agent_id:
 * @self: a #GraphbitNode
 *
 * Gets an agent node's agent id, %NULL for other kinds of node.
 *
 * Returns: (nullable): an agent's id
 */
const char *
graphbit_node_get_agent_id (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->agent_id;
}

/**
 * graphbit_node_get_system_prompt:
 * @self: a #GraphbitNode
 *
 * Gets an agent node's system prompt, %NULL if it has none.
 *
 * Returns: (nullable): an agent's system prompt
 */
const char *
graphbit_node_get_system_prompt (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->system_prompt;
}

/**
 * graphbit_node_get_max_tokens:
 * @self: a #GraphbitNode
 *
 * Gets the most tokens an agent node's answer may have.
 *
 * Returns: an agent's token limit, or 0 for none
 */
gint
graphbit_node_get_max_tokens (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), 0);
  return self->max_tokens;
}

/**
 * graphbit_node_get_temperature:
 * @self: a #GraphbitNode
 *
 * Gets an agent node's sampling temperature.
 *
 * Returns: an agent's temperature, or NAN when unset
 */
gdouble
graphbit_node_get_temperature (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NAN);
  return self->temperature;
}

gboolean
graphbit_node_has_temperature (GraphbitNode *self)
{
  return !isnan (self->temperature);
}

/**
 * graphbit_node_get_llm_config:
 * @self: a #GraphbitNode
 *
 * Gets the provider configuration an agent node uses instead of the
 * executor's.
 *
 * Returns: (transfer none) (nullable): an agent's own provider, or %NULL
 *   when it uses the executor's
 */
GraphbitLlmConfig *
graphbit_node_get_llm_config (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->llm_config;
}

/**
 * graphbit_node_get_transformation:
 * @self: a #GraphbitNode
 *
 * Gets a transform node's transformation, %NULL for other kinds of node.
 *
 * Returns: (nullable): a transform's transformation
 */
const char *
graphbit_node_get_transformation (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->transformation;
}

/**
 * graphbit_node_get_expression:
 * @self: a #GraphbitNode
 *
 * Gets a condition node's expression, %NULL for other kinds of node.
 *
 * Returns: (nullable): a condition's expression
 */
const char *
graphbit_node_get_expression (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), NULL);
  return self->expression;
}

/**
 * graphbit_node_get_delay_seconds:
 * @self: a #GraphbitNode
 *
 * Gets how long a delay node waits, in seconds.
 *
 * Returns: a delay's duration in seconds (0 for other kinds)
 */
gdouble
graphbit_node_get_delay_seconds (GraphbitNode *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_NODE (self), 0);
  return self->delay_seconds;
}

GraphbitTransform *
graphbit_node_get_transform_tree (GraphbitNode *self)
{
  return self->transform;
}

GraphbitExpression *
graphbit_node_get_expression_tree (GraphbitNode *self)
{
  return self->expression_tree;
}

void
graphbit_node_set_id (GraphbitNode *self,
                      const char   *id)
{
  g_free (self->id);
  self->id = g_strdup (id);
}

/* Every node the node reads: {{node.X}} in its texts, node.X in its
 * condition. */
GPtrArray *
graphbit_node_dup_references (GraphbitNode *self)
{
  GPtrArray *references = g_ptr_array_new_with_free_func (g_free);
  const char *texts[] = { self->prompt, self->system_prompt,
                          self->transform != NULL ? graphbit_transform_get_template (self->transform) : NULL };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      if (texts[i] == NULL)
        continue;
      found = graphbit_template_node_references (texts[i]);
      for (guint j = 0; j < found->len; j++)
        g_ptr_array_add (references, g_strdup (g_ptr_array_index (found, j)));
    }
  if (self->expression_tree != NULL)
    {
      GPtrArray *names = graphbit_expression_get_names (self->expression_tree);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);

          if (g_str_has_prefix (name, "node."))
            g_ptr_array_add (references, g_strdup (name + strlen ("node.")));
        }
    }
  return references;
}
