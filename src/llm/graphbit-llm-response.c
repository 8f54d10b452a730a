/* graphbit-llm-response.c - a model's complete answer with its metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-llm-response-private.h"

/**
 * GraphbitLlmResponse:
 *
 * A complete answer: the text, why generation stopped, which model and
 * response id the provider reported, and the token usage. Immutable.
 */
struct _GraphbitLlmResponse
{
  GObject parent_instance;

  char *content;
  char *finish_reason;
  char *model;
  char *id;
  guint prompt_tokens;
  guint completion_tokens;
  guint total_tokens;
};

G_DEFINE_FINAL_TYPE (GraphbitLlmResponse, graphbit_llm_response, G_TYPE_OBJECT)

static void
graphbit_llm_response_finalize (GObject *object)
{
  GraphbitLlmResponse *self = GRAPHBIT_LLM_RESPONSE (object);

  g_free (self->content);
  g_free (self->finish_reason);
  g_free (self->model);
  g_free (self->id);
  G_OBJECT_CLASS (graphbit_llm_response_parent_class)->finalize (object);
}

static void
graphbit_llm_response_class_init (GraphbitLlmResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_llm_response_finalize;
}

static void
graphbit_llm_response_init (GraphbitLlmResponse *self)
{
}

GraphbitLlmResponse *
graphbit_llm_response_new (const char *content,
                           const char *finish_reason,
                           const char *model,
                           const char *id)
{
  GraphbitLlmResponse *self = g_object_new (GRAPHBIT_TYPE_LLM_RESPONSE, NULL);

  self->content = g_strdup (content != NULL ? content : "");
  self->finish_reason = g_strdup (finish_reason);
  self->model = g_strdup (model);
  self->id = g_strdup (id);
  return self;
}

void
graphbit_llm_response_set_usage (GraphbitLlmResponse *self,
                                 guint                prompt_tokens,
                                 guint                completion_tokens,
                                 guint                total_tokens)
{
  self->prompt_tokens = prompt_tokens;
  self->completion_tokens = completion_tokens;
  self->total_tokens = total_tokens;
}

char *
graphbit_llm_response_steal_content (GraphbitLlmResponse *self)
{
  char *content = g_steal_pointer (&self->content);

  self->content = g_strdup ("");
  return content;
}

/**
 * graphbit_llm_response_get_content:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the answer's text.
 *
 * Returns: the generated text (empty, never %NULL, if there was none)
 */
const char *
graphbit_llm_response_get_content (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), NULL);
  return self->content;
}

/**
 * graphbit_llm_response_get_finish_reason:
 * @self: a #GraphbitLlmResponse
 *
 * Gets why the provider stopped generating, %NULL if it did not say.
 *
 * Returns: (nullable): why generation stopped, in the provider's words
 *   ("stop", "length", "end_turn", ...)
 */
const char *
graphbit_llm_response_get_finish_reason (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), NULL);
  return self->finish_reason;
}

/**
 * graphbit_llm_response_get_model:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the model that answered, which may be more precise than the
 * configured name.
 *
 * Returns: (nullable): the model that answered, as the provider named it
 */
const char *
graphbit_llm_response_get_model (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), NULL);
  return self->model;
}

/**
 * graphbit_llm_response_get_id:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the provider's identifier of the response, %NULL if it gave none.
 *
 * Returns: (nullable): the provider's id for this response
 */
const char *
graphbit_llm_response_get_id (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), NULL);
  return self->id;
}

/**
 * graphbit_llm_response_get_prompt_tokens:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the number of tokens the provider counted in the request.
 *
 * Returns: the tokens of the input, as the provider counted them (0 if not
 *   reported)
 */
guint
graphbit_llm_response_get_prompt_tokens (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), 0);
  return self->prompt_tokens;
}

/**
 * graphbit_llm_response_get_completion_tokens:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the number of tokens the provider generated for the answer.
 *
 * Returns: the tokens generated (0 if not reported)
 */
guint
graphbit_llm_response_get_completion_tokens (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), 0);
  return self->completion_tokens;
}

/**
 * graphbit_llm_response_get_total_tokens:
 * @self: a #GraphbitLlmResponse
 *
 * Gets the number of tokens of the request and the answer together.
 *
 * Returns: prompt plus completion tokens (0 if not reported)
 */
guint
graphbit_llm_response_get_total_tokens (GraphbitLlmResponse *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_RESPONSE (self), 0);
  return self->total_tokens;
}
