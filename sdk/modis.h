/*
 * modis.h — the Modis module SDK, the only header a module includes.
 *
 * A module is a shared object that exports exactly two symbols, both defined
 * by MD_MODULE(): the const manifest `md_manifest` and the init function
 * `md_init`. Everything else in a module is static (build with
 * -fvisibility=hidden). The host validates the manifest (magic, ABI major)
 * before any module function runs, then calls md_init with the API table.
 *
 * The API table (md_api_t) is append-only: `size` comes first and every entry
 * is marked with the ABI minor that added it. The static inline wrappers below
 * are what modules call; modules link no host symbol, so a module builds with
 * nothing but this header.
 *
 * Ownership rules, for every function below unless its comment says
 * otherwise:
 *  - md_arg_t values passed to a command handler belong to the host and live
 *    until the handler returns.
 *  - A value stored in a key belongs to the keyspace from md_key_set() on;
 *    the host frees it through the type's `free` callback.
 *  - Memory a module keeps must come from md_alloc()/md_free() so INFO can
 *    account it per module.
 */
#ifndef MODIS_H
#define MODIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MD_ABI_MAJOR 1
#define MD_ABI_MINOR 2
/*
 * The ABI rule (docs/sdk.md, "ABI rules"): a module declares the minor it
 * was built against (MD_ABI_MINOR) and the lowest minor it needs
 * (MD_ABI_MINOR_MIN, by default the same). A host refuses a module only
 * when the module needs a newer minor than the host has. A module that
 * wants to run on older hosts defines MD_ABI_MINOR_MIN before including
 * this header and checks MD_API_HAS() before calling newer entries. (Hosts
 * of 1.0 and 1.1 predate the rule: they refuse any module built with a
 * newer header.)
 */
#ifndef MD_ABI_MINOR_MIN
#define MD_ABI_MINOR_MIN MD_ABI_MINOR
#endif
#define MD_MANIFEST_MAGIC 0x31444f4d5349444dULL /* "MDISMOD1" */

#define MD_OK 0
#define MD_ERR (-1)

/* ------------------------------------------------------------------ */
/* Opaque handles                                                      */
/* ------------------------------------------------------------------ */
typedef struct md_ctx md_ctx_t;         /* one command call */
typedef struct md_key md_key_t;         /* an opened key, valid for one call */
typedef struct md_type md_type_t;       /* a host-owned type slot */
typedef struct md_module md_module_t;   /* the loaded module */
typedef struct md_rdb md_rdb_t;         /* an RDB stream (save or load) */
typedef struct md_aof md_aof_t;         /* an AOF rewrite sink */
typedef struct md_digest md_digest_t;   /* DEBUG DIGEST accumulator */
typedef struct md_info md_info_t;       /* an INFO section being written */
typedef unsigned char md_lp_t;          /* a listpack (Redis's byte format) */

/* A counted byte string; never NUL-terminated by contract. */
typedef struct md_arg {
    const char *ptr;
    size_t len;
} md_arg_t;

/* ------------------------------------------------------------------ */
/* Manifest                                                            */
/* ------------------------------------------------------------------ */
typedef struct md_service_ref {
    const char *name;      /* "string.v1" */
    uint32_t version;      /* provided version, or minimum required */
} md_service_ref_t;

/*
 * How one type is stored in RDB files (1.2), in the manifest's `type_rdb`
 * array. Either `bytes`: the built-in Redis RDB type bytes the type writes
 * and reads (its rdb_load is called with the byte), or `module_type`:
 * Redis's module-type encoding — type byte 7 and a 64-bit id made of a
 * 9-character name from [A-Za-z0-9_-] and the 10-bit encoding version
 * `encver`, which the host writes around the type's rdb_save payload and
 * routes on load (rdb_load is then called with the encoding version found
 * in the file, never newer than `encver`). Never both.
 */
typedef struct md_type_rdb {
    const char *type;          /* a display name listed in `types` */
    const uint8_t *bytes;      /* built-in RDB type bytes claimed */
    size_t n_bytes;
    const char *module_type;   /* 9-character Redis module type name */
    uint16_t encver;           /* 0..1023: the encoding version written */
} md_type_rdb_t;

typedef struct md_manifest {
    uint64_t magic;                      /* MD_MANIFEST_MAGIC */
    uint16_t abi_major;                  /* MD_ABI_MAJOR */
    uint16_t abi_minor;                  /* MD_ABI_MINOR at build time */
    const char *name;                    /* module name, [a-z0-9_-]+ */
    uint32_t version;                    /* module version, e.g. 10000 */
    const char *description;
    const char *const *types;            /* NULL-terminated display names */
    const uint8_t *rdb_types;            /* claimed RDB type bytes */
    size_t n_rdb_types;
    const md_service_ref_t *provides;    /* terminated by {NULL, 0} */
    const md_service_ref_t *requires;    /* terminated by {NULL, 0} */
    uint32_t command_size;               /* sizeof(md_command_t) at build
                                            time: the host reads command
                                            tables with this stride */
    /* Fields of 1.2 and later: the host reads them only when abi_minor
     * says the module was built with a header that has them. */
    uint16_t abi_minor_min;              /* (1.2) the lowest host minor
                                            the module runs on */
    const md_type_rdb_t *type_rdb;       /* (1.2) per-type RDB identity,
                                            terminated by {NULL}; with it
                                            `rdb_types` must be empty */
} md_manifest_t;

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */
typedef int (*md_cmd_fn)(md_ctx_t *ctx, int argc, const md_arg_t *argv);
/* Key positions for commands whose keys move (numkeys arguments): fill
 * out[] with argv indexes, at most cap; return the count (0 if none or
 * the arguments are malformed). Set "movablekeys" in the flags. */
typedef int (*md_getkeys_fn)(int argc, const md_arg_t *argv, int *out, int cap);

/* Key spec flags (1.2), Redis's: how a command uses a key. */
#define MD_KSF_RO             (1u << 0)   /* reads the value */
#define MD_KSF_RW             (1u << 1)   /* reads and writes it */
#define MD_KSF_OW             (1u << 2)   /* overwrites it without reading */
#define MD_KSF_RM             (1u << 3)   /* deletes it */
#define MD_KSF_ACCESS         (1u << 4)   /* returns (part of) the value */
#define MD_KSF_UPDATE         (1u << 5)   /* updates the value */
#define MD_KSF_INSERT         (1u << 6)   /* adds to the value */
#define MD_KSF_DELETE         (1u << 7)   /* removes from the value */
#define MD_KSF_NOT_KEY        (1u << 8)   /* not a key (a shard channel) */
#define MD_KSF_INCOMPLETE     (1u << 9)   /* the spec may miss keys */
#define MD_KSF_VARIABLE_FLAGS (1u << 10)  /* flags depend on the arguments */

/* A key of an argv (1.2): its index and the MD_KSF_* flags of this use. */
typedef struct md_keyref {
    int pos;
    uint32_t flags;
} md_keyref_t;
/* Keys with their flags, for commands whose spec is "variable_flags" (SET
 * reads the old value only with GET): fill out[] (at most cap) and return
 * the count, 0 for malformed arguments. Must not reply or allocate. */
typedef int (*md_getkeys_flags_fn)(int argc, const md_arg_t *argv, md_keyref_t *out,
                                   int cap);

/*
 * A command declared as data. `flags` and `acl` are space-separated words
 * with Redis's names ("write denyoom fast", "@string @write"). For a command
 * with subcommands, `handler` may be NULL and `subcommands` points at a
 * NULL-name-terminated array whose names are the bare subcommand words.
 * Arity follows Redis: positive = exact argc, negative = at least -arity.
 */
typedef struct md_command {
    const char *name;
    md_cmd_fn handler;
    int arity;
    const char *flags;
    int first_key, last_key, step;
    const char *acl;
    const char *summary;
    const char *since;
    const char *complexity;
    const struct md_command *subcommands;
    const char *group;       /* COMMAND DOCS group: "string", "hash"...;
                                NULL = "module" */
    md_getkeys_fn getkeys;   /* for movablekeys commands, else NULL */
    /* The argument syntax as in Redis's docs, for COMMAND DOCS and
     * redis-cli hints: "key value [NX | XX] [EX seconds | KEEPTTL]".
     * Lower-case words are arguments (named "key"/"...key" = key type),
     * upper-case words are tokens, [..] optional, <a | b> a required
     * choice, TOKEN (..) a block, "x [x ...]" repeats; {..} after an item
     * annotates it: {=name @since type #keyspec -deprecated "display"}.
     * The full grammar is in docs/sdk.md, section 7. */
    const char *syntax;
    /* (1.2) Redis 7 key specs, ';'-separated, each: flags (RO RW OW RM
     * access update insert delete not_key incomplete variable_flags),
     * begin search (index:N | keyword:WORD[:startfrom] | unknown), find
     * keys (range:lastkey[:step[:limit]] | keynum:idx:first:step), then
     * "# notes". "RW access delete index:1 range:-2". NULL: one spec
     * derived from first_key/last_key/step and the flags. The host
     * refuses specs whose legacy range differs from first/last/step. */
    const char *key_specs;
    /* (1.2) COMMAND INFO tips, space-separated:
     * "request_policy:all_shards response_policy:agg_sum". */
    const char *tips;
    /* (1.2) COMMAND DOCS history, one "version: text" per line:
     * "6.2.0: Added the `GT` and `LT` options.\n7.0.0: ...". */
    const char *history;
    /* (1.2) COMMAND DOCS doc_flags ("deprecated syscmd"), and for a
     * deprecated command the version and its replacement. */
    const char *doc_flags;
    const char *deprecated_since;
    const char *replaced_by;
    /* (1.2) Keys and their flags for this argv, when they depend on the
     * arguments; COMMAND GETKEYSANDFLAGS (and later ACLs) use it. */
    md_getkeys_flags_fn getkeys_flags;
} md_command_t;

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */
/*
 * Callbacks for values of one type. The host never looks inside a value; a
 * value may be any pointer-sized word the module chooses (tagged immediates
 * included), except NULL.
 */
typedef struct md_type_ops {
    size_t size;                 /* sizeof(md_type_ops_t) at build time */
    /* The version of the in-memory layout of values; bump it when the
     * layout changes. MODULE UPGRADE keeps the values when the new build's
     * is the same, else converts them through rdb_save/rdb_load. */
    uint32_t layout_version;
    void (*free)(void *value);
    size_t (*free_effort)(const void *value);   /* > 64: freed in background */
    void *(*copy)(const void *value);
    size_t (*mem_usage)(const void *value);
    void (*digest)(md_digest_t *d, const void *value);
    const char *(*encoding)(const void *value); /* OBJECT ENCODING */
    /* RDB: rdb_type picks the type byte written before the key; rdb_save
     * writes the payload; rdb_load reads a payload of `rdb_type` and returns
     * a new value or NULL after md_rdb_error(). For a type declared with a
     * Redis module type name (md_type_rdb_t.module_type, 1.2) the host
     * writes type byte 7, the id and the EOF opcode itself, rdb_type is not
     * called, rdb_save/rdb_load use only the md_rdb_write_* / md_rdb_read_*
     * fields, and rdb_load's second argument is the encoding version of the
     * value being read (0..the type's encver). */
    uint8_t (*rdb_type)(const void *value);
    int (*rdb_save)(md_rdb_t *rdb, const void *value);
    void *(*rdb_load)(md_rdb_t *rdb, int rdb_type);
    /* AOF rewrite: emit commands that rebuild the value under `key`. */
    int (*aof_rewrite)(md_aof_t *aof, md_arg_t key, const void *value);
    /* Sub-key expiry (hash fields). subexpire_next: the earliest sub-key
     * expiry time in ms, or -1. subexpire_run: delete the sub-keys due at
     * `now_ms` from the value at `key` (an open write key whose current
     * name md_key_name() gives, 1.1), replicating the deletions; it may
     * delete the key when it becomes empty. The host
     * calls it from active expiry for keys marked with
     * md_key_subexpire_track(). */
    int64_t (*subexpire_next)(const void *value);
    void (*subexpire_run)(md_ctx_t *ctx, md_key_t *key, int64_t now_ms);
    /* (1.2) Data of the module outside the keyspace, as Redis's aux_save /
     * aux_load; only for types with a module type name. aux_save(rdb, when)
     * runs for each MD_AUX_* bit of `aux_when` while an RDB file (or an AOF
     * preamble) is written and writes md_rdb_write_* fields; when it writes
     * none, nothing is stored (so the file loads without the module).
     * aux_load(rdb, encver, when) reads them back. MD_OK or MD_ERR. */
    int (*aux_save)(md_rdb_t *rdb, int when);
    int (*aux_load)(md_rdb_t *rdb, int encver, int when);
    int aux_when;
    /* (1.2) DEBUG LISTPACK / QUICKLIST / HTSTATS-KEY <key>: a text
     * describing how the value is represented, for `what` = "listpack",
     * "quicklist" or "htstats" (`detail`: QUICKLIST's level, HTSTATS-KEY's
     * FULL), allocated with md_alloc (the host frees it), or NULL when the
     * value is not represented that way (the host then replies Redis's
     * error). md_lp_repr() and md_ht_stats() write the usual parts. */
    char *(*debug_repr)(const void *value, const char *what, int detail);
} md_type_ops_t;

