/*
 * config.c — the parameter table and everything that reads or writes it.
 *
 * Each parameter has a type (bool, integer with optional memory units,
 * enum, string, or special with its own parse/format) and a pointer into
 * `srv`. Immutable parameters can only be set from the file or command
 * line. The file may `include` others and `rename-command`; lines naming
 * what only exists once the modules load (their parameters, their
 * commands) are applied then. CONFIG REWRITE is config_rewrite.c's.
 * Error texts follow Redis 7.
 */
#include "autoconfig.h"
#include "config.h"
#include "cluster/repl_link.h"
#include "cluster/repl_primary.h"
#include "config_host.h"
#include "config_param.h"
#include "acl.h"
#include "client.h"
#include "cmd.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "net.h"
#include "notify.h"
#include "persist/persist.h"
#include "server.h"
#include "util.h"
#include "words.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const loglevels[] = {"debug", "verbose", "notice", "warning", "nothing", NULL};
/* Same order as the MAXMEM_* values (server.h). */
static const char *const policies[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction", NULL};
/* Redis's order (its error text lists them so); index = AOF_FSYNC_*. */
static const char *const fsyncs[] = {"everysec", "always", "no", NULL};
static int io_threads_v = 1;
static int supervised_v;
static int enable_debug_v, enable_module_v;
static const char *const protected_names[] = {"no", "yes", "local", NULL};
/* Redis's order (its error text lists them so). */
static const char *const supervised_names[] = {"upstart", "systemd", "auto", "no", NULL};
/* sanitize-dump-payload: accepted for redis.conf compatibility; the type
 * modules validate every RDB/RESTORE payload completely whatever it says
 * (what "yes" asks of Redis). */
static int sanitize_dump_v;
static const char *const sanitize_names[] = {"no", "yes", "clients", NULL};
/* acl-pubsub-default, in Redis's order (its error text lists them so). */
static const char *const pubsub_default_names[] = {"allchannels", "resetchannels", NULL};

/* appendfilename / appenddirname name a file or directory inside `dir`. */
static int check_aof_name(const char *v, const char *what, const char *kind, char *err,
                          size_t cap)
{
    if (!v[0]) {
        snprintf(err, cap, "%s can't be empty", what);
        return -1;
    }
    if (strchr(v, '/') || strchr(v, '\\')) {
        snprintf(err, cap, "%s can't be a path, just a %s", what, kind);
        return -1;
    }
    return 0;
}

static int check_aof_filename(const char *v, char *err, size_t cap)
{
    return check_aof_name(v, "appendfilename", "filename", err, cap);
}

static int check_aof_dirname(const char *v, char *err, size_t cap)
{
    return check_aof_name(v, "appenddirname", "dirname", err, cap);
}

/* dbfilename names a file inside `dir` (the RDB temp file is written
 * there and renamed over it). */
static int check_dbfilename(const char *v, char *err, size_t cap)
{
    if (strchr(v, '/')) {
        snprintf(err, cap, "dbfilename can't be a path, just a filename");
        return -1;
    }
    return 0;
}

/* replicaof (alias slaveof): "<host> <port>" or "no one", as a config
 * line gives it; CONFIG GET shows "<host> <port>" or "" on a primary. */
static int set_replicaof(const char *v, char *err, size_t cap)
{
    char **w, **line;
    int n = words_split(v, &w);
    if (n < 0) {
        snprintf(err, cap, "wrong number of arguments");
        return -1;
    }
    if (n == 2 && !strcasecmp(w[0], "no") && !strcasecmp(w[1], "one")) {
        /* Immutable: only a load gets here, before the link starts. */
        mem_free(srv.repl.masterhost);
        srv.repl.masterhost = NULL;
        words_free(w, n);
        return 0;
    }
    line = mem_alloc((size_t)(n + 1) * sizeof(char *));
    line[0] = (char *)"replicaof";
    for (int i = 0; i < n; i++) line[i + 1] = w[i];
    int rc = link_config_line(n + 1, line, err, cap);
    mem_free(line);
    words_free(w, n);
    return rc;
}

static char *get_replicaof(void)
{
    char buf[1100] = "";
    if (srv.repl.masterhost)
        snprintf(buf, sizeof(buf), "%s %d", srv.repl.masterhost, srv.repl.masterport);
    return mem_strdup(buf);
}

/* repl-diskless-load, in REPL_LOAD_* order. */
static const char *const diskless_load_names[] = {"disabled", "on-empty-db", "swapdb", NULL};

/* tls-auth-clients, in CONN_TLS_AUTH_* order. */
static const char *const tls_auth_names[] = {"no", "yes", "optional", NULL};

/* CONFIG SET of a tls-* file or option: rebuild the TLS context. */
static int apply_tls(char *err, size_t cap)
{
    if (net_tls_reconfigure() == 0) return 0;
    snprintf(err, cap, "Unable to update TLS configuration. Check server logs.");
    return -1;
}

static int apply_tls_port(char *err, size_t cap)
{
    const char *why = NULL;
    if (net_tls_port_changed(&why) == 0) return 0;
    snprintf(err, cap, "%s", why);
    return -1;
}

static int set_notify(const char *v, char *err, size_t cap)
{
    int f = notify_parse_flags(v);
    if (f < 0) {
        snprintf(err, cap, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        return -1;
    }
    srv.notify_flags = f;
    return 0;
}

static char *get_notify(void)
{
    char buf[32];
    notify_format_flags(srv.notify_flags, buf, sizeof(buf));
    return mem_strdup(buf);
}

static int set_save(const char *v, char *err, size_t cap)
{
    /* "seconds changes [seconds changes ...]" or "" */
    const char *p = v;
    int count = 0;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        char *end;
        errno = 0;
        long long x = strtoll(p, &end, 10);
        /* seconds at least 1, changes at least 0 */
        if (end == p || errno || x < (count % 2 ? 0 : 1) || (*end && *end != ' ')) {
            snprintf(err, cap, "Invalid save parameters");
            return -1;
        }
        p = end;
        count++;
    }
    if (count % 2) {
        snprintf(err, cap, "Invalid save parameters");
        return -1;
    }
    mem_free(srv.save_params);
    srv.save_params = mem_strdup(v);
    return 0;
}

static char *get_save(void) { return mem_strdup(srv.save_params ? srv.save_params : ""); }

static int set_dir(const char *v, char *err, size_t cap)
{
    if (chdir(v) != 0) {
        snprintf(err, cap, "No such file or directory");
        return -1;
    }
    mem_free(srv.dir);
    srv.dir = mem_strdup(v);
    return 0;
}

static char *get_dir(void)
{
    char buf[4096];
    if (!getcwd(buf, sizeof(buf))) return mem_strdup(srv.dir ? srv.dir : "");
    return mem_strdup(buf);
}

/* Parse "1gb", "100mb", "10k", "5" (Redis memtoull rules). */
static int parse_mem(const char *v, long long *out)
{
    const char *u = v;
    while (isdigit((unsigned char)*u)) u++; /* no sign: Redis's memtoull */
    long long mul = 1;
    if (!*u) mul = 1;
    else if (!strcasecmp(u, "b")) mul = 1;
    else if (!strcasecmp(u, "k")) mul = 1000;
    else if (!strcasecmp(u, "kb")) mul = 1024;
    else if (!strcasecmp(u, "m")) mul = 1000 * 1000;
    else if (!strcasecmp(u, "mb")) mul = 1024 * 1024;
    else if (!strcasecmp(u, "g")) mul = 1000LL * 1000 * 1000;
    else if (!strcasecmp(u, "gb")) mul = 1024LL * 1024 * 1024;
    else return -1;
    long long n;
    if (util_str2ll(v, (size_t)(u - v), &n) != 0) return -1;
    if (n > 0 && n > LLONG_MAX / mul) return -1;
    *out = n * mul;
    return 0;
}

/* maxmemory-clients: a byte count, or "<n>%" of maxmemory (kept negative,
 * as Redis keeps it). */
static int set_maxmemory_clients(const char *v, char *err, size_t cap)
{
    size_t n = strlen(v);
    long long x;
    if (n > 1 && v[n - 1] == '%') {
        if (util_str2ll(v, n - 1, &x) != 0 || x < 0) {
            snprintf(err, cap, "argument must be a memory or percent value");
            return -1;
        }
        if (x > 100) {
            snprintf(err, cap, "percentage argument must be less or equal to 100");
            return -1;
        }
        srv.maxmemory_clients = -x;
        return 0;
    }
    if (parse_mem(v, &x) != 0) {
        snprintf(err, cap, "argument must be a memory or percent value");
        return -1;
    }
    srv.maxmemory_clients = x;
    return 0;
}

static char *get_maxmemory_clients(void)
{
    char buf[32];
    if (srv.maxmemory_clients < 0) snprintf(buf, sizeof(buf), "%lld%%", -srv.maxmemory_clients);
    else snprintf(buf, sizeof(buf), "%lld", srv.maxmemory_clients);
    return mem_strdup(buf);
}

/* latency-tracking-info-percentiles: up to 16 numbers within 0..100. */
static int set_latency_percentiles(const char *v, char *err, size_t cap)
{
    double p[16];
    int n = 0;
    char *copy = mem_strdup(v), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *end;
        double d = strtod(w, &end);
        if (*end || end == w || n == 16 || d != d) {
            mem_free(copy);
            snprintf(err, cap, "Invalid latency-tracking-info-percentiles parameters");
            return -1;
        }
        if (d < 0.0 || d > 100.0) {
            mem_free(copy);
            snprintf(err, cap, "latency-tracking-info-percentiles parameters should sit between "
                               "[0.0,100.0]");
            return -1;
        }
        p[n++] = d;
    }
    mem_free(copy);
    memcpy(srv.latency_percentiles, p, sizeof(p[0]) * (size_t)n);
    srv.nlatency_percentiles = n;
    return 0;
}

