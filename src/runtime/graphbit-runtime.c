/* graphbit-runtime.c - the runtime: I/O worker threads and a blocking pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The runtime is process-wide and starts lazily: on graphbit_init() or the
 * first operation that needs a worker. It can be configured only while it
 * is stopped, and graphbit_shutdown() stops it (cancelling in-flight work
 * and joining every thread); the next use starts it again.
 */

#include "config.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "graphbit-runtime-private.h"
#include "graphbit-blocking-pool-private.h"
#include "graphbit-blocking-watch-private.h"
#include "graphbit-fork-guard-private.h"
#include "graphbit-session-pool-private.h"
#include "graphbit-sync-private.h"
#include "graphbit-system-probe-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"

/* Limits for configure_runtime(); beyond them a value is certainly a
 * mistake rather than a tuning choice. */
#define MAX_WORKER_THREADS   256
#define MAX_BLOCKING_THREADS 4096
#define MAX_STACK_SIZE_MB    1024

/* A worker that does not answer a health ping within this is unhealthy. */
#define HEALTH_PING_TIMEOUT_US (2 * G_TIME_SPAN_SECOND)
/* Below this much available memory the process is reported unhealthy. */
#define HEALTHY_AVAILABLE_MB 100

typedef enum {
  RUNTIME_STOPPED,
  RUNTIME_RUNNING,
  RUNTIME_STOPPING,
} RuntimeState;

typedef struct
{
  GMutex mutex;
  GCond state_changed;
  RuntimeState state;

  /* Configuration; 0 means the default. */
  guint worker_threads;
  guint max_blocking_threads;
  guint thread_stack_size_mb;

  /* While running. */
  GPtrArray *workers;             /* GraphbitWorker* */
  GPtrArray *attached;            /* GraphbitWorker*, on callers' contexts */
  guint n_attached_ever;
  gboolean use_caller_loops;      /* see graphbit_runtime_set_use_caller_loops() */
  GraphbitBlockingPool *pool;
  gint64 started_at;              /* monotonic microseconds */
  guint next_worker;
  /* For exchanges run in callers' threads: lives on worker 0. */
  SoupSession *blocking_session;
  gboolean blocking_session_requested;
} Runtime;

static Runtime runtime = { .state = RUNTIME_STOPPED, .use_caller_loops = TRUE };

/* Whether the calling thread is the process's main thread, asked per call:
 * kept per thread (a system call each time costs more than the rest of the
 * check), -1 until known. Reset in a forked child, whose forking thread is
 * its main thread. */
static __thread gint thread_is_main = -1;
static GraphbitHealthReporter health_reporter;

void
graphbit_runtime_set_health_reporter (GraphbitHealthReporter reporter)
{
  g_atomic_pointer_set (&health_reporter, reporter);
}

static guint
default_worker_threads (void)
{
  /* One event loop per core keeps every core busy without contention. */
  return CLAMP ((guint) g_get_num_processors (), 1, 16);
}

static guint
default_max_blocking_threads (void)
{
  return 4 * (guint) g_get_num_processors ();
}

static guint
default_thread_stack_size_mb (void)
{
  return 2;
}

static guint
effective (guint configured,
           guint (*fallback) (void))
{
  return configured != 0 ? configured : fallback ();
}

/**
 * graphbit_configure_runtime:
 * @worker_threads: number of I/O worker threads, or 0 for the default (one
 *   per CPU, at most 16)
 * @max_blocking_threads: most threads of the blocking pool, or 0 for the
 *   default (four per CPU)
 * @thread_stack_size_mb: stack size of every runtime thread in MiB, or 0
 *   for the default (2 MiB)
 * @error: return location for a #GError
 *
 * Configures the runtime before it starts. The runtime starts on
 * graphbit_init() or on the first operation that needs it; configuring it
 * afterwards fails with %GRAPHBIT_ERROR_RUNTIME rather than being silently
 * ignored (call graphbit_shutdown() first to reconfigure it).
 *
 * In Python, `None` selects the default and 0 is rejected.
 *
 * Returns: %TRUE on success; %FALSE with %GRAPHBIT_ERROR_VALIDATION for a
 *   value out of range or %GRAPHBIT_ERROR_RUNTIME if the runtime is running
 */
gboolean
graphbit_configure_runtime (guint    worker_threads,
                            guint    max_blocking_threads,
                            guint    thread_stack_size_mb,
                            GError **error)
{
  const struct {
    const char *field;
    guint value;
    guint max;
  } checks[] = {
    { "worker_threads", worker_threads, MAX_WORKER_THREADS },
    { "max_blocking_threads", max_blocking_threads, MAX_BLOCKING_THREADS },
    { "thread_stack_size_mb", thread_stack_size_mb, MAX_STACK_SIZE_MB },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      if (checks[i].value > checks[i].max)
        {
          g_autofree char *text = g_strdup_printf ("%u", checks[i].value);

          graphbit_propagate_error (error,
            graphbit_error_new_validation ("configure_runtime", checks[i].field, text,
                                           "%s must be between 1 and %u, got %u",
                                           checks[i].field, checks[i].max, checks[i].value));
          return FALSE;
        }
    }

  g_mutex_lock (&runtime.mutex);
  if (runtime.state != RUNTIME_STOPPED)
    {
      GError *local_error = graphbit_error_new (GRAPHBIT_ERROR_RUNTIME,
                                                "configure_runtime() must be called before the runtime starts, "
                                                "but it is already running (it starts on init() or first use); "
                                                "call shutdown() first to reconfigure it");

      g_mutex_unlock (&runtime.mutex);
      graphbit_error_set_operation (local_error, "configure_runtime");
      graphbit_propagate_error (error, local_error);
      return FALSE;
    }
  runtime.worker_threads = worker_threads;
  runtime.max_blocking_threads = max_blocking_threads;
  runtime.thread_stack_size_mb = thread_stack_size_mb;
  g_mutex_unlock (&runtime.mutex);

  GRAPHBIT_DEBUG ("runtime configured: %u worker thread(s), %u blocking thread(s), %u MiB stacks",
                  effective (worker_threads, default_worker_threads),
                  effective (max_blocking_threads, default_max_blocking_threads),
                  effective (thread_stack_size_mb, default_thread_stack_size_mb));
  return TRUE;
}

