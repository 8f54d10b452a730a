/* fuzz-workflow.c - the workflow JSON loader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A document that loads must save, and what it saves must load again and
 * save identically; it is validated too (which parses every template and
 * condition). Nothing runs: no runtime, no network.
 */

#include "config.h"

#include "graphbit.h"
#include "fuzz-common.h"

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  g_autofree char *json = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new_from_json (json, &error);
  g_autoptr(GraphbitWorkflow) reloaded = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  if (workflow == NULL)
    {
      fuzz_check_error (&error, g_utf8_validate (json, -1, NULL));
      return;
    }

  saved = graphbit_workflow_to_json (workflow);
  reloaded = graphbit_workflow_new_from_json (saved, &error);
  g_assert_no_error (error);
  saved_again = graphbit_workflow_to_json (reloaded);
  g_assert_cmpstr (saved, ==, saved_again);

  if (!graphbit_workflow_validate (workflow, &error))
    fuzz_check_error (&error, g_utf8_validate (json, -1, NULL));
}
