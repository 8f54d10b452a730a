/* test-embeddings.c - embedding codecs against every fixture, similarity, configs, and the client against the mock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "graphbit.h"
#include "graphbit-embedding-codec-private.h"
#include <libsoup/soup.h>

#include "mock-server.h"

static MockServer *mock;
static guint serial;

/* The numbers of a JSON array, read with json-glib directly: what the
 * codecs must reproduce. */
static GArray *
json_numbers (JsonNode *node)
{
  JsonArray *array = json_node_get_array (node);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (gdouble));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gdouble value = json_array_get_double_element (array, i);

      g_array_append_val (numbers, value);
    }
  return numbers;
}

static void
assert_row (GraphbitEmbeddings *embeddings,
            guint               index,
            const gdouble      *expected,
            gsize               n)
{
  gsize n_values = 0;
  const gdouble *row = graphbit_embeddings_get_vector (embeddings, index, &n_values);

  g_assert_cmpuint (n_values, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (row[i], expected[i], 1e-9);
}

static GraphbitEmbeddings *
parse (const GraphbitEmbeddingCodec  *codec,
       const char                    *json,
       guint                          n_texts,
       GError                       **error)
{
  return codec->parse_response (json, strlen (json), n_texts, error);
}

static void
assert_bad_body (const GraphbitEmbeddingCodec *codec,
                 const char                   *json,
                 guint                         n_texts,
                 const char                   *expected_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddings) embeddings = parse (codec, json, n_texts, &error);

  g_assert_null (embeddings);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  if (strstr (error->message, expected_part) == NULL)
    g_error ("'%s' does not say '%s'", error->message, expected_part);
}

static void
test_openai_fixture (void)
{
  static const gdouble expected[] = { 0.0023064255, -0.009327292, -0.0028842222 };
  gsize len;
  g_autofree char *data = mock_fixture_read ("openai/embeddings_float.json", &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddings) embeddings = NULL;

  embeddings = graphbit_openai_embedding_codec.parse_response (data, len, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graphbit_embeddings_get_n_vectors (embeddings), ==, 1);
  g_assert_cmpuint (graphbit_embeddings_get_dimensions (embeddings), ==, 3);
  assert_row (embeddings, 0, expected, 3);
  g_assert_cmpstr (graphbit_embeddings_get_model (embeddings), ==, "text-embedding-ada-002");
  g_assert_cmpuint (graphbit_embeddings_get_prompt_tokens (embeddings), ==, 8);
}

static void
test_openai_index_order (void)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_openai_embedding_codec;
  static const gdouble rows[3][2] = { { 0.0, 0.5 }, { 1.0, 1.5 }, { 2.0, 2.5 } };
  /* 1.0f, -2.0f as little-endian float32: 0000803f 000000c0. */
  const char *base64 = "{\"data\":[{\"index\":0,\"embedding\":\"AACAPwAAAMA=\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddings) embeddings = NULL;
  g_autoptr(GraphbitEmbeddings) decoded = NULL;
  static const gdouble base64_row[] = { 1.0, -2.0 };

  /* Arrival order is not input order: the index is. */
  embeddings = parse (codec, "{\"data\":[{\"index\":2,\"embedding\":[2.0,2.5]},{\"index\":0,\"embedding\":[0,0.5]},"
                             "{\"index\":1,\"embedding\":[1,1.5]}],\"usage\":{\"prompt_tokens\":3}}", 3, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    assert_row (embeddings, i, rows[i], 2);
  g_assert_null (graphbit_embeddings_get_model (embeddings));

  decoded = parse (codec, base64, 1, &error);
  g_assert_no_error (error);
  assert_row (decoded, 0, base64_row, 2);

  assert_bad_body (codec, "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}", 2,
                   "two embeddings have index 0");
  assert_bad_body (codec, "{\"data\":[{\"index\":5,\"embedding\":[1]}]}", 1, "out of range");
  assert_bad_body (codec, "{\"data\":[{\"index\":0,\"embedding\":[1]}]}", 2, "1 embeddings for 2 inputs");
  assert_bad_body (codec, "{\"data\":[{\"index\":0,\"embedding\":[1,\"x\"]}]}", 1, "not a number");
  assert_bad_body (codec, "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[3]}]}", 2,
                   "has 1 values where the others have 2");
  assert_bad_body (codec, "{\"data\":[{\"index\":0,\"embedding\":[]}]}", 1, "empty");
  assert_bad_body (codec, "[1,2]", 1, "not a JSON object");
}

