/*
 * client.c — connection I/O: reading and parsing requests, running them,
 * and writing replies (directly after the read event, or on the write
 * event when the socket is full); the limits on what a connection may
 * hold (query buffer, client-output-buffer-limit per class) and the
 * cron's care of idle connections.
 *
 * Invariant: a client is freed only where nobody iterates over clients —
 * at the end of its own read event, between events, or by the cron.
 * Anything that may run while others iterate (output limits reached while
 * a message is delivered to many subscribers) closes asynchronously.
 */
#include "client.h"
#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <errno.h>
#include <event2/event.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define QBUF_READ_CHUNK (16 * 1024)
#define QBUF_BIG_ARG (32 * 1024)
#define QBUF_RESIZE_THRESHOLD (32 * 1024) /* Redis's PROTO_RESIZE_THRESHOLD */

client_hooks_t client_hooks;

static client_t *all_clients;
static size_t nclients;
static client_t **closing_list; /* marked CLOSE_ASAP, to free */
static size_t nclosing, capclosing;

static void client_on_read(evutil_socket_t fd, short what, void *arg);
static void client_on_write(evutil_socket_t fd, short what, void *arg);
static void client_free(client_t *c);
static void client_on_reply_grow(void *owner);

static void client_link(client_t *c)
{
    c->prev_all = NULL;
    c->next_all = all_clients;
    if (all_clients) all_clients->prev_all = c;
    all_clients = c;
    nclients++;
}

static void client_unlink(client_t *c)
{
    if (c->prev_all) c->prev_all->next_all = c->next_all;
    else all_clients = c->next_all;
    if (c->next_all) c->next_all->prev_all = c->prev_all;
    nclients--;
}

static client_t *client_alloc(void)
{
    client_t *c = mem_calloc(sizeof(*c));
    c->id = ++srv.next_client_id;
    c->fd = -1;
    c->resp = 2;
    /* Redis's rule: a connection made while the default user is "on" and
     * "nopass" is authenticated for good. */
    c->authenticated = srv.acl_default_nopass && srv.acl_default_on;
    resp_parser_init(&c->parser);
    c->out = mem_alloc(sizeof(reply_t));
    reply_init(c->out);
    c->out->on_grow = client_on_reply_grow;
    c->out->owner = c;
    c->ctime_ms = c->last_interaction_ms = c->peak_reset_ms = util_mstime();
    return c;
}

client_t *client_create(conn_t *conn, int is_unix)
{
    client_t *c = client_alloc();
    int fd = conn_fd(conn);
    c->conn = conn;
    c->fd = fd;
    if (is_unix) c->flags |= CLIENT_UNIX;
    c->ev_read = event_new(srv.base, fd, EV_READ | EV_PERSIST, client_on_read, c);
    c->ev_write = event_new(srv.base, fd, EV_WRITE | EV_PERSIST, client_on_write, c);
    event_add(c->ev_read, NULL);
    client_link(c);
    return c;
}

client_t *client_create_fake(void)
{
    client_t *c = client_alloc();
    c->flags |= CLIENT_FAKE;
    c->authenticated = 1;
    return c;
}

void client_free_fake(client_t *c) { client_free(c); }

static void client_free(client_t *c)
{
    client_hooks.gone(c);
    cmd_hold(&c->lastcmd, NULL);
    if (c->ev_read) event_free(c->ev_read);
    if (c->ev_write) event_free(c->ev_write);
    if (c->conn) conn_close(c->conn);
    if (!(c->flags & CLIENT_FAKE)) client_unlink(c);
    reply_reset(c->out);
    mem_free(c->out);
    mem_free(c->qbuf);
    mem_free(c->argv);
    resp_parser_free(&c->parser);
    mem_free(c->name);
    mem_free(c->lib_name);
    mem_free(c->lib_ver);
    mem_free(c);
}

static void closing_add(client_t *c)
{
    if (nclosing == capclosing) {
        capclosing = capclosing ? capclosing * 2 : 64;
        closing_list = mem_realloc(closing_list, capclosing * sizeof(*closing_list));
    }
    closing_list[nclosing++] = c;
}