static char *get_latency_percentiles(void)
{
    char buf[16 * 40] = "";
    size_t n = 0;
    for (int i = 0; i < srv.nlatency_percentiles; i++) {
        char one[40];
        util_trim_double(one, sizeof(one), srv.latency_percentiles[i]);
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", one);
    }
    return mem_strdup(buf);
}

/* A client class as client-output-buffer-limit names it (Redis accepts
 * master as a class name only to refuse it). */
static int obuf_class(const char *name)
{
    if (!strcasecmp(name, "normal")) return CLIENT_CLASS_NORMAL;
    if (!strcasecmp(name, "slave") || !strcasecmp(name, "replica")) return CLIENT_CLASS_REPLICA;
    if (!strcasecmp(name, "pubsub")) return CLIENT_CLASS_PUBSUB;
    return -1;
}

/* A byte count as Redis's memtoull() reads one: digits (too many saturate
 * at ULLONG_MAX; none is 0), an optional unit, nothing else. */
static int obuf_bytes(const char *v, unsigned long long *out)
{
    static const struct { const char *unit; unsigned long long mul; } units[] = {
        {"", 1}, {"b", 1}, {"k", 1000}, {"kb", 1024}, {"m", 1000 * 1000},
        {"mb", 1024 * 1024}, {"g", 1000ULL * 1000 * 1000}, {"gb", 1024ULL * 1024 * 1024}};
    size_t digits = 0;
    while (isdigit((unsigned char)v[digits])) digits++;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(v + digits, units[i].unit) != 0) continue;
        char buf[128];
        if (digits >= sizeof(buf)) return -1;
        memcpy(buf, v, digits);
        buf[digits] = '\0';
        unsigned long long n = strtoull(buf, NULL, 10);
        if (n > ULLONG_MAX / units[i].mul) return -1;
        *out = n * units[i].mul;
        return 0;
    }
    return -1;
}

/* One "<class> <hard> <soft> <seconds>" group of words into lim. */
static int obuf_group(char **w, obuf_limit_t *lim, int *cls, char *err, size_t cap)
{
    char *end;
    if ((*cls = obuf_class(w[0])) < 0) {
        snprintf(err, cap, "Invalid client class specified in buffer limit configuration.");
        return -1;
    }
    int secs = (int)strtoll(w[3], &end, 10); /* an int, as Redis keeps it */
    if (obuf_bytes(w[1], &lim->hard) != 0 || obuf_bytes(w[2], &lim->soft) != 0 || secs < 0 ||
        *end) {
        snprintf(err, cap, "Error in hard, soft or soft_seconds setting in buffer limit "
                 "configuration.");
        return -1;
    }
    lim->soft_seconds = secs;
    return 0;
}

/*
 * client-output-buffer-limit: groups of four words, split on single
 * spaces as Redis splits the value; every group is checked before any
 * class changes, and only the classes named change.
 */
static int set_obuf(const char *v, char *err, size_t cap)
{
    char *copy = mem_strdup(v);
    int n = 0, rc = 0;
    if (*v) n = 1;
    for (const char *p = v; *p; p++) n += *p == ' ';
    char **w = mem_alloc((size_t)(n ? n : 1) * sizeof(char *));
    char *p = copy;
    for (int i = 0; i < n; i++) {
        w[i] = p;
        p = strchr(p, ' ');
        if (p) *p++ = '\0';
    }
    obuf_limit_t next[CLIENT_CLASS_COUNT];
    int given[CLIENT_CLASS_COUNT] = {0};
    if (n % 4) {
        snprintf(err, cap, "Wrong number of arguments in buffer limit configuration.");
        rc = -1;
    }
    for (int i = 0; !rc && i < n; i += 4) {
        obuf_limit_t lim;
        int cls;
        rc = obuf_group(w + i, &lim, &cls, err, cap);
        if (!rc) next[cls] = lim, given[cls] = 1;
    }
    for (int c = 0; !rc && c < CLIENT_CLASS_COUNT; c++)
        if (given[c]) srv.obuf_limits[c] = next[c];
    mem_free(w);
    mem_free(copy);
    return rc;
}

static char *get_obuf(void)
{
    static const char *const names[] = {"normal", "slave", "pubsub"};
    char buf[256];
    size_t off = 0;
    for (int c = 0; c < CLIENT_CLASS_COUNT; c++) {
        const obuf_limit_t *l = &srv.obuf_limits[c];
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s %llu %llu %ld",
                                c ? " " : "", names[c], l->hard, l->soft, l->soft_seconds);
    }
    return mem_strdup(buf);
}

