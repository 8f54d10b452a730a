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

/* Takes @msg; nothing is sent until the first next(). */
GraphbitLlmStream *graphbit_llm_stream_new (GraphbitLlmClient         *client,
                                            const GraphbitLlmCodec    *codec,
                                            SoupMessage               *msg,
                                            const GraphbitHttpOptions *options,
                                            gboolean                   debug);

G_END_DECLS
