/*
 * cmd_debug_proc.c — the DEBUG subcommands about the process rather than
 * the dataset: crashes on purpose (SEGFAULT, PANIC, ASSERT, OOM; the
 * crash report of crash.c follows), RESTART and CRASH-AND-RECOVER
 * (shutdown.c), the allocator (MALLCTL with jemalloc, LEAK), and the knobs
 * test suites written for Redis set (SLEEP, SET-ACTIVE-EXPIRE,
 * SET-SKIP-CHECKSUM-VALIDATION, AOF-FLUSH-SLEEP, PAUSE-CRON, DICT-RESIZING,
 * REPLYBUFFER, CHANGE-REPL-ID...). Knobs read their value with atoi() as
 * Redis does. What needs replication, a cluster or scripting says so.
 */
#include "autoconfig.h"
#include "client.h"
#include "cmd.h"
#include "cmd_debug.h"
#include "config.h"
#include "info.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "server.h"
#include "sdk_random.h"
#include "shutdown.h"
#include "util.h"
#include "cluster/repl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* An argument as a C string (cut at 127 bytes). */
static const char *cstr(md_arg_t a, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.*s", (int)a.len, a.ptr);
    return buf;
}

/* Redis reads these knobs with atoi(). */
static int arg_atoi(md_arg_t a)
{
    char b[128];
    return atoi(cstr(a, b, sizeof(b)));
}

/* ---- crashes on purpose ---- */

/* DEBUG SEGFAULT: write to a read-only page, as Redis does. */
static int debug_segfault(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) *(volatile char *)p = 'x';
    md_reply_error(c, "ERR DEBUG SEGFAULT could not map a page");
    return MD_OK;
}

static int debug_panic(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    log_panic(__FILE__, __LINE__, "DEBUG PANIC called at Unix time %lld",
              (long long)time(NULL));
}

static int debug_assert(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    log_msg(LOG_WARNING, "=== ASSERTION FAILED ===");
    log_msg(LOG_WARNING, "==> %s:%d '%s' is not true", __FILE__, __LINE__, "1 == 2");
    abort();
}

/* DEBUG OOM: an allocation nobody can satisfy (the allocator front end
 * logs it and aborts, as Redis's zmalloc does). */
static int debug_oom(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    mem_free(mem_alloc(SIZE_MAX / 2));
    md_reply_ok(c);
    return MD_OK;
}

static int debug_leak(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)mem_strndup(argv[2].ptr, argv[2].len); /* on purpose: never freed */
    md_reply_ok(c);
    return MD_OK;
}

/* DEBUG RESTART / CRASH-AND-RECOVER [<milliseconds>]: replies only when
 * the restart could not start. */
static int restart(md_ctx_t *c, int argc, const md_arg_t *argv, int graceful)
{
    long long delay = 0;
    if (argc >= 3 && md_parse_ll(c, argv[2], &delay) != MD_OK) return MD_OK;
    shutdown_restart(graceful, delay < 0 ? 0 : delay);
    md_reply_error(c, "ERR failed to restart the server. Check server logs.");
    return MD_OK;
}

static int debug_restart(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return restart(c, argc, argv, 1);
}

static int debug_crash_and_recover(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return restart(c, argc, argv, 0);
}

/* ---- the allocator ---- */

#ifdef HAVE_JEMALLOC
/* DEBUG MALLCTL <key> [<val>]: read (and write) a jemalloc integer,
 * trying 64, 32 bits then a bool, as Redis does. */
static int debug_mallctl(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char key[128];
    cstr(argv[2], key, sizeof(key));
    int64_t old = 0, val = 0;
    long long ll;
    if (argc > 3) {
        if (md_parse_ll(c, argv[3], &ll) != MD_OK) return MD_OK;
        val = ll;
    }
    for (size_t sz = sizeof(old); sz > 0; sz /= 2) {
        size_t osz = sz;
        int ret = mallctl(key, &old, &osz, argc > 3 ? &val : NULL, argc > 3 ? sz : 0);
        if (ret == EPERM && argc > 3 && mallctl(key, NULL, 0, &val, sz) == 0) {
            md_reply_ok(c);
            return MD_OK;
        }
        if (ret == EINVAL) continue; /* another size, maybe */
        if (ret) {
            md_reply_error(c, strerror(ret));
            return MD_OK;
        }
        md_reply_int(c, old);
        return MD_OK;
    }
    md_reply_error(c, strerror(EINVAL));
    return MD_OK;
}

