/* mock-server.h - start and stop the mock provider from a C test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char *url;         /* http://127.0.0.1:PORT */
} MockServer;

/* Starts $GRAPHBIT_MOCK_PROVIDER on an ephemeral port; aborts the test on failure. */
MockServer *mock_server_start (void);
/* Closes its stdin (it exits on EOF) and waits for it. */
void        mock_server_stop  (MockServer *mock);
/* GET /_mock/stats; free with json_node_unref(). */
JsonNode   *mock_server_stats (MockServer *mock);
gint64      mock_server_stat  (MockServer *mock,
                               const char *name);
/* GET /_mock/attempts: how many attempts the mock saw for @key (the text
 * of one logical request), on every route. */
gint64      mock_server_attempts (MockServer *mock,
                                  const char *key);

/* The bytes of a shared fixture ($GRAPHBIT_FIXTURES_DIR/@relative);
 * aborts the test if it cannot be read. */
char       *mock_fixture_read (const char *relative,
                               gsize      *len);

G_END_DECLS
