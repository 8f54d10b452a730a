/* graphbit-llm-stream-private.h - creating streams from the client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-stream.h"
#include "graphbit-llm-client.h"
#include "http/graphbit-http-private.h"
#include "providers/graphbit-llm-codec-private.h"

G_BEGIN_DECLS

/* @request must be valid; nothing is sent until the first next(). */
GraphbitLlmStream *graphbit_llm_stream_new (GraphbitLlmClient         *client,
                                            GraphbitLlmRequest        *request,
                                            const GraphbitHttpOptions *options);

G_END_DECLS