/* DEBUG MALLCTL-STR <key> [<val>]: a jemalloc string ("VOID": none). */
static int debug_mallctl_str(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char key[128], v[128];
    cstr(argv[2], key, sizeof(key));
    char *old = NULL;
    size_t sz = sizeof(old);
    int rret = mallctl(key, &old, &sz, NULL, 0), wret = 0;
    if (rret && !(rret == EPERM && argc > 3)) {
        md_reply_error(c, strerror(rret));
        return MD_OK;
    }
    if (argc > 3) {
        char *val = (char *)cstr(argv[3], v, sizeof(v));
        int none = !strcmp(val, "VOID");
        wret = mallctl(key, NULL, 0, none ? NULL : &val, none ? 0 : sizeof(val));
    }
    if (!rret) md_reply_bulk(c, old, strlen(old));
    else if (wret) md_reply_error(c, strerror(wret));
    else md_reply_ok(c);
    return MD_OK;
}
#endif

/* ---- knobs ---- */

/* DEBUG SLEEP <seconds>: read with strtod() as Redis does (junk is 0). */
static int debug_sleep(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char b[128];
    double secs = strtod(cstr(argv[2], b, sizeof(b)), NULL);
    if (secs > 0) usleep((useconds_t)(secs * 1000000));
    md_reply_ok(c);
    return MD_OK;
}

static int debug_set_active_expire(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    srv.active_expire_enabled = arg_atoi(argv[2]) != 0;
    md_reply_ok(c);
    return MD_OK;
}

/* The knobs that only store atoi(value). */
static int knob(md_ctx_t *c, const md_arg_t *argv)
{
    int v = arg_atoi(argv[2]);
    if (md_arg_eq(argv[1], "set-skip-checksum-validation")) srv.skip_checksum_validation = v;
    else if (md_arg_eq(argv[1], "aof-flush-sleep")) srv.aof_flush_sleep_us = v;
    else if (md_arg_eq(argv[1], "pause-cron")) srv.pause_cron = v;
    else srv.dict_resizing = v; /* dict-resizing */
    md_reply_ok(c);
    return MD_OK;
}

static int debug_knob(md_ctx_t *c, int argc, const md_arg_t *argv) { return knob(c, argv); }

/* DEBUG REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms> | RESIZING <0|1>.
 * The inline reply buffer has a fixed size here (16 KiB), so there is no
 * resizing to turn on; turning it off is what is always true. */
static int debug_replybuffer(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long ms;
    if (md_arg_eq(argv[2], "peak-reset-time")) {
        if (md_arg_eq(argv[3], "never")) ms = -1;
        else if (md_arg_eq(argv[3], "reset")) ms = 5000;
        else if (md_parse_ll(c, argv[3], &ms) != MD_OK) return MD_OK;
        srv.reply_peak_reset_ms = ms;
    } else if (md_arg_eq(argv[2], "resizing")) {
        if (arg_atoi(argv[3])) {
            md_reply_error(c, "ERR DEBUG REPLYBUFFER RESIZING 1 does not apply: the reply "
                              "buffer has a fixed size (16384 bytes) in this server");
            return MD_OK;
        }
    } else {
        debug_reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for "
                           "'%.*s'. Try DEBUG HELP.", (int)argv[1].len, argv[1].ptr);
        return MD_OK;
    }
    md_reply_ok(c);
    return MD_OK;
}

static int debug_change_repl_id(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    log_msg(LOG_NOTICE, "Changing replication IDs after receiving DEBUG change-repl-id");
    repl_change_replid();
    repl_clear_replid2();
    md_reply_ok(c);
    return MD_OK;
}

static int debug_config_rewrite_force_all(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (config_rewrite(1) != 0)
        debug_reply_errorf(c, "ERR CONFIG-REWRITE-FORCE-ALL failed: %s",
                           srv.configfile ? strerror(errno)
                                          : "The server is running without a config file");
    else
        md_reply_ok(c);
    return MD_OK;
}

/* DEBUG STRINGMATCH-TEST: random patterns against random strings through
 * the glob matcher; it must come back (the fix for Redis's exponential
 * patterns), whatever it answers. */
static int debug_stringmatch_test(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char alphabet[] = "ab*?[]^-\\";
    char pat[32], str[32];
    for (int i = 0; i < 100000; i++) {
        size_t pl = sdk_random64() % sizeof(pat), sl = sdk_random64() % sizeof(str);
        for (size_t k = 0; k < pl; k++) pat[k] = alphabet[sdk_random64() % (sizeof(alphabet) - 1)];
        for (size_t k = 0; k < sl; k++) str[k] = (char)sdk_random64();
        util_glob(pat, pl, str, sl, 0);
    }
    md_reply_simple(c, "Apparently Redis did not crash: test passed");
    return MD_OK;
}

/* DEBUG STRUCTSIZE: the sizes of Modis's own core structures. */
static int debug_structsize(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "bits:%d entry:%zu client:%zu reply:%zu reply_block:%zu cmd:%zu "
             "module:%zu ", (int)(sizeof(long) * 8), sizeof(ks_entry_t), sizeof(client_t),
             sizeof(reply_t), sizeof(reply_block_t), sizeof(cmd_t), sizeof(module_t));
    md_reply_simple(c, buf);
    return MD_OK;
}

