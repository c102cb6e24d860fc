/*
 * cmd_memory.c — the MEMORY command: USAGE (bytes a key and its value
 * take, from the type's mem_usage callback plus the key entry), STATS,
 * DOCTOR, MALLOC-STATS, PURGE, HELP.
 */
#include "autoconfig.h"
#include "client.h"
#include "hostcmds.h"
#include "info.h"
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

static void field_double(md_ctx_t *c, const char *name, double v)
{
    md_reply_bulk(c, name, strlen(name));
    md_reply_double(c, v);
}

static double ratio(double a, double b) { return b ? a / b : 0; }

/*
 * Redis's fields in Redis's order (the figures INFO memory shows), db.N for
 * each db holding keys, the keyspace tables' figures of Redis 7.4, then
 * Modis's own: the allocator's name and each module's memory.
 */
static int memory_stats(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    info_mem_t m;
    info_memory_figures(&m);
    long long keys = 0;
    int ndbs = 0, nrehashing = 0;
    for (int i = 0; i < srv.databases; i++) {
        keys += (long long)ks_size(&srv.db[i]);
        ndbs += ks_size(&srv.db[i]) > 0;
        nrehashing += srv.db[i].t.rehashidx != -1;
    }
    int nmods = 0;
    for (module_t *x = module_first(); x; x = x->next) nmods++;
    md_reply_map(c, 31 + ndbs + nmods);
    field_ll(c, "peak.allocated", (long long)m.peak);
    field_ll(c, "total.allocated", (long long)m.used);
    field_ll(c, "startup.allocated", (long long)m.startup);
    field_ll(c, "replication.backlog", 0);
    field_ll(c, "clients.slaves", 0);
    field_ll(c, "clients.normal", (long long)m.clients);
    field_ll(c, "cluster.links", 0);
    field_ll(c, "aof.buffer", (long long)m.aof_buffer);
    field_ll(c, "lua.caches", 0);
    field_ll(c, "functions.caches", 0);
    for (int i = 0; i < srv.databases; i++) {
        if (!ks_size(&srv.db[i])) continue;
        char name[32];
        size_t main, expires;
        info_db_overhead(i, &main, &expires);
        snprintf(name, sizeof(name), "db.%d", i);
        md_reply_bulk(c, name, strlen(name));
        md_reply_map(c, 2);
        field_ll(c, "overhead.hashtable.main", (long long)main);
        field_ll(c, "overhead.hashtable.expires", (long long)expires);
    }
    field_ll(c, "overhead.db.hashtable.lut", (long long)m.lut);
    field_ll(c, "overhead.db.hashtable.rehashing", (long long)m.rehashing);
    field_ll(c, "overhead.total", (long long)m.overhead);
    field_ll(c, "db.dict.rehashing.count", nrehashing);
    field_ll(c, "keys.count", keys);
    field_ll(c, "keys.bytes-per-key", keys ? (long long)(m.net / (size_t)keys) : 0);
    field_ll(c, "dataset.bytes", (long long)m.dataset);
    field_double(c, "dataset.percentage", ratio((double)m.dataset * 100, (double)m.net));
    field_double(c, "peak.percentage", ratio((double)m.used * 100, (double)m.peak));
    field_ll(c, "allocator.allocated", m.allocated);
    field_ll(c, "allocator.active", m.active);
    field_ll(c, "allocator.resident", m.resident);
    field_double(c, "allocator-fragmentation.ratio", ratio((double)m.active, (double)m.allocated));
    field_ll(c, "allocator-fragmentation.bytes", m.active - m.allocated);
    field_double(c, "allocator-rss.ratio", ratio((double)m.resident, (double)m.active));
    field_ll(c, "allocator-rss.bytes", m.resident - m.active);
    field_double(c, "rss-overhead.ratio", ratio((double)m.rss, (double)m.resident));
    field_ll(c, "rss-overhead.bytes", (long long)m.rss - m.resident);
    field_double(c, "fragmentation", ratio((double)m.rss, (double)m.used));
    field_ll(c, "fragmentation.bytes", (long long)m.rss - (long long)m.used);
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
    return sdk_reply_help(c, lines);
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
