/* mock-server.c - start and stop the mock provider from a C test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <libsoup/soup.h>
#include <string.h>

#include "mock-server.h"

MockServer *
mock_server_start (void)
{
  const char *path = g_getenv ("GRAPHBIT_MOCK_PROVIDER");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;
  MockServer *mock;

  g_assert_nonnull (path);
  mock = g_new0 (MockServer, 1);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* Sanitizer builds check the library, not the mock: libsoup 3.2's server
   * keeps connection state alive at exit, which is not ours to fix. */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  mock->process = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "READY "));
  mock->url = g_strdup (line + strlen ("READY "));
  return mock;
}

void
mock_server_stop (MockServer *mock)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (mock->process), NULL, NULL);
  g_subprocess_wait_check (mock->process, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (mock->process);
  g_free (mock->url);
  g_free (mock);
}

JsonNode *
mock_server_stats (MockServer *mock)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (mock->url, "/_mock/stats", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

gint64
mock_server_stat (MockServer *mock,
                  const char *name)
{
  JsonNode *root = mock_server_stats (mock);
  gint64 value = json_object_get_int_member (json_node_get_object (root), name);

  json_node_unref (root);
  return value;
}

gint64
mock_server_attempts (MockServer *mock,
                      const char *key)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *escaped = g_uri_escape_string (key, NULL, FALSE);
  g_autofree char *url = g_strconcat (mock->url, "/_mock/attempts?key=", escaped, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "attempts");
}

char *
mock_fixture_read (const char *relative,
                   gsize      *len)
{
  g_autofree char *path = g_build_filename (g_getenv ("GRAPHBIT_FIXTURES_DIR"), relative, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}
