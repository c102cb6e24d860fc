/*
 * streams_groups.c — consumer-group commands with Redis 7.4 semantics:
 * XGROUP CREATE / SETID / DESTROY / CREATECONSUMER / DELCONSUMER, XACK,
 * XPENDING (summary and extended form, IDLE, consumer filter), XCLAIM
 * (IDLE, TIME, RETRYCOUNT, FORCE, JUSTID, LASTID) and XAUTOCLAIM.
 *
 * Propagation is Redis's: XGROUP, XACK propagate verbatim; XCLAIM and
 * XAUTOCLAIM (and XREADGROUP, streams_read.c) propagate each pending
 * entry they touch as an XCLAIM ... FORCE JUSTID LASTID, and a moved
 * last-delivered ID as XGROUP SETID ... ENTRIESREAD, so replicas and the
 * AOF end with the same group state. XGROUP DESTROY signals the key, so
 * readers blocked on the group are re-run and get the NOGROUP error.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "streams_groups.h"
#include "streams_cmds.h"
#include "streams.h"

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

void sx_reply_nogroup(md_ctx_t *c, md_arg_t key, md_arg_t group, const char *tail)
{
    size_t n = key.len + group.len + strlen(tail) + 64;
    char *msg = md_alloc(n);
    snprintf(msg, n, "NOGROUP No such key '%.*s' or consumer group '%.*s'%s", (int)key.len,
             key.ptr, (int)group.len, group.ptr, tail);
    md_reply_error(c, msg);
    md_free(msg);
}

void sx_propagate_xclaim(md_ctx_t *c, md_arg_t key, const scg_t *g, const sid_t *id,
                         const scg_nack_t *n)
{
    char idb[SID_BUF], tb[MD_LL_BUF], rb[MD_LL_BUF], lb[SID_BUF];
    md_arg_t argv[14] = {
        md_str("XCLAIM"), key, {g->name, g->nlen},
        {n->consumer ? n->consumer->name : "", n->consumer ? n->consumer->nlen : 0},
        md_str("0"), {idb, sid_fmt(idb, id)}, md_str("TIME"),
        {tb, md_ll2str_inline(tb, n->delivery_time)}, md_str("RETRYCOUNT"),
        {rb, md_ll2str_inline(rb, (long long)n->delivery_count)}, md_str("FORCE"),
        md_str("JUSTID"), md_str("LASTID"), {lb, sid_fmt(lb, &g->last_id)}};
    md_replicate(c, 14, argv);
}

void sx_propagate_setid(md_ctx_t *c, md_arg_t key, const scg_t *g)
{
    char idb[SID_BUF], rb[MD_LL_BUF];
    md_arg_t argv[7] = {md_str("XGROUP"), md_str("SETID"), key, {g->name, g->nlen},
                        {idb, sid_fmt(idb, &g->last_id)}, md_str("ENTRIESREAD"),
                        {rb, md_ll2str_inline(rb, g->entries_read)}};
    md_replicate(c, 7, argv);
}

void sx_propagate_createconsumer(md_ctx_t *c, md_arg_t key, const scg_t *g,
                                 const scg_consumer_t *cons)
{
    md_arg_t argv[5] = {md_str("XGROUP"), md_str("CREATECONSUMER"), key, {g->name, g->nlen},
                        {cons->name, cons->nlen}};
    md_replicate(c, 5, argv);
}

scg_consumer_t *sx_consumer(md_ctx_t *c, md_arg_t key, scg_t *g, md_arg_t name)
{
    scg_consumer_t *cons = scg_consumer_find(g, name.ptr, name.len);
    if (cons) {
        cons->seen_time = md_mstime();   /* Redis 7.2+: any attempt counts */
        return cons;
    }
    cons = scg_consumer_create(g, name.ptr, name.len, md_mstime(), -1);
    md_notify(c, MD_NOTIFY_STREAM, "xgroup-createconsumer", key);
    md_dirty(c, 1);
    return cons;
}

