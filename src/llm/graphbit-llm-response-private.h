/* graphbit-llm-response-private.h - building responses in the codecs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-response.h"

G_BEGIN_DECLS

/* Takes ownership of nothing; strings are copied. NULL content becomes "". */
GraphbitLlmResponse *graphbit_llm_response_new       (const char *content,
                                                      const char *finish_reason,
                                                      const char *model,
                                                      const char *id);
void                 graphbit_llm_response_set_usage (GraphbitLlmResponse *self,
                                                      guint                prompt_tokens,
                                                      guint                completion_tokens,
                                                      guint                total_tokens);
/* Steals the content string (for the client's complete(), which returns
 * only the text). */
char                *graphbit_llm_response_steal_content (GraphbitLlmResponse *self);

G_END_DECLS
