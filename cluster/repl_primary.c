/*
 * repl_primary.c — the replicas of this server: REPLCONF, PSYNC/SYNC,
 * partial resync from the backlog, the command stream, pings, ACKs and
 * timeouts. The snapshot of a full resync is repl_fullsync.c's.
 *
 * The stream is what the propagation sinks receive (host/propagate.h),
 * as RESP, with a SELECT whenever the db changes (and after every new
 * snapshot, whose replicas do not know the selected db). Every byte goes
 * to the backlog (which exists from the first replica on), advances
 * master_repl_offset, and reaches each replica: online ones through their
 * output buffer, those waiting for their snapshot through their pending
 * buffer.
 */
#include "cluster/repl_primary.h"
#include "cluster/repl_state.h"
#include "cluster/repl_backlog.h"
#include "cluster/repl_replica.h"
#include "host/client.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/reply.h"
#include "host/server.h"
#include "host/util.h"

#include <event2/event.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

repl_replica_t *repl_replicas;
void (*primary_ack_hook)(void);
static int nreplicas;
static int seldb = -1;           /* the db the stream selected last */
static int64_t no_replicas_since_ms; /* for repl-backlog-ttl */

/* ---- the stream ---- */

/* A growable scratch buffer for one command's RESP. */
static char *sbuf;
static size_t slen, scap;

static void sb_put(const char *p, size_t n)
{
    if (slen + n > scap) {
        scap = (slen + n) * 2;
        sbuf = mem_realloc(sbuf, scap);
    }
    memcpy(sbuf + slen, p, n);
    slen += n;
}

static void sb_head(char kind, long long n)
{
    char h[32];
    int k = snprintf(h, sizeof(h), "%c%lld\r\n", kind, n);
    sb_put(h, (size_t)k);
}

static void sb_command(int argc, const md_arg_t *argv)
{
    sb_head('*', argc);
    for (int i = 0; i < argc; i++) {
        sb_head('$', (long long)argv[i].len);
        sb_put(argv[i].ptr, argv[i].len);
        sb_put("\r\n", 2);
    }
}

/* Hand stream bytes to the backlog and every replica. */
static void feed_bytes(const char *p, size_t n)
{
    backlog_feed(p, n);
    repl.master_repl_offset += (long long)n;
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        if (r->state == REPLICA_ONLINE) {
            reply_append(client_reply(r->c), p, n);
            client_want_write(r->c);
        } else if (r->state != REPLICA_WAIT_START) {
            reply_append(r->pend, p, n);
        }
    }
}

void primary_feed_raw(const char *p, size_t n) { feed_bytes(p, n); }

void primary_feed(int dbid, int argc, const md_arg_t *argv)
{
    /* A replica passes its primary's stream on instead (primary_feed_raw). */
    if (srv.repl.masterhost) return;
    if (!backlog_active() && !repl_replicas) {
        /* No stream, but WAITAOF counts in offsets: a step per command
         * the AOF receives (as Redis 7.2). */
        if (srv.appendonly) repl.master_repl_offset++;
        return;
    }
    slen = 0;
    if (dbid >= 0 && dbid != seldb) {
        char num[16];
        int k = snprintf(num, sizeof(num), "%d", dbid);
        md_arg_t sel[2] = {{"SELECT", 6}, {num, (size_t)k}};
        sb_command(2, sel);
        seldb = dbid;
    }
    sb_command(argc, argv);
    feed_bytes(sbuf, slen);
}

void primary_disconnect_all(void)
{
    for (repl_replica_t *r = repl_replicas; r; r = r->next)
        primary_drop(r, "the replication history changed");
}

static int acks_requested;
static int quiet;

void primary_set_quiet(int on) { quiet = on; }

static void send_getack(evutil_socket_t fd, short what, void *arg)
{
    static const md_arg_t getack[3] = {{"REPLCONF", 8}, {"GETACK", 6}, {"*", 1}};
    acks_requested = 0;
    if (repl_replicas && !quiet) primary_feed(-1, 3, getack);
}

