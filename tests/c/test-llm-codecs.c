/* test-llm-codecs.c - every provider codec against the recorded payloads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Streams are decoded the way the client decodes them (SSE or NDJSON
 * decoder, then the codec's event parser), fed in small pieces.
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-llm-codec-private.h"
#include "graphbit-sse-decoder-private.h"
#include "graphbit-ndjson-decoder-private.h"
#include "mock-server.h"

typedef struct
{
  const GraphbitLlmCodec *codec;
  GraphbitStreamAccumulator acc;
} Decoding;

static gboolean
on_event (const GraphbitSseEvent  *event,
          gpointer                 user_data,
          GError                 **error)
{
  Decoding *decoding = user_data;

  return decoding->codec->parse_stream_event (&decoding->acc, event->event, event->data, event->data_len, error);
}

static gboolean
on_line (const char  *line,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  Decoding *decoding = user_data;

  return decoding->codec->parse_stream_event (&decoding->acc, NULL, line, len, error);
}

/* Decodes a recorded stream in 5-byte pieces; returns FALSE with @error
 * if the codec reported an error. */
static gboolean
decode_stream (const GraphbitLlmCodec *codec,
               const char             *fixture,
               Decoding               *decoding,
               GError                **error)
{
  gsize len;
  g_autofree char *data = mock_fixture_read (fixture, &len);
  g_autoptr(GraphbitSseDecoder) sse = NULL;
  g_autoptr(GraphbitNdjsonDecoder) ndjson = NULL;

  decoding->codec = codec;
  graphbit_stream_accumulator_init (&decoding->acc);
  if (codec->stream_format == GRAPHBIT_STREAM_FORMAT_SSE)
    sse = graphbit_sse_decoder_new (0);
  else
    ndjson = graphbit_ndjson_decoder_new (0);

  for (gsize offset = 0; offset < len; offset += 5)
    {
      gsize piece = MIN (5, len - offset);
      gboolean ok = sse != NULL
        ? graphbit_sse_decoder_feed (sse, data + offset, piece, on_event, decoding, error)
        : graphbit_ndjson_decoder_feed (ndjson, data + offset, piece, on_line, decoding, error);

      if (!ok)
        return FALSE;
    }
  if (ndjson != NULL)
    return graphbit_ndjson_decoder_finish (ndjson, on_line, decoding, NULL, error);
  graphbit_sse_decoder_finish (sse);
  return TRUE;
}