/* When aux_save runs (Redis's REDISMODULE_AUX_BEFORE_RDB / _AFTER_RDB). */
#define MD_AUX_BEFORE_RDB (1 << 0)
#define MD_AUX_AFTER_RDB (1 << 1)

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */
#define MD_READ  1
#define MD_WRITE 2

/* Expire/set option flags, filled by md_parse_set_opts(). */
#define MD_OPT_NX       (1u << 0)
#define MD_OPT_XX       (1u << 1)
#define MD_OPT_GT       (1u << 2)
#define MD_OPT_LT       (1u << 3)
#define MD_OPT_EX       (1u << 4)
#define MD_OPT_PX       (1u << 5)
#define MD_OPT_EXAT     (1u << 6)
#define MD_OPT_PXAT     (1u << 7)
#define MD_OPT_KEEPTTL  (1u << 8)
#define MD_OPT_GET      (1u << 9)
#define MD_OPT_PERSIST  (1u << 10)

typedef struct md_set_opts {
    unsigned flags;       /* MD_OPT_* seen */
    int64_t expire_at_ms; /* absolute unix ms when EX/PX/EXAT/PXAT given */
} md_set_opts_t;

/* Filled by md_parse_mpop() (1.2). */
typedef struct md_mpop_args {
    int nkeys;       /* keys follow the numkeys argument */
    int which;       /* 0: the first word (LEFT, MIN), 1: the second */
    long long count; /* >= 1 */
} md_mpop_args_t;

/* SCAN-family options (1.1), filled by md_parse_scan_opts(): the words a
 * command accepts besides COUNT and MATCH. */
#define MD_SCAN_NOVALUES (1u << 0)
#define MD_SCAN_TYPE     (1u << 1)

typedef struct md_scan_opts {
    long long count;     /* COUNT (>= 1); 10 when not given */
    md_arg_t pattern;    /* the last MATCH pattern; ptr NULL when none */
    int use_pattern;     /* a MATCH other than "*" is in force */
    int novalues;        /* NOVALUES given */
    md_arg_t type;       /* the TYPE name; ptr NULL when none */
} md_scan_opts_t;

/* Keyspace notification classes (Redis letters). */
#define MD_NOTIFY_GENERIC  (1 << 2)  /* g */
#define MD_NOTIFY_STRING   (1 << 3)  /* $ */
#define MD_NOTIFY_LIST     (1 << 4)  /* l */
#define MD_NOTIFY_SET      (1 << 5)  /* s */
#define MD_NOTIFY_HASH     (1 << 6)  /* h */
#define MD_NOTIFY_ZSET     (1 << 7)  /* z */
#define MD_NOTIFY_STREAM   (1 << 10) /* t */
/* (1.2) The other classes, for md_keyspace_subscribe() (and md_notify() of
 * module types: MD_NOTIFY_MODULE). KEY_MISS, LOADED and NEW reach module
 * subscribers only, as in Redis, unless notify-keyspace-events enables
 * "m" / "n" for Pub/Sub. */
#define MD_NOTIFY_EXPIRED  (1 << 8)  /* x */
#define MD_NOTIFY_EVICTED  (1 << 9)  /* e */
#define MD_NOTIFY_KEY_MISS (1 << 11) /* m */
#define MD_NOTIFY_LOADED   (1 << 12) /* a key read from an RDB file */
#define MD_NOTIFY_MODULE   (1 << 13) /* d */
#define MD_NOTIFY_NEW      (1 << 14) /* n */
#define MD_NOTIFY_ALL (MD_NOTIFY_GENERIC | MD_NOTIFY_STRING | MD_NOTIFY_LIST |   \
                       MD_NOTIFY_SET | MD_NOTIFY_HASH | MD_NOTIFY_ZSET |         \
                       MD_NOTIFY_EXPIRED | MD_NOTIFY_EVICTED | MD_NOTIFY_STREAM | \
                       MD_NOTIFY_MODULE) /* A */

/* ------------------------------------------------------------------ */
/* Blocking with private data, by module code and threads (1.2)        */
/* ------------------------------------------------------------------ */
/* A client blocked by md_block_client(), until md_unblock(). */
typedef struct md_blocked md_blocked_t;

/* A callback of a blocked client, run on the server's thread with a
 * context bound to the client: it sends the client's reply (exactly one).
 * `priv` is the block's private data. */
typedef int (*md_block_fn)(md_ctx_t *ctx, void *priv);

/* How to block (md_block_on_keys_ex, md_block_client). Zero what you do
 * not use; the host reads `size` bytes of it and copies what it keeps. */
typedef struct md_block {
    size_t size;                    /* sizeof(md_block_t) at build time */
    int64_t timeout_ms;             /* relative; 0 = no timeout */
    int timeout_reply;              /* MD_BLOCK_NULL_ARRAY or MD_BLOCK_NULL:
                                       the timeout reply without on_timeout */
    md_block_fn on_timeout;         /* replies on timeout and on CLIENT
                                       UNBLOCK ... TIMEOUT */
    md_block_fn on_reply;           /* md_block_client: replies once
                                       md_unblock() was called */
    void (*free_priv)(void *priv);  /* releases the private data */
    void *priv;                     /* private data, the module's */
    int argc;                       /* md_block_on_keys_ex: the argv a ready
                                       key re-runs the command with (argv[0]
                                       its name); 0 = the argv as called */
    const md_arg_t *argv;
} md_block_t;

/* ------------------------------------------------------------------ */
/* Calling commands (1.2)                                              */
/* ------------------------------------------------------------------ */
/* A reply of md_call(), parsed: a tree the caller frees (md_call_reply_free
 * on the root). */
typedef struct md_reply md_reply_t;

/* Reply types. RESP2 and RESP3 share them; RESP2 has no MAP, SET, BOOL,
 * DOUBLE, BIG_NUMBER or VERBATIM (those commands send arrays, integers and
 * bulk strings there). Both nulls ($-1, *-1, _) are MD_REPLY_NULL. */
#define MD_REPLY_STRING     1   /* bulk string ($) */
#define MD_REPLY_ERROR      2   /* -ERR ... or a blob error (!) */
#define MD_REPLY_INTEGER    3   /* : */
#define MD_REPLY_ARRAY      4   /* * */
#define MD_REPLY_NULL       5   /* $-1 *-1 _ */
#define MD_REPLY_STATUS     6   /* simple string (+) */
#define MD_REPLY_MAP        7   /* % */
#define MD_REPLY_SET        8   /* ~ */
#define MD_REPLY_BOOL       9   /* # */
#define MD_REPLY_DOUBLE     10  /* , */
#define MD_REPLY_BIG_NUMBER 11  /* ( */
#define MD_REPLY_VERBATIM   12  /* = */

/* md_call() flags (Redis's RM_Call format letters in brackets). */
#define MD_CALL_RESP3        (1u << 0)  /* the reply in RESP3 ['3'] */
#define MD_CALL_RESP_AUTO    (1u << 1)  /* the calling client's protocol ['0'] */
#define MD_CALL_NO_WRITES    (1u << 2)  /* refuse write commands ['W'] */
#define MD_CALL_SCRIPT       (1u << 3)  /* script mode ['S'] */
#define MD_CALL_RESPECT_OOM  (1u << 4)  /* refuse denyoom commands above
                                           maxmemory ['M'] */
#define MD_CALL_CHECK_ACL    (1u << 5)  /* the caller's ACL user ['C'] */
#define MD_CALL_PROPAGATE    (1u << 6)  /* propagate to AOF/replicas ['!'] */

/* ------------------------------------------------------------------ */
/* Server events (1.2)                                                 */
/* ------------------------------------------------------------------ */
#define MD_EVENT_FLUSH        1  /* FLUSHALL, FLUSHDB: START then END */
#define MD_EVENT_SWAPDB       2  /* SWAPDB, after the swap */
#define MD_EVENT_LOADING      3  /* an RDB file or the AOF is loaded */
#define MD_EVENT_PERSISTENCE  4  /* an RDB or AOF is written */
#define MD_EVENT_SHUTDOWN     5  /* the server exits (after its last save) */
#define MD_EVENT_CLIENT       6  /* a client connects or disconnects */
#define MD_EVENT_MODULE       7  /* a module was loaded, upgraded or unloaded */
#define MD_EVENT_CRON         8  /* the server cron, hz times a second */
#define MD_EVENT_FORK_CHILD   9  /* the background child forked or ended */

/* Sub-events (md_event_t.sub), per event. */
#define MD_SUB_FLUSH_START 0
#define MD_SUB_FLUSH_END 1
#define MD_SUB_LOADING_RDB_START 0
#define MD_SUB_LOADING_AOF_START 1
#define MD_SUB_LOADING_ENDED 2
#define MD_SUB_LOADING_FAILED 3
#define MD_SUB_PERSISTENCE_RDB_START 0       /* BGSAVE forked */
#define MD_SUB_PERSISTENCE_AOF_START 1       /* BGREWRITEAOF forked */
#define MD_SUB_PERSISTENCE_SYNC_RDB_START 2  /* SAVE, a final or FLUSHALL save */
#define MD_SUB_PERSISTENCE_ENDED 3
#define MD_SUB_PERSISTENCE_FAILED 4
#define MD_SUB_CLIENT_CONNECTED 0
#define MD_SUB_CLIENT_DISCONNECTED 1
#define MD_SUB_MODULE_LOADED 0
#define MD_SUB_MODULE_UNLOADED 1
#define MD_SUB_FORK_CHILD_BORN 0
#define MD_SUB_FORK_CHILD_DIED 1

/* What an event says; the fields an event does not use are 0 / NULL. */
typedef struct md_event {
    size_t size;            /* sizeof(md_event_t) of the host */
    int event;              /* MD_EVENT_* */
    int sub;                /* MD_SUB_* of the event, 0 when it has none */
    int dbid;               /* FLUSH: the db, -1 = all; SWAPDB: the first */
    int dbid2;              /* SWAPDB: the second db */
    int async;              /* FLUSH: ASYNC (values freed in background) */
    uint64_t client_id;     /* CLIENT */
    const char *name;       /* CLIENT: "ip:port" or the socket path;
                               MODULE: the module's name */
    long long value;        /* CRON: hz; MODULE: its version;
                               FORK_CHILD: the child's pid */
} md_event_t;

/* A server event; ctx has no client (as a cron hook's). */
typedef void (*md_event_fn)(md_ctx_t *ctx, const md_event_t *e);
/* A keyspace event of a subscribed class: cls is one MD_NOTIFY_* bit,
 * event Redis's name ("set", "del", "expired"...), key in ctx's db. The
 * return value is ignored. */
typedef int (*md_keyspace_fn)(md_ctx_t *ctx, int cls, const char *event, md_arg_t key);
/* MODULE UNLOAD asks: MD_OK lets it go on, MD_ERR refuses it with the
 * reason written to why[0..cap). */
typedef int (*md_unload_fn)(char *why, size_t cap);