/* Sent once the current event is done (Redis: before sleeping), so the
 * GETACK is no write of the command that asked. */
void primary_request_acks(void)
{
    static const struct timeval now = {0, 0};
    if (acks_requested) return;
    acks_requested = 1;
    event_base_once(srv.base, -1, EV_TIMEOUT, send_getack, NULL, &now);
}

void primary_ping(void)
{
    static const md_arg_t ping = {"ping", 4}; /* Redis sends it in lower case */
    if (!quiet) primary_feed(-1, 1, &ping);
}

/* ---- replicas ---- */

static repl_replica_t *replica_of(client_t *c, int create)
{
    if (c->replica || !create) return c->replica;
    repl_replica_t *r = mem_calloc(sizeof(*r));
    r->c = c;
    r->bulk_fd = -1;
    r->ack_ms = util_mstime();
    c->replica = r;
    return r;
}

/* The address part of "ip:port". */
static void peer_ip(const client_t *c, char *out, size_t cap)
{
    const char *colon = strrchr(c->addr, ':');
    size_t n = colon ? (size_t)(colon - c->addr) : strlen(c->addr);
    if (n >= cap) n = cap - 1;
    memcpy(out, c->addr, n);
    out[n] = '\0';
}

/* Free a replica record (its client stays). */
static void replica_free(repl_replica_t *r)
{
    fullsync_forget(r);
    if (r->pend) {
        reply_reset(r->pend);
        mem_free(r->pend);
    }
    r->c->replica = NULL;
    mem_free(r);
}

void primary_client_gone(client_t *c)
{
    repl_replica_t *r = c->replica;
    if (!r) return;
    int listed = 0;
    for (repl_replica_t **pp = &repl_replicas; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            listed = 1;
            break;
        }
    }
    if (listed) {
        log_msg(LOG_NOTICE, "Connection with replica %s:%d lost.", r->ip, r->port);
        if (--nreplicas == 0) no_replicas_since_ms = util_mstime();
    }
    replica_free(r);
}

void primary_drop(repl_replica_t *r, const char *why)
{
    log_msg(LOG_WARNING, "Disconnecting replica %s:%d: %s", r->ip, r->port, why);
    client_close_async(r->c);
}

void primary_begin_full(repl_replica_t *r, long long offset)
{
    r->state = REPLICA_WAIT_END;
    r->initial_offset = offset;
    r->pend = mem_alloc(sizeof(reply_t));
    reply_init(r->pend);
    seldb = -1; /* the snapshot's loader knows no selected db */
    if (!r->presync) {
        char line[128];
        int n = snprintf(line, sizeof(line), "+FULLRESYNC %s %lld\r\n", repl.replid,
                         r->initial_offset);
        reply_append(client_reply(r->c), line, (size_t)n);
        client_want_write(r->c);
    }
}

void primary_set_online(repl_replica_t *r)
{
    r->state = REPLICA_ONLINE;
    r->ack_ms = util_mstime();
    if (r->pend) {
        reply_append_reply(client_reply(r->c), r->pend);
        reply_reset(r->pend);
        mem_free(r->pend);
        r->pend = NULL;
    }
    client_want_write(r->c);
    log_msg(LOG_NOTICE, "Synchronization with replica %s:%d succeeded", r->ip, r->port);
}

/* ---- REPLCONF ---- */

static int arg_is(const md_arg_t *a, const char *w) { return util_eq_nocase(a->ptr, a->len, w); }

