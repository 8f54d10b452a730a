/* test-runtime.c - the runtime: lazy start, configuration, shutdown, system facts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graphbit.h"
#include "graphbit-runtime-private.h"
#include "graphbit-system-probe-private.h"
#include "graphbit-completion-queue-private.h"

static gboolean
variant_lookup_boolean (GVariant   *dict,
                        const char *key)
{
  gboolean value = FALSE;

  g_assert_true (g_variant_lookup (dict, key, "b", &value));
  return value;
}

static guint
variant_lookup_uint (GVariant   *dict,
                     const char *key)
{
  guint value = 0;

  g_assert_true (g_variant_lookup (dict, key, "u", &value));
  return value;
}

static void
test_configure_before_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;

  graphbit_shutdown ();
  g_assert_false (graphbit_runtime_is_started ());
  g_assert_true (graphbit_configure_runtime (3, 5, 1, &error));
  g_assert_no_error (error);

  info = graphbit_get_system_info ();
  g_assert_false (variant_lookup_boolean (info, "runtime_initialized"));
  g_assert_cmpuint (variant_lookup_uint (info, "runtime_worker_threads"), ==, 3);
  g_assert_cmpuint (variant_lookup_uint (info, "runtime_max_blocking_threads"), ==, 5);
  g_assert_cmpuint (variant_lookup_uint (info, "runtime_thread_stack_size_mb"), ==, 1);

  g_assert_true (graphbit_configure_runtime (0, 0, 0, &error));
}

static void
test_configure_rejects_absurd_values (void)
{
  g_autoptr(GError) error = NULL;
  const GraphbitErrorDetails *details;

  graphbit_shutdown ();
  g_assert_false (graphbit_configure_runtime (100000, 0, 0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  details = graphbit_error_get_details (error);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, "worker_threads");
  g_assert_cmpstr (graphbit_error_details_get_value (details), ==, "100000");
}

static void
test_configure_after_start_fails (void)
{
  g_autoptr(GError) error = NULL;

  graphbit_shutdown ();
  g_assert_true (graphbit_init (NULL, FALSE, FALSE, &error));
  g_assert_true (graphbit_runtime_is_started ());

  g_assert_false (graphbit_configure_runtime (2, 0, 0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RUNTIME);
  g_assert_nonnull (strstr (error->message, "before the runtime starts"));
  g_clear_error (&error);

  /* After a shutdown it can be configured again, and it restarts lazily. */
  graphbit_shutdown ();
  g_assert_false (graphbit_runtime_is_started ());
  g_assert_true (graphbit_configure_runtime (2, 0, 0, &error));
  g_assert_true (graphbit_runtime_ensure_started (&error));
  g_assert_true (graphbit_runtime_is_started ());
  graphbit_shutdown ();
  graphbit_configure_runtime (0, 0, 0, NULL);
}

static guint
count_threads_named (const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", name, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, prefix))
        count++;
    }
  return count;
}

static void
test_worker_threads_start_and_join (void)
{
  g_autoptr(GError) error = NULL;

  graphbit_shutdown ();
  g_assert_cmpuint (count_threads_named ("graphbit-io-"), ==, 0);
  g_assert_true (graphbit_configure_runtime (3, 0, 0, &error));
  g_assert_true (graphbit_runtime_ensure_started (&error));
  g_assert_cmpuint (count_threads_named ("graphbit-io-"), ==, 3);

  /* shutdown() joins them: none is left afterwards. */
  graphbit_shutdown ();
  g_assert_cmpuint (count_threads_named ("graphbit-io-"), ==, 0);
  graphbit_configure_runtime (0, 0, 0, NULL);
}

typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean done;
  gsize stack_size;
  gboolean can_block;
  GError *block_error;
} WorkerProbe;

static void
probe_on_worker (GraphbitWorker *worker,
                 gpointer        data)
{
  WorkerProbe *probe = data;
  pthread_attr_t attr;

  pthread_getattr_np (pthread_self (), &attr);
  pthread_attr_getstacksize (&attr, &probe->stack_size);
  pthread_attr_destroy (&attr);
  probe->can_block = graphbit_runtime_check_can_block ("complete", &probe->block_error);
  graphbit_worker_end_operation (worker);

  g_mutex_lock (&probe->mutex);
  probe->done = TRUE;
  g_cond_signal (&probe->cond);
  g_mutex_unlock (&probe->mutex);
}