void client_close(client_t *c)
{
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    if (c->flags & (CLIENT_IN_CALL | CLIENT_PROTECTED)) {
        if (c->ev_read) event_del(c->ev_read);
        closing_add(c);
        return;
    }
    client_free(c);
}

void client_close_async(client_t *c)
{
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    if (c->ev_read) event_del(c->ev_read);
    if (c->write_pending) {
        event_del(c->ev_write);
        c->write_pending = 0;
    }
    reply_discard(c->out);
    closing_add(c);
}

void client_free_closed(void)
{
    while (nclosing) {
        client_t *c = closing_list[--nclosing];
        client_free(c);
    }
}

reply_t *client_reply(client_t *c) { return c->out; }

reply_t *client_push(client_t *c) { return c->push_out ? c->push_out : c->out; }

size_t client_memory(const client_t *c)
{
    return sizeof(*c) + c->qcap + sizeof(reply_t) + c->out->blocks_mem +
           (size_t)c->argv_cap * sizeof(md_arg_t) + c->multi_mem;
}

/* ---- maxmemory-clients ---- */

int client_evictable(const client_t *c)
{
    /* as Redis: never a replica or our primary's link */
    return c->conn && !(c->flags & (CLIENT_NO_EVICT | CLIENT_FAKE | CLIENT_CLOSE_ASAP |
                                    CLIENT_REPLICA | CLIENT_MASTER));
}

/* The limit in bytes now, 0 when client eviction is off. */
static size_t evict_limit(void)
{
    if (srv.maxmemory_clients >= 0) return (size_t)srv.maxmemory_clients;
    return (size_t)((double)srv.maxmemory * (double)-srv.maxmemory_clients / 100.0);
}

void client_evict_over_limit(void)
{
    size_t limit = evict_limit();
    if (!limit) return;
    size_t total = 0;
    for (client_t *c = all_clients; c; c = c->next_all)
        if (c->conn && !(c->flags & CLIENT_CLOSE_ASAP)) total += client_memory(c);
    while (total >= limit) {
        client_t *worst = NULL;
        size_t most = 0;
        for (client_t *c = all_clients; c; c = c->next_all) {
            if (!client_evictable(c)) continue;
            size_t m = client_memory(c);
            if (!worst || m > most) {
                worst = c;
                most = m;
            }
        }
        if (!worst) break;
        char info[1024];
        client_hooks.describe(worst, info, sizeof(info));
        log_msg(LOG_NOTICE, "Evicting client: %s", info);
        srv.stat_evicted_clients++;
        total -= most;
        client_close_async(worst);
    }
}

/* ---- client-output-buffer-limit ---- */

static int client_class(const client_t *c)
{
    if (c->flags & CLIENT_REPLICA) return CLIENT_CLASS_REPLICA;
    return (c->flags & CLIENT_PUBSUB) ? CLIENT_CLASS_PUBSUB : CLIENT_CLASS_NORMAL;
}

/*
 * Redis's rule: over the class's hard limit, or over its soft limit for
 * more than its seconds in a row (the first time over only starts the
 * clock). What counts is the memory of the reply blocks (CLIENT LIST's
 * omem), not the fixed inline buffer.
 */
static int obuf_over_limit(client_t *c)
{
    const obuf_limit_t *l = &srv.obuf_limits[client_class(c)];
    size_t used = c->out->blocks_mem;
    int hard = l->hard && used >= l->hard;
    int soft = l->soft && used >= l->soft;
    if (!soft) {
        c->obuf_soft_since = 0;
        return hard;
    }
    int64_t now = util_mstime() / 1000;
    if (!c->obuf_soft_since) {
        c->obuf_soft_since = now;
        soft = 0;
    } else if (now - c->obuf_soft_since <= l->soft_seconds) {
        soft = 0;
    }
    return soft || hard;
}

/* Close c if its output buffer is over its limit, with Redis's log lines:
 * asynchronously while replies are being written (they may be written to
 * many clients in a loop), at once from the cron. 1 when c is closing. */
