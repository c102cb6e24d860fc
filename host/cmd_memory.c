/*
 * cmd_memory.c — the MEMORY command: USAGE (bytes a key and its value
 * take, from the type's mem_usage callback plus the key entry), STATS,
 * DOCTOR, MALLOC-STATS, PURGE, HELP.
 */
#include "autoconfig.h"
#include "client.h"
#include "hostcmds.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"

#include <stdio.h>
#include <string.h>
#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/*
 * MEMORY USAGE key [SAMPLES count]: the options are checked as Redis checks
 * them (SAMPLES may repeat, the last one wins; a count that is not an
 * integer or is negative is an error; anything else is a syntax error),
 * but the count is not used: the type modules' mem_usage callbacks measure
 * every element, so the figure is exact whatever was asked (Redis samples
 * 5 elements by default and extrapolates).
 */
static int memory_usage(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    for (int j = 3; j < argc; j++) {
        long long samples;
        if (!md_arg_eq(argv[j], "SAMPLES") || j + 1 >= argc) {
            md_reply_syntax(c);
            return MD_OK;
        }
        if (md_parse_ll(c, argv[++j], &samples) != MD_OK) return MD_OK;
        if (samples < 0) {
            md_reply_syntax(c);
            return MD_OK;
        }
    }
    ks_db_t *db = &srv.db[c->client->dbid];
    ks_entry_t *e = ks_find(db, argv[2].ptr, argv[2].len);
    if (!e || ks_is_expired(e)) {
        md_reply_null(c);
        return MD_OK;
    }
    md_type_t *t = types_by_id(e->type);
    size_t bytes = mem_usable(e) + sizeof(ks_entry_t *); /* entry + bucket slot */
    if (t->ops.mem_usage) bytes += t->ops.mem_usage(e->value);
    md_reply_int(c, (long long)bytes);
    return MD_OK;
}

static void field_ll(md_ctx_t *c, const char *name, long long v)
{
    md_reply_bulk(c, name, strlen(name));
    md_reply_int(c, v);
}

static int memory_stats(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    size_t used = mem_used();
    long long keys = 0;
    for (int i = 0; i < srv.databases; i++) keys += (long long)ks_size(&srv.db[i]);
    int nmods = 0;
    for (module_t *m = module_first(); m; m = m->next) nmods++;
    md_reply_map(c, 6 + nmods);
    field_ll(c, "peak.allocated", (long long)(srv.stat_peak_memory > used ? srv.stat_peak_memory : used));
    field_ll(c, "total.allocated", (long long)used);
    field_ll(c, "clients.normal", (long long)(client_count() * (sizeof(client_t) + sizeof(reply_t))));
    field_ll(c, "keys.count", keys);
    field_ll(c, "keys.bytes-per-key", keys ? (long long)(used / (size_t)keys) : 0);
    md_reply_bulk(c, "allocator", 9);
    md_reply_bulk(c, mem_allocator_name(), strlen(mem_allocator_name()));
    for (module_t *m = module_first(); m; m = m->next) {
        char name[96];
        snprintf(name, sizeof(name), "module.%s", m->name);
        field_ll(c, name, (long long)m->mem_used);
    }
    return MD_OK;
}

static int memory_doctor(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char ok[] = "Hi Sam, I can't find any memory issue in your instance. "
                             "I can only account for what occurs on this base.";
    md_reply_verbatim(c, "txt", ok, sizeof(ok) - 1);
    return MD_OK;
}

#ifdef HAVE_JEMALLOC
static void stats_cb(void *opaque, const char *s)
{
    size_t n = strlen(s);
    char **buf = opaque;
    size_t have = *buf ? strlen(*buf) : 0;
    *buf = mem_realloc(*buf, have + n + 1);
    memcpy(*buf + have, s, n + 1);
}
#endif

static int memory_malloc_stats(md_ctx_t *c, int argc, const md_arg_t *argv)
{
#ifdef HAVE_JEMALLOC
    char *buf = NULL;
    malloc_stats_print(stats_cb, &buf, NULL);
    md_reply_verbatim(c, "txt", buf ? buf : "", buf ? strlen(buf) : 0);
    mem_free(buf);
#else
    static const char msg[] = "Stats not supported for the current allocator";
    md_reply_verbatim(c, "txt", msg, sizeof(msg) - 1);
#endif
    return MD_OK;
}

static int memory_purge(md_ctx_t *c, int argc, const md_arg_t *argv)
{
#ifdef HAVE_JEMALLOC
    char cmd[64];
    unsigned narenas = 0;
    size_t sz = sizeof(narenas);
    if (mallctl("arenas.narenas", &narenas, &sz, NULL, 0) == 0) {
        snprintf(cmd, sizeof(cmd), "arena.%u.purge", narenas);
        mallctl(cmd, NULL, NULL, NULL, 0);
    }
#endif
    md_reply_ok(c);
    return MD_OK;
}

static int memory_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Print this help.",
        NULL};
    int n = 0;
    while (lines[n]) n++;
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) md_reply_simple(c, lines[i]);
    return MD_OK;
}

static const md_command_t memory_subs[] = {
    {.name = "usage", .syntax = "key [SAMPLES count]", .handler = memory_usage, .arity = -3,
     .flags = "readonly", .first_key = 2, .last_key = 2, .step = 1, .acl = "@read @slow",
     .summary = "Estimates the memory usage of a key.", .since = "4.0.0",
     .complexity = "O(N) where N is the number of samples.", .group = "server",
     .key_specs = "RO index:2"},
    {.name = "stats", .handler = memory_stats, .arity = 2, .flags = "", .acl = "@slow",
     .summary = "Returns details about memory usage.", .since = "4.0.0", .complexity = "O(1)",
     .group = "server",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "doctor", .handler = memory_doctor, .arity = 2, .flags = "", .acl = "@slow",
     .summary = "Outputs a memory problems report.", .since = "4.0.0", .complexity = "O(1)",
     .group = "server",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "malloc-stats", .handler = memory_malloc_stats, .arity = 2, .flags = "",
     .acl = "@slow", .summary = "Returns the allocator statistics.", .since = "4.0.0",
     .complexity = "Depends on how much memory is allocated, could be slow", .group = "server",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "purge", .handler = memory_purge, .arity = 2, .flags = "", .acl = "@slow",
     .summary = "Asks the allocator to release memory.", .since = "4.0.0",
     .complexity = "Depends on how much memory is allocated, could be slow", .group = "server",
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "help", .handler = memory_help, .arity = 2, .flags = "loading stale",
     .acl = "@slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "4.0.0", .complexity = "O(1)", .group = "server"},
    {0}};

const md_command_t hostcmds_memory[] = {
    {.name = "memory", .arity = -2, .flags = "", .acl = "@slow",
     .summary = "A container for memory diagnostics commands.", .since = "4.0.0",
     .complexity = "Depends on subcommand.", .subcommands = memory_subs, .group = "server"},
    {0}};