static param_t params[] = {
    {"port", NULL, T_INT, 0, &srv.port, 0, 65535, "6379"},
    {"bind", NULL, T_STR, MULTI_ARG, &srv.bind, 0, 0, "* -::*"},
    {"unixsocket", NULL, T_STR, IMMUTABLE, &srv.unixsocket, 0, 0, ""},
    {"unixsocketperm", NULL, T_INT, IMMUTABLE, &srv.unixsocketperm, 0, 0777, "0"},
    {"protected-mode", NULL, T_BOOL, 0, &srv.protected_mode, 0, 1, "yes"},
    {"tcp-backlog", NULL, T_INT, IMMUTABLE, &srv.tcp_backlog, 0, INT_MAX, "511"},
    {"tcp-keepalive", NULL, T_INT, 0, &srv.tcp_keepalive, 0, INT_MAX, "300"},
    {"timeout", NULL, T_INT, 0, &srv.timeout, 0, INT_MAX, "0"},
    {.name = "hz", .type = T_INT, .var = &srv.hz, .max = INT_MAX, .def = "10", .apply = config_host_apply_hz},
    {"databases", NULL, T_INT, IMMUTABLE, &srv.databases, 1, INT_MAX, "16"},
    {"requirepass", NULL, T_STR, SENSITIVE, &srv.requirepass, 0, 0, ""},
    {"aclfile", NULL, T_STR, IMMUTABLE, &srv.aclfile, 0, 0, ""},
    {"acllog-max-len", NULL, T_LL, 0, &srv.acllog_max_len, 0, LLONG_MAX, "128"},
    {"acl-pubsub-default", NULL, T_ENUM, 0, &srv.acl_pubsub_default, 0, 0, "resetchannels",
     pubsub_default_names},
    {"maxclients", NULL, T_LL, 0, &srv.maxclients, 1, LLONG_MAX, "10000"},
    {"proto-max-bulk-len", NULL, T_MEM, 0, &srv.proto_max_bulk_len, 1024 * 1024, LLONG_MAX, "512mb"},
    {"client-query-buffer-limit", NULL, T_MEM, 0, &srv.client_query_buffer_limit, 1024 * 1024, LLONG_MAX, "1gb"},
    {"client-output-buffer-limit", NULL, T_SPECIAL, MULTI_ARG, NULL, 0, 0,
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", NULL, set_obuf,
     get_obuf},
    {"maxmemory", NULL, T_MEM, 0, &srv.maxmemory, 0, LLONG_MAX, "0"},
    {"maxmemory-policy", NULL, T_ENUM, 0, &srv.maxmemory_policy, 0, 0, "noeviction", policies},
    {"maxmemory-samples", NULL, T_INT, 0, &srv.maxmemory_samples, 1, 64, "5"},
    {"maxmemory-clients", NULL, T_SPECIAL, 0, NULL, 0, 0, "0", NULL, set_maxmemory_clients,
     get_maxmemory_clients},
    {"maxmemory-eviction-tenacity", NULL, T_INT, 0, &srv.maxmemory_eviction_tenacity, 0, 100, "10"},
    {"lfu-log-factor", NULL, T_INT, 0, &srv.lfu_log_factor, 0, INT_MAX, "10"},
    {"lfu-decay-time", NULL, T_INT, 0, &srv.lfu_decay_time, 0, INT_MAX, "1"},
    {"dir", NULL, T_SPECIAL, 0, NULL, 0, 0, NULL, NULL, set_dir, get_dir},
    {"logfile", NULL, T_STR, IMMUTABLE, &srv.logfile, 0, 0, ""},
    {"loglevel", NULL, T_ENUM, 0, &srv.verbosity, 0, 0, "notice", loglevels},
    {"daemonize", NULL, T_BOOL, IMMUTABLE, &srv.daemonize, 0, 1, "no"},
    {"supervised", NULL, T_ENUM, IMMUTABLE, &supervised_v, 0, 0, "no", supervised_names},
    {"pidfile", NULL, T_STR, IMMUTABLE, &srv.pidfile, 0, 0, ""},
    {.name = "dbfilename", .type = T_STR, .var = &srv.dbfilename, .def = "dump.rdb",
     .check = check_dbfilename},
    {"rdbcompression", NULL, T_BOOL, 0, &srv.rdbcompression, 0, 1, "yes"},
    {"rdbchecksum", NULL, T_BOOL, IMMUTABLE, &srv.rdbchecksum, 0, 1, "yes"},
    {"save", NULL, T_SPECIAL, MULTI_ARG, NULL, 0, 0, NULL, NULL, set_save, get_save},
    {"stop-writes-on-bgsave-error", NULL, T_BOOL, 0, &srv.stop_writes_on_bgsave_err, 0, 1, "yes"},
    {"rdb-key-save-delay", NULL, T_INT, HIDDEN, &srv.rdb_key_save_delay, INT_MIN, INT_MAX, "0"},
    {.name = "appendonly", .type = T_BOOL, .var = &srv.appendonly, .max = 1, .def = "no",
     .apply = persist_apply_appendonly},
    {"appendfsync", NULL, T_ENUM, 0, &srv.aof_fsync, 0, 0, "everysec", fsyncs},
    {.name = "appendfilename", .type = T_STR, .flags = IMMUTABLE, .var = &srv.aof_filename,
     .def = "appendonly.aof", .check = check_aof_filename},
    {.name = "appenddirname", .type = T_STR, .flags = IMMUTABLE, .var = &srv.aof_dirname,
     .def = "appendonlydir", .check = check_aof_dirname},
    {"aof-use-rdb-preamble", NULL, T_BOOL, 0, &srv.aof_use_rdb_preamble, 0, 1, "yes"},
    {"aof-load-truncated", NULL, T_BOOL, 0, &srv.aof_load_truncated, 0, 1, "yes"},
    {"no-appendfsync-on-rewrite", NULL, T_BOOL, 0, &srv.aof_no_fsync_on_rewrite, 0, 1, "no"},
    {"aof-rewrite-incremental-fsync", NULL, T_BOOL, 0, &srv.aof_rewrite_incremental_fsync,
     0, 1, "yes"},
    {"aof-timestamp-enabled", NULL, T_BOOL, 0, &srv.aof_timestamp_enabled, 0, 1, "no"},
    {"auto-aof-rewrite-percentage", NULL, T_INT, 0, &srv.aof_rewrite_perc, 0, INT_MAX, "100"},
    {"auto-aof-rewrite-min-size", NULL, T_MEM, 0, &srv.aof_rewrite_min_size, 0, LLONG_MAX,
     "64mb"},
    {"active-expire-enabled", NULL, T_BOOL, HIDDEN, &srv.active_expire_enabled, 0, 1, "yes"},
    {"active-expire-effort", NULL, T_INT, 0, &srv.active_expire_effort, 1, 10, "1"},
    {"lazyfree-lazy-user-del", NULL, T_BOOL, 0, &srv.lazyfree_lazy_user_del, 0, 1, "no"},
    {"lazyfree-lazy-user-flush", NULL, T_BOOL, 0, &srv.lazyfree_lazy_user_flush, 0, 1, "no"},
    {"lazyfree-lazy-expire", NULL, T_BOOL, 0, &srv.lazyfree_lazy_expire, 0, 1, "no"},
    {"lazyfree-lazy-server-del", NULL, T_BOOL, 0, &srv.lazyfree_lazy_server_del, 0, 1, "no"},
    {"sanitize-dump-payload", NULL, T_ENUM, 0, &sanitize_dump_v, 0, 0, "no", sanitize_names},
    {"slowlog-log-slower-than", NULL, T_LL, 0, &srv.slowlog_log_slower_than, -1, LLONG_MAX, "10000"},
    {"busy-reply-threshold", "lua-time-limit", T_LL, 0, &srv.busy_reply_threshold, 0, LLONG_MAX,
     "5000"},
    {"slowlog-max-len", NULL, T_LL, 0, &srv.slowlog_max_len, 0, LONG_MAX, "128"},
    {"latency-monitor-threshold", NULL, T_LL, 0, &srv.latency_monitor_threshold, 0, LLONG_MAX,
     "0"},
    {"latency-tracking", NULL, T_BOOL, 0, &srv.latency_tracking, 0, 0, "yes"},
    {"latency-tracking-info-percentiles", NULL, T_SPECIAL, MULTI_ARG, NULL, 0, 0, "50 99 99.9", NULL,
     set_latency_percentiles, get_latency_percentiles},
    {"tracking-table-max-keys", NULL, T_LL, 0, &srv.tracking_table_max_keys, 0, LONG_MAX,
     "1000000"},
    {"notify-keyspace-events", NULL, T_SPECIAL, 0, NULL, 0, 0, NULL, NULL, set_notify, get_notify},
    {"io-threads", NULL, T_INT, IMMUTABLE, &io_threads_v, 1, 128, "1"},
    {"enable-debug-command", NULL, T_ENUM, IMMUTABLE, &enable_debug_v, 0, 0, "no", protected_names},
    {"enable-module-command", NULL, T_ENUM, IMMUTABLE, &enable_module_v, 0, 0, "no", protected_names},
    {.name = "repl-backlog-size", .type = T_MEM, .var = &srv.repl.backlog_size, .min = 1,
     .max = LLONG_MAX, .def = "1mb", .apply = primary_apply_backlog_size},
    {"replicaof", "slaveof", T_SPECIAL, IMMUTABLE | MULTI_ARG, NULL, 0, 0, NULL, NULL,
     set_replicaof, get_replicaof},
    {"repl-backlog-ttl", NULL, T_INT, 0, &srv.repl.backlog_ttl, 0, INT_MAX, "3600"},
    {"repl-ping-replica-period", "repl-ping-slave-period", T_INT, 0, &srv.repl.ping_period, 1,
     INT_MAX, "10"},
    {"repl-timeout", NULL, T_INT, 0, &srv.repl.timeout, 1, INT_MAX, "60"},
    {"masterauth", NULL, T_STR, SENSITIVE, &srv.repl.masterauth, 0, 0, ""},
    {"masteruser", NULL, T_STR, 0, &srv.repl.masteruser, 0, 0, ""},
    {"replica-read-only", "slave-read-only", T_BOOL, 0, &srv.repl.read_only, 0, 1, "yes"},
    {"replica-serve-stale-data", "slave-serve-stale-data", T_BOOL, 0, &srv.repl.serve_stale, 0,
     1, "yes"},
    {"repl-diskless-load", NULL, T_ENUM, 0, &srv.repl.diskless_load, 0, 0, "disabled",
     diskless_load_names},
    {"min-replicas-to-write", "min-slaves-to-write", T_INT, 0, &srv.repl.min_replicas_to_write,
     0, INT_MAX, "0"},
    {"min-replicas-max-lag", "min-slaves-max-lag", T_INT, 0, &srv.repl.min_replicas_max_lag, 0,
     INT_MAX, "10"},
    {"repl-diskless-sync", NULL, T_BOOL, 0, &srv.repl.diskless_sync, 0, 1, "yes"},
    {"repl-diskless-sync-delay", NULL, T_INT, 0, &srv.repl.diskless_sync_delay, 0, INT_MAX, "5"},
    {"repl-diskless-sync-max-replicas", NULL, T_INT, 0, &srv.repl.diskless_sync_max_replicas, 0,
     INT_MAX, "0"},
    {"replica-priority", "slave-priority", T_INT, 0, &srv.repl.priority, 0, INT_MAX, "100"},
    {"replica-announced", NULL, T_BOOL, 0, &srv.repl.announced, 0, 1, "yes"},
    {"replica-announce-ip", "slave-announce-ip", T_STR, 0, &srv.repl.announce_ip, 0, 0, ""},
    {"replica-announce-port", "slave-announce-port", T_INT, 0, &srv.repl.announce_port, 0, 65535,
     "0"},
    {"repl-disable-tcp-nodelay", NULL, T_BOOL, 0, &srv.repl.disable_tcp_nodelay, 0, 1, "no"},
    {"replica-lazy-flush", "slave-lazy-flush", T_BOOL, 0, &srv.repl.lazy_flush, 0, 1, "no"},
    {"replica-ignore-maxmemory", "slave-ignore-maxmemory", T_BOOL, 0, &srv.repl.ignore_maxmemory,
     0, 1, "yes"},
#define TLS_STR(n, v, f) \
    {.name = n, .type = T_STR, .flags = f, .var = &srv.tls.v, .def = "", .apply = apply_tls}
#define TLS_INT(n, t, v, mx, d) \
    {.name = n, .type = t, .var = &srv.tls.v, .max = mx, .def = d, .apply = apply_tls}
    {.name = "tls-port", .type = T_INT, .var = &srv.tls.port, .max = 65535, .def = "0",
     .apply = apply_tls_port},
    TLS_STR("tls-cert-file", cert_file, 0),
    TLS_STR("tls-key-file", key_file, 0),
    TLS_STR("tls-key-file-pass", key_file_pass, SENSITIVE),
    TLS_STR("tls-client-cert-file", client_cert_file, 0),
    TLS_STR("tls-client-key-file", client_key_file, 0),
    TLS_STR("tls-client-key-file-pass", client_key_file_pass, SENSITIVE),
    TLS_STR("tls-dh-params-file", dh_params_file, 0),
    TLS_STR("tls-ca-cert-file", ca_cert_file, 0),
    TLS_STR("tls-ca-cert-dir", ca_cert_dir, 0),
    TLS_STR("tls-protocols", protocols, 0),
    TLS_STR("tls-ciphers", ciphers, 0),
    TLS_STR("tls-ciphersuites", ciphersuites, 0),
    {.name = "tls-auth-clients", .type = T_ENUM, .var = &srv.tls.auth_clients, .def = "yes",
     .enums = tls_auth_names},
    TLS_INT("tls-prefer-server-ciphers", T_BOOL, prefer_server_ciphers, 1, "no"),
    TLS_INT("tls-session-caching", T_BOOL, session_caching, 1, "yes"),
    TLS_INT("tls-session-cache-size", T_INT, session_cache_size, INT_MAX, "20480"),
    TLS_INT("tls-session-cache-timeout", T_INT, session_cache_timeout, INT_MAX, "300"),
    TLS_INT("tls-replication", T_BOOL, replication, 1, "no"),
    TLS_INT("tls-cluster", T_BOOL, cluster, 1, "no"),
#undef TLS_STR
#undef TLS_INT
    {NULL}};