/* The parent's workers and pool cannot be freed in a forked child (their
 * threads and locks are not in it); they stay referenced, not leaked. */
static gpointer volatile abandoned_in_child[4];

/* Set by prepare_fork() for the two handlers after fork(), which run in
 * the same thread: per thread, as two threads may fork at once. */
static __thread GraphbitForkGuard *fork_guard;

/* Before fork(), in the forking thread: no graphbit thread may hold a
 * lock the child needs (see graphbit-fork-guard.c). The workers park
 * first, unlocked, as they may need the runtime's mutex to get there;
 * then the runtime's and the watch's mutexes are held across fork(). */
static void
prepare_fork (void)
{
  g_autoptr(GPtrArray) workers = NULL;

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_RUNNING)
    {
      workers = g_ptr_array_new_full (runtime.workers->len, (GDestroyNotify) graphbit_worker_unref);
      for (guint i = 0; i < runtime.workers->len; i++)
        g_ptr_array_add (workers, graphbit_worker_ref (g_ptr_array_index (runtime.workers, i)));
    }
  g_mutex_unlock (&runtime.mutex);

  fork_guard = graphbit_fork_guard_hold (workers);
  g_mutex_lock (&runtime.mutex);
  graphbit_blocking_watch_hold_for_fork ();
}

static void
resume_after_fork_in_parent (void)
{
  graphbit_blocking_watch_release_after_fork ();
  g_mutex_unlock (&runtime.mutex);
  graphbit_fork_guard_release (g_steal_pointer (&fork_guard));
}

/* After fork() only the forking thread exists in the child: the workers
 * are gone. Forget them (their memory is lost, once) and let the next use
 * start a fresh runtime, instead of handing work to threads that are not
 * there. The mutex is re-initialised: prepare_fork() held it. */
static void
forget_runtime_in_child (void)
{
  thread_is_main = -1;
  abandoned_in_child[0] = runtime.workers;
  abandoned_in_child[1] = runtime.pool;
  abandoned_in_child[2] = runtime.attached;
  abandoned_in_child[3] = g_steal_pointer (&fork_guard);
  g_mutex_init (&runtime.mutex);
  g_cond_init (&runtime.state_changed);
  runtime.state = RUNTIME_STOPPED;
  runtime.workers = NULL;
  runtime.attached = NULL;
  runtime.pool = NULL;
  runtime.started_at = 0;
  runtime.blocking_session = NULL;
  runtime.blocking_session_requested = FALSE;
  graphbit_blocking_watch_forget_in_child ();
}

/* Called with the mutex held. */
static gboolean
start_locked (GError **error)
{
  static gsize fork_handler_registered = 0;
  guint n_workers = effective (runtime.worker_threads, default_worker_threads);
  gsize stack = (gsize) effective (runtime.thread_stack_size_mb, default_thread_stack_size_mb) << 20;
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func ((GDestroyNotify) graphbit_worker_unref);

  if (g_once_init_enter (&fork_handler_registered))
    {
      pthread_atfork (prepare_fork, resume_after_fork_in_parent, forget_runtime_in_child);
      /* GIO loads its proxy resolver module on first use, under a global
       * lock (GSocketClient does so even when a session has a resolver of
       * its own, see graphbit-proxy.c): done here once, before the workers
       * exist, not by the first connection of every worker at once. (The
       * TLS backend, which only https needs and which costs 2 MB, stays
       * lazy.) */
      g_proxy_resolver_get_default ();
      g_once_init_leave (&fork_handler_registered, 1);
    }

  for (guint i = 0; i < n_workers; i++)
    {
      GraphbitWorker *worker = graphbit_worker_new (i, stack, error);

      if (worker == NULL)
        {
          for (guint j = 0; j < workers->len; j++)
            graphbit_worker_stop_and_join (g_ptr_array_index (workers, j));
          return FALSE;
        }
      g_ptr_array_add (workers, worker);
    }

  runtime.workers = g_steal_pointer (&workers);
  runtime.attached = g_ptr_array_new_with_free_func ((GDestroyNotify) graphbit_worker_unref);
  runtime.pool = graphbit_blocking_pool_new (effective (runtime.max_blocking_threads,
                                                        default_max_blocking_threads),
                                             stack);
  runtime.started_at = g_get_monotonic_time ();
  runtime.next_worker = 0;
  runtime.state = RUNTIME_RUNNING;
  g_cond_broadcast (&runtime.state_changed);

  GRAPHBIT_DEBUG ("runtime started: %u I/O worker thread(s)", n_workers);
  return TRUE;
}

static GError *
shutting_down_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              "The graphbit runtime is shutting down");
}