static void
test_worker_stack_size_and_blocking_guard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitWorker) worker = NULL;
  WorkerProbe probe = { 0 };

  graphbit_shutdown ();
  g_assert_true (graphbit_configure_runtime (1, 0, 3, &error));
  worker = graphbit_runtime_acquire_worker (&error);
  g_assert_no_error (error);

  g_mutex_init (&probe.mutex);
  g_cond_init (&probe.cond);
  graphbit_worker_invoke (worker, probe_on_worker, &probe, NULL);
  g_mutex_lock (&probe.mutex);
  while (!probe.done)
    g_cond_wait (&probe.cond, &probe.mutex);
  g_mutex_unlock (&probe.mutex);

  g_assert_cmpuint (probe.stack_size, ==, 3 << 20);
  /* A blocking call on an I/O thread would wait for itself: refused. */
  g_assert_false (probe.can_block);
  g_assert_error (probe.block_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RUNTIME);
  g_clear_error (&probe.block_error);
  g_assert_true (graphbit_runtime_check_can_block ("complete", NULL));

  g_mutex_clear (&probe.mutex);
  g_cond_clear (&probe.cond);
  graphbit_shutdown ();
  graphbit_configure_runtime (0, 0, 0, NULL);
}

static void
blocking_job (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  char name[32] = "";

  pthread_getname_np (pthread_self (), name, sizeof name);
  g_task_return_pointer (task, g_strdup (name), g_free);
}

static void
on_blocking_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  char **out = data;
  g_autoptr(GError) error = NULL;

  *out = g_task_propagate_pointer (G_TASK (result), &error);
  g_assert_no_error (error);
}

static void
test_blocking_pool_runs_tasks (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GTask) task = NULL;
  g_autofree char *thread_name = NULL;

  g_main_context_push_thread_default (context);
  task = g_task_new (NULL, NULL, on_blocking_done, &thread_name);
  graphbit_runtime_run_in_blocking_pool (task, blocking_job);
  while (thread_name == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  g_assert_cmpstr (thread_name, ==, "graphbit-block");
  graphbit_shutdown ();
}

static void
test_system_info_is_real (void)
{
  g_autoptr(GVariant) info = graphbit_get_system_info ();
  const char *text = NULL;
  g_autofree char *glib_version = g_strdup_printf ("%u.%u.%u", glib_major_version, glib_minor_version,
                                                   glib_micro_version);

  g_assert_true (g_variant_lookup (info, "version", "&s", &text));
  g_assert_cmpstr (text, ==, graphbit_get_version ());
  g_assert_true (g_variant_lookup (info, "build_target", "&s", &text));
  g_assert_cmpstr (text, ==, GRAPHBIT_BUILD_TARGET);
  g_assert_cmpstr (text, !=, "unknown");
  g_assert_true (g_variant_lookup (info, "glib_version", "&s", &text));
  g_assert_cmpstr (text, ==, glib_version);
  g_assert_true (g_variant_lookup (info, "memory_allocator", "&s", &text));
  g_assert_cmpstr (text, !=, "unknown");
  g_assert_cmpuint (variant_lookup_uint (info, "cpu_count"), ==, g_get_num_processors ());
  g_assert_true (g_variant_lookup (info, "libsoup_version", "&s", &text));
  g_assert_true (g_str_has_prefix (text, "3."));
}

static void
test_meminfo_parser (void)
{
  const char *text = "MemTotal:       24683300 kB\nMemFree:  100 kB\nMemAvailable:   12000000 kB\n";
  guint64 total = 0, available = 0;

  g_assert_true (graphbit_probe_parse_meminfo (text, &total, &available));
  g_assert_cmpuint (total, ==, 24683300ull * 1024);
  g_assert_cmpuint (available, ==, 12000000ull * 1024);
  g_assert_false (graphbit_probe_parse_meminfo ("MemTotal: 1 kB\n", &total, &available));
}

static void
test_health_check (void)
{
  g_autoptr(GVariant) health = NULL;
  guint64 total = 0, available = 0;

  graphbit_shutdown ();
  health = graphbit_health_check ();
  g_assert_true (variant_lookup_boolean (health, "runtime_healthy"));
  g_assert_true (variant_lookup_boolean (health, "worker_threads_ok"));
  g_assert_cmpuint (variant_lookup_uint (health, "worker_threads_responding"), ==,
                    variant_lookup_uint (health, "worker_threads"));
  g_assert_true (g_variant_lookup (health, "total_memory_mb", "t", &total));
  g_assert_true (g_variant_lookup (health, "available_memory_mb", "t", &available));
  g_assert_cmpuint (total, >, 0);
  g_assert_cmpuint (available, <=, total);
  g_assert_true (variant_lookup_boolean (health, "overall_healthy"));
  graphbit_shutdown ();
}

