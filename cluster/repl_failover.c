/*
 * repl_failover.c — FAILOVER's states and steps. See repl_failover.h.
 *
 * The link (repl_link.c) knows nothing of failovers: it sends FAILOVER
 * with its PSYNC while link_psync_failover is set, and reports the PSYNC's
 * outcome through link_psync_hook.
 */
#include "cluster/repl_failover.h"
#include "cluster/repl_link.h"
#include "cluster/repl_primary.h"
#include "cluster/repl_state.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/pause.h"
#include "host/server.h"
#include "host/util.h"

#include <stdint.h>
#include <string.h>

static struct {
    int state;               /* FAILOVER_* */
    char *host;              /* the target, once known */
    int port;
    int force;
    int64_t end_ms;          /* 0: no timeout */
} F;

const char *failover_state_name(void)
{
    static const char *const names[] = {"no-failover", "waiting-for-sync",
                                        "failover-in-progress"};
    return names[F.state];
}

int failover_state(void) { return F.state; }

static void clear_state(void)
{
    mem_free(F.host);
    F.host = NULL;
    F.state = FAILOVER_NONE;
    F.end_ms = 0;
    F.force = 0;
    link_psync_failover = 0;
    primary_set_quiet(0);
    pause_release();
}

/* Give up: back to (or still) a primary, writes resume. */
static void failover_abort(const char *why)
{
    log_msg(LOG_NOTICE, "FAILOVER to %s:%d aborted: %s", F.host ? F.host : "any-host",
            F.port, why);
    if (F.state == FAILOVER_IN_PROGRESS) link_replicaof(NULL, 0);
    clear_state();
}

/* The PSYNC ... FAILOVER was answered: done, or refused. */
static void psync_done(int ok)
{
    if (F.state != FAILOVER_IN_PROGRESS) return;
    if (!ok) {
        failover_abort("Failover target rejected psync request");
        return;
    }
    log_msg(LOG_NOTICE, "Failover target %s:%d accepted the PSYNC: failover complete.",
            F.host, F.port);
    clear_state();
}

/* The online replica at host:port (-1: none), as INFO shows them. */
static int find_replica(const char *host, int port, repl_replica_view_t *v)
{
    for (int i = 0, n = primary_count(); i < n; i++) {
        primary_view(i, v);
        if (v->port == port && strcmp(v->ip, host) == 0) return i;
    }
    return -1;
}

const char *failover_start(const char *host, int port, int force, long long timeout_ms)
{
    if (F.state != FAILOVER_NONE) return "ERR FAILOVER already in progress.";
    if (srv.repl.masterhost) return "ERR FAILOVER is not valid when server is a replica.";
    if (!primary_count()) return "ERR FAILOVER requires connected replicas.";
    if (force && (!timeout_ms || !host))
        return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
    if (host) {
        repl_replica_view_t v;
        if (find_replica(host, port, &v) < 0)
            return "ERR FAILOVER target HOST and PORT is not a replica.";
        if (v.state != REPLICA_ONLINE) return "ERR FAILOVER target replica is not online.";
        F.host = mem_strdup(host);
        F.port = port;
        log_msg(LOG_NOTICE, "FAILOVER requested to %s:%d.", host, port);
    } else {
        log_msg(LOG_NOTICE, "FAILOVER requested to any replica.");
    }
    F.end_ms = timeout_ms ? util_mstime() + timeout_ms : 0;
    F.force = force;
    F.state = FAILOVER_WAIT_SYNC;
    link_psync_hook = psync_done;
    primary_set_quiet(1);
    pause_hold(PAUSE_WRITE);
    return NULL;
}

const char *failover_abort_cmd(void)
{
    if (F.state == FAILOVER_NONE) return "ERR No failover in progress.";
    failover_abort("Failover manually aborted");
    return NULL;
}

/* Become a replica of the target, asking it to take over. */
static void hand_over(void)
{
    F.state = FAILOVER_IN_PROGRESS;
    link_psync_failover = 1;
    link_replicaof(F.host, F.port);
}

void failover_cron(void)
{
    if (F.state != FAILOVER_WAIT_SYNC) return;
    if (F.end_ms && util_mstime() >= F.end_ms) {
        if (!F.force) {
            failover_abort("Replica never caught up before timeout");
            return;
        }
        log_msg(LOG_NOTICE, "FAILOVER to %s:%d time out exceeded, failing over.", F.host,
                F.port);
        hand_over();
        return;
    }
    repl_replica_view_t v;
    if (F.host) {
        if (find_replica(F.host, F.port, &v) < 0 || v.state != REPLICA_ONLINE ||
            v.ack_off != repl.master_repl_offset)
            return;
    } else {
        int i, n = primary_count();
        for (i = 0; i < n; i++) {
            primary_view(i, &v);
            if (v.state == REPLICA_ONLINE && v.ack_off == repl.master_repl_offset) break;
        }
        if (i == n) return;
        F.host = mem_strdup(v.ip);
        F.port = v.port;
    }
    log_msg(LOG_NOTICE, "Failover target %s:%d is synced, failing over.", F.host, F.port);
    hand_over();
}