/* ------------------------------------------------------------------ */
/* Hash table (1.2)                                                    */
/* ------------------------------------------------------------------ */
/*
 * An incrementally rehashed chained hash table of elements the module
 * allocates (Redis's dict, generic over the element). Each element embeds
 * an md_ht_link_t, the chain pointer, wherever the type says; the table
 * never copies or moves an element and frees one only through the type's
 * `free` (md_ht_delete, md_ht_free). Keys are byte strings that the type's
 * `key` callback reads out of the element; they must not change while the
 * element is in a table.
 */
typedef struct md_ht md_ht_t;
typedef struct md_ht_link {
    void *next;                 /* the table's; never touch it */
} md_ht_link_t;

typedef struct md_ht_type {
    size_t size;                /* sizeof(md_ht_type_t) at build time */
    size_t link_offset;         /* offsetof(element, its md_ht_link_t) */
    md_arg_t (*key)(const void *elem);       /* the element's key bytes */
    void (*free)(void *elem);   /* NULL: the table never frees elements */
    size_t (*mem)(const void *elem);         /* NULL: md_usable(elem) */
} md_ht_type_t;

/* SCAN callback: must not change the table. */
typedef void (*md_ht_scan_fn)(void *priv, void *elem);

/* An iterator on the caller's stack; its fields are the host's. */
typedef struct md_ht_iter {
    md_ht_t *t;
    void *next;
    uint64_t idx;
    int side;
    int active;
} md_ht_iter_t;

/* A ZRANGEBYLEX-style range bound (1.2), filled by md_arg_lex_bound(). */
#define MD_LEX_INCL 0     /* "[value": value included */
#define MD_LEX_EXCL 1     /* "(value": value excluded */
#define MD_LEX_NEG_INF 2  /* "-": below every string */
#define MD_LEX_POS_INF 3  /* "+": above every string */
typedef struct md_lex_bound {
    int kind;             /* MD_LEX_* */
    md_arg_t value;       /* INCL/EXCL: the bytes after the prefix (they
                             point into the argument); else empty */
} md_lex_bound_t;

/* A module-owned random generator (xoshiro256**), see md_rng_seed(). */
typedef struct md_rng {
    uint64_t s[4];
} md_rng_t;

/* ------------------------------------------------------------------ */
/* The API table                                                       */
/* ------------------------------------------------------------------ */
typedef struct md_api {
    size_t size;

    /* memory (1.0) — accounted to the calling module */
    void *(*alloc)(md_module_t *m, size_t n);
    void *(*calloc)(md_module_t *m, size_t n);
    void *(*realloc)(md_module_t *m, void *p, size_t n);
    void (*free)(md_module_t *m, void *p);
    size_t (*usable)(const void *p);

    /* registration, only during md_init (1.0) */
    md_type_t *(*type_register)(md_module_t *m, const char *name,
                                const md_type_ops_t *ops);
    int (*commands_register)(md_module_t *m, const md_command_t *cmds);
    int (*service_export)(md_module_t *m, const char *name, uint32_t version,
                          const void *table);
    const void *(*service_import)(md_module_t *m, const char *name,
                                  uint32_t min_version);

    /* keys (1.0) */
    md_key_t *(*key_open)(md_ctx_t *c, md_arg_t name, int mode);
    const md_type_t *(*key_type)(md_key_t *k);
    void *(*key_value)(md_key_t *k);
    int (*key_set)(md_key_t *k, const md_type_t *t, void *value, int keepttl);
    int (*key_replace_value)(md_key_t *k, void *value);
    int (*key_delete)(md_key_t *k);
    int64_t (*key_expire_get)(md_key_t *k);
    int (*key_expire_set)(md_key_t *k, int64_t at_ms);
    void (*key_modified)(md_ctx_t *c, md_key_t *k);
    void (*notify)(md_ctx_t *c, int cls, const char *event, md_arg_t key);
    void (*dirty)(md_ctx_t *c, long long n);

    /* replies (1.0) */
    int (*reply_simple)(md_ctx_t *c, const char *s);
    int (*reply_error)(md_ctx_t *c, const char *s);
    int (*reply_int)(md_ctx_t *c, long long v);
    int (*reply_bulk)(md_ctx_t *c, const void *p, size_t n);
    int (*reply_null)(md_ctx_t *c);
    int (*reply_null_array)(md_ctx_t *c);
    int (*reply_array)(md_ctx_t *c, long n);
    int (*reply_map)(md_ctx_t *c, long n);
    int (*reply_set)(md_ctx_t *c, long n);
    int (*reply_double)(md_ctx_t *c, double d);
    int (*reply_bool)(md_ctx_t *c, int b);
    int (*reply_bulk_ll)(md_ctx_t *c, long long v);
    int (*reply_bulk_ld)(md_ctx_t *c, long double v);
    void *(*reply_defer)(md_ctx_t *c);
    void (*reply_defer_set)(md_ctx_t *c, void *h, int kind, long n);
    int (*reply_verbatim)(md_ctx_t *c, const char *fmt3, const void *p,
                          size_t n);
    int (*reply_wrongtype)(md_ctx_t *c);
    int (*reply_syntax)(md_ctx_t *c);

    /* arguments (1.0) */
    int (*arg_ll)(md_arg_t a, long long *out);
    int (*arg_ld)(md_arg_t a, long double *out);
    int (*arg_double)(md_arg_t a, double *out);
    int (*parse_ll)(md_ctx_t *c, md_arg_t a, long long *out);
    int (*parse_double)(md_ctx_t *c, md_arg_t a, double *out);
    int (*parse_set_opts)(md_ctx_t *c, int argc, const md_arg_t *argv,
                          int start, unsigned allowed, md_set_opts_t *out);
    int (*arg_eq)(md_arg_t a, const char *word);

    /* utility (1.0) */
    int64_t (*mstime)(void);
    int (*ll2str)(char *buf, size_t cap, long long v);
    int (*ld2str)(char *buf, size_t cap, long double v, int humanfriendly);
    int (*resp_version)(md_ctx_t *c);
    void (*log)(md_module_t *m, int level, const char *fmt, va_list ap);
    void (*replicate_verbatim)(md_ctx_t *c);
    void (*replicate)(md_ctx_t *c, int argc, const md_arg_t *argv);
    uint64_t (*hash)(const void *p, size_t n);

    /* RDB stream (1.0) */
    int (*rdb_save_len)(md_rdb_t *r, uint64_t len);
    int (*rdb_save_string)(md_rdb_t *r, const void *p, size_t n);
    int (*rdb_save_ll_string)(md_rdb_t *r, long long v);
    int (*rdb_save_double)(md_rdb_t *r, double d);
    int (*rdb_save_raw)(md_rdb_t *r, const void *p, size_t n);
    int (*rdb_load_len)(md_rdb_t *r, uint64_t *len);
    void *(*rdb_load_string)(md_rdb_t *r, size_t *len); /* md_alloc'd */
    int (*rdb_load_double)(md_rdb_t *r, double *d);
    int (*rdb_load_raw)(md_rdb_t *r, void *p, size_t n);
    void (*rdb_error)(md_rdb_t *r, const char *what);

    /* AOF rewrite and digest (1.0) */
    int (*aof_emit)(md_aof_t *a, int argc, const md_arg_t *argv);
    void (*digest_add)(md_digest_t *d, const void *p, size_t n);
    void (*digest_end_seq)(md_digest_t *d);

    /* configuration, periodic work, INFO (1.0) */
    int (*config_register_ll)(md_module_t *m, const char *name, long long *var,
                              long long def, long long min, long long max);
    int (*cron_register)(md_module_t *m, void (*fn)(md_ctx_t *ctx));
    int (*ctx_select_db)(md_ctx_t *c, int dbid);
    int (*ctx_db)(md_ctx_t *c);
    int (*db_count)(void);
    int (*info_register)(md_module_t *m, const char *section,
                         void (*fn)(md_info_t *info));
    void (*info_field_ll)(md_info_t *i, const char *name, long long v);
    void (*info_field_str)(md_info_t *i, const char *name, const char *v);

    /* sub-key expiry and blocking (1.0) */
    int (*key_subexpire_track)(md_key_t *k, int on);
    int (*block_on_keys)(md_ctx_t *c, int nkeys, const md_arg_t *keys,
                         int64_t timeout_ms, int timeout_reply);
    void (*key_ready)(md_ctx_t *c, md_arg_t key);
    int (*in_multi)(md_ctx_t *c);
    int (*parse_timeout)(md_ctx_t *c, md_arg_t a, int64_t *ms);

    /* listpack (1.0): Redis's listpack byte format, shared by every
     * type's compact encoding and written to RDB as is. */
    md_lp_t *(*lp_new)(md_module_t *m);
    void (*lp_free)(md_module_t *m, md_lp_t *lp);
    size_t (*lp_bytes)(const md_lp_t *lp);
    unsigned long (*lp_count)(const md_lp_t *lp);
    unsigned char *(*lp_first)(md_lp_t *lp);
    unsigned char *(*lp_last)(md_lp_t *lp);
    unsigned char *(*lp_next)(md_lp_t *lp, unsigned char *p);
    unsigned char *(*lp_prev)(md_lp_t *lp, unsigned char *p);
    unsigned char *(*lp_seek)(md_lp_t *lp, long index);
    const unsigned char *(*lp_get)(const unsigned char *p, size_t *len,
                                   long long *ival);
    md_lp_t *(*lp_insert)(md_module_t *m, md_lp_t *lp, const void *s,
                          size_t n, unsigned char *p, int where,
                          unsigned char **newp);
    md_lp_t *(*lp_delete)(md_module_t *m, md_lp_t *lp, unsigned char *p,
                          unsigned char **nextp);
    md_lp_t *(*lp_delete_range)(md_module_t *m, md_lp_t *lp, long index,
                                unsigned long num);
    unsigned char *(*lp_find)(md_lp_t *lp, unsigned char *p, const void *s,
                              size_t n, unsigned skip);
    int (*lp_validate)(const unsigned char *blob, size_t size);
    md_lp_t *(*lp_dup)(md_module_t *m, const md_lp_t *lp);
    md_lp_t *(*lp_from_ziplist)(md_module_t *m, const unsigned char *zl,
                                size_t size);
    md_lp_t *(*lp_from_zipmap)(md_module_t *m, const unsigned char *zm,
                               size_t size);

    /* reading configuration (1.0) */
    int (*config_get_ll)(const char *name, long long *out);

    /* RDB: a valid but empty payload (1.1) */
    void (*rdb_load_empty)(md_rdb_t *r);

    /* the name of an open key (1.1) */
    md_arg_t (*key_name)(md_key_t *k);

    /* LZF, as liblzf (1.1) */
    size_t (*lzf_compress)(const void *in, size_t n, void *out, size_t cap);
    size_t (*lzf_decompress)(const void *in, size_t n, void *out, size_t cap);

    /* configuration aliases and memory parameters (1.1) */
    int (*config_register_alias)(md_module_t *m, const char *alias,
                                 const char *name);
    int (*config_register_mem)(md_module_t *m, const char *name, long long *var,
                               long long def, long long min, long long max);

    /* glob matching and the SCAN family's arguments and reply (1.1) */
    int (*glob_match)(const char *pat, size_t plen, const char *s, size_t slen,
                      int nocase);
    int (*parse_scan_cursor)(md_ctx_t *c, md_arg_t a, unsigned long long *out);
    int (*parse_scan_opts)(md_ctx_t *c, int argc, const md_arg_t *argv,
                           int start, unsigned allowed, md_scan_opts_t *out);
    void (*reply_scan_cursor)(md_ctx_t *c, unsigned long long cursor);

    /* the hash table (1.2) */
    md_ht_t *(*ht_new)(md_module_t *m, const md_ht_type_t *type, size_t hint);
    void (*ht_free)(md_ht_t *t);
    size_t (*ht_len)(const md_ht_t *t);
    void (*ht_expand)(md_ht_t *t, size_t n);
    void *(*ht_find)(md_ht_t *t, const void *key, size_t n);
    int (*ht_add)(md_ht_t *t, void *elem);
    void (*ht_add_new)(md_ht_t *t, void *elem);
    int (*ht_replace)(md_ht_t *t, void *old, void *elem);
    void *(*ht_unlink)(md_ht_t *t, const void *key, size_t n);
    int (*ht_delete)(md_ht_t *t, const void *key, size_t n);
    void (*ht_iter_init)(md_ht_iter_t *it, md_ht_t *t);
    void *(*ht_iter_next)(md_ht_iter_t *it);
    void (*ht_iter_done)(md_ht_iter_t *it);
    uint64_t (*ht_scan)(md_ht_t *t, uint64_t cursor, md_ht_scan_fn fn,
                        void *priv);
    void *(*ht_random)(md_ht_t *t);
    size_t (*ht_random_distinct)(md_ht_t *t, void **out, size_t count);
    size_t (*ht_mem)(const md_ht_t *t);

    /* the process's random generator (1.2) */
    uint64_t (*rand64)(void);

    /* doubles as Redis prints and parses them (1.2) */
    int (*d2str)(char *buf, size_t cap, double v);
    int (*arg_score_bound)(md_arg_t a, double *v, int *exclusive);

    /* string, enum and yes/no configuration parameters (1.2) */
    int (*config_register_str)(md_module_t *m, const char *name,
                               const char **var, const char *def);
    int (*config_register_enum)(md_module_t *m, const char *name, int *var,
                                const char *const *names, int def);
    int (*config_register_bool)(md_module_t *m, const char *name, int *var,
                                int def);
    /* the typed fields of module-type values and aux data (1.2) */
    int (*rdb_write_unsigned)(md_rdb_t *r, uint64_t v);
    int (*rdb_write_signed)(md_rdb_t *r, int64_t v);
    int (*rdb_write_float)(md_rdb_t *r, float v);
    int (*rdb_write_double)(md_rdb_t *r, double v);
    int (*rdb_write_string)(md_rdb_t *r, const void *p, size_t n);
    int (*rdb_read_unsigned)(md_rdb_t *r, uint64_t *v);
    int (*rdb_read_signed)(md_rdb_t *r, int64_t *v);
    int (*rdb_read_float)(md_rdb_t *r, float *v);
    int (*rdb_read_double)(md_rdb_t *r, double *v);
    void *(*rdb_read_string)(md_rdb_t *r, size_t *len);

    /* blocking with private data, by module code, from threads (1.2) */
    int (*block_on_keys_ex)(md_ctx_t *c, int nkeys, const md_arg_t *keys,
                            const md_block_t *b);
    void *(*block_priv)(md_ctx_t *c);
    md_blocked_t *(*block_client)(md_ctx_t *c, const md_block_t *b);
    int (*unblock)(md_blocked_t *bc, void *priv);
    md_ctx_t *(*thread_ctx)(md_blocked_t *bc);
    void (*thread_ctx_free)(md_ctx_t *c);

    /* calling commands (1.2) */
    md_reply_t *(*call)(md_module_t *m, md_ctx_t *c, unsigned flags, int argc,
                        const md_arg_t *argv);
    int (*call_reply_type)(const md_reply_t *r);
    long long (*call_reply_int)(const md_reply_t *r);
    double (*call_reply_double)(const md_reply_t *r);
    const char *(*call_reply_str)(const md_reply_t *r, size_t *len);
    size_t (*call_reply_len)(const md_reply_t *r);
    const md_reply_t *(*call_reply_elem)(const md_reply_t *r, size_t i);
    int (*call_reply_pair)(const md_reply_t *r, size_t i, const md_reply_t **key,
                           const md_reply_t **val);
    const char *(*call_reply_resp)(const md_reply_t *r, size_t *len);
    void (*call_reply_free)(md_reply_t *r);
    int (*reply_call_reply)(md_ctx_t *c, const md_reply_t *r);

    /* server events and the unload hook (1.2) */
    int (*event_subscribe)(md_module_t *m, int event, md_event_fn fn);
    int (*keyspace_subscribe)(md_module_t *m, int classes, md_keyspace_fn fn);
    int (*keyspace_unsubscribe)(md_module_t *m, int classes, md_keyspace_fn fn);
    int (*on_unload)(md_module_t *m, md_unload_fn fn);
    /* DEBUG (1.2) */
    int (*debug_register)(md_module_t *m, const md_command_t *subs);
    char *(*lp_repr)(md_module_t *m, const unsigned char *lp);
    char *(*ht_stats)(const md_ht_t *t, int full);

    /* lexicographic range bounds (1.2) */
    int (*arg_lex_bound)(md_arg_t a, md_lex_bound_t *out);
    /* LMPOP/ZMPOP-style arguments (1.2) */
    int (*parse_mpop)(md_ctx_t *c, int argc, const md_arg_t *argv, int idx,
                      const char *word0, const char *word1, md_mpop_args_t *out);

    /* human long doubles (1.2) */
    int (*reply_human_ld)(md_ctx_t *c, long double v);
} md_api_t;