int config_protected_allowed(const char *name, struct client *c)
{
    int v = name[0] == 'd' ? enable_debug_v : name[0] == 'm' ? enable_module_v
                                                              : srv.hostconf.enable_protected_configs;
    if (v == 1) return 1;
    if (v == 2) return (c->flags & CLIENT_UNIX) || strncmp(c->addr, "127.", 4) == 0 ||
                       strncmp(c->addr, "::1:", 4) == 0;
    return 0;
}

/* Module-registered parameters. */
static param_t *extra;
static int nextra;

/* Every parameter in one numbering: params[], config_host_params[], then
 * the modules' (extra). */
#define NBASE (sizeof(params) / sizeof(params[0]) - 1)

static size_t param_total(void) { return NBASE + config_host_nparams + (size_t)nextra; }

static param_t *param_at(size_t i)
{
    if (i < NBASE) return &params[i];
    if (i < NBASE + config_host_nparams) return &config_host_params[i - NBASE];
    return &extra[i - NBASE - config_host_nparams];
}

static param_t *param_find(const char *name)
{
    for (size_t i = 0; i < param_total(); i++) {
        param_t *p = param_at(i);
        if (strcasecmp(p->name, name) == 0 || (p->alias && strcasecmp(p->alias, name) == 0))
            return p;
    }
    return NULL;
}