/* The mean of the [1][tokens][hidden] token vectors, computed here. */
static GArray *
token_mean (JsonNode *batch_of_one)
{
  JsonArray *tokens = json_array_get_array_element (json_node_get_array (batch_of_one), 0);
  GArray *mean = NULL;

  for (guint t = 0; t < json_array_get_length (tokens); t++)
    {
      g_autoptr(GArray) vector = json_numbers (json_array_get_element (tokens, t));

      if (mean == NULL)
        {
          mean = g_array_new (FALSE, TRUE, sizeof (gdouble));
          g_array_set_size (mean, vector->len);
        }
      for (guint i = 0; i < vector->len; i++)
        g_array_index (mean, gdouble, i) += g_array_index (vector, gdouble, i) / json_array_get_length (tokens);
    }
  return mean;
}

/* What a recorded answer for one text must decode to, worked out here
 * with json-glib: the 1-D array itself, or the mean of the token vectors. */
static GArray *
fixture_vector (const char *relative,
                gboolean    token_level)
{
  gsize len;
  g_autofree char *data = mock_fixture_read (relative, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, data, len, NULL));
  return token_level ? token_mean (json_parser_get_root (parser)) : json_numbers (json_parser_get_root (parser));
}

static void
test_huggingface_fixtures (void)
{
  static const struct { const char *fixture; gboolean token_level; } cases[] = {
    { "huggingface/feature_extraction_1d.json", FALSE },                /* one pooled vector */
    { "huggingface/feature_extraction_token_level_3d.json", TRUE },     /* [1][7][768]: mean-pooled */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gsize len;
      g_autofree char *data = mock_fixture_read (cases[c].fixture, &len);
      g_autoptr(GArray) expected = fixture_vector (cases[c].fixture, cases[c].token_level);
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitEmbeddings) embeddings = NULL;

      g_assert_cmpuint (expected->len, ==, 768);
      embeddings = graphbit_huggingface_embedding_codec.parse_response (data, len, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (graphbit_embeddings_get_n_vectors (embeddings), ==, 1);
      assert_row (embeddings, 0, (const gdouble *) expected->data, expected->len);
      g_assert_cmpuint (graphbit_embeddings_get_prompt_tokens (embeddings), ==, 0);
    }
}

static void
test_huggingface_ranks (void)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_huggingface_embedding_codec;
  static const gdouble first[] = { 1, 2 }, second[] = { 3, 4 };
  static const gdouble pooled_first[] = { 2, 3 }, pooled_second[] = { 10, 20 };
  static const struct { const char *json; guint n; const gdouble *rows[2]; } cases[] = {
    { "[1,2]", 1, { first } },                                     /* 1-D: one string, pooled model */
    { "[[1,2]]", 1, { first } },                                   /* TEI: always 2-D */
    { "[[1,2],[3,4]]", 2, { first, second } },                     /* a list, pooled model */
    { "[[[1,2],[3,4]]]", 1, { pooled_first } },                    /* [1][tokens][hidden] */
    { "[[[1,2],[3,4]],[[10,20]]]", 2, { pooled_first, pooled_second } },         /* [n][tokens][hidden] */
    { "[[[[1,2],[3,4]]],[[[10,20],[10,20]]]]", 2, { pooled_first, pooled_second } }, /* [n][1][tokens][hidden] */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitEmbeddings) embeddings = parse (codec, cases[c].json, cases[c].n, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (graphbit_embeddings_get_n_vectors (embeddings), ==, cases[c].n);
      for (guint i = 0; i < cases[c].n; i++)
        assert_row (embeddings, i, cases[c].rows[i], 2);
    }

  /* Never zeros for a shape it does not understand: an error. */
  assert_bad_body (codec, "[1,2]", 2, "embedding 0 is empty or not an array");
  assert_bad_body (codec, "[[1,2]]", 2, "1 embeddings for 2 inputs");
  assert_bad_body (codec, "[[1,2],[3]]", 2, "has 1 values where the others have 2");
  assert_bad_body (codec, "[[[1,2],[3]]]", 1, "token vectors of embedding 0 differ");
  assert_bad_body (codec, "[[1,null]]", 1, "not a number");
  assert_bad_body (codec, "[]", 1, "empty");
  assert_bad_body (codec, "[[[[[1]]]]]", 1, "nested deeper");
  assert_bad_body (codec, "{\"embeddings\":[1]}", 1, "expected an array");
  assert_bad_body (codec, "not json", 1, "not JSON");
}