gboolean
graphbit_runtime_ensure_started (GError **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_STOPPED)
    ok = start_locked (error);
  else if (runtime.state == RUNTIME_STOPPING)
    {
      g_propagate_error (error, shutting_down_error ());
      ok = FALSE;
    }
  g_mutex_unlock (&runtime.mutex);
  return ok;
}

/* Whether @worker is one of the running runtime's (not one being stopped
 * by a shutdown, nor one of a runtime that was restarted since). */
static gboolean
worker_is_running_locked (GraphbitWorker *worker)
{
  for (guint i = 0; i < runtime.workers->len; i++)
    if (g_ptr_array_index (runtime.workers, i) == worker)
      return TRUE;
  for (guint i = 0; i < runtime.attached->len; i++)
    if (g_ptr_array_index (runtime.attached, i) == worker)
      return TRUE;
  return FALSE;
}

static GMainContext *
thread_default_context (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  return context != NULL ? context : g_main_context_default ();
}

/* Each calling thread sticks to one worker, given round-robin: one
 * thread's requests share that worker's wake-ups and sessions instead of
 * waking every worker, and threads still spread over them. */
typedef struct
{
  GraphbitWorker *worker;   /* compared only: never dereferenced unchecked */
  gint64 started_at;        /* of the runtime it belongs to */
} HomeWorker;

static GPrivate home_worker = G_PRIVATE_INIT (g_free);

static GraphbitWorker *
home_worker_locked (void)
{
  HomeWorker *home = g_private_get (&home_worker);

  if (home == NULL)
    {
      home = g_new0 (HomeWorker, 1);
      g_private_set (&home_worker, home);
    }
  if (home->worker == NULL || home->started_at != runtime.started_at || !worker_is_running_locked (home->worker))
    {
      home->worker = g_ptr_array_index (runtime.workers, runtime.next_worker);
      home->started_at = runtime.started_at;
      runtime.next_worker = (runtime.next_worker + 1) % runtime.workers->len;
    }
  return home->worker;
}

/* The reference a thread keeps on the worker made for its running loop,
 * so the worker can be stopped in that thread when it exits. */
static void stop_loop_worker_at_thread_exit (gpointer data);
static GPrivate loop_worker = G_PRIVATE_INIT (stop_loop_worker_at_thread_exit);

static gboolean
is_main_thread (void)
{
  if (G_UNLIKELY (thread_is_main < 0))
    thread_is_main = getpid () == (pid_t) syscall (SYS_gettid);
  return thread_is_main;
}

/* Whether @context may host the exchanges of the calling thread's calls:
 * a context it pushed itself, or the global default one in the main thread
 * (which, by convention, is the thread that runs it: another thread may
 * run it later, and the exchanges must stay in one thread). Never
 * graphbit's private context of blocking calls. */
static gboolean
may_host_exchanges (GMainContext *context)
{
  if (graphbit_sync_is_private_context (context))
    return FALSE;
  return g_main_context_get_thread_default () == context || is_main_thread ();
}

/* The calling thread runs @context (it owns it: GLib acquires a context
 * for the thread that pushes it, and the default one for the thread
 * iterating it): the exchange runs on that loop, as any libsoup program's
 * would, with no hand-over to a worker and back. The main thread's default
 * context counts only while it is being iterated. */
static gboolean
caller_loop_runs_here_locked (GMainContext *context)
{
  return runtime.use_caller_loops && g_main_context_is_owner (context) && may_host_exchanges (context);
}

static GraphbitWorker *
caller_loop_worker_locked (GraphbitWorker *current)
{
  GMainContext *context = thread_default_context ();
  GraphbitWorker *worker;

  if (!caller_loop_runs_here_locked (context))
    return NULL;
  if (current != NULL && worker_is_running_locked (current))
    return NULL;   /* a worker thread, or attached to another context */

  worker = graphbit_worker_new_attached (1000 + runtime.n_attached_ever++, context, TRUE);
  g_ptr_array_add (runtime.attached, worker);
  /* g_private_set: the one it replaces (left by a shutdown) stops on its
   * own when this thread iterates again. */
  if (g_private_get (&loop_worker) != NULL)
    graphbit_worker_unref (g_private_get (&loop_worker));
  g_private_set (&loop_worker, graphbit_worker_ref (worker));
  return worker;
}

/* Whether the calling thread's current worker hosts a call started now:
 * a worker thread always (work started there stays there); an attached
 * context for calls started with it as the thread-default, and, when the
 * runtime attached it for a running loop, only while that loop runs. */
static gboolean
current_worker_hosts_locked (GraphbitWorker *current,
                             gboolean        threads_only)
{
  GMainContext *context;

  if (current == NULL || !worker_is_running_locked (current))
    return FALSE;
  if (!graphbit_worker_is_attached (current))
    return TRUE;
  context = graphbit_worker_get_context (current);
  return !threads_only && context == thread_default_context ()
      && (!graphbit_worker_is_on_demand (current) || g_main_context_is_owner (context));
}

static GraphbitWorker *
acquire_worker (gboolean   threads_only,
                GError   **error)
{
  GraphbitWorker *worker = NULL;

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_STOPPING)
    g_propagate_error (error, shutting_down_error ());
  else if (runtime.state == RUNTIME_RUNNING || start_locked (error))
    {
      GraphbitWorker *current = graphbit_worker_get_current ();

      /* Work started on a worker (a workflow's node, a batch item, a
       * retry) stays there: handing it to another thread and its result
       * back costs more than the request itself on loopback. */
      if (current_worker_hosts_locked (current, threads_only))
        worker = current;
      else if (!threads_only)
        worker = caller_loop_worker_locked (current);
      if (worker == NULL)
        worker = home_worker_locked ();
      graphbit_worker_ref (worker);
      graphbit_worker_begin_operation (worker);
    }
  g_mutex_unlock (&runtime.mutex);
  return worker;
}

