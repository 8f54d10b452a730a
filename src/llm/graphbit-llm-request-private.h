/* graphbit-llm-request-private.h - request internals shared with the codecs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-request.h"

G_BEGIN_DECLS

/* "system", "user" or "assistant", as every provider spells them. */
const char *graphbit_llm_role_to_string (GraphbitLlmRole role);

G_END_DECLS
