/* mock-embeddings.c - the mock's embedding endpoints: OpenAI, Hugging Face, Ollama
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   POST /v1/embeddings                          OpenAI (data entries in
 *                                                reverse order: "index"
 *                                                says where each belongs)
 *   POST /hf-inference/models/{model}/pipeline/feature-extraction
 *                                                Hugging Face router, and the
 *                                                older shapes
 *                                                /hf-inference/pipeline/feature-extraction/{model},
 *                                                /pipeline/feature-extraction/{model},
 *                                                /models/{model}
 *   POST /api/embed                              Ollama (always 2-D)
 *   POST /api/embeddings                         Ollama, legacy (1-D)
 *
 * Vectors are deterministic and meaningful: every word of a text (its
 * letters and digits, lower-cased; mock:… directives left out) stands for
 * a pseudo-random vector drawn from a hash of the word, and a text's
 * embedding is the sum of its words' vectors, normalised. Equal texts give
 * equal vectors, and texts sharing words are more similar than texts that
 * share none, so similarity and search tests mean something.
 *
 * Hugging Face answers with the rank a real model would: a sentence
 * embedding (1-D for one string, 2-D for a list), or for token-level
 * models (ids starting with "facebook/") one vector per word,
 * [1][words][dims] for one string and [n][1][words][dims] for a list.
 *
 * The inputs, joined with newlines, are the attempt key and carry the
 * directives (mock-provider.c), faults included, plus:
 *   mock:dims=N            vectors of N values (else: the request's
 *                          "dimensions", else the model's)
 *   mock:rank=N            Hugging Face: answer with rank N (1 to 4)
 *   mock:loading=N         Hugging Face: the first N attempts get 503
 *                          {"error": "Model … is currently loading",
 *                          "estimated_time": T}
 *   mock:estimated_time=T  ... with T seconds (default 20.0)
 */

#include <math.h>
#include <string.h>

#include "mock-private.h"

#define OPENAI_MAX_INPUTS 2048

static const MockDialect huggingface_dialect = {
  .error_content_type = "application/json",
  .error_body = mock_error_text_body,
};

/* The words of @text that make its vector. */
static GPtrArray *
text_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) tokens = g_strsplit_set (text, " \t\r\n", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *p = tokens[i];

      if (g_str_has_prefix (p, "mock:"))
        continue;
      while (*p != '\0')
        {
          const char *start;

          while (*p != '\0' && !g_ascii_isalnum (*p))
            p++;
          for (start = p; g_ascii_isalnum (*p); p++)
            ;
          if (p > start)
            g_ptr_array_add (words, g_ascii_strdown (start, p - start));
        }
    }
  return words;
}

/* FNV-1a, 64 bits. */
static guint64
hash_text (const char *text)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  return hash;
}

/* Adds the vector @word stands for, values in [-1, 1), to @out. */
static void
add_word_vector (const char *word,
                 guint       dims,
                 gdouble    *out)
{
  guint64 seed = hash_text (word);

  for (guint j = 0; j < dims; j++)
    out[j] += 2.0 * mock_splitmix64_unit (seed, j + 1) - 1.0;
}

/* The vectors of @text's words (one for the whole text if it has none). */
static GPtrArray *
token_vectors (const char *text,
               guint       dims)
{
  g_autoptr(GPtrArray) words = text_words (text);
  GPtrArray *vectors = g_ptr_array_new_with_free_func (g_free);

  if (words->len == 0)
    g_ptr_array_add (words, g_strdup (text));
  for (guint i = 0; i < words->len; i++)
    {
      gdouble *vector = g_new0 (gdouble, dims);

      add_word_vector (g_ptr_array_index (words, i), dims, vector);
      g_ptr_array_add (vectors, vector);
    }
  return vectors;
}

/* @text's sentence embedding: its words' vectors summed, normalised. */
static gdouble *
text_vector (const char *text,
             guint       dims)
{
  g_autoptr(GPtrArray) tokens = token_vectors (text, dims);
  gdouble *vector = g_new0 (gdouble, dims);
  gdouble norm = 0;

  for (guint i = 0; i < tokens->len; i++)
    for (guint j = 0; j < dims; j++)
      vector[j] += ((gdouble *) g_ptr_array_index (tokens, i))[j];
  for (guint j = 0; j < dims; j++)
    norm += vector[j] * vector[j];
  norm = norm > 0 ? sqrt (norm) : 1;
  for (guint j = 0; j < dims; j++)
    vector[j] /= norm;
  return vector;
}

/* As float32 values, which is what providers compute and send. */
static void
append_vector (GString       *out,
               const gdouble *vector,
               guint          dims)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, '[');
  for (guint j = 0; j < dims; j++)
    {
      if (j > 0)
        g_string_append_c (out, ',');
      g_string_append (out, g_ascii_formatd (number, sizeof number, "%.9g", (gfloat) vector[j]));
    }
  g_string_append_c (out, ']');
}

