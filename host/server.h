/*
 * server.h — the process-wide server state: configuration values, the
 * databases, the event base, and the statistics INFO reports. One instance,
 * `srv`, defined in main.c. Subsystems keep their own private state in
 * their own files; only what several of them read lives here.
 */
#ifndef MODIS_SERVER_H
#define MODIS_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ks.h"

struct event_base;
struct client;

/* client-output-buffer-limit classes, in Redis's order (CONFIG GET). */
enum { CLIENT_CLASS_NORMAL, CLIENT_CLASS_REPLICA, CLIENT_CLASS_PUBSUB, CLIENT_CLASS_COUNT };

typedef struct obuf_limit {
    unsigned long long hard, soft; /* bytes, 0 = none */
    long soft_seconds;
} obuf_limit_t;

typedef struct server {
    /* configuration (names as in redis.conf) */
    char *bind;              /* space-separated addresses */
    int port;
    char *unixsocket;
    int unixsocketperm;
    int protected_mode;
    int tcp_backlog;
    int tcp_keepalive;
    int timeout;             /* client idle timeout, seconds (0 = none) */
    int hz;
    int databases;
    char *requirepass;
    long long maxclients;
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    obuf_limit_t obuf_limits[CLIENT_CLASS_COUNT]; /* client-output-buffer-limit */
    long long maxmemory;
    long long maxmemory_clients; /* bytes; negative: that percent of maxmemory */
    int maxmemory_eviction_tenacity; /* 0..100: how long one eviction run may take */
    int maxmemory_policy;
    int maxmemory_samples;
    int lfu_log_factor;
    int lfu_decay_time;
    char *dir;
    char *logfile;
    int verbosity;
    int daemonize;
    char *pidfile;
    char *dbfilename;
    char *save_params;
    int rdbcompression;
    int rdbchecksum;
    int stop_writes_on_bgsave_err;
    int rdb_key_save_delay;  /* microseconds per key while saving (tests) */
    int appendonly;
    int aof_fsync;           /* appendfsync: AOF_FSYNC_* (persist/aof_internal.h) */
    char *aof_filename;      /* appendfilename */
    char *aof_dirname;       /* appenddirname */
    int aof_use_rdb_preamble;
    int aof_load_truncated;
    int aof_no_fsync_on_rewrite;
    int aof_rewrite_incremental_fsync;
    int aof_timestamp_enabled; /* "#TS:<unix time>" annotations */
    int aof_rewrite_perc;    /* auto-aof-rewrite-percentage */
    long long aof_rewrite_min_size;
    int active_expire_enabled;
    int active_expire_effort;
    int lazyfree_lazy_user_del;
    int lazyfree_lazy_user_flush;
    int lazyfree_lazy_expire;
    int lazyfree_lazy_server_del; /* RESTORE REPLACE and other implicit deletes */
    long long slowlog_log_slower_than;
    long long slowlog_max_len;
    int latency_tracking;            /* per-command histograms (lathist.h) */
    long long latency_monitor_threshold; /* ms; 0 = the latency monitor is off */
    double latency_percentiles[16];  /* latency-tracking-info-percentiles */
    int nlatency_percentiles;
    long long tracking_table_max_keys;
    long long busy_reply_threshold; /* ms a script runs before others get -BUSY */
    int script_busy;          /* a script runs past it: other clients are served, -BUSY */
    char *notify_keyspace_events_str;
    int notify_flags;
    char *configfile;        /* absolute path, or NULL */
    char *aclfile;
    long long acllog_max_len;
    int acl_pubsub_default;  /* ACL_PUBSUB_ALL(0): new users get allchannels; 1: reset */
    struct {                 /* tls-* (names without the prefix) */
        int port;
        char *cert_file, *key_file, *key_file_pass;
        char *client_cert_file, *client_key_file, *client_key_file_pass;
        char *ca_cert_file, *ca_cert_dir, *dh_params_file;
        char *protocols, *ciphers, *ciphersuites;
        int auth_clients;    /* no, yes, optional */
        int prefer_server_ciphers, session_caching;
        int session_cache_size, session_cache_timeout;
        int replication, cluster;
    } tls;
    struct {                 /* replication (repl-*; cluster/) */
        long long backlog_size;
        int backlog_ttl;     /* seconds without replicas before it is freed */
        int ping_period;     /* repl-ping-replica-period, seconds */
        int timeout;         /* repl-timeout, seconds */
        int diskless_sync, diskless_sync_delay, diskless_sync_max_replicas;
        char *masterhost;    /* set while we are a replica (REPLICAOF, replicaof) */
        int masterport;
        char *masterauth, *masteruser;
        int read_only;       /* replica-read-only */
        int prop_err;        /* propagation-error-behavior: PROP_ERR_* */
        int del_sync_files;  /* rdb-del-sync-files (repl_del_sync_files()) */
        int ignore_disk_errors; /* replica-ignore-disk-write-errors (dispatch.c) */
        int serve_stale;     /* replica-serve-stale-data */
        int link_up;         /* the link to our primary is up */
        int applying;        /* running a command of our primary's stream */
        int min_replicas_to_write, min_replicas_max_lag;
        int diskless_load;   /* REPL_LOAD_* */
        int priority;        /* replica-priority (INFO slave_priority) */
        int announced;       /* replica-announced */
        char *announce_ip;   /* replica-announce-ip ("" none: REPLCONF ip-address) */
        int announce_port;   /* replica-announce-port (0: our port) */
        int disable_tcp_nodelay; /* repl-disable-tcp-nodelay: on replica sockets */
        int lazy_flush;      /* replica-lazy-flush: free the old data in background */
        int ignore_maxmemory;/* replica-ignore-maxmemory: a replica never evicts */
        char *bind_source_addr; /* bind-source-addr: the link's local address ("" any) */
    } repl;
    struct {                 /* process-level directives (config_host.c, proc.c) */
        int always_show_logo, set_proc_title;
        char *proc_title_template;
        int oom_score_adj;   /* PROC_OOM_* (proc.h) */
        int oom_values[3];   /* oom-score-adj-values: PROC_CLASS_* order */
        int disable_thp, activerehashing, dynamic_hz, jemalloc_bg_thread;
        int lazyfree_lazy_eviction, rdb_save_incremental_fsync;
        char *server_cpulist, *bio_cpulist, *aof_rewrite_cpulist, *bgsave_cpulist;
        int aof_disable_auto_gc, crash_log_enabled, crash_memcheck_enabled;
        int enable_protected_configs; /* no, yes, local (config.c's protected_names) */
        long long socket_mark_id; /* SO_MARK of the TCP listeners (0: none) */
        int syslog_enabled, syslog_facility; /* syslog_facility: LOG_USER, LOG_LOCAL0... */
        char *syslog_ident;
        int shutdown_on_sigint, shutdown_on_sigterm; /* SHUTDOWN_* flags (shutdown.h) */
        int hz;              /* the cron's frequency now (hz, raised by dynamic-hz) */
        int max_new_conns, max_new_tls_conns; /* accepted per listener event (net.c) */
        int hide_user_data_from_log; /* no query bytes in the log (client.c) */
        int shutdown_timeout; /* seconds a shutdown waits for replicas (shutdown.c) */
    } hostconf;

    /* runtime */
    struct event_base *base;
    ks_db_t *db;
    pid_t pid;
    char runid[41];
    int64_t start_ms;
    int64_t cmd_time_ms;     /* time cached at the start of a command */
    int shutdown_asap;
    int loading;
    long long dirty;         /* changes since the last save */
    int64_t lastsave;
    uint64_t next_client_id;
    int active_expire_paused;
    int clients_paused;      /* CLIENT PAUSE's mode now (pause.h): 0 none, 1 WRITE, 2 ALL;
                              * keys neither expire nor get evicted while it is set */
    int in_command;          /* nesting depth of command calls */
    /* The default user's state, kept by acl.c for the layers below it:
     * protected mode (nopass) and new connections (nopass and on). */
    int acl_default_nopass, acl_default_on;
    char *executable;        /* absolute path of this binary (DEBUG RESTART) */
    char **exec_argv;        /* the command line, NULL-terminated */

    /* DEBUG knobs (cmd_debug.c), for tests */
    long long aof_flush_sleep_us;   /* AOF-FLUSH-SLEEP: before each AOF write */
    int skip_checksum_validation;   /* SET-SKIP-CHECKSUM-VALIDATION */
    int pause_cron;                 /* PAUSE-CRON: the cron does nothing */
    int dict_resizing;              /* DICT-RESIZING: the cron may resize tables */
    long long reply_peak_reset_ms;  /* REPLYBUFFER PEAK-RESET-TIME (-1: never) */

    /* statistics */
    long long stat_numcommands;
    long long stat_numconnections;
    long long stat_rejected_conn;
    long long stat_evicted_clients; /* closed by maxmemory-clients */
    long long stat_net_input_bytes;
    long long stat_net_output_bytes;
    long long stat_expired_stale_perc_x100;
    long long stat_expire_cycle_time_used;
    long long stat_total_error_replies;
    long long stat_unexpected_error_replies;
    long long stat_client_qbuf_limit_disconnections;
    long long stat_acl_denied_auth, stat_acl_denied_cmd, stat_acl_denied_key,
        stat_acl_denied_channel;
    long long stat_client_outbuf_limit_disconnections;
    size_t stat_peak_memory;
    long long stat_instantaneous_ops;
    long long ops_sample_last_count;
    int64_t ops_sample_last_ms;
} server_t;

