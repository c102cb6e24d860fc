/*
 * child.c — fork, reap and kill the background child. See child.h.
 */
#include "persist/child.h"

#include "host/events.h"
#include "host/proc.h"
#include "host/util.h"
#include "persist/persist_hooks.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static child_kind_t kind;
static pid_t pid = -1;
static long long started_ms;
static child_done_fn done_cb;
static void *done_arg;
static long long total_forks, latest_fork_usec;

child_kind_t child_kind(void) { return kind; }
pid_t child_pid(void) { return kind ? pid : -1; }
long long child_start_ms(void) { return kind ? started_ms : 0; }
long long child_total_forks(void) { return total_forks; }
long long child_latest_fork_usec(void) { return latest_fork_usec; }

int child_start(child_kind_t k, child_fn fn, child_done_fn done, void *arg)
{
    if (kind != CHILD_NONE) {
        errno = EBUSY;
        return -1;
    }
    int64_t t0 = util_ustime();
    pid_t p = fork();
    if (p < 0) return -1;
    if (p == 0) {
        /* The child: no listeners, default signal handling, then work. */
        persist_hooks.in_child();
        proc_child_init(k == CHILD_AOF); /* title, oom score, CPU list */
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGUSR1, SIG_DFL);
        _exit(fn(arg) == 0 ? 0 : 1);
    }
    latest_fork_usec = util_ustime() - t0;
    total_forks++;
    kind = k;
    pid = p;
    started_ms = util_mstime();
    done_cb = done;
    done_arg = arg;
    md_event_t e = {.value = p};
    events_fire(MD_EVENT_FORK_CHILD, MD_SUB_FORK_CHILD_BORN, &e);
    events_fire(MD_EVENT_PERSISTENCE, k == CHILD_RDB ? MD_SUB_PERSISTENCE_RDB_START
                                                     : MD_SUB_PERSISTENCE_AOF_START, NULL);
    return 0;
}

/* Forget the child, run its callback, then tell the modules. */
static void finish(int ok, int bysignal)
{
    child_done_fn cb = done_cb;
    void *a = done_arg;
    md_event_t e = {.value = pid};
    kind = CHILD_NONE;
    pid = -1;
    started_ms = 0;
    done_cb = NULL;
    done_arg = NULL;
    if (cb) cb(ok, bysignal, a);
    events_fire(MD_EVENT_FORK_CHILD, MD_SUB_FORK_CHILD_DIED, &e);
    events_fire(MD_EVENT_PERSISTENCE, ok ? MD_SUB_PERSISTENCE_ENDED : MD_SUB_PERSISTENCE_FAILED,
                NULL);
}

void child_cron(void)
{
    if (kind == CHILD_NONE) return;
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
        finish(WIFEXITED(status) && WEXITSTATUS(status) == 0,
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    else if (r < 0 && errno == ECHILD)
        finish(0, 0); /* lost (reaped elsewhere): report a failure */
}

void child_kill(void)
{
    if (kind == CHILD_NONE) return;
    kill(pid, SIGUSR1);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    finish(0, SIGUSR1);
}