static int obuf_enforce(client_t *c, int async)
{
    if ((c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP)) || !c->out->nblocks) return 0;
    if (!obuf_over_limit(c)) return 0;
    char info[1024] = "";
    if (client_hooks.describe) client_hooks.describe(c, info, sizeof(info));
    srv.stat_client_outbuf_limit_disconnections++;
    if (async) {
        client_close_async(c);
        log_msg(LOG_WARNING, "Client %s scheduled to be closed ASAP for overcoming of output "
                "buffer limits.", info);
    } else {
        client_close(c);
        log_msg(LOG_WARNING, "Client %s closed for overcoming of output buffer limits.", info);
    }
    return 1;
}

static void client_on_reply_grow(void *owner) { obuf_enforce(owner, 1); }

/* Make room for at least `need` more bytes after qlen. */
static void qbuf_reserve(client_t *c, size_t need)
{
    if (c->qcap - c->qlen >= need) return;
    size_t cap = c->qcap ? c->qcap : QBUF_READ_CHUNK;
    while (cap - c->qlen < need) cap *= 2;
    c->qbuf = mem_realloc(c->qbuf, cap);
    c->qcap = cap;
}

static void protocol_error(client_t *c, const char *what)
{
    char buf[160];
    int n = snprintf(buf, sizeof(buf), "ERR Protocol error: %s", what);
    resp_add_error(c->out, buf, (size_t)n);
    log_msg(LOG_VERBOSE, "Protocol error (%s) from client: id=%llu addr=%s",
            what, (unsigned long long)c->id, c->addr);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* Point argv at the parsed spans inside the query buffer. */
static void client_set_argv(client_t *c, char *base)
{
    resp_parser_t *p = &c->parser;
    if (p->nargs > c->argv_cap) {
        c->argv_cap = p->nargs;
        c->argv = mem_realloc(c->argv, (size_t)c->argv_cap * sizeof(md_arg_t));
    }
    for (int i = 0; i < p->nargs; i++) {
        c->argv[i].ptr = base + p->args[i].off;
        c->argv[i].len = p->args[i].len;
    }
    c->argc = p->nargs;
}

/* Must c still authenticate? (the default user is not "on nopass"). The
 * parser applies Redis's smaller limits to such a client. */
static int needs_auth(const client_t *c)
{
    return !c->authenticated && !(srv.acl_default_nopass && srv.acl_default_on);
}

/* Parse and run every complete command in the buffer. */
static void client_process_input(client_t *c, size_t *want)
{
    *want = 0;
    c->parser.max_bulk = srv.proto_max_bulk_len;
    c->parser.unauth = needs_auth(c);
    while (c->qpos < c->qlen && !c->bstate &&
           !(c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_POSTPONED))) {
        size_t consumed = 0;
        char *base = c->qbuf + c->qpos;
        int r = resp_parse(&c->parser, base, c->qlen - c->qpos, &consumed, want);
        if (r == RESP_NEED_MORE) break;
        if (r == RESP_ERROR) {
            protocol_error(c, c->parser.err);
            c->qpos = c->qlen;
            break;
        }
        if (!c->parser.inline_empty) {
            client_set_argv(c, base);
            client_hooks.run(c);
            c->argc = 0;
            if (c->flags & CLIENT_POSTPONED) { /* the command runs again later */
                resp_parser_reset(&c->parser);
                break;
            }
            if (c->flags & CLIENT_MASTER) client_hooks.master_applied(c, base, consumed);
        }
        c->qpos += consumed;
        resp_parser_reset(&c->parser);
        c->parser.unauth = needs_auth(c);
    }
    if (c->qpos == c->qlen) {
        c->qpos = c->qlen = 0;
    } else if (c->qpos > 0) {
        memmove(c->qbuf, c->qbuf + c->qpos, c->qlen - c->qpos);
        c->qlen -= c->qpos;
        c->qpos = 0;
    }
}

/* Run what the query buffer holds, then free or flush the client. */
static void client_run_input(client_t *c)
{
    size_t want;
    c->flags |= CLIENT_PROTECTED;
    client_process_input(c, &want);
    c->flags &= ~CLIENT_PROTECTED;
    if (srv.maxmemory_clients) client_evict_over_limit();
    if (c->flags & CLIENT_CLOSE_ASAP) {
        client_free_closed();
        return;
    }
    client_flush(c);
}

