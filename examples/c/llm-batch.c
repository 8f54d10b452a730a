/* llm-batch.c - many completions, bounded concurrency, results in input order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "example-provider.h"

#define N_PROMPTS 8

static void
on_batch (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmBatchResult) batch =
    graphbit_llm_client_complete_batch_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  if (batch == NULL)
    g_printerr ("batch refused: %s\n", error->message);
  for (guint i = 0; batch != NULL && i < graphbit_llm_batch_result_get_n_items (batch); i++)
    {
      g_autoptr(GError) item_error = NULL;

      if (graphbit_llm_batch_result_check_item (batch, i, &item_error))
        g_print ("%u: %s\n", i,
                 graphbit_llm_response_get_content (graphbit_llm_batch_result_get_response (batch, i)));
      else
        g_print ("%u: failed: %s\n", i, item_error->message);
    }
  g_main_loop_quit (loop);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitLlmClient) client = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GraphbitLlmRequest *requests[N_PROMPTS];

  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  client = graphbit_llm_client_new (config);

  for (guint i = 0; i < N_PROMPTS; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Give me a fact about the number %u.", i + 1);

      requests[i] = graphbit_llm_request_new (prompt);
      graphbit_llm_request_set_max_tokens (requests[i], 60);
    }
  graphbit_llm_client_complete_batch_async (client, requests, N_PROMPTS, 4, NULL, on_batch, loop);
  g_main_loop_run (loop);

  for (guint i = 0; i < N_PROMPTS; i++)
    g_object_unref (requests[i]);
  graphbit_shutdown ();
  return 0;
}
