/*
 * info.c — INFO: the server's state and statistics as text, with Redis
 * 7.4's section names, field names, field order and number formats, so
 * exporters, dashboards and client libraries read Modis as they read Redis.
 *
 * Sections are always written in Redis's order, whatever the order of the
 * arguments. Fields that describe a Redis feature Modis does not have (yet)
 * keep Redis's idle value (0, -1, "ok"), never an invented measurement.
 * Modis adds `modis_version` to Server and one `module_memory_<name>` line
 * per module to Modules; Redis's own `module:` lines stay byte-compatible.
 *
 * Invariant: the text is built in one mem_alloc'd buffer owned by
 * info_generate()'s caller; nothing here keeps a pointer into it.
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */

#include "autoconfig.h" /* PACKAGE_VERSION, HAVE_JEMALLOC */

#include "info.h"
#include "lazyfree.h"
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "ks.h"
#include "lathist.h"
#include "mem.h"
#include "module.h"
#include "types.h"
#include "pause.h"
#include "pubsub.h"
#include "tracking.h"
#include "server.h"
#include "util.h"
#include "persist/child.h"
#include "persist/save.h"
#include "persist/aof.h"
#include "cluster/repl.h"
#include "cluster/repl_backlog.h"

#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif


/* ---- a growable text buffer ---- */

typedef struct ibuf {
    char *p;
    size_t len, cap;
} ibuf_t;

static void ib_reserve(ibuf_t *b, size_t more)
{
    if (b->cap - b->len > more) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= more) cap *= 2;
    b->p = mem_realloc(b->p, cap);
    b->cap = cap;
}

