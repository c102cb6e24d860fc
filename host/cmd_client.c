/*
 * cmd_client.c — CLIENT and its subcommands: ID, INFO, LIST, KILL, GETNAME,
 * SETNAME, SETINFO, REPLY, NO-EVICT, NO-TOUCH, UNBLOCK, GETREDIR, HELP,
 * with Redis 7.4's replies and error texts. Not here (yet): PAUSE/UNPAUSE,
 * TRACKING, TRACKINGINFO and CACHING.
 *
 * A client killed by another is freed at once (client_close); a client
 * that kills itself is only flagged CLIENT_CLOSE_AFTER_REPLY, so the reply
 * to its CLIENT KILL still goes out before the connection closes.
 * CLIENT UNBLOCK hands the target to blocking.c, which replies to it.
 * CLIENT REPLY OFF/SKIP only set flags: the dispatcher (dispatch.c) drops the
 * replies, which is why those two forms write no reply here.
 */
#include "acl.h"
#include "blocking.h"
#include "client.h"
#include "cmd_client.h"
#include "cmd.h"
#include "hostcmds.h"
#include "mem.h"
#include "multi.h"
#include "pause.h"
#include "pubsub.h"
#include "tracking.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmd_server.c: the rule CLIENT SETNAME and HELLO SETNAME share. */
int client_name_valid(md_arg_t name);

static void client_flags_str(client_t *c, char *out)
{
    char *p = out;
    if (c->flags & CLIENT_MONITOR) *p++ = 'O'; /* Redis's order: O/S, M, P */
    if (c->flags & CLIENT_REPLICA) *p++ = 'S';
    if (c->flags & CLIENT_MASTER) *p++ = 'M';
    if (pubsub_client_active(c)) *p++ = 'P';
    if (c->flags & CLIENT_CLOSE_ASAP) *p++ = 'A';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) *p++ = 'c';
    if (c->flags & CLIENT_UNIX) *p++ = 'U';
    if (c->flags & CLIENT_NO_EVICT) *p++ = 'e';
    if (c->flags & CLIENT_NO_TOUCH) *p++ = 'T';
    if (c->bstate || (c->flags & CLIENT_POSTPONED)) *p++ = 'b';
    if (multi_active(c) || multi_executing(c)) *p++ = 'x';
    if (c->flags & CLIENT_TRACKING) *p++ = 't';
    if (c->flags & CLIENT_TRACKING_BROKEN_REDIR) *p++ = 'R';
    if (c->flags & CLIENT_TRACKING_BCAST) *p++ = 'B';
    if (p == out) *p++ = 'N';
    *p = '\0';
}

/* Bytes of the current command's arguments (Redis's argv-mem). */
static size_t argv_mem(const client_t *c)
{
    size_t n = 0;
    for (int i = 0; i < c->argc; i++) n += c->argv[i].len;
    return n;
}

int cmd_client_info_line(client_t *c, char *buf, size_t cap)
{
    char flags[16];
    size_t ulen = 0;
    const acl_user_t *u = acl_client_user(c);
    const char *user = u ? acl_user_name(u, &ulen) : "";
    size_t sub, psub, ssub;
    int64_t now = util_mstime();
    client_flags_str(c, flags);
    pubsub_client_counts(c, &sub, &psub, &ssub);
    const char *last = c->lastcmd ? cmd_fullname(c->lastcmd) : "NULL";
    return snprintf(buf, cap,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s "
        "db=%d sub=%zu psub=%zu ssub=%zu multi=%d watch=%d qbuf=%zu qbuf-free=%zu "
        "argv-mem=%zu multi-mem=%zu rbs=%d rbp=%zu obl=%zu oll=%zu omem=%zu "
        "tot-mem=%zu events=r%s cmd=%s user=%.*s redir=%lld resp=%d "
        "lib-name=%s lib-ver=%s",
        (unsigned long long)c->id, c->addr, c->laddr, c->fd,
        c->name ? c->name : "", (long long)((now - c->ctime_ms) / 1000),
        (long long)((now - c->last_interaction_ms) / 1000), flags, c->dbid, sub, psub, ssub,
        multi_queued(c), multi_watched(c), c->qlen - c->qpos, c->qcap - c->qlen,
        argv_mem(c), c->multi_mem, REPLY_INLINE_SIZE, c->out->peak, c->out->pos,
        c->out->nblocks, c->out->blocks_mem, client_memory(c),
        c->write_pending ? "w" : "", last, (int)ulen, user,
        (c->flags & CLIENT_TRACKING) ? (long long)c->tracking_redir : -1LL, c->resp,
        c->lib_name ? c->lib_name : "", c->lib_ver ? c->lib_ver : "");
}

