/*
 * repl.c — replication's start-up, cron entry and INFO section. See
 * repl.h.
 */
#include "cluster/repl.h"
#include "cluster/repl_backlog.h"
#include "cluster/repl_failover.h"
#include "cluster/repl_link.h"
#include "cluster/repl_primary.h"
#include "cluster/repl_wait.h"
#include "host/mem.h"
#include "host/propagate.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/aof.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The last PING to the replicas (repl-ping-replica-period counts from
 * start-up). */
static int64_t last_ping;

static long long stream_offset(void) { return repl.master_repl_offset; }

void repl_init(void)
{
    last_ping = util_mstime();
    repl_change_replid();
    repl_clear_replid2();
    prop_add_sink(primary_feed);
    primary_ack_hook = wait_check;
    aof_set_position_source(stream_offset);
}

void repl_cron(void)
{
    static int64_t last_second;
    int64_t now = util_mstime();
    link_cron();
    primary_cron_tick();
    wait_cron();
    failover_cron();
    if (now - last_second < 1000) return;
    last_second = now;
    primary_cron_second();
    if (primary_count() && now - last_ping >= (int64_t)srv.repl.ping_period * 1000) {
        last_ping = now;
        primary_ping();
    }
}

void repl_start(void) { link_start(); }

void repl_client_gone(struct client *c)
{
    link_client_gone(c);
    primary_client_gone(c);
}

/* ---- INFO ---- */

typedef struct tbuf {
    char *p;
    size_t len, cap;
} tbuf_t;

static void tb_printf(tbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(tbuf_t *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (n > 0 ? (size_t)n : 0) + 256;
        b->p = mem_realloc(b->p, b->cap);
    }
}

/* The replica's own lines (Redis's order). */
static void info_link(tbuf_t *b)
{
    link_view_t v;
    link_view(&v);
    tb_printf(b,
              "role:slave\r\n"
              "master_host:%s\r\n"
              "master_port:%d\r\n"
              "master_link_status:%s\r\n"
              "master_last_io_seconds_ago:%lld\r\n"
              "master_sync_in_progress:%d\r\n"
              "slave_read_repl_offset:%lld\r\n"
              "slave_repl_offset:%lld\r\n",
              srv.repl.masterhost, srv.repl.masterport, srv.repl.link_up ? "up" : "down",
              v.last_io_secs, v.sync_in_progress, repl.master_repl_offset,
              repl.master_repl_offset);
    if (v.sync_in_progress)
        tb_printf(b,
                  "master_sync_total_bytes:%lld\r\n"
                  "master_sync_read_bytes:%lld\r\n"
                  "master_sync_left_bytes:%lld\r\n"
                  "master_sync_last_io_seconds_ago:%lld\r\n",
                  v.sync_total_bytes, v.sync_read_bytes,
                  v.sync_total_bytes < 0 ? -1 : v.sync_total_bytes - v.sync_read_bytes,
                  v.last_io_secs);
    if (!srv.repl.link_up)
        tb_printf(b, "master_link_down_since_seconds:%lld\r\n", v.down_since_secs);
    tb_printf(b, "slave_priority:%d\r\nslave_read_only:%d\r\nreplica_announced:%d\r\n",
              srv.repl.priority, srv.repl.read_only, srv.repl.announced);
}

static const char *state_name(int s)
{
    switch (s) {
    case REPLICA_ONLINE: return "online";
    case REPLICA_SEND_BULK: return "send_bulk";
    default: return "wait_bgsave";
    }
}

char *repl_info_text(void)
{
    tbuf_t b = {mem_alloc(1024), 0, 1024};
    b.p[0] = '\0';
    int n = primary_count();
    if (srv.repl.masterhost) info_link(&b);
    else tb_printf(&b, "role:master\r\n");
    tb_printf(&b, "connected_slaves:%d\r\n", n);
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        tb_printf(&b, "slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld\r\n", i, v.ip,
                  v.port, state_name(v.state), v.ack_off, v.lag);
    }
    tb_printf(&b,
              "master_failover_state:%s\r\n"
              "master_replid:%s\r\n"
              "master_replid2:%s\r\n"
              "master_repl_offset:%lld\r\n"
              "second_repl_offset:%lld\r\n"
              "repl_backlog_active:%d\r\n"
              "repl_backlog_size:%lld\r\n"
              "repl_backlog_first_byte_offset:%lld\r\n"
              "repl_backlog_histlen:%lld\r\n",
              failover_state_name(), repl.replid, repl.replid2, repl.master_repl_offset,
              repl.second_repl_offset,
              backlog_active(), srv.repl.backlog_size, backlog_first_offset(),
              backlog_histlen());
    return b.p;
}
