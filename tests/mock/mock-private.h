/* mock-private.h - what the files of the mock provider share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The faults mock:fault=KIND injects (mock-faults.c); NONE: an answer. */
typedef enum
{
  MOCK_FAULT_NONE,
  MOCK_FAULT_STATUS,
  MOCK_FAULT_CLOSE,
  MOCK_FAULT_RESET,
  MOCK_FAULT_HANG,
  MOCK_FAULT_CUT,
  MOCK_FAULT_SLOW,
  MOCK_N_FAULTS
} MockFault;

/* The server's state and what it has seen, for GET /_mock/stats. */
typedef struct
{
  GMainLoop *loop;
  char *fixtures_dir;
  GHashTable *sockets;         /* GSocket* (weak) → busy: connections alive,
                                * busy while a request is being answered */
  guint64 connections_total;
  guint64 requests;
  guint64 completed;
  guint64 disconnected_early;  /* client went away before the whole reply */
  GHashTable *requests_by_route; /* route name (static) → count */
  guint64 streams_started;
  guint64 streams_completed;
  guint64 streams_cut;
  guint64 model_loads;
  char *last_request;          /* body of the last provider request */
  char *last_authorization_scheme;
  const char *last_route;
  JsonNode *last_headers;      /* object: name → value, secrets redacted */
  guint64 completion_counter;
  GHashTable *attempts;        /* attempt key ("route\ntext") → attempts */
  guint64 attempts_total;
  guint64 faults_injected[MOCK_N_FAULTS];
  guint64 hangs;
  guint64 seed;                /* --seed, for the global PRNG */
  guint64 prng_draws;          /* draws from the global PRNG since a reset */
} Mock;

/* The mock:NAME=VALUE words of the last user message. */
typedef struct
{
  guint delay_ms;
  guint status;
  char *fixture;
  char *retry_after;
  char *content;
  gint tokens;                 /* -1: not given */
  guint token_delay_ms;
  guint chunk_bytes;
  gint cut_after;              /* -1: not given */
  MockFault fault;             /* once resolved: the fault of this attempt */
  gint fail_first;             /* -1: not given */
  gdouble fault_rate;          /* < 0: not given */
  gboolean seeded;
  guint64 seed;
  gint64 retry_after_ms;       /* -1: not given */
  gint should_retry;           /* -1: not given, else a boolean */
  gint64 rate_reset_ms;        /* -1: not given */
  gboolean quota;
  gboolean empty_body;         /* an error status without a body */
  char *location;              /* mock:location: a redirect's target */
  guint dims;                  /* embeddings: vector length; 0: the model's */
  gint rank;                   /* Hugging Face: the answer's rank; 0: the model's */
  guint loading;               /* Hugging Face: attempts answered "loading" */
  gdouble estimated_time;      /* ... with this estimate; < 0: not given */
} Directives;

#define MOCK_DIRECTIVES_INIT { .tokens = -1, .cut_after = -1, .fail_first = -1, .fault_rate = -1, \
                               .retry_after_ms = -1, .should_retry = -1, .rate_reset_ms = -1, \
                               .estimated_time = -1 }

void       mock_directives_parse  (const char       *text,
                                   Directives       *d);
void       mock_directives_clear  (Directives       *d);
GPtrArray *mock_tokens_new        (const Directives *d,
                                   const char       *prompt);
gboolean   mock_tokens_limit      (GPtrArray        *tokens,
                                   gint64            limit);
char      *mock_tokens_join       (GPtrArray        *tokens);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Directives, mock_directives_clear)

/* Reading requests (mock-request.c). */
void        mock_request_record       (Mock              *mock,
                                       SoupServerMessage *msg,
                                       const char        *route);
JsonObject *mock_request_json         (SoupServerMessage *msg,
                                       JsonParser        *parser);
const char *mock_json_string          (JsonObject        *object,
                                       const char        *name);
gint64      mock_json_int             (JsonObject        *object,
                                       const char        *name,
                                       gint64             fallback);
gboolean    mock_json_bool            (JsonObject        *object,
                                       const char        *name,
                                       gboolean           fallback);
JsonObject *mock_json_object          (JsonObject        *object,
                                       const char        *name);
JsonArray  *mock_json_array           (JsonObject        *object,
                                       const char        *name);
char       *mock_json_to_string       (JsonObject        *object);
char       *mock_content_text         (JsonNode          *content);
guint       mock_count_words          (const char        *text);
char       *mock_conversation_read    (JsonArray         *messages,
                                       guint             *words);

/* Faults (mock-faults.c). */
gboolean    mock_fault_from_name  (const char       *name,
                                   MockFault        *fault);
void        mock_faults_init      (Mock             *mock,
                                   guint64           seed);
