/* graphbit-workflow-formats.c - a workflow as JSON, and as a Graphviz graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The JSON form round-trips everything a workflow holds except API keys:
 * a node's own provider is saved as provider, model and base URL, and
 * loading it reads the key from the environment as the constructors do.
 *
 *   {"format": "graphbit-workflow", "version": 1, "name": "...",
 *    "nodes": [{"id", "name", "kind": "agent", "prompt", "agent_id",
 *               "system_prompt"?, "max_tokens"?, "temperature"?,
 *               "llm"?: {"provider", "model", "base_url"}},
 *              {"id", "name", "kind": "transform", "transformation"},
 *              {"id", "name", "kind": "condition", "expression"},
 *              {"id", "name", "kind": "delay", "seconds"}],
 *    "edges": [{"from": id-or-name, "to": id-or-name, "condition"?: bool}]}
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "graphbit-workflow-private.h"
#include "graphbit-node-private.h"
#include "graphbit-error-private.h"
#include "graphbit-json-private.h"
#include "llm/graphbit-llm-request.h"

#define FORMAT_NAME "graphbit-workflow"
#define FORMAT_VERSION 1

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_node (JsonBuilder  *builder,
          GraphbitNode *node)
{
  GraphbitLlmConfig *llm = graphbit_node_get_llm_config (node);

  json_builder_begin_object (builder);
  add_string (builder, "id", graphbit_node_get_id (node));
  add_string (builder, "name", graphbit_node_get_name (node));
  add_string (builder, "kind", graphbit_node_get_kind_name (node));
  switch (graphbit_node_get_kind (node))
    {
    case GRAPHBIT_NODE_KIND_AGENT:
      add_string (builder, "prompt", graphbit_node_get_prompt (node));
      add_string (builder, "agent_id", graphbit_node_get_agent_id (node));
      add_string (builder, "system_prompt", graphbit_node_get_system_prompt (node));
      if (graphbit_node_get_max_tokens (node) > 0)
        {
          json_builder_set_member_name (builder, "max_tokens");
          json_builder_add_int_value (builder, graphbit_node_get_max_tokens (node));
        }
      if (graphbit_node_has_temperature (node))
        {
          json_builder_set_member_name (builder, "temperature");
          json_builder_add_double_value (builder, graphbit_node_get_temperature (node));
        }
      if (llm != NULL)
        {
          /* Never the key. */
          json_builder_set_member_name (builder, "llm");
          json_builder_begin_object (builder);
          add_string (builder, "provider", graphbit_llm_config_get_provider_name (llm));
          add_string (builder, "model", graphbit_llm_config_get_model (llm));
          add_string (builder, "base_url", graphbit_llm_config_get_base_url (llm));
          json_builder_end_object (builder);
        }
      break;
    case GRAPHBIT_NODE_KIND_TRANSFORM:
      add_string (builder, "transformation", graphbit_node_get_transformation (node));
      break;
    case GRAPHBIT_NODE_KIND_CONDITION:
      add_string (builder, "expression", graphbit_node_get_expression (node));
      break;
    case GRAPHBIT_NODE_KIND_DELAY:
    default:
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, graphbit_node_get_delay_seconds (node));
      break;
    }
  json_builder_end_object (builder);
}

/**
 * graphbit_workflow_to_json:
 * @self: a #GraphbitWorkflow
 *
 * Serialises the workflow: its name, nodes (with their ids) and edges.
 * API keys are never written; see [ctor@Graphbit.Workflow.new_from_json].
 *
 * Returns: (transfer full): the JSON text
 */
