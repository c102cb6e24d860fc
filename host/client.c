/*
 * client.c — connection I/O: reading and parsing requests, running them,
 * and writing replies (directly after the read event, or on the write
 * event when the socket is full).
 */
#include "client.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define QBUF_READ_CHUNK (16 * 1024)
#define QBUF_BIG_ARG (32 * 1024)

client_hooks_t client_hooks;

static client_t *all_clients;
static size_t nclients;
static client_t *closing_list[1024];
static size_t nclosing;

static void client_on_read(evutil_socket_t fd, short what, void *arg);
static void client_on_write(evutil_socket_t fd, short what, void *arg);
static void client_free(client_t *c);

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
    c->authenticated = srv.requirepass == NULL || srv.requirepass[0] == '\0';
    resp_parser_init(&c->parser);
    c->out = mem_alloc(sizeof(reply_t));
    reply_init(c->out);
    c->ctime_ms = c->last_interaction_ms = util_mstime();
    return c;
}

client_t *client_create(int fd, int is_unix)
{
    client_t *c = client_alloc();
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
    if (c->ev_read) event_free(c->ev_read);
    if (c->ev_write) event_free(c->ev_write);
    if (c->fd >= 0) close(c->fd);
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

void client_close(client_t *c)
{
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    if (c->flags & (CLIENT_IN_CALL | CLIENT_PROTECTED) ||
        nclosing == sizeof(closing_list) / sizeof(closing_list[0])) {
        if (c->ev_read) event_del(c->ev_read);
        if (nclosing < sizeof(closing_list) / sizeof(closing_list[0]))
            closing_list[nclosing++] = c;
        return;
    }
    client_free(c);
}

void client_free_closed(void)
{
    while (nclosing) {
        client_t *c = closing_list[--nclosing];
        client_free(c);
    }
}

reply_t *client_reply(client_t *c) { return c->out; }

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

/* Parse and run every complete command in the buffer. */
static void client_process_input(client_t *c, size_t *want)
{
    *want = 0;
    c->parser.max_bulk = srv.proto_max_bulk_len;
    c->parser.unauth = !c->authenticated;
    while (c->qpos < c->qlen && !c->bstate &&
           !(c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP))) {
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
        }
        c->qpos += consumed;
        resp_parser_reset(&c->parser);
        c->parser.unauth = !c->authenticated;
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
    if (c->flags & CLIENT_CLOSE_ASAP) {
        client_free_closed();
        return;
    }
    client_flush(c);
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
    ssize_t n = read(fd, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n == 0) {
        client_close(c);
        return;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        client_close(c);
        return;
    }
    c->qlen += (size_t)n;
    c->net_in += n;
    srv.stat_net_input_bytes += n;
    c->last_interaction_ms = srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime();
    if (c->qlen > c->qpeak) c->qpeak = c->qlen;
    if (srv.client_query_buffer_limit > 0 &&
        (long long)(c->qlen - c->qpos) > srv.client_query_buffer_limit) {
        log_msg(LOG_WARNING, "Closing client that reached max query buffer length: "
                "id=%llu addr=%s (qbuf initial bytes: \"%.32s\")",
                (unsigned long long)c->id, c->addr, c->qbuf + c->qpos);
        srv.stat_client_qbuf_limit_disconnections++;
        client_close(c);
        return;
    }
    client_run_input(c);
}

void client_flush(client_t *c)
{
    if (c->fd < 0 || (c->flags & CLIENT_CLOSE_ASAP)) return;
    client_hooks.before_write(); /* no reply before its command is in the AOF */
    while (reply_pending(c->out)) {
        ssize_t w = reply_write(c->out, c->fd);
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
    client_flush(arg);
}

client_t *client_first(void) { return all_clients; }
size_t client_count(void) { return nclients; }

client_t *client_by_id(uint64_t id)
{
    for (client_t *c = all_clients; c; c = c->next_all)
        if (c->id == id) return c;
    return NULL;
}

void client_cron(void)
{
    int64_t now = util_mstime();
    for (client_t *c = all_clients, *next; c; c = next) {
        next = c->next_all;
        if (srv.timeout > 0 && !c->bstate && !(c->flags & CLIENT_FAKE) &&
            now - c->last_interaction_ms > (int64_t)srv.timeout * 1000) {
            log_msg(LOG_VERBOSE, "Closing idle client");
            client_close(c);
            continue;
        }
        /* Give back a big idle query buffer. */
        if (c->qlen == 0 && c->qcap > QBUF_READ_CHUNK * 2) {
            mem_free(c->qbuf);
            c->qbuf = NULL;
            c->qcap = 0;
            c->qpeak = 0;
        }
    }
}