void client_inject_input(client_t *c, const char *p, size_t n)
{
    qbuf_reserve(c, n);
    memcpy(c->qbuf + c->qlen, p, n);
    c->qlen += n;
    c->net_in += (long long)n;
    client_run_input(c);
}

void client_resume_input(client_t *c)
{
    if (c->qpos < c->qlen) client_run_input(c);
}

static void client_on_read(evutil_socket_t fd, short what, void *arg)
{
    client_t *c = arg;
    size_t chunk = QBUF_READ_CHUNK;
    size_t hint = c->parser.bulk_len >= QBUF_BIG_ARG ? (size_t)c->parser.bulk_len : 0;
    if (hint) {
        /* A big argument: read it straight into a buffer sized for it. */
        size_t have = c->qlen - c->qpos;
        size_t need = c->parser.pos + hint + 2;
        if (need > have) chunk = need - have;
    }
    qbuf_reserve(c, chunk);
    ssize_t n = conn_read(c->conn, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n == 0) {
        client_close(c);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) client_close(c);
        else if (conn_read_wants_write(c->conn)) client_want_write(c);
        else client_flush(c); /* disarms a write event no longer needed */
        return;
    }
    c->qlen += (size_t)n;
    c->net_in += n;
    srv.stat_net_input_bytes += n;
    /* TLS may hold more decrypted bytes than the buffer took; no socket
     * event would announce them. */
    for (size_t more; (more = conn_pending(c->conn)) > 0;) {
        qbuf_reserve(c, more);
        if ((n = conn_read(c->conn, c->qbuf + c->qlen, more)) <= 0) break;
        c->qlen += (size_t)n;
        c->net_in += n;
        srv.stat_net_input_bytes += n;
    }
    c->last_interaction_ms = srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime();
    if (c->qlen > c->qpeak) c->qpeak = c->qlen;
    if (srv.client_query_buffer_limit > 0 &&
        (long long)(c->qlen - c->qpos) > srv.client_query_buffer_limit) {
        if (srv.hostconf.hide_user_data_from_log) /* the query's bytes are user data */
            log_msg(LOG_WARNING, "Closing client that reached max query buffer length: "
                    "id=%llu addr=%s (qbuf initial bytes: *redacted*)",
                    (unsigned long long)c->id, c->addr);
        else
            log_msg(LOG_WARNING, "Closing client that reached max query buffer length: "
                    "id=%llu addr=%s (qbuf initial bytes: \"%.32s\")",
                    (unsigned long long)c->id, c->addr, c->qbuf + c->qpos);
        srv.stat_client_qbuf_limit_disconnections++;
        client_close(c);
        return;
    }
    client_run_input(c);
    client_free_closed(); /* clients closed asynchronously meanwhile */
}

static ssize_t write_conn(void *conn, const struct iovec *iov, int n)
{
    return conn_writev(conn, iov, n);
}

void client_flush(client_t *c)
{
    if (c->fd < 0 || (c->flags & CLIENT_CLOSE_ASAP)) return;
    client_hooks.before_write(); /* no reply before its command is in the AOF */
    while (reply_pending(c->out)) {
        ssize_t w = reply_write(c->out, write_conn, c->conn);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) break;
            client_close(c);
            return;
        }
        if (w == 0) break;
        c->net_out += w;
        srv.stat_net_output_bytes += w;
    }
    if (reply_pending(c->out)) {
        if (!c->write_pending) {
            event_add(c->ev_write, NULL);
            c->write_pending = 1;
        }
        return;
    }
    if (c->write_pending) {
        event_del(c->ev_write);
        c->write_pending = 0;
    }
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) client_close(c);
}

void client_schedule_write(client_t *c) { client_flush(c); }

void client_want_write(client_t *c)
{
    if (c->fd < 0 || c->write_pending || (c->flags & CLIENT_CLOSE_ASAP)) return;
    event_add(c->ev_write, NULL);
    c->write_pending = 1;
}

static void client_on_write(evutil_socket_t fd, short what, void *arg)
{
    client_t *c = arg;
    /* A TLS read waited for this event: reading again also flushes. */
    if (conn_read_wants_write(c->conn)) client_on_read(fd, EV_READ, c);
    else client_flush(c);
}

