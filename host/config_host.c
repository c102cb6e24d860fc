/*
 * config_host.c — the process-level redis.conf directives: process title,
 * oom score, THP, CPU lists, syslog, the start-up logo, signal shutdown
 * options, crash log, keyspace rehashing and cron frequency, incremental
 * fsync, jemalloc's background thread, lazy eviction, AOF history GC, the
 * active-defrag family (which, as in a Redis built without its patched
 * jemalloc, refuses to be enabled), the accept rate per event, the log's
 * user-data redaction, LC_COLLATE, and the directives of features Modis
 * lacks (cluster-*, kept with `cluster-enabled yes` refused; replication
 * knobs whose only accepted value is Modis's behaviour).
 *
 * config.c walks config_host_params[] after its own table (parsing,
 * CONFIG GET/SET/REWRITE, defaults); names, types, limits, defaults and
 * error texts are Redis 7's. The values live in srv.hostconf (those other
 * files act on) or here; proc.c, log_syslog.c, main.c's cron, evict.c and
 * persist/ act on them.
 */
#include "config_host.h"
#include "config_param.h"

#include "autoconfig.h"
#include "log.h"
#include "mem.h"
#include "persist/persist.h"
#include "proc.h"
#include "server.h"

#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* "argument(s) must be one of the following: a, b, c" (Redis's enum error). */
static void enum_error(const char *const *names, char *err, size_t cap)
{
    size_t off = (size_t)snprintf(err, cap, "argument(s) must be one of the following: ");
    for (int i = 0; names[i] && off < cap; i++)
        off += (size_t)snprintf(err + off, cap - off, "%s%s", i ? ", " : "", names[i]);
}

static int name_index(const char *const *names, const char *v)
{
    for (int i = 0; names[i]; i++)
        if (!strcasecmp(names[i], v)) return i;
    return -1;
}

/* ---- oom-score-adj, oom-score-adj-values ---- */

static const char *const oom_names[] = {"no", "yes", "relative", "absolute", NULL};

static int set_oom(const char *v, char *err, size_t cap)
{
    static const int values[] = {PROC_OOM_NO, PROC_OOM_RELATIVE, PROC_OOM_RELATIVE,
                                 PROC_OOM_ABSOLUTE};
    int i = name_index(oom_names, v);
    if (i < 0) {
        enum_error(oom_names, err, cap);
        return -1;
    }
    srv.hostconf.oom_score_adj = values[i];
    return 0;
}

/* The first name of the value, as Redis shows an enum ("relative" is "yes"). */
static char *get_oom(void)
{
    int v = srv.hostconf.oom_score_adj;
    return mem_strdup(v == PROC_OOM_NO ? "no" : v == PROC_OOM_RELATIVE ? "yes" : "absolute");
}

static int apply_oom(char *err, size_t cap)
{
    if (proc_oom_apply(PROC_CLASS_MASTER) == 0) return 0;
    snprintf(err, cap, "Failed to set current oom_score_adj. Check server logs.");
    return -1;
}

#define WORD_MAX 32

/* Redis's split of a multi-word value (oom-score-adj-values, the
 * shutdown-on-* flags): on single spaces, an empty word where two meet,
 * none in "". Returns the number of words, storing at most max; a word
 * too long for WORD_MAX is stored as "?", which no value accepts. */
static int split_spaces(const char *v, char words[][WORD_MAX], int max)
{
    if (!*v) return 0;
    for (int n = 0;; n++) {
        size_t len = strcspn(v, " ");
        if (n < max) snprintf(words[n], WORD_MAX, "%.*s", len < WORD_MAX ? (int)len : 1,
                              len < WORD_MAX ? v : "?");
        v += len;
        if (!*v++) return n + 1;
    }
}

