/* mock-ollama.c - the mock's Ollama native API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST /api/chat and /api/generate (NDJSON streams unless "stream": false,
 * since the API streams by default), the load requests (no messages, no
 * prompt), GET /api/tags, POST /api/show, GET /api/version and GET /.
 * The model "missing-model" is the one that is never pulled.
 */

#include <string.h>

#include "mock-private.h"

#define JSON_UTF8 "application/json; charset=utf-8"

/* {"error": "message"}: Ollama's, and Hugging Face's. */
GBytes *
mock_error_text_body (guint             status,
                      const char       *message,
                      const Directives *d)
{
  g_autoptr(JsonObject) root = json_object_new ();
  char *json;

  json_object_set_string_member (root, "error", message);
  json = mock_json_to_string (root);
  return g_bytes_new_take (json, strlen (json));
}

const MockDialect mock_ollama_dialect = {
  .error_content_type = JSON_UTF8,
  .error_body = mock_error_text_body,
};

/* What every line of one answer shares. */
typedef struct
{
  const char *model;
  gboolean chat;               /* "message" (chat) or "response" (generate) */
} Answer;

static JsonObject *
line_new (const Answer *answer,
          const char   *text,
          gboolean      done)
{
  JsonObject *line = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created_at = g_date_time_format_iso8601 (now);

  json_object_set_string_member (line, "model", answer->model);
  json_object_set_string_member (line, "created_at", created_at);
  if (answer->chat)
    {
      JsonObject *message = json_object_new ();

      json_object_set_string_member (message, "role", "assistant");
      json_object_set_string_member (message, "content", text);
      json_object_set_object_member (line, "message", message);
    }
  else
    json_object_set_string_member (line, "response", text);
  json_object_set_boolean_member (line, "done", done);
  return line;
}

/* Ollama omits every metric that is zero. */
static void
set_metric (JsonObject *line,
            const char *name,
            gint64      value)
{
  if (value != 0)
    json_object_set_int_member (line, name, value);
}

/* The last line: why it stopped, the counts, and durations (nanoseconds)
 * that look like a small model's. */
static JsonObject *
done_line_new (const Answer *answer,
               const char   *text,
               const char   *done_reason,
               guint         prompt_tokens,
               guint         eval_tokens)
{
  JsonObject *line = line_new (answer, text, TRUE);
  gint64 load = 1000000, prompt_eval = prompt_tokens * G_GINT64_CONSTANT (100000);
  gint64 eval = eval_tokens * G_GINT64_CONSTANT (10000000);

  json_object_set_string_member (line, "done_reason", done_reason);
  set_metric (line, "total_duration", load + prompt_eval + eval);
  set_metric (line, "load_duration", load);
  set_metric (line, "prompt_eval_count", prompt_tokens);
  set_metric (line, "prompt_eval_duration", prompt_eval);
  set_metric (line, "eval_count", eval_tokens);
  set_metric (line, "eval_duration", eval);
  return line;
}

void
mock_ollama_model_not_found (Mock              *mock,
                             SoupServerMessage *msg,
                             const char        *model,
                             const char        *hint,
                             const Directives  *d)
{
  g_autofree char *message = g_strdup_printf ("model '%s' not found%s", model, hint);

  mock_reply_error (mock, msg, &mock_ollama_dialect, 404, message, d);
}

static gboolean
keep_alive_is_zero (JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "keep_alive");
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    return json_node_get_double (node) == 0;
  /* A duration: "0", "0s", "0m"... */
  return type == G_TYPE_STRING && json_node_get_string (node)[0] == '0'
         && g_ascii_strtod (json_node_get_string (node), NULL) == 0;
}

/* Nothing to generate: the request loads the model (or unloads it, with
 * keep_alive 0), and the answer is one JSON object even if streaming. */
static void
reply_load (Mock              *mock,
            SoupServerMessage *msg,
            JsonObject        *root,
            const Answer      *answer,
            const Directives  *d)
{
  g_autoptr(JsonObject) line = line_new (answer, "", TRUE);
  gboolean unload = keep_alive_is_zero (root);

  json_object_set_string_member (line, "done_reason", unload ? "unload" : "load");
  if (!unload)
    mock->model_loads++;
  mock_reply_json (mock, msg, 200, JSON_UTF8, line, d);
}

static void
reply_answer (Mock              *mock,
              SoupServerMessage *msg,
              JsonObject        *root,
              const Answer      *answer,
              const char        *prompt,
              guint              prompt_tokens,
              const Directives  *d)
{
  g_autoptr(GPtrArray) tokens = mock_tokens_new (d, prompt);
  gboolean cut = mock_tokens_limit (tokens, mock_json_int (mock_json_object (root, "options"), "num_predict", -1));
  const char *done_reason = cut ? "length" : "stop";
  g_autoptr(JsonObject) last = NULL;
  MockReply *reply;

  if (!mock_json_bool (root, "stream", TRUE))
    {
      g_autofree char *text = mock_tokens_join (tokens);
      g_autoptr(JsonObject) whole = done_line_new (answer, text, done_reason, prompt_tokens, tokens->len);

      mock_reply_json (mock, msg, 200, JSON_UTF8, whole, d);
      return;
    }

  reply = mock_reply_new (mock, msg, 200, "application/x-ndjson");
  mock_reply_set_streamed (reply);
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr(JsonObject) line = line_new (answer, g_ptr_array_index (tokens, i), FALSE);

      mock_reply_add_ndjson (reply, line);
    }
  last = done_line_new (answer, "", done_reason, prompt_tokens, tokens->len);
  mock_reply_add_ndjson (reply, last);
  mock_reply_send (reply, d);
}