/* ------------------------------------------------------------------ */
/* Module definition                                                   */
/* ------------------------------------------------------------------ */
#define MD_EXPORT __attribute__((visibility("default")))
#define MD_HIDDEN __attribute__((visibility("hidden")))

/* Set by md_init() generated by MD_MODULE; hidden, so not exported. */
extern const md_api_t *md__api MD_HIDDEN;
extern md_module_t *md__self MD_HIDDEN;

typedef int (*md_init_fn)(md_module_t *m, const md_api_t *api,
                          int argc, const md_arg_t *argv);

/*
 * MD_MODULE(on_load, manifest fields...): defines the two exported
 * symbols. `on_load(argc, argv)` is the module's own init; it registers
 * types, commands and services and returns MD_OK or MD_ERR. The manifest
 * gets magic, ABI (built-against minor and MD_ABI_MINOR_MIN) and
 * command_size; the remaining fields are the designated initializers
 * given (.name = "x", .types = ...).
 */
#define MD_MODULE(on_load, ...)                                           \
    const md_api_t *md__api MD_HIDDEN;                                   \
    md_module_t *md__self MD_HIDDEN;                                     \
    MD_EXPORT const md_manifest_t md_manifest = {                        \
        .magic = MD_MANIFEST_MAGIC, .abi_major = MD_ABI_MAJOR,           \
        .abi_minor = MD_ABI_MINOR, .abi_minor_min = MD_ABI_MINOR_MIN,    \
        .command_size = sizeof(md_command_t), __VA_ARGS__ };             \
    _Static_assert(MD_ABI_MINOR_MIN <= MD_ABI_MINOR,                     \
                   "MD_ABI_MINOR_MIN is newer than this modis.h");       \
    MD_EXPORT int md_init(md_module_t *m, const md_api_t *api,           \
                          int argc, const md_arg_t *argv)                \
    {                                                                    \
        md__api = api;                                                   \
        md__self = m;                                                    \
        return on_load(argc, argv);                                      \
    }

/* True when the host's table has `field`. Always true for entries of minors
 * up to MD_ABI_MINOR_MIN; check it before calling a newer entry (a module
 * that lowered MD_ABI_MINOR_MIN may run on a host that lacks it). */
#define MD_API_HAS(field) \
    (offsetof(md_api_t, field) + sizeof(md__api->field) <= md__api->size)

/* ------------------------------------------------------------------ */
/* Wrappers                                                            */
/* ------------------------------------------------------------------ */
static inline void *md_alloc(size_t n) { return md__api->alloc(md__self, n); }
static inline void *md_calloc(size_t n) { return md__api->calloc(md__self, n); }
static inline void *md_realloc(void *p, size_t n)
{ return md__api->realloc(md__self, p, n); }
static inline void md_free(void *p) { md__api->free(md__self, p); }
static inline size_t md_usable(const void *p) { return md__api->usable(p); }

static inline md_type_t *md_type_register(const char *name,
                                          const md_type_ops_t *ops)
{ return md__api->type_register(md__self, name, ops); }
static inline int md_commands_register(const md_command_t *cmds)
{ return md__api->commands_register(md__self, cmds); }
static inline int md_service_export(const char *name, uint32_t version,
                                    const void *table)
{ return md__api->service_export(md__self, name, version, table); }
static inline const void *md_service_import(const char *name, uint32_t minv)
{ return md__api->service_import(md__self, name, minv); }

/* Open `name` in the client's db. With MD_READ an expired key reads as
 * empty; with MD_WRITE too, and it is deleted. Never returns NULL. */
static inline md_key_t *md_key_open(md_ctx_t *c, md_arg_t name, int mode)
{ return md__api->key_open(c, name, mode); }
/* NULL when the key is empty. */
static inline const md_type_t *md_key_type(md_key_t *k)
{ return md__api->key_type(k); }
static inline void *md_key_value(md_key_t *k) { return md__api->key_value(k); }
/* Store a new value (creating the key, or replacing and freeing the old
 * value of any type). The TTL is cleared unless keepttl. */
static inline int md_key_set(md_key_t *k, const md_type_t *t, void *v,
                             int keepttl)
{ return md__api->key_set(k, t, v, keepttl); }
/* Swap in a new value of the same type without freeing the old one (the
 * caller owns it) and without touching the TTL. */
static inline int md_key_replace_value(md_key_t *k, void *v)
{ return md__api->key_replace_value(k, v); }
static inline int md_key_delete(md_key_t *k) { return md__api->key_delete(k); }
/* Absolute unix ms, or -1 when the key has no TTL. */
static inline int64_t md_key_expire_get(md_key_t *k)
{ return md__api->key_expire_get(k); }
/* at_ms = -1 removes the TTL. A time already past deletes the key. */
static inline int md_key_expire_set(md_key_t *k, int64_t at_ms)
{ return md__api->key_expire_set(k, at_ms); }
/* The name the key was opened with (1.1): valid as long as the handle,
 * i.e. until the command (or the cron or expiry callback) returns. In a
 * type's subexpire_run it is the key's current name, whatever RENAME,
 * MOVE or COPY did to it since the sub-key TTLs were set. */
static inline md_arg_t md_key_name(md_key_t *k) { return md__api->key_name(k); }
static inline void md_key_modified(md_ctx_t *c, md_key_t *k)
{ md__api->key_modified(c, k); }
static inline void md_notify(md_ctx_t *c, int cls, const char *event,
                             md_arg_t key)
{ md__api->notify(c, cls, event, key); }
static inline void md_dirty(md_ctx_t *c, long long n) { md__api->dirty(c, n); }

static inline int md_reply_simple(md_ctx_t *c, const char *s)
{ return md__api->reply_simple(c, s); }
static inline int md_reply_ok(md_ctx_t *c) { return md__api->reply_simple(c, "OK"); }
/* `s` is the full error line without '-' and CRLF ("ERR no such key"). */
static inline int md_reply_error(md_ctx_t *c, const char *s)
{ return md__api->reply_error(c, s); }
static inline int md_reply_int(md_ctx_t *c, long long v)
{ return md__api->reply_int(c, v); }
static inline int md_reply_bulk(md_ctx_t *c, const void *p, size_t n)
{ return md__api->reply_bulk(c, p, n); }
static inline int md_reply_null(md_ctx_t *c) { return md__api->reply_null(c); }
static inline int md_reply_null_array(md_ctx_t *c)
{ return md__api->reply_null_array(c); }
static inline int md_reply_array(md_ctx_t *c, long n)
{ return md__api->reply_array(c, n); }
static inline int md_reply_map(md_ctx_t *c, long n)
{ return md__api->reply_map(c, n); }
static inline int md_reply_set(md_ctx_t *c, long n)
{ return md__api->reply_set(c, n); }
static inline int md_reply_double(md_ctx_t *c, double d)
{ return md__api->reply_double(c, d); }
static inline int md_reply_bool(md_ctx_t *c, int b)
{ return md__api->reply_bool(c, b); }
static inline int md_reply_bulk_ll(md_ctx_t *c, long long v)
{ return md__api->reply_bulk_ll(c, v); }
static inline int md_reply_bulk_ld(md_ctx_t *c, long double v)
{ return md__api->reply_bulk_ld(c, v); }

/* Deferred aggregate length: reply_defer() reserves the header;
 * md_reply_defer_set(c, h, kind, n) fills it with kind '*', '%' or '~'. */
