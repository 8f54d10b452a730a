/* graphbit-llm-config-private.h - what the client reads from a config
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-config.h"

G_BEGIN_DECLS

/* The secret; never log it or put it in an error. */
const char *graphbit_llm_config_get_api_key (GraphbitLlmConfig *self);

G_END_DECLS
