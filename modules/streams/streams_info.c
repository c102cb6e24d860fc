/*
 * streams_info.c — XINFO with Redis 7.4's replies: STREAM (the counters,
 * first and last entries; FULL: up to COUNT entries, default 10, 0 for
 * all, and every group with its PEL and consumers), GROUPS (consumers,
 * pending, last delivered ID, entries read and lag, null when unknown),
 * CONSUMERS (pending, idle since last seen, inactive since last active,
 * -1 if never) and HELP. radix-tree-nodes counts this module's tree
 * nodes (a binary radix tree), not those of Redis's rax.
 */
#include <stdio.h>
#include <string.h>
#include "streams_info.h"
#include "streams_cmds.h"
#include "streams_groups.h"
#include "streams.h"

/* The stream at argv[2]: NULL after the error reply. */
static stream_t *open_stream(md_ctx_t *c, md_arg_t key)
{
    md_key_t *k;
    stream_t *s;
    if (sx_open(c, key, MD_READ, &k, &s) != MD_OK) return NULL;
    if (s == NULL) md_reply_error(c, "ERR no such key");
    return s;
}

static void field_ll(md_ctx_t *c, const char *name, long long v)
{
    md_reply_bulk(c, name, strlen(name));
    md_reply_int(c, v);
}

static void field_id(md_ctx_t *c, const char *name, const sid_t *id)
{
    md_reply_bulk(c, name, strlen(name));
    sx_reply_id(c, id);
}

static void reply_edge(md_ctx_t *c, const char *name, const stream_t *s, int last)
{
    sid_t lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    sv_iter_t it;
    md_reply_bulk(c, name, strlen(name));
    sv_iter_start(&it, s, &lo, &hi, last);
    if (sv_iter_next(&it)) sx_reply_entry(c, &it.e);
    else md_reply_null(c);
    sv_iter_done(&it);
}

/* entries-read and lag of a group: integers, or null when unknown. */
static void reply_read_and_lag(md_ctx_t *c, const stream_t *s, const scg_t *g)
{
    long long lag = scg_lag(s, g);
    md_reply_bulk(c, "entries-read", 12);
    if (g->entries_read == SCG_ENTRIES_READ_UNKNOWN) md_reply_null(c);
    else md_reply_int(c, g->entries_read);
    md_reply_bulk(c, "lag", 3);
    if (lag < 0) md_reply_null(c);
    else md_reply_int(c, lag);
}

static void reply_full_group(md_ctx_t *c, const stream_t *s, const scg_t *g)
{
    md_reply_map(c, 7);
    md_reply_bulk(c, "name", 4);
    md_reply_bulk(c, g->name, g->nlen);
    field_id(c, "last-delivered-id", &g->last_id);
    reply_read_and_lag(c, s, g);
    field_ll(c, "pel-count", (long long)g->pel.count);
    md_reply_bulk(c, "pending", 7);
    md_reply_array(c, (long)g->pel.count);
    for (srax_leaf_t *l = srax_first(&g->pel); l; l = srax_seek(&g->pel, &l->key, SRAX_GT)) {
        const scg_nack_t *n = l->val;
        md_reply_array(c, 4);
        sx_reply_id(c, &l->key);
        md_reply_bulk(c, n->consumer->name, n->consumer->nlen);
        md_reply_int(c, n->delivery_time);
        md_reply_int(c, (long long)n->delivery_count);
    }
    md_reply_bulk(c, "consumers", 9);
    md_reply_array(c, (long)g->ncons);
    for (size_t i = 0; i < g->ncons; i++) {
        const scg_consumer_t *cons = g->cons[i];
        md_reply_map(c, 5);
        md_reply_bulk(c, "name", 4);
        md_reply_bulk(c, cons->name, cons->nlen);
        field_ll(c, "seen-time", cons->seen_time);
        field_ll(c, "active-time", cons->active_time);
        field_ll(c, "pel-count", (long long)cons->pel.count);
        md_reply_bulk(c, "pending", 7);
        md_reply_array(c, (long)cons->pel.count);
        for (srax_leaf_t *l = srax_first(&cons->pel); l;
             l = srax_seek(&cons->pel, &l->key, SRAX_GT)) {
            const scg_nack_t *n = l->val;
            md_reply_array(c, 3);
            sx_reply_id(c, &l->key);
            md_reply_int(c, n->delivery_time);
            md_reply_int(c, (long long)n->delivery_count);
        }
    }
}

