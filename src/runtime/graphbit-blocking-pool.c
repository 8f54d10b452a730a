/* graphbit-blocking-pool.c - threads for work that must block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The runtime's pool for work that cannot be asynchronous. GTask's own pool
 * is shared with the whole process and grows slowly past 10 threads, so the
 * runtime keeps its own: threads start on demand up to max_threads (with
 * the configured stack size) and exit after 10 s idle.
 */

#include "config.h"

#include <pthread.h>

#include "graphbit-blocking-pool-private.h"

#define IDLE_SECONDS 10

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} Job;

struct _GraphbitBlockingPool
{
  GMutex mutex;
  GCond cond;          /* signalled when a job is queued or shutdown starts */
  GCond exited;        /* signalled when a thread exits */
  GQueue jobs;
  guint max_threads;
  gsize stack_size;
  guint n_threads;
  guint n_idle;
  gboolean stopping;
};

static void
job_run (Job *job)
{
  GTask *task = job->task;

  job->func (task, g_task_get_source_object (task), g_task_get_task_data (task),
             g_task_get_cancellable (task));
  g_object_unref (task);
  g_free (job);
}

static void *
pool_thread_main (void *user_data)
{
  GraphbitBlockingPool *pool = user_data;

  g_mutex_lock (&pool->mutex);
  for (;;)
    {
      Job *job = g_queue_pop_head (&pool->jobs);

      if (job != NULL)
        {
          g_mutex_unlock (&pool->mutex);
          job_run (job);
          g_mutex_lock (&pool->mutex);
          continue;
        }
      if (pool->stopping)
        break;

      pool->n_idle++;
      if (!g_cond_wait_until (&pool->cond, &pool->mutex,
                              g_get_monotonic_time () + IDLE_SECONDS * G_TIME_SPAN_SECOND)
          && g_queue_is_empty (&pool->jobs))
        {
          pool->n_idle--;
          break;
        }
      pool->n_idle--;
    }
  pool->n_threads--;
  g_cond_broadcast (&pool->exited);
  g_mutex_unlock (&pool->mutex);
  return NULL;
}

GraphbitBlockingPool *
graphbit_blocking_pool_new (guint max_threads,
                            gsize stack_size)
{
  GraphbitBlockingPool *pool = g_new0 (GraphbitBlockingPool, 1);

  g_mutex_init (&pool->mutex);
  g_cond_init (&pool->cond);
  g_cond_init (&pool->exited);
  g_queue_init (&pool->jobs);
  pool->max_threads = MAX (max_threads, 1);
  pool->stack_size = stack_size;
  return pool;
}

/* Called with the mutex held. */
static gboolean
start_thread_locked (GraphbitBlockingPool *pool)
{
  pthread_attr_t attr;
  pthread_t thread;
  int rc;

  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  if (pool->stack_size > 0)
    pthread_attr_setstacksize (&attr, pool->stack_size);
  rc = pthread_create (&thread, &attr, pool_thread_main, pool);
  pthread_attr_destroy (&attr);
  if (rc != 0)
    return FALSE;
  pthread_setname_np (thread, "graphbit-block");
  pool->n_threads++;
  return TRUE;
}

void
graphbit_blocking_pool_run_task (GraphbitBlockingPool *pool,
                                 GTask                *task,
                                 GTaskThreadFunc       func)
{
  Job *job;

  g_mutex_lock (&pool->mutex);
  if (pool->stopping)
    {
      g_mutex_unlock (&pool->mutex);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The graphbit runtime is shutting down");
      return;
    }

  job = g_new (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_queue_push_tail (&pool->jobs, job);

  if (pool->n_idle == 0 && pool->n_threads < pool->max_threads)
    start_thread_locked (pool);   /* on failure the job waits for a running thread */
  g_cond_signal (&pool->cond);

  if (pool->n_threads == 0)
    {
      /* No thread could be started at all: fail rather than hang. */
      g_queue_remove (&pool->jobs, job);
      g_mutex_unlock (&pool->mutex);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "Could not start a graphbit blocking-pool thread");
      g_object_unref (job->task);
      g_free (job);
      return;
    }
  g_mutex_unlock (&pool->mutex);
}

guint
graphbit_blocking_pool_get_n_threads (GraphbitBlockingPool *pool)
{
  guint n;

  g_mutex_lock (&pool->mutex);
  n = pool->n_threads;
  g_mutex_unlock (&pool->mutex);
  return n;
}

guint
graphbit_blocking_pool_get_max_threads (GraphbitBlockingPool *pool)
{
  return pool->max_threads;
}

void
graphbit_blocking_pool_free (GraphbitBlockingPool *pool)
{
  GQueue cancelled = G_QUEUE_INIT;
  Job *job;

  if (pool == NULL)
    return;

  g_mutex_lock (&pool->mutex);
  pool->stopping = TRUE;
  cancelled = pool->jobs;
  g_queue_init (&pool->jobs);
  g_cond_broadcast (&pool->cond);
  while (pool->n_threads > 0)
    g_cond_wait (&pool->exited, &pool->mutex);
  g_mutex_unlock (&pool->mutex);

  while ((job = g_queue_pop_head (&cancelled)) != NULL)
    {
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The graphbit runtime shut down before this work started");
      g_object_unref (job->task);
      g_free (job);
    }

  g_mutex_clear (&pool->mutex);
  g_cond_clear (&pool->cond);
  g_cond_clear (&pool->exited);
  g_free (pool);
}