static client_t *cl(md_ctx_t *c) { return c->client; }

/* Client types, as CLIENT LIST TYPE and CLIENT KILL TYPE name them. */
enum { CTYPE_NORMAL, CTYPE_REPLICA, CTYPE_PUBSUB, CTYPE_MASTER };

static int client_type_by_name(md_arg_t a)
{
    if (md_arg_eq(a, "normal")) return CTYPE_NORMAL;
    if (md_arg_eq(a, "slave") || md_arg_eq(a, "replica")) return CTYPE_REPLICA;
    if (md_arg_eq(a, "pubsub")) return CTYPE_PUBSUB;
    if (md_arg_eq(a, "master")) return CTYPE_MASTER;
    return -1;
}

/* A replica of ours (cluster/) is a replica one, our primary's link a
 * master one, a connection with subscriptions a pubsub one, every other
 * normal. */
static int client_type(const client_t *c)
{
    if (c->flags & CLIENT_REPLICA) return CTYPE_REPLICA;
    if (c->flags & CLIENT_MASTER) return CTYPE_MASTER;
    return pubsub_client_active(c) ? CTYPE_PUBSUB : CTYPE_NORMAL;
}

/* Reply an error built from a format; user text in it is cut to a sane
 * length (the reply writer turns CR/LF into spaces). */
static void reply_errorf(md_ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_errorf(md_ctx_t *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    md_reply_error(c, msg);
}

static int arg_limit(md_arg_t a) { return (int)(a.len > 128 ? 128 : a.len); }

/* ---- CLIENT LIST / INFO ---- */

typedef struct text {
    char *p;
    size_t len, cap;
} text_t;

/* Append c's CLIENT LIST line and a newline. */
static void text_add_client(text_t *t, client_t *c)
{
    for (;;) {
        size_t room = t->cap - t->len;
        int n = room ? cmd_client_info_line(c, t->p + t->len, room) : 0;
        if (n < 0) return; /* snprintf failed: leave this client out */
        if (room && (size_t)n + 1 < room) {
            t->len += (size_t)n;
            t->p[t->len++] = '\n';
            return;
        }
        size_t want = t->cap ? t->cap * 2 : 1024;
        while (want - t->len <= (size_t)n + 1) want *= 2;
        t->p = mem_realloc(t->p, want);
        t->cap = want;
    }
}

static void reply_text(md_ctx_t *c, text_t *t)
{
    md_reply_verbatim(c, "txt", t->p ? t->p : "", t->len);
    mem_free(t->p);
}

static int client_list_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    text_t t = {0};
    if (argc == 4 && md_arg_eq(argv[2], "type")) {
        int type = client_type_by_name(argv[3]);
        if (type == -1) {
            reply_errorf(c, "ERR Unknown client type '%.*s'", arg_limit(argv[3]), argv[3].ptr);
            return MD_OK;
        }
        for (client_t *x = client_first(); x; x = x->next_all)
            if (client_type(x) == type) text_add_client(&t, x);
    } else if (argc > 3 && md_arg_eq(argv[2], "id")) {
        for (int j = 3; j < argc; j++) {
            long long id;
            if (md_arg_ll(argv[j], &id) != MD_OK) {
                mem_free(t.p);
                md_reply_error(c, "ERR Invalid client ID");
                return MD_OK;
            }
            client_t *x = id > 0 ? client_by_id((uint64_t)id) : NULL;
            if (x) text_add_client(&t, x);
        }
    } else if (argc != 2) {
        md_reply_syntax(c);
        return MD_OK;
    } else {
        for (client_t *x = client_first(); x; x = x->next_all) text_add_client(&t, x);
    }
    reply_text(c, &t);
    return MD_OK;
}

static int client_info_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    text_t t = {0};
    text_add_client(&t, cl(c));
    reply_text(c, &t);
    return MD_OK;
}

/* ---- CLIENT KILL ---- */