GraphbitWorker *
graphbit_runtime_acquire_worker (GError **error)
{
  return acquire_worker (FALSE, error);
}

GraphbitWorker *
graphbit_runtime_acquire_thread_worker (GError **error)
{
  return acquire_worker (TRUE, error);
}

gboolean
graphbit_runtime_is_caller_loop_here (void)
{
  GraphbitWorker *current = graphbit_worker_get_current ();
  gboolean here;

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_STOPPING)
    here = FALSE;
  else if (runtime.state == RUNTIME_RUNNING && current != NULL && worker_is_running_locked (current))
    here = graphbit_worker_is_attached (current) && current_worker_hosts_locked (current, FALSE);
  else
    here = caller_loop_runs_here_locked (thread_default_context ());
  g_mutex_unlock (&runtime.mutex);
  return here;
}

gboolean
graphbit_runtime_may_start_on_caller_loop (void)
{
  GMainContext *context = thread_default_context ();
  GraphbitWorker *current;
  gboolean use;

  g_mutex_lock (&runtime.mutex);
  use = runtime.use_caller_loops;
  g_mutex_unlock (&runtime.mutex);
  /* Not from a worker thread (work started there stays there). */
  current = graphbit_worker_get_current ();
  return use && (current == NULL || graphbit_worker_is_attached (current))
      && !g_main_context_is_owner (context) && may_host_exchanges (context);
}

/* Thread exit: a worker made for this thread's loop stops here, where its
 * sessions were used, without dispatching anything of the thread's. */
static void
stop_loop_worker_at_thread_exit (gpointer data)
{
  GraphbitWorker *worker = data;
  GraphbitWorker *taken = NULL;
  guint index;

  g_mutex_lock (&runtime.mutex);
  if (runtime.attached != NULL && g_ptr_array_find (runtime.attached, worker, &index))
    taken = g_ptr_array_steal_index_fast (runtime.attached, index);
  g_mutex_unlock (&runtime.mutex);

  if (!graphbit_worker_stop_attached_here (worker))
    {
      /* Its sessions cannot be freed from here: left as they are. */
      GRAPHBIT_WARN ("a thread left with graphbit calls in flight on its main loop, or with that loop "
                     "run by another thread; they are abandoned");
      return;
    }
  if (taken != NULL)
    graphbit_worker_unref (taken);
  graphbit_worker_unref (worker);
}

guint
graphbit_runtime_get_n_workers (void)
{
  guint n;

  g_mutex_lock (&runtime.mutex);
  n = runtime.state == RUNTIME_RUNNING ? runtime.workers->len : 0;
  g_mutex_unlock (&runtime.mutex);
  return n;
}

void
graphbit_runtime_run_in_blocking_pool (GTask           *task,
                                       GTaskThreadFunc  func)
{
  GError *error = NULL;

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_STOPPING)
    error = shutting_down_error ();
  else if (runtime.state == RUNTIME_RUNNING || start_locked (&error))
    graphbit_blocking_pool_run_task (runtime.pool, task, func);
  g_mutex_unlock (&runtime.mutex);

  if (error != NULL)
    g_task_return_error (task, error);
}

gboolean
graphbit_runtime_check_can_block (const char  *operation,
                                  GError     **error)
{
  GraphbitWorker *current = graphbit_worker_get_current ();
  GError *local_error;

  /* An attached context's thread may block: its calls then run apart. */
  if (current == NULL || graphbit_worker_is_attached (current))
    return TRUE;

  local_error = graphbit_error_new (GRAPHBIT_ERROR_RUNTIME,
                                    "%s() blocks, and was called on a graphbit I/O thread where it would wait "
                                    "for itself; use the asynchronous variant there", operation);
  graphbit_error_set_operation (local_error, operation);
  graphbit_propagate_error (error, local_error);
  return FALSE;
}

/* Worker 0: creates the session in the thread that will free it. */
static void
create_blocking_session (GraphbitWorker *worker,
                         gpointer        data)
{
  SoupSession *session = graphbit_session_pool_get_blocking_session (graphbit_worker_get_session_pool (worker));

  g_mutex_lock (&runtime.mutex);
  runtime.blocking_session = session;
  g_cond_broadcast (&runtime.state_changed);
  g_mutex_unlock (&runtime.mutex);
  graphbit_worker_end_operation (worker);
}

SoupSession *
graphbit_runtime_get_blocking_session (GError **error)
{
  SoupSession *session = NULL;

  g_mutex_lock (&runtime.mutex);
  for (;;)
    {
      if (runtime.state == RUNTIME_STOPPING)
        {
          g_propagate_error (error, shutting_down_error ());
          break;
        }
      if (runtime.state == RUNTIME_STOPPED && !start_locked (error))
        break;
      if (runtime.blocking_session != NULL)
        {
          session = runtime.blocking_session;
          break;
        }
      if (!runtime.blocking_session_requested)
        {
          GraphbitWorker *first = g_ptr_array_index (runtime.workers, 0);

          runtime.blocking_session_requested = TRUE;
          graphbit_worker_begin_operation (first);
          graphbit_worker_invoke (first, create_blocking_session, NULL, NULL);
        }
      g_cond_wait (&runtime.state_changed, &runtime.mutex);
    }
  g_mutex_unlock (&runtime.mutex);
  return session;
}

