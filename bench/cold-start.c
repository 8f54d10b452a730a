/* cold-start.c - runs a command in fresh processes and reports each one's
 * CPU time and peak RSS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-cold-start SAMPLES COMMAND [ARG...]
 *
 * Prints "CPU_MS MAXRSS_KB" per sample. A process's ru_maxrss starts from
 * the RSS of the process that forked it (and vfork shares its memory), so a
 * Python driver would add its own ~14 MB to every sample: this launcher is
 * small and forks for real. Each sample is killed after 30 s.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_TIMEOUT_MS 30000

static int
run_once (char **command)
{
  struct rusage usage;
  int status = 0;
  pid_t pid = fork ();
  pid_t done = 0;

  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      execvp (command[0], command);
      _exit (127);
    }
  for (int waited_ms = 0; done == 0; waited_ms++)
    {
      struct timespec tick = { 0, 1000000 };

      done = wait4 (pid, &status, waited_ms < SAMPLE_TIMEOUT_MS ? WNOHANG : 0, &usage);
      if (done < 0 && errno == EINTR)
        done = 0;
      if (done == 0 && waited_ms == SAMPLE_TIMEOUT_MS - 1)
        kill (pid, SIGKILL);
      if (done == 0)
        nanosleep (&tick, NULL);
    }
  if (done < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "%s: failed (status %d)\n", command[0], status);
      return -1;
    }
  printf ("%.3f %ld\n",
          (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
          + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3,
          usage.ru_maxrss);
  fflush (stdout);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  int samples;

  if (argc < 3 || (samples = atoi (argv[1])) < 1)
    {
      fprintf (stderr, "usage: %s SAMPLES COMMAND [ARG...]\n", argv[0]);
      return 2;
    }
  if (samples > 100)
    samples = 100;
  for (int i = 0; i < samples; i++)
    if (run_once (argv + 2) < 0)
      return 1;
  return 0;
}