typedef struct kill_filter {
    md_arg_t addr, laddr;    /* ptr == NULL: not given */
    int type;                /* -1: any */
    uint64_t id;             /* 0: any */
    int skipme;
    long long maxage;        /* seconds; 0: any */
    const acl_user_t *user;  /* NULL: any */
} kill_filter_t;

static int arg_is(md_arg_t a, const char *s)
{
    return a.len == strlen(s) && memcmp(a.ptr, s, a.len) == 0;
}

/* Parse "<filter> <value> ..." pairs from argv[2]; replies the error itself. */
static int kill_parse(md_ctx_t *c, int argc, const md_arg_t *argv, kill_filter_t *f)
{
    for (int i = 2; i + 1 < argc; i += 2) {
        md_arg_t opt = argv[i], val = argv[i + 1];
        if (md_arg_eq(opt, "id")) {
            long long id;
            if (md_arg_ll(val, &id) != MD_OK || id < 1) {
                md_reply_error(c, "ERR client-id should be greater than 0");
                return MD_ERR;
            }
            f->id = (uint64_t)id;
        } else if (md_arg_eq(opt, "type")) {
            f->type = client_type_by_name(val);
            if (f->type == -1) {
                reply_errorf(c, "ERR Unknown client type '%.*s'", arg_limit(val), val.ptr);
                return MD_ERR;
            }
        } else if (md_arg_eq(opt, "addr")) {
            f->addr = val;
        } else if (md_arg_eq(opt, "laddr")) {
            f->laddr = val;
        } else if (md_arg_eq(opt, "user")) {
            f->user = acl_user_find(val.ptr, val.len);
            if (!f->user) {
                reply_errorf(c, "ERR No such user '%.*s'", arg_limit(val), val.ptr);
                return MD_ERR;
            }
        } else if (md_arg_eq(opt, "skipme")) {
            if (md_arg_eq(val, "yes")) {
                f->skipme = 1;
            } else if (md_arg_eq(val, "no")) {
                f->skipme = 0;
            } else {
                md_reply_syntax(c);
                return MD_ERR;
            }
        } else if (md_arg_eq(opt, "maxage")) {
            if (md_arg_ll(val, &f->maxage) != MD_OK) {
                md_reply_error(c, "ERR maxage is not an integer or out of range");
                return MD_ERR;
            }
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

static int kill_matches(const kill_filter_t *f, client_t *x, client_t *me, int64_t now_ms)
{
    if (f->addr.ptr && !arg_is(f->addr, x->addr)) return 0;
    if (f->laddr.ptr && !arg_is(f->laddr, x->laddr)) return 0;
    if (f->type != -1 && client_type(x) != f->type) return 0;
    if (f->id && x->id != f->id) return 0;
    if (f->user && acl_client_user(x) != f->user) return 0;
    if (f->skipme && x == me) return 0;
    if (f->maxage && (now_ms - x->ctime_ms) / 1000 < f->maxage) return 0;
    return 1;
}

static int client_kill_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    kill_filter_t f = {.type = -1, .skipme = 1};
    client_t *me = cl(c);
    if (argc == 3) {
        f.addr = argv[2];    /* the old form: CLIENT KILL addr:port */
        f.skipme = 0;        /* ... which may kill the caller too */
    } else if (argc % 2 == 1) {
        md_reply_syntax(c);
        return MD_OK;
    } else if (kill_parse(c, argc, argv, &f) != MD_OK) {
        return MD_OK;
    }
    int64_t now = util_mstime();
    long long killed = 0;
    int close_me = 0;
    for (client_t *x = client_first(), *next; x; x = next) {
        next = x->next_all;
        if (!kill_matches(&f, x, me, now)) continue;
        if (x == me) close_me = 1;
        else client_close(x);
        killed++;
    }
    if (argc == 3) {
        if (killed) md_reply_ok(c);
        else md_reply_error(c, "ERR No such client");
    } else {
        md_reply_int(c, killed);
    }
    /* Only after the reply is queued: it is written, then we close. */
    if (close_me) me->flags |= CLIENT_CLOSE_AFTER_REPLY;
    return MD_OK;
}

/* CLIENT UNBLOCK <id> [TIMEOUT|ERROR] */
static int client_unblock_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int with_error = 0;
    long long id;
    if (argc > 4) {
        reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                        "Try CLIENT HELP.", arg_limit(argv[1]), argv[1].ptr);
        return MD_OK;
    }
    if (argc == 4) {
        if (md_arg_eq(argv[3], "error")) {
            with_error = 1;
        } else if (!md_arg_eq(argv[3], "timeout")) {
            md_reply_error(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return MD_OK;
        }
    }
    if (md_arg_ll(argv[2], &id) != MD_OK) {
        md_reply_error(c, MD_ERR_NOT_INT);
        return MD_OK;
    }
    client_t *x = id > 0 ? client_by_id((uint64_t)id) : NULL;
    md_reply_int(c, x && blocking_unblock(x, with_error) ? 1 : 0);
    return MD_OK;
}

/* CLIENT PAUSE timeout [WRITE|ALL] */
static int client_pause_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int mode = PAUSE_ALL;
    long long ms;
    if (argc > 4) {
        reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                        "Try CLIENT HELP.", arg_limit(argv[1]), argv[1].ptr);
        return MD_OK;
    }
    if (argc == 4) {
        if (md_arg_eq(argv[3], "write")) {
            mode = PAUSE_WRITE;
        } else if (!md_arg_eq(argv[3], "all")) {
            md_reply_error(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return MD_OK;
        }
    }
    if (md_arg_ll(argv[2], &ms) != MD_OK) {
        md_reply_error(c, "ERR timeout is not an integer or out of range");
        return MD_OK;
    }
    if (ms < 0) {
        md_reply_error(c, "ERR timeout is negative");
        return MD_OK;
    }
    int64_t now = util_mstime();
    if (ms > INT64_MAX - now) {
        md_reply_error(c, "ERR timeout is out of range");
        return MD_OK;
    }
    pause_start(mode, now + ms);
    md_reply_ok(c);
    return MD_OK;
}

