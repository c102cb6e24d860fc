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
#define MD_ABI_MINOR 1
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

typedef struct md_manifest {
    uint64_t magic;                      /* MD_MANIFEST_MAGIC */
    uint16_t abi_major, abi_minor;       /* MD_ABI_MAJOR/MINOR at build time */
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
} md_manifest_t;

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */
typedef int (*md_cmd_fn)(md_ctx_t *ctx, int argc, const md_arg_t *argv);
/* Key positions for commands whose keys move (numkeys arguments): fill
 * out[] with argv indexes, at most cap; return the count (0 if none or
 * the arguments are malformed). Set "movablekeys" in the flags. */
typedef int (*md_getkeys_fn)(int argc, const md_arg_t *argv, int *out, int cap);

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
     * upper-case words are tokens, [..] optional, "x [x ...]" repeats. */
    const char *syntax;
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
    uint32_t layout_version;     /* bump when the in-memory layout changes */
    void (*free)(void *value);
    size_t (*free_effort)(const void *value);   /* > 64: freed in background */
    void *(*copy)(const void *value);
    size_t (*mem_usage)(const void *value);
    void (*digest)(md_digest_t *d, const void *value);
    const char *(*encoding)(const void *value); /* OBJECT ENCODING */
    /* RDB: rdb_type picks the type byte written before the key; rdb_save
     * writes the payload; rdb_load reads a payload of `rdb_type` and returns
     * a new value or NULL after md_rdb_error(). */
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
} md_type_ops_t;

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
 * MD_MODULE(manifest_initializer, on_load): defines the two exported
 * symbols. `on_load(argc, argv)` is the module's own init; it registers
 * types, commands and services and returns MD_OK or MD_ERR.
 */
#define MD_MODULE(on_load, ...)                                           \
    const md_api_t *md__api MD_HIDDEN;                                   \
    md_module_t *md__self MD_HIDDEN;                                     \
    MD_EXPORT const md_manifest_t md_manifest = {                        \
        .magic = MD_MANIFEST_MAGIC, .abi_major = MD_ABI_MAJOR,           \
        .abi_minor = MD_ABI_MINOR,                                       \
        .command_size = sizeof(md_command_t), __VA_ARGS__ };             \
    MD_EXPORT int md_init(md_module_t *m, const md_api_t *api,           \
                          int argc, const md_arg_t *argv)                \
    {                                                                    \
        md__api = api;                                                   \
        md__self = m;                                                    \
        return on_load(argc, argv);                                      \
    }

/* True when the host's table has `field` (a newer SDK on an older host). */
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

/* True inside MULTI/EXEC (or a script). */
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

/* Shared Redis error texts. */
#define MD_ERR_NOT_INT "ERR value is not an integer or out of range"
#define MD_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MD_ERR_SYNTAX "ERR syntax error"
#define MD_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define MD_ERR_WRONGTYPE \
    "WRONGTYPE Operation against a key holding the wrong kind of value"

#ifdef __cplusplus
}
#endif
#endif /* MODIS_H */