char *
graphbit_workflow_to_json (GraphbitWorkflow *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *nodes;
  GArray *edges;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);

  nodes = graphbit_workflow_peek_nodes (self);
  edges = graphbit_workflow_peek_edges (self);
  json_builder_begin_object (builder);
  add_string (builder, "format", FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  add_string (builder, "name", graphbit_workflow_get_name (self));
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < nodes->len; i++)
    add_node (builder, g_ptr_array_index (nodes, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < edges->len; i++)
    {
      const GraphbitEdge *edge = &g_array_index (edges, GraphbitEdge, i);

      json_builder_begin_object (builder);
      add_string (builder, "from", graphbit_node_get_id (g_ptr_array_index (nodes, edge->from)));
      add_string (builder, "to", graphbit_node_get_id (g_ptr_array_index (nodes, edge->to)));
      if (edge->condition >= 0)
        {
          json_builder_set_member_name (builder, "condition");
          json_builder_add_boolean_value (builder, edge->condition == 1);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static GError *
bad_document (const char *where,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static GError *
bad_document (const char *where,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return graphbit_error_new_validation ("Workflow.from_json", where, NULL, "Invalid workflow JSON at %s: %s",
                                        where, message);
}

/* The string member @name of @object, or NULL (an error when @required). */
static const char *
member_string (JsonObject  *object,
               const char  *where,
               const char  *name,
               gboolean     required,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    g_propagate_error (error, bad_document (where, "\"%s\" must be a string", name));
  else if (required)
    g_propagate_error (error, bad_document (where, "\"%s\" is missing", name));
  return NULL;
}

static gboolean
member_number (JsonObject  *object,
               const char  *where,
               const char  *name,
               gdouble     *value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_propagate_error (error, bad_document (where, "\"%s\" must be a number", name));
      return FALSE;
    }
  *value = json_node_get_double (node);
  return TRUE;
}

/* max_tokens: absent (0), or a whole number; the node checks its range. */
static gboolean
member_max_tokens (JsonObject  *object,
                   const char  *where,
                   gdouble     *value,
                   GError     **error)
{
  if (!member_number (object, where, "max_tokens", value, error))
    return FALSE;
  if (*value == floor (*value) && *value >= G_MININT && *value <= G_MAXINT)
    return TRUE;
  g_propagate_error (error, bad_document (where, "\"max_tokens\" must be a whole number from 1 to %d",
                                          GRAPHBIT_LLM_MAX_TOKENS_LIMIT));
  return FALSE;
}

static GraphbitLlmConfig *
llm_from_json (JsonObject  *object,
               const char  *where,
               GError     **error)
{
  JsonNode *member = json_object_get_member (object, "llm");
  const char *provider, *model, *base_url;
  GError *local_error = NULL;
  JsonObject *llm;

  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      g_propagate_error (error, bad_document (where, "\"llm\" must be an object with \"provider\", "
                                                     "\"model\" and \"base_url\""));
      return NULL;
    }
  llm = json_node_get_object (member);
  provider = member_string (llm, where, "provider", TRUE, &local_error);
  model = local_error == NULL ? member_string (llm, where, "model", FALSE, &local_error) : NULL;
  base_url = local_error == NULL ? member_string (llm, where, "base_url", FALSE, &local_error) : NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (g_strcmp0 (provider, "openai") == 0)
    return graphbit_llm_config_openai (NULL, model, base_url, error);
  if (g_strcmp0 (provider, "anthropic") == 0)
    return graphbit_llm_config_anthropic (NULL, model, base_url, error);
  if (g_strcmp0 (provider, "ollama") == 0)
    return graphbit_llm_config_ollama (model, base_url, error);
  g_propagate_error (error, bad_document (where, "unknown provider '%s': use openai, anthropic or ollama", provider));
  return NULL;
}

static GraphbitNode *
node_from_json (JsonObject  *object,
                const char  *where,
                GError     **error)
{
  GError *local_error = NULL;
  const char *id = member_string (object, where, "id", FALSE, &local_error);
  const char *name = local_error == NULL ? member_string (object, where, "name", TRUE, &local_error) : NULL;
  const char *kind = local_error == NULL ? member_string (object, where, "kind", TRUE, &local_error) : NULL;
  GraphbitNode *node = NULL;

  if (local_error == NULL && id != NULL && !g_uuid_string_is_valid (id))
    local_error = bad_document (where, "\"id\" must be a UUID, as to_json() writes it, not '%s'", id);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (g_str_equal (kind, "agent"))
    {
      const char *prompt = member_string (object, where, "prompt", TRUE, &local_error);
      const char *agent_id = local_error == NULL ? member_string (object, where, "agent_id", FALSE, &local_error) : NULL;
      const char *system_prompt = local_error == NULL
                                  ? member_string (object, where, "system_prompt", FALSE, &local_error) : NULL;
      gdouble max_tokens = 0, temperature = NAN;
      g_autoptr(GraphbitLlmConfig) llm = NULL;

      if (local_error == NULL && member_max_tokens (object, where, &max_tokens, &local_error)
          && member_number (object, where, "temperature", &temperature, &local_error)
          && (json_object_get_member (object, "llm") == NULL
              || (llm = llm_from_json (object, where, &local_error)) != NULL))
        node = graphbit_node_agent_full (name, prompt, agent_id, system_prompt, (gint) max_tokens, temperature,
                                         llm, &local_error);
    }
  else if (g_str_equal (kind, "transform"))
    {
      const char *transformation = member_string (object, where, "transformation", TRUE, &local_error);

      if (local_error == NULL)
        node = graphbit_node_transform (name, transformation, &local_error);
    }
  else if (g_str_equal (kind, "condition"))
    {
      const char *expression = member_string (object, where, "expression", TRUE, &local_error);

      if (local_error == NULL)
        node = graphbit_node_condition (name, expression, &local_error);
    }
  else if (g_str_equal (kind, "delay"))
    {
      gdouble seconds = 0;

      if (member_number (object, where, "seconds", &seconds, &local_error))
        node = graphbit_node_delay (name, seconds, &local_error);
    }
  else
    local_error = bad_document (where, "unknown kind '%s': use agent, transform, condition or delay", kind);

  if (node == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (id != NULL)
    graphbit_node_set_id (node, id);
  return node;
}

static JsonArray *
member_array (JsonObject  *object,
              const char  *name,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return NULL;   /* an absent list is an empty one */
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_propagate_error (error, bad_document (name, "\"%s\" must be an array", name));
      return NULL;
    }
  return json_node_get_array (node);
}

/**
 * graphbit_workflow_new_from_json: (constructor)
 * @json: text from [method@Graphbit.Workflow.to_json]
 * @error: return location for a #GError
 *
 * Loads a workflow. Nodes keep their ids. A node with its own provider
 * gets its key from the environment (`OPENAI_API_KEY`, ...), since keys are
 * never saved. The result is not validated; see
 * [method@Graphbit.Workflow.validate].
 *
 * Returns: (transfer full): the workflow, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION saying where the document is wrong (or a
 *   node's own error)
 */
GraphbitWorkflow *
graphbit_workflow_new_from_json (const char  *json,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GraphbitWorkflow) workflow = NULL;
  GError *local_error = NULL;
  JsonObject *root;
  JsonArray *nodes, *edges;
  const char *format;
  gdouble version = FORMAT_VERSION;

  g_return_val_if_fail (json != NULL, NULL);

  /* json-glib takes an empty document as valid, with no root. */
  if (!graphbit_json_load (parser, json, -1, &parse_error)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      graphbit_propagate_error (error, bad_document ("(document)", "not a JSON object%s%s",
                                                     parse_error != NULL ? ": " : "",
                                                     parse_error != NULL ? parse_error->message : ""));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  format = member_string (root, "(document)", "format", FALSE, &local_error);
  if (local_error == NULL && format != NULL && !g_str_equal (format, FORMAT_NAME))
    local_error = bad_document ("format", "this is a '%s' document, not a graphbit workflow", format);
  if (local_error == NULL && member_number (root, "version", "version", &version, &local_error)
      && version > FORMAT_VERSION)
    local_error = bad_document ("version", "version %g is newer than this graphbit reads (%d)",
                                version, FORMAT_VERSION);
  if (local_error == NULL)
    workflow = graphbit_workflow_new (member_string (root, "(document)", "name", FALSE, &local_error));
  nodes = local_error == NULL ? member_array (root, "nodes", &local_error) : NULL;
  edges = local_error == NULL ? member_array (root, "edges", &local_error) : NULL;

  for (guint i = 0; local_error == NULL && nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      g_autofree char *where = g_strdup_printf ("nodes[%u]", i);
      JsonNode *element = json_array_get_element (nodes, i);
      g_autoptr(GraphbitNode) node = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        local_error = bad_document (where, "a node must be an object");
      else if ((node = node_from_json (json_node_get_object (element), where, &local_error)) != NULL)
        graphbit_workflow_add_node (workflow, node, &local_error);
    }

  for (guint i = 0; local_error == NULL && edges != NULL && i < json_array_get_length (edges); i++)
    {
      g_autofree char *where = g_strdup_printf ("edges[%u]", i);
      JsonNode *element = json_array_get_element (edges, i);
      JsonObject *edge;
      JsonNode *condition;
      const char *from, *to;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          local_error = bad_document (where, "an edge must be an object");
          break;
        }
      edge = json_node_get_object (element);
      from = member_string (edge, where, "from", TRUE, &local_error);
      to = local_error == NULL ? member_string (edge, where, "to", TRUE, &local_error) : NULL;
      if (local_error != NULL)
        break;
      condition = json_object_get_member (edge, "condition");
      if (condition == NULL || JSON_NODE_HOLDS_NULL (condition))
        graphbit_workflow_connect (workflow, from, to, &local_error);
      else if (JSON_NODE_HOLDS_VALUE (condition) && json_node_get_value_type (condition) == G_TYPE_BOOLEAN)
        graphbit_workflow_connect_when (workflow, from, to, json_node_get_boolean (condition), &local_error);
      else
        local_error = bad_document (where, "\"condition\" must be true, false or absent");
    }

  if (local_error != NULL)
    {
      graphbit_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&workflow);
}

static void
append_dot_string (GString    *out,
                   const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * graphbit_workflow_to_dot:
 * @self: a #GraphbitWorkflow
 *
 * Describes the workflow as a Graphviz graph: one box per node (its name
 * and kind; conditions as diamonds), conditional edges labelled with their
 * value.
 *
 * Returns: (transfer full): the DOT text
 */
char *
graphbit_workflow_to_dot (GraphbitWorkflow *self)
{
  GString *out;
  GPtrArray *nodes;
  GArray *edges;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);

  nodes = graphbit_workflow_peek_nodes (self);
  edges = graphbit_workflow_peek_edges (self);
  out = g_string_new ("digraph ");
  append_dot_string (out, graphbit_workflow_get_name (self));
  g_string_append (out, " {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
  for (guint i = 0; i < nodes->len; i++)
    {
      GraphbitNode *node = g_ptr_array_index (nodes, i);
      g_autofree char *label = g_strdup_printf ("%s\n(%s)", graphbit_node_get_name (node),
                                                graphbit_node_get_kind_name (node));

      g_string_append_printf (out, "  n%u [label=", i);
      append_dot_string (out, label);
      if (graphbit_node_get_kind (node) == GRAPHBIT_NODE_KIND_CONDITION)
        g_string_append (out, ", shape=diamond, style=\"\"");
      g_string_append (out, "];\n");
    }
  for (guint i = 0; i < edges->len; i++)
    {
      const GraphbitEdge *edge = &g_array_index (edges, GraphbitEdge, i);

      g_string_append_printf (out, "  n%u -> n%u", edge->from, edge->to);
      if (edge->condition >= 0)
        g_string_append_printf (out, " [label=\"%s\"]", edge->condition ? "true" : "false");
      g_string_append (out, ";\n");
    }
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}