const char *primary_replconf(client_t *c, int argc, const md_arg_t *argv, int *silent)
{
    static char err[160];
    int acked = 0;
    *silent = 0;
    if (argc % 2 == 0) return "ERR syntax error";
    for (int i = 1; i < argc; i += 2) {
        const md_arg_t *o = &argv[i], *v = &argv[i + 1];
        long long n;
        if (arg_is(o, "listening-port")) {
            if (util_str2ll(v->ptr, v->len, &n) != 0 || n < INT_MIN || n > INT_MAX)
                return "ERR value is not an integer or out of range";
            replica_of(c, 1)->port = (int)n;
        } else if (arg_is(o, "ip-address")) {
            repl_replica_t *r = replica_of(c, 1);
            size_t k = v->len < sizeof(r->ip) - 1 ? v->len : sizeof(r->ip) - 1;
            memcpy(r->ip, v->ptr, k);
            r->ip[k] = '\0';
        } else if (arg_is(o, "capa")) {
            repl_replica_t *r = replica_of(c, 1);
            if (arg_is(v, "eof")) r->capa_eof = 1;
            else if (arg_is(v, "psync2")) r->capa_psync2 = 1;
        } else if (arg_is(o, "ack")) {
            /* From a replica of ours only: no reply, ever. */
            repl_replica_t *r = c->replica;
            *silent = 1;
            if (!r || !(c->flags & CLIENT_REPLICA)) return NULL;
            if (util_str2ll(v->ptr, v->len, &n) == 0 && n > r->ack_off) r->ack_off = n;
            r->ack_ms = util_mstime();
            if (r->online_on_ack) {
                r->online_on_ack = 0;
                primary_set_online(r);
            }
            acked = 1;
        } else if (arg_is(o, "fack")) {
            /* After ACK: the offset the replica fsynced to its AOF
             * (WAITAOF); never answered either. */
            repl_replica_t *r = c->replica;
            *silent = 1;
            if (!r || !(c->flags & CLIENT_REPLICA)) return NULL;
            if (util_str2ll(v->ptr, v->len, &n) == 0 && n > r->aof_off) r->aof_off = n;
        } else if (arg_is(o, "getack")) {
            *silent = 1; /* only a primary asks it of its replica */
        } else {
            snprintf(err, sizeof(err), "ERR Unrecognized REPLCONF option: %.*s",
                     (int)(o->len > 100 ? 100 : o->len), o->ptr);
            return err;
        }
    }
    if (acked && primary_ack_hook) primary_ack_hook();
    return NULL;
}

/* ---- PSYNC / SYNC ---- */

/* Can the replica continue from offset `off` of history `id`? */
static int can_continue(const md_arg_t *id, long long off)
{
    if (id->len != REPL_ID_LEN) return 0;
    int cur = strncasecmp(id->ptr, repl.replid, REPL_ID_LEN) == 0;
    int old = strncasecmp(id->ptr, repl.replid2, REPL_ID_LEN) == 0 &&
              off <= repl.second_repl_offset;
    return (cur || old) && backlog_covers(off);
}

static void partial_resync(repl_replica_t *r, long long off)
{
    char line[128];
    int n = r->capa_psync2
        ? snprintf(line, sizeof(line), "+CONTINUE %s\r\n", repl.replid)
        : snprintf(line, sizeof(line), "+CONTINUE\r\n");
    reply_t *out = client_reply(r->c);
    reply_append(out, line, (size_t)n);
    long long sent = backlog_copy(off, out);
    r->state = REPLICA_ONLINE;
    r->ack_off = off - 1;
    repl.stat_sync_partial_ok++;
    log_msg(LOG_NOTICE, "Partial resynchronization request from %s:%d accepted. Sending "
            "%lld bytes of backlog starting from offset %lld.", r->ip, r->port, sent, off);
}