#define MD_DEFER_ARRAY '*'
#define MD_DEFER_MAP '%'
#define MD_DEFER_SET '~'
static inline void *md_reply_defer(md_ctx_t *c) { return md__api->reply_defer(c); }
static inline void md_reply_defer_set(md_ctx_t *c, void *h, int kind, long n)
{ md__api->reply_defer_set(c, h, kind, n); }
static inline int md_reply_verbatim(md_ctx_t *c, const char *fmt3,
                                    const void *p, size_t n)
{ return md__api->reply_verbatim(c, fmt3, p, n); }
static inline int md_reply_wrongtype(md_ctx_t *c)
{ return md__api->reply_wrongtype(c); }
static inline int md_reply_syntax(md_ctx_t *c) { return md__api->reply_syntax(c); }

/* Strict parsers: the whole argument must be the number. MD_OK/MD_ERR. */
static inline int md_arg_ll(md_arg_t a, long long *out) { return md__api->arg_ll(a, out); }
static inline int md_arg_ld(md_arg_t a, long double *out) { return md__api->arg_ld(a, out); }
static inline int md_arg_double(md_arg_t a, double *out)
{ return md__api->arg_double(a, out); }
/* As above, but on failure reply Redis's error and return MD_ERR. */
static inline int md_parse_ll(md_ctx_t *c, md_arg_t a, long long *out)
{ return md__api->parse_ll(c, a, out); }
static inline int md_parse_double(md_ctx_t *c, md_arg_t a, double *out)
{ return md__api->parse_double(c, a, out); }
/* Parse SET/GETEX-style options from argv[start..argc): the words in
 * `allowed` (MD_OPT_*), with Redis's syntax and expire-time errors replied
 * on failure. */
static inline int md_parse_set_opts(md_ctx_t *c, int argc, const md_arg_t *argv,
                                    int start, unsigned allowed,
                                    md_set_opts_t *out)
{ return md__api->parse_set_opts(c, argc, argv, start, allowed, out); }
/* Case-insensitive comparison of an argument with a word. */
static inline int md_arg_eq(md_arg_t a, const char *word) { return md__api->arg_eq(a, word); }
/*
 * LMPOP/ZMPOP-style arguments (1.2): from argv[idx] on,
 * "numkeys key [key ...] WORD0|WORD1 [COUNT count]" (the words compared
 * case-insensitively; `which` is 0 for word0, 1 for word1; count 1 when
 * absent). On failure replies Redis's error ("numkeys should be greater
 * than 0", "count should be greater than 0", syntax error) and returns
 * MD_ERR. The keys are argv[idx + 1 .. idx + nkeys].
 */
static inline int md_parse_mpop(md_ctx_t *c, int argc, const md_arg_t *argv, int idx,
                                const char *word0, const char *word1,
                                md_mpop_args_t *out)
{ return md__api->parse_mpop(c, argc, argv, idx, word0, word1, out); }

static inline int64_t md_mstime(void) { return md__api->mstime(); }
static inline int md_ll2str(char *buf, size_t cap, long long v)
{ return md__api->ll2str(buf, cap, v); }
static inline int md_ld2str(char *buf, size_t cap, long double v, int human)
{ return md__api->ld2str(buf, cap, v, human); }
static inline int md_resp_version(md_ctx_t *c) { return md__api->resp_version(c); }
#define MD_LOG_DEBUG 0
#define MD_LOG_VERBOSE 1
#define MD_LOG_NOTICE 2
#define MD_LOG_WARNING 3
static inline void md_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void md_log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    md__api->log(md__self, level, fmt, ap);
    va_end(ap);
}
/* Propagate this call to AOF/replicas as given (the default for write
 * commands that changed something), or as another command. */
static inline void md_replicate_verbatim(md_ctx_t *c) { md__api->replicate_verbatim(c); }
static inline void md_replicate(md_ctx_t *c, int argc, const md_arg_t *argv)
{ md__api->replicate(c, argc, argv); }
static inline uint64_t md_hash(const void *p, size_t n) { return md__api->hash(p, n); }

static inline int md_rdb_save_len(md_rdb_t *r, uint64_t len)
{ return md__api->rdb_save_len(r, len); }
static inline int md_rdb_save_string(md_rdb_t *r, const void *p, size_t n)
{ return md__api->rdb_save_string(r, p, n); }
static inline int md_rdb_save_ll_string(md_rdb_t *r, long long v)
{ return md__api->rdb_save_ll_string(r, v); }
static inline int md_rdb_save_double(md_rdb_t *r, double d)
{ return md__api->rdb_save_double(r, d); }
static inline int md_rdb_save_raw(md_rdb_t *r, const void *p, size_t n)
{ return md__api->rdb_save_raw(r, p, n); }
static inline int md_rdb_load_len(md_rdb_t *r, uint64_t *len)
{ return md__api->rdb_load_len(r, len); }
static inline void *md_rdb_load_string(md_rdb_t *r, size_t *len)
{ return md__api->rdb_load_string(r, len); }
static inline int md_rdb_load_double(md_rdb_t *r, double *d)
{ return md__api->rdb_load_double(r, d); }
static inline int md_rdb_load_raw(md_rdb_t *r, void *p, size_t n)
{ return md__api->rdb_load_raw(r, p, n); }
static inline void md_rdb_error(md_rdb_t *r, const char *what)
{ md__api->rdb_error(r, what); }
/* From rdb_load: the payload was valid but holds no elements (an empty
 * list, or a hash whose fields all expired). Return NULL after calling it;
 * the host drops the key, as Redis does, instead of failing the load. */
static inline void md_rdb_load_empty(md_rdb_t *r) { md__api->rdb_load_empty(r); }
/*
 * The fields of a module-type value or aux record (1.2), exactly as
 * Redis's RedisModule_Save* / RedisModule_Load* write them: each is the
 * field's opcode (length-encoded) then the field — unsigned and signed
 * integers length-encoded (signed ones as their two's complement bits),
 * float and double in binary, strings as RDB strings (integer-encoded or
 * LZF like md_rdb_save_string). Only in rdb_save/rdb_load/aux_save/
 * aux_load of a type with a module type name, where they are the only
 * stream functions allowed (the md_rdb_save_* / md_rdb_load_* primitives
 * fail there, and these fail elsewhere). A read whose opcode in the
 * stream is not the one asked for fails with an error naming both.
 * MD_OK/MD_ERR; md_rdb_read_string returns md_alloc'd bytes (NUL after
 * them, not counted in *len) or NULL.
 */
static inline int md_rdb_write_unsigned(md_rdb_t *r, uint64_t v)
{ return md__api->rdb_write_unsigned(r, v); }
static inline int md_rdb_write_signed(md_rdb_t *r, int64_t v)
{ return md__api->rdb_write_signed(r, v); }
static inline int md_rdb_write_float(md_rdb_t *r, float v)
{ return md__api->rdb_write_float(r, v); }
static inline int md_rdb_write_double(md_rdb_t *r, double v)
{ return md__api->rdb_write_double(r, v); }
static inline int md_rdb_write_string(md_rdb_t *r, const void *p, size_t n)
{ return md__api->rdb_write_string(r, p, n); }
static inline int md_rdb_read_unsigned(md_rdb_t *r, uint64_t *v)
{ return md__api->rdb_read_unsigned(r, v); }
static inline int md_rdb_read_signed(md_rdb_t *r, int64_t *v)
{ return md__api->rdb_read_signed(r, v); }
static inline int md_rdb_read_float(md_rdb_t *r, float *v)
{ return md__api->rdb_read_float(r, v); }
static inline int md_rdb_read_double(md_rdb_t *r, double *v)
{ return md__api->rdb_read_double(r, v); }
static inline void *md_rdb_read_string(md_rdb_t *r, size_t *len)
{ return md__api->rdb_read_string(r, len); }
/*
 * LZF (1.1), the compressor of Redis's RDB strings and quicklist nodes,
 * with liblzf's contract: md_lzf_compress() writes at most `cap` bytes to
 * `out` and returns their number, or 0 when the result would not fit (so
 * cap < n asks "does it shrink below cap?"); md_lzf_decompress() expands
 * n bytes into at most `cap` bytes and returns the size written, or 0 when
 * the input is corrupt or does not fit. Inputs over 4 GiB return 0. Safe
 * on untrusted input; no allocation.
 */
static inline size_t md_lzf_compress(const void *in, size_t n, void *out, size_t cap)
{ return md__api->lzf_compress(in, n, out, cap); }
static inline size_t md_lzf_decompress(const void *in, size_t n, void *out, size_t cap)
{ return md__api->lzf_decompress(in, n, out, cap); }
static inline int md_aof_emit(md_aof_t *a, int argc, const md_arg_t *argv)
{ return md__api->aof_emit(a, argc, argv); }
static inline void md_digest_add(md_digest_t *d, const void *p, size_t n)
{ md__api->digest_add(d, p, n); }
static inline void md_digest_end_seq(md_digest_t *d) { md__api->digest_end_seq(d); }

/* Register a module parameter settable with CONFIG SET/GET and in the
 * config file under `name` (Redis's own names, e.g.
 * "hash-max-listpack-entries"). *var holds the value; only in md_init. */
static inline int md_config_register_ll(const char *name, long long *var,
                                        long long def, long long min,
                                        long long max)
{ return md__api->config_register_ll(md__self, name, var, def, min, max); }
/* Read a numeric server or module parameter ("proto-max-bulk-len",
 * "maxmemory", memory units already applied; yes/no parameters read as
 * 1/0): MD_OK or MD_ERR. */
static inline int md_config_get_ll(const char *name, long long *out)
{ return md__api->config_get_ll(name, out); }
/* Register `alias` as a second name of the module parameter `name`, which
 * this module registered before (1.1; only in md_init): CONFIG GET/SET,
 * the config file and the command line accept either name, CONFIG GET
 * with a pattern lists both (as Redis 7 does for hash-max-ziplist-entries
 * and hash-max-listpack-entries), CONFIG REWRITE writes `name`. MD_ERR
 * when `name` is not this module's parameter or `alias` is taken. */
static inline int md_config_register_alias(const char *alias, const char *name)
{ return md__api->config_register_alias(md__self, alias, name); }
/* As md_config_register_ll, for a size in bytes (1.1): values take Redis's
 * memory units (1k = 1000, 1kb = 1024, m, mb, g, gb), a value that is not
 * one is refused with "argument must be a memory value", CONFIG GET shows
 * the number of bytes (hash-max-listpack-value is such a parameter). */
static inline int md_config_register_mem(const char *name, long long *var,
                                         long long def, long long min,
                                         long long max)
{ return md__api->config_register_mem(md__self, name, var, def, min, max); }
/* Call fn(ctx) from the server cron (hz times a second); ctx has no
 * client: use md_ctx_select_db() before opening keys. Only in md_init. */
static inline int md_cron_register(void (*fn)(md_ctx_t *ctx))
{ return md__api->cron_register(md__self, fn); }
static inline int md_ctx_select_db(md_ctx_t *c, int dbid)
{ return md__api->ctx_select_db(c, dbid); }
static inline int md_ctx_db(md_ctx_t *c) { return md__api->ctx_db(c); }
static inline int md_db_count(void) { return md__api->db_count(); }
/* Add fields to an INFO section ("stats", "memory", or the module's
 * own name for a new section). Only in md_init. */
static inline int md_info_register(const char *section, void (*fn)(md_info_t *))
{ return md__api->info_register(md__self, section, fn); }
static inline void md_info_field_ll(md_info_t *i, const char *name, long long v)
{ md__api->info_field_ll(i, name, v); }
static inline void md_info_field_str(md_info_t *i, const char *name, const char *v)
{ md__api->info_field_str(i, name, v); }

/* Mark (on=1) or unmark an open key as holding sub-keys with a TTL; the
 * host's active expiry then calls the type's subexpire_* callbacks. */
static inline int md_key_subexpire_track(md_key_t *k, int on)
{ return md__api->key_subexpire_track(k, on); }

/*
 * Blocking. A command that cannot be served yet calls md_block_on_keys():
 * MD_OK means the client is now blocked and the handler must not reply;
 * the host re-runs the same command (same argv) when one of the keys is
 * signalled with md_key_ready(), in FIFO order of the blocked clients, and
 * on timeout replies `timeout_reply` (MD_BLOCK_NULL_ARRAY or
 * MD_BLOCK_NULL). When re-run and still not servable, calling it again
 * keeps the client's place. MD_ERR means blocking is not possible here
 * (MULTI, scripts): reply as the non-blocking form would. timeout_ms 0 =
 * forever; it is relative.
 */
