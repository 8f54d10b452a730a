/* fuzz-ollama.c - the Ollama codec's response, error and stream parsers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "fuzz-llm-codec.h"

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  fuzz_llm_codec (&graphbit_ollama_codec, data, size);
}