static void
test_openai_stream_text (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_stream (&graphbit_openai_codec, "openai/chat_stream_text.sse", &d, &error));
  g_assert_no_error (error);
  g_assert_true (d.acc.finished);
  g_assert_cmpuint (d.acc.content->len, >, 0);
  g_assert_cmpstr (d.acc.content->str, ==, d.acc.delta->str);
  g_assert_cmpstr (d.acc.finish_reason, ==, "stop");
  g_assert_cmpstr (d.acc.model, ==, "gpt-5.6-luna");
  g_assert_cmpuint (d.acc.completion_tokens, >, 0);
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_openai_stream_length_and_tools (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_stream (&graphbit_openai_codec, "openai/chat_stream_length.sse", &d, &error));
  g_assert_cmpstr (d.acc.finish_reason, ==, "length");
  g_assert_cmpuint (d.acc.content->len, >, 0);
  graphbit_stream_accumulator_clear (&d.acc);

  /* Tool-call deltas carry no text (content is null). */
  g_assert_true (decode_stream (&graphbit_openai_codec, "openai/chat_stream_tool_calls.sse", &d, &error));
  g_assert_cmpstr (d.acc.content->str, ==, "");
  g_assert_cmpstr (d.acc.finish_reason, ==, "tool_calls");
  g_assert_true (d.acc.finished);
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_openai_error_inside_stream (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_false (decode_stream (&graphbit_openai_codec, "openai/stream_error_in_data.sse", &d, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "during the stream"));
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_anthropic_streams (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_stream (&graphbit_anthropic_codec, "anthropic/stream_text.sse", &d, &error));
  g_assert_cmpstr (d.acc.content->str, ==, "Hello there!");
  g_assert_cmpstr (d.acc.finish_reason, ==, "end_turn");
  g_assert_cmpstr (d.acc.id, ==, "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
  g_assert_cmpuint (d.acc.prompt_tokens, ==, 11);
  /* message_delta's usage is the running total, not an increment. */
  g_assert_cmpuint (d.acc.completion_tokens, ==, 6);
  g_assert_true (d.acc.finished);
  graphbit_stream_accumulator_clear (&d.acc);

  g_assert_true (decode_stream (&graphbit_anthropic_codec, "anthropic/stream_max_tokens.sse", &d, &error));
  g_assert_cmpstr (d.acc.finish_reason, ==, "max_tokens");
  graphbit_stream_accumulator_clear (&d.acc);

  /* Text first, then a tool call whose JSON fragments are not text. */
  g_assert_true (decode_stream (&graphbit_anthropic_codec, "anthropic/stream_text_then_tool_use.sse", &d, &error));
  g_assert_cmpuint (d.acc.content->len, >, 0);
  g_assert_null (strstr (d.acc.content->str, "{"));
  g_assert_cmpstr (d.acc.finish_reason, ==, "tool_use");
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_anthropic_error_event (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_false (decode_stream (&graphbit_anthropic_codec, "anthropic/stream_error_overloaded.sse", &d, &error));
  /* Overloaded mid-stream is mapped by type, like a 529. */
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RATE_LIMIT);
  g_assert_nonnull (strstr (error->message, "overloaded_error"));
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_ollama_streams (void)
{
  Decoding d;
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_stream (&graphbit_ollama_codec, "ollama/chat_stream.ndjson", &d, &error));
  g_assert_true (g_str_has_prefix (d.acc.content->str, "Hello."));
  g_assert_cmpstr (d.acc.finish_reason, ==, "stop");
  g_assert_cmpuint (d.acc.prompt_tokens, ==, 17);
  g_assert_cmpuint (d.acc.completion_tokens, ==, 3);
  g_assert_true (d.acc.finished);
  graphbit_stream_accumulator_clear (&d.acc);

  g_assert_true (decode_stream (&graphbit_ollama_codec, "ollama/chat_stream_tool_call.ndjson", &d, &error));
  g_assert_true (d.acc.finished);
  graphbit_stream_accumulator_clear (&d.acc);

  g_assert_false (decode_stream (&graphbit_ollama_codec, "ollama/stream_error_midstream.ndjson", &d, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_assert_false (d.acc.finished);
  graphbit_stream_accumulator_clear (&d.acc);
}

static void
test_non_streamed_answers (void)
{
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autofree char *anthropic = mock_fixture_read ("anthropic/message_tool_use.json", &len);
  g_autoptr(GraphbitLlmResponse) a = graphbit_anthropic_codec.parse_response (anthropic, len, &error);
  g_autofree char *ollama = NULL;
  g_autoptr(GraphbitLlmResponse) o = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (graphbit_llm_response_get_content (a), "I'll use the test_tool"));
  g_assert_cmpstr (graphbit_llm_response_get_finish_reason (a), ==, "tool_use");
  g_assert_cmpuint (graphbit_llm_response_get_prompt_tokens (a), ==, 415);
  g_assert_cmpuint (graphbit_llm_response_get_total_tokens (a), ==,
                    415 + graphbit_llm_response_get_completion_tokens (a));

  ollama = mock_fixture_read ("ollama/chat_response.json", &len);
  o = graphbit_ollama_codec.parse_response (ollama, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_response_get_content (o), ==, "The capital of Quackiland is Quack.");
  g_assert_cmpuint (graphbit_llm_response_get_prompt_tokens (o), ==, 51);
  g_assert_cmpuint (graphbit_llm_response_get_completion_tokens (o), ==, 124);
}

/* A "content" member as sent, and the text read from it (NULL: refused). */
typedef struct
{
  const char *content;
  const char *text;
} ContentCase;

/* Parses @body as @codec's answer and @event as one of its stream events:
 * both give @text, or, with @text NULL, both are refused with a provider
 * error whose message holds @refusal. */
static void
assert_content_read (const GraphbitLlmCodec *codec,
                     const char             *body,
                     const char             *event,
                     const char             *text,
                     const char             *refusal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(GraphbitLlmResponse) response = codec->parse_response (body, strlen (body), &error);
  GraphbitStreamAccumulator acc;
  gboolean streamed;

  graphbit_stream_accumulator_init (&acc);
  streamed = codec->parse_stream_event (&acc, NULL, event, strlen (event), &stream_error);
  if (text == NULL)
    {
      g_assert_null (response);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
      g_assert_nonnull (strstr (error->message, refusal));
      g_assert_false (streamed);
      g_assert_error (stream_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpstr (graphbit_llm_response_get_content (response), ==, text);
      g_assert_no_error (stream_error);
      g_assert_cmpstr (acc.content->str, ==, text);
    }
  graphbit_stream_accumulator_clear (&acc);
}

/* OpenAI-compatible servers may send "content" as a list of parts: the
 * "text" parts are the answer, in order, and other kinds (reasoning) are
 * left out; null is a tool call's empty answer; anything else is refused
 * rather than read as an empty answer. Streamed deltas alike. */
static void
test_openai_content_parts (void)
{
  const ContentCase cases[] = {
    { "\"plain\"", "plain" },
    { "null", "" },
    { "[{\"type\": \"thinking\", \"thinking\": [{\"type\": \"text\", \"text\": \"hmm\"}]},"
      " {\"type\": \"text\", \"text\": \"Hello, \"}, {\"type\": \"text\", \"text\": \"world\"}]",
      "Hello, world" },
    { "[]", "" },
    { "42", NULL },
    { "{\"text\": \"x\"}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"id\": \"c\", \"model\": \"m\", \"choices\": [{\"index\": 0, "
                                               "\"message\": {\"role\": \"assistant\", \"content\": %s}, "
                                               "\"finish_reason\": \"stop\"}]}", cases[i].content);
      g_autofree char *event = g_strdup_printf ("{\"choices\": [{\"index\": 0, \"delta\": {\"content\": %s}, "
                                                "\"finish_reason\": null}]}", cases[i].content);

      assert_content_read (&graphbit_openai_codec, body, event, cases[i].text,
                           "choices[0].message.content is neither text nor a list of parts");
    }
}

/* Ollama's message.content is text, or absent or null (no text in this
 * chunk); any other shape is refused rather than read as no text. */
static void
test_ollama_content_shapes (void)
{
  const ContentCase cases[] = {
    { "\"plain\"", "plain" },
    { "null", "" },
    { "42", NULL },
    { "[\"a\"]", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"model\": \"m\", \"message\": {\"role\": \"assistant\", "
                                               "\"content\": %s}, \"done\": true}", cases[i].content);

      /* An answer and a stream line have the same shape. */
      assert_content_read (&graphbit_ollama_codec, body, body, cases[i].text, "message.content is not text");
    }
}

typedef struct
{
  const GraphbitLlmCodec *codec;
  const char *fixture;
  const char *expected;
} ErrorCase;

static void
test_error_bodies (void)
{
  const ErrorCase cases[] = {
    { &graphbit_anthropic_codec, "anthropic/error_401_authentication.json", "(type: authentication_error)" },
    { &graphbit_anthropic_codec, "anthropic/error_529_overloaded.json", "Overloaded (type: overloaded_error)" },
    { &graphbit_anthropic_codec, "anthropic/error_429_rate_limit.json", "(type: rate_limit_error)" },
    { &graphbit_ollama_codec, "ollama/error_404_model_not_found.json", "not found" },
    { &graphbit_ollama_codec, "ollama/error_500_before_stream.json", "" },
    { &graphbit_openai_codec, "openai/error_429_insufficient_quota.json", "(code: insufficient_quota)" },
    { &graphbit_openai_codec, "openai/error_400_invalid_request.json", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len;
      g_autofree char *data = mock_fixture_read (cases[i].fixture, &len);
      g_autofree char *message = cases[i].codec->error_message (data, len);

      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, cases[i].expected));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codecs/openai/stream-text", test_openai_stream_text);
  g_test_add_func ("/codecs/openai/stream-length-and-tools", test_openai_stream_length_and_tools);
  g_test_add_func ("/codecs/openai/error-inside-stream", test_openai_error_inside_stream);
  g_test_add_func ("/codecs/anthropic/streams", test_anthropic_streams);
  g_test_add_func ("/codecs/anthropic/error-event", test_anthropic_error_event);
  g_test_add_func ("/codecs/ollama/streams", test_ollama_streams);
  g_test_add_func ("/codecs/non-streamed", test_non_streamed_answers);
  g_test_add_func ("/codecs/openai/content-parts", test_openai_content_parts);
  g_test_add_func ("/codecs/ollama/content-shapes", test_ollama_content_shapes);
  g_test_add_func ("/codecs/error-bodies", test_error_bodies);
  return g_test_run ();
}