void client_serve_busy(const client_t *except)
{
    size_t cap = nclients, n = 0;
    struct pollfd *fds = mem_alloc((cap ? cap : 1) * sizeof(*fds));
    uint64_t *ids = mem_alloc((cap ? cap : 1) * sizeof(*ids));
    for (client_t *c = all_clients; c && n < cap; c = c->next_all) {
        if (c == except || c->fd < 0 || (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP))) continue;
        fds[n].fd = c->fd;
        fds[n].events = (short)(POLLIN | (c->write_pending ? POLLOUT : 0));
        fds[n].revents = 0;
        ids[n++] = c->id;
    }
    if (n && poll(fds, (nfds_t)n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!fds[i].revents) continue;
            client_t *c = client_by_id(ids[i]); /* an earlier one may have closed it */
            if (!c || c->fd < 0 || (c->flags & CLIENT_CLOSE_ASAP)) continue;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) client_on_read(c->fd, EV_READ, c);
            else client_on_write(c->fd, EV_WRITE, c);
        }
    }
    mem_free(fds);
    mem_free(ids);
}

client_t *client_first(void) { return all_clients; }
size_t client_count(void) { return nclients; }

client_t *client_by_id(uint64_t id)
{
    for (client_t *c = all_clients; c; c = c->next_all)
        if (c->id == id) return c;
    return NULL;
}

/*
 * Redis's clientsCronResizeQueryBuffer: when the query buffer wastes more
 * than 4 KB, give it back entirely (keeping unparsed input) once the
 * client has been idle for more than 2 seconds, or trim one much bigger
 * than its recent peak; then the peak starts again from what is there.
 * Between events unparsed input starts at qbuf[0] (qpos is 0).
 */
static void qbuf_resize(client_t *c, int64_t now_ms)
{
    size_t pending = c->parser.bulk_len > 0 ? (size_t)c->parser.bulk_len + 2 : 0;
    if (c->qbuf && c->qcap - c->qlen > 4096) {
        size_t want = 0;
        if (now_ms - c->last_interaction_ms > 2000) {
            want = c->qlen;
        } else if (c->qcap > QBUF_RESIZE_THRESHOLD && c->qcap / 2 > c->qpeak) {
            want = c->qlen > c->qpeak ? c->qlen : c->qpeak;
            if (want < pending) want = pending;
        } else {
            want = c->qcap;
        }
        if (want == 0) {
            mem_free(c->qbuf);
            c->qbuf = NULL;
            c->qcap = 0;
        } else if (want < c->qcap) {
            c->qbuf = mem_realloc(c->qbuf, want);
            c->qcap = want;
        }
    }
    c->qpeak = c->qlen > pending ? c->qlen : pending;
}

void client_cron(void)
{
    int64_t now = util_mstime();
    for (client_t *c = all_clients, *next; c; c = next) {
        next = c->next_all;
        /* Blocked clients have their own timeout; Pub/Sub and MONITOR
         * clients none, replicas and our primary's link repl-timeout. */
        if (srv.timeout > 0 && !c->bstate &&
            !(c->flags & (CLIENT_FAKE | CLIENT_PUBSUB | CLIENT_MONITOR | CLIENT_POSTPONED |
                          CLIENT_REPLICA | CLIENT_MASTER)) &&
            now - c->last_interaction_ms > (int64_t)srv.timeout * 1000) {
            log_msg(LOG_VERBOSE, "Closing idle client");
            client_close(c);
            continue;
        }
        qbuf_resize(c, now);
        /* The reply buffer's peak (CLIENT LIST rbp) covers the last few
         * seconds, as Redis's (DEBUG REPLYBUFFER PEAK-RESET-TIME). */
        if (srv.reply_peak_reset_ms >= 0 && now - c->peak_reset_ms >= srv.reply_peak_reset_ms) {
            c->out->peak = c->out->pos;
            c->peak_reset_ms = now;
        }
        if (obuf_enforce(c, 0)) continue;
    }
    /* output grown by others (Pub/Sub), a lower limit set meanwhile */
    if (srv.maxmemory_clients) client_evict_over_limit();
}