/* Three integers in -2000..2000: master, replica, background child. */
static int set_oom_values(const char *v, char *err, size_t cap)
{
    char words[3][WORD_MAX];
    int vals[3];
    if (split_spaces(v, words, 3) != 3) {
        snprintf(err, cap, "wrong number of arguments");
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        char *end;
        long long x = strtoll(words[i], &end, 10);
        if (*end || x < -2000 || x > 2000) {
            snprintf(err, cap, "Invalid oom-score-adj-values, elements must be between -2000 "
                     "and 2000.");
            return -1;
        }
        vals[i] = (int)x;
    }
    if (vals[PROC_CLASS_REPLICA] < vals[PROC_CLASS_MASTER] ||
        vals[PROC_CLASS_BGCHILD] < vals[PROC_CLASS_REPLICA])
        log_msg(LOG_WARNING, "The oom-score-adj-values configuration may not work for "
                "non-privileged processes! Please consult the documentation.");
    memcpy(srv.hostconf.oom_values, vals, sizeof(vals));
    return 0;
}

static char *get_oom_values(void)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%d %d %d", srv.hostconf.oom_values[0],
             srv.hostconf.oom_values[1], srv.hostconf.oom_values[2]);
    return mem_strdup(buf);
}

/* ---- the process title ---- */

static int check_title_template(const char *v, char *err, size_t cap)
{
    if (proc_title_valid(v)) return 0;
    snprintf(err, cap, "template format is invalid or contains unknown variables");
    return -1;
}

static int apply_title(char *err, size_t cap)
{
    if (proc_title_set(NULL) == 0) return 0;
    snprintf(err, cap, "failed to set process title");
    return -1;
}

/* ---- shutdown-on-sigint, shutdown-on-sigterm ---- */

/* Flag names in Redis's order; "default" is no flag. */
static const char *const sig_names[] = {"default", "save", "nosave", "now", "force", NULL};
static const int sig_flags[] = {0, SHUTDOWN_SAVE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_FORCE};

/* Words of v as flags into *out; 0, or -1 with Redis's text. */
static int parse_sig_flags(const char *v, int *out, char *err, size_t cap)
{
    char words[16][WORD_MAX];
    int n = split_spaces(v, words, 16), flags = 0;
    for (int i = 0; i < n; i++) {
        int k = i < 16 ? name_index(sig_names, words[i]) : -1;
        if (k < 0) n = 0; /* reported below */
        else flags |= sig_flags[k];
    }
    if (!n) {
        enum_error(sig_names, err, cap);
        return -1;
    }
    if ((flags & SHUTDOWN_SAVE) && (flags & SHUTDOWN_NOSAVE)) {
        snprintf(err, cap, "shutdown options SAVE and NOSAVE can't be used simultaneously");
        return -1;
    }
    *out = flags;
    return 0;
}

static int set_sigint(const char *v, char *err, size_t cap)
{
    return parse_sig_flags(v, &srv.hostconf.shutdown_on_sigint, err, cap);
}

static int set_sigterm(const char *v, char *err, size_t cap)
{
    return parse_sig_flags(v, &srv.hostconf.shutdown_on_sigterm, err, cap);
}

static char *format_sig_flags(int flags)
{
    char buf[64] = "";
    for (int i = 1; sig_names[i]; i++)
        if (flags & sig_flags[i])
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? " " : "",
                     sig_names[i]);
    return mem_strdup(buf[0] ? buf : "default");
}

static char *get_sigint(void) { return format_sig_flags(srv.hostconf.shutdown_on_sigint); }
static char *get_sigterm(void) { return format_sig_flags(srv.hostconf.shutdown_on_sigterm); }

/* ---- syslog-facility ---- */

static int set_facility(const char *v, char *err, size_t cap)
{
    int i = name_index(log_syslog_facility_names, v);
    if (i < 0) {
        enum_error(log_syslog_facility_names, err, cap);
        return -1;
    }
    srv.hostconf.syslog_facility = log_syslog_facility_values[i];
    return 0;
}

static char *get_facility(void)
{
    for (int i = 0; log_syslog_facility_names[i]; i++)
        if (log_syslog_facility_values[i] == srv.hostconf.syslog_facility)
            return mem_strdup(log_syslog_facility_names[i]);
    return mem_strdup("");
}

/* ---- activedefrag ---- */

/*
 * Active defragmentation needs jemalloc's defrag hint (Redis's patched
 * copy); Modis links the system jemalloc, so like a Redis built without
 * it, "yes" is refused with Redis's text and the tuning parameters below
 * are kept (with their ranges) but have nothing to tune.
 */