void        mock_faults_reset     (Mock             *mock);
void        mock_faults_clear     (Mock             *mock);
void        mock_faults_attempt   (Mock             *mock,
                                   const char       *prompt,
                                   Directives       *d);
guint64     mock_faults_attempts  (Mock             *mock,
                                   const char       *route,
                                   const char       *text);
void        mock_faults_stats     (Mock             *mock,
                                   JsonObject       *stats);
/* Output @k of SplitMix64 seeded with @seed, in [0, 1). */
gdouble     mock_splitmix64_unit  (guint64           seed,
                                   guint64           k);

/* Writing replies (mock-reply.c). A provider's error shape: its body
 * (@d may ask for a variant), the headers of every error, and the headers
 * that say when a rate limit resets (NULL if the provider sends none). */
typedef struct
{
  const char *error_content_type;
  GBytes   *(*error_body)         (guint               status,
                                   const char         *message,
                                   const Directives   *d);
  void      (*error_headers)      (SoupMessageHeaders *headers,
                                   guint               status);
  void      (*rate_limit_headers) (SoupMessageHeaders *headers,
                                   guint64             reset_ms);
} MockDialect;

typedef struct _MockReply MockReply;

MockReply *mock_reply_new          (Mock              *mock,
                                    SoupServerMessage *msg,
                                    guint              status,
                                    const char        *content_type);
void       mock_reply_set_streamed (MockReply         *reply);
void       mock_reply_add          (MockReply         *reply,
                                    GBytes            *event);
void       mock_reply_add_sse      (MockReply         *reply,
                                    const char        *event,
                                    const char        *data);
void       mock_reply_add_ndjson   (MockReply         *reply,
                                    JsonObject        *object);
void       mock_reply_send         (MockReply         *reply,
                                    const Directives  *d);
void       mock_reply_bytes        (Mock              *mock,
                                    SoupServerMessage *msg,
                                    guint              status,
                                    const char        *content_type,
                                    GBytes            *body,
                                    const Directives  *d);
void       mock_reply_json         (Mock              *mock,
                                    SoupServerMessage *msg,
                                    guint              status,
                                    const char        *content_type,
                                    JsonObject        *object,
                                    const Directives  *d);
void       mock_reply_error        (Mock              *mock,
                                    SoupServerMessage *msg,
                                    const MockDialect *dialect,
                                    guint              status,
                                    const char        *message,
                                    const Directives  *d);
GBytes    *mock_fixture_load       (Mock              *mock,
                                    const char        *relative,
                                    GError           **error);
gboolean   mock_reply_directed     (Mock              *mock,
                                    SoupServerMessage *msg,
                                    const MockDialect *dialect,
                                    const Directives  *d);

/* The model the mock never has (Ollama: not pulled; elsewhere unknown). */
#define MOCK_MISSING_MODEL "missing-model"

/* The one API key the mock rejects (with a 401), as a provider rejects a
 * wrong key; any other non-empty key is accepted. */
#define MOCK_INVALID_KEY "invalid-key"

void mock_count_route (Mock       *mock,
                       const char *route);

/* The providers. */
extern const MockDialect mock_openai_dialect;
extern const MockDialect mock_ollama_dialect;

GBytes *mock_error_text_body   (guint             status,
                                const char       *message,
                                const Directives *d);

void mock_openai_chat          (Mock *mock, SoupServerMessage *msg);
void mock_openai_models        (Mock *mock, SoupServerMessage *msg);
gboolean mock_openai_check_key (Mock *mock, SoupServerMessage *msg);
void mock_anthropic_models     (Mock *mock, SoupServerMessage *msg);
void mock_anthropic_messages   (Mock *mock, SoupServerMessage *msg);
void mock_ollama_chat          (Mock *mock, SoupServerMessage *msg);
void mock_ollama_generate      (Mock *mock, SoupServerMessage *msg);
void mock_ollama_tags          (Mock *mock, SoupServerMessage *msg);
void mock_ollama_show          (Mock *mock, SoupServerMessage *msg);
void mock_ollama_version       (Mock *mock, SoupServerMessage *msg);
void mock_ollama_root          (Mock *mock, SoupServerMessage *msg);
void mock_ollama_not_found     (Mock *mock, SoupServerMessage *msg);
void mock_ollama_model_not_found (Mock *mock, SoupServerMessage *msg, const char *model, const char *hint,
                                  const Directives *d);

/* Embeddings (mock-embeddings.c). */
void mock_openai_embeddings    (Mock *mock, SoupServerMessage *msg);
void mock_huggingface_feature_extraction (Mock *mock, SoupServerMessage *msg);
void mock_ollama_embed         (Mock *mock, SoupServerMessage *msg);
void mock_ollama_embeddings    (Mock *mock, SoupServerMessage *msg);

G_END_DECLS