int config_is_sensitive(const char *name)
{
    const param_t *p = param_find(name);
    return p && (p->flags & SENSITIVE);
}

static int param_set(param_t *p, const char *v, char *err, size_t cap)
{
    long long n;
    switch (p->type) {
    case T_BOOL:
        if (!strcasecmp(v, "yes")) *(int *)p->var = 1;
        else if (!strcasecmp(v, "no")) *(int *)p->var = 0;
        else {
            snprintf(err, cap, "argument must be 'yes' or 'no'");
            return -1;
        }
        return 0;
    case T_INT:
    case T_LL:
    case T_MEM:
        if (p->var == &srv.unixsocketperm) {
            /* Octal, as in redis.conf ("unixsocketperm 700"). */
            char *end;
            errno = 0;
            long o = strtol(v, &end, 8);
            if (!*v || *end || errno || o < 0 || o > 0777) {
                snprintf(err, cap, "argument couldn't be parsed as an octal number");
                return -1;
            }
            srv.unixsocketperm = (int)o;
            return 0;
        }
        if (p->type == T_MEM ? parse_mem(v, &n) != 0
                             : util_str2ll(v, strlen(v), &n) != 0) {
            snprintf(err, cap, p->type == T_MEM ? "argument must be a memory value"
                                                : "argument couldn't be parsed into an integer");
            return -1;
        }
        if (n < p->min || n > p->max) {
            snprintf(err, cap, "argument must be between %lld and %lld inclusive",
                     p->min, p->max);
            return -1;
        }
        if (p->type == T_INT) *(int *)p->var = (int)n;
        else *(long long *)p->var = n;
        return 0;
    case T_STR:
        if (p->check && p->check(v, err, cap) != 0) return -1;
        mem_free(*(char **)p->var);
        *(char **)p->var = mem_strdup(v);
        if (p->var == &srv.requirepass) acl_set_requirepass(v); /* the default user's */
        return 0;
    case T_ENUM:
        for (int i = 0; p->enums[i]; i++) {
            if (!strcasecmp(p->enums[i], v)) {
                *(int *)p->var = i;
                return 0;
            }
        }
        {
            size_t off = (size_t)snprintf(err, cap, "argument(s) must be one of the following: ");
            for (int i = 0; p->enums[i] && off < cap; i++)
                off += (size_t)snprintf(err + off, cap - off, "%s%s", i ? ", " : "", p->enums[i]);
        }
        return -1;
    case T_SPECIAL:
        return p->set(v, err, cap);
    }
    return -1;
}

static char *param_get(param_t *p)
{
    char buf[64];
    switch (p->type) {
    case T_BOOL: return mem_strdup(*(int *)p->var ? "yes" : "no");
    case T_INT:
        if (p->var == &srv.unixsocketperm) {
            snprintf(buf, sizeof(buf), "%o", *(int *)p->var);
            return mem_strdup(buf);
        }
        util_ll2str(buf, sizeof(buf), *(int *)p->var);
        return mem_strdup(buf);
    case T_LL:
    case T_MEM:
        util_ll2str(buf, sizeof(buf), *(long long *)p->var);
        return mem_strdup(buf);
    case T_STR: return mem_strdup(*(char **)p->var ? *(char **)p->var : "");
    case T_ENUM: return mem_strdup(p->enums[*(int *)p->var]);
    case T_SPECIAL: return p->get();
    }
    return mem_strdup("");
}

void config_init(void)
{
    char err[256];
    for (size_t i = 0; i < NBASE + config_host_nparams; i++) {
        param_t *p = param_at(i);
        if (p->type == T_SPECIAL && p->set == set_dir) continue;
        if (p->type == T_SPECIAL) {
            if (p->set == set_save) {
                mem_free(srv.save_params);
                srv.save_params = mem_strdup("3600 1 300 100 60 10000");
            }
            if (p->def) param_set(p, p->def, err, sizeof(err));
            continue;
        }
        if (p->type == T_STR) {
            mem_free(*(char **)p->var); /* a second init (tests) frees the first */
            *(char **)p->var = p->def[0] ? mem_strdup(p->def) : NULL;
            continue;
        }
        param_set(p, p->def, err, sizeof(err));
    }
    srv.loading = 0;
    srv.dir = NULL;
}

static param_t *extra_slot(const void *owner, const char *name);
static void extra_free(param_t *p);

/* A module parameter of type T_LL (an integer) or T_MEM (with units). */
static int register_extra(const void *owner, const char *name, int type, long long *var,
                          long long def, long long min, long long max)
{
    char def_text[32];
    param_t *p = extra_slot(owner, name);
    if (!p) return -1;
    util_ll2str(def_text, sizeof(def_text), def);
    p->def = mem_strdup(def_text);
    p->type = type;
    p->var = var;
    p->min = min;
    p->max = max;
    *var = def;
    return 0;
}

int config_register_ll(const void *owner, const char *name, long long *var,
                       long long def, long long min, long long max)
{
    return register_extra(owner, name, T_LL, var, def, min, max);
}

int config_register_mem(const void *owner, const char *name, long long *var,
                        long long def, long long min, long long max)
{
    return register_extra(owner, name, T_MEM, var, def, min, max);
}

int config_register_alias(const void *owner, const char *alias, const char *name)
{
    param_t *p = param_find(name);
    if (!p || p->owner != owner || p->alias || param_find(alias)) return -1;
    p->alias = mem_strdup(alias);
    return 0;
}

/* A new module parameter slot named `name` (NULL when the name is
 * taken); the caller fills type, var, def and the rest. */
static param_t *extra_slot(const void *owner, const char *name)
{
    if (param_find(name)) return NULL;
    extra = mem_realloc(extra, (size_t)(nextra + 1) * sizeof(param_t));
    param_t *p = &extra[nextra++];
    memset(p, 0, sizeof(param_t));
    p->name = mem_strdup(name);
    p->owner = owner;
    return p;
}

int config_register_str(const void *owner, const char *name, const char **var,
                        const char *def)
{
    param_t *p = extra_slot(owner, name);
    if (!p) return -1;
    p->type = T_STR;
    p->var = (void *)var;
    p->def = mem_strdup(def ? def : "");
    *var = mem_strdup(p->def);
    return 0;
}

int config_register_bool(const void *owner, const char *name, int *var, int def)
{
    param_t *p = extra_slot(owner, name);
    if (!p) return -1;
    p->type = T_BOOL;
    p->var = var;
    p->def = mem_strdup(def ? "yes" : "no");
    *var = def ? 1 : 0;
    return 0;
}

int config_register_enum(const void *owner, const char *name, int *var,
                         const char *const *names, int def)
{
    int n = 0;
    while (names && names[n]) n++;
    if (def < 0 || def >= n) return -1;
    param_t *p = extra_slot(owner, name);
    if (!p) return -1;
    p->type = T_ENUM;
    p->var = var;
    p->enums = names;
    p->def = mem_strdup(names[def]);
    *var = def;
    return 0;
}

void config_unregister_owner(const void *owner)
{
    int j = 0;
    for (int i = 0; i < nextra; i++) {
        if (extra[i].owner == owner) {
            extra_free(&extra[i]);
            continue;
        }
        extra[j++] = extra[i];
    }
    nextra = j;
}

/* Parameters of a module being upgraded (MODULE_PARK .. COMMIT/ROLLBACK). */
static param_t *parked;
static int nparked;