static int set_activedefrag(const char *v, char *err, size_t cap)
{
    if (!strcasecmp(v, "no")) return 0;
    if (strcasecmp(v, "yes") != 0) {
        snprintf(err, cap, "argument must be 'yes' or 'no'");
        return -1;
    }
    snprintf(err, cap, "Active defragmentation cannot be enabled: it requires a Redis server "
             "compiled with a modified Jemalloc like the one shipped by default with the Redis "
             "source distribution");
    return -1;
}

static char *get_activedefrag(void) { return mem_strdup("no"); }

static long long defrag_ignore_bytes, defrag_max_scan_fields;
static int defrag_lower, defrag_upper, defrag_cycle_min, defrag_cycle_max;

/* ---- the rest ---- */

/* enable-protected-configs, as enable-debug-command (config.c). */
static const char *const protected_names[] = {"no", "yes", "local", NULL};

int config_host_apply_hz(char *err, size_t cap)
{
    (void)err;
    (void)cap;
    srv.hostconf.hz = srv.hz < 1 ? 1 : srv.hz > 500 ? 500 : srv.hz;
    return 0;
}

static int apply_jemalloc_bg(char *err, size_t cap)
{
    (void)err;
    (void)cap;
    mem_background_thread(srv.hostconf.jemalloc_bg_thread);
    return 0;
}

/* io-threads-do-reads: Redis reads in its I/O threads only when
 * io-threads > 1; Modis runs no I/O threads (io-threads is accepted as
 * Redis's single-threaded default), so, as Redis with io-threads 1 does,
 * it only keeps the value. ignore-warnings: names start-up warnings to
 * skip (Redis knows only ARM64-COW-BUG, a check Modis does not make). */
static int io_threads_do_reads_v;
static char *ignore_warnings_v;

/* ---- directives of features Modis does not have ---- */

/*
 * Redis Cluster: Modis has no cluster mode, so `cluster-enabled yes` is
 * refused (as `activedefrag yes`); the cluster-* tuning directives keep
 * their values with Redis's ranges and, as in a Redis started with
 * cluster-enabled no, act on nothing. The replication directives kept
 * here act elsewhere: bind-source-addr in the replica link (repl_link.c),
 * rdb-del-sync-files there and in repl_fullsync.c, propagation-error-
 * behavior and replica-ignore-disk-write-errors in dispatch.c (and the
 * AOF loader).
 */
static int refuse(const char *v, const char *def, const char *why, char *err, size_t cap)
{
    if (!strcasecmp(v, def)) return 0;
    snprintf(err, cap, "%s", why);
    return -1;
}

/* A yes/no directive only "no" is accepted for (Redis's bool texts):
 * cluster-enabled. */
static int refuse_yes(const char *v, const char *why, char *err, size_t cap)
{
    if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0) {
        snprintf(err, cap, "argument must be 'yes' or 'no'");
        return -1;
    }
    return refuse(v, "no", why, err, cap);
}

static int set_cluster_enabled(const char *v, char *err, size_t cap)
{
    return refuse_yes(v, "Modis has no cluster mode (cluster-enabled must be no)", err, cap);
}


static const char *const prop_err_names[] = {"ignore", "panic", "panic-on-replicas", NULL};


static char *get_no(void) { return mem_strdup("no"); }

/* cluster-announce-hostname: Redis's check of an announced hostname. */
static int check_hostname(const char *v, char *err, size_t cap)
{
    if (strlen(v) >= 256) {
        snprintf(err, cap, "Hostnames must be less than 256 characters");
        return -1;
    }
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
            snprintf(err, cap, "Hostnames may only contain alphanumeric characters, hyphens or "
                     "dots");
            return -1;
        }
    }
    return 0;
}

/* cluster-announce-human-nodename (Redis 7.2): Redis's aux-field check,
 * which refuses only a set of punctuation. */
static int check_nodename(const char *v, char *err, size_t cap)
{
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char)*p) && strchr("!#$%&()*+:;<>?@[]^{|}~", *p)) {
            snprintf(err, cap, "Announced human node name contained invalid character");
            return -1;
        }
    }
    return 0;
}

static const char *const endpoint_names[] = {"ip", "hostname", "unknown-endpoint", NULL};