/**
 * graphbit_runtime_attach_context:
 * @context: the main context the calling thread iterates
 * @error: return location for a #GError
 *
 * Runs the HTTP exchanges of asynchronous calls started with @context as
 * the thread-default main context on @context itself, in the calling
 * thread, instead of handing them to a worker thread and their results
 * back. A thread that exists to run requests (a service's event loop)
 * saves two thread hand-overs per call; with many calls in flight or a
 * stream read token by token, that is most of graphbit's own cost (64 in
 * flight: 1.1× a hand-written libsoup client instead of 1.3×). Do not
 * attach a GUI's main context: answers are parsed where they arrive, and
 * a large one would hold up the interface.
 *
 * The calling thread must keep iterating @context until it calls
 * graphbit_runtime_detach_context() (or graphbit_shutdown() has run,
 * which detaches every context). Blocking calls from this thread still
 * work: they run apart, on the workers or in the thread itself. Starts the
 * runtime if needed. Attaching the same context again does nothing.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_RUNTIME when the thread
 *   is a graphbit worker or already attached another context, or
 *   %G_IO_ERROR_CANCELLED while a shutdown runs
 */
gboolean
graphbit_runtime_attach_context (GMainContext  *context,
                                 GError       **error)
{
  GraphbitWorker *current = graphbit_worker_get_current ();
  g_autoptr(GraphbitWorker) replaced = NULL;
  gboolean ok = FALSE;
  guint index;

  g_return_val_if_fail (context != NULL, FALSE);

  g_mutex_lock (&runtime.mutex);
  if (runtime.state == RUNTIME_STOPPING)
    g_propagate_error (error, shutting_down_error ());
  else if (runtime.state == RUNTIME_RUNNING || start_locked (error))
    {
      gboolean running = current != NULL && worker_is_running_locked (current);

      if (running && graphbit_worker_is_attached (current) && graphbit_worker_is_on_demand (current)
          && g_ptr_array_find (runtime.attached, current, &index))
        {
          /* The one the runtime made for this thread's loop gives way. */
          replaced = g_ptr_array_steal_index_fast (runtime.attached, index);
          running = FALSE;
        }
      if (running && graphbit_worker_is_attached (current) && graphbit_worker_get_context (current) == context)
        ok = TRUE;   /* already */
      else if (running)
        g_propagate_error (error, graphbit_error_new (GRAPHBIT_ERROR_RUNTIME,
                                                      "This thread already runs graphbit I/O (a worker, or "
                                                      "another attached context); detach it first"));
      else
        {
          g_ptr_array_add (runtime.attached,
                           graphbit_worker_new_attached (1000 + runtime.n_attached_ever++, context, FALSE));
          ok = TRUE;
        }
    }
  g_mutex_unlock (&runtime.mutex);
  if (replaced != NULL)
    graphbit_worker_stop_and_join (replaced);
  return ok;
}

/**
 * graphbit_runtime_set_use_caller_loops:
 * @use: whether exchanges may run on the caller's running loop
 *
 * Chooses where the HTTP exchange of an asynchronous call started from
 * the calling thread's own loop runs: a context the thread pushed with
 * g_main_context_push_thread_default(), or the global default context
 * while the main thread iterates it (a callback of its loop). With %TRUE,
 * the default, it runs on that loop itself, as any libsoup program's
 * requests do: no thread hand-over on the way and none back, which is most
 * of graphbit's own cost with many calls in flight or a stream read chunk
 * by chunk. A stream whose first `next` is made between two iterations of
 * the main thread's loop starts from its next dispatch. With %FALSE every
 * exchange runs on a worker thread and only the result comes back.
 *
 * Always on the worker threads: calls from other threads (a plain thread
 * without a context of its own, Python's awaitables), embeddings, whose
 * answers can be megabytes of JSON, and calls of a client with a limit in
 * flight (the loop's own calls could hold the slots a blocking call in one
 * of its callbacks waits for). A GUI that makes many calls with large
 * answers may prefer %FALSE, so that parsing them never holds up the
 * interface. Takes effect for calls started after it.
 */
void
graphbit_runtime_set_use_caller_loops (gboolean use)
{
  g_mutex_lock (&runtime.mutex);
  runtime.use_caller_loops = !!use;
  g_mutex_unlock (&runtime.mutex);
}

/**
 * graphbit_runtime_detach_context:
 *
 * Undoes graphbit_runtime_attach_context() for the calling thread: its
 * exchanges in flight are cancelled (their callers get
 * %G_IO_ERROR_CANCELLED), and this waits for them to wind down, iterating
 * the context. Does nothing if the thread has no attached context.
 */
void
graphbit_runtime_detach_context (void)
{
  GraphbitWorker *current = graphbit_worker_get_current ();
  g_autoptr(GraphbitWorker) detached = NULL;
  guint index;

  if (current == NULL || !graphbit_worker_is_attached (current))
    return;

  /* Taken out with the array's reference (a shutdown may have done it). */
  g_mutex_lock (&runtime.mutex);
  if (runtime.attached != NULL && g_ptr_array_find (runtime.attached, current, &index))
    detached = g_ptr_array_steal_index_fast (runtime.attached, index);
  g_mutex_unlock (&runtime.mutex);

  if (detached != NULL)
    graphbit_worker_stop_and_join (detached);
}

