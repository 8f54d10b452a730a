/* graphbit-error-private.h - building graphbit errors inside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "graphbit-error.h"

G_BEGIN_DECLS

struct _GraphbitErrorDetails
{
  GraphbitError code;
  char *message;
  char *field;
  char *value;
  char *operation;
  char *provider;
  char *resource_type;
  char *body;
  guint status_code;
  guint retry_count;
  gdouble retry_after;   /* seconds; negative when unknown */
  guint64 duration_ms;
};

GError *graphbit_error_new              (GraphbitError  code,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (2, 3);
GError *graphbit_error_new_validation   (const char    *operation,
                                         const char    *field,
                                         const char    *value,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (4, 5);
/* Checks 0 <= @value <= @max (0 is "none" or "the default" to callers);
 * otherwise fails with GRAPHBIT_ERROR_VALIDATION naming @field. */
gboolean graphbit_check_count           (const char    *operation,
                                         const char    *field,
                                         gint           value,
                                         gint           max,
                                         GError       **error);
void    graphbit_error_set_field        (GError        *error,
                                         const char    *field,
                                         const char    *value);
void    graphbit_error_set_operation    (GError        *error,
                                         const char    *operation);
void    graphbit_error_set_provider     (GError        *error,
                                         const char    *provider);
void    graphbit_error_set_resource_type(GError        *error,
                                         const char    *resource_type);
void    graphbit_error_set_http         (GError        *error,
                                         guint          status_code,
                                         const char    *body);
void    graphbit_error_set_retry        (GError        *error,
                                         guint          retry_count,
                                         gdouble        retry_after);
void    graphbit_error_set_duration_ms  (GError        *error,
                                         guint64        duration_ms);
/* g_prefix_error() that keeps a graphbit error's details in step. */
void    graphbit_error_prefix           (GError        *error,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (2, 3);

/* Hands @src to the caller through @dest and remembers its details for
 * graphbit_error_dup_last_details(). Every public function that fails goes
 * through here (or the task helpers below), so bindings whose GError
 * conversion drops extended error data can still read the details. */
void     graphbit_propagate_error        (GError      **dest,
                                          GError       *src);
void     graphbit_error_note_reported    (const GError *error);
gpointer graphbit_task_propagate_pointer (GTask        *task,
                                          GError      **error);
gboolean graphbit_task_propagate_boolean (GTask        *task,
                                          GError      **error);

G_END_DECLS