static int cluster_port_v, cluster_announce_port_v;
static int cluster_announce_bus_port_v, cluster_announce_tls_port_v;
static int cluster_validity_v, cluster_barrier_v, cluster_replica_migration_v;
static int cluster_full_coverage_v, cluster_no_failover_v, cluster_reads_down_v;
static int cluster_pubsubshard_down_v, cluster_endpoint_v;
static long long cluster_node_timeout_v, cluster_sendbuf_v;
static char *cluster_config_file_v, *cluster_announce_ip_v, *cluster_hostname_v;
static char *cluster_nodename_v;

/* locale-collate (Redis 7.2): LC_COLLATE of the process; "" is the
 * environment's. Setting it applies it, so a refused name changes nothing. */
static char *locale_collate_v;

static int check_locale(const char *v, char *err, size_t cap)
{
    if (setlocale(LC_COLLATE, v)) return 0;
    snprintf(err, cap, "Invalid locale name");
    return -1;
}

#define HBOOL(n, v, f, d, a) \
    {.name = n, .type = T_BOOL, .flags = f, .var = &srv.hostconf.v, .max = 1, .def = d, \
     .apply = a}
#define HSPECIAL(n, f, d, s, g, a) \
    {.name = n, .type = T_SPECIAL, .flags = f, .def = d, .set = s, .get = g, .apply = a}
#define HINT(n, v, mn, mx, d) \
    {.name = n, .type = T_INT, .var = &v, .min = mn, .max = mx, .def = d}
#define HCPU(n, v) {.name = n, .type = T_STR, .flags = IMMUTABLE, .var = &srv.hostconf.v, .def = ""}

