/* graphbit-error.c - the graphbit error domain and its structured details
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-error-private.h"

/* The extended-error private data is exactly the public details struct, so
 * graphbit_error_get_details() can hand out a pointer into the GError. */
typedef struct
{
  GraphbitErrorDetails details;
} GraphbitErrorPrivate;

static void
details_clear (GraphbitErrorDetails *details)
{
  g_clear_pointer (&details->message, g_free);
  g_clear_pointer (&details->field, g_free);
  g_clear_pointer (&details->value, g_free);
  g_clear_pointer (&details->operation, g_free);
  g_clear_pointer (&details->provider, g_free);
  g_clear_pointer (&details->resource_type, g_free);
  g_clear_pointer (&details->body, g_free);
}

static void
details_copy_into (const GraphbitErrorDetails *src,
                   GraphbitErrorDetails       *dest)
{
  dest->code = src->code;
  dest->message = g_strdup (src->message);
  dest->field = g_strdup (src->field);
  dest->value = g_strdup (src->value);
  dest->operation = g_strdup (src->operation);
  dest->provider = g_strdup (src->provider);
  dest->resource_type = g_strdup (src->resource_type);
  dest->body = g_strdup (src->body);
  dest->status_code = src->status_code;
  dest->retry_count = src->retry_count;
  dest->retry_after = src->retry_after;
  dest->duration_ms = src->duration_ms;
}

static void
graphbit_error_private_init (GraphbitErrorPrivate *priv)
{
  priv->details.retry_after = -1.0;
}

static void
graphbit_error_private_copy (const GraphbitErrorPrivate *src,
                             GraphbitErrorPrivate       *dest)
{
  details_copy_into (&src->details, &dest->details);
}

static void
graphbit_error_private_clear (GraphbitErrorPrivate *priv)
{
  details_clear (&priv->details);
}

G_DEFINE_EXTENDED_ERROR (GraphbitError, graphbit_error)

G_DEFINE_BOXED_TYPE (GraphbitErrorDetails, graphbit_error_details,
                     graphbit_error_details_copy, graphbit_error_details_free)

/**
 * graphbit_error_details_copy:
 * @details: a #GraphbitErrorDetails
 *
 * Copies @details.
 *
 * Returns: (transfer full): a new copy, free with graphbit_error_details_free()
 */
GraphbitErrorDetails *
graphbit_error_details_copy (const GraphbitErrorDetails *details)
{
  GraphbitErrorDetails *copy;

  g_return_val_if_fail (details != NULL, NULL);

  copy = g_new0 (GraphbitErrorDetails, 1);
  details_copy_into (details, copy);
  return copy;
}

/**
 * graphbit_error_details_free:
 * @details: (transfer full): a #GraphbitErrorDetails from
 *   graphbit_error_details_copy() or graphbit_error_dup_last_details()
 *
 * Frees @details.
 */
void
graphbit_error_details_free (GraphbitErrorDetails *details)
{
  if (details == NULL)
    return;
  details_clear (details);
  g_free (details);
}

/**
 * graphbit_error_details_get_code:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the code of the error the details belong to.
 *
 * Returns: the error code of the error these details belong to
 */
GraphbitError
graphbit_error_details_get_code (const GraphbitErrorDetails *details)
{
  g_return_val_if_fail (details != NULL, GRAPHBIT_ERROR_RUNTIME);
  return details->code;
}

#define DEFINE_STRING_GETTER(name, what)                                     \
  const char *                                                               \
  graphbit_error_details_get_##name (const GraphbitErrorDetails *details)    \
  {                                                                          \
    g_return_val_if_fail (details != NULL, NULL);                            \
    return details->name;                                                    \
  }

/**
 * graphbit_error_details_get_message:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the message of the error the details belong to.
 *
 * Returns: (nullable): the message of the error these details belong to
 */
DEFINE_STRING_GETTER (message, "message")

/**
 * graphbit_error_details_get_field:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the name of the argument or setting that was wrong.
 *
 * Returns: (nullable): the argument or configuration field that was wrong,
 *   such as "temperature" or "api_key"
 */
DEFINE_STRING_GETTER (field, "field")

/**
 * graphbit_error_details_get_value:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the wrong value of [method@Graphbit.ErrorDetails.get_field], as text.
 *
 * Returns: (nullable): the offending value, as text (never a secret)
 */
DEFINE_STRING_GETTER (value, "value")

