/*
 * shutdown.c — the orderly exit path shared by SHUTDOWN and signals, and
 * DEBUG RESTART / CRASH-AND-RECOVER (the same process image started
 * again with the original command line).
 *
 * A waiting shutdown (shutdown-timeout, see shutdown.h): `deadline_ms` is
 * set and writes are held paused; the SHUTDOWN clients waiting for its end
 * are blocked (blocking.h), listed in `waiters`, each removed when its
 * blocked state ends, however it ends.
 */
#include "shutdown.h"
#include "blocking.h"
#include "client.h"
#include "cluster/repl_primary.h"
#include "cluster/repl_state.h"
#include "events.h"
#include "mem.h"
#include "pause.h"
#include "cmd.h"
#include "resp.h"
#include "util.h"
#include "config.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "persist/persist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* Save and close as SHUTDOWN does, without exiting; 0, or -1 (logged). */
static int prepare(int flags)
{
    /* A half-loaded dataset must never overwrite the file. */
    if (srv.loading) flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
    if (persist_shutdown(flags & SHUTDOWN_SAVE, flags & SHUTDOWN_NOSAVE,
                         flags & SHUTDOWN_FORCE) != 0)
        return -1;
    if (srv.pidfile && srv.pidfile[0]) {
        log_msg(LOG_NOTICE, "Removing the pid file.");
        unlink(srv.pidfile);
    }
    events_fire(MD_EVENT_SHUTDOWN, 0, NULL);
    net_close();
    return 0;
}

static int64_t deadline_ms;  /* 0: no shutdown waiting */
static int waiting_flags;     /* the flags of the waiting shutdown */
static struct client **waiters;
static int nwaiters, capwaiters;

/* Have all replicas acknowledged our offset (Redis's isReadyToShutdown)? */
static int replicas_synced(int log_lagging)
{
    int n = primary_count(), synced = 0;
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        if (v.ack_off == repl.master_repl_offset) {
            synced++;
        } else if (log_lagging) {
            log_msg(LOG_WARNING, "Lagging replica %s:%d reported offset %lld behind master, "
                    "lag=%lld.", v.ip, v.port, repl.master_repl_offset - v.ack_off, v.lag);
        }
    }
    if (log_lagging && n)
        log_msg(LOG_NOTICE, "%d of %d replicas are synced when shutting down.", synced, n);
    return synced == n;
}

static void waiter_release(struct client *c, void *priv, int how)
{
    (void)c;
    (void)how;
    for (int i = 0; i < nwaiters; i++) {
        if (waiters[i] == priv) {
            waiters[i] = waiters[--nwaiters];
            return;
        }
    }
}

static const blocking_ops_t waiter_ops = {NULL, waiter_release, 0, NULL};

/* Block c until the waiting shutdown ends; -1 when c cannot block. */
static int add_waiter(struct client *c, struct cmd *cmd)
{
    blocking_spec_t sp = {.ops = &waiter_ops, .priv = c};
    if (blocking_block(c, cmd, &sp) != 0) return -1;
    if (nwaiters == capwaiters) {
        capwaiters = capwaiters ? capwaiters * 2 : 4;
        waiters = mem_realloc(waiters, (size_t)capwaiters * sizeof(*waiters));
    }
    waiters[nwaiters++] = c;
    return 0;
}

static void reply_failed(struct client *c, void *priv, void *arg)
{
    (void)priv;
    (void)arg;
    static const char msg[] = "ERR Errors trying to SHUTDOWN. Check logs.";
    resp_add_error(client_reply(c), msg, sizeof(msg) - 1);
    cmd_count_error(msg, sizeof(msg) - 1);
}

/* The waiting shutdown is over without an exit: writes resume, its
 * clients get their error. */
static void cancel_waiting(void)
{
    deadline_ms = 0;
    pause_release();
    while (nwaiters) blocking_wake(waiters[nwaiters - 1], reply_failed, NULL);
}

/* Save, close and exit; -1 (logged) when that failed. `may_wait`: the
 * replicas' state is logged (as Redis does unless NOW or no timeout). */
static int finish(int flags, int may_wait)
{
    if (may_wait) replicas_synced(1);
    if (prepare(flags) != 0) {
        log_msg(LOG_WARNING, "Errors trying to shut down the server. Check the logs for "
                             "more information.");
        return -1;
    }
    log_msg(LOG_WARNING, "Modis is now ready to exit, bye bye...");
    exit(0);
}

int shutdown_try(int flags, struct client *c, struct cmd *cmd)
{
    if (deadline_ms) {
        if (c && add_waiter(c, cmd) == 0) return 1;
        flags |= SHUTDOWN_NOW; /* a client that cannot wait */
    }
    log_msg(LOG_WARNING, "User requested shutdown...");
    int may_wait = !(flags & SHUTDOWN_NOW) && srv.hostconf.shutdown_timeout > 0;
    if (may_wait && !replicas_synced(0) && (!c || add_waiter(c, cmd) == 0)) {
        deadline_ms = util_mstime() + (int64_t)srv.hostconf.shutdown_timeout * 1000;
        waiting_flags = flags;
        pause_hold(PAUSE_WRITE);
        primary_request_acks();
        log_msg(LOG_NOTICE, "Waiting for replicas before shutting down.");
        return 1;
    }
    return finish(flags, may_wait);
}

int shutdown_waiting(void) { return deadline_ms != 0; }

int shutdown_cron(void)
{
    if (!deadline_ms || (util_mstime() < deadline_ms && !replicas_synced(0))) return 0;
    if (finish(waiting_flags, 1) == 0) return 0; /* not reached */
    cancel_waiting();
    return -1;
}

int shutdown_abort(void)
{
    if (deadline_ms) cancel_waiting();
    else if (!srv.shutdown_asap) return -1;
    srv.shutdown_asap = 0;
    log_msg(LOG_NOTICE, "Shutdown manually aborted.");
    return 0;
}

int shutdown_restart(int graceful, long long delay_ms)
{
    if (access(srv.executable, X_OK) == -1) {
        log_msg(LOG_WARNING, "Can't restart: this process has no permissions to execute %s",
                srv.executable);
        return -1;
    }
    if (graceful && srv.configfile && config_rewrite(0) == -1) {
        log_msg(LOG_WARNING, "Can't restart: configuration rewrite process failed: %s",
                strerror(errno));
        return -1;
    }
    if (graceful && prepare(0) != 0) {
        log_msg(LOG_WARNING, "Can't restart: error preparing for shutdown");
        return -1;
    }
    /* Every descriptor but stdin, stdout and stderr. */
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 ? max : 1024); fd++)
        if (fcntl(fd, F_GETFD) != -1) close(fd);
    if (delay_ms > 0) usleep((useconds_t)(delay_ms * 1000));
    execve(srv.executable, srv.exec_argv, environ);
    _exit(1); /* nothing left to go back to */
}