param_t config_host_params[] = {
    HBOOL("always-show-logo", always_show_logo, IMMUTABLE, "no", NULL),
    HBOOL("set-proc-title", set_proc_title, IMMUTABLE, "yes", NULL),
    {.name = "proc-title-template", .type = T_STR, .var = &srv.hostconf.proc_title_template,
     .def = "{title} {listen-addr} {server-mode}", .check = check_title_template,
     .apply = apply_title},
    HSPECIAL("oom-score-adj", 0, "no", set_oom, get_oom, apply_oom),
    HSPECIAL("oom-score-adj-values", MULTI_ARG, "0 200 800", set_oom_values, get_oom_values,
             apply_oom),
    HBOOL("disable-thp", disable_thp, IMMUTABLE, "yes", NULL),
    HBOOL("activerehashing", activerehashing, 0, "yes", NULL),
    HBOOL("dynamic-hz", dynamic_hz, 0, "yes", NULL),
    HBOOL("jemalloc-bg-thread", jemalloc_bg_thread, 0, "yes", apply_jemalloc_bg),
    HBOOL("lazyfree-lazy-eviction", lazyfree_lazy_eviction, 0, "no", NULL),
    HBOOL("rdb-save-incremental-fsync", rdb_save_incremental_fsync, 0, "yes", NULL),
    HBOOL("aof-disable-auto-gc", aof_disable_auto_gc, 0, "no", persist_apply_aof_auto_gc),
    HBOOL("crash-log-enabled", crash_log_enabled, 0, "yes", NULL),
    HBOOL("crash-memcheck-enabled", crash_memcheck_enabled, 0, "yes", NULL),
    HBOOL("syslog-enabled", syslog_enabled, IMMUTABLE, "no", NULL),
    {.name = "syslog-ident", .type = T_STR, .flags = IMMUTABLE,
     .var = &srv.hostconf.syslog_ident, .def = "redis"},
    HSPECIAL("syslog-facility", IMMUTABLE, "local0", set_facility, get_facility, NULL),
    HSPECIAL("shutdown-on-sigint", MULTI_ARG, "default", set_sigint, get_sigint, NULL),
    HSPECIAL("shutdown-on-sigterm", MULTI_ARG, "default", set_sigterm, get_sigterm, NULL),
    HCPU("server_cpulist", server_cpulist),
    HCPU("bio_cpulist", bio_cpulist),
    HCPU("aof_rewrite_cpulist", aof_rewrite_cpulist),
    HCPU("bgsave_cpulist", bgsave_cpulist),
    {.name = "io-threads-do-reads", .type = T_BOOL, .flags = IMMUTABLE,
     .var = &io_threads_do_reads_v, .max = 1, .def = "no"},
    {.name = "ignore-warnings", .type = T_STR, .var = &ignore_warnings_v, .def = ""},
    {.name = "enable-protected-configs", .type = T_ENUM, .flags = IMMUTABLE,
     .var = &srv.hostconf.enable_protected_configs, .def = "no", .enums = protected_names},
    {.name = "socket-mark-id", .type = T_LL, .flags = IMMUTABLE,
     .var = &srv.hostconf.socket_mark_id, .max = UINT_MAX, .def = "0"},
    HSPECIAL("activedefrag", 0, "no", set_activedefrag, get_activedefrag, NULL),
    HBOOL("hide-user-data-from-log", hide_user_data_from_log, 0, "no", NULL),
    {.name = "max-new-connections-per-cycle", .type = T_INT, .var = &srv.hostconf.max_new_conns,
     .min = 1, .max = 1000, .def = "10"},
    {.name = "max-new-tls-connections-per-cycle", .type = T_INT,
     .var = &srv.hostconf.max_new_tls_conns, .min = 1, .max = 1000, .def = "1"},
    {.name = "locale-collate", .type = T_STR, .var = &locale_collate_v, .def = "",
     .check = check_locale},
    HINT("shutdown-timeout", srv.hostconf.shutdown_timeout, 0, INT_MAX, "10"),
    HSPECIAL("cluster-enabled", IMMUTABLE, "no", set_cluster_enabled, get_no, NULL),
    {.name = "cluster-config-file", .type = T_STR, .flags = IMMUTABLE,
     .var = &cluster_config_file_v, .def = "nodes.conf"},
    {.name = "cluster-node-timeout", .type = T_LL, .var = &cluster_node_timeout_v,
     .max = LLONG_MAX, .def = "15000"},
    {.name = "cluster-port", .type = T_INT, .flags = IMMUTABLE, .var = &cluster_port_v,
     .max = 65535, .def = "0"},
    {.name = "cluster-announce-ip", .type = T_STR, .var = &cluster_announce_ip_v, .def = ""},
    HINT("cluster-announce-port", cluster_announce_port_v, 0, 65535, "0"),
    HINT("cluster-announce-bus-port", cluster_announce_bus_port_v, 0, 65535, "0"),
    HINT("cluster-announce-tls-port", cluster_announce_tls_port_v, 0, 65535, "0"),
    {.name = "cluster-announce-hostname", .type = T_STR, .var = &cluster_hostname_v, .def = "",
     .check = check_hostname},
    {.name = "cluster-announce-human-nodename", .type = T_STR, .var = &cluster_nodename_v,
     .def = "", .check = check_nodename},
    {.name = "cluster-replica-validity-factor", .alias = "cluster-slave-validity-factor",
     .type = T_INT, .var = &cluster_validity_v, .max = INT_MAX, .def = "10"},
    HINT("cluster-migration-barrier", cluster_barrier_v, 0, INT_MAX, "1"),
    {.name = "cluster-allow-replica-migration", .type = T_BOOL,
     .var = &cluster_replica_migration_v, .max = 1, .def = "yes"},
    {.name = "cluster-require-full-coverage", .type = T_BOOL, .var = &cluster_full_coverage_v,
     .max = 1, .def = "yes"},
    {.name = "cluster-replica-no-failover", .alias = "cluster-slave-no-failover",
     .type = T_BOOL, .var = &cluster_no_failover_v, .max = 1, .def = "no"},
    {.name = "cluster-allow-reads-when-down", .type = T_BOOL, .var = &cluster_reads_down_v,
     .max = 1, .def = "no"},
    {.name = "cluster-allow-pubsubshard-when-down", .type = T_BOOL,
     .var = &cluster_pubsubshard_down_v, .max = 1, .def = "yes"},
    {.name = "cluster-link-sendbuf-limit", .type = T_MEM, .var = &cluster_sendbuf_v,
     .max = LONG_MAX, .def = "0"},
    {.name = "cluster-preferred-endpoint-type", .type = T_ENUM, .var = &cluster_endpoint_v,
     .def = "ip", .enums = endpoint_names},
    {.name = "bind-source-addr", .type = T_STR, .var = &srv.repl.bind_source_addr, .def = ""},
    {.name = "rdb-del-sync-files", .type = T_BOOL, .var = &srv.repl.del_sync_files, .max = 1,
     .def = "no"},
    {.name = "replica-ignore-disk-write-errors", .type = T_BOOL,
     .var = &srv.repl.ignore_disk_errors, .max = 1, .def = "no"},
    {.name = "propagation-error-behavior", .type = T_ENUM, .var = &srv.repl.prop_err,
     .def = "ignore", .enums = prop_err_names},
    {.name = "active-defrag-ignore-bytes", .type = T_MEM, .var = &defrag_ignore_bytes,
     .min = 1, .max = LLONG_MAX, .def = "100mb"},
    {.name = "active-defrag-max-scan-fields", .type = T_LL, .var = &defrag_max_scan_fields,
     .min = 1, .max = LLONG_MAX, .def = "1000"},
    HINT("active-defrag-threshold-lower", defrag_lower, 0, 1000, "10"),
    HINT("active-defrag-threshold-upper", defrag_upper, 0, 1000, "100"),
    HINT("active-defrag-cycle-min", defrag_cycle_min, 1, 99, "1"),
    HINT("active-defrag-cycle-max", defrag_cycle_max, 1, 99, "25"),
    {NULL}};