static int client_unpause_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    pause_stop();
    md_reply_ok(c);
    return MD_OK;
}

/* ---- names and attributes ---- */

static int client_id_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_int(c, (long long)cl(c)->id);
    return MD_OK;
}

static int client_getname_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const char *name = cl(c)->name;
    if (name) md_reply_bulk(c, name, strlen(name));
    else md_reply_null(c);
    return MD_OK;
}

/* Replace *slot with a copy of v (NULL when v is empty). */
static void set_attr(char **slot, md_arg_t v)
{
    mem_free(*slot);
    *slot = v.len ? mem_strndup(v.ptr, v.len) : NULL;
}

static int client_setname_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (!client_name_valid(argv[2])) {
        md_reply_error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
        return MD_OK;
    }
    set_attr(&cl(c)->name, argv[2]);
    md_reply_ok(c);
    return MD_OK;
}

static int client_setinfo_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t attr = argv[2];
    char **slot;
    if (md_arg_eq(attr, "lib-name")) {
        slot = &cl(c)->lib_name;
    } else if (md_arg_eq(attr, "lib-ver")) {
        slot = &cl(c)->lib_ver;
    } else {
        reply_errorf(c, "ERR Unrecognized option '%.*s'", arg_limit(attr), attr.ptr);
        return MD_OK;
    }
    if (!client_name_valid(argv[3])) {
        reply_errorf(c, "ERR %.*s cannot contain spaces, newlines or special characters.",
                     (int)attr.len, attr.ptr);
        return MD_OK;
    }
    set_attr(slot, argv[3]);
    md_reply_ok(c);
    return MD_OK;
}

/* ---- modes ---- */

static int client_reply_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    if (md_arg_eq(argv[2], "on")) {
        x->flags &= ~(CLIENT_REPLY_SKIP | CLIENT_REPLY_OFF);
        md_reply_ok(c);
    } else if (md_arg_eq(argv[2], "off")) {
        x->flags |= CLIENT_REPLY_OFF;
    } else if (md_arg_eq(argv[2], "skip")) {
        if (!(x->flags & CLIENT_REPLY_OFF)) x->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        md_reply_syntax(c);
    }
    return MD_OK;
}

/* ON/OFF switch of one client flag. */
static int switch_flag(md_ctx_t *c, md_arg_t v, unsigned flag)
{
    if (md_arg_eq(v, "on")) cl(c)->flags |= flag;
    else if (md_arg_eq(v, "off")) cl(c)->flags &= ~flag;
    else return md_reply_syntax(c);
    return md_reply_ok(c);
}

static int client_no_evict_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    switch_flag(c, argv[2], CLIENT_NO_EVICT);
    return MD_OK;
}