static void
test_ollama_fixtures (void)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_ollama_embedding_codec;
  gsize len;
  g_autofree char *embed = mock_fixture_read ("ollama/embed_response.json", &len);
  g_autofree char *legacy = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddings) rows = NULL;
  g_autoptr(GraphbitEmbeddings) single = NULL;
  JsonArray *expected;

  rows = codec->parse_response (embed, len, 2, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, embed, len, NULL));
  expected = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "embeddings");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GArray) numbers = json_numbers (json_array_get_element (expected, i));

      assert_row (rows, i, (const gdouble *) numbers->data, numbers->len);
    }
  g_assert_cmpuint (graphbit_embeddings_get_dimensions (rows), ==, 10);
  g_assert_cmpstr (graphbit_embeddings_get_model (rows), ==, "all-minilm");

  legacy = mock_fixture_read ("ollama/embeddings_legacy_response.json", &len);
  single = codec->parse_response (legacy, len, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (graphbit_embeddings_get_dimensions (single), ==, 10);
  g_assert_cmpfloat_with_epsilon (graphbit_embeddings_get_vector (single, 0, &len)[0], 0.5670403838157654, 1e-15);

  assert_bad_body (codec, "{\"embeddings\":[[1,2]]}", 2, "1 embeddings for 2 inputs");
  assert_bad_body (codec, "{\"embedding\":[1,2]}", 2, "0 embeddings for 2 inputs");
}

static void
test_error_bodies (void)
{
  static const struct { const GraphbitEmbeddingCodec *codec; const char *fixture; const char *message; } cases[] = {
    { &graphbit_huggingface_embedding_codec, "huggingface/error_400_validation_list.json",
      "Error in `inputs.context`: field required" },
    { &graphbit_huggingface_embedding_codec, "huggingface/error_401_invalid_credentials.json",
      "Invalid credentials in Authorization header" },
    { &graphbit_huggingface_embedding_codec, "huggingface/error_404_model_not_found.json",
      "Model this-model-does-not-exist-123 does not exist" },
    { &graphbit_huggingface_embedding_codec, "huggingface/error_503_model_loading.json",
      "Model j-hartmann/emotion-english-distilroberta-base is currently loading" },
    { &graphbit_ollama_embedding_codec, "ollama/error_404_model_not_found.json", NULL },
    { &graphbit_openai_embedding_codec, "openai/error_401_invalid_api_key.json", NULL },
    { &graphbit_openai_embedding_codec, "openai/error_429_insufficient_quota.json", NULL },
  };
  gsize len;
  g_autofree char *loading = mock_fixture_read ("huggingface/error_503_model_loading.json", &len);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize n;
      g_autofree char *data = mock_fixture_read (cases[i].fixture, &n);
      g_autofree char *message = cases[i].codec->error_message (data, n);

      g_assert_nonnull (message);
      if (cases[i].message != NULL)
        g_assert_cmpstr (message, ==, cases[i].message);
    }

  /* The loading answer says how long; other 503s and statuses do not. */
  g_assert_cmpfloat (graphbit_huggingface_embedding_codec.loading_time (503, loading, len), ==, 20.0);
  g_assert_cmpfloat (graphbit_huggingface_embedding_codec.loading_time (500, loading, len), <, 0);
  g_assert_cmpfloat (graphbit_huggingface_embedding_codec.loading_time (503, "{\"error\":\"busy\"}", 16), <, 0);
  g_assert_cmpfloat (graphbit_huggingface_embedding_codec.loading_time (
                       503, "{\"error\":\"Model x is currently loading\"}", 40), ==, 0);
  g_assert_null (graphbit_openai_embedding_codec.loading_time);
}

static void
test_body_bounds_allocation (void)
{
  GraphbitVectorSet set;
  g_autoptr(JsonNode) node = json_from_string ("[1,2,3]", NULL);
  g_autoptr(GError) error = NULL;

  /* 1000 vectors of 3 cannot come from a 10-byte body. */
  graphbit_vector_set_init (&set, &graphbit_openai_embedding_codec, 1000, 10);
  g_assert_false (graphbit_vector_set_put (&set, 0, node, FALSE, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  graphbit_vector_set_clear (&set);
}

static gdouble
similarity (const gdouble  *a,
            gsize           n_a,
            const gdouble  *b,
            gsize           n_b,
            GError        **error)
{
  return graphbit_embedding_client_similarity (a, n_a, b, n_b, error);
}

static void
assert_similarity_refused (const gdouble *a,
                           gsize          n_a,
                           const gdouble *b,
                           gsize          n_b,
                           const char    *field,
                           const char    *value)
{
  g_autoptr(GError) error = NULL;
  const GraphbitErrorDetails *details;

  g_assert_cmpfloat (similarity (a, n_a, b, n_b, &error), ==, 0.0);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  details = graphbit_error_get_details (error);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, field);
  g_assert_cmpstr (graphbit_error_details_get_value (details), ==, value);
  g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, "similarity");
}