const size_t config_host_nparams = sizeof(config_host_params) / sizeof(config_host_params[0]) - 1;

#undef HBOOL
#undef HSPECIAL
#undef HINT
#undef HCPU

int config_host_ignored(const char *name)
{
    static const char *const names[] = {"list-max-ziplist-entries", "list-max-ziplist-value",
                                        "lua-replicate-commands", NULL};
    return name_index(names, name) >= 0;
}

int config_host_protected(const char *name)
{
    static const char *const names[] = {"dir", "dbfilename", NULL};
    return name_index(names, name) >= 0;
}

void config_host_unknown(const char *name, char *err, size_t cap)
{
    /* Redis's directives that Modis's data-type modules register. */
    static const struct { const char *prefix, *module; } owners[] = {
        {"hash-max-", "hashes"}, {"list-max-", "lists"}, {"list-compress-depth", "lists"},
        {"set-max-", "sets"}, {"zset-max-", "zsets"}, {"hll-sparse-max-bytes", "hll"},
        {"stream-node-max-", "streams"}};
    for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
        if (strncasecmp(name, owners[i].prefix, strlen(owners[i].prefix)) != 0) continue;
        snprintf(err, cap, "Bad directive or wrong number of arguments: '%s' is a parameter of "
                 "the '%s' module, which is not loaded (add its loadmodule line)", name,
                 owners[i].module);
        return;
    }
    snprintf(err, cap, "Bad directive or wrong number of arguments");
}

/* The start-up logo (our own drawing), or Redis's one-line summary. */
static void show_logo(void)
{
    char buf[1024];
    if (!srv.hostconf.always_show_logo &&
        (srv.hostconf.syslog_enabled || (srv.logfile && srv.logfile[0]) || !isatty(1))) {
        log_msg(LOG_NOTICE, "Running mode=standalone, port=%d.", srv.port);
        return;
    }
    snprintf(buf, sizeof(buf),
             "\n"
             "     .-------------------------.\n"
             "     |  M  O  D  I  S          |     Modis %s (%d bit)\n"
             "     |  [str] [hash] [list]    |\n"
             "     |  [set] [zset] [stream]  |     Running in standalone mode\n"
             "     |  [hll] [geo]  [bitmap]  |     Port: %d\n"
             "     '-------------------------'     PID: %d\n\n",
             PACKAGE_VERSION, (int)(sizeof(long) * 8), srv.port, (int)getpid());
    log_raw(LOG_NOTICE, buf);
}

void config_host_start(void)
{
    setlocale(LC_COLLATE, locale_collate_v ? locale_collate_v : "");
    proc_thp_apply();
    proc_cpulist_apply(srv.hostconf.server_cpulist);
    log_syslog_open();
    proc_oom_apply(PROC_CLASS_MASTER);
    mem_background_thread(srv.hostconf.jemalloc_bg_thread);
    show_logo();
}

void config_host_ready(int argc, char **argv)
{
    proc_title_init(argc, argv);
    if (srv.hostconf.set_proc_title) proc_title_set(NULL);
}