/**
 * graphbit_error_details_get_operation:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the name of the operation that failed.
 *
 * Returns: (nullable): the operation that failed, such as "complete"
 */
DEFINE_STRING_GETTER (operation, "operation")

/**
 * graphbit_error_details_get_provider:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the short name of the provider involved.
 *
 * Returns: (nullable): the provider involved, such as "openai"
 */
DEFINE_STRING_GETTER (provider, "provider")

/**
 * graphbit_error_details_get_resource_type:
 * @details: a #GraphbitErrorDetails
 *
 * Gets which limit was exceeded.
 *
 * Returns: (nullable): for %GRAPHBIT_ERROR_RESOURCE_EXHAUSTED, which
 *   resource ran out, such as "request_queue"
 */
DEFINE_STRING_GETTER (resource_type, "resource_type")

/**
 * graphbit_error_details_get_body:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the body of the provider's error response, for
 * %GRAPHBIT_ERROR_PROVIDER and other HTTP errors.
 *
 * Returns: (nullable): the body of the provider's error response
 */
DEFINE_STRING_GETTER (body, "body")

#undef DEFINE_STRING_GETTER

/**
 * graphbit_error_details_get_status_code:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the HTTP status of the provider's response.
 *
 * Returns: the HTTP status of the provider's response, or 0 if there was none
 */
guint
graphbit_error_details_get_status_code (const GraphbitErrorDetails *details)
{
  g_return_val_if_fail (details != NULL, 0);
  return details->status_code;
}

/**
 * graphbit_error_details_get_retry_count:
 * @details: a #GraphbitErrorDetails
 *
 * Gets the number of retries made before the call failed for good.
 *
 * Returns: how many times the call was retried before it failed
 */
guint
graphbit_error_details_get_retry_count (const GraphbitErrorDetails *details)
{
  g_return_val_if_fail (details != NULL, 0);
  return details->retry_count;
}

/**
 * graphbit_error_details_get_retry_after:
 * @details: a #GraphbitErrorDetails
 *
 * Gets how long the provider asked to wait before trying again, in seconds.
 *
 * Returns: the delay in seconds the provider asked for before retrying, or a
 *   negative number if it did not say
 */
gdouble
graphbit_error_details_get_retry_after (const GraphbitErrorDetails *details)
{
  g_return_val_if_fail (details != NULL, -1.0);
  return details->retry_after;
}

/**
 * graphbit_error_details_get_duration_ms:
 * @details: a #GraphbitErrorDetails
 *
 * Gets how long the failed call ran, retries and waits included, in
 * milliseconds.
 *
 * Returns: how long the failed call ran, in milliseconds (0 if not measured)
 */
guint64
graphbit_error_details_get_duration_ms (const GraphbitErrorDetails *details)
{
  g_return_val_if_fail (details != NULL, 0);
  return details->duration_ms;
}

/**
 * graphbit_error_get_details:
 * @error: a #GError
 *
 * Gets the structured details of an error in the %GRAPHBIT_ERROR domain.
 *
 * Returns: (transfer none) (nullable): the details, owned by @error, or
 *   %NULL if @error is not a graphbit error
 */
const GraphbitErrorDetails *
graphbit_error_get_details (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != GRAPHBIT_ERROR)
    return NULL;
  return &graphbit_error_get_private (error)->details;
}

/* The details of the last graphbit error reported to each thread. */
static GPrivate last_details = G_PRIVATE_INIT ((GDestroyNotify) graphbit_error_details_free);

/**
 * graphbit_error_dup_last_details:
 *
 * Gets the details of the most recent error that a graphbit function
 * reported to the calling thread.
 *
 * This exists for language bindings whose conversion of #GError keeps only
 * the domain, code and message (PyGObject does): call it right after a
 * graphbit call failed, in the same thread, and compare the code and
 * message to be sure they belong together. C code should use
 * graphbit_error_get_details() on the #GError instead.
 *
 * Returns: (transfer full) (nullable): a copy of the details, or %NULL if
 *   the last error reported to this thread was not a graphbit error
 */
GraphbitErrorDetails *
graphbit_error_dup_last_details (void)
{
  const GraphbitErrorDetails *details = g_private_get (&last_details);

  return details != NULL ? graphbit_error_details_copy (details) : NULL;
}

void
graphbit_error_note_reported (const GError *error)
{
  const GraphbitErrorDetails *details = NULL;

  if (error != NULL && error->domain == GRAPHBIT_ERROR)
    details = graphbit_error_get_details (error);
  g_private_replace (&last_details,
                     details != NULL ? graphbit_error_details_copy (details) : NULL);
}

