/* graphbit-run.c - run a workflow from a JSON file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small command-line front end on the public API only: it loads a
 * Workflow.to_json() document, runs it with an executor, prints progress
 * (stderr), the outputs (stdout) and the statistics, and says through its
 * exit status what went wrong.
 */

#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include <graphbit.h>

/* Exit statuses, documented in --help. */
enum {
  EXIT_OK = 0,
  EXIT_NODE_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_INVALID_WORKFLOW = 3,
  EXIT_TIMEOUT = 4,
  EXIT_CONFIGURATION = 5,
  EXIT_RUN_ERROR = 6,
  EXIT_CANCELLED = 130,
};

typedef struct
{
  char *provider;
  char *model;
  char *base_url;
  char *mode;
  gdouble timeout;
  char **inputs;
  char **input_files;
  char *format;
  char *dot;
  gboolean quiet;
  gboolean debug;
  gboolean validate_only;
} Options;

typedef struct
{
  Options *options;
  GMainLoop *loop;
  GraphbitWorkflowResult *result;
  GError *error;
} Run;

static void
options_clear (Options *options)
{
  g_free (options->provider);
  g_free (options->model);
  g_free (options->base_url);
  g_free (options->mode);
  g_strfreev (options->inputs);
  g_strfreev (options->input_files);
  g_free (options->format);
  g_free (options->dot);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("graphbit-run: %s\n", message);
  return status;
}

/* The provider: --provider, else the first one the environment configures. */
static GraphbitLlmConfig *
make_config (Options  *options,
             GError  **error)
{
  const char *provider = options->provider;

  if (provider == NULL)
    {
      if (g_getenv ("OPENAI_API_KEY") != NULL && *g_getenv ("OPENAI_API_KEY") != '\0')
        provider = "openai";
      else if (g_getenv ("ANTHROPIC_API_KEY") != NULL && *g_getenv ("ANTHROPIC_API_KEY") != '\0')
        provider = "anthropic";
      else if (g_getenv ("OLLAMA_HOST") != NULL && *g_getenv ("OLLAMA_HOST") != '\0')
        provider = "ollama";
      else
        provider = "openai";   /* its error says which variable to set */
    }
  if (g_str_equal (provider, "openai"))
    return graphbit_llm_config_openai (NULL, options->model, options->base_url, error);
  if (g_str_equal (provider, "anthropic"))
    return graphbit_llm_config_anthropic (NULL, options->model, options->base_url, error);
  if (g_str_equal (provider, "ollama"))
    return graphbit_llm_config_ollama (options->model, options->base_url, error);
  g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION,
               "unknown provider '%s': use openai, anthropic or ollama", provider);
  return NULL;
}