static int xinfo_stream(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long count = 10;
    int full = argc > 3;
    stream_t *s;
    sid_t lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};

    if (full && (!md_arg_eq(argv[3], "full") || (argc != 4 && argc != 6) ||
                 (argc == 6 && !md_arg_eq(argv[4], "count")))) {
        char msg[200];
        snprintf(msg, sizeof msg, "ERR unknown subcommand or wrong number of arguments for "
                                  "'%.*s'. Try XINFO HELP.", (int)argv[1].len, argv[1].ptr);
        return md_reply_error(c, msg);
    }
    if (argc == 6) {
        if (md_parse_ll(c, argv[5], &count) != MD_OK) return MD_OK;
        if (count < 0) count = 10;
    }
    if ((s = open_stream(c, argv[2])) == NULL) return MD_OK;
    md_reply_map(c, full ? 9 : 10);
    field_ll(c, "length", (long long)s->length);
    field_ll(c, "radix-tree-keys", (long long)s->rax.count);
    field_ll(c, "radix-tree-nodes", s->rax.count ? (long long)(2 * s->rax.count - 1) : 0);
    field_id(c, "last-generated-id", &s->last_id);
    field_id(c, "max-deleted-entry-id", &s->max_deleted_id);
    field_ll(c, "entries-added", (long long)s->entries_added);
    field_id(c, "recorded-first-entry-id", &s->first_id);
    if (!full) {
        field_ll(c, "groups", (long long)s->ngroups);
        reply_edge(c, "first-entry", s, 0);
        reply_edge(c, "last-entry", s, 1);
        return MD_OK;
    }
    md_reply_bulk(c, "entries", 7);
    sx_reply_range(c, s, &lo, &hi, count, 0);
    md_reply_bulk(c, "groups", 6);
    md_reply_array(c, (long)s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) reply_full_group(c, s, s->groups[i]);
    return MD_OK;
}

static int xinfo_groups(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    stream_t *s;
    (void)argc;
    if ((s = open_stream(c, argv[2])) == NULL) return MD_OK;
    md_reply_array(c, (long)s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) {
        const scg_t *g = s->groups[i];
        md_reply_map(c, 6);
        md_reply_bulk(c, "name", 4);
        md_reply_bulk(c, g->name, g->nlen);
        field_ll(c, "consumers", (long long)g->ncons);
        field_ll(c, "pending", (long long)g->pel.count);
        field_id(c, "last-delivered-id", &g->last_id);
        reply_read_and_lag(c, s, g);
    }
    return MD_OK;
}

static int xinfo_consumers(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    stream_t *s;
    scg_t *g;
    int64_t now = md_mstime();
    (void)argc;
    if ((s = open_stream(c, argv[2])) == NULL) return MD_OK;
    g = scg_find(s, argv[3].ptr, argv[3].len);
    if (g == NULL) {
        size_t n = argv[2].len + argv[3].len + 64;
        char *msg = md_alloc(n);
        snprintf(msg, n, "NOGROUP No such consumer group '%.*s' for key name '%.*s'",
                 (int)argv[3].len, argv[3].ptr, (int)argv[2].len, argv[2].ptr);
        md_reply_error(c, msg);
        md_free(msg);
        return MD_OK;
    }
    md_reply_array(c, (long)g->ncons);
    for (size_t i = 0; i < g->ncons; i++) {
        const scg_consumer_t *cons = g->cons[i];
        int64_t idle = now - cons->seen_time;
        md_reply_map(c, 4);
        md_reply_bulk(c, "name", 4);
        md_reply_bulk(c, cons->name, cons->nlen);
        field_ll(c, "pending", (long long)cons->pel.count);
        field_ll(c, "idle", idle < 0 ? 0 : idle);
        field_ll(c, "inactive", cons->active_time == -1 ? -1 : now - cons->active_time);
    }
    return MD_OK;
}

static int xinfo_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help."};
    (void)argc;
    (void)argv;
    md_reply_array(c, sizeof lines / sizeof *lines);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) md_reply_simple(c, lines[i]);
    return MD_OK;
}

#define SUB(nm, fn, ar, sum, cx, ...)                                                   \
    {.name = nm, .handler = fn, .arity = ar, .flags = "readonly", .first_key = 2,       \
     .last_key = 2, .step = 1, .acl = "@read @stream @slow", .summary = sum,            \
     .since = "5.0.0", .complexity = cx, .group = "stream", .key_specs = "RO access index:2", \
     __VA_ARGS__}

const md_command_t sx_xinfo_subcommands[] = {
    SUB("stream", xinfo_stream, -3, "Returns information about a stream.", "O(1)",
        .syntax = "key [FULL ([COUNT count])]",
        .history = "6.0.0: Added the `FULL` modifier.\n"
                   "7.0.0: Added the `max-deleted-entry-id`, `entries-added`, "
                   "`recorded-first-entry-id`, `entries-read` and `lag` fields\n"
                   "7.2.0: Added the `active-time` field, and changed the meaning of "
                   "`seen-time`."),
    SUB("groups", xinfo_groups, 3, "Returns a list of the consumer groups of a stream.", "O(1)",
        .syntax = "key",
        .history = "7.0.0: Added the `entries-read` and `lag` fields"),
    SUB("consumers", xinfo_consumers, 4, "Returns a list of the consumers in a consumer group.",
        "O(1)", .syntax = "key groupname", .tips = "nondeterministic_output",
        .history = "7.2.0: Added the `inactive` field, and changed the meaning of `idle`."),
    {.name = "help", .handler = xinfo_help, .arity = 2, .flags = "loading stale",
     .acl = "@stream @slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "stream"},
    {.name = NULL}};