static void
test_similarity (void)
{
  static const gdouble x[] = { 1, 0 }, y[] = { 0, 2 }, minus_x[] = { -3, 0 }, diagonal[] = { 1, 1 };
  static const gdouble zero[] = { 0, 0 }, three[] = { 1, 2, 3 };
  const gdouble not_finite[] = { NAN, 1 };

  g_assert_cmpfloat_with_epsilon (similarity (x, 2, x, 2, NULL), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (similarity (x, 2, y, 2, NULL), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (similarity (x, 2, minus_x, 2, NULL), -1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (similarity (x, 2, diagonal, 2, NULL), M_SQRT1_2, 1e-12);

  assert_similarity_refused (x, 2, three, 3, "b", "3 values");
  assert_similarity_refused (NULL, 0, NULL, 0, "a", "zero vector");
  assert_similarity_refused (x, 2, zero, 2, "b", "zero vector");
  assert_similarity_refused (not_finite, 2, x, 2, "a", "a[0] = nan");
}

static void
test_configs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddingConfig) openai = NULL;
  g_autoptr(GraphbitEmbeddingConfig) hf = NULL;
  g_autoptr(GraphbitEmbeddingConfig) ollama = NULL;
  g_autoptr(GraphbitEmbeddingConfig) none = NULL;
  const GraphbitErrorDetails *details;

  g_setenv ("OPENAI_API_KEY", "sk-secret-env", TRUE);
  g_setenv ("HF_BASE_URL", "http://hf.example:8080/base/", TRUE);
  g_setenv ("OLLAMA_HOST", "ollama.example", TRUE);
  g_unsetenv ("OPENAI_BASE_URL");
  g_unsetenv ("HF_TOKEN");

  openai = graphbit_embedding_config_openai (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_embedding_config_get_model (openai), ==, "text-embedding-3-small");
  g_assert_cmpstr (graphbit_embedding_config_get_base_url (openai), ==, "https://api.openai.com/v1");
  g_assert_cmpstr (graphbit_embedding_config_get_provider_name (openai), ==, "openai");
  g_assert_true (graphbit_embedding_config_has_api_key (openai));

  /* No HF_TOKEN: a configuration error naming the variable. */
  none = graphbit_embedding_config_huggingface (NULL, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION);
  g_assert_nonnull (strstr (error->message, "HF_TOKEN"));
  details = graphbit_error_get_details (error);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, "api_key");
  g_clear_error (&error);

  hf = graphbit_embedding_config_huggingface ("hf_secret", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_embedding_config_get_model (hf), ==, "sentence-transformers/all-MiniLM-L6-v2");
  g_assert_cmpstr (graphbit_embedding_config_get_base_url (hf), ==, "http://hf.example:8080/base");
  g_assert_cmpint (graphbit_embedding_config_get_provider (hf), ==, GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE);
  g_unsetenv ("HF_BASE_URL");
  g_clear_object (&hf);
  hf = graphbit_embedding_config_huggingface ("hf_secret", NULL, NULL, &error);
  g_assert_cmpstr (graphbit_embedding_config_get_base_url (hf), ==, "https://router.huggingface.co/hf-inference");

  ollama = graphbit_embedding_config_ollama (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_embedding_config_get_model (ollama), ==, "nomic-embed-text");
  g_assert_cmpstr (graphbit_embedding_config_get_base_url (ollama), ==, "http://ollama.example:11434");
  g_assert_false (graphbit_embedding_config_has_api_key (ollama));

  /* Bad values name the field; the key never shows. */
  g_assert_null (graphbit_embedding_config_openai ("sk-secret-arg", "", NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_null (strstr (error->message, "sk-secret"));
  g_clear_error (&error);
  g_assert_null (graphbit_embedding_config_openai ("sk-secret-arg", NULL, "ftp://x", &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION);
  g_assert_null (strstr (error->message, "sk-secret"));

  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("OLLAMA_HOST");
}

/* Client tests, against the mock. */

static GraphbitEmbeddingClient *
new_client (GraphbitEmbeddingProvider provider,
            const char               *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddingConfig) config = NULL;
  g_autofree char *base = NULL;
  GraphbitEmbeddingClient *client;

  switch (provider)
    {
    case GRAPHBIT_EMBEDDING_PROVIDER_OPENAI:
      base = g_strconcat (mock->url, "/v1", NULL);
      config = graphbit_embedding_config_openai ("sk-test", model, base, &error);
      break;
    case GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE:
      base = g_strconcat (mock->url, "/hf-inference", NULL);
      config = graphbit_embedding_config_huggingface ("hf_test", model, base, &error);
      break;
    case GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA:
    default:
      config = graphbit_embedding_config_ollama (model, mock->url, &error);
      break;
    }
  g_assert_no_error (error);
  client = graphbit_embedding_client_new (config);
  g_assert_true (graphbit_embedding_client_set_retry_policy (client, 3, 0.005, 0.02, &error));
  return client;
}

/* A text of its own, so the mock counts its attempts apart. */
static char *
unique_text (const char *directives)
{
  return g_strdup_printf ("e%u-%" G_GINT64_FORMAT " %s", ++serial, g_get_monotonic_time (), directives);
}

static gint64
route_requests (const char *route)
{
  g_autoptr(JsonNode) stats = mock_server_stats (mock);
  JsonObject *by_route = json_object_get_object_member (json_node_get_object (stats), "requests_by_route");

  return json_object_get_int_member_with_default (by_route, route, 0);
}

static void
assert_same_vectors (GraphbitEmbeddings *a,
                     guint               row_a,
                     GraphbitEmbeddings *b,
                     guint               row_b)
{
  gsize n_a, n_b;
  const gdouble *x = graphbit_embeddings_get_vector (a, row_a, &n_a);
  const gdouble *y = graphbit_embeddings_get_vector (b, row_b, &n_b);

  g_assert_cmpuint (n_a, ==, n_b);
  g_assert_cmpmem (x, n_a * sizeof (gdouble), y, n_b * sizeof (gdouble));
}

static void
test_client_providers (void)
{
  static const struct { GraphbitEmbeddingProvider provider; const char *model; guint dims; } cases[] = {
    { GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, NULL, 1536 },
    { GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, NULL, 384 },
    { GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, "facebook/bart-base", 768 },   /* token-level: pooled */
    { GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA, "all-minilm", 384 },
  };
  const char *texts[] = { "alpha beta", "beta gamma", "delta" };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GraphbitEmbeddingClient) client = new_client (cases[c].provider, cases[c].model);
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitEmbeddings) batch = graphbit_embedding_client_embed_batch (client, texts, 3, NULL, &error);
      g_autoptr(GVariant) stats = NULL;
      gsize n_a, n_b, n_c;
      const gdouble *a, *b, *c2;
      guint64 total;

      g_assert_no_error (error);
      g_assert_cmpuint (graphbit_embeddings_get_n_vectors (batch), ==, 3);
      g_assert_cmpuint (graphbit_embeddings_get_dimensions (batch), ==, cases[c].dims);
      g_assert_cmpstr (graphbit_embeddings_get_model (batch), ==,
                       graphbit_embedding_config_get_model (graphbit_embedding_client_get_config (client)));

      /* Input order, whatever order the provider sent them in. */
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(GraphbitEmbeddings) one = graphbit_embedding_client_embed_text (client, texts[i], NULL, &error);

          g_assert_no_error (error);
          assert_same_vectors (batch, i, one, 0);
        }

      /* The mock's vectors share words as the texts do. */
      a = graphbit_embeddings_get_vector (batch, 0, &n_a);
      b = graphbit_embeddings_get_vector (batch, 1, &n_b);
      c2 = graphbit_embeddings_get_vector (batch, 2, &n_c);
      g_assert_cmpfloat (similarity (a, n_a, b, n_b, NULL), >, 0.3);
      g_assert_cmpfloat (fabs (similarity (a, n_a, c2, n_c, NULL)), <, 0.2);

      /* One request for the batch, one per text. */
      stats = graphbit_embedding_client_get_stats (client);
      g_assert_true (g_variant_lookup (stats, "total_requests", "t", &total));
      g_assert_cmpuint (total, ==, 4);
    }
}