/* Free what config_unregister_owner frees of one parameter. */
static void extra_free(param_t *p)
{
    if (p->type == T_STR) {
        mem_free(*(char **)p->var);
        *(char **)p->var = NULL;
    }
    mem_free((char *)p->name);
    mem_free((char *)p->alias);
    mem_free((char *)p->def);
}

/* The new build's parameter takes the value the old one had (set the way
 * CONFIG SET does; a value the new build refuses keeps its default). */
static void carry_value(param_t *old)
{
    param_t *p = param_find(old->name);
    char err[128];
    if (!p || p->owner != old->owner) return;
    char *v = param_get(old);
    if (v && param_set(p, v, err, sizeof(err)) != 0)
        log_msg(LOG_WARNING, "MODULE UPGRADE: parameter %s keeps its default: %s", p->name,
                err);
    mem_free(v);
}

void config_stash_owner(const void *owner, int op)
{
    if (op == CONFIG_STASH_PARK) {
        int j = 0;
        for (int i = 0; i < nextra; i++) {
            if (extra[i].owner != owner) {
                extra[j++] = extra[i];
                continue;
            }
            parked = mem_realloc(parked, (size_t)(nparked + 1) * sizeof(param_t));
            parked[nparked++] = extra[i];
        }
        nextra = j;
        return;
    }
    if (op == CONFIG_STASH_ROLLBACK) {
        config_unregister_owner(owner);
        if (nparked) {
            extra = mem_realloc(extra, (size_t)(nextra + nparked) * sizeof(param_t));
            memcpy(extra + nextra, parked, (size_t)nparked * sizeof(param_t));
            nextra += nparked;
        }
    } else {
        for (int i = 0; i < nparked; i++) {
            carry_value(&parked[i]);
            extra_free(&parked[i]);
        }
    }
    mem_free(parked);
    parked = NULL;
    nparked = 0;
}

int config_set_one(const char *name, const char *value, char *err, size_t cap)
{
    param_t *p = param_find(name);
    if (!p) {
        snprintf(err, cap, "unknown parameter");
        return -1;
    }
    return param_set(p, value, err, cap);
}

char *config_get_value(const char *name)
{
    param_t *p = param_find(name);
    return p ? param_get(p) : NULL;
}

/* ---- config text parsing ---- */

/* Join words[1..n) with spaces (multi-word values such as save, bind). */
static char *join_words(char **w, int n)
{
    size_t len = 1;
    for (int i = 1; i < n; i++) len += strlen(w[i]) + 1;
    char *s = mem_alloc(len);
    s[0] = '\0';
    for (int i = 1; i < n; i++) {
        if (i > 1) strcat(s, " ");
        strcat(s, w[i]);
    }
    return s;
}

/*
 * Lines of the config file or command line naming a parameter nobody has
 * registered yet. config_load_or_die() keeps them, since module
 * parameters only exist once the `loadmodule` lines are loaded, and
 * config_apply_deferred_or_die() applies them then, in their order.
 */
typedef struct deferred {
    struct deferred *next;
    int lineno, nwords;
    char *name, *value, *line;
} deferred_t;
static deferred_t *deferred, **deferred_tail = &deferred;
static int defer_unknown;    /* set while config_load_or_die parses */

static void defer_line(int lineno, char **w, int n, const char *line)
{
    deferred_t *d = mem_calloc(sizeof(*d));
    d->lineno = lineno;
    d->nwords = n;
    d->name = mem_strdup(w[0]);
    d->value = join_words(w, n);
    d->line = mem_strdup(line);
    *deferred_tail = d;
    deferred_tail = &d->next;
}

/* Redis's arity rule: one value, unless the parameter takes several. */
static int arity_ok(const param_t *p, int nwords)
{
    return (p->flags & MULTI_ARG) || nwords == 2;
}

/*
 * The value a `save` line sets: the first line of a load replaces the
 * default save points, later ones add theirs; `save` alone or `save ""`
 * clears them. Takes and returns an owned string.
 */
static char *save_line_value(char *v, int *save_reset)
{
    if (!*save_reset) {
        *save_reset = 1;
        mem_free(srv.save_params);
        srv.save_params = mem_strdup("");
    }
    if (!srv.save_params[0] || !v[0]) return v;
    size_t l = strlen(srv.save_params) + strlen(v) + 2;
    char *joined = mem_alloc(l);
    snprintf(joined, l, "%s %s", srv.save_params, v);
    mem_free(v);
    return joined;
}


/* Apply one config line split into w[0..n) (n > 0). 0, or -1 with the
 * reason in err. */
static int load_words(char **w, int n, int lineno, const char *line, int *save_reset,
                      char *err, size_t errcap)
{
    if (!strcasecmp(w[0], "loadmodule") && n >= 2) {
        module_queue(w[1], n - 2, w + 2);
        return 0;
    }
    if (!strcasecmp(w[0], "user") && n >= 2) return acl_config_user_line(n, w, err, errcap);
    if (!strcasecmp(w[0], "rename-command") && n != 3) {
        snprintf(err, errcap, "Bad directive or wrong number of arguments");
        return -1;
    }
    if (!strcasecmp(w[0], "rename-command")) {
        /* A module's command exists once the modules load: later. */
        if (defer_unknown && !cmd_lookup(w[1], strlen(w[1]))) {
            defer_line(lineno, w, n, line);
            return 0;
        }
        const char *why;
        if (cmd_rename(w[1], w[2], &why) == 0) return 0;
        snprintf(err, errcap, "%s", why);
        return -1;
    }
    param_t *pp = param_find(w[0]);
    if (!pp && config_host_ignored(w[0])) return 0; /* Redis 7 accepts and ignores these */
    if (!pp && n >= 2 && defer_unknown) {
        defer_line(lineno, w, n, line);
        return 0;
    }
    if (!pp) {
        snprintf(err, errcap, "Bad directive or wrong number of arguments");
        return -1;
    }
    if (!arity_ok(pp, n)) {
        snprintf(err, errcap, "wrong number of arguments");
        return -1;
    }
    char *v = join_words(w, n);
    if (pp->set == set_save) v = save_line_value(v, save_reset);
    int rc = param_set(pp, v, err, errcap);
    mem_free(v);
    return rc;
}

/* Strip Redis's set of blanks (space, tab, CR, LF) from both ends. */
static char *trim(char *s)
{
    static const char blanks[] = " \t\r\n";
    s += strspn(s, blanks);
    size_t n = strlen(s);
    while (n && strchr(blanks, s[n - 1])) s[--n] = '\0';
    return s;
}

/* One load: the text of the file (and its includes) and the overrides. */
typedef struct load_ctx {
    int save_reset, depth;
    int *errline;
    char *err, *badline;
    size_t errcap, badcap;
} load_ctx_t;

static int load_text(const char *text, load_ctx_t *lc);

static char *read_config_or_die(const char *path, size_t *len);

/*
 * `include PATH` (Redis 7): the lines of PATH apply where the include
 * stands, numbered from 1 in error reports. A path with a wildcard
 * includes every match in alphabetical order as one text (as redis-server:
 * line numbers run on from one file to the next) and nothing when nothing
 * matches (so an empty conf.d directory is fine); a plain path that cannot
 * be opened is fatal, as in redis-server. Nesting stops at
 * INCLUDE_DEPTH_MAX (an include loop). Returns as load_text().
 */