/* What /api/chat and /api/generate share: the checks, the directives,
 * then a load or an answer. @prompt is NULL when there is nothing to
 * generate. */
static void
handle_generation (Mock              *mock,
                   SoupServerMessage *msg,
                   JsonObject        *root,
                   gboolean           chat,
                   const char        *prompt,
                   guint              prompt_tokens)
{
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  Answer answer = { mock_json_string (root, "model"), chat };

  if (answer.model == NULL)
    {
      mock_reply_error (mock, msg, &mock_ollama_dialect, 400, "model is required", &none);
      return;
    }
  if (g_str_equal (answer.model, MOCK_MISSING_MODEL))
    {
      mock_ollama_model_not_found (mock, msg, answer.model, ", try pulling it first", &none);
      return;
    }
  if (prompt != NULL)
    {
      mock_directives_parse (prompt, &d);
      mock_faults_attempt (mock, prompt, &d);
    }
  if (d.status == 404 && d.fixture == NULL)
    {
      mock_ollama_model_not_found (mock, msg, answer.model, ", try pulling it first", &d);
      return;
    }
  if (mock_reply_directed (mock, msg, &mock_ollama_dialect, &d))
    return;

  if (prompt == NULL)
    reply_load (mock, msg, root, &answer, &d);
  else
    reply_answer (mock, msg, root, &answer, prompt, prompt_tokens, &d);
}

static void
reply_bad_body (Mock              *mock,
                SoupServerMessage *msg)
{
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  mock_reply_error (mock, msg, &mock_ollama_dialect, 400, "invalid request body", &none);
}

void
mock_ollama_chat (Mock              *mock,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = mock_request_json (msg, parser);
  JsonArray *messages = mock_json_array (root, "messages");
  g_autofree char *last_user = NULL;
  guint prompt_tokens = 0;

  if (root == NULL)
    {
      reply_bad_body (mock, msg);
      return;
    }
  if (messages != NULL && json_array_get_length (messages) > 0)
    last_user = mock_conversation_read (messages, &prompt_tokens);
  handle_generation (mock, msg, root, TRUE, last_user, prompt_tokens);
}

void
mock_ollama_generate (Mock              *mock,
                      SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = mock_request_json (msg, parser);
  const char *prompt = mock_json_string (root, "prompt");
  const char *system = mock_json_string (root, "system");

  if (root == NULL)
    {
      reply_bad_body (mock, msg);
      return;
    }
  if (prompt != NULL && *prompt == '\0')
    prompt = NULL;
  handle_generation (mock, msg, root, FALSE, prompt,
                     (prompt != NULL ? mock_count_words (prompt) : 0)
                     + (system != NULL ? mock_count_words (system) : 0));
}

static void
reply_fixture (Mock              *mock,
               SoupServerMessage *msg,
               const char        *fixture,
               const char        *content_type)
{
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = mock_fixture_load (mock, fixture, &error);

  if (body == NULL)
    mock_reply_error (mock, msg, &mock_ollama_dialect, 500, error->message, &none);
  else
    mock_reply_bytes (mock, msg, 200, content_type, body, &none);
}

void
mock_ollama_tags (Mock              *mock,
                  SoupServerMessage *msg)
{
  reply_fixture (mock, msg, "ollama/tags_response.json", JSON_UTF8);
}

void
mock_ollama_show (Mock              *mock,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = mock_request_json (msg, parser);
  /* "name" is the older spelling. */
  const char *model = mock_json_string (root, "model") != NULL ? mock_json_string (root, "model")
                                                              : mock_json_string (root, "name");
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  if (root == NULL)
    reply_bad_body (mock, msg);
  else if (model == NULL)
    mock_reply_error (mock, msg, &mock_ollama_dialect, 400, "model is required", &none);
  else if (g_str_equal (model, MOCK_MISSING_MODEL))
    mock_ollama_model_not_found (mock, msg, model, "", &none);
  else
    reply_fixture (mock, msg, "ollama/show_response.json", "application/json");
}

static void
reply_text (Mock              *mock,
            SoupServerMessage *msg,
            guint              status,
            const char        *content_type,
            const char        *text)
{
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  mock_reply_bytes (mock, msg, status, content_type, body, &none);
}

void
mock_ollama_version (Mock              *mock,
                     SoupServerMessage *msg)
{
  reply_text (mock, msg, 200, JSON_UTF8, "{\"version\":\"0.12.0\"}");
}

void
mock_ollama_root (Mock              *mock,
                  SoupServerMessage *msg)
{
  reply_text (mock, msg, 200, "text/plain; charset=utf-8", "Ollama is running");
}

/* Ollama's router answers unknown paths in plain text. */
void
mock_ollama_not_found (Mock              *mock,
                       SoupServerMessage *msg)
{
  reply_text (mock, msg, 404, "text/plain", "404 page not found");
}