static void
test_client_splits_batches (void)
{
  g_autoptr(GraphbitEmbeddingClient) client = new_client (GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, NULL);
  g_autoptr(GraphbitEmbeddingClient) hf = new_client (GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitEmbeddings) batch = NULL;
  g_autoptr(GraphbitEmbeddings) whole = NULL;
  g_autoptr(GVariant) stats = NULL;
  gint64 before;
  gint size, concurrency;
  guint64 total;

  for (guint i = 0; i < 7; i++)
    g_ptr_array_add (texts, g_strdup_printf ("mock:dims=8 text number %u", i));

  g_assert_true (graphbit_embedding_client_set_batching (client, 2, 2, &error));
  before = route_requests ("openai.embeddings");
  batch = graphbit_embedding_client_embed_batch (client, (const char * const *) texts->pdata, texts->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (route_requests ("openai.embeddings") - before, ==, 4);
  g_assert_cmpuint (graphbit_embeddings_get_n_vectors (batch), ==, 7);
  stats = graphbit_embedding_client_get_stats (client);
  g_assert_true (g_variant_lookup (stats, "total_requests", "t", &total));
  g_assert_cmpuint (total, ==, 4);

  /* The same texts in one request give the same rows. */
  g_assert_true (graphbit_embedding_client_set_batching (client, 0, 0, &error));
  graphbit_embedding_client_get_batching (client, &size, &concurrency);
  g_assert_cmpint (size, ==, 2048);
  g_assert_cmpint (concurrency, ==, 4);
  whole = graphbit_embedding_client_embed_batch (client, (const char * const *) texts->pdata, texts->len, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 7; i++)
    assert_same_vectors (batch, i, whole, i);

  /* Hugging Face takes 32 a request: 70 texts are three. */
  for (guint i = 7; i < 70; i++)
    g_ptr_array_add (texts, g_strdup_printf ("mock:dims=8 text number %u", i));
  g_clear_object (&whole);
  before = route_requests ("huggingface.feature_extraction");
  whole = graphbit_embedding_client_embed_batch (hf, (const char * const *) texts->pdata, texts->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (route_requests ("huggingface.feature_extraction") - before, ==, 3);
  g_assert_cmpuint (graphbit_embeddings_get_n_vectors (whole), ==, 70);

  /* Settings are checked. */
  g_assert_false (graphbit_embedding_client_set_batching (hf, 33, 0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_clear_error (&error);
  g_assert_false (graphbit_embedding_client_set_batching (hf, 0, -1, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
}

static void
test_client_retries (void)
{
  static const GraphbitEmbeddingProvider providers[] = {
    GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA,
  };

  for (guint p = 0; p < G_N_ELEMENTS (providers); p++)
    {
      g_autoptr(GraphbitEmbeddingClient) client = new_client (providers[p], NULL);
      g_autofree char *flaky = unique_text ("mock:fail_first=2 mock:fault=status mock:status=503");
      g_autofree char *broken = unique_text ("mock:fault=status mock:status=500");
      g_autoptr(GraphbitEmbeddings) embeddings = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) stats = NULL;
      const GraphbitErrorDetails *details;
      guint64 retries;

      embeddings = graphbit_embedding_client_embed_text (client, flaky, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (mock_server_attempts (mock, flaky), ==, 3);
      stats = graphbit_embedding_client_get_stats (client);
      g_assert_true (g_variant_lookup (stats, "retries", "t", &retries));
      g_assert_cmpuint (retries, ==, 2);

      g_assert_true (graphbit_embedding_client_set_circuit_breaker (client, 0, 1, NULL));
      g_assert_null (graphbit_embedding_client_embed_text (client, broken, NULL, &error));
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
      details = graphbit_error_get_details (error);
      g_assert_cmpuint (graphbit_error_details_get_retry_count (details), ==, 3);
      g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 500);
      g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, "embed_text");
      g_assert_cmpint (mock_server_attempts (mock, broken), ==, 4);
    }
}

static void
test_client_waits_for_loading_model (void)
{
  g_autoptr(GraphbitEmbeddingClient) client = new_client (GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, NULL);
  g_autofree char *cold = unique_text ("mock:loading=3 mock:estimated_time=0.01");
  g_autofree char *frozen = unique_text ("mock:loading=100 mock:estimated_time=30");
  g_autoptr(GraphbitEmbeddings) embeddings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) stats = NULL;
  const GraphbitErrorDetails *details;
  gchar *state = NULL;

  /* Loading is not a failure: no retries are used, the breaker stays shut. */
  g_assert_true (graphbit_embedding_client_set_retry_policy (client, 0, 0.005, 0.02, &error));
  g_assert_true (graphbit_embedding_client_set_circuit_breaker (client, 1, 60, &error));
  embeddings = graphbit_embedding_client_embed_text (client, cold, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mock_server_attempts (mock, cold), ==, 4);
  stats = graphbit_embedding_client_get_stats (client);
  g_assert_true (g_variant_lookup (stats, "circuit_breaker_state", "s", &state));
  g_assert_cmpstr (state, ==, "closed");
  g_free (state);

  /* A model that will not be ready within the deadline: the loading error,
   * with the estimate, once waiting more would pass the deadline. */
  g_assert_true (graphbit_embedding_client_set_timeouts (client, 0, 0.3, &error));
  g_assert_null (graphbit_embedding_client_embed_text (client, frozen, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "is currently loading"));
  details = graphbit_error_get_details (error);
  g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 503);
  g_assert_cmpfloat (graphbit_error_details_get_retry_after (details), ==, 30.0);
  g_assert_cmpint (mock_server_attempts (mock, frozen), >=, 2);
}

static void
test_client_errors (void)
{
  g_autoptr(GraphbitEmbeddingClient) hf = new_client (GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, "missing-model");
  g_autoptr(GraphbitEmbeddingClient) ollama = new_client (GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA, "missing-model");
  g_autoptr(GraphbitEmbeddingClient) openai = new_client (GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, NULL);
  g_autoptr(GraphbitEmbeddingConfig) bad_key = NULL;
  g_autoptr(GraphbitEmbeddingClient) rejected = NULL;
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  const char *with_empty[] = { "fine", "", "also fine" };
  g_autoptr(GError) error = NULL;
  const GraphbitErrorDetails *details;

  g_assert_null (graphbit_embedding_client_embed_text (hf, "hello", NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "Model missing-model does not exist"));
  details = graphbit_error_get_details (error);
  g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 404);
  g_assert_cmpstr (graphbit_error_details_get_provider (details), ==, "huggingface");
  g_clear_error (&error);

  g_assert_null (graphbit_embedding_client_embed_text (ollama, "hello", NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "not found"));
  g_clear_error (&error);

  bad_key = graphbit_embedding_config_openai ("invalid-key", NULL, base, &error);
  rejected = graphbit_embedding_client_new (bad_key);
  g_assert_null (graphbit_embedding_client_embed_text (rejected, "hello", NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "Incorrect API key"));
  g_clear_error (&error);

  /* Refused before sending, naming the field. */
  g_assert_null (graphbit_embedding_client_embed_text (openai, "", NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_details_get_field (graphbit_error_get_details (error)), ==, "text");
  g_clear_error (&error);
  g_assert_null (graphbit_embedding_client_embed_batch (openai, with_empty, 3, NULL, &error));
  g_assert_cmpstr (graphbit_error_details_get_field (graphbit_error_get_details (error)), ==, "texts[1]");
  g_clear_error (&error);
  g_assert_null (graphbit_embedding_client_embed_batch (openai, NULL, 0, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_clear_error (&error);
  g_assert_false (graphbit_embedding_client_validate_texts (with_empty, 3, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GError **out = data;
  g_autoptr(GraphbitEmbeddings) embeddings =
    graphbit_embedding_client_embed_batch_finish (GRAPHBIT_EMBEDDING_CLIENT (source), result, out);

  if (*out == NULL)
    *out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "succeeded");
}

static void
test_client_cancel_and_fail_fast (void)
{
  g_autoptr(GraphbitEmbeddingClient) client = new_client (GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *hanging = unique_text ("mock:fault=hang");
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const char *one[] = { hanging };
  GError *error = NULL;

  /* Cancelled while the provider hangs. */
  graphbit_embedding_client_embed_batch_async (client, one, 1, cancellable, on_done, &error);
  while (mock_server_attempts (mock, hanging) < 1)
    g_main_context_iteration (NULL, FALSE);
  g_cancellable_cancel (cancellable);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* One request of the batch fails for good: the batch fails with its
   * error (not the others' cancellations). */
  for (guint i = 0; i < 6; i++)
    g_ptr_array_add (texts, i == 2 ? unique_text ("mock:status=400") : g_strdup_printf ("item %u", i));
  g_assert_true (graphbit_embedding_client_set_batching (client, 1, 2, NULL));
  graphbit_embedding_client_embed_batch_async (client, (const char * const *) texts->pdata, texts->len, NULL,
                                               on_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_cmpuint (graphbit_error_details_get_status_code (graphbit_error_get_details (error)), ==, 400);
  g_clear_error (&error);
}

static void
test_client_document_and_fixture (void)
{
  g_autoptr(GraphbitEmbeddingClient) client = new_client (GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, NULL);
  g_autoptr(GraphbitEmbeddingDocument) document = NULL;
  g_autoptr(GraphbitEmbeddings) replayed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) mean = fixture_vector ("huggingface/feature_extraction_token_level_3d.json", TRUE);
  GVariantBuilder metadata;
  const char *source = NULL;

  g_variant_builder_init (&metadata, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&metadata, "{sv}", "source", g_variant_new_string ("file.txt"));
  document = graphbit_embedding_client_embed_document (client, "Document content", g_variant_builder_end (&metadata),
                                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_embedding_document_get_content (document), ==, "Document content");
  g_assert_true (g_variant_lookup (graphbit_embedding_document_get_metadata (document), "source", "&s", &source));
  g_assert_cmpstr (source, ==, "file.txt");
  g_assert_cmpuint (graphbit_embedding_document_get_dimensions (document), ==, 384);
  g_assert_cmpstr (graphbit_embedding_document_get_model (document), ==, "sentence-transformers/all-MiniLM-L6-v2");

  /* A recorded token-level answer, through HTTP and the call: pooled. */
  replayed = graphbit_embedding_client_embed_text (
    client, "mock:fixture=huggingface/feature_extraction_token_level_3d.json", NULL, &error);
  g_assert_no_error (error);
  assert_row (replayed, 0, (const gdouble *) mean->data, mean->len);
}

/* Embeddings started with a completion queue land there, tagged; a
 * refused batch too. */
static void
test_client_completion_queue (void)
{
  g_autoptr(GraphbitEmbeddingClient) client = new_client (GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  const char *texts[] = { "one", "two", "three" };
  const char *with_empty[] = { "one", "" };
  guint outcomes = 0;

  g_assert_no_error (error);
  graphbit_embedding_client_embed_text_queued (client, "alone", NULL, queue, 1);
  graphbit_embedding_client_embed_batch_queued (client, texts, 3, NULL, queue, 2);
  graphbit_embedding_client_embed_batch_queued (client, with_empty, 2, NULL, queue, 3);
  graphbit_embedding_client_embed_document_queued (client, "a document", g_variant_new_parsed ("{'page': <3>}"),
                                                   NULL, queue, 4);
  while (outcomes < 4)
    {
      GPollFD poll_fd = { graphbit_completion_queue_get_fd (queue), G_IO_IN, 0 };
      GraphbitCompletion *completion;

      g_assert_cmpint (g_poll (&poll_fd, 1, 5000), ==, 1);
      while ((completion = graphbit_completion_queue_pop (queue)) != NULL)
        {
          g_autoptr(GError) outcome_error = NULL;
          g_autoptr(GObject) result = graphbit_completion_propagate (completion, &outcome_error);

          switch (graphbit_completion_get_tag (completion))
            {
            case 1:
            case 2:
              g_assert_no_error (outcome_error);
              g_assert_cmpuint (graphbit_embeddings_get_n_vectors (GRAPHBIT_EMBEDDINGS (result)), ==,
                                graphbit_completion_get_tag (completion) == 1 ? 1 : 3);
              break;
            case 3:
              g_assert_error (outcome_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
              g_assert_nonnull (strstr (outcome_error->message, "texts[1]"));
              break;
            default:
              g_assert_no_error (outcome_error);
              g_assert_cmpstr (graphbit_embedding_document_get_content (GRAPHBIT_EMBEDDING_DOCUMENT (result)), ==,
                               "a document");
              break;
            }
          outcomes++;
          g_object_unref (completion);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/embeddings/codec/openai-fixture", test_openai_fixture);
  g_test_add_func ("/embeddings/codec/openai-index-order", test_openai_index_order);
  g_test_add_func ("/embeddings/codec/huggingface-fixtures", test_huggingface_fixtures);
  g_test_add_func ("/embeddings/codec/huggingface-ranks", test_huggingface_ranks);
  g_test_add_func ("/embeddings/codec/ollama-fixtures", test_ollama_fixtures);
  g_test_add_func ("/embeddings/codec/error-bodies", test_error_bodies);
  g_test_add_func ("/embeddings/codec/body-bounds-allocation", test_body_bounds_allocation);
  g_test_add_func ("/embeddings/similarity", test_similarity);
  g_test_add_func ("/embeddings/configs", test_configs);
  g_test_add_func ("/embeddings/client/providers", test_client_providers);
  g_test_add_func ("/embeddings/client/splits-batches", test_client_splits_batches);
  g_test_add_func ("/embeddings/client/retries", test_client_retries);
  g_test_add_func ("/embeddings/client/completion-queue", test_client_completion_queue);
  g_test_add_func ("/embeddings/client/waits-for-loading-model", test_client_waits_for_loading_model);
  g_test_add_func ("/embeddings/client/errors", test_client_errors);
  g_test_add_func ("/embeddings/client/cancel-and-fail-fast", test_client_cancel_and_fail_fast);
  g_test_add_func ("/embeddings/client/document-and-fixture", test_client_document_and_fixture);

  mock = mock_server_start ();
  ret = g_test_run ();
  graphbit_shutdown ();
  mock_server_stop (mock);
  return ret;
}