extern server_t srv;

/* The Redis version whose behaviour we implement: INFO's redis_version and
 * the "redis-ver" aux field of the RDB files we write. */
#define SERVER_COMPAT_VERSION "7.4.0"

/* repl-diskless-load values, in Redis's order */
enum { REPL_LOAD_DISABLED, REPL_LOAD_ON_EMPTY_DB, REPL_LOAD_SWAPDB };

/* SHUTDOWN options (shutdown.h), also shutdown-on-sigint/sigterm's. */
#define SHUTDOWN_NOSAVE 1
#define SHUTDOWN_SAVE 2
#define SHUTDOWN_NOW 4
#define SHUTDOWN_FORCE 8

/* propagation-error-behavior values, in Redis's order */
enum { PROP_ERR_IGNORE, PROP_ERR_PANIC, PROP_ERR_PANIC_ON_REPLICAS };

/* maxmemory-policy values, in Redis's listing order (its error text) */
enum {
    MAXMEM_VOLATILE_LRU, MAXMEM_VOLATILE_LFU, MAXMEM_VOLATILE_RANDOM,
    MAXMEM_VOLATILE_TTL, MAXMEM_ALLKEYS_LRU, MAXMEM_ALLKEYS_LFU,
    MAXMEM_ALLKEYS_RANDOM, MAXMEM_NOEVICTION
};

#endif