static int client_no_touch_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    switch_flag(c, argv[2], CLIENT_NO_TOUCH);
    return MD_OK;
}

/* Client-side caching (CLIENT TRACKING) does not exist yet, so there is
 * never a redirection. */
static int client_getredir_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    md_reply_int(c, (x->flags & CLIENT_TRACKING) ? (long long)x->tracking_redir : -1);
    return MD_OK;
}

/* CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN]
 * [OPTOUT] [NOLOOP] */
static int client_tracking_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    long long redir = 0;
    unsigned opts = 0;
    md_arg_t *prefix = mem_alloc(sizeof(md_arg_t) * (size_t)argc);
    int nprefix = 0;
    char err[512];
    for (int j = 3; j < argc; j++) {
        int more = argc - 1 - j;
        if (md_arg_eq(argv[j], "redirect") && more) {
            j++;
            if (redir != 0) {
                md_reply_error(c, "ERR A client can only redirect to a single other client");
                goto out;
            }
            if (md_arg_ll(argv[j], &redir) != MD_OK) {
                md_reply_error(c, MD_ERR_NOT_INT);
                goto out;
            }
            if (redir <= 0 || !client_by_id((uint64_t)redir)) {
                md_reply_error(c, "ERR The client ID you want redirect to does not exist");
                goto out;
            }
        } else if (md_arg_eq(argv[j], "bcast")) {
            opts |= TRACKING_BCAST;
        } else if (md_arg_eq(argv[j], "optin")) {
            opts |= TRACKING_OPTIN;
        } else if (md_arg_eq(argv[j], "optout")) {
            opts |= TRACKING_OPTOUT;
        } else if (md_arg_eq(argv[j], "noloop")) {
            opts |= TRACKING_NOLOOP;
        } else if (md_arg_eq(argv[j], "prefix") && more) {
            prefix[nprefix++] = argv[++j];
        } else {
            md_reply_syntax(c);
            goto out;
        }
    }
    if (md_arg_eq(argv[2], "on")) {
        if (tracking_enable(x, (uint64_t)redir, opts, prefix, nprefix, err, sizeof(err)) != 0) {
            md_reply_error(c, err);
            goto out;
        }
    } else if (md_arg_eq(argv[2], "off")) {
        tracking_disable(x);
    } else {
        md_reply_syntax(c);
        goto out;
    }
    md_reply_ok(c);
out:
    mem_free(prefix);
    return MD_OK;
}

/* CLIENT CACHING YES|NO: the next command is (OPTIN) / is not (OPTOUT)
 * tracked. */
static int client_caching_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    if (!(x->flags & CLIENT_TRACKING)) {
        md_reply_error(c, "ERR CLIENT CACHING can be called only when the client is in "
                          "tracking mode with OPTIN or OPTOUT mode enabled");
        return MD_OK;
    }
    if (md_arg_eq(argv[2], "yes")) {
        if (!(x->flags & CLIENT_TRACKING_OPTIN)) {
            md_reply_error(c, "ERR CLIENT CACHING YES is only valid when tracking is enabled "
                              "in OPTIN mode.");
            return MD_OK;
        }
    } else if (md_arg_eq(argv[2], "no")) {
        if (!(x->flags & CLIENT_TRACKING_OPTOUT)) {
            md_reply_error(c, "ERR CLIENT CACHING NO is only valid when tracking is enabled "
                              "in OPTOUT mode.");
            return MD_OK;
        }
    } else {
        md_reply_syntax(c);
        return MD_OK;
    }
    x->flags |= CLIENT_TRACKING_CACHING;
    md_reply_ok(c);
    return MD_OK;
}

