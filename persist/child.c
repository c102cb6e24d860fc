/*
 * child.c — fork, reap and kill the background child. See child.h.
 */
#include "persist/child.h"

#include "host/log.h"
#include "host/net.h"
#include "host/util.h"

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

child_kind_t child_kind(void) { return kind; }
pid_t child_pid(void) { return kind ? pid : -1; }
long long child_start_ms(void) { return kind ? started_ms : 0; }

int child_start(child_kind_t k, child_fn fn, child_done_fn done, void *arg)
{
    if (kind != CHILD_NONE) {
        errno = EBUSY;
        return -1;
    }
    pid_t p = fork();
    if (p < 0) return -1;
    if (p == 0) {
        /* The child: no listeners, default signal handling, then work. */
        net_close_in_child();
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGUSR1, SIG_DFL);
        _exit(fn(arg) == 0 ? 0 : 1);
    }
    kind = k;
    pid = p;
    started_ms = util_mstime();
    done_cb = done;
    done_arg = arg;
    return 0;
}

/* Forget the child and run its callback. */
static void finish(int status)
{
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    child_done_fn cb = done_cb;
    void *a = done_arg;
    kind = CHILD_NONE;
    pid = -1;
    started_ms = 0;
    done_cb = NULL;
    done_arg = NULL;
    if (cb) cb(ok, sig, a);
}

void child_cron(void)
{
    if (kind == CHILD_NONE) return;
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) finish(status);
    else if (r < 0 && errno == ECHILD) finish(1 << 8); /* lost: report failure */
}

void child_kill(void)
{
    if (kind == CHILD_NONE) return;
    kill(pid, SIGUSR1);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    finish(1 << 8);
}