/**
 * graphbit_set_interrupt_fd:
 * @fd: the read end of a non-blocking pipe, or -1 to stop watching
 *
 * For language bindings: makes a byte equal to `SIGINT` read from @fd
 * cancel the cancellables added with graphbit_add_interruptible(). This
 * is the protocol of Python's `signal.set_wakeup_fd()`, which writes the
 * number of each signal received: the Python package uses it so that
 * Ctrl-C cancels a blocking call made from the main thread, which waits in
 * C where no Python signal handler can run. Other bytes are read and
 * ignored. graphbit never closes @fd; it must stay open while watched.
 */
void
graphbit_set_interrupt_fd (int fd)
{
  graphbit_blocking_watch_set_interrupt_fd (fd);
}

/**
 * graphbit_add_interruptible:
 * @cancellable: the cancellable of a blocking call
 *
 * Makes an interrupt (see graphbit_set_interrupt_fd()) cancel
 * @cancellable until graphbit_remove_interruptible() is called with it.
 * graphbit keeps a reference meanwhile.
 */
void
graphbit_add_interruptible (GCancellable *cancellable)
{
  g_return_if_fail (G_IS_CANCELLABLE (cancellable));
  graphbit_blocking_watch_add_interruptible (cancellable);
}

/**
 * graphbit_remove_interruptible:
 * @cancellable: a cancellable added with graphbit_add_interruptible()
 *
 * Stops interrupts from cancelling @cancellable, and drops graphbit's
 * reference to it.
 */
void
graphbit_remove_interruptible (GCancellable *cancellable)
{
  g_return_if_fail (G_IS_CANCELLABLE (cancellable));
  graphbit_blocking_watch_remove_interruptible (cancellable);
}

/**
 * graphbit_runtime_is_started:
 *
 * Gets whether the runtime is running: started by graphbit_init() or first
 * use, and not shut down since.
 *
 * Returns: whether the runtime's threads are running
 */
gboolean
graphbit_runtime_is_started (void)
{
  gboolean started;

  g_mutex_lock (&runtime.mutex);
  started = runtime.state == RUNTIME_RUNNING;
  g_mutex_unlock (&runtime.mutex);
  return started;
}

/**
 * graphbit_shutdown:
 *
 * Shuts the runtime down gracefully: every in-flight operation is cancelled
 * (its caller gets %G_IO_ERROR_CANCELLED), the worker threads are joined and
 * their HTTP sessions freed, and queued blocking work is cancelled. Clients
 * and other objects stay valid: using the library afterwards starts the
 * runtime again.
 *
 * Calls running on a caller's loop (see
 * graphbit_runtime_set_use_caller_loops()) are cancelled too: from that
 * loop's own thread this iterates the loop until they have ended; from
 * another thread it waits for the loop to run them down (up to 10 s, then
 * warns and leaves them), and not at all when none is in flight there.
 *
 * Safe to call more than once and from several threads; a call made while
 * another thread is shutting down waits for it. It must not be called from
 * a graphbit I/O thread (a completion callback run there), where it would
 * have to join its own thread.
 */
void
graphbit_shutdown (void)
{
  g_autoptr(GPtrArray) workers = NULL;
  g_autoptr(GPtrArray) attached = NULL;
  GraphbitBlockingPool *pool;
  GraphbitWorker *current = graphbit_worker_get_current ();

  if (current != NULL && !graphbit_worker_is_attached (current))
    {
      g_critical ("graphbit_shutdown() called on a graphbit I/O thread; call it from another thread");
      return;
    }

  g_mutex_lock (&runtime.mutex);
  while (runtime.state == RUNTIME_STOPPING)
    g_cond_wait (&runtime.state_changed, &runtime.mutex);
  if (runtime.state == RUNTIME_STOPPED)
    {
      g_mutex_unlock (&runtime.mutex);
      return;
    }
  runtime.state = RUNTIME_STOPPING;
  workers = g_steal_pointer (&runtime.workers);
  attached = g_steal_pointer (&runtime.attached);
  pool = g_steal_pointer (&runtime.pool);
  g_mutex_unlock (&runtime.mutex);

  GRAPHBIT_DEBUG ("runtime shutting down");
  /* Exchanges in callers' threads end before the workers (and the
   * session they use, on worker 0) go. */
  graphbit_blocking_watch_stop_all ();
  for (guint i = 0; i < attached->len; i++)
    graphbit_worker_stop_and_join (g_ptr_array_index (attached, i));
  for (guint i = 0; i < workers->len; i++)
    graphbit_worker_stop_and_join (g_ptr_array_index (workers, i));
  graphbit_blocking_pool_free (pool);

  g_mutex_lock (&runtime.mutex);
  runtime.state = RUNTIME_STOPPED;
  runtime.started_at = 0;
  runtime.blocking_session = NULL;
  runtime.blocking_session_requested = FALSE;
  graphbit_blocking_watch_resume ();
  g_cond_broadcast (&runtime.state_changed);
  g_mutex_unlock (&runtime.mutex);
  GRAPHBIT_DEBUG ("runtime stopped");
}

static char *
version_string (guint major,
                guint minor,
                guint micro)
{
  return g_strdup_printf ("%u.%u.%u", major, minor, micro);
}