static int client_trackinginfo_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    unsigned f = x->flags;
    const char *flags[8];
    int n = 0;
    flags[n++] = (f & CLIENT_TRACKING) ? "on" : "off";
    if (f & CLIENT_TRACKING_BCAST) flags[n++] = "bcast";
    if (f & CLIENT_TRACKING_OPTIN) {
        flags[n++] = "optin";
        if (f & CLIENT_TRACKING_CACHING) flags[n++] = "caching-yes";
    }
    if (f & CLIENT_TRACKING_OPTOUT) {
        flags[n++] = "optout";
        if (f & CLIENT_TRACKING_CACHING) flags[n++] = "caching-no";
    }
    if (f & CLIENT_TRACKING_NOLOOP) flags[n++] = "noloop";
    if (f & CLIENT_TRACKING_BROKEN_REDIR) flags[n++] = "broken_redirect";
    md_reply_map(c, 3);
    md_reply_bulk(c, "flags", 5);
    md_reply_set(c, n);
    for (int i = 0; i < n; i++) md_reply_bulk(c, flags[i], strlen(flags[i]));
    md_reply_bulk(c, "redirect", 8);
    md_reply_int(c, (f & CLIENT_TRACKING) ? (long long)x->tracking_redir : -1);
    md_reply_bulk(c, "prefixes", 8);
    int np;
    const md_arg_t *p = tracking_prefixes(x, &np);
    md_reply_array(c, np);
    for (int i = 0; i < np; i++) md_reply_bulk(c, p[i].ptr, p[i].len);
    return MD_OK;
}

static int client_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    /* Redis's text, for the subcommands Modis has. */
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
        "HELP",
        "    Print this help.",
        NULL};
    return sdk_reply_help(c, lines);
}

/* ---- the table ---- */

#define CONN_ACL "@slow @connection"
#define ADMIN_CONN_ACL "@admin @slow @dangerous @connection"
#define CONN_FLAGS "noscript loading stale"
#define ADMIN_CONN_FLAGS "admin noscript loading stale"

