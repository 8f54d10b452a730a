/* graphbit-llm-client-private.h - what other parts of the library use of a client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-client.h"
#include "providers/graphbit-llm-codec-private.h"
#include "resilience/graphbit-call-host-private.h"

G_BEGIN_DECLS

const GraphbitLlmCodec *graphbit_llm_client_get_codec     (GraphbitLlmClient  *self);
/* What the client's calls (resilience/graphbit-call.c) use of it. */
GraphbitCallHost       *graphbit_llm_client_get_call_host (GraphbitLlmClient  *self);

/* Warm-ups are remembered per client. Thread-safe. */
gboolean graphbit_llm_client_is_warm   (GraphbitLlmClient  *self);
void     graphbit_llm_client_mark_warm (GraphbitLlmClient  *self);

G_END_DECLS