#define MD_BLOCK_NULL_ARRAY 1
#define MD_BLOCK_NULL 2
static inline int md_block_on_keys(md_ctx_t *c, int nkeys, const md_arg_t *keys,
                                   int64_t timeout_ms, int timeout_reply)
{ return md__api->block_on_keys(c, nkeys, keys, timeout_ms, timeout_reply); }
/* A key received data that blocked clients may be waiting for. */
static inline void md_key_ready(md_ctx_t *c, md_arg_t key) { md__api->key_ready(c, key); }
/* Parse a blocking timeout in seconds (float) into ms, replying Redis's
 * errors ("timeout is not a float or out of range", "timeout is
 * negative", "timeout is out of range"). */
static inline int md_parse_timeout(md_ctx_t *c, md_arg_t a, int64_t *ms)
{ return md__api->parse_timeout(c, a, ms); }

/*
 * Blocking with private data (1.2); see md_block_t and docs/sdk.md. All of
 * these run on the server's thread, except md_unblock() and the reply
 * functions on a context from md_thread_ctx(), which any thread may call.
 *
 * md_block_on_keys_ex(): md_block_on_keys() with private data, a custom
 * timeout reply (b->on_timeout) and the argv to re-run with (b->argv).
 * While the command is re-run md_block_priv(ctx) gives the private data;
 * calling md_block_on_keys_ex() again then keeps the client's place (a
 * different b->priv replaces the old one, which is released, and a given
 * b->argv replaces the argv). free_priv runs once the block is over:
 * served, timed out, unblocked or the client gone. MD_ERR where blocking
 * is impossible (MULTI, md_call, scripts): reply the non-blocking form.
 */
static inline int md_block_on_keys_ex(md_ctx_t *c, int nkeys, const md_arg_t *keys,
                                      const md_block_t *b)
{ return md__api->block_on_keys_ex(c, nkeys, keys, b); }
/* The private data of the blocked command being re-run, else NULL. */
static inline void *md_block_priv(md_ctx_t *c) { return md__api->block_priv(c); }
/*
 * Block the calling client until module code calls md_unblock() on the
 * handle (from any thread), the timeout passes (b->on_timeout replies, or
 * the null reply of b->timeout_reply) or the client goes away. NULL where
 * blocking is impossible (MULTI, md_call, scripts): reply now. CLIENT
 * UNBLOCK unblocks it only when it has b->on_timeout (Redis's rule).
 * The module calls md_unblock() exactly once per handle, even after a
 * timeout or a disconnection; the handle is invalid afterwards.
 */
static inline md_blocked_t *md_block_client(md_ctx_t *c, const md_block_t *b)
{ return md__api->block_client(c, b); }
/* End a md_block_client() block (thread-safe). A non-NULL priv becomes
 * the private data (the old one is released). On the server's thread the
 * replies built on md_thread_ctx() reach the client, then b->on_reply
 * runs; both are skipped when the client is gone or timed out. */
static inline int md_unblock(md_blocked_t *bc, void *priv) { return md__api->unblock(bc, priv); }
/* A context for building the reply of bc on another thread: only the
 * md_reply_* functions, md_resp_version and memory may be used with it;
 * the owning thread alone touches it until md_unblock(). One per handle. */
static inline md_ctx_t *md_thread_ctx(md_blocked_t *bc) { return md__api->thread_ctx(bc); }
static inline void md_thread_ctx_free(md_ctx_t *c) { md__api->thread_ctx_free(c); }

/*
 * Calling commands (1.2). md_call() runs argv (argv[0] the command's name)
 * as the calling client would, nested in the current command: lookup,
 * arity and the MD_CALL_* checks first, then the command itself in the
 * caller's db. Blocking commands run in their non-blocking form. The
 * reply comes back parsed (RESP2, or RESP3 with MD_CALL_RESP3); errors
 * are MD_REPLY_ERROR values, never NULL. Free the tree with
 * md_call_reply_free(); the nodes are valid until then.
 */
static inline md_reply_t *md_call(md_ctx_t *c, unsigned flags, int argc, const md_arg_t *argv)
{ return md__api->call(md__self, c, flags, argc, argv); }
static inline int md_call_reply_type(const md_reply_t *r) { return md__api->call_reply_type(r); }
/* INTEGER and BOOL (1/0); 0 for other types. */
static inline long long md_call_reply_int(const md_reply_t *r) { return md__api->call_reply_int(r); }
/* DOUBLE; 0 for other types. */
static inline double md_call_reply_double(const md_reply_t *r)
{ return md__api->call_reply_double(r); }
/* The bytes of STRING, STATUS, ERROR (without '-'), VERBATIM (without
 * its "txt:" prefix), BIG_NUMBER and DOUBLE (as sent); NULL otherwise. */
static inline const char *md_call_reply_str(const md_reply_t *r, size_t *len)
{ return md__api->call_reply_str(r, len); }
/* Elements of ARRAY and SET, pairs of MAP, bytes of the string types. */
static inline size_t md_call_reply_len(const md_reply_t *r) { return md__api->call_reply_len(r); }
/* Element i of ARRAY or SET; NULL out of range or for other types. */
static inline const md_reply_t *md_call_reply_elem(const md_reply_t *r, size_t i)
{ return md__api->call_reply_elem(r, i); }
/* Pair i of MAP: MD_OK, or MD_ERR out of range or for other types. */
static inline int md_call_reply_pair(const md_reply_t *r, size_t i, const md_reply_t **key,
                                     const md_reply_t **val)
{ return md__api->call_reply_pair(r, i, key, val); }
/* The node's reply as the command sent it, in RESP. */
static inline const char *md_call_reply_resp(const md_reply_t *r, size_t *len)
{ return md__api->call_reply_resp(r, len); }
static inline void md_call_reply_free(md_reply_t *r) { md__api->call_reply_free(r); }
/* Send a reply (or a node of it) to the client as it is, converted when
 * the client speaks the other protocol. */
static inline int md_reply_call_reply(md_ctx_t *c, const md_reply_t *r)
{ return md__api->reply_call_reply(c, r); }

/*
 * Server events (1.2). md_event_subscribe(event, fn) calls fn on every
 * MD_EVENT_* event (one callback per event and module; NULL unsubscribes);
 * md_keyspace_subscribe(classes, fn) calls fn on keyspace events of the
 * MD_NOTIFY_* classes, whatever notify-keyspace-events says (several
 * subscriptions allowed); md_on_unload(fn) (only in md_init) lets the
 * module refuse MODULE UNLOAD. Callbacks run on the server's thread, may
 * read keys and md_call read-only commands, but must not change the
 * keyspace from a keyspace callback. Everything is unsubscribed when the
 * module is unloaded.
 */
static inline int md_event_subscribe(int event, md_event_fn fn)
{ return md__api->event_subscribe(md__self, event, fn); }
static inline int md_keyspace_subscribe(int classes, md_keyspace_fn fn)
{ return md__api->keyspace_subscribe(md__self, classes, fn); }
static inline int md_keyspace_unsubscribe(int classes, md_keyspace_fn fn)
{ return md__api->keyspace_unsubscribe(md__self, classes, fn); }
static inline int md_on_unload(md_unload_fn fn) { return md__api->on_unload(md__self, fn); }
/*
 * Listpacks. Every function that changes a listpack may move it: use the
 * returned pointer. Entry pointers (`p`) stay valid until the next change.
 * Strings that are canonical integers are stored as integers, as Redis
 * does; md_lp_get() then returns NULL and sets *ival, else it returns the
 * bytes and sets *len.
 */
#define MD_LP_BEFORE 0
#define MD_LP_AFTER 1
#define MD_LP_REPLACE 2
static inline md_lp_t *md_lp_new(void) { return md__api->lp_new(md__self); }
static inline void md_lp_free(md_lp_t *lp) { md__api->lp_free(md__self, lp); }
static inline size_t md_lp_bytes(const md_lp_t *lp) { return md__api->lp_bytes(lp); }
static inline unsigned long md_lp_count(const md_lp_t *lp) { return md__api->lp_count(lp); }
static inline unsigned char *md_lp_first(md_lp_t *lp) { return md__api->lp_first(lp); }
static inline unsigned char *md_lp_last(md_lp_t *lp) { return md__api->lp_last(lp); }
static inline unsigned char *md_lp_next(md_lp_t *lp, unsigned char *p)
{ return md__api->lp_next(lp, p); }
static inline unsigned char *md_lp_prev(md_lp_t *lp, unsigned char *p)
{ return md__api->lp_prev(lp, p); }
/* Entry at index (negative counts from the end), or NULL. */
static inline unsigned char *md_lp_seek(md_lp_t *lp, long index)
{ return md__api->lp_seek(lp, index); }
static inline const unsigned char *md_lp_get(const unsigned char *p, size_t *len,
                                             long long *ival)
{ return md__api->lp_get(p, len, ival); }
/* Insert s before/after p, or replace p; p NULL with MD_LP_AFTER appends
 * and with MD_LP_BEFORE prepends. *newp (if given) = the new entry. */
static inline md_lp_t *md_lp_insert(md_lp_t *lp, const void *s, size_t n,
                                    unsigned char *p, int where,
                                    unsigned char **newp)
{ return md__api->lp_insert(md__self, lp, s, n, p, where, newp); }
static inline md_lp_t *md_lp_append(md_lp_t *lp, const void *s, size_t n)
{ return md__api->lp_insert(md__self, lp, s, n, NULL, MD_LP_AFTER, NULL); }
/* Delete the entry at p; *nextp (if given) = the entry that followed. */
static inline md_lp_t *md_lp_delete(md_lp_t *lp, unsigned char *p,
                                    unsigned char **nextp)
{ return md__api->lp_delete(md__self, lp, p, nextp); }
static inline md_lp_t *md_lp_delete_range(md_lp_t *lp, long index, unsigned long num)
{ return md__api->lp_delete_range(md__self, lp, index, num); }
/* From p on, the first entry equal to s, looking at every (skip+1)-th
 * entry (skip 1 = only keys of a key/value listpack); NULL if none. */
static inline unsigned char *md_lp_find(md_lp_t *lp, unsigned char *p,
                                        const void *s, size_t n, unsigned skip)
{ return md__api->lp_find(lp, p, s, n, skip); }
/* Check an untrusted blob (RDB, RESTORE) completely: MD_OK or MD_ERR. */
static inline int md_lp_validate(const unsigned char *blob, size_t size)
{ return md__api->lp_validate(blob, size); }
static inline md_lp_t *md_lp_dup(const md_lp_t *lp) { return md__api->lp_dup(md__self, lp); }
/* Convert the legacy encodings found in old RDB files; NULL if invalid. */
static inline md_lp_t *md_lp_from_ziplist(const unsigned char *zl, size_t size)
{ return md__api->lp_from_ziplist(md__self, zl, size); }
static inline md_lp_t *md_lp_from_zipmap(const unsigned char *zm, size_t size)
{ return md__api->lp_from_zipmap(md__self, zm, size); }

/*
 * Glob matching (1.1), Redis's stringmatchlen(): *, ?, [...] with ^ and
 * ranges, backslash escapes, nocase folds ASCII case. As in Redis an empty
 * string matches only the empty pattern ("*" does not match ""). Returns
 * 1 or 0; never reads outside either buffer, linear-ish on nested stars.
 */
static inline int md_glob_match(const char *pat, size_t plen, const char *s,
                                size_t slen, int nocase)
{ return md__api->glob_match(pat, plen, s, slen, nocase); }
/* The cursor argument of SCAN/HSCAN/SSCAN/ZSCAN (1.1), read as Redis 7.4
 * does: a canonical integer must not be negative, else what strtoull()
 * takes whole (leading blanks, a sign, leading zeros), up to a NUL. On
 * failure replies "ERR invalid cursor" and returns MD_ERR. */
static inline int md_parse_scan_cursor(md_ctx_t *c, md_arg_t a,
                                       unsigned long long *out)
{ return md__api->parse_scan_cursor(c, a, out); }
/* Parse SCAN-family options from argv[start..argc) (1.1): COUNT n and
 * MATCH pattern always, NOVALUES / TYPE name when `allowed` has
 * MD_SCAN_NOVALUES / MD_SCAN_TYPE; later words override earlier ones. On
 * failure replies Redis's error (the integer error for a bad COUNT,
 * "ERR syntax error" for COUNT < 1, an unknown word or a missing value)
 * and returns MD_ERR; *out is then partly filled. */
