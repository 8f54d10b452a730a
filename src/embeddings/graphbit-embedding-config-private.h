/* graphbit-embedding-config-private.h - what the client and codecs read from a config
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-embedding-config.h"

G_BEGIN_DECLS

/* The secret; never log it or put it in an error. */
const char *graphbit_embedding_config_get_api_key (GraphbitEmbeddingConfig *self);

G_END_DECLS
