/* graphbit-llm-request.c - what to ask the model: messages and sampling options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "graphbit-llm-request-private.h"
#include "graphbit-error-private.h"
#include "graphbit-strings-private.h"

/**
 * GraphbitLlmRequest:
 *
 * One request to a model: the conversation so far and the sampling options.
 * Options left unset are not sent, so the provider's defaults apply.
 *
 * Values are stored as given and checked by
 * [method@Graphbit.LlmRequest.validate], which every client call runs
 * before anything is sent: a bad temperature is an error, never clamped.
 *
 * A request is not thread-safe while it is being built; once handed to a
 * client call it is read only and may be reused.
 */
struct _GraphbitLlmRequest
{
  GObject parent_instance;

  GArray *messages;     /* Message */
  gint max_tokens;      /* 0: unset */
  gboolean has_max_tokens;
  gdouble temperature;
  gboolean has_temperature;
};

typedef struct
{
  GraphbitLlmRole role;
  char *content;
} Message;

G_DEFINE_FINAL_TYPE (GraphbitLlmRequest, graphbit_llm_request, G_TYPE_OBJECT)

static const char * const role_names[] = { "system", "user", "assistant" };

const char *
graphbit_llm_role_to_string (GraphbitLlmRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), "user");
  return role_names[role];
}

static void
message_clear (gpointer data)
{
  Message *message = data;

  g_free (message->content);
}

static void
graphbit_llm_request_finalize (GObject *object)
{
  GraphbitLlmRequest *self = GRAPHBIT_LLM_REQUEST (object);

  g_array_unref (self->messages);
  G_OBJECT_CLASS (graphbit_llm_request_parent_class)->finalize (object);
}

static void
graphbit_llm_request_class_init (GraphbitLlmRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_llm_request_finalize;
}

static void
graphbit_llm_request_init (GraphbitLlmRequest *self)
{
  self->messages = g_array_new (FALSE, FALSE, sizeof (Message));
  g_array_set_clear_func (self->messages, message_clear);
}

/**
 * graphbit_llm_request_new:
 * @prompt: (nullable): a user prompt, or %NULL to start with no messages
 *
 * Creates a request, with @prompt as its one user message.
 *
 * Returns: (transfer full): a new #GraphbitLlmRequest
 */
GraphbitLlmRequest *
graphbit_llm_request_new (const char *prompt)
{
  GraphbitLlmRequest *self = g_object_new (GRAPHBIT_TYPE_LLM_REQUEST, NULL);

  if (prompt != NULL)
    graphbit_llm_request_add_message (self, GRAPHBIT_LLM_ROLE_USER, prompt);
  return self;
}

/**
 * graphbit_llm_request_add_message:
 * @self: a #GraphbitLlmRequest
 * @role: who wrote the message
 * @content: the text
 *
 * Appends a message to the conversation.
 */
void
graphbit_llm_request_add_message (GraphbitLlmRequest *self,
                                  GraphbitLlmRole     role,
                                  const char         *content)
{
  Message message;

  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (self));
  g_return_if_fail (role <= GRAPHBIT_LLM_ROLE_ASSISTANT);
  g_return_if_fail (content != NULL);

  message.role = role;
  message.content = g_strdup (content);
  g_array_append_val (self->messages, message);
}

/**
 * graphbit_llm_request_add_message_named:
 * @self: a #GraphbitLlmRequest
 * @role: "system", "user" or "assistant" (any case)
 * @content: the text
 * @error: return location for a #GError
 *
 * Appends a message whose role is given by name, as chat APIs write it.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION if @role is
 *   not a known role
 */
gboolean
graphbit_llm_request_add_message_named (GraphbitLlmRequest  *self,
                                        const char          *role,
                                        const char          *content,
                                        GError             **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), FALSE);
  g_return_val_if_fail (role != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_ascii_strcasecmp (role, role_names[i]) == 0)
        {
          graphbit_llm_request_add_message (self, (GraphbitLlmRole) i, content);
          return TRUE;
        }
    }
  graphbit_propagate_error (error,
    graphbit_error_new_validation ("chat", "role", role,
                                   "Unknown message role '%s': use system, user or assistant", role));
  return FALSE;
}

/**
 * graphbit_llm_request_get_n_messages:
 * @self: a #GraphbitLlmRequest
 *
 * Gets the number of messages in the conversation, system messages included.
 *
 * Returns: the number of messages
 */
guint
graphbit_llm_request_get_n_messages (GraphbitLlmRequest *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), 0);
  return self->messages->len;
}

/**
 * graphbit_llm_request_get_message_role:
 * @self: a #GraphbitLlmRequest
 * @index: a message index, below the number of messages
 *
 * Gets who speaks in one message of the conversation.
 *
 * Returns: the role of message @index
 */
GraphbitLlmRole
graphbit_llm_request_get_message_role (GraphbitLlmRequest *self,
                                       guint               index)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), GRAPHBIT_LLM_ROLE_USER);
  g_return_val_if_fail (index < self->messages->len, GRAPHBIT_LLM_ROLE_USER);
  return g_array_index (self->messages, Message, index).role;
}

/**
 * graphbit_llm_request_get_message_content:
 * @self: a #GraphbitLlmRequest
 * @index: a message index, below the number of messages
 *
 * Gets the text of one message of the conversation.
 *
 * Returns: the text of message @index
 */