/**
 * graphbit_get_system_info:
 *
 * Describes the library, the runtime and the machine, every value read at
 * run time: `version`, `runtime_initialized`, `runtime_uptime_seconds`,
 * `runtime_worker_threads`, `runtime_max_blocking_threads`,
 * `runtime_thread_stack_size_mb`, `runtime_blocking_threads_active`,
 * `runtime_in_flight`, `runtime_caller_loops` (main contexts that run
 * exchanges themselves, see graphbit_runtime_set_use_caller_loops()), `cpu_count`, `memory_allocator` (whoever provides
 * the `malloc` the process resolves), `process_resident_mb`,
 * `build_target` (the compiler's target triple), `build_profile`,
 * `glib_version`, `libsoup_version` and `json_glib_version`.
 *
 * The thread counts are the configured values whether or not the runtime
 * has started yet.
 *
 * Returns: (transfer full): a dictionary of type `a{sv}`
 */
GVariant *
graphbit_get_system_info (void)
{
  GVariantBuilder builder;
  g_autofree char *glib_version = version_string (glib_major_version, glib_minor_version, glib_micro_version);
  g_autofree char *soup_version = version_string (soup_get_major_version (), soup_get_minor_version (),
                                                  soup_get_micro_version ());
  gboolean started;
  gdouble uptime = 0.0;
  guint workers, blocking, stack_mb, blocking_active = 0, in_flight = 0, caller_loops = 0;

  g_mutex_lock (&runtime.mutex);
  started = runtime.state == RUNTIME_RUNNING;
  if (started)
    {
      uptime = (g_get_monotonic_time () - runtime.started_at) / (gdouble) G_TIME_SPAN_SECOND;
      blocking_active = graphbit_blocking_pool_get_n_threads (runtime.pool);
      for (guint i = 0; i < runtime.workers->len; i++)
        in_flight += graphbit_worker_get_in_flight (g_ptr_array_index (runtime.workers, i));
      for (guint i = 0; i < runtime.attached->len; i++)
        in_flight += graphbit_worker_get_in_flight (g_ptr_array_index (runtime.attached, i));
      caller_loops = runtime.attached->len;
    }
  workers = effective (runtime.worker_threads, default_worker_threads);
  blocking = effective (runtime.max_blocking_threads, default_max_blocking_threads);
  stack_mb = effective (runtime.thread_stack_size_mb, default_thread_stack_size_mb);
  g_mutex_unlock (&runtime.mutex);
  in_flight += graphbit_blocking_watch_get_in_flight ();

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_string (GRAPHBIT_VERSION_S));
  g_variant_builder_add (&builder, "{sv}", "runtime_initialized", g_variant_new_boolean (started));
  g_variant_builder_add (&builder, "{sv}", "runtime_uptime_seconds", g_variant_new_double (uptime));
  g_variant_builder_add (&builder, "{sv}", "runtime_worker_threads", g_variant_new_uint32 (workers));
  g_variant_builder_add (&builder, "{sv}", "runtime_max_blocking_threads", g_variant_new_uint32 (blocking));
  g_variant_builder_add (&builder, "{sv}", "runtime_thread_stack_size_mb", g_variant_new_uint32 (stack_mb));
  g_variant_builder_add (&builder, "{sv}", "runtime_blocking_threads_active", g_variant_new_uint32 (blocking_active));
  g_variant_builder_add (&builder, "{sv}", "runtime_in_flight", g_variant_new_uint32 (in_flight));
  g_variant_builder_add (&builder, "{sv}", "runtime_caller_loops", g_variant_new_uint32 (caller_loops));
  g_variant_builder_add (&builder, "{sv}", "cpu_count", g_variant_new_uint32 (g_get_num_processors ()));
  g_variant_builder_add (&builder, "{sv}", "memory_allocator",
                         g_variant_new_string (graphbit_probe_memory_allocator ()));
  g_variant_builder_add (&builder, "{sv}", "process_resident_mb",
                         g_variant_new_double (graphbit_probe_resident_bytes () / (1024.0 * 1024.0)));
  g_variant_builder_add (&builder, "{sv}", "build_target", g_variant_new_string (GRAPHBIT_BUILD_TARGET));
  g_variant_builder_add (&builder, "{sv}", "build_profile", g_variant_new_string (GRAPHBIT_BUILD_PROFILE));
  g_variant_builder_add (&builder, "{sv}", "glib_version", g_variant_new_string (glib_version));
  g_variant_builder_add (&builder, "{sv}", "libsoup_version", g_variant_new_string (soup_version));
  /* json-glib has no run-time version call; this is the version built against. */
  g_variant_builder_add (&builder, "{sv}", "json_glib_version", g_variant_new_string (JSON_VERSION_S));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* A ping sent to every worker; shared with workers that may answer late. */
typedef struct
{
  GMutex mutex;
  GCond cond;
  guint answered;
  gint64 sent_at;
  gint64 slowest_us;
} Ping;

static void
ping_clear (Ping *ping)
{
  g_mutex_clear (&ping->mutex);
  g_cond_clear (&ping->cond);
}

static void
ping_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) ping_clear);
}

static void
ping_answer (GraphbitWorker *worker,
             gpointer        data)
{
  Ping *ping = data;

  g_mutex_lock (&ping->mutex);
  ping->answered++;
  ping->slowest_us = MAX (ping->slowest_us, g_get_monotonic_time () - ping->sent_at);
  g_cond_signal (&ping->cond);
  g_mutex_unlock (&ping->mutex);
}