void
graphbit_propagate_error (GError **dest,
                          GError  *src)
{
  g_return_if_fail (src != NULL);

  graphbit_error_note_reported (src);
  g_propagate_error (dest, src);
}

gpointer
graphbit_task_propagate_pointer (GTask   *task,
                                 GError **error)
{
  GError *local_error = NULL;
  gpointer ret = g_task_propagate_pointer (task, &local_error);

  if (local_error != NULL)
    graphbit_propagate_error (error, local_error);
  return ret;
}

gboolean
graphbit_task_propagate_boolean (GTask   *task,
                                 GError **error)
{
  GError *local_error = NULL;
  gboolean ret = g_task_propagate_boolean (task, &local_error);

  if (local_error != NULL)
    graphbit_propagate_error (error, local_error);
  return ret;
}

static GError *
error_new_valist (GraphbitError code,
                  const char   *format,
                  va_list       args) G_GNUC_PRINTF (2, 0);

static GError *
error_new_valist (GraphbitError code,
                  const char   *format,
                  va_list       args)
{
  GError *error = g_error_new_valist (GRAPHBIT_ERROR, code, format, args);
  GraphbitErrorDetails *details = &graphbit_error_get_private (error)->details;

  details->code = code;
  details->message = g_strdup (error->message);
  return error;
}

GError *
graphbit_error_new (GraphbitError code,
                    const char   *format,
                    ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = error_new_valist (code, format, args);
  va_end (args);
  return error;
}

GError *
graphbit_error_new_validation (const char *operation,
                               const char *field,
                               const char *value,
                               const char *format,
                               ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = error_new_valist (GRAPHBIT_ERROR_VALIDATION, format, args);
  va_end (args);
  graphbit_error_set_operation (error, operation);
  graphbit_error_set_field (error, field, value);
  return error;
}

static GraphbitErrorDetails *
details_of (GError *error)
{
  g_return_val_if_fail (error != NULL && error->domain == GRAPHBIT_ERROR, NULL);
  return &graphbit_error_get_private (error)->details;
}

static void
replace_string (char       **slot,
                const char  *value)
{
  char *old = *slot;

  *slot = g_strdup (value);
  g_free (old);
}

void
graphbit_error_set_field (GError     *error,
                          const char *field,
                          const char *value)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  replace_string (&details->field, field);
  replace_string (&details->value, value);
}

void
graphbit_error_set_operation (GError     *error,
                              const char *operation)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  replace_string (&details->operation, operation);
}

void
graphbit_error_set_provider (GError     *error,
                             const char *provider)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  replace_string (&details->provider, provider);
}

void
graphbit_error_set_resource_type (GError     *error,
                                  const char *resource_type)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  replace_string (&details->resource_type, resource_type);
}

void
graphbit_error_set_http (GError     *error,
                         guint       status_code,
                         const char *body)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  details->status_code = status_code;
  replace_string (&details->body, body);
}

void
graphbit_error_set_retry (GError  *error,
                          guint    retry_count,
                          gdouble  retry_after)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  details->retry_count = retry_count;
  details->retry_after = retry_after;
}

void
graphbit_error_set_duration_ms (GError  *error,
                                guint64  duration_ms)
{
  GraphbitErrorDetails *details = details_of (error);

  g_return_if_fail (details != NULL);
  details->duration_ms = duration_ms;
}

void
graphbit_error_prefix (GError     *error,
                       const char *format,
                       ...)
{
  GraphbitErrorDetails *details;
  g_autofree char *prefix = NULL;
  char *message;
  va_list args;

  g_return_if_fail (error != NULL);

  va_start (args, format);
  prefix = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_strconcat (prefix, error->message, NULL);
  g_free (error->message);
  error->message = message;
  if (error->domain == GRAPHBIT_ERROR)
    {
      details = details_of (error);
      replace_string (&details->message, message);
    }
}

gboolean
graphbit_check_count (const char  *operation,
                      const char  *field,
                      gint         value,
                      gint         max,
                      GError     **error)
{
  g_autofree char *text = NULL;

  if (value >= 0 && value <= max)
    return TRUE;
  text = g_strdup_printf ("%d", value);
  graphbit_propagate_error (error,
    graphbit_error_new_validation (operation, field, text, "%s must be between 0 and %d, got %d",
                                   field, max, value));
  return FALSE;
}