const char *
graphbit_llm_request_get_message_content (GraphbitLlmRequest *self,
                                          guint               index)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->messages->len, NULL);
  return g_array_index (self->messages, Message, index).content;
}

/**
 * graphbit_llm_request_set_max_tokens:
 * @self: a #GraphbitLlmRequest
 * @max_tokens: the most tokens to generate, 1 to
 *   %GRAPHBIT_LLM_MAX_TOKENS_LIMIT (checked by validation)
 *
 * Limits the length of the answer.
 */
void
graphbit_llm_request_set_max_tokens (GraphbitLlmRequest *self,
                                     gint                max_tokens)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (self));
  self->max_tokens = max_tokens;
  self->has_max_tokens = TRUE;
}

/**
 * graphbit_llm_request_get_max_tokens:
 * @self: a #GraphbitLlmRequest
 *
 * Gets the most tokens the answer may have, as set with
 * [method@Graphbit.LlmRequest.set_max_tokens].
 *
 * Returns: the token limit, or 0 if none was set
 */
gint
graphbit_llm_request_get_max_tokens (GraphbitLlmRequest *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), 0);
  return self->has_max_tokens ? self->max_tokens : 0;
}

/**
 * graphbit_llm_request_set_temperature:
 * @self: a #GraphbitLlmRequest
 * @temperature: the sampling temperature, 0.0 to 2.0 (checked by
 *   validation; never clamped)
 *
 * Sets the sampling temperature.
 */
void
graphbit_llm_request_set_temperature (GraphbitLlmRequest *self,
                                      gdouble             temperature)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (self));
  self->temperature = temperature;
  self->has_temperature = TRUE;
}

/**
 * graphbit_llm_request_has_temperature:
 * @self: a #GraphbitLlmRequest
 *
 * Gets whether a temperature was set; without one the provider's default
 * applies.
 *
 * Returns: whether a temperature was set
 */
gboolean
graphbit_llm_request_has_temperature (GraphbitLlmRequest *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), FALSE);
  return self->has_temperature;
}

/**
 * graphbit_llm_request_get_temperature:
 * @self: a #GraphbitLlmRequest
 *
 * Gets the sampling temperature, as set (it is never clamped).
 *
 * Returns: the temperature, meaningful only if
 *   [method@Graphbit.LlmRequest.has_temperature] says one was set
 */
gdouble
graphbit_llm_request_get_temperature (GraphbitLlmRequest *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), 0.0);
  return self->temperature;
}

/**
 * graphbit_llm_request_validate:
 * @self: a #GraphbitLlmRequest
 * @error: return location for a #GError
 *
 * Checks the request: at least one message, a user message that is not
 * blank, `max_tokens` within 1..%GRAPHBIT_LLM_MAX_TOKENS_LIMIT and a
 * temperature within 0.0..2.0. Client calls run this before sending.
 *
 * Returns: %TRUE if the request can be sent, else %FALSE with
 *   %GRAPHBIT_ERROR_VALIDATION naming the field and the value
 */
gboolean
graphbit_llm_request_validate (GraphbitLlmRequest  *self,
                               GError             **error)
{
  gboolean has_user_text = FALSE;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (self), FALSE);

  for (guint i = 0; i < self->messages->len; i++)
    {
      const Message *message = &g_array_index (self->messages, Message, i);

      if (message->role == GRAPHBIT_LLM_ROLE_USER && !graphbit_str_is_blank (message->content))
        has_user_text = TRUE;
    }
  if (!has_user_text)
    {
      /* A one-message request is a prompt; anything else is a chat. */
      gboolean is_prompt = self->messages->len == 1
                        && g_array_index (self->messages, Message, 0).role == GRAPHBIT_LLM_ROLE_USER;

      if (is_prompt)
        graphbit_propagate_error (error,
          graphbit_error_new_validation ("complete", "prompt", g_array_index (self->messages, Message, 0).content,
                                         "The prompt is empty: give a non-empty prompt"));
      else
        graphbit_propagate_error (error,
          graphbit_error_new_validation ("chat", "messages", NULL,
                                         self->messages->len == 0
                                           ? "There are no messages: give at least one user message"
                                           : "There is no user message with text: give at least one non-empty user message"));
      return FALSE;
    }

  if (self->has_max_tokens
      && (self->max_tokens < 1 || self->max_tokens > GRAPHBIT_LLM_MAX_TOKENS_LIMIT))
    {
      g_autofree char *value = g_strdup_printf ("%d", self->max_tokens);

      graphbit_propagate_error (error,
        graphbit_error_new_validation ("complete", "max_tokens", value,
                                       "max_tokens must be between 1 and %d, got %d",
                                       GRAPHBIT_LLM_MAX_TOKENS_LIMIT, self->max_tokens));
      return FALSE;
    }

  if (self->has_temperature
      && (isnan (self->temperature) || self->temperature < 0.0 || self->temperature > 2.0))
    {
      char value[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (value, sizeof value, self->temperature);
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("complete", "temperature", value,
                                       "temperature must be between 0.0 and 2.0, got %s", value));
      return FALSE;
    }
  return TRUE;
}
