/*
 * child.h — the one background child process (Redis's "fork child"): a
 * BGSAVE or an AOF rewrite runs in a forked copy of the server that sees a
 * frozen snapshot of the dataset. At most one child exists at a time; the
 * parent reaps it from cron and runs the starter's completion callback.
 *
 * Invariants: child_kind() is CHILD_NONE exactly when no child is running;
 * the completion callback runs once per successful child_start(), in the
 * parent, from child_cron() or child_kill(), after the child is forgotten
 * (so the callback may start the next child).
 */
#ifndef PERSIST_CHILD_H
#define PERSIST_CHILD_H

#include <sys/types.h>

typedef enum { CHILD_NONE = 0, CHILD_RDB, CHILD_AOF } child_kind_t;

/* Runs in the child; its return value 0 means success. */
typedef int (*child_fn)(void *arg);
/* Runs in the parent when the child ended: ok = exited with status 0,
 * bysignal = the signal that killed it (0 if none). */
typedef void (*child_done_fn)(int ok, int bysignal, void *arg);

/*
 * Fork a child that runs fn(arg) and exits with 0 or 1. Returns 0 in the
 * parent, or -1 (errno set) when a child is already running (EBUSY) or fork
 * failed. The child never returns from this call.
 */
int child_start(child_kind_t kind, child_fn fn, child_done_fn done, void *arg);

child_kind_t child_kind(void);
pid_t child_pid(void);
/* Unix ms when the running child started (0 when none). */
long long child_start_ms(void);

/* INFO stats: forks done since start-up, and how long the last fork()
 * call took in microseconds. */
long long child_total_forks(void);
long long child_latest_fork_usec(void);

/* Reap a finished child without blocking and run its callback. From cron. */
void child_cron(void);
/* Kill the running child with SIGUSR1 (Redis's signal for "killed on
 * purpose", so it is not reported as a crash), wait for it, and run its
 * callback with ok = 0 and bysignal = SIGUSR1. */
void child_kill(void);

#endif