static inline int md_parse_scan_opts(md_ctx_t *c, int argc, const md_arg_t *argv,
                                     int start, unsigned allowed,
                                     md_scan_opts_t *out)
{ return md__api->parse_scan_opts(c, argc, argv, start, allowed, out); }
/* Does s[0..n) pass the MATCH filter of `o` (1.1)? Always 1 without one. */
static inline int md_scan_match(const md_scan_opts_t *o, const char *s, size_t n)
{ return !o->use_pattern || md_glob_match(o->pattern.ptr, o->pattern.len, s, n, 0); }
/* Start a SCAN-family reply (1.1): the 2-element array and the next
 * cursor as a bulk string; the caller then replies the elements array. */
static inline void md_reply_scan_cursor(md_ctx_t *c, unsigned long long cursor)
{ md__api->reply_scan_cursor(c, cursor); }

/* Decimal form of v into buf (1.1; at least MD_LL_BUF bytes), NUL-ended;
 * returns the length. The inline, unchecked form of md_ll2str() for hot
 * paths that own a buffer of the right size. */
#define MD_LL_BUF 24
static inline size_t md_ll2str_inline(char *buf, long long v)
{
    char tmp[MD_LL_BUF];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    size_t n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/*
 * The hash table (1.2): see md_ht_type_t above and docs/sdk.md. Every
 * function may be called on any table the module created; none is safe
 * from the lazy-free thread except md_ht_free. Lookups, inserts and
 * deletions each move one bucket of a pending rehash (Redis's incremental
 * rehashing); the table grows when it holds as many elements as buckets
 * and shrinks when under 1/8 full.
 */
/* An empty table for about `hint` elements; its memory is the module's. */
static inline md_ht_t *md_ht_new(const md_ht_type_t *type, size_t hint)
{ return md__api->ht_new(md__self, type, hint); }
/* Free every element (type->free) and the table. */
static inline void md_ht_free(md_ht_t *t) { md__api->ht_free(t); }
static inline size_t md_ht_len(const md_ht_t *t) { return md__api->ht_len(t); }
/* Make room for n elements at once (bulk loading). */
static inline void md_ht_expand(md_ht_t *t, size_t n) { md__api->ht_expand(t, n); }
/* The element whose key is key[0..n), or NULL. */
static inline void *md_ht_find(md_ht_t *t, const void *key, size_t n)
{ return md__api->ht_find(t, key, n); }
/* Insert elem unless its key is present: 1 = inserted (the table holds
 * it), 0 = the key exists (elem untouched, still the caller's). */
static inline int md_ht_add(md_ht_t *t, void *elem) { return md__api->ht_add(t, elem); }
/* Insert elem whose key is known to be absent (no lookup). */
static inline void md_ht_add_new(md_ht_t *t, void *elem) { md__api->ht_add_new(t, elem); }
/* Put elem in the place of old (same key; e.g. old was reallocated into
 * elem): MD_OK, or MD_ERR when old is not in the table. The table then
 * forgets old; the caller frees it. */
static inline int md_ht_replace(md_ht_t *t, void *old, void *elem)
{ return md__api->ht_replace(t, old, elem); }
/* Remove the element with this key and hand it back (NULL if none). */
static inline void *md_ht_unlink(md_ht_t *t, const void *key, size_t n)
{ return md__api->ht_unlink(t, key, n); }
/* Remove and free (type->free) the element with this key: 1, or 0. */
static inline int md_ht_delete(md_ht_t *t, const void *key, size_t n)
{ return md__api->ht_delete(t, key, n); }
/*
 * Iteration. While an iterator is active the table neither rehashes nor
 * resizes, so the element just returned may be deleted (md_ht_delete,
 * md_ht_unlink) and lookups are fine; deleting any other element, or
 * inserting, is not. The iterator ends when md_ht_iter_next() returns
 * NULL; call md_ht_iter_done() when leaving the loop early.
 */
static inline void md_ht_iter_init(md_ht_iter_t *it, md_ht_t *t)
{ md__api->ht_iter_init(it, t); }
static inline void *md_ht_iter_next(md_ht_iter_t *it) { return md__api->ht_iter_next(it); }
static inline void md_ht_iter_done(md_ht_iter_t *it) { md__api->ht_iter_done(it); }
/* Visit the bucket(s) at `cursor` (Redis's reverse-binary SCAN cursor)
 * and return the next cursor, 0 when done: every element present for the
 * whole scan is visited at least once, whatever resizes happen between
 * calls; some may be visited twice. */
static inline uint64_t md_ht_scan(md_ht_t *t, uint64_t cursor, md_ht_scan_fn fn,
                                  void *priv)
{ return md__api->ht_scan(t, cursor, fn, priv); }
/* A uniformly random element (every element equally likely), NULL when
 * empty. */
static inline void *md_ht_random(md_ht_t *t) { return md__api->ht_random(t); }
/* Up to `count` distinct elements, a uniform sample in random order, into
 * out[]; returns min(count, md_ht_len(t)). */
static inline size_t md_ht_random_distinct(md_ht_t *t, void **out, size_t count)
{ return md__api->ht_random_distinct(t, out, count); }
/* Bytes held by the table and its elements (type->mem or md_usable):
 * exact up to 1024 elements, extrapolated from the first 1024 above. */
static inline size_t md_ht_mem(const md_ht_t *t) { return md__api->ht_mem(t); }

/*
 * DEBUG (1.2). md_debug_register() adds DEBUG subcommands of the module
 * (during md_init only, like commands): a NULL-name-terminated array of
 * md_command_t where `name` is the subcommand (matched in any case; a name
 * the host or another module has is refused), `handler` gets DEBUG's
 * whole argv (argv[1] is the subcommand), `arity` counts that whole argv
 * (negative: at least), and DEBUG HELP shows "NAME syntax" followed by
 * the `summary`, one indented line per '\n'-separated line. They go away
 * with the module. For the representation of values see md_type_ops_t's
 * debug_repr; md_lp_repr() is Redis's lpRepr() text of a listpack and
 * md_ht_stats() DEBUG HTSTATS-KEY's text for a hash table, both allocated
 * with md_alloc (md_ht_stats: accounted to the table's module).
 */
static inline int md_debug_register(const md_command_t *subs)
{ return md__api->debug_register(md__self, subs); }
static inline char *md_lp_repr(const unsigned char *lp) { return md__api->lp_repr(md__self, lp); }
static inline char *md_ht_stats(const md_ht_t *t, int full) { return md__api->ht_stats(t, full); }

/*
 * Random numbers (1.2). md_rand() draws from the server's generator,
 * seeded once per process from the system's entropy (Redis has no knob to
 * make its random commands repeatable, so neither has Modis). A module
 * that needs a repeatable stream (tests, sampling it must replay) keeps
 * its own md_rng_t and seeds it.
 */
static inline uint64_t md_rand(void) { return md__api->rand64(); }
/* Uniform in [0, n) without modulo bias (n > 0; Lemire's method). */
static inline uint64_t md_rand_below_from(uint64_t (*gen)(void *), void *g, uint64_t n)
{
    unsigned __int128 m = (unsigned __int128)gen(g) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t floor = (0 - n) % n;
        while (low < floor) {
            m = (unsigned __int128)gen(g) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}
static inline uint64_t md__rand_gen(void *g) { (void)g; return md_rand(); }
static inline uint64_t md_rand_below(uint64_t n)
{ return md_rand_below_from(md__rand_gen, NULL, n); }
/* Uniform in [0, 1) with 53 random bits. */
static inline double md_rand_double(void)
{ return (double)(md_rand() >> 11) * (1.0 / 9007199254740992.0); }
/* Seed a module-owned generator: equal seeds give equal streams. */
static inline void md_rng_seed(md_rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {            /* splitmix64 */
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}
static inline uint64_t md_rng_next(md_rng_t *r)
{
    uint64_t *s = r->s, x = s[1] * 5, t = s[1] << 17;
    uint64_t out = ((x << 7) | (x >> 57)) * 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}
static inline uint64_t md__rng_gen(void *g) { return md_rng_next((md_rng_t *)g); }
static inline uint64_t md_rng_below(md_rng_t *r, uint64_t n)
{ return md_rand_below_from(md__rng_gen, r, n); }

/*
 * Doubles (1.2). md_d2str() writes v as Redis 7.4 prints doubles in
 * replies and stores scores (its d2string): "nan", "inf", "-inf", "0",
 * "-0"; integral values with |v| <= 2^62 as integers; anything else as
 * the Grisu2 digits of fpconv_dtoa — the shortest that read back as v in
 * nearly every case — plain for moderate exponents ("0.1", "0.0001",
 * "1.5e-7", "1e+22"). Returns the length (buf NUL-ended; cap >= MD_D2STR_BUF
 * always suffices), 0 if it did not fit. md_reply_double() uses it for
 * RESP2 bulk strings and RESP3 doubles alike.
 */
#define MD_D2STR_BUF 32
static inline int md_d2str(char *buf, size_t cap, double v)
{ return md__api->d2str(buf, cap, v); }
/* A ZRANGEBYSCORE-style bound (Redis's zslParseRange): "(1.5" exclusive,
 * "1.5", "-inf", "+inf", anything strtod() reads up to the first NUL
 * byte; NaN refused. MD_ERR: reply MD_ERR_MIN_MAX_FLOAT. Scores themselves
 * (ZADD, ZINCRBY) parse with md_parse_double(): "inf", "+inf", "-inf"
 * accepted, NaN refused with MD_ERR_NOT_FLOAT. */
static inline int md_arg_score_bound(md_arg_t a, double *v, int *exclusive)
{ return md__api->arg_score_bound(a, v, exclusive); }

/*
 * Lexicographic range bounds (1.2), Redis's zslParseLexRange() syntax:
 * "[abc" (inclusive), "(abc" (exclusive), "-" and "+" (the infinities;
 * as in Redis a NUL byte ends them, so "-" followed by NUL is "-" too).
 * Anything else, the empty argument included, is MD_ERR: reply
 * MD_ERR_LEX_RANGE. The bound's value points into `a`.
 */
static inline int md_arg_lex_bound(md_arg_t a, md_lex_bound_t *out)
{ return md__api->arg_lex_bound(a, out); }
/* Compare s[0..n) with a bound's position: < 0, 0 or > 0 as memcmp, the
 * infinities below / above every string. */
static inline int md_lex_cmp(const void *s, size_t n, const md_lex_bound_t *b)
{
    if (b->kind == MD_LEX_NEG_INF) return 1;
    if (b->kind == MD_LEX_POS_INF) return -1;
    size_t m = n < b->value.len ? n : b->value.len;
    int c = m ? __builtin_memcmp(s, b->value.ptr, m) : 0;
    if (c) return c;
    return n < b->value.len ? -1 : n > b->value.len;
}
/* s[0..n) is at or above `min` / at or below `max` (exclusive bounds
 * exclude their value). */
static inline int md_lex_gte_min(const void *s, size_t n, const md_lex_bound_t *min)
{
    int c = md_lex_cmp(s, n, min);
    return min->kind == MD_LEX_EXCL ? c > 0 : c >= 0;
}
static inline int md_lex_lte_max(const void *s, size_t n, const md_lex_bound_t *max)
{
    int c = md_lex_cmp(s, n, max);
    return max->kind == MD_LEX_EXCL ? c < 0 : c <= 0;
}
/* No string can lie within [min, max] (Redis's "always empty" test: min
 * above max, or equal with one side exclusive). */
static inline int md_lex_range_empty(const md_lex_bound_t *min, const md_lex_bound_t *max)
{
    int c;
    if (min->kind == MD_LEX_POS_INF || max->kind == MD_LEX_NEG_INF) return 1;
    if (min->kind == MD_LEX_NEG_INF || max->kind == MD_LEX_POS_INF) return 0;
    c = md_lex_cmp(min->value.ptr, min->value.len, max);
    return c > 0 || (c == 0 && (min->kind == MD_LEX_EXCL || max->kind == MD_LEX_EXCL));
}

/*
 * Index ranges (1.2), Redis's normalisation of `start end` arguments:
 * negative indexes count from the end (-1 = last). MD_RANGE_LIST is
 * LRANGE/LTRIM/ZRANGE's rule; MD_RANGE_STRING is GETRANGE's, which
 * clamps a negative end to 0 (so "GETRANGE k 0 -100" gives the first
 * byte) and answers empty when both are negative and start > end. Returns
 * 1 with *start <= *end inside [0, len-1], or 0 for an empty range.
 */
#define MD_RANGE_LIST 0
#define MD_RANGE_STRING 1
static inline int md_range(long long *start, long long *end, long long len, int mode)
{
    long long s = *start, e = *end;
    if (mode == MD_RANGE_STRING && s < 0 && e < 0 && s > e) return 0;
    if (s < 0) s += len;
    if (e < 0) e += len;
    if (s < 0) s = 0;
    if (mode == MD_RANGE_STRING && e < 0) e = 0;
    if (e >= len) e = len - 1;
    if (s > e || len <= 0) return 0;
    *start = s;
    *end = e;
    return 1;
}

/*
 * Configuration parameters (1.2) besides md_config_register_ll/_mem, with
 * Redis's texts: CONFIG SET/GET, the config file and CONFIG REWRITE treat
 * them as the server's own. Only in md_init; MD_ERR when the name is
 * taken. A string parameter: *var points at the host's NUL-ended copy of
 * the value, replaced (and the old copy freed) on every change — read it,
 * never keep or free it. An enum: `names` is NULL-terminated, *var the
 * index of the value ("argument(s) must be one of the following: a, b");
 * the names must outlive the module. A yes/no parameter: *var is 1 or 0
 * ("argument must be 'yes' or 'no'").
 */
static inline int md_config_register_str(const char *name, const char **var,
                                         const char *def)
{ return md__api->config_register_str(md__self, name, var, def); }
static inline int md_config_register_enum(const char *name, int *var,
                                          const char *const *names, int def)
{ return md__api->config_register_enum(md__self, name, var, names, def); }
static inline int md_config_register_bool(const char *name, int *var, int def)
{ return md__api->config_register_bool(md__self, name, var, def); }

/* True inside MULTI/EXEC, md_call() or a script: blocking is impossible. */
static inline int md_in_multi(md_ctx_t *c) { return md__api->in_multi(c); }

/* Build an md_arg_t from a C string literal or a NUL-terminated string. */
static inline md_arg_t md_str(const char *s)
{
    md_arg_t a;
    size_t n = 0;
    while (s[n]) n++;
    a.ptr = s;
    a.len = n;
    return a;
}

/* ------------------------------------------------------------------ */
/* Built-in services                                                   */
/* ------------------------------------------------------------------ */
/*
 * "string.v1", exported by the strings module: other modules (bitmaps,
 * HyperLogLog) read and write Redis strings through it.
 */
#define MD_SERVICE_STRING "string.v1"
typedef struct md_string_v1 {
    size_t size;                        /* sizeof at build time */
    const md_type_t *type;              /* the "string" type slot */
    /* Bytes of a string value. Integer-encoded values are formatted into
     * `buf` (at least 32 bytes), which the result then points into. */
    md_arg_t (*bytes)(const void *value, char *buf);
    /* A new string value holding a copy of p[0..n). */
    void *(*create)(const void *p, size_t n);
    /* Make the string at an open write key at least `len` bytes long
     * (zero-padded; created if empty) and return its writable bytes; the
     * current length is stored in *cur. NULL if the key holds another
     * type. The pointer is valid until the key is next changed. */
    char *(*writable)(md_key_t *k, size_t len, size_t *cur);
    /* Revision 2 (check `size` first): make the string at an open write
     * key exactly `len` bytes long (truncated, or zero-padded; created if
     * empty) and return its writable bytes; NULL if the key holds another
     * type. Shrinking keeps the allocation, as sdsIncrLen() does. The
     * pointer is valid until the key is next changed. */
    char *(*resize)(md_key_t *k, size_t len);
} md_string_v1_t;

/*
 * "set.v1" (service revision 1), exported by the sets module: other
 * modules read sets through it (SORT; ZUNIONSTORE/ZINTERSTORE take sets as
 * inputs) and may build one. A set value is the word of a key whose
 * md_key_type() is `type`; it stays valid until that key is next changed,
 * and a key never holds an empty set. Members are binary-safe strings,
 * handed out as the bytes SMEMBERS replies (integers the set keeps in
 * binary are formatted in decimal), each valid only during the call that
 * receives it. No function replies, notifies or propagates: a consumer
 * that changes a key does its own md_key_modified / md_notify / md_dirty.
 */
#define MD_SERVICE_SET "set.v1"
typedef int (*md_set_member_fn)(void *priv, md_arg_t member);
typedef struct md_set_v1 {
    size_t size;                        /* sizeof at build time */
    const md_type_t *type;              /* the "set" type slot */
    /* The number of members (SCARD). */
    size_t (*card)(const void *set);
    /* 1 when p[0..n) is a member (SISMEMBER), else 0. */
    int (*contains)(const void *set, const void *p, size_t n);
    /* fn(priv, member) for every member, in SMEMBERS' order, until fn
     * returns non-zero; returns that value, or 0 when all were visited.
     * fn must not change the set. */
    int (*each)(const void *set, md_set_member_fn fn, void *priv);
    /* A new, empty set value to build a set in (it starts as SUNIONSTORE's
     * result does and converts as members are added). Add at least one
     * member, then store it with md_key_set(k, svc->type, v, 0) — or free
     * it with `free`: a key must never hold an empty set. */
    void *(*create)(void);
    /* Add p[0..n) to *set (SADD's rules): 1 when added, 0 when it was a
     * member. *set may change (encoding conversions): for the value of an
     * open write key, store the new word back with md_key_replace_value()
     * when it differs. */
    int (*add)(void **set, const void *p, size_t n);
    /* Free a set value that is in no key. */
    void (*free)(void *set);
} md_set_v1_t;

/*
 * "list.v1", exported by the lists module: other modules (SORT) read lists
 * and build new ones through it. A list value is the word of a key whose
 * md_key_type() is `type`; it stays valid until that key is next changed.
 * Elements are handed out as bytes (integers the list keeps in binary
 * formatted in decimal), each valid only during the call that receives
 * it. No function replies, notifies or propagates.
 */
#define MD_SERVICE_LIST "list.v1"
typedef int (*md_list_elem_fn)(void *priv, md_arg_t elem);
typedef struct md_list_v1 {
    size_t size;                        /* sizeof at build time */
    const md_type_t *type;              /* the "list" type slot */
    /* The number of elements (LLEN). */
    size_t (*len)(const void *list);
    /* fn(priv, element) for up to `count` elements (negative: all) from
     * index `start` (0-based, counted from the head, or from the tail when
     * `rev`, walking toward the other end), until fn returns non-zero;
     * returns that value, or 0. fn must not change the list. */
    int (*each)(const void *list, long long start, long long count, int rev,
                md_list_elem_fn fn, void *priv);
    /* A new list value holding elems[0..n) in order (n >= 1), encoded as a
     * list RPUSHed with them would be; store it with md_key_set(k,
     * svc->type, v, 0) (the caller owns it until then). */
    void *(*create)(const md_arg_t *elems, size_t n);
} md_list_v1_t;

/*
 * "hash.v1", exported by the hashes module: other modules (SORT's
 * `pattern->field`) read hash fields through it.
 */
#define MD_SERVICE_HASH "hash.v1"
typedef struct md_hash_v1 {
    size_t size;                        /* sizeof at build time */
    const md_type_t *type;              /* the "hash" type slot */
    /* The value of `field` in a hash value: 1 and *out, which points into
     * the hash or, for a value kept as an integer, into `buf` (MD_LL_BUF
     * bytes); 0 when the field is absent or its TTL has passed (HGET's
     * view at the command's time). */
    int (*get)(const void *hash, md_arg_t field, char *buf, md_arg_t *out);
} md_hash_v1_t;

/*
 * "zset.v1", exported by the zsets module: other modules (geo, SORT) read
 * and write sorted sets through it. Functions on a value take the word
 * md_key_value() returned for a key of `type`; `add` and `remove` work on
 * an open write key and store the result themselves (creating the key,
 * deleting it when emptied). The caller does what a command does after a
 * change: md_key_modified(), md_notify() (class MD_NOTIFY_ZSET, Redis's
 * event name), md_dirty(), and md_key_ready() for a key it created, so
 * BZPOPMIN waiters are served.
 */
#define MD_SERVICE_ZSET "zset.v1"
/* add's flags (ZADD's options) and results. */
#define MD_ZSET_NX (1 << 1)
#define MD_ZSET_XX (1 << 2)
#define MD_ZSET_GT (1 << 3)
#define MD_ZSET_LT (1 << 4)
#define MD_ZSET_INCR (1 << 0)
#define MD_ZSET_NOP (1 << 0)
#define MD_ZSET_ADDED (1 << 2)
#define MD_ZSET_UPDATED (1 << 3)
/* A visit callback: one member (bytes valid during the call) and its
 * score; return 0 to stop. */
typedef int (*md_zset_visit_fn)(void *priv, md_arg_t member, double score);
typedef struct md_zset_v1 {
    size_t size;                        /* sizeof at build time */
    const md_type_t *type;              /* the "zset" type slot */
    size_t (*len)(const void *value);
    /* 1 and *score when member is in the set, else 0. */
    int (*score)(const void *value, md_arg_t member, double *score);
    /* 0-based rank from the lowest score (the highest when rev), -1 when
     * member is absent. */
    long long (*rank)(const void *value, md_arg_t member, int rev);
    /* ZADD one member at the open write key k (empty or holding a zset):
     * flags MD_ZSET_NX/XX/GT/LT/INCR, *result gets MD_ZSET_ADDED,
     * MD_ZSET_UPDATED or MD_ZSET_NOP (0: the score was already that) and
     * *newscore the score stored (may be NULL). MD_ERR, nothing changed,
     * when k holds another type or the new score would be NaN. */
    int (*add)(md_key_t *k, md_arg_t member, double score, int flags,
               int *result, double *newscore);
    /* Remove member from the zset at the open write key k: 1 removed
     * (the key is deleted when it was the last), 0 absent or not a zset. */
    int (*remove)(md_key_t *k, md_arg_t member);
    /* Visit the members with min <= score <= max (minex/maxex: strict),
     * from the lowest score (the highest when rev), skipping `offset` of
     * them, at most `limit` (negative: all). Returns the count visited. */
    size_t (*range_score)(const void *value, double min, int minex, double max,
                          int maxex, int rev, size_t offset, long long limit,
                          md_zset_visit_fn fn, void *priv);
    /* Visit ranks start..end (inclusive; negative ones count from the
     * end, as ZRANGE), in the direction rev says; the whole set is
     * 0..-1. Returns the count visited. */
    size_t (*range_rank)(const void *value, long long start, long long end,
                         int rev, md_zset_visit_fn fn, void *priv);
} md_zset_v1_t;

/*
 * A long double as Redis's addReplyHumanLongDouble() sends it (GEOPOS,
 * WITHCOORD): "%.17Lf" without trailing zeros ("13.36138933897018433",
 * "15"), a bulk string in RESP2 and a RESP3 double (",...") in RESP3.
 */
static inline int md_reply_human_ld(md_ctx_t *c, long double v)
{ return md__api->reply_human_ld(c, v); }

/* Shared Redis error texts. */
#define MD_ERR_NOT_INT "ERR value is not an integer or out of range"
#define MD_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MD_ERR_SYNTAX "ERR syntax error"
#define MD_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define MD_ERR_WRONGTYPE \
    "WRONGTYPE Operation against a key holding the wrong kind of value"
/* (1.2) */
#define MD_ERR_MIN_MAX_FLOAT "ERR min or max is not a float"
#define MD_ERR_NAN_SCORE "ERR resulting score is not a number (NaN)"
#define MD_ERR_LEX_RANGE "ERR min or max not valid string range item"

#ifdef __cplusplus
}
#endif
#endif /* MODIS_H */