/* Pings every worker and waits for the answers; returns how many answered. */
static guint
ping_workers (GPtrArray *workers,
              gdouble   *slowest_ms)
{
  Ping *ping = g_atomic_rc_box_new0 (Ping);
  gint64 deadline;
  guint answered;

  g_mutex_init (&ping->mutex);
  g_cond_init (&ping->cond);
  ping->sent_at = g_get_monotonic_time ();
  deadline = ping->sent_at + HEALTH_PING_TIMEOUT_US;

  for (guint i = 0; i < workers->len; i++)
    graphbit_worker_invoke (g_ptr_array_index (workers, i), ping_answer,
                            g_atomic_rc_box_acquire (ping), ping_unref);

  g_mutex_lock (&ping->mutex);
  while (ping->answered < workers->len)
    {
      if (!g_cond_wait_until (&ping->cond, &ping->mutex, deadline))
        break;
    }
  answered = ping->answered;
  *slowest_ms = ping->slowest_us / 1000.0;
  g_mutex_unlock (&ping->mutex);

  ping_unref (ping);
  return answered;
}

/**
 * graphbit_health_check:
 *
 * Checks the runtime and the machine: starts the runtime if needed, pings
 * every I/O worker thread (each must answer within 2 s) and reads the
 * memory figures from the kernel (`/proc/meminfo`, bounded by the cgroup
 * limit when there is one). Keys: `overall_healthy`, `runtime_healthy`,
 * `runtime_initialized`, `worker_threads_ok`, `worker_threads`,
 * `worker_threads_responding`, `worker_ping_max_ms`, `total_memory_mb`,
 * `available_memory_mb`, `memory_info_available`, `memory_healthy`
 * (more than 100 MB available) and `timestamp` (Unix seconds). When LLM
 * clients exist: `clients`, `circuit_breakers_open` and
 * `circuit_breakers` (one `a{sv}` per client: `provider`, `model`,
 * `state`, `consecutive_failures`); an open breaker is a provider problem,
 * so it does not make `overall_healthy` false.
 *
 * Must not be called on a graphbit I/O thread (it waits for them).
 *
 * Returns: (transfer full): a dictionary of type `a{sv}`
 */
GVariant *
graphbit_health_check (void)
{
  GVariantBuilder builder;
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func ((GDestroyNotify) graphbit_worker_unref);
  g_autoptr(GError) error = NULL;
  GraphbitMemoryInfo memory;
  gboolean started, memory_ok, memory_known, runtime_ok, workers_ok;
  guint answered = 0;
  gdouble slowest_ms = 0.0;
  GraphbitWorker *current;

  current = graphbit_worker_get_current ();
  started = (current == NULL || graphbit_worker_is_attached (current)) && graphbit_runtime_ensure_started (&error);
  if (error != NULL)
    GRAPHBIT_WARN ("health check could not start the runtime: %s", error->message);

  if (started)
    {
      g_mutex_lock (&runtime.mutex);
      if (runtime.state == RUNTIME_RUNNING)
        {
          for (guint i = 0; i < runtime.workers->len; i++)
            g_ptr_array_add (workers, graphbit_worker_ref (g_ptr_array_index (runtime.workers, i)));
        }
      g_mutex_unlock (&runtime.mutex);
      answered = ping_workers (workers, &slowest_ms);
    }

  workers_ok = workers->len > 0 && answered == workers->len;
  runtime_ok = started && workers_ok;

  g_clear_error (&error);
  memory_known = graphbit_probe_memory (&memory, &error);
  if (!memory_known)
    GRAPHBIT_WARN ("health check could not read memory figures: %s", error->message);
  memory_ok = memory_known && memory.available_bytes / (1024 * 1024) > HEALTHY_AVAILABLE_MB;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "overall_healthy", g_variant_new_boolean (runtime_ok && memory_ok));
  g_variant_builder_add (&builder, "{sv}", "runtime_healthy", g_variant_new_boolean (runtime_ok));
  g_variant_builder_add (&builder, "{sv}", "runtime_initialized", g_variant_new_boolean (started));
  g_variant_builder_add (&builder, "{sv}", "worker_threads_ok", g_variant_new_boolean (workers_ok));
  g_variant_builder_add (&builder, "{sv}", "worker_threads", g_variant_new_uint32 (workers->len));
  g_variant_builder_add (&builder, "{sv}", "worker_threads_responding", g_variant_new_uint32 (answered));
  g_variant_builder_add (&builder, "{sv}", "worker_ping_max_ms", g_variant_new_double (slowest_ms));
  g_variant_builder_add (&builder, "{sv}", "memory_info_available", g_variant_new_boolean (memory_known));
  if (memory_known)
    {
      g_variant_builder_add (&builder, "{sv}", "total_memory_mb",
                             g_variant_new_uint64 (memory.total_bytes / (1024 * 1024)));
      g_variant_builder_add (&builder, "{sv}", "available_memory_mb",
                             g_variant_new_uint64 (memory.available_bytes / (1024 * 1024)));
      g_variant_builder_add (&builder, "{sv}", "memory_limited_by_cgroup",
                             g_variant_new_boolean (memory.from_cgroup));
    }
  g_variant_builder_add (&builder, "{sv}", "memory_healthy", g_variant_new_boolean (memory_ok));
  g_variant_builder_add (&builder, "{sv}", "timestamp",
                         g_variant_new_int64 (g_get_real_time () / G_TIME_SPAN_SECOND));
  if (g_atomic_pointer_get (&health_reporter) != NULL)
    ((GraphbitHealthReporter) g_atomic_pointer_get (&health_reporter)) (&builder);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