#define INCLUDE_DEPTH_MAX 16
static int load_include(const char *path, load_ctx_t *lc)
{
    if (lc->depth >= INCLUDE_DEPTH_MAX) {
        snprintf(lc->err, lc->errcap, "include nesting deeper than %d (an include loop?)",
                 INCLUDE_DEPTH_MAX);
        return 1;
    }
    glob_t g;
    memset(&g, 0, sizeof(g));
    if (strpbrk(path, "*?[") && glob(path, 0, NULL, &g) != 0) {
        globfree(&g);
        return 0;
    }
    size_t count = g.gl_pathc ? g.gl_pathc : 1, len = 0;
    char *text = mem_strdup("");
    for (size_t i = 0; i < count; i++) {
        size_t n;
        char *one = read_config_or_die(g.gl_pathc ? g.gl_pathv[i] : path, &n);
        text = mem_realloc(text, len + n + 1);
        memcpy(text + len, one, n + 1);
        len += n;
        mem_free(one);
    }
    globfree(&g);
    lc->depth++;
    int rc = load_text(text, lc);
    lc->depth--;
    mem_free(text);
    return rc;
}

static int load_text(const char *text, load_ctx_t *lc)
{
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = mem_strndup(p, len);
        p += len + (nl ? 1 : 0);
        lineno++;
        char *t = trim(line);
        int rc = 0;
        if (*t && *t != '#') {
            char **w;
            int n = words_split(t, &w);
            if (n < 0) {
                snprintf(lc->err, lc->errcap, "Unbalanced quotes in configuration line");
                rc = -1;
            } else if (n == 2 && !strcasecmp(w[0], "include")) {
                rc = load_include(w[1], lc);
                words_free(w, n);
                if (rc < 0) { /* reported at the included file's line */
                    mem_free(line);
                    return -1;
                }
                rc = -rc;
            } else if (n > 0) {
                rc = load_words(w, n, lineno, t, &lc->save_reset, lc->err, lc->errcap);
                words_free(w, n);
            }
        }
        if (rc != 0) {
            *lc->errline = lineno;
            snprintf(lc->badline, lc->badcap, "%s", t);
        }
        mem_free(line);
        if (rc != 0) return -1;
    }
    return 0;
}

int config_load_text(const char *text, int *errline, char *err, size_t errcap,
                     char *badline, size_t badcap)
{
    load_ctx_t lc = {.errline = errline, .err = err, .errcap = errcap, .badline = badline,
                     .badcap = badcap};
    return load_text(text, &lc);
}

/* Append s[0, n) to the growing string *out (length *len, capacity *cap). */
static void text_cat(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap) *cap *= 2;
        *out = mem_realloc(*out, *cap);
    }
    memcpy(*out + *len, s, n);
    *len += n;
    (*out)[*len] = '\0';
}

/* Does argument a name an option by itself ("--port", not "--port 7000")? */
static int is_bare_option(const char *a)
{
    char **w;
    int n = words_split(a, &w);
    if (n > 0) words_free(w, n);
    return n == 1;
}

/*
 * As redis-server: "--name" starts a line "name", the arguments after it
 * are its values, quoted (sdscatrepr). After a bare "--name" the next
 * argument is a value even when it starts with "--"; except that "--save"
 * followed by another option or last means save "".
 */
char *config_args_to_text(int argc, char **argv)
{
    size_t cap = 256, len = 0;
    char *s = mem_alloc(cap);
    s[0] = '\0';
    int named = 1; /* the last option has a value: "--x" names an option */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (named && a[0] == '-' && a[1] == '-') {
            if (len) text_cat(&s, &len, &cap, "\n", 1);
            text_cat(&s, &len, &cap, a + 2, strlen(a + 2));
            text_cat(&s, &len, &cap, " ", 1);
            named = !is_bare_option(a);
            if (!named && !strcasecmp(a, "--save") &&
                (i == argc - 1 || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))) {
                text_cat(&s, &len, &cap, "\"\"", 2);
                named = 1;
            }
        } else {
            char *q = mem_alloc(strlen(a) * 4 + 3);
            size_t n = words_repr(q, a, strlen(a));
            text_cat(&s, &len, &cap, q, n);
            text_cat(&s, &len, &cap, " ", 1);
            mem_free(q);
            named = 1;
        }
    }
    return s;
}

/* Redis's report for a bad configuration line, then exit(1). */
static void config_fatal(int line, const char *bad, const char *err)
{
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Modis %s) ***\n", PACKAGE_VERSION);
    fprintf(stderr, "Reading the configuration file, at line %d\n", line);
    fprintf(stderr, ">>> '%s'\n%s\n", bad, err);
    exit(1);
}

/* The whole of config file `path` ("-": standard input), NUL-terminated,
 * its length in *len; as redis-server, exit(1) when it cannot be opened. */
static char *read_config_or_die(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", path,
                strerror(errno));
        exit(1);
    }
    char *text = mem_alloc(1), buf[4096];
    size_t n;
    *len = 0;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        text = mem_realloc(text, *len + n + 1);
        memcpy(text + *len, buf, n);
        *len += n;
    }
    text[*len] = '\0';
    if (f != stdin) fclose(f);
    return text;
}

void config_load_or_die(const char *path, const char *overrides)
{
    char *text = NULL;
    size_t len = 0;
    if (path) text = read_config_or_die(path, &len);
    size_t ol = overrides ? strlen(overrides) : 0;
    text = mem_realloc(text, len + ol + 2);
    text[len] = '\n';
    memcpy(text + len + 1, overrides ? overrides : "", ol);
    text[len + 1 + ol] = '\0';
    int line;
    char err[512], bad[512];
    defer_unknown = 1;
    int rc = config_load_text(text, &line, err, sizeof(err), bad, sizeof(bad));
    defer_unknown = 0;
    if (rc != 0) config_fatal(line, bad, err);
    mem_free(text);
}

static void deferred_free(deferred_t *d)
{
    mem_free(d->name);
    mem_free(d->value);
    mem_free(d->line);
    mem_free(d);
}

/* A deferred `rename-command <old> <new>` (a module's command), applied
 * or reported as a config error. Frees it. */
static void apply_deferred_rename(deferred_t *d)
{
    char **w;
    const char *why = NULL;
    int n = words_split(d->line, &w);
    if (n == 3 && cmd_rename(w[1], w[2], &why) != 0) {
        log_msg(LOG_WARNING, "Fatal config file error at line %d: '%s': %s", d->lineno,
                d->line, why);
        config_fatal(d->lineno, d->line, why);
    }
    if (n > 0) words_free(w, n);
    deferred = d->next;
    deferred_free(d);
}

void config_apply_deferred_or_die(void)
{
    while (deferred) {
        deferred_t *d = deferred;
        param_t *p = param_find(d->name);
        char err[512];
        if (!strcasecmp(d->name, "rename-command")) {
            apply_deferred_rename(d);
            continue;
        }
        if (!p) config_host_unknown(d->name, err, sizeof(err));
        else if (!arity_ok(p, d->nwords)) snprintf(err, sizeof(err), "wrong number of arguments");
        if (!p || !arity_ok(p, d->nwords) || param_set(p, d->value, err, sizeof(err)) != 0) {
            /* Modules load after daemonizing: stderr may be gone. */
            log_msg(LOG_WARNING, "Fatal config file error at line %d: '%s': %s",
                    d->lineno, d->line, err);
            config_fatal(d->lineno, d->line, err);
        }
        deferred = d->next;
        deferred_free(d);
    }
    deferred_tail = &deferred;
}

/* ---- CONFIG command ---- */


/* Does the argument contain any of the characters in `set`? */
static int strpbrk_n(md_arg_t a, const char *set)
{
    for (size_t i = 0; i < a.len; i++)
        if (strchr(set, a.ptr[i])) return 1;
    return 0;
}