static const md_command_t client_subcommands[] = {
    {.name = "caching", .handler = client_caching_cmd, .arity = 3, .flags = CONN_FLAGS,
     .acl = CONN_ACL,
     .summary = "Instructs the server whether to track the keys in the next request.",
     .since = "6.0.0", .complexity = "O(1)", .group = "connection",
     .syntax = "<YES | NO>{=mode}"},
    {.name = "tracking", .handler = client_tracking_cmd, .arity = -3, .flags = CONN_FLAGS,
     .acl = CONN_ACL,
     .summary = "Controls server-assisted client-side caching for the connection.",
     .since = "6.0.0", .complexity = "O(1). Some options may introduce additional complexity.",
     .group = "connection",
     .syntax = "<ON | OFF>{=status} [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] "
               "[BCAST] [OPTIN] [OPTOUT] [NOLOOP]"},
    {.name = "trackinginfo", .handler = client_trackinginfo_cmd, .arity = 2, .flags = CONN_FLAGS,
     .acl = CONN_ACL,
     .summary = "Returns information about server-assisted client-side caching for the connection.",
     .since = "6.2.0", .complexity = "O(1)", .group = "connection"},
    {.name = "getname", .handler = client_getname_cmd, .arity = 2, .flags = CONN_FLAGS,
     .acl = CONN_ACL, .summary = "Returns the name of the connection.", .since = "2.6.9",
     .complexity = "O(1)", .group = "connection"},
    {.name = "getredir", .handler = client_getredir_cmd, .arity = 2, .flags = CONN_FLAGS,
     .acl = CONN_ACL,
     .summary = "Returns the client ID to which the connection's tracking notifications are redirected.",
     .since = "6.0.0", .complexity = "O(1)", .group = "connection"},
    {.name = "help", .handler = client_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = CONN_ACL, .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "connection"},
    {.name = "id", .handler = client_id_cmd, .arity = 2, .flags = CONN_FLAGS, .acl = CONN_ACL,
     .summary = "Returns the unique client ID of the connection.", .since = "5.0.0",
     .complexity = "O(1)", .group = "connection"},
    {.name = "info", .handler = client_info_cmd, .arity = 2, .flags = CONN_FLAGS,
     .acl = CONN_ACL, .summary = "Returns information about the connection.", .since = "6.2.0",
     .complexity = "O(1)", .group = "connection",
     .tips = "nondeterministic_output"},
    {.name = "kill", .handler = client_kill_cmd, .arity = -3, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL, .summary = "Terminates open connections.", .since = "2.4.0",
     .complexity = "O(N) where N is the number of client connections", .group = "connection",
     .syntax = "<ip:port{=old-format -2.8.12} | <[ID client-id{@2.8.12}] | [TYPE <NORMAL | "
               "MASTER{@3.2.0} | SLAVE | REPLICA{@5.0.0} | PUBSUB>{=client-type @2.8.12}] | "
               "[USER username] | [ADDR ip:port{=addr}] | [LADDR ip:port{=laddr @6.2.0}] | "
               "[SKIPME <YES | NO>{=skipme}] | [MAXAGE maxage{@7.4.0}]>{=new-format} "
               "...>{=filter}",
     .history = "2.8.12: Added new filter format.\n"
                "2.8.12: `ID` option.\n"
                "3.2.0: Added `master` type in for `TYPE` option.\n"
                "5.0.0: Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
                "compatibility.\n"
                "6.2.0: `LADDR` option.\n"
                "7.4.0: `MAXAGE` option."},
    {.name = "list", .handler = client_list_cmd, .arity = -2, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL, .summary = "Lists open connections.", .since = "2.4.0",
     .complexity = "O(N) where N is the number of client connections", .group = "connection",
     .syntax = "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>{=client-type @5.0.0}] [ID client-id "
               "[client-id ...]{@6.2.0}]",
     .tips = "nondeterministic_output",
     .history = "2.8.12: Added unique client `id` field.\n"
                "5.0.0: Added optional `TYPE` filter.\n"
                "6.0.0: Added `user` field.\n"
                "6.2.0: Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` "
                "filter.\n"
                "7.0.0: Added `resp`, `multi-mem`, `rbs` and `rbp` fields.\n"
                "7.0.3: Added `ssub` field.\n"
                "7.2.0: Added `lib-name` and `lib-ver` fields.\n"
                "7.4.0: Added `watch` field."},
    {.name = "pause", .handler = client_pause_cmd, .arity = -3, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL,
     .summary = "Suspends commands processing.", .since = "2.9.50", .complexity = "O(1)",
     .group = "connection", .syntax = "timeout{integer} [WRITE | ALL]{=mode @6.2.0}",
     .history = "6.2.0: `CLIENT PAUSE WRITE` mode added along with the `mode` option."},
    {.name = "unpause", .handler = client_unpause_cmd, .arity = 2, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL, .summary = "Resumes processing commands from paused clients.",
     .since = "6.2.0", .complexity = "O(N) Where N is the number of paused clients",
     .group = "connection"},
    {.name = "no-evict", .handler = client_no_evict_cmd, .arity = 3, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL, .summary = "Sets the client eviction mode of the connection.",
     .since = "7.0.0", .complexity = "O(1)", .group = "connection",
     .syntax = "<ON | OFF>{=enabled}"},
    {.name = "no-touch", .handler = client_no_touch_cmd, .arity = 3, .flags = CONN_FLAGS,
     .acl = CONN_ACL,
     .summary = "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
     .since = "7.2.0", .complexity = "O(1)", .group = "connection",
     .syntax = "<ON | OFF>{=enabled}"},
    {.name = "reply", .handler = client_reply_cmd, .arity = 3, .flags = CONN_FLAGS,
     .acl = CONN_ACL, .summary = "Instructs the server whether to reply to commands.",
     .since = "3.2.0", .complexity = "O(1)", .group = "connection",
     .syntax = "<ON | OFF | SKIP>{=action}"},
    {.name = "setinfo", .handler = client_setinfo_cmd, .arity = 4, .flags = CONN_FLAGS,
     .acl = CONN_ACL, .summary = "Sets information specific to the client or connection.",
     .since = "7.2.0", .complexity = "O(1)", .group = "connection",
     .syntax = "<LIB-NAME libname | LIB-VER libver>{=attr}",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "unblock", .handler = client_unblock_cmd, .arity = -3, .flags = ADMIN_CONN_FLAGS,
     .acl = ADMIN_CONN_ACL,
     .summary = "Unblocks a client blocked by a blocking command from a different connection.",
     .since = "5.0.0", .complexity = "O(log N) where N is the number of client connections",
     .group = "connection",
     .syntax = "client-id [TIMEOUT | ERROR]{=unblock-type}"},
    {.name = "setname", .handler = client_setname_cmd, .arity = 3, .flags = CONN_FLAGS,
     .acl = CONN_ACL, .summary = "Sets the connection name.", .since = "2.6.9",
     .complexity = "O(1)", .group = "connection",
     .syntax = "connection-name"},
    {0}};

const md_command_t hostcmds_client[] = {
    {.name = "client", .arity = -2, .acl = "@slow",
     .summary = "A container for client connection commands.", .since = "2.4.0",
     .complexity = "Depends on subcommand.", .subcommands = client_subcommands,
     .group = "connection"},
    {0}};
