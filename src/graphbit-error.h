/* graphbit-error.h - the graphbit error domain and its structured details
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

/**
 * GRAPHBIT_ERROR:
 *
 * The error domain of every error graphbit reports itself. Cancellation is
 * reported as %G_IO_ERROR_CANCELLED instead.
 */
#define GRAPHBIT_ERROR (graphbit_error_quark ())

/**
 * GraphbitError:
 * @GRAPHBIT_ERROR_CONFIGURATION: a configuration value is missing or wrong
 *   (for example no API key in the argument or the environment).
 * @GRAPHBIT_ERROR_VALIDATION: an argument is out of range or malformed; the
 *   details name the field and the value.
 * @GRAPHBIT_ERROR_NETWORK: the connection failed: DNS, refused, reset, TLS,
 *   or closed before the response was complete.
 * @GRAPHBIT_ERROR_AUTHENTICATION: the provider rejected the credentials
 *   (HTTP 401 or 403).
 * @GRAPHBIT_ERROR_RATE_LIMIT: the provider kept answering 429 (or 529) after
 *   every retry; the details carry the server's retry-after delay when known.
 * @GRAPHBIT_ERROR_TIMEOUT: a per-attempt timeout or the overall deadline
 *   expired.
 * @GRAPHBIT_ERROR_RESOURCE_EXHAUSTED: a queue, an in-flight limit or a size
 *   bound was exceeded.
 * @GRAPHBIT_ERROR_PROVIDER: the provider answered with any other error status
 *   or with a body that could not be understood; the details carry the HTTP
 *   status and the provider's own message.
 * @GRAPHBIT_ERROR_CIRCUIT_OPEN: the client's circuit breaker is open and the
 *   call was not attempted.
 * @GRAPHBIT_ERROR_WORKFLOW: a workflow is invalid or one of its nodes failed.
 * @GRAPHBIT_ERROR_RUNTIME: the runtime is in a state that does not allow the
 *   operation (for example configuring it after it started).
 *
 * Error codes in the %GRAPHBIT_ERROR domain. New codes are only ever appended.
 */
typedef enum {
  GRAPHBIT_ERROR_CONFIGURATION,
  GRAPHBIT_ERROR_VALIDATION,
  GRAPHBIT_ERROR_NETWORK,
  GRAPHBIT_ERROR_AUTHENTICATION,
  GRAPHBIT_ERROR_RATE_LIMIT,
  GRAPHBIT_ERROR_TIMEOUT,
  GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
  GRAPHBIT_ERROR_PROVIDER,
  GRAPHBIT_ERROR_CIRCUIT_OPEN,
  GRAPHBIT_ERROR_WORKFLOW,
  GRAPHBIT_ERROR_RUNTIME,
} GraphbitError;

/**
 * graphbit_error_quark:
 *
 * Gets the quark of graphbit's error domain, for g_error_matches(); C code
 * usually writes %GRAPHBIT_ERROR instead.
 *
 * Returns: the quark of the %GRAPHBIT_ERROR domain
 */
GRAPHBIT_AVAILABLE_IN_ALL
GQuark graphbit_error_quark (void);

/**
 * GraphbitErrorDetails:
 *
 * The structured fields of a graphbit error: which field and value were
 * wrong, which operation and provider were involved, how many retries were
 * made, how long the call took, the HTTP status and body, and so on.
 *
 * Every #GError in the %GRAPHBIT_ERROR domain carries one; get it with
 * graphbit_error_get_details(). Fields that do not apply are %NULL, 0 or,
 * for the retry-after delay, negative.
 */
typedef struct _GraphbitErrorDetails GraphbitErrorDetails;

#define GRAPHBIT_TYPE_ERROR_DETAILS (graphbit_error_details_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
GType                 graphbit_error_details_get_type          (void) G_GNUC_CONST;
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitErrorDetails *graphbit_error_details_copy              (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
void                  graphbit_error_details_free              (GraphbitErrorDetails       *details);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitError         graphbit_error_details_get_code          (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_message       (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_field         (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_value         (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_operation     (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_provider      (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_resource_type (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_error_details_get_body          (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
guint                 graphbit_error_details_get_status_code   (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
guint                 graphbit_error_details_get_retry_count   (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble               graphbit_error_details_get_retry_after   (const GraphbitErrorDetails *details);
GRAPHBIT_AVAILABLE_IN_ALL
guint64               graphbit_error_details_get_duration_ms   (const GraphbitErrorDetails *details);

GRAPHBIT_AVAILABLE_IN_ALL
const GraphbitErrorDetails *graphbit_error_get_details         (const GError *error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitErrorDetails       *graphbit_error_dup_last_details    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitErrorDetails, graphbit_error_details_free)

G_END_DECLS