int config_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    size_t total = param_total();
    /* A parameter is listed once per name (its alias too, as Redis 7
     * lists hash-max-ziplist-entries next to hash-max-listpack-entries). */
    param_t **hits = mem_calloc((2 * total + 1) * sizeof(param_t *));
    md_arg_t *names = mem_calloc((2 * total + 1) * sizeof(md_arg_t));
    size_t nh = 0;
    for (size_t i = 0; i < total; i++) {
        param_t *p = param_at(i);
        for (int k = 0; k < 2; k++) {
            const char *nm = k ? p->alias : p->name;
            for (int a = 2; nm && a < argc; a++) {
                if ((p->flags & HIDDEN) && strpbrk_n(argv[a], "*?[\\")) continue;
                if (!util_glob(argv[a].ptr, argv[a].len, nm, strlen(nm), 1)) continue;
                hits[nh] = p;
                /* A plain name (no glob characters) is echoed as typed. */
                names[nh++] = strpbrk_n(argv[a], "*?[\\") ? md_str(nm) : argv[a];
                break;
            }
        }
    }
    md_reply_map(c, (long)nh);
    for (size_t i = 0; i < nh; i++) {
        char *v = param_get(hits[i]);
        md_reply_bulk(c, names[i].ptr, names[i].len);
        md_reply_bulk(c, v, strlen(v));
        mem_free(v);
    }
    mem_free(hits);
    mem_free(names);
    return MD_OK;
}

int config_cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv, int protected_ok)
{
    char msg[512], err[300];
    if ((argc - 2) % 2 != 0) {
        md_reply_syntax(c);
        return MD_OK;
    }
    int n = (argc - 2) / 2;
    param_t **ps = mem_calloc((size_t)n * sizeof(param_t *));
    char **olds = mem_calloc((size_t)n * sizeof(char *));
    /* Named by its alias: a name of its own, as in Redis 7.4, where an
     * alias and its parameter may be set in one command (the last wins). */
    char *via = mem_calloc((size_t)n + 1);
    int failed = 0;
    /* Validate names first: unknown, immutable, duplicates. */
    for (int i = 0; i < n && !failed; i++) {
        char *name = mem_strndup(argv[2 + i * 2].ptr, argv[2 + i * 2].len);
        ps[i] = param_find(name);
        via[i] = ps[i] && ps[i]->alias && strcasecmp(name, ps[i]->alias) == 0;
        if (!ps[i]) {
            snprintf(msg, sizeof(msg),
                     "ERR Unknown option or number of arguments for CONFIG SET - '%s'", name);
            failed = 1;
        } else if ((ps[i]->flags & IMMUTABLE) ||
                   (!protected_ok && config_host_protected(ps[i]->name))) {
            snprintf(msg, sizeof(msg), "ERR CONFIG SET failed (possibly related to argument "
                     "'%s') - can't set %s config", name,
                     ps[i]->flags & IMMUTABLE ? "immutable" : "protected");
            failed = 1;
        } else {
            for (int j = 0; j < i; j++) {
                if (ps[j] == ps[i] && via[j] == via[i]) {
                    snprintf(msg, sizeof(msg), "ERR CONFIG SET failed (possibly related to "
                             "argument '%s') - duplicate parameter", name);
                    failed = 1;
                }
            }
        }
        mem_free(name);
    }
    /* Apply, remembering old values to roll back on failure. */
    int applied = 0;
    for (int i = 0; i < n && !failed; i++) {
        olds[i] = param_get(ps[i]);
        char *v = mem_strndup(argv[3 + i * 2].ptr, argv[3 + i * 2].len);
        if (param_set(ps[i], v, err, sizeof(err)) != 0) {
            snprintf(msg, sizeof(msg), "ERR CONFIG SET failed (possibly related to argument "
                     "'%s') - %s", via[i] ? ps[i]->alias : ps[i]->name, err);
            failed = 1;
        } else {
            applied = i + 1;
        }
        mem_free(v);
    }
    /* Act on the new values; a failure undoes the whole command. */
    for (int i = 0; i < n && !failed; i++) {
        if (ps[i]->apply && ps[i]->apply(err, sizeof(err)) != 0) {
            snprintf(msg, sizeof(msg), "ERR CONFIG SET failed (possibly related to argument "
                     "'%s') - %s", via[i] ? ps[i]->alias : ps[i]->name, err);
            failed = 1;
        }
    }
    if (failed) {
        /* Newest first: a parameter set twice (name, alias) ends at its
         * value from before the command. */
        for (int i = applied - 1; i >= 0; i--) param_set(ps[i], olds[i], err, sizeof(err));
        for (int i = 0; i < applied; i++)
            if (ps[i]->apply) ps[i]->apply(err, sizeof(err));
        md_reply_error(c, msg);
    } else {
        md_reply_ok(c);
    }
    for (int i = 0; i < n; i++) mem_free(olds[i]);
    mem_free(olds);
    mem_free(via);
    mem_free(ps);
    return MD_OK;
}

int config_cmd_resetstat(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    cmd_reset_stats();
    srv.stat_numcommands = srv.stat_numconnections = srv.stat_rejected_conn = 0;
    srv.stat_net_input_bytes = srv.stat_net_output_bytes = 0;
    srv.stat_expired_stale_perc_x100 = srv.stat_expire_cycle_time_used = 0;
    srv.stat_total_error_replies = srv.stat_unexpected_error_replies = 0;
    srv.stat_client_qbuf_limit_disconnections = 0;
    srv.stat_acl_denied_auth = srv.stat_acl_denied_cmd = 0;
    srv.stat_acl_denied_key = srv.stat_acl_denied_channel = 0;
    srv.stat_client_outbuf_limit_disconnections = 0;
    ks_stats.expired_keys = ks_stats.evicted_keys = 0;
    srv.stat_evicted_clients = 0;
    ks_stats.hits = ks_stats.misses = 0;
    md_reply_ok(c);
    return MD_OK;
}

/* Memory values as CONFIG REWRITE writes them: 5mb, 1gb, 100kb, 123. */
void config_format_mem(long long v, char *out, size_t cap)
{
    static const struct { long long unit; const char *sfx; } units[] = {
        {1024LL * 1024 * 1024, "gb"}, {1024 * 1024, "mb"}, {1024, "kb"}};
    for (int i = 0; i < 3; i++) {
        if (v && v % units[i].unit == 0) {
            snprintf(out, cap, "%lld%s", v / units[i].unit, units[i].sfx);
            return;
        }
    }
    snprintf(out, cap, "%lld", v);
}

/* ---- the table, for config_rewrite.c ---- */

size_t config_param_count(void) { return param_total(); }
param_t *config_param_at(size_t i) { return param_at(i); }
param_t *config_param_find(const char *name) { return param_find(name); }
char *config_param_value(param_t *p) { return param_get(p); }
int config_parse_mem(const char *v, long long *out) { return parse_mem(v, out); }

int config_cmd_rewrite(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (!srv.configfile) {
        md_reply_error(c, "ERR The server is running without a config file");
        return MD_OK;
    }
    if (config_rewrite(0) != 0) {
        char msg[256];
        snprintf(msg, sizeof(msg), "ERR Rewriting config file: %s", strerror(errno));
        md_reply_error(c, msg);
        return MD_OK;
    }
    log_msg(LOG_NOTICE, "CONFIG REWRITE executed with success.");
    md_reply_ok(c);
    return MD_OK;
}

int config_cmd_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Print this help."};
    int n = (int)(sizeof(lines) / sizeof(lines[0]));
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) md_reply_simple(c, lines[i]);
    return MD_OK;
}