static void
append_text_vector (GString    *out,
                    const char *text,
                    guint       dims)
{
  g_autofree gdouble *vector = text_vector (text, dims);

  append_vector (out, vector, dims);
}

/* [[word vector], ...] */
static void
append_token_vectors (GString    *out,
                      const char *text,
                      guint       dims)
{
  g_autoptr(GPtrArray) tokens = token_vectors (text, dims);

  g_string_append_c (out, '[');
  for (guint i = 0; i < tokens->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_vector (out, g_ptr_array_index (tokens, i), dims);
    }
  g_string_append_c (out, ']');
}

/* OpenAI's encoding_format "base64": little-endian float32 values. */
static void
append_base64_vector (GString    *out,
                      const char *text,
                      guint       dims)
{
  g_autofree gdouble *vector = text_vector (text, dims);
  g_autofree guchar *raw = g_new (guchar, (gsize) dims * 4);
  g_autofree char *encoded = NULL;

  for (guint j = 0; j < dims; j++)
    {
      gfloat value = (gfloat) vector[j];
      guint32 bits;

      memcpy (&bits, &value, sizeof bits);
      for (guint k = 0; k < 4; k++)
        raw[4 * j + k] = (bits >> (8 * k)) & 0xff;
    }
  encoded = g_base64_encode (raw, (gsize) dims * 4);
  g_string_append_printf (out, "\"%s\"", encoded);
}

/* The texts of @member: a string, or an array of strings. NULL (with
 * @why set) for anything else, or for no text or an empty one. */
static GPtrArray *
read_inputs (JsonObject  *root,
             const char  *member,
             gboolean    *single,
             const char **why)
{
  JsonNode *node = root != NULL ? json_object_get_member (root, member) : NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  JsonArray *array;

  *single = FALSE;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *single = TRUE;
      g_ptr_array_add (texts, (gpointer) json_node_get_string (node));
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              *why = "every input must be a string";
              return NULL;
            }
          g_ptr_array_add (texts, (gpointer) json_node_get_string (item));
        }
    }
  else
    {
      *why = "the input is missing or not a string or a list of strings";
      return NULL;
    }

  for (guint i = 0; i < texts->len; i++)
    {
      if (((const char *) g_ptr_array_index (texts, i))[0] == '\0')
        {
          *why = "inputs may not be empty strings";
          return NULL;
        }
    }
  if (texts->len == 0)
    {
      *why = "the input list is empty";
      return NULL;
    }
  return g_steal_pointer (&texts);
}

/* What every embedding request goes through: the texts of @member (or a
 * 400 naming the problem after @prefix; also for more than @max_inputs,
 * unless that is 0), then the attempt, counted under the texts one per
 * line, and its directives (mock-provider.c). NULL if a reply was made. */
static GPtrArray *
take_inputs (Mock              *mock,
             SoupServerMessage *msg,
             const MockDialect *dialect,
             JsonObject        *root,
             const char        *member,
             const char        *prefix,
             guint              max_inputs,
             gboolean          *single,
             char             **key,
             Directives        *d)
{
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GPtrArray) texts = NULL;
  g_autofree char *message = NULL;
  const char *why = NULL;

  texts = read_inputs (root, member, single, &why);
  if (texts != NULL && max_inputs > 0 && texts->len > max_inputs)
    {
      message = g_strdup_printf ("%s: at most %u inputs per request, got %u.", prefix, max_inputs, texts->len);
      g_clear_pointer (&texts, g_ptr_array_unref);
    }
  else if (texts == NULL)
    message = g_strdup_printf ("%s: %s.", prefix, why);
  if (texts == NULL)
    {
      mock_reply_error (mock, msg, dialect, 400, message, &none);
      return NULL;
    }

  g_ptr_array_add (texts, NULL);
  *key = g_strjoinv ("\n", (char **) texts->pdata);
  g_ptr_array_set_size (texts, texts->len - 1);
  mock_directives_parse (*key, d);
  mock_faults_attempt (mock, *key, d);
  return mock_reply_directed (mock, msg, dialect, d) ? NULL : g_steal_pointer (&texts);
}

static guint
count_words (GPtrArray *texts)
{
  guint words = 0;

  for (guint i = 0; i < texts->len; i++)
    words += mock_count_words (g_ptr_array_index (texts, i));
  return words;
}

static guint
vector_dims (const Directives *d,
             JsonObject       *root,
             guint             model_dims)
{
  gint64 requested = mock_json_int (root, "dimensions", 0);

  if (d->dims > 0)
    return d->dims;
  return requested > 0 && requested <= 65536 ? (guint) requested : model_dims;
}