static gboolean
parse_mode (const char             *name,
            GraphbitExecutionMode  *mode)
{
  static const struct { const char *name; GraphbitExecutionMode mode; } modes[] = {
    { "balanced", GRAPHBIT_EXECUTION_MODE_BALANCED },
    { "high-throughput", GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT },
    { "low-latency", GRAPHBIT_EXECUTION_MODE_LOW_LATENCY },
    { "memory-optimized", GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (name, modes[i].name))
      {
        *mode = modes[i].mode;
        return TRUE;
      }
  return FALSE;
}

/* --input KEY=VALUE and --input-file KEY=PATH into one table. */
static GHashTable *
collect_inputs (Options  *options,
                GError  **error)
{
  g_autoptr(GHashTable) inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; options->inputs != NULL && options->inputs[i] != NULL; i++)
    {
      const char *equals = strchr (options->inputs[i], '=');

      if (equals == NULL || equals == options->inputs[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--input '%s' is not KEY=VALUE", options->inputs[i]);
          return NULL;
        }
      g_hash_table_insert (inputs, g_strndup (options->inputs[i], equals - options->inputs[i]),
                           g_strdup (equals + 1));
    }
  for (guint i = 0; options->input_files != NULL && options->input_files[i] != NULL; i++)
    {
      const char *equals = strchr (options->input_files[i], '=');
      char *contents = NULL;

      if (equals == NULL || equals == options->input_files[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--input-file '%s' is not KEY=PATH", options->input_files[i]);
          return NULL;
        }
      if (!g_file_get_contents (equals + 1, &contents, NULL, error))
        return NULL;
      g_hash_table_insert (inputs, g_strndup (options->input_files[i], equals - options->input_files[i]), contents);
    }
  return g_steal_pointer (&inputs);
}

static void
on_node_started (GraphbitExecutor *executor,
                 const char       *node_name,
                 gpointer          user_data)
{
  g_printerr ("  started   %s\n", node_name);
}

static void
on_node_finished (GraphbitExecutor   *executor,
                  const char         *node_name,
                  GraphbitNodeStatus  status,
                  const char         *output,
                  gpointer            user_data)
{
  g_autoptr(GEnumClass) statuses = g_type_class_ref (GRAPHBIT_TYPE_NODE_STATUS);
  GEnumValue *value = g_enum_get_value (statuses, status);

  g_printerr ("  %-9s %s\n", value != NULL ? value->value_nick : "?", node_name);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->result = graphbit_executor_execute_finish (GRAPHBIT_EXECUTOR (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
print_text (GraphbitExecutor       *executor,
            GraphbitWorkflowResult *result)
{
  g_autoptr(GVariant) nodes = graphbit_workflow_result_get_node_results (result);
  g_autoptr(GVariant) stats = graphbit_executor_get_stats (executor);
  GVariantIter iter;
  GVariant *node;
  gint64 total = 0, successful = 0;

  g_print ("%s: %s in %.1f ms\n", graphbit_workflow_result_get_workflow_name (result),
           graphbit_workflow_result_get_state_name (result),
           graphbit_workflow_result_get_execution_time_ms (result));
  if (graphbit_workflow_result_get_error_message (result) != NULL)
    g_print ("error: %s\n", graphbit_workflow_result_get_error_message (result));
  g_variant_iter_init (&iter, nodes);
  while ((node = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *name, *status, *output = NULL;
      gdouble duration = 0;

      g_variant_lookup (node, "name", "&s", &name);
      g_variant_lookup (node, "status", "&s", &status);
      g_variant_lookup (node, "output", "&s", &output);
      g_variant_lookup (node, "duration_ms", "d", &duration);
      g_print ("\n== %s (%s, %.1f ms)\n%s\n", name, status, duration, output != NULL ? output : "");
      g_variant_unref (node);
    }
  g_variant_lookup (stats, "total_executions", "x", &total);
  g_variant_lookup (stats, "successful_executions", "x", &successful);
  g_print ("\ntokens: %u prompt, %u completion; runs: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " ok\n",
           graphbit_workflow_result_get_prompt_tokens (result),
           graphbit_workflow_result_get_completion_tokens (result), successful, total);
}

static void
print_json (GraphbitExecutor       *executor,
            GraphbitWorkflowResult *result,
            const GError           *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GVariant) stats = graphbit_executor_get_stats (executor);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  if (result != NULL)
    {
      g_autoptr(GVariant) nodes = graphbit_workflow_result_get_node_results (result);

      json_builder_set_member_name (builder, "workflow");
      json_builder_add_string_value (builder, graphbit_workflow_result_get_workflow_name (result));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, graphbit_workflow_result_get_state_name (result));
      json_builder_set_member_name (builder, "error");
      if (graphbit_workflow_result_get_error_message (result) != NULL)
        json_builder_add_string_value (builder, graphbit_workflow_result_get_error_message (result));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "execution_time_ms");
      json_builder_add_double_value (builder, graphbit_workflow_result_get_execution_time_ms (result));
      json_builder_set_member_name (builder, "nodes");
      json_builder_add_value (builder, json_gvariant_serialize (nodes));
    }
  else
    {
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, "Error");
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
    }
  json_builder_set_member_name (builder, "stats");
  json_builder_add_value (builder, json_gvariant_serialize (stats));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
status_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return EXIT_CANCELLED;
  if (g_error_matches (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT))
    return EXIT_TIMEOUT;
  if (g_error_matches (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION))
    return EXIT_INVALID_WORKFLOW;
  return EXIT_RUN_ERROR;
}

static gboolean
write_dot (GraphbitWorkflow  *workflow,
           const char        *path,
           GError           **error)
{
  g_autofree char *dot = graphbit_workflow_to_dot (workflow);

  if (g_str_equal (path, "-"))
    {
      g_print ("%s", dot);
      return TRUE;
    }
  return g_file_set_contents (path, dot, -1, error);
}

static int
run_workflow (Options    *options,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GraphbitWorkflow) workflow = NULL;
  g_autoptr(GraphbitLlmConfig) config = NULL;
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_autoptr(GHashTable) inputs = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GraphbitExecutionMode mode = GRAPHBIT_EXECUTION_MODE_BALANCED;
  gboolean as_json = g_strcmp0 (options->format, "json") == 0;
  Run run = { options, loop, NULL, NULL };
  guint interrupt_id;
  int status;

  if (options->format != NULL && !as_json && !g_str_equal (options->format, "text"))
    return fail (EXIT_USAGE, "--format must be text or json, not '%s'", options->format);
  if (options->mode != NULL && !parse_mode (options->mode, &mode))
    return fail (EXIT_USAGE, "--mode must be balanced, high-throughput, low-latency or memory-optimized, not '%s'",
                 options->mode);
  if ((inputs = collect_inputs (options, &error)) == NULL)
    return fail (EXIT_USAGE, "%s", error->message);

  if (!g_file_get_contents (path, &json, NULL, &error))
    return fail (EXIT_INVALID_WORKFLOW, "%s", error->message);
  workflow = graphbit_workflow_new_from_json (json, &error);
  if (workflow == NULL || !graphbit_workflow_validate (workflow, &error))
    return fail (EXIT_INVALID_WORKFLOW, "%s: %s", path, error->message);
  if (options->dot != NULL && !write_dot (workflow, options->dot, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (options->validate_only)
    {
      if (!options->quiet)
        g_printerr ("%s: valid (%u nodes, %u edges)\n", path, graphbit_workflow_get_node_count (workflow),
                    graphbit_workflow_get_edge_count (workflow));
      return EXIT_OK;
    }

  if ((config = make_config (options, &error)) == NULL)
    return fail (EXIT_CONFIGURATION, "%s", error->message);
  if ((executor = graphbit_executor_new (config, mode, options->timeout, &error)) == NULL)
    return fail (EXIT_USAGE, "%s", error->message);
  graphbit_executor_set_debug (executor, options->debug);
  if (!options->quiet && !as_json)
    {
      g_signal_connect (executor, "node-started", G_CALLBACK (on_node_started), NULL);
      g_signal_connect (executor, "node-finished", G_CALLBACK (on_node_finished), NULL);
      g_printerr ("running '%s' with %s %s (%s mode)\n", graphbit_workflow_get_name (workflow),
                  graphbit_llm_config_get_provider_name (config), graphbit_llm_config_get_model (config),
                  graphbit_executor_get_mode_name (executor));
    }

  /* Ctrl-C (or a TERM) cancels the run, which aborts its HTTP requests. */
  interrupt_id = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  graphbit_executor_execute_async (executor, workflow, inputs, cancellable, on_run_done, &run);
  g_main_loop_run (loop);
  g_source_remove (interrupt_id);

  if (as_json)
    print_json (executor, run.result, run.error);
  if (run.result == NULL)
    {
      status = status_for_error (run.error);
      if (!as_json)
        fail (status, "%s", run.error->message);
      g_error_free (run.error);
      return status;
    }
  if (!as_json)
    print_text (executor, run.result);
  status = graphbit_workflow_result_is_success (run.result) ? EXIT_OK : EXIT_NODE_FAILED;
  g_object_unref (run.result);
  return status;
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { 0 };
  GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &options.inputs, "An execution input (repeatable)", "KEY=VALUE" },
    { "input-file", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.input_files, "An input read from a file", "KEY=PATH" },
    { "provider", 'p', 0, G_OPTION_ARG_STRING, &options.provider,
      "openai, anthropic or ollama (default: the first whose key or host is set)", "NAME" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &options.model, "The model (default: the provider's)", "MODEL" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &options.base_url, "The provider's base URL", "URL" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options.mode,
      "balanced (default), high-throughput, low-latency or memory-optimized", "MODE" },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &options.timeout, "Overall timeout in seconds (default: the mode's)", "S" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &options.format, "text (default) or json", "FORMAT" },
    { "dot", 0, 0, G_OPTION_ARG_FILENAME, &options.dot, "Also write the graph in Graphviz DOT (- for stdout)", "FILE" },
    { "validate", 0, 0, G_OPTION_ARG_NONE, &options.validate_only, "Only load and validate the workflow", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options.quiet, "No progress on stderr", NULL },
    { "debug", 0, 0, G_OPTION_ARG_NONE, &options.debug, "Log each node and request (to stderr, never the key)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("WORKFLOW.json - run a graphbit workflow");
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "The file is what Workflow.to_json() writes. Keys come from the environment\n"
    "(OPENAI_API_KEY, ANTHROPIC_API_KEY; OLLAMA_HOST for Ollama).\n\n"
    "Exit status: 0 completed; 1 a node failed; 2 bad arguments; 3 invalid or\n"
    "unreadable workflow; 4 timed out; 5 provider not configured; 6 other run\n"
    "error; 130 interrupted.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s (see --help)", error->message);
  if (argc != 2)
    return fail (EXIT_USAGE, "give exactly one workflow file (see --help)");

  graphbit_init (options.debug ? "debug" : "warn", FALSE, options.debug, NULL);
  status = run_workflow (&options, argv[1]);
  graphbit_shutdown ();
  return status;
}