/* Open key for a group command: MD_OK with *s (maybe NULL) and *g (the
 * group named gname, maybe NULL), MD_ERR after WRONGTYPE. */
static int open_group(md_ctx_t *c, md_arg_t key, md_arg_t gname, md_key_t **k, stream_t **s,
                      scg_t **g)
{
    if (sx_open(c, key, MD_WRITE, k, s) != MD_OK) return MD_ERR;
    *g = *s ? scg_find(*s, gname.ptr, gname.len) : NULL;
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* XGROUP                                                              */
/* ------------------------------------------------------------------ */

/* Options of CREATE (MKSTREAM allowed) and SETID after the ID. */
static int parse_group_opts(md_ctx_t *c, int argc, const md_arg_t *argv, int create,
                            int *mkstream, long long *read)
{
    *mkstream = 0;
    *read = SCG_ENTRIES_READ_UNKNOWN;
    for (int i = 5; i < argc; i++) {
        if (create && md_arg_eq(argv[i], "mkstream")) {
            *mkstream = 1;
        } else if (md_arg_eq(argv[i], "entriesread") && i + 1 < argc) {
            if (md_parse_ll(c, argv[i + 1], read) != MD_OK) return MD_ERR;
            if (*read < 0 && *read != SCG_ENTRIES_READ_UNKNOWN) {
                md_reply_error(c, "ERR value for ENTRIESREAD must be positive or -1");
                return MD_ERR;
            }
            i++;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "ERR unknown subcommand or wrong number of arguments for "
                                      "'%s'. Try XGROUP HELP.", create ? "CREATE" : "SETID");
            md_reply_error(c, msg);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* The key (and, for need_group, the group) the subcommand needs: MD_ERR
 * after Redis's error reply. */
static int need_key(md_ctx_t *c, const md_arg_t *argv, stream_t *s, scg_t *g, int need_group)
{
    if (s == NULL) {
        md_reply_error(c, "ERR The XGROUP subcommand requires the key to exist. Note that for "
                          "CREATE you may want to use the MKSTREAM option to create an empty "
                          "stream automatically.");
        return MD_ERR;
    }
    if (need_group && g == NULL) {
        size_t n = argv[2].len + argv[3].len + 64;
        char *msg = md_alloc(n);
        snprintf(msg, n, "NOGROUP No such consumer group '%.*s' for key name '%.*s'",
                 (int)argv[3].len, argv[3].ptr, (int)argv[2].len, argv[2].ptr);
        md_reply_error(c, msg);
        md_free(msg);
        return MD_ERR;
    }
    return MD_OK;
}

static int xgroup_create(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int mk;
    long long read;
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    sid_t id = {0, 0};

    if (parse_group_opts(c, argc, argv, 1, &mk, &read) != MD_OK) return MD_OK;
    if (open_group(c, argv[2], argv[3], &k, &s, &g) != MD_OK) return MD_OK;
    if (!mk && need_key(c, argv, s, g, 0) != MD_OK) return MD_OK;
    if (argc > 8)
        return md_reply_error(c, "ERR unknown subcommand or wrong number of arguments for "
                                 "'CREATE'. Try XGROUP HELP.");
    if (argv[4].len == 1 && argv[4].ptr[0] == '$') {
        if (s) id = s->last_id;
    } else if (sx_parse_id_or_reply(c, argv[4], &id, 0, 1) != MD_OK) {
        return MD_OK;
    }
    if (g) return md_reply_error(c, "BUSYGROUP Consumer Group name already exists");
    if (s == NULL) {
        s = sv_new();
        md_key_set(k, streams_type, s, 0);
        md_key_modified(c, k);
    }
    scg_create(s, argv[3].ptr, argv[3].len, &id, read);
    md_dirty(c, 1);
    md_notify(c, MD_NOTIFY_STREAM, "xgroup-create", argv[2]);
    return md_reply_ok(c);
}

static int xgroup_setid(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int mk;
    long long read;
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    sid_t id;

    if (parse_group_opts(c, argc, argv, 0, &mk, &read) != MD_OK) return MD_OK;
    if (open_group(c, argv[2], argv[3], &k, &s, &g) != MD_OK) return MD_OK;
    if (need_key(c, argv, s, g, 1) != MD_OK) return MD_OK;
    if (argc != 5 && argc != 7)
        return md_reply_error(c, "ERR unknown subcommand or wrong number of arguments for "
                                 "'SETID'. Try XGROUP HELP.");
    if (argv[4].len == 1 && argv[4].ptr[0] == '$') id = s->last_id;
    else if (sx_parse_id_or_reply(c, argv[4], &id, 0, 0) != MD_OK) return MD_OK;
    g->last_id = id;
    g->entries_read = read;
    md_dirty(c, 1);
    md_notify(c, MD_NOTIFY_STREAM, "xgroup-setid", argv[2]);
    return md_reply_ok(c);
}

static int xgroup_destroy(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    (void)argc;
    if (open_group(c, argv[2], argv[3], &k, &s, &g) != MD_OK) return MD_OK;
    if (need_key(c, argv, s, g, 0) != MD_OK) return MD_OK;
    if (g == NULL) return md_reply_int(c, 0);
    scg_destroy(s, g);
    md_dirty(c, 1);
    md_notify(c, MD_NOTIFY_STREAM, "xgroup-destroy", argv[2]);
    md_key_ready(c, argv[2]);   /* blocked XREADGROUPs get NOGROUP */
    return md_reply_int(c, 1);
}

static int xgroup_createconsumer(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    (void)argc;
    if (open_group(c, argv[2], argv[3], &k, &s, &g) != MD_OK) return MD_OK;
    if (need_key(c, argv, s, g, 1) != MD_OK) return MD_OK;
    if (scg_consumer_find(g, argv[4].ptr, argv[4].len)) return md_reply_int(c, 0);
    sx_consumer(c, argv[2], g, argv[4]);
    return md_reply_int(c, 1);
}

static int xgroup_delconsumer(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    scg_consumer_t *cons;
    size_t pending = 0;
    (void)argc;
    if (open_group(c, argv[2], argv[3], &k, &s, &g) != MD_OK) return MD_OK;
    if (need_key(c, argv, s, g, 1) != MD_OK) return MD_OK;
    cons = scg_consumer_find(g, argv[4].ptr, argv[4].len);
    if (cons) {
        pending = scg_consumer_delete(g, cons);
        md_dirty(c, 1);
        md_notify(c, MD_NOTIFY_STREAM, "xgroup-delconsumer", argv[2]);
    }
    return md_reply_int(c, (long long)pending);
}

/* XGROUP HELP: Redis's text, one status line each. */
static int xgroup_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help."};
    (void)argc;
    (void)argv;
    md_reply_array(c, sizeof lines / sizeof *lines);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) md_reply_simple(c, lines[i]);
    return MD_OK;
}

#define SUB(nm, fn, ar, fl, acls, sum, cx, ...)                                     \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = 2,           \
     .last_key = 2, .step = 1, .acl = acls, .summary = sum, .complexity = cx,       \
     .group = "stream", __VA_ARGS__}