const char *primary_sync(client_t *c, int psync, const md_arg_t *replid, long long offset)
{
    if (c->flags & CLIENT_REPLICA) return NULL; /* a replica already: ignored, as Redis */
    if (srv.repl.masterhost && !srv.repl.link_up)
        return "NOMASTERLINK Can't SYNC while not connected with my master";
    /* The stream must follow the replies so far directly. */
    if (reply_pending(client_reply(c))) return "ERR SYNC and PSYNC are invalid with pending output";
    repl_replica_t *r = replica_of(c, 1);
    if (!r->ip[0]) peer_ip(c, r->ip, sizeof(r->ip));
    if (srv.repl.disable_tcp_nodelay && c->fd >= 0) {
        /* Fewer, bigger packets to the replica (not critical if it fails). */
        int zero = 0;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
    }
    r->presync = !psync;
    c->flags |= CLIENT_REPLICA;
    r->next = repl_replicas;
    repl_replicas = r;
    nreplicas++;
    if (psync && can_continue(replid, offset)) {
        partial_resync(r, offset);
        return NULL;
    }
    if (psync && !(replid->len == 1 && replid->ptr[0] == '?')) repl.stat_sync_partial_err++;
    repl.stat_sync_full++;
    log_msg(LOG_NOTICE, "Replica %s:%d asks for synchronization", r->ip, r->port);
    if (!backlog_active() && !srv.repl.masterhost) {
        /* A new history: no replica can continue an older one. */
        repl_change_replid();
        repl_clear_replid2();
        backlog_create(srv.repl.backlog_size, repl.master_repl_offset + 1);
        log_msg(LOG_NOTICE, "Replication backlog created, my new replication IDs are '%s' "
                "and '%s'", repl.replid, repl.replid2);
    }
    r->state = REPLICA_WAIT_START;
    r->wait_since_ms = util_mstime();
    fullsync_request(r);
    return NULL;
}

/* ---- views, cron, config ---- */

int primary_count(void) { return nreplicas; }

void primary_view(int i, repl_replica_view_t *v)
{
    repl_replica_t *r = repl_replicas;
    /* The list is newest first; INFO and ROLE number them oldest first. */
    for (int k = nreplicas - 1 - i; k > 0 && r; k--) r = r->next;
    if (!r) return;
    snprintf(v->ip, sizeof(v->ip), "%s", r->ip);
    v->port = r->port;
    v->state = r->state;
    v->ack_off = r->ack_off;
    v->aof_off = r->aof_off;
    v->lag = (util_mstime() - r->ack_ms) / 1000;
}

void primary_cron_second(void)
{
    int64_t now = util_mstime();
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        client_t *c = r->c;
        /* Keep-alive while the snapshot is prepared (the replica skips
         * empty lines before the RDB). */
        if ((r->state == REPLICA_WAIT_START ||
             (r->state == REPLICA_WAIT_END && !r->socket_sync)) &&
            !reply_pending(client_reply(c))) {
            reply_append(client_reply(c), "\n", 1);
            client_want_write(c);
        }
        if ((r->state == REPLICA_ONLINE || r->online_on_ack) && !r->presync &&
            now - r->ack_ms > (int64_t)srv.repl.timeout * 1000)
            primary_drop(r, "timeout (streaming sync)");
    }
    /* The TTL counts from the last second a replica was there (a replica's
     * own backlog has none: its history is its primary's). */
    if (repl_replicas || srv.repl.masterhost || !no_replicas_since_ms) no_replicas_since_ms = now;
    if (backlog_active() && srv.repl.backlog_ttl > 0 &&
        now - no_replicas_since_ms > (int64_t)srv.repl.backlog_ttl * 1000) {
        /* A new id: nobody can continue the freed history from us. */
        repl_change_replid();
        repl_clear_replid2();
        backlog_free();
        log_msg(LOG_NOTICE, "Replication backlog freed after %d seconds without connected "
                "replicas.", srv.repl.backlog_ttl);
    }
}

void primary_cron_tick(void) { fullsync_cron(); }

int primary_apply_backlog_size(char *err, size_t cap)
{
    (void)err;
    (void)cap;
    backlog_resize(srv.repl.backlog_size);
    return 0;
}