/* Redis's client memory buckets: powers of two from 32 KiB (bucket 0
 * below it) to 8 GiB and more; the evictable connections in each. */
#define EVICT_BUCKET_MIN_LOG 15
#define EVICT_BUCKETS 19

static int debug_client_eviction(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (!srv.maxmemory_clients) {
        md_reply_error(c, "ERR maxmemory-clients is disabled.");
        return MD_OK;
    }
    size_t sum[EVICT_BUCKETS] = {0};
    unsigned long count[EVICT_BUCKETS] = {0};
    for (client_t *x = client_first(); x; x = x->next_all) {
        if (!client_evictable(x)) continue;
        size_t m = client_memory(x);
        int b = 0;
        while (b < EVICT_BUCKETS - 1 && m >= ((size_t)1 << (b + EVICT_BUCKET_MIN_LOG))) b++;
        sum[b] += m;
        count[b]++;
    }
    char out[EVICT_BUCKETS * 96];
    size_t n = 0;
    for (int j = 0; j < EVICT_BUCKETS; j++) {
        n += (size_t)snprintf(out + n, sizeof(out) - n, "bucket %10zu",
                              j ? (size_t)1 << (j - 1 + EVICT_BUCKET_MIN_LOG) : 0);
        if (j == EVICT_BUCKETS - 1)
            n += (size_t)snprintf(out + n, sizeof(out) - n, "+            : ");
        else
            n += (size_t)snprintf(out + n, sizeof(out) - n, " - %10zu: ",
                                  ((size_t)1 << (j + EVICT_BUCKET_MIN_LOG)) - 1);
        n += (size_t)snprintf(out + n, sizeof(out) - n, "tot-mem: %10zu, clients: %lu\n",
                              sum[j], count[j]);
    }
    md_reply_verbatim(c, "txt", out, n);
    return MD_OK;
}

/* Subcommands about what Modis does not have yet. */
static int debug_not_here(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const struct { const char *sub, *what; } needs[] = {
        {"replicate", "replication"}, {"drop-cluster-packet-filter", "cluster"},
        {"clusterlink", "cluster"}, {"set-disable-deny-scripts", "scripting"},
        {"script", "scripting"}, {NULL, NULL}};
    int i = 0;
    while (needs[i].sub && !md_arg_eq(argv[1], needs[i].sub)) i++;
    char upper[64];
    size_t n = 0;
    for (; n < argv[1].len && n < sizeof(upper) - 1; n++)
        upper[n] = (char)(argv[1].ptr[n] >= 'a' && argv[1].ptr[n] <= 'z' ? argv[1].ptr[n] - 32
                                                                        : argv[1].ptr[n]);
    upper[n] = '\0';
    debug_reply_errorf(c, "ERR DEBUG %s does not apply: this server has no %s yet", upper,
                       needs[i].what ? needs[i].what : "such part");
    return MD_OK;
}

const debug_sub_t debug_proc_subs[] = {
    {"segfault", debug_segfault, -2, 0}, {"panic", debug_panic, -2, 0},
    {"assert", debug_assert, -2, 0}, {"oom", debug_oom, -2, 0},
    {"leak", debug_leak, 3, 3}, {"restart", debug_restart, -2, 3},
    {"crash-and-recover", debug_crash_and_recover, -2, 3},
#ifdef HAVE_JEMALLOC
    {"mallctl", debug_mallctl, -3, 0}, {"mallctl-str", debug_mallctl_str, -3, 0},
#endif
    {"sleep", debug_sleep, 3, 3}, {"set-active-expire", debug_set_active_expire, 3, 3},
    {"set-skip-checksum-validation", debug_knob, 3, 3}, {"aof-flush-sleep", debug_knob, 3, 3},
    {"pause-cron", debug_knob, 3, 3}, {"dict-resizing", debug_knob, 3, 3},
    {"replybuffer", debug_replybuffer, 4, 4}, {"change-repl-id", debug_change_repl_id, 2, 2},
    {"config-rewrite-force-all", debug_config_rewrite_force_all, 2, 2},
    {"stringmatch-test", debug_stringmatch_test, 2, 2}, {"structsize", debug_structsize, 2, 2},
    {"client-eviction", debug_client_eviction, 2, 2}, {"replicate", debug_not_here, -3, 0},
    {"drop-cluster-packet-filter", debug_not_here, 3, 3}, {"clusterlink", debug_not_here, -2, 0},
    {"set-disable-deny-scripts", debug_not_here, 3, 3}, {"script", debug_not_here, -3, 0},
    {NULL, NULL, 0, 0}};
