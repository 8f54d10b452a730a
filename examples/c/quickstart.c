/* quickstart.c - graphbit from C: one completion, blocking and asynchronous
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Build against an installed graphbit:
 *   cc quickstart.c $(pkg-config --cflags --libs graphbit-1) -o quickstart
 *
 * Reads OPENAI_API_KEY (and OPENAI_BASE_URL, GRAPHBIT_MODEL) from the
 * environment, like the Python quickstart.
 */

#include <graphbit.h>

static void
on_complete (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  if (text == NULL)
    g_printerr ("complete_async failed: %s\n", error->message);
  else
    g_print ("complete_async(): %s\n", text);
  g_main_loop_quit (loop);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = NULL;
  g_autoptr(GraphbitLlmClient) client = NULL;
  g_autoptr(GraphbitLlmRequest) request = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *text = NULL;
  const char *model = g_getenv ("GRAPHBIT_MODEL");

  config = graphbit_llm_config_openai (NULL, model != NULL && *model != '\0' ? model : NULL, NULL, &error);
  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  client = graphbit_llm_client_new (config);
  g_print ("graphbit %s -> %s %s at %s\n", graphbit_get_version (),
           graphbit_llm_config_get_provider_name (config), graphbit_llm_config_get_model (config),
           graphbit_llm_config_get_base_url (config));

  /* Blocking: waits without iterating any main context. */
  request = graphbit_llm_request_new ("Say hello to graphbit in five words.");
  graphbit_llm_request_set_max_tokens (request, 50);
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  if (text == NULL)
    {
      g_printerr ("complete failed: %s\n", error->message);
      return 1;
    }
  g_print ("complete():       %s\n", text);

  /* Asynchronous: the callback runs in this thread's main context. */
  loop = g_main_loop_new (NULL, FALSE);
  g_clear_object (&request);
  request = graphbit_llm_request_new ("Name one use of an LLM workflow engine.");
  graphbit_llm_client_complete_async (client, request, NULL, on_complete, loop);
  g_main_loop_run (loop);

  graphbit_shutdown ();
  return 0;
}
