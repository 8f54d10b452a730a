/* graphbit-llm-codec-private.h - one provider's chat protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "llm/graphbit-llm-config-private.h"
#include "llm/graphbit-llm-request-private.h"
#include "llm/graphbit-llm-response-private.h"

G_BEGIN_DECLS

/* A codec builds the HTTP request for a provider and turns its answers
 * into responses or errors. It holds no state; every function is
 * thread-safe. */
typedef struct
{
  const char *name;              /* "openai": in error details and logs */
  const char *label;             /* "OpenAI": in error messages */
  guint default_timeout_ms;      /* per attempt */

  SoupMessage         *(*build_request)  (GraphbitLlmConfig  *config,
                                          GraphbitLlmRequest *request,
                                          gboolean            stream,
                                          GError            **error);
  /* A 2xx JSON body of a non-streamed completion. */
  GraphbitLlmResponse *(*parse_response) (const char         *data,
                                          gsize               len,
                                          GError            **error);
  /* The provider's own message from an error body, or NULL. */
  char                *(*error_message)  (const char         *data,
                                          gsize               len);
} GraphbitLlmCodec;

const GraphbitLlmCodec *graphbit_llm_codec_for_provider (GraphbitLlmProvider provider);

extern const GraphbitLlmCodec graphbit_openai_codec;

G_END_DECLS
