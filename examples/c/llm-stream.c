/* llm-stream.c - streaming: text printed as the provider sends it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>

#include "example-provider.h"

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
} Reader;

static void
on_next (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  GraphbitLlmStream *stream = GRAPHBIT_LLM_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_stream_next_finish (stream, result, &error);

  if (text != NULL)
    {
      /* More to come: print this piece and ask for the next one. */
      fputs (text, stdout);
      fflush (stdout);
      graphbit_llm_stream_next_async (stream, NULL, on_next, reader);
      return;
    }
  if (error != NULL)
    g_printerr ("\nstream failed: %s\n", error->message);
  reader->ok = error == NULL;
  g_main_loop_quit (reader->loop);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitLlmClient) client = NULL;
  g_autoptr(GraphbitLlmRequest) request = NULL;
  g_autoptr(GraphbitLlmStream) stream = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Reader reader = { loop, FALSE };
  GraphbitLlmResponse *response;

  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  client = graphbit_llm_client_new (config);
  request = graphbit_llm_request_new ("Tell me a story");
  graphbit_llm_request_set_max_tokens (request, 500);

  stream = graphbit_llm_client_stream (client, request, &error);
  if (stream == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  graphbit_llm_stream_next_async (stream, NULL, on_next, &reader);
  g_main_loop_run (loop);
  if (!reader.ok)
    return 1;

  response = graphbit_llm_stream_get_response (stream);
  g_print ("\nfinish: %s, %u tokens\n", graphbit_llm_response_get_finish_reason (response),
           graphbit_llm_response_get_completion_tokens (response));
  g_clear_object (&stream);
  graphbit_shutdown ();
  return 0;
}