void
mock_openai_embeddings (Mock              *mock,
                        SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GPtrArray) texts = NULL;
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;
  const char *model, *format;
  JsonObject *root;
  GString *body;
  gboolean single, base64;
  guint dims, words;

  if (!mock_openai_check_key (mock, msg))
    return;
  root = mock_request_json (msg, parser);
  model = mock_json_string (root, "model");
  if (root == NULL || model == NULL || g_str_equal (model, MOCK_MISSING_MODEL))
    {
      message = root == NULL ? g_strdup ("We could not parse the JSON body of your request.")
              : model == NULL ? g_strdup ("You must provide a model parameter.")
              : g_strdup_printf ("The model `%s` does not exist or you do not have access to it.", model);
      mock_reply_error (mock, msg, &mock_openai_dialect, model != NULL ? 404 : 400, message, &none);
      return;
    }
  texts = take_inputs (mock, msg, &mock_openai_dialect, root, "input", "'$.input' is invalid", OPENAI_MAX_INPUTS,
                       &single, &key, &d);
  if (texts == NULL)
    return;

  dims = vector_dims (&d, root, g_str_equal (model, "text-embedding-3-large") ? 3072 : 1536);
  format = mock_json_string (root, "encoding_format");
  base64 = g_strcmp0 (format, "base64") == 0;
  words = count_words (texts);

  body = g_string_new ("{\"object\":\"list\",\"data\":[");
  for (guint n = 0; n < texts->len; n++)
    {
      guint i = texts->len - 1 - n;

      g_string_append_printf (body, "%s{\"object\":\"embedding\",\"index\":%u,\"embedding\":", n > 0 ? "," : "", i);
      if (base64)
        append_base64_vector (body, g_ptr_array_index (texts, i), dims);
      else
        append_text_vector (body, g_ptr_array_index (texts, i), dims);
      g_string_append_c (body, '}');
    }
  g_string_append_printf (body, "],\"model\":\"%s\",\"usage\":{\"prompt_tokens\":%u,\"total_tokens\":%u}}",
                          model, words, words);
  {
    g_autoptr(GBytes) bytes = g_string_free_to_bytes (body);

    mock_reply_bytes (mock, msg, 200, "application/json", bytes, &d);
  }
}

/* The model of a feature-extraction path, in any of its shapes. */
static char *
model_from_path (const char *path)
{
  const char *rest = g_str_has_prefix (path, "/hf-inference/") ? path + strlen ("/hf-inference") : path;
  const char *suffix = "/pipeline/feature-extraction";
  g_autofree char *model = NULL;

  if (g_str_has_prefix (rest, "/models/"))
    {
      model = g_strdup (rest + strlen ("/models/"));
      if (g_str_has_suffix (model, suffix))
        model[strlen (model) - strlen (suffix)] = '\0';
    }
  else if (g_str_has_prefix (rest, "/pipeline/feature-extraction/"))
    model = g_strdup (rest + strlen ("/pipeline/feature-extraction/"));
  return model != NULL && model[0] != '\0' ? g_steal_pointer (&model) : NULL;
}

static gboolean
huggingface_check_token (Mock              *mock,
                         SoupServerMessage *msg)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer ") && authorization[7] != '\0'
      && !g_str_equal (authorization + 7, MOCK_INVALID_KEY))
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "www-authenticate",
                                "Bearer realm=\"Authentication required\", charset=\"UTF-8\"");
  mock_reply_error (mock, msg, &huggingface_dialect, 401, "Invalid credentials in Authorization header", &none);
  return FALSE;
}

/* One input's part of the answer, at @rank counted from the input (1: its
 * vector; 2: [vector]; 3: its token vectors; 4: [token vectors]). */
static void
append_feature (GString    *out,
                const char *text,
                gint        rank,
                guint       dims)
{
  if (rank >= 4)
    g_string_append_c (out, '[');
  if (rank >= 3)
    append_token_vectors (out, text, dims);
  else if (rank == 2)
    {
      g_string_append_c (out, '[');
      append_text_vector (out, text, dims);
      g_string_append_c (out, ']');
    }
  else
    append_text_vector (out, text, dims);
  if (rank >= 4)
    g_string_append_c (out, ']');
}

