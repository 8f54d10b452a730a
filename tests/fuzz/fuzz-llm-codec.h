/* fuzz-llm-codec.h - one LLM codec's parsers against any input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-codec-private.h"

G_BEGIN_DECLS

void fuzz_llm_codec (const GraphbitLlmCodec *codec,
                     const guint8           *data,
                     gsize                   size);

G_END_DECLS
