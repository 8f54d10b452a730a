/* graphbit-embedding-client-private.h - what the embedding operations use of a client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-embedding-client.h"
#include "providers/graphbit-embedding-codec-private.h"
#include "resilience/graphbit-call-host-private.h"

G_BEGIN_DECLS

/* Requests of one batch in flight at once, unless set. */
#define GRAPHBIT_EMBEDDING_DEFAULT_CONCURRENCY 4

const GraphbitEmbeddingCodec *graphbit_embedding_client_get_codec     (GraphbitEmbeddingClient *self);
GraphbitCallHost             *graphbit_embedding_client_get_call_host (GraphbitEmbeddingClient *self);

G_END_DECLS