void
mock_huggingface_feature_extraction (Mock              *mock,
                                     SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autofree char *model = model_from_path (g_uri_get_path (soup_server_message_get_uri (msg)));
  g_autoptr(GPtrArray) texts = NULL;
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean single, token_level;
  GString *body;
  gint rank;
  guint dims;

  if (!huggingface_check_token (mock, msg))
    return;
  if (model == NULL || g_str_equal (model, MOCK_MISSING_MODEL))
    {
      message = g_strdup_printf ("Model %s does not exist", model != NULL ? model : "(none)");
      mock_reply_error (mock, msg, &huggingface_dialect, 404, message, &none);
      return;
    }
  texts = take_inputs (mock, msg, &huggingface_dialect, mock_request_json (msg, parser), "inputs",
                       "Input validation error", 0, &single, &key, &d);
  if (texts == NULL)
    return;
  if (mock_faults_attempts (mock, mock->last_route, key) <= d.loading)
    {
      char estimate[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (estimate, sizeof estimate, d.estimated_time >= 0 ? d.estimated_time : 20.0);
      message = g_strdup_printf ("{\"error\":\"Model %s is currently loading\",\"estimated_time\":%s}",
                                 model, estimate);
      bytes = g_bytes_new (message, strlen (message));
      mock_reply_bytes (mock, msg, 503, "application/json", bytes, &d);
      return;
    }

  token_level = g_str_has_prefix (model, "facebook/");
  dims = vector_dims (&d, NULL, token_level ? 768 : 384);
  rank = d.rank > 0 ? d.rank : token_level ? (single ? 3 : 4) : (single ? 1 : 2);

  body = g_string_new (NULL);
  if (single)
    append_feature (body, g_ptr_array_index (texts, 0), rank, dims);
  else
    {
      g_string_append_c (body, '[');
      for (guint i = 0; i < texts->len; i++)
        {
          if (i > 0)
            g_string_append_c (body, ',');
          append_feature (body, g_ptr_array_index (texts, i), MAX (rank - 1, 1), dims);
        }
      g_string_append_c (body, ']');
    }
  bytes = g_string_free_to_bytes (body);
  mock_reply_bytes (mock, msg, 200, "application/json", bytes, &d);
}

/* What /api/embed and the legacy /api/embeddings check first. */
static JsonObject *
ollama_embedding_request (Mock              *mock,
                          SoupServerMessage *msg,
                          JsonParser        *parser,
                          const char       **model)
{
  JsonObject *root = mock_request_json (msg, parser);
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  *model = mock_json_string (root, "model");
  if (root == NULL || *model == NULL)
    {
      mock_reply_error (mock, msg, &mock_ollama_dialect, 400,
                        root == NULL ? "invalid request body" : "model is required", &none);
      return NULL;
    }
  if (g_str_equal (*model, MOCK_MISSING_MODEL))
    {
      mock_ollama_model_not_found (mock, msg, *model, ", try pulling it first", &none);
      return NULL;
    }
  return root;
}

static guint
ollama_model_dims (const char *model)
{
  return g_str_has_prefix (model, "all-minilm") ? 384 : 768;
}

void
mock_ollama_embed (Mock              *mock,
                   SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *key = NULL;
  const char *model;
  JsonObject *root;
  gboolean single;
  GString *body;
  guint dims;

  if ((root = ollama_embedding_request (mock, msg, parser, &model)) == NULL)
    return;
  texts = take_inputs (mock, msg, &mock_ollama_dialect, root, "input", "invalid input", 0, &single, &key, &d);
  if (texts == NULL)
    return;

  dims = vector_dims (&d, root, ollama_model_dims (model));
  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"model\":\"%s\",\"embeddings\":[", model);
  for (guint i = 0; i < texts->len; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      append_text_vector (body, g_ptr_array_index (texts, i), dims);
    }
  /* Durations in nanoseconds, like a small local model's. */
  g_string_append_printf (body, "],\"total_duration\":%u,\"load_duration\":1000000,\"prompt_eval_count\":%u}",
                          2000000 + 100000 * texts->len, count_words (texts));
  bytes = g_string_free_to_bytes (body);
  mock_reply_bytes (mock, msg, 200, "application/json; charset=utf-8", bytes, &d);
}

void
mock_ollama_embeddings (Mock              *mock,
                        SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GBytes) bytes = NULL;
  const char *model, *prompt;
  JsonObject *root;
  GString *body;

  if ((root = ollama_embedding_request (mock, msg, parser, &model)) == NULL)
    return;
  prompt = mock_json_string (root, "prompt");
  if (prompt == NULL || prompt[0] == '\0')
    {
      mock_reply_error (mock, msg, &mock_ollama_dialect, 400, "prompt is required", &none);
      return;
    }
  mock_directives_parse (prompt, &d);
  mock_faults_attempt (mock, prompt, &d);
  if (mock_reply_directed (mock, msg, &mock_ollama_dialect, &d))
    return;

  body = g_string_new ("{\"embedding\":");
  append_text_vector (body, prompt, vector_dims (&d, root, ollama_model_dims (model)));
  g_string_append_c (body, '}');
  bytes = g_string_free_to_bytes (body);
  mock_reply_bytes (mock, msg, 200, "application/json; charset=utf-8", bytes, &d);
}