static gpointer
shutdown_thread (gpointer data)
{
  graphbit_shutdown ();
  return NULL;
}

static void
test_concurrent_shutdowns (void)
{
  GThread *threads[4];

  for (guint round = 0; round < 20; round++)
    {
      g_assert_true (graphbit_runtime_ensure_started (NULL));
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("shutdown", shutdown_thread, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      g_assert_false (graphbit_runtime_is_started ());
    }
}

static void
test_init_levels (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (graphbit_init ("loud", FALSE, FALSE, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_clear_error (&error);

  g_assert_true (graphbit_init ("ERROR", FALSE, FALSE, &error));
  g_assert_true (graphbit_init ("Info", FALSE, FALSE, &error));
  g_assert_cmpstr (graphbit_get_log_level (), ==, "info");
  /* Later calls never make logging quieter. */
  g_assert_true (graphbit_init ("error", FALSE, FALSE, &error));
  g_assert_cmpstr (graphbit_get_log_level (), ==, "info");
  g_assert_true (graphbit_init (NULL, FALSE, TRUE, &error));
  g_assert_cmpstr (graphbit_get_log_level (), ==, "debug");
  g_assert_true (graphbit_get_tracing ());
  graphbit_shutdown ();
}

static void
test_fork_child_starts_afresh (void)
{
  pid_t pid;
  int status = 0;

  if (g_getenv ("GRAPHBIT_UNDER_VALGRIND") != NULL)
    {
      /* The child inherits the thread-local data of threads that do not
       * exist in it, which memcheck reports as lost in the child. */
      g_test_skip ("a forked child's view of the parent's threads is not memcheck-clean");
      return;
    }
  g_assert_true (graphbit_runtime_ensure_started (NULL));
  /* Fork while the workers are idle, as any threaded library requires: a
   * thread inside glibc (say, logging) at fork time would leave its locks
   * held in the child. The health check's ping waits for every worker. */
  g_variant_unref (graphbit_health_check ());
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child has no worker threads: the runtime must know it and
       * start new ones rather than hand work to threads that are gone. */
      g_autoptr(GVariant) health = NULL;
      gboolean healthy = FALSE;

      if (graphbit_runtime_is_started ())
        _exit (2);
      health = graphbit_health_check ();
      g_variant_lookup (health, "runtime_healthy", "b", &healthy);
      graphbit_shutdown ();
      _exit (healthy ? 0 : 3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (graphbit_runtime_is_started ());
  graphbit_shutdown ();
}

/* A stream's text that arrives while its last piece still waits in a
 * completion queue joins that piece; once the loop took it, a new piece
 * starts. The end comes as a completion of its own. */
static void
test_completion_queue_joins_waiting_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  g_autoptr(GraphbitOutcome) first = NULL;
  g_autoptr(GraphbitOutcome) again = NULL;
  g_autoptr(GraphbitOutcome) second = NULL;
  g_autoptr(GraphbitCompletion) popped = NULL;
  g_autoptr(GraphbitCompletion) end = NULL;
  g_autoptr(GString) expected = g_string_new ("a");
  g_autoptr(GraphbitCompletionSink) sink = NULL;
  g_autofree char *text = NULL;
  guint64 tag = 0;

  g_assert_no_error (error);
  sink = graphbit_completion_queue_get_sink (queue);
  first = graphbit_completion_sink_push_more_text (sink, NULL, 7, g_strdup ("a"));
  /* Many appends: the text's room grows as it must. */
  again = graphbit_outcome_ref (first);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *piece = g_strdup_printf (" %u", i);
      GraphbitOutcome *next = graphbit_completion_sink_push_more_text (sink, again, 7, g_strdup (piece));

      g_assert_true (next == first);
      graphbit_outcome_unref (again);
      again = next;
      g_string_append (expected, piece);
    }

  popped = graphbit_completion_queue_pop (queue);
  g_assert_cmpuint (graphbit_completion_get_tag (popped), ==, 7);
  g_assert_cmpstr (graphbit_completion_get_text (popped), ==, expected->str);
  g_assert_null (graphbit_completion_queue_pop (queue));

  /* Taken: the next text is a new piece, and the taken one is unchanged. */
  second = graphbit_completion_sink_push_more_text (sink, first, 7, g_strdup ("b"));
  g_assert_true (second != first);
  g_assert_cmpstr (graphbit_completion_get_text (popped), ==, expected->str);
  /* Joined while waiting, and popped as text alone. */
  graphbit_outcome_unref (graphbit_completion_sink_push_more_text (sink, second, 7, g_strdup ("c")));
  graphbit_completion_sink_push_text (sink, 7, NULL, NULL);
  g_assert_true (graphbit_completion_queue_pop_text (queue, &tag, &text, NULL));
  g_assert_cmpuint (tag, ==, 7);
  g_assert_cmpstr (text, ==, "bc");
  end = graphbit_completion_queue_pop (queue);
  g_assert_nonnull (end);
  g_assert_null (graphbit_completion_get_text (end));
  g_assert_null (graphbit_completion_propagate (end, &error));
  g_assert_no_error (error);
  g_assert_null (graphbit_completion_queue_pop (queue));
}

/* pop_text() hands text alone over as a string and anything else as the
 * completion; its out arguments are optional. */
static void
test_completion_queue_pop_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  g_autoptr(GraphbitCompletionSink) sink = NULL;
  g_autoptr(GraphbitCompletion) completion = NULL;
  g_autoptr(GError) failure = NULL;
  g_autofree char *text = NULL;
  guint64 tag = 0;

  g_assert_no_error (error);
  sink = graphbit_completion_queue_get_sink (queue);
  graphbit_completion_sink_push_text (sink, 1, g_strdup ("one"), NULL);
  graphbit_completion_sink_push_text (sink, 2, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no"));
  graphbit_completion_sink_push (sink, 3, g_object_new (G_TYPE_OBJECT, NULL), NULL);
  graphbit_completion_sink_push_text (sink, 4, g_strdup ("dropped"), NULL);
  graphbit_completion_sink_push_text (sink, 5, NULL, NULL);

  g_assert_true (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_cmpuint (tag, ==, 1);
  g_assert_cmpstr (text, ==, "one");
  g_assert_null (completion);
  g_clear_pointer (&text, g_free);

  g_assert_true (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_cmpuint (tag, ==, 2);
  g_assert_null (text);
  g_assert_null (graphbit_completion_propagate (completion, &failure));
  g_assert_error (failure, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_object (&completion);

  /* A result object is never dropped for its text. */
  g_assert_true (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_cmpuint (tag, ==, 3);
  g_assert_null (text);
  g_assert_nonnull (completion);
  g_clear_object (&completion);

  /* Nothing asked for: taken and freed all the same. */
  g_assert_true (graphbit_completion_queue_pop_text (queue, NULL, NULL, NULL));

  /* The end of a stream: no text, no error. */
  g_assert_true (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_cmpuint (tag, ==, 5);
  g_assert_null (text);
  g_assert_nonnull (completion);
  g_assert_null (graphbit_completion_get_text (completion));
  g_clear_object (&completion);

  g_assert_false (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_null (text);
  g_assert_null (completion);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runtime/configure-before-start", test_configure_before_start);
  g_test_add_func ("/runtime/configure-rejects-absurd", test_configure_rejects_absurd_values);
  g_test_add_func ("/runtime/configure-after-start-fails", test_configure_after_start_fails);
  g_test_add_func ("/runtime/threads-start-and-join", test_worker_threads_start_and_join);
  g_test_add_func ("/runtime/stack-size-and-blocking-guard", test_worker_stack_size_and_blocking_guard);
  g_test_add_func ("/runtime/blocking-pool", test_blocking_pool_runs_tasks);
  g_test_add_func ("/runtime/system-info", test_system_info_is_real);
  g_test_add_func ("/runtime/meminfo-parser", test_meminfo_parser);
  g_test_add_func ("/runtime/health-check", test_health_check);
  g_test_add_func ("/runtime/concurrent-shutdowns", test_concurrent_shutdowns);
  g_test_add_func ("/runtime/init-levels", test_init_levels);
  g_test_add_func ("/runtime/fork-child-starts-afresh", test_fork_child_starts_afresh);
  g_test_add_func ("/runtime/completion-queue-joins-waiting-text", test_completion_queue_joins_waiting_text);
  g_test_add_func ("/runtime/completion-queue-pop-text", test_completion_queue_pop_text);

  return g_test_run ();
}