const md_command_t sx_xgroup_subcommands[] = {
    SUB("create", xgroup_create, -5, "write denyoom", "@write @stream @slow",
        "Creates a consumer group.", "O(1)", .since = "5.0.0",
        .syntax = "key groupname <id | ${=new_id}>{=id} [MKSTREAM] "
                  "[ENTRIESREAD entries_read{integer}]",
        .key_specs = "RW insert index:2",
        .history = "7.0.0: Added the `entries_read` named argument."),
    SUB("setid", xgroup_setid, -5, "write", "@write @stream @slow",
        "Sets the last-delivered ID of a consumer group.", "O(1)", .since = "5.0.0",
        .syntax = "key groupname <id | ${=new_id}>{=id} "
                  "[ENTRIESREAD entries_read{integer}]",
        .key_specs = "RW update index:2",
        .history = "7.0.0: Added the optional `entries_read` argument."),
    SUB("destroy", xgroup_destroy, 4, "write", "@write @stream @slow",
        "Destroys a consumer group.",
        "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        .since = "5.0.0", .syntax = "key groupname", .key_specs = "RW delete index:2"),
    SUB("createconsumer", xgroup_createconsumer, 5, "write denyoom", "@write @stream @slow",
        "Creates a consumer in a consumer group.", "O(1)", .since = "6.2.0",
        .syntax = "key groupname consumername", .key_specs = "RW insert index:2"),
    SUB("delconsumer", xgroup_delconsumer, 5, "write", "@write @stream @slow",
        "Deletes a consumer from a consumer group.", "O(1)", .since = "5.0.0",
        .syntax = "key groupname consumername", .key_specs = "RW delete index:2"),
    {.name = "help", .handler = xgroup_help, .arity = 2, .flags = "loading stale",
     .acl = "@stream @slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "stream"},
    {.name = NULL}};

/* ------------------------------------------------------------------ */
/* XACK                                                                */
/* ------------------------------------------------------------------ */

int sx_cmd_xack(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    sid_t *ids;
    long long acked = 0;

    if (open_group(c, argv[1], argv[2], &k, &s, &g) != MD_OK) return MD_OK;
    if (g == NULL) return md_reply_int(c, 0);   /* no key or group: nothing to ack */
    ids = md_alloc((size_t)(argc - 3) * sizeof *ids);
    for (int j = 3; j < argc; j++) {
        if (sx_parse_id_or_reply(c, argv[j], &ids[j - 3], 0, 1) != MD_OK) {
            md_free(ids);
            return MD_OK;
        }
    }
    for (int j = 0; j < argc - 3; j++) acked += scg_nack_remove(g, &ids[j]);
    if (acked) md_dirty(c, acked);
    md_free(ids);
    return md_reply_int(c, acked);
}

/* ------------------------------------------------------------------ */
/* XPENDING                                                            */
/* ------------------------------------------------------------------ */

static void pending_summary(md_ctx_t *c, const scg_t *g)
{
    void *h;
    long n = 0;
    md_reply_array(c, 4);
    md_reply_int(c, (long long)g->pel.count);
    if (g->pel.count == 0) {
        md_reply_null(c);
        md_reply_null(c);
        md_reply_null_array(c);
        return;
    }
    sx_reply_id(c, &srax_first(&g->pel)->key);
    sx_reply_id(c, &srax_last(&g->pel)->key);
    h = md_reply_defer(c);
    for (size_t i = 0; i < g->ncons; i++) {
        if (g->cons[i]->pel.count == 0) continue;
        md_reply_array(c, 2);
        md_reply_bulk(c, g->cons[i]->name, g->cons[i]->nlen);
        md_reply_bulk_ll(c, (long long)g->cons[i]->pel.count);
        n++;
    }
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
}

static void pending_range(md_ctx_t *c, const srax_t *pel, const sid_t *start, const sid_t *end,
                          long long count, long long minidle)
{
    int64_t now = md_mstime();
    void *h = md_reply_defer(c);
    long n = 0;
    for (srax_leaf_t *l = srax_seek(pel, start, SRAX_GE);
         count && l && sid_cmp(&l->key, end) <= 0; l = srax_seek(pel, &l->key, SRAX_GT)) {
        const scg_nack_t *nack = l->val;
        int64_t idle = now - nack->delivery_time;
        if (minidle && idle < minidle) continue;
        n++;
        count--;
        md_reply_array(c, 4);
        sx_reply_id(c, &l->key);
        md_reply_bulk(c, nack->consumer->name, nack->consumer->nlen);
        md_reply_int(c, idle < 0 ? 0 : idle);
        md_reply_int(c, (long long)nack->delivery_count);
    }
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
}

/* A range bound as XRANGE takes it; MD_ERR after the reply. */
static int parse_bound(md_ctx_t *c, md_arg_t a, sid_t *id, uint64_t missing, int start)
{
    int excl = a.len > 1 && a.ptr[0] == '(';
    md_arg_t rest = {a.ptr + excl, a.len - (size_t)excl};
    if (sx_parse_id_or_reply(c, rest, id, missing, excl) != MD_OK) return MD_ERR;
    if (excl && (start ? sid_incr(id) : sid_decr(id)) != 0) {
        md_reply_error(c, start ? "ERR invalid start ID for the interval"
                                : "ERR invalid end ID for the interval");
        return MD_ERR;
    }
    return MD_OK;
}

int sx_cmd_xpending(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long minidle = 0, count = 0;
    sid_t start, end;
    int si = 3;
    md_key_t *k;
    stream_t *s;
    scg_t *g;

    if (argc != 3 && (argc < 6 || argc > 9)) return md_reply_syntax(c);
    if (argc >= 6) {
        if (md_arg_eq(argv[3], "idle")) {
            if (md_parse_ll(c, argv[4], &minidle) != MD_OK) return MD_OK;
            if (argc < 8) return md_reply_syntax(c);
            si += 2;
        }
        if (md_parse_ll(c, argv[si + 2], &count) != MD_OK) return MD_OK;
        if (count < 0) count = 0;
        if (parse_bound(c, argv[si], &start, 0, 1) != MD_OK ||
            parse_bound(c, argv[si + 1], &end, UINT64_MAX, 0) != MD_OK)
            return MD_OK;
    }
    if (sx_open(c, argv[1], MD_READ, &k, &s) != MD_OK) return MD_OK;
    g = s ? scg_find(s, argv[2].ptr, argv[2].len) : NULL;
    if (g == NULL) {
        sx_reply_nogroup(c, argv[1], argv[2], "");
        return MD_OK;
    }
    if (argc == 3) {
        pending_summary(c, g);
    } else if (si + 3 < argc) {
        scg_consumer_t *cons = scg_consumer_find(g, argv[si + 3].ptr, argv[si + 3].len);
        if (cons == NULL) return md_reply_array(c, 0);
        pending_range(c, &cons->pel, &start, &end, count, minidle);
    } else {
        pending_range(c, &g->pel, &start, &end, count, minidle);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* XCLAIM, XAUTOCLAIM                                                  */
/* ------------------------------------------------------------------ */

/* Is the entry id in the stream (not deleted)? */
static int entry_exists(const stream_t *s, const sid_t *id)
{
    sv_iter_t it;
    int found;
    sv_iter_start(&it, s, id, id, 0);
    found = sv_iter_next(&it);
    sv_iter_done(&it);
    return found;
}

/* One claimed entry: its ID (JUSTID) or the whole entry. */
static void reply_claimed(md_ctx_t *c, const stream_t *s, const sid_t *id, int justid)
{
    sv_iter_t it;
    if (justid) {
        sx_reply_id(c, id);
        return;
    }
    sv_iter_start(&it, s, id, id, 0);
    if (sv_iter_next(&it)) sx_reply_entry(c, &it.e);
    sv_iter_done(&it);
}

typedef struct claim_opts {
    int force, justid;
    long long retry;        /* -1: not given */
    int64_t time;           /* -1: not given */
    sid_t lastid;
} claim_opts_t;

/* XCLAIM's options from argv[j] on: MD_ERR after the reply. */
static int parse_claim_opts(md_ctx_t *c, int argc, const md_arg_t *argv, int j, claim_opts_t *o)
{
    int64_t now = md_mstime();
    memset(o, 0, sizeof *o);
    o->retry = o->time = -1;
    for (; j < argc; j++) {
        int more = argc - 1 - j;
        long long v;
        if (md_arg_eq(argv[j], "force")) {
            o->force = 1;
        } else if (md_arg_eq(argv[j], "justid")) {
            o->justid = 1;
        } else if ((md_arg_eq(argv[j], "idle") || md_arg_eq(argv[j], "time") ||
                    md_arg_eq(argv[j], "retrycount")) && more) {
            int idle = md_arg_eq(argv[j], "idle"), time = md_arg_eq(argv[j], "time");
            if (md_arg_ll(argv[++j], &v) != MD_OK) {
                md_reply_error(c, idle ? "ERR Invalid IDLE option argument for XCLAIM"
                                       : time ? "ERR Invalid TIME option argument for XCLAIM"
                                              : "ERR Invalid RETRYCOUNT option argument for XCLAIM");
                return MD_ERR;
            }
            if (idle) o->time = now - v;
            else if (time) o->time = v;
            else o->retry = v;
        } else if (md_arg_eq(argv[j], "lastid") && more) {
            if (sx_parse_id_or_reply(c, argv[++j], &o->lastid, 0, 1) != MD_OK) return MD_ERR;
        } else {
            size_t n = argv[j].len + 48;
            char *msg = md_alloc(n);
            snprintf(msg, n, "ERR Unrecognized XCLAIM option '%.*s'", (int)argv[j].len, argv[j].ptr);
            md_reply_error(c, msg);
            md_free(msg);
            return MD_ERR;
        }
    }
    if (o->time != -1 && (o->time < 0 || o->time > now)) o->time = now;
    if (o->time == -1) o->time = now;
    return MD_OK;
}

/* Drop a pending entry whose message is gone, propagating it. */
static void drop_gone(md_ctx_t *c, md_arg_t key, scg_t *g, const sid_t *id, scg_nack_t *n)
{
    sx_propagate_xclaim(c, key, g, id, n);
    scg_nack_remove(g, id);
    md_dirty(c, 1);
}

int sx_cmd_xclaim(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    scg_consumer_t *cons = NULL;
    long long minidle;
    claim_opts_t o;
    sid_t *ids;
    int nids, j, prop_last = 0;
    int64_t now = md_mstime();
    void *h;
    long n = 0;

    if (open_group(c, argv[1], argv[2], &k, &s, &g) != MD_OK) return MD_OK;
    if (g == NULL) {
        sx_reply_nogroup(c, argv[1], argv[2], "");
        return MD_OK;
    }
    if (md_arg_ll(argv[4], &minidle) != MD_OK)
        return md_reply_error(c, "ERR Invalid min-idle-time argument for XCLAIM");
    if (minidle < 0) minidle = 0;
    ids = md_alloc((size_t)argc * sizeof *ids);
    for (j = 5; j < argc; j++)
        if (sx_parse_id(argv[j], &ids[j - 5], 0, 1, NULL) != MD_OK) break;
    nids = j - 5;
    if (parse_claim_opts(c, argc, argv, j, &o) != MD_OK) {
        md_free(ids);
        return MD_OK;
    }
    if (sid_cmp(&o.lastid, &g->last_id) > 0) {
        g->last_id = o.lastid;
        prop_last = 1;
    }
    h = md_reply_defer(c);
    for (j = 0; j < nids; j++) {
        srax_leaf_t *l = srax_find(&g->pel, &ids[j]);
        scg_nack_t *nack = l ? l->val : NULL;
        if (!entry_exists(s, &ids[j])) {
            if (nack) {
                drop_gone(c, argv[1], g, &ids[j], nack);
                prop_last = 0;
            }
            continue;
        }
        if (nack == NULL && !o.force) continue;
        if (nack && minidle && now - nack->delivery_time < minidle) continue;
        if (cons == NULL) cons = sx_consumer(c, argv[1], g, argv[3]);
        nack = scg_nack_assign(g, &ids[j], cons);
        nack->delivery_time = o.time;
        if (o.retry >= 0) nack->delivery_count = (uint64_t)o.retry;
        else if (!o.justid) nack->delivery_count++;
        reply_claimed(c, s, &ids[j], o.justid);
        n++;
        cons->active_time = now;
        sx_propagate_xclaim(c, argv[1], g, &ids[j], nack);
        prop_last = 0;
        md_dirty(c, 1);
    }
    if (prop_last) {
        sx_propagate_setid(c, argv[1], g);
        md_dirty(c, 1);
    }
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
    md_free(ids);
    return MD_OK;
}

/* XAUTOCLAIM's COUNT and JUSTID: MD_ERR after the reply. */
static int parse_autoclaim_opts(md_ctx_t *c, int argc, const md_arg_t *argv, long long *count,
                                int *justid)
{
    *count = 100;
    *justid = 0;
    for (int j = 6; j < argc; j++) {
        if (md_arg_eq(argv[j], "count") && argc - 1 - j) {
            long long v;
            if (md_arg_ll(argv[j + 1], &v) != MD_OK || v < 1 || v > LONG_MAX / 16) {
                md_reply_error(c, "ERR COUNT must be > 0");
                return MD_ERR;
            }
            *count = v;
            j++;
        } else if (md_arg_eq(argv[j], "justid")) {
            *justid = 1;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

int sx_cmd_xautoclaim(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    scg_t *g;
    scg_consumer_t *cons = NULL;
    long long minidle, count, attempts;
    int justid;
    sid_t start, *claimed, *gone;
    int64_t now = md_mstime();
    srax_leaf_t *l;
    long n = 0, ngone = 0;

    if (open_group(c, argv[1], argv[2], &k, &s, &g) != MD_OK) return MD_OK;
    if (g == NULL) {
        sx_reply_nogroup(c, argv[1], argv[2], "");
        return MD_OK;
    }
    if (md_arg_ll(argv[4], &minidle) != MD_OK)
        return md_reply_error(c, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
    if (minidle < 0) minidle = 0;
    if (parse_bound(c, argv[5], &start, 0, 1) != MD_OK) return MD_OK;
    if (parse_autoclaim_opts(c, argc, argv, &count, &justid) != MD_OK) return MD_OK;
    attempts = count * 10;
    claimed = md_alloc((size_t)count * sizeof *claimed);
    gone = md_alloc((size_t)count * sizeof *gone);
    /* Claim first (the cursor comes first in the reply), then reply. */
    for (l = srax_seek(&g->pel, &start, SRAX_GE); attempts-- && count && l;) {
        sid_t id = l->key;
        scg_nack_t *nack = l->val;
        if (!entry_exists(s, &id)) {
            drop_gone(c, argv[1], g, &id, nack);
            gone[ngone++] = id;
            count--;
        } else if (!minidle || now - nack->delivery_time >= minidle) {
            if (cons == NULL) cons = sx_consumer(c, argv[1], g, argv[3]);
            nack = scg_nack_assign(g, &id, cons);
            nack->delivery_time = now;
            if (!justid) nack->delivery_count++;
            cons->active_time = now;
            claimed[n++] = id;
            count--;
            sx_propagate_xclaim(c, argv[1], g, &id, nack);
            md_dirty(c, 1);
        }
        l = srax_seek(&g->pel, &id, SRAX_GT);
    }
    md_reply_array(c, 3);
    if (l) sx_reply_id(c, &l->key);
    else md_reply_bulk(c, "0-0", 3);
    md_reply_array(c, n);
    for (long i = 0; i < n; i++) reply_claimed(c, s, &claimed[i], justid);
    md_reply_array(c, ngone);
    for (long i = 0; i < ngone; i++) sx_reply_id(c, &gone[i]);
    md_free(claimed);
    md_free(gone);
    return MD_OK;
}