static void ib_printf(ibuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ib_printf(ibuf_t *b, const char *fmt, ...)
{
    va_list ap;
    ib_reserve(b, 256);
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= b->cap - b->len) {
        ib_reserve(b, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* Append a name with INFO's reserved characters (# : CR LF) replaced by
 * '_', as Redis's getSafeInfoString() does for command and error names. */
static void ib_safe(ibuf_t *b, const char *s)
{
    size_t n = strlen(s);
    ib_reserve(b, n + 1);
    for (size_t i = 0; i < n; i++)
        b->p[b->len++] = strchr("#:\r\n", s[i]) ? '_' : s[i];
    b->p[b->len] = '\0';
}

/* Redis's bytesToHuman(): 1023B, 1.00K, 1.50M ... */
static void human_bytes(char *s, size_t cap, unsigned long long n)
{
    static const char units[] = "KMGTP";
    if (n < 1024) {
        snprintf(s, cap, "%lluB", n);
        return;
    }
    double d = (double)n / 1024;
    for (int i = 0; units[i]; i++, d /= 1024) {
        if (d < 1024) {
            snprintf(s, cap, "%.2f%c", d, units[i]);
            return;
        }
    }
    snprintf(s, cap, "%lluB", n);
}

/* ---- state sampled over time ---- */

static size_t startup_memory;

void info_init(void) { startup_memory = mem_used(); }

/* Redis keeps 16 samples, one per 100 ms, and reports their mean. */
#define RATE_SAMPLES 16
typedef struct rate {
    long long last_value;
    int64_t last_ms;
    long long samples[RATE_SAMPLES];
    int idx;
} rate_t;

static rate_t rate_in, rate_out;

static void rate_track(rate_t *r, long long value, int64_t now)
{
    if (r->last_ms) {
        int64_t dt = now - r->last_ms;
        long long dv = value - r->last_value;
        r->samples[r->idx] = dt > 0 && dv > 0 ? dv * 1000 / dt : 0;
        r->idx = (r->idx + 1) % RATE_SAMPLES;
    }
    r->last_value = value;
    r->last_ms = now;
}

static double rate_mean(const rate_t *r)
{
    long long sum = 0;
    for (int i = 0; i < RATE_SAMPLES; i++) sum += r->samples[i];
    return (double)sum / RATE_SAMPLES;
}

void info_cron(void)
{
    int64_t now = util_mstime();
    if (rate_in.last_ms && now - rate_in.last_ms < 100) return;
    rate_track(&rate_in, srv.stat_net_input_bytes, now);
    rate_track(&rate_out, srv.stat_net_output_bytes, now);
}


/* ---- Server ---- */

static const char *build_id(void)
{
    static char id[17];
    if (!id[0]) {
        const char *s = "modis-" PACKAGE_VERSION " " __VERSION__;
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
        for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
        snprintf(id, sizeof(id), "%016llx", (unsigned long long)h);
    }
    return id;
}

static const char *executable_path(void)
{
    static char path[4096];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        path[n > 0 ? n : 0] = '\0';
    }
    return path;
}

/* The value of a config parameter as text, into buf. */
static const char *config_text(const char *name, char *buf, size_t cap, const char *dflt)
{
    char *v = config_get_value(name);
    snprintf(buf, cap, "%s", v ? v : dflt);
    mem_free(v);
    return buf;
}

/* Redis's listener lines: listener0 is TCP (one bind= per address),
 * listener1 the unix socket. */
static void info_listeners(ibuf_t *b)
{
    if (srv.port) {
        ib_printf(b, "listener0:name=tcp");
        const char *s = srv.bind ? srv.bind : "";
        while (*s) {
            while (*s == ' ') s++;
            size_t n = strcspn(s, " ");
            if (n) ib_printf(b, ",bind=%.*s", (int)n, s);
            s += n;
        }
        ib_printf(b, ",port=%d\r\n", srv.port);
    }
    if (srv.unixsocket && srv.unixsocket[0])
        ib_printf(b, "listener1:name=unix,bind=%s\r\n", srv.unixsocket);
}

static void info_server(ibuf_t *b)
{
    struct utsname un;
    if (uname(&un) != 0) memset(&un, 0, sizeof(un));
    int64_t now_us = util_ustime();
    long long uptime = (long long)(now_us / 1000 - srv.start_ms) / 1000;
    char sup[32];
    config_text("supervised", sup, sizeof(sup), "no");
    if (strcmp(sup, "auto") == 0) snprintf(sup, sizeof(sup), "no");
    const char *api = srv.base ? event_base_get_method(srv.base) : "";
    ib_printf(b,
        "# Server\r\n"
        "redis_version:%s\r\n"
        "modis_version:%s\r\n"
        "redis_git_sha1:00000000\r\n"
        "redis_git_dirty:0\r\n"
        "redis_build_id:%s\r\n"
        "redis_mode:standalone\r\n"
        "os:%s %s %s\r\n"
        "arch_bits:%d\r\n"
        "monotonic_clock:%s\r\n"
        "multiplexing_api:%s\r\n"
        "gcc_version:%d.%d.%d\r\n"
        "process_id:%lld\r\n"
        "process_supervised:%s\r\n"
        "run_id:%s\r\n"
        "tcp_port:%d\r\n"
        "server_time_usec:%lld\r\n"
        "uptime_in_seconds:%lld\r\n"
        "uptime_in_days:%lld\r\n"
        "hz:%d\r\n"
        "configured_hz:%d\r\n"
        "lru_clock:%u\r\n"
        "executable:%s\r\n"
        "config_file:%s\r\n"
        "io_threads_active:0\r\n",
        SERVER_COMPAT_VERSION, PACKAGE_VERSION, build_id(),
        un.sysname, un.release, un.machine, (int)(sizeof(long) * 8),
        util_monotonic_desc(), api,
#ifdef __GNUC__
        __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
        0, 0, 0,
#endif
        (long long)srv.pid, sup, srv.runid, srv.port, (long long)now_us, uptime,
        uptime / 86400, srv.hostconf.hz, srv.hz, (unsigned)ks_lru_clock(), executable_path(),
        srv.configfile ? srv.configfile : "");
    info_listeners(b);
}

/* ---- Clients ---- */

static void info_clients(ibuf_t *b)
{
    size_t maxin = 0, maxout = 0;
    for (client_t *c = client_first(); c; c = c->next_all) {
        if (c->qcap > maxin) maxin = c->qcap;
        if (c->out->blocks_mem > maxout) maxout = c->out->blocks_mem;
    }
    ib_printf(b,
        "# Clients\r\n"
        "connected_clients:%zu\r\n"
        "cluster_connections:0\r\n"
        "maxclients:%lld\r\n"
        "client_recent_max_input_buffer:%zu\r\n"
        "client_recent_max_output_buffer:%zu\r\n"
        "blocked_clients:%zu\r\n"
        "tracking_clients:%zu\r\n"
        "pubsub_clients:%zu\r\n"
        "watching_clients:0\r\n"
        "clients_in_timeout_table:0\r\n"
        "total_watched_keys:0\r\n"
        "total_blocking_keys:%zu\r\n"
        "total_blocking_keys_on_nokey:0\r\n",
        client_count(), srv.maxclients, maxin, maxout,
        blocking_clients() + (size_t)pause_postponed(), tracking_clients(), pubsub_nclients(),
        blocking_keys());
}

/* ---- Memory ---- */

typedef struct allocator_stats {
    long long allocated, active, resident, muzzy;
} allocator_stats_t;

static void allocator_stats(allocator_stats_t *a, size_t used, size_t rss)
{
    a->allocated = (long long)used;
    a->active = (long long)used;
    a->resident = (long long)rss;
    a->muzzy = 0;
#ifdef HAVE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    size_t v;
    sz = sizeof(v);
    if (mallctl("stats.allocated", &v, &sz, NULL, 0) == 0) a->allocated = (long long)v;
    if (mallctl("stats.active", &v, &sz, NULL, 0) == 0) a->active = (long long)v;
    if (mallctl("stats.resident", &v, &sz, NULL, 0) == 0) a->resident = (long long)v;
#ifdef MALLCTL_ARENAS_ALL
    char name[64];
    snprintf(name, sizeof(name), "stats.arenas.%d.pmuzzy", (int)MALLCTL_ARENAS_ALL);
    if (mallctl(name, &v, &sz, NULL, 0) == 0) a->muzzy = (long long)v * sysconf(_SC_PAGESIZE);
#endif
#endif
}

static double ratio(long long a, long long b) { return b ? (double)a / (double)b : 0; }

/* Bytes that hold no user data: clients, and the keyspace's tables and
 * entry headers (what Redis counts as dict overhead). */
static size_t clients_memory(void)
{
    size_t n = 0;
    for (client_t *c = client_first(); c; c = c->next_all) n += client_memory(c);
    return n;
}

/* A db's bucket arrays (both tables while it rehashes). */
static size_t db_lut(const ks_db_t *db)
{
    size_t n = 0;
    for (int t = 0; t < 2; t++)
        if (db->t.b[t]) n += (size_t)(db->t.mask[t] + 1) * sizeof(ks_entry_t *);
    return n;
}

void info_db_overhead(int dbid, size_t *main, size_t *expires)
{
    const ks_db_t *db = &srv.db[dbid];
    *main = db_lut(db) + ks_size(db) * sizeof(ks_entry_t);
    *expires = db->vol.cap * sizeof(void *);
}

void info_memory_figures(info_mem_t *m)
{
    m->used = mem_used();
    m->rss = mem_rss();
    if (m->used > srv.stat_peak_memory) srv.stat_peak_memory = m->used;
    m->peak = srv.stat_peak_memory;
    m->startup = startup_memory;
    m->clients = clients_memory();
    aof_info_t ai;
    aof_info_get(&ai);
    m->aof_buffer = ai.buffer_cap;
    size_t keyspace = 0;
    m->lut = m->rehashing = 0;
    for (int i = 0; i < srv.databases; i++) {
        const ks_db_t *db = &srv.db[i];
        size_t main, expires;
        info_db_overhead(i, &main, &expires);
        keyspace += main + expires;
        m->lut += db_lut(db);
        if (db->t.rehashidx != -1 && db->t.b[0])
            m->rehashing += (size_t)(db->t.mask[0] + 1) * sizeof(ks_entry_t *);
    }
    m->overhead = m->startup + m->clients + m->aof_buffer + keyspace;
    if (m->overhead > m->used) m->overhead = m->used;
    m->dataset = m->used - m->overhead;
    m->net = m->used > m->startup ? m->used - m->startup : 1;
    allocator_stats_t a;
    allocator_stats(&a, m->used, m->rss);
    m->allocated = a.allocated;
    m->active = a.active;
    m->resident = a.resident;
    m->muzzy = a.muzzy;
}

void (*info_scripting)(info_scripts_t *s);

static void info_memory(ibuf_t *b)
{
    info_mem_t m;
    info_memory_figures(&m);
    size_t used = m.used, rss = m.rss, peak = m.peak, clients = m.clients;
    size_t overhead = m.overhead, dataset = m.dataset, net = m.net, rehashing = m.rehashing;
    char policy[32];
    long long total_sys = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    allocator_stats_t a = {m.allocated, m.active, m.resident, m.muzzy};

    char h_used[32], h_rss[32], h_peak[32], h_sys[32], h_zero[32], h_max[32];
    human_bytes(h_used, sizeof(h_used), used);
    human_bytes(h_rss, sizeof(h_rss), rss);
    human_bytes(h_peak, sizeof(h_peak), peak);
    human_bytes(h_sys, sizeof(h_sys), (unsigned long long)total_sys);
    human_bytes(h_zero, sizeof(h_zero), 0);
    human_bytes(h_max, sizeof(h_max), (unsigned long long)srv.maxmemory);

    ib_printf(b,
        "# Memory\r\n"
        "used_memory:%zu\r\n"
        "used_memory_human:%s\r\n"
        "used_memory_rss:%zu\r\n"
        "used_memory_rss_human:%s\r\n"
        "used_memory_peak:%zu\r\n"
        "used_memory_peak_human:%s\r\n"
        "used_memory_peak_perc:%.2f%%\r\n"
        "used_memory_overhead:%zu\r\n"
        "used_memory_startup:%zu\r\n"
        "used_memory_dataset:%zu\r\n"
        "used_memory_dataset_perc:%.2f%%\r\n"
        "allocator_allocated:%lld\r\n"
        "allocator_active:%lld\r\n"
        "allocator_resident:%lld\r\n"
        "allocator_muzzy:%lld\r\n"
        "total_system_memory:%lld\r\n"
        "total_system_memory_human:%s\r\n",
        used, h_used, rss, h_rss, peak, h_peak, peak ? (float)used * 100 / peak : 0,
        overhead, startup_memory, dataset, (float)dataset * 100 / net,
        a.allocated, a.active, a.resident, a.muzzy, total_sys, h_sys);
    info_scripts_t sc = {0};
    if (info_scripting) info_scripting(&sc);
    char h_lua[32], h_vm[32], h_scripts[32];
    human_bytes(h_lua, sizeof(h_lua), sc.vm_eval);
    human_bytes(h_vm, sizeof(h_vm), sc.vm_eval + sc.vm_functions);
    human_bytes(h_scripts, sizeof(h_scripts), sc.scripts_eval + sc.functions);
    ib_printf(b,
        "used_memory_lua:%zu\r\n"
        "used_memory_vm_eval:%zu\r\n"
        "used_memory_lua_human:%s\r\n"
        "used_memory_scripts_eval:%zu\r\n"
        "number_of_cached_scripts:%zu\r\n"
        "number_of_functions:%zu\r\n"
        "number_of_libraries:%zu\r\n"
        "used_memory_vm_functions:%zu\r\n"
        "used_memory_vm_total:%zu\r\n"
        "used_memory_vm_total_human:%s\r\n"
        "used_memory_functions:%zu\r\n"
        "used_memory_scripts:%zu\r\n"
        "used_memory_scripts_human:%s\r\n",
        sc.vm_eval, sc.vm_eval, h_lua, sc.scripts_eval, sc.cached_scripts, sc.functions_count,
        sc.libraries, sc.vm_functions, sc.vm_eval + sc.vm_functions, h_vm, sc.functions,
        sc.scripts_eval + sc.functions, h_scripts);
    ib_printf(b,
        "maxmemory:%lld\r\n"
        "maxmemory_human:%s\r\n"
        "maxmemory_policy:%s\r\n"
        "allocator_frag_ratio:%.2f\r\n"
        "allocator_frag_bytes:%lld\r\n"
        "allocator_rss_ratio:%.2f\r\n"
        "allocator_rss_bytes:%lld\r\n"
        "rss_overhead_ratio:%.2f\r\n"
        "rss_overhead_bytes:%lld\r\n"
        "mem_fragmentation_ratio:%.2f\r\n"
        "mem_fragmentation_bytes:%lld\r\n"
        "mem_not_counted_for_evict:0\r\n"
        "mem_replication_backlog:%zu\r\n"
        "mem_total_replication_buffers:0\r\n"
        "mem_clients_slaves:0\r\n"
        "mem_clients_normal:%zu\r\n"
        "mem_cluster_links:0\r\n"
        "mem_aof_buffer:%zu\r\n"
        "mem_allocator:%s\r\n"
        "mem_overhead_db_hashtable_rehashing:%zu\r\n"
        "active_defrag_running:0\r\n"
        "lazyfree_pending_objects:%zu\r\n"
        "lazyfreed_objects:%zu\r\n",
        srv.maxmemory, h_max, config_text("maxmemory-policy", policy, sizeof(policy), ""),
        ratio(a.active, a.allocated), a.active - a.allocated,
        ratio(a.resident, a.active), a.resident - a.active,
        ratio((long long)rss, a.resident), (long long)rss - a.resident,
        ratio((long long)rss, (long long)used), (long long)rss - (long long)used,
        backlog_memory(), clients, m.aof_buffer, mem_allocator_name(), rehashing, lazyfree_pending(),
        lazyfree_done());
}

/* ---- Persistence ---- */

static void info_persistence(ibuf_t *b)
{
    long long lastsave = srv.lastsave ? (long long)srv.lastsave : (long long)(srv.start_ms / 1000);
    int bgsave = child_kind() == CHILD_RDB;
    save_info_t si;
    save_info_get(&si);
    ib_printf(b,
        "# Persistence\r\n"
        "loading:%d\r\n"
        "async_loading:0\r\n"
        "current_cow_peak:0\r\n"
        "current_cow_size:0\r\n"
        "current_cow_size_age:0\r\n"
        "current_fork_perc:0.00\r\n"
        "current_save_keys_processed:0\r\n"
        "current_save_keys_total:0\r\n"
        "rdb_changes_since_last_save:%lld\r\n"
        "rdb_bgsave_in_progress:%d\r\n"
        "rdb_last_save_time:%lld\r\n"
        "rdb_last_bgsave_status:%s\r\n"
        "rdb_last_bgsave_time_sec:%lld\r\n"
        "rdb_current_bgsave_time_sec:%lld\r\n"
        "rdb_saves:%lld\r\n"
        "rdb_last_cow_size:0\r\n"
        "rdb_last_load_keys_expired:%lld\r\n"
        "rdb_last_load_keys_loaded:%lld\r\n",
        srv.loading ? 1 : 0, srv.dirty, bgsave, lastsave,
        si.last_bgsave_ok ? "ok" : "err", si.last_bgsave_secs,
        bgsave ? (long long)time(NULL) - si.bgsave_start : -1LL, si.saves,
        si.load_keys_expired, si.load_keys_loaded);
    aof_info_t ai;
    aof_info_get(&ai);
    ib_printf(b,
        "aof_enabled:%d\r\n"
        "aof_rewrite_in_progress:%d\r\n"
        "aof_rewrite_scheduled:%d\r\n"
        "aof_last_rewrite_time_sec:%lld\r\n"
        "aof_current_rewrite_time_sec:%lld\r\n"
        "aof_last_bgrewrite_status:%s\r\n"
        "aof_rewrites:%lld\r\n"
        "aof_rewrites_consecutive_failures:%lld\r\n"
        "aof_last_write_status:%s\r\n"
        "aof_last_cow_size:0\r\n"
        "module_fork_in_progress:0\r\n"
        "module_fork_last_cow_size:0\r\n",
        ai.enabled, ai.rewrite_in_progress, ai.rewrite_scheduled, ai.last_rewrite_secs,
        ai.current_rewrite_secs, ai.last_bgrewrite_ok ? "ok" : "err", ai.rewrites,
        ai.rewrite_failures, ai.last_write_ok ? "ok" : "err");
    if (ai.enabled)
        ib_printf(b,
            "aof_current_size:%lld\r\n"
            "aof_base_size:%lld\r\n"
            "aof_pending_rewrite:%d\r\n"
            "aof_buffer_length:%zu\r\n"
            "aof_pending_bio_fsync:%lu\r\n"
            "aof_delayed_fsync:%lu\r\n",
            ai.current_size, ai.base_size, ai.rewrite_scheduled, ai.buffer_length,
            ai.pending_bio_fsync, ai.delayed_fsync);
}

/* ---- Stats ---- */

static void info_stats(ibuf_t *b)
{
    ib_printf(b,
        "# Stats\r\n"
        "total_connections_received:%lld\r\n"
        "total_commands_processed:%lld\r\n"
        "instantaneous_ops_per_sec:%lld\r\n"
        "total_net_input_bytes:%lld\r\n"
        "total_net_output_bytes:%lld\r\n"
        "total_net_repl_input_bytes:0\r\n"
        "total_net_repl_output_bytes:0\r\n"
        "instantaneous_input_kbps:%.2f\r\n"
        "instantaneous_output_kbps:%.2f\r\n"
        "instantaneous_input_repl_kbps:0.00\r\n"
        "instantaneous_output_repl_kbps:0.00\r\n"
        "rejected_connections:%lld\r\n"
        "sync_full:%lld\r\n"
        "sync_partial_ok:%lld\r\n"
        "sync_partial_err:%lld\r\n"
        "expired_keys:%lld\r\n"
        "expired_stale_perc:%.2f\r\n"
        "expired_time_cap_reached_count:0\r\n"
        "expire_cycle_cpu_milliseconds:%lld\r\n"
        "evicted_keys:%lld\r\n"
        "evicted_clients:%lld\r\n"
        "evicted_scripts:0\r\n"
        "total_eviction_exceeded_time:0\r\n"
        "current_eviction_exceeded_time:0\r\n"
        "keyspace_hits:%lld\r\n"
        "keyspace_misses:%lld\r\n",
        srv.stat_numconnections, srv.stat_numcommands, srv.stat_instantaneous_ops,
        srv.stat_net_input_bytes, srv.stat_net_output_bytes,
        rate_mean(&rate_in) / 1024, rate_mean(&rate_out) / 1024, srv.stat_rejected_conn, repl.stat_sync_full, repl.stat_sync_partial_ok,
        repl.stat_sync_partial_err,
        ks_stats.expired_keys, (double)srv.stat_expired_stale_perc_x100 / 100,
        srv.stat_expire_cycle_time_used / 1000, ks_stats.evicted_keys, srv.stat_evicted_clients,
        ks_stats.hits,
        ks_stats.misses);
    ib_printf(b,
        "pubsub_channels:%zu\r\n"
        "pubsub_patterns:%zu\r\n"
        "pubsubshard_channels:%zu\r\n"
        "latest_fork_usec:%lld\r\n"
        "total_forks:%lld\r\n"
        "migrate_cached_sockets:0\r\n"
        "slave_expires_tracked_keys:0\r\n"
        "active_defrag_hits:0\r\n"
        "active_defrag_misses:0\r\n"
        "active_defrag_key_hits:0\r\n"
        "active_defrag_key_misses:0\r\n"
        "total_active_defrag_time:0\r\n"
        "current_active_defrag_time:0\r\n"
        "tracking_total_keys:%zu\r\n"
        "tracking_total_items:%zu\r\n"
        "tracking_total_prefixes:%zu\r\n"
        "unexpected_error_replies:%lld\r\n"
        "total_error_replies:%lld\r\n"
        "dump_payload_sanitizations:0\r\n"
        "total_reads_processed:0\r\n"
        "total_writes_processed:0\r\n"
        "io_threaded_reads_processed:0\r\n"
        "io_threaded_writes_processed:0\r\n"
        "client_query_buffer_limit_disconnections:%lld\r\n"
        "client_output_buffer_limit_disconnections:%lld\r\n"
        "reply_buffer_shrinks:0\r\n"
        "reply_buffer_expands:0\r\n"
        "eventloop_cycles:0\r\n"
        "eventloop_duration_sum:0\r\n"
        "eventloop_duration_cmd_sum:0\r\n"
        "instantaneous_eventloop_cycles_per_sec:0\r\n"
        "instantaneous_eventloop_duration_usec:0\r\n"
        "acl_access_denied_auth:%lld\r\n"
        "acl_access_denied_cmd:%lld\r\n"
        "acl_access_denied_key:%lld\r\n"
        "acl_access_denied_channel:%lld\r\n",
        pubsub_nchannels(), pubsub_npatterns(), pubsub_nshardchannels(),
        child_latest_fork_usec(), child_total_forks(), tracking_total_keys(),
        tracking_total_items(), tracking_total_prefixes(), srv.stat_unexpected_error_replies, srv.stat_total_error_replies,
        srv.stat_client_qbuf_limit_disconnections, srv.stat_client_outbuf_limit_disconnections,
        srv.stat_acl_denied_auth, srv.stat_acl_denied_cmd, srv.stat_acl_denied_key,
        srv.stat_acl_denied_channel);
}

/* ---- Replication, CPU, Cluster ---- */

static void info_replication(ibuf_t *b)
{
    char *text = repl_info_text();
    ib_printf(b, "# Replication\r\n%s", text);
    mem_free(text);
}

static void info_cpu(ibuf_t *b)
{
    struct rusage self, children, thread;
    memset(&thread, 0, sizeof(thread));
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &thread);
#else
    thread = self;
#endif
#define TV(t) (long)(t).tv_sec, (long)(t).tv_usec
    ib_printf(b,
        "# CPU\r\n"
        "used_cpu_sys:%ld.%06ld\r\n"
        "used_cpu_user:%ld.%06ld\r\n"
        "used_cpu_sys_children:%ld.%06ld\r\n"
        "used_cpu_user_children:%ld.%06ld\r\n"
        "used_cpu_sys_main_thread:%ld.%06ld\r\n"
        "used_cpu_user_main_thread:%ld.%06ld\r\n",
        TV(self.ru_stime), TV(self.ru_utime), TV(children.ru_stime),
        TV(children.ru_utime), TV(thread.ru_stime), TV(thread.ru_utime));
#undef TV
}

static void info_cluster(ibuf_t *b) { ib_printf(b, "# Cluster\r\ncluster_enabled:0\r\n"); }

/* ---- Modules ---- */

static int module_uses(const module_t *m, const module_t *dep)
{
    for (int i = 0; i < m->ndeps; i++)
        if (m->deps[i] == dep) return 1;
    return 0;
}

/*
 * Redis's line, "module:name=x,ver=N,api=1,filters=0,usedby=[a|b],
 * using=[c],options=[]", keeps Redis's fields first; Modis appends
 * abi=1.2, types=[list:<keys>|...], services=[list.v1@1|...] and
 * memory=<bytes>. The memory also follows on a line of its own,
 * "module_memory_<name>:<bytes>", one key per module so dictionary-style
 * INFO parsers keep every value.
 */
static void info_modules(ibuf_t *b)
{
    ib_printf(b, "# Modules\r\n");
    for (module_t *m = module_first(); m; m = m->next) {
        ib_printf(b, "module:name=");
        ib_safe(b, m->name);
        ib_printf(b, ",ver=%u,api=%u,filters=0,usedby=[", (unsigned)m->manifest->version,
                  (unsigned)m->manifest->abi_major);
        int first = 1;
        for (module_t *o = module_first(); o; o = o->next) {
            if (o == m || !module_uses(o, m)) continue;
            ib_printf(b, "%s", first ? "" : "|");
            ib_safe(b, o->name);
            first = 0;
        }
        ib_printf(b, "],using=[");
        for (int i = 0; i < m->ndeps; i++) {
            ib_printf(b, "%s", i ? "|" : "");
            ib_safe(b, m->deps[i]->name);
        }
        ib_printf(b, "],options=[],abi=%u.%u,types=[", (unsigned)m->manifest->abi_major,
                  (unsigned)m->manifest->abi_minor);
        for (int i = 0; i < m->ntypes; i++) {
            ib_printf(b, "%s", i ? "|" : "");
            ib_safe(b, m->types[i]->name);
            ib_printf(b, ":%zu", m->types[i]->nkeys);
        }
        ib_printf(b, "],services=[");
        for (const md_service_ref_t *r = m->manifest->provides; r && r->name; r++) {
            ib_printf(b, "%s", r == m->manifest->provides ? "" : "|");
            ib_safe(b, r->name);
            ib_printf(b, "@%u", (unsigned)r->version);
        }
        ib_printf(b, "],memory=%zu\r\nmodule_memory_", m->mem_used);
        ib_safe(b, m->name);
        ib_printf(b, ":%zu\r\n", m->mem_used);
    }
}

/* ---- Commandstats, Errorstats, Latencystats ---- */

static void cmdstat_one(ibuf_t *b, const cmd_t *c)
{
    if (c->calls || c->failed_calls || c->rejected_calls) {
        ib_printf(b, "cmdstat_");
        ib_safe(b, c->fullname);
        ib_printf(b, ":calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
                     "failed_calls=%lld\r\n",
                  c->calls, c->usec, c->calls ? (float)c->usec / c->calls : 0.0,
                  c->rejected_calls, c->failed_calls);
    }
    for (int i = 0; i < c->nsubs; i++) cmdstat_one(b, c->subs[i]);
}

static void cmdstat_cb(cmd_t *c, void *priv) { cmdstat_one(priv, c); }

static void info_commandstats(ibuf_t *b)
{
    ib_printf(b, "# Commandstats\r\n");
    cmd_foreach(cmdstat_cb, b);
}

typedef struct errstat_list {
    const char *name[256];
    long long count[256];
    int n;
} errstat_list_t;

static void errstat_collect(void *priv, const char *name, long long count)
{
    errstat_list_t *l = priv;
    if (l->n == 256) return;
    l->name[l->n] = name;
    l->count[l->n++] = count;
}

/* Redis keeps error names in a radix tree, so they come out sorted. */
static void info_errorstats(ibuf_t *b)
{
    errstat_list_t l;
    l.n = 0;
    cmd_errstats_foreach(errstat_collect, &l);
    for (int i = 1; i < l.n; i++) {
        for (int j = i; j > 0 && strcmp(l.name[j - 1], l.name[j]) > 0; j--) {
            const char *tn = l.name[j];
            long long tc = l.count[j];
            l.name[j] = l.name[j - 1];
            l.count[j] = l.count[j - 1];
            l.name[j - 1] = tn;
            l.count[j - 1] = tc;
        }
    }
    ib_printf(b, "# Errorstats\r\n");
    for (int i = 0; i < l.n; i++) {
        ib_printf(b, "errorstat_");
        ib_safe(b, l.name[i]);
        ib_printf(b, ":count=%lld\r\n", l.count[i]);
    }
}

/* latency_percentiles_usec_<cmd>:p50=..,p99=..,p99.9=.. for each command
 * with a histogram (latency-tracking), percentiles as configured. */
static void latstat_one(ibuf_t *b, const cmd_t *c)
{
    if (c->hist && lathist_count(c->hist)) {
        ib_printf(b, "latency_percentiles_usec_");
        ib_safe(b, c->fullname);
        ib_printf(b, ":");
        for (int i = 0; i < srv.nlatency_percentiles; i++) {
            char name[40];
            util_trim_double(name, sizeof(name), srv.latency_percentiles[i]);
            ib_printf(b, "%sp%s=%.3f", i ? "," : "", name,
                      (double)lathist_percentile(c->hist, srv.latency_percentiles[i]) / 1000.0);
        }
        ib_printf(b, "\r\n");
    }
    for (int i = 0; i < c->nsubs; i++) latstat_one(b, c->subs[i]);
}

static void latstat_cb(cmd_t *c, void *priv) { latstat_one(priv, c); }

static void info_latencystats(ibuf_t *b)
{
    ib_printf(b, "# Latencystats\r\n");
    if (srv.latency_tracking) cmd_foreach(latstat_cb, b);
}

/* ---- Keyspace ---- */

/* Mean remaining TTL in ms over a sample of the db's volatile keys (the
 * expire cycle does not keep Redis's running estimate yet). */
static long long avg_ttl(const ks_db_t *db)
{
    if (db->avg_ttl) return db->avg_ttl;
    const ptrset_t *v = &db->vol;
    if (!v->used || !v->cap) return 0;
    int64_t now = util_mstime();
    long long sum = 0, n = 0;
    for (size_t i = 0; i < v->cap && i < 4096 && n < 64; i++) {
        const ks_entry_t *e = ptrset_at(v, i);
        if (e && e->expire > now) {
            sum += e->expire - now;
            n++;
        }
    }
    return n ? sum / n : 0;
}

static void info_keyspace(ibuf_t *b)
{
    ib_printf(b, "# Keyspace\r\n");
    for (int i = 0; i < srv.databases; i++) {
        const ks_db_t *db = &srv.db[i];
        size_t keys = ks_size(db);
        if (!keys) continue;
        /* subexpiry: keys whose sub-keys carry TTLs (hashes with field TTLs). */
        ib_printf(b, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld,subexpiry=%zu\r\n", i, keys,
                  db->vol.used, avg_ttl(db), db->subvol.used);
    }
}

/* ---- section selection ---- */

enum { SEC_DEFAULT = 1, SEC_ALL = 2 };

static const struct section {
    const char *name, *alias;
    void (*fn)(ibuf_t *b);
    int in;                  /* SEC_DEFAULT: in the default set; SEC_ALL: only all */
} sections[] = {
    {"server", NULL, info_server, SEC_DEFAULT},
    {"clients", NULL, info_clients, SEC_DEFAULT},
    {"memory", NULL, info_memory, SEC_DEFAULT},
    {"persistence", NULL, info_persistence, SEC_DEFAULT},
    {"stats", NULL, info_stats, SEC_DEFAULT},
    {"replication", NULL, info_replication, SEC_DEFAULT},
    {"cpu", NULL, info_cpu, SEC_DEFAULT},
    {"modules", "module_list", info_modules, SEC_DEFAULT},
    {"commandstats", NULL, info_commandstats, SEC_ALL},
    {"errorstats", NULL, info_errorstats, SEC_DEFAULT},
    {"latencystats", NULL, info_latencystats, SEC_ALL},
    {"cluster", NULL, info_cluster, SEC_DEFAULT},
    {"keyspace", NULL, info_keyspace, SEC_DEFAULT},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static int arg_is(md_arg_t a, const char *word) { return util_eq_nocase(a.ptr, a.len, word); }

/* ---- what modules add (md_info_register) ---- */

typedef struct info_hook {
    struct info_hook *next;
    md_module_t *owner;
    char *section;
    void (*fn)(md_info_t *info);
} info_hook_t;

static info_hook_t *hooks;   /* in registration order */

struct md_info {
    ibuf_t *b;
};

void info_hook_add(md_module_t *owner, const char *section, void (*fn)(md_info_t *info))
{
    info_hook_t **pp = &hooks;
    while (*pp) pp = &(*pp)->next;
    info_hook_t *h = mem_calloc(sizeof(*h));
    h->owner = owner;
    h->section = mem_strdup(section);
    h->fn = fn;
    *pp = h;
}

void info_hook_forget(md_module_t *owner)
{
    info_hook_t **pp = &hooks;
    while (*pp) {
        info_hook_t *h = *pp;
        if (h->owner == owner) {
            *pp = h->next;
            mem_free(h->section);
            mem_free(h);
        } else {
            pp = &h->next;
        }
    }
}

void info_hook_retag(md_module_t *from, md_module_t *to)
{
    for (info_hook_t *h = hooks; h; h = h->next)
        if (h->owner == from) h->owner = to;
}

/* One field a module adds through md_info_field_*(); its name and value
 * cannot break the line format. */
void info_hook_field(md_info_t *info, const char *name, const char *value)
{
    ibuf_t *b = info->b;
    ib_safe(b, name);
    ib_printf(b, ":");
    size_t n = strlen(value);
    ib_reserve(b, n + 3);
    for (size_t i = 0; i < n; i++)
        b->p[b->len++] = value[i] == '\r' || value[i] == '\n' ? ' ' : value[i];
    ib_printf(b, "\r\n");
}

/* Let the hooks of `section` add their fields. */
static void hooks_run(ibuf_t *b, const char *section)
{
    md_info_t info = {b};
    for (info_hook_t *h = hooks; h; h = h->next)
        if (strcasecmp(h->section, section) == 0) h->fn(&info);
}

/* The i-th section that modules define (no built-in one), in order of
 * first registration; NULL past the last. */
static const char *hooks_section(int i)
{
    for (info_hook_t *h = hooks; h; h = h->next) {
        int known = 0;
        for (size_t s = 0; s < NSECTIONS; s++) known |= strcasecmp(sections[s].name, h->section) == 0;
        for (info_hook_t *p = hooks; p != h; p = p->next)
            known |= strcasecmp(p->section, h->section) == 0;
        if (known) continue;
        if (i-- == 0) return h->section;
    }
    return NULL;
}

/*
 * Selection follows Redis 7: no argument = "default"; "all" = every
 * built-in section; "everything" = "all" plus the sections modules define,
 * which "modules" or their own name also select. Module-defined sections
 * come after the built-in ones; module fields added to a built-in section
 * end that section.
 */
char *info_generate(int n, const md_arg_t *names, size_t *len)
{
    int want[NSECTIONS] = {0};
    int everything = 0, modules = 0;
    for (int i = 0; i <= n; i++) {
        int all = 0, dflt = 0;
        if (i == n) {
            dflt = n == 0;
        } else if (arg_is(names[i], "everything")) {
            all = everything = 1;
        } else if (arg_is(names[i], "all")) {
            all = 1;
        } else if (arg_is(names[i], "default")) {
            dflt = 1;
        } else if (arg_is(names[i], "modules")) {
            modules = 1;
        }
        for (size_t s = 0; s < NSECTIONS; s++) {
            if (all || (dflt && sections[s].in == SEC_DEFAULT)) want[s] = 1;
            else if (i < n && (arg_is(names[i], sections[s].name) ||
                               (sections[s].alias && arg_is(names[i], sections[s].alias))))
                want[s] = 1;
        }
    }
    ibuf_t b = {0};
    ib_reserve(&b, 1);
    b.p[0] = '\0';
    for (size_t s = 0; s < NSECTIONS; s++) {
        if (!want[s]) continue;
        if (b.len) ib_printf(&b, "\r\n");
        sections[s].fn(&b);
        hooks_run(&b, sections[s].name);
    }
    const char *extra;
    for (int e = 0; (extra = hooks_section(e)) != NULL; e++) {
        int pick = everything || modules;
        for (int i = 0; i < n && !pick; i++) pick = arg_is(names[i], extra);
        if (!pick) continue;
        if (b.len) ib_printf(&b, "\r\n");
        ib_printf(&b, "# ");
        ib_safe(&b, extra);
        ib_printf(&b, "\r\n");
        hooks_run(&b, extra);
    }
    *len = b.len;
    return b.p;
}
