/* llm-complete.c - one completion, blocking and asynchronous, with its metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "example-provider.h"

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmResponse) response =
    graphbit_llm_client_complete_full_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  if (response == NULL)
    g_printerr ("failed: %s\n", error->message);
  else
    g_print ("[%s] %s (finish: %s, %u tokens)\n", graphbit_llm_response_get_model (response),
             graphbit_llm_response_get_content (response), graphbit_llm_response_get_finish_reason (response),
             graphbit_llm_response_get_total_tokens (response));
  g_main_loop_quit (loop);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitLlmClient) client = NULL;
  g_autoptr(GraphbitLlmRequest) request = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *text = NULL;

  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  client = graphbit_llm_client_new (config);

  request = graphbit_llm_request_new ("Write a haiku about GLib.");
  graphbit_llm_request_set_max_tokens (request, 100);
  graphbit_llm_request_set_temperature (request, 0.7);
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  if (text == NULL)
    {
      g_printerr ("failed: %s\n", error->message);
      return 1;
    }
  g_print ("%s\n", text);

  /* A conversation, asynchronously: the callback runs in this thread. */
  g_clear_object (&request);
  request = graphbit_llm_request_new (NULL);
  graphbit_llm_request_add_message (request, GRAPHBIT_LLM_ROLE_SYSTEM, "Answer in one sentence.");
  graphbit_llm_request_add_message (request, GRAPHBIT_LLM_ROLE_USER, "Say hello.");
  graphbit_llm_client_complete_full_async (client, request, NULL, on_response, loop);
  g_main_loop_run (loop);

  graphbit_shutdown ();
  return 0;
}
