/*
 * cmd_keys.c — the generic keyspace commands: DEL, UNLINK, EXISTS, TYPE,
 * KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, MOVE, COPY, TOUCH, OBJECT, the
 * EXPIRE family, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST and SWAPDB, with
 * Redis 7.4's replies, error texts, notifications and propagation.
 *
 * These handlers work on the keyspace (ks_*) directly instead of through
 * SDK key handles: they move entries between names and databases and look
 * at TTLs and LRU/LFU data, which the SDK does not expose.
 *
 * Lookups follow Redis's lookupKey(): an expired key is deleted first (by
 * ks_lookup), read lookups count a keyspace hit or miss and fire "keymiss",
 * and every lookup refreshes the key's LRU/LFU data unless the command asks
 * not to (TYPE, EXISTS, TTL, OBJECT) or the client is in CLIENT NO-TOUCH
 * mode (which TOUCH ignores). Keys are binary: never NUL-terminated.
 *
 * Propagation: the command as called (the dispatcher's default when the
 * call made changes), except the EXPIRE family, which propagates
 * PEXPIREAT with an absolute time, or DEL/UNLINK when the time has passed.
 */
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "hostcmds.h"
#include "ks.h"
#include "mem.h"
#include "notify.h"
#include "propagate.h"
#include "sdk_ctx.h"
#include "sdk_scan.h"
#include "server.h"
#include "types.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_SAME "ERR source and destination objects are the same"
#define ERR_DB_RANGE "ERR DB index is out of range"
#define ERR_INT_RANGE "ERR value is out of range, value must between -2147483648 and 2147483647"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Lookup flags, as Redis's LOOKUP_* */
#define LK_NOTOUCH  (1 << 0)   /* keep the LRU/LFU data as it is */
#define LK_NONOTIFY (1 << 1)   /* no "keymiss" event on a miss */
#define LK_WRITE    (1 << 2)   /* a write lookup: no stats, no "keymiss" */
#define LK_TOUCHCMD (1 << 3)   /* TOUCH: touches even in CLIENT NO-TOUCH mode */

static ks_db_t *cur_db(md_ctx_t *c) { return &srv.db[c->client->dbid]; }

static int64_t now_ms(void) { return srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime(); }

static int lfu_policy(void)
{
    return srv.maxmemory_policy == MAXMEM_ALLKEYS_LFU ||
           srv.maxmemory_policy == MAXMEM_VOLATILE_LFU;
}

/* Logically expired, as Redis's keyIsExpired(): never while loading. */
static int logically_expired(const ks_entry_t *e)
{
    return e->expire && !srv.loading && ks_is_expired(e);
}

static int arg_same(md_arg_t a, md_arg_t b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/*
 * Look `key` up in `db` the way Redis's lookupKey() does (see the file
 * comment). Returns the live entry or NULL; the entry stays valid until
 * the keyspace is next changed.
 */
static ks_entry_t *lookup(md_ctx_t *c, ks_db_t *db, md_arg_t key, int flags)
{
    ks_entry_t *e = ks_lookup(db, key.ptr, key.len);
    /* Expired but kept (expiry not allowed now): a read sees no key; a
     * write still sees it, so nothing is ever added twice. */
    if (e && !(flags & LK_WRITE) && logically_expired(e)) e = NULL;
    if (c->client && (c->client->flags & CLIENT_NO_TOUCH) && !(flags & LK_TOUCHCMD))
        flags |= LK_NOTOUCH;
    if (e) {
        if (!(flags & LK_NOTOUCH)) ks_touch(e);
        if (!(flags & LK_WRITE)) ks_stats.hits++;
    } else if (!(flags & LK_WRITE)) {
        if (!(flags & LK_NONOTIFY))
            notify_keyspace(NOTIFY_KEY_MISS, "keymiss", key.ptr, key.len, db->id);
        ks_stats.misses++;
    }
    return e;
}

/*
 * Redis's getIntFromObjectOrReply(): an integer within int range. `msg`
 * (a full error line) replaces both default errors when given.
 */
static int parse_int(md_ctx_t *c, md_arg_t a, int *out, const char *msg)
{
    long long v;
    if (md_arg_ll(a, &v) != MD_OK) {
        md_reply_error(c, msg ? msg : MD_ERR_NOT_INT);
        return -1;
    }
    if (v < INT_MIN || v > INT_MAX) {
        md_reply_error(c, msg ? msg : ERR_INT_RANGE);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* A DB index argument for MOVE/COPY: an int, then in range. */
static int parse_dbid(md_ctx_t *c, md_arg_t a, int *out)
{
    if (parse_int(c, a, out, NULL) != 0) return -1;
    if (*out < 0 || *out >= srv.databases) {
        md_reply_error(c, ERR_DB_RANGE);
        return -1;
    }
    return 0;
}

/*
 * Move entry `e` of `from` to the name `name` in `to` (which must be free
 * there), keeping its value, TTL, sub-key TTL tracking and LRU/LFU data.
 * `e` is freed; the new entry is returned. Like Redis's dbAdd(), signals
 * the key ready (clients blocked on it) and fires "new".
 */
static ks_entry_t *relink(ks_db_t *from, ks_entry_t *e, ks_db_t *to, md_arg_t name)
{
    uint8_t type, lru[3];
    int64_t expire;
    int subexp;
    memcpy(lru, e->lru, sizeof(lru));
    void *v = ks_detach_sub(from, e, &type, &expire, &subexp);
    ks_entry_t *n = ks_add(to, name.ptr, name.len, type, v);
    memcpy(n->lru, lru, sizeof(lru));
    if (expire) ks_set_expire(to, n, expire);
    if (subexp) ks_set_subexpire(to, n, 1);
    blocking_signal_key(to->id, name.ptr, name.len);
    notify_keyspace(NOTIFY_NEW, "new", name.ptr, name.len, to->id);
    return n;
}

/* Reply a key's name. */
static void reply_key(md_ctx_t *c, const ks_entry_t *e)
{
    md_reply_bulk(c, e->key, e->keylen);
}

/* ------------------------------------------------------------------ */
/* DEL, UNLINK, EXISTS, TYPE, TOUCH                                    */
/* ------------------------------------------------------------------ */

static int del_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int lazy)
{
    ks_db_t *db = cur_db(c);
    long long n = 0;
    for (int j = 1; j < argc; j++) {
        /* ks_lookup expires the key first, so an expired key is not
         * counted (it is reported as "expired", not "del"). */
        ks_entry_t *e = ks_lookup(db, argv[j].ptr, argv[j].len);
        if (!e) continue;
        if (lazy) ks_delete_lazy(db, e);
        else ks_delete(db, e);
        notify_key_modified(db->id, argv[j].ptr, argv[j].len);
        notify_keyspace(NOTIFY_GENERIC, "del", argv[j].ptr, argv[j].len, db->id);
        n++;
    }
    md_dirty(c, n);
    md_reply_int(c, n);
    return MD_OK;
}

/* UNLINK differs from DEL only in how values are freed: big values go to
 * the lazyfree thread (DEL too with lazyfree-lazy-user-del yes). */
static int del_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return del_generic(c, argc, argv, srv.lazyfree_lazy_user_del);
}

static int unlink_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return del_generic(c, argc, argv, 1);
}

static int exists_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_db_t *db = cur_db(c);
    long long n = 0;
    for (int j = 1; j < argc; j++)
        if (lookup(c, db, argv[j], LK_NOTOUCH)) n++;
    md_reply_int(c, n);
    return MD_OK;
}

static int type_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = lookup(c, cur_db(c), argv[1], LK_NOTOUCH);
    md_type_t *t = e ? types_by_id(e->type) : NULL;
    md_reply_simple(c, t ? t->name : "none");
    return MD_OK;
}

static int touch_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_db_t *db = cur_db(c);
    long long n = 0;
    for (int j = 1; j < argc; j++)
        if (lookup(c, db, argv[j], LK_TOUCHCMD)) n++;
    md_reply_int(c, n);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* KEYS, SCAN, RANDOMKEY                                               */
/* ------------------------------------------------------------------ */

typedef struct keys_state {
    md_ctx_t *c;
    md_arg_t pat;
    int all;
    long n;
} keys_state_t;

static void keys_cb(void *priv, ks_entry_t *e)
{
    keys_state_t *st = priv;
    if (!st->all && !util_glob(st->pat.ptr, st->pat.len, e->key, e->keylen, 0)) return;
    if (logically_expired(e)) return; /* skipped, not deleted (no writes mid-scan) */
    reply_key(st->c, e);
    st->n++;
}

static int keys_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    keys_state_t st = {c, argv[1], argv[1].len == 1 && argv[1].ptr[0] == '*', 0};
    ks_db_t *db = cur_db(c);
    void *h = md_reply_defer(c);
    uint64_t cursor = 0;
    do {
        cursor = ks_scan(db, cursor, keys_cb, &st);
    } while (cursor);
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, st.n);
    return MD_OK;
}

typedef struct scan_state {
    const md_scan_opts_t *opts;
    int want_type;           /* -1: any type; -2: a type name nobody has */
    long long sampled;
    ks_entry_t **found;
    size_t n, cap;
} scan_state_t;

static void scan_cb(void *priv, ks_entry_t *e)
{
    scan_state_t *st = priv;
    st->sampled++;
    if (st->want_type != -1 && e->type != st->want_type) return;
    if (st->opts->use_pattern &&
        !util_glob(st->opts->pattern.ptr, st->opts->pattern.len, e->key, e->keylen, 0))
        return;
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->found = mem_realloc(st->found, st->cap * sizeof(*st->found));
    }
    st->found[st->n++] = e;
}

static int scan_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned long long cursor;
    md_scan_opts_t opts;
    if (sdk_scan_parse_cursor(c, argv[1], &cursor) != MD_OK) return MD_OK;
    if (sdk_scan_parse_opts(c, argc, argv, 2, MD_SCAN_TYPE, &opts) != MD_OK) return MD_OK;
    scan_state_t st = {.opts = &opts, .want_type = -1};
    long long count = opts.count;
    if (opts.type.ptr) {
        md_type_t *t = types_by_name(opts.type.ptr, opts.type.len);
        st.want_type = t ? t->id : -2; /* unknown name: nothing matches */
    }

    /* Like Redis: at most 10*COUNT buckets, so a sparse table does not
     * block for long; COUNT counts visited keys, before filtering. */
    ks_db_t *db = cur_db(c);
    long long maxit = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = ks_scan(db, cursor, scan_cb, &st);
    } while (cursor && maxit-- && st.sampled < count);

    /* Expired keys are left out, and deleted now that the scan step is
     * over (ks_lookup reads e->key only before freeing e). */
    size_t kept = 0;
    for (size_t i = 0; i < st.n; i++) {
        ks_entry_t *e = st.found[i];
        if (logically_expired(e)) {
            ks_lookup(db, e->key, e->keylen);
            continue;
        }
        st.found[kept++] = e;
    }
    sdk_scan_reply_cursor(c, cursor);
    md_reply_array(c, (long)kept);
    for (size_t i = 0; i < kept; i++) reply_key(c, st.found[i]);
    mem_free(st.found);
    return MD_OK;
}

static int randomkey_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_db_t *db = cur_db(c);
    for (;;) {
        ks_entry_t *e = ks_random(db);
        if (!e) {
            md_reply_null(c);
            return MD_OK;
        }
        /* An expired pick is deleted (ks_lookup reads e->key only before
         * freeing e) and another one is drawn. */
        if (logically_expired(e) && !ks_lookup(db, e->key, e->keylen)) continue;
        reply_key(c, e);
        return MD_OK;
    }
}

/* ------------------------------------------------------------------ */
/* RENAME, RENAMENX, MOVE, COPY                                        */
/* ------------------------------------------------------------------ */

static void rename_generic(md_ctx_t *c, const md_arg_t *argv, int nx)
{
    ks_db_t *db = cur_db(c);
    md_arg_t src = argv[1], dst = argv[2];
    ks_entry_t *e = lookup(c, db, src, LK_WRITE);
    if (!e) {
        md_reply_error(c, "ERR no such key");
        return;
    }
    if (arg_same(src, dst)) {
        if (nx) md_reply_int(c, 0);
        else md_reply_ok(c);
        return;
    }
    ks_entry_t *d = lookup(c, db, dst, LK_WRITE);
    if (d) {
        if (nx) {
            md_reply_int(c, 0);
            return;
        }
        ks_delete(db, d); /* overwritten: no "del" event, as in Redis */
    }
    relink(db, e, db, dst);
    notify_key_modified(db->id, src.ptr, src.len);
    notify_key_modified(db->id, dst.ptr, dst.len);
    notify_keyspace(NOTIFY_GENERIC, "rename_from", src.ptr, src.len, db->id);
    notify_keyspace(NOTIFY_GENERIC, "rename_to", dst.ptr, dst.len, db->id);
    md_dirty(c, 1);
    if (nx) md_reply_int(c, 1);
    else md_reply_ok(c);
}

static int rename_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    rename_generic(c, argv, 0);
    return MD_OK;
}

static int renamenx_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    rename_generic(c, argv, 1);
    return MD_OK;
}

static int move_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int dbid;
    if (parse_dbid(c, argv[2], &dbid) != 0) return MD_OK;
    ks_db_t *src = cur_db(c), *dst = &srv.db[dbid];
    if (src == dst) {
        md_reply_error(c, ERR_SAME);
        return MD_OK;
    }
    md_arg_t key = argv[1];
    ks_entry_t *e = lookup(c, src, key, LK_WRITE);
    if (!e || lookup(c, dst, key, LK_WRITE)) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    relink(src, e, dst, key);
    notify_key_modified(src->id, key.ptr, key.len);
    notify_key_modified(dst->id, key.ptr, key.len);
    notify_keyspace(NOTIFY_GENERIC, "move_from", key.ptr, key.len, src->id);
    notify_keyspace(NOTIFY_GENERIC, "move_to", key.ptr, key.len, dst->id);
    md_dirty(c, 1);
    md_reply_int(c, 1);
    return MD_OK;
}

static int copy_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_db_t *src = cur_db(c), *dst = src;
    int replace = 0;
    for (int j = 3; j < argc; j++) {
        int additional = argc - j - 1;
        if (md_arg_eq(argv[j], "replace")) {
            replace = 1;
        } else if (md_arg_eq(argv[j], "db") && additional >= 1) {
            int dbid;
            if (parse_dbid(c, argv[j + 1], &dbid) != 0) return MD_OK;
            dst = &srv.db[dbid];
            j++;
        } else {
            md_reply_syntax(c);
            return MD_OK;
        }
    }
    md_arg_t key = argv[1], newkey = argv[2];
    if (src == dst && arg_same(key, newkey)) {
        md_reply_error(c, ERR_SAME);
        return MD_OK;
    }
    ks_entry_t *e = lookup(c, src, key, 0);
    if (!e) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    ks_entry_t *d = lookup(c, dst, newkey, LK_WRITE);
    if (d && !replace) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    md_type_t *t = types_by_id(e->type);
    if (!t->ops.copy) {
        md_reply_error(c, "ERR not supported for this module type");
        return MD_OK;
    }
    void *v = t->ops.copy(e->value);
    if (!v) {
        md_reply_error(c, "ERR module key failed to copy");
        return MD_OK;
    }
    int64_t expire = e->expire;
    int subexp = e->subexp;
    if (d) ks_delete(dst, d);
    ks_entry_t *n = ks_add(dst, newkey.ptr, newkey.len, t->id, v);
    if (expire) ks_set_expire(dst, n, expire);
    if (subexp) ks_set_subexpire(dst, n, 1); /* the copy has the same field TTLs */
    blocking_signal_key(dst->id, newkey.ptr, newkey.len);
    notify_keyspace(NOTIFY_NEW, "new", newkey.ptr, newkey.len, dst->id);
    notify_key_modified(dst->id, newkey.ptr, newkey.len);
    notify_keyspace(NOTIFY_GENERIC, "copy_to", newkey.ptr, newkey.len, dst->id);
    md_dirty(c, 1);
    md_reply_int(c, 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* OBJECT                                                              */
/* ------------------------------------------------------------------ */

/* OBJECT's lookup: no touch, no "keymiss"; replies null when missing. */
static ks_entry_t *object_lookup(md_ctx_t *c, md_arg_t key)
{
    ks_entry_t *e = lookup(c, cur_db(c), key, LK_NOTOUCH | LK_NONOTIFY);
    if (!e) md_reply_null(c);
    return e;
}

static const char *encoding_of(const ks_entry_t *e)
{
    md_type_t *t = types_by_id(e->type);
    const char *enc = t && t->ops.encoding ? t->ops.encoding(e->value) : NULL;
    return enc ? enc : "raw";
}

static int object_encoding_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = object_lookup(c, argv[2]);
    if (!e) return MD_OK;
    const char *enc = encoding_of(e);
    md_reply_bulk(c, enc, strlen(enc));
    return MD_OK;
}

/*
 * Redis shares the objects of the integers 0..9999 (refcount INT_MAX)
 * unless maxmemory is set with an LRU/LFU policy, where every value needs
 * its own access data. Everything else has refcount 1.
 */
static int shared_integer(const ks_entry_t *e)
{
    if (srv.maxmemory && srv.maxmemory_policy != MAXMEM_NOEVICTION &&
        srv.maxmemory_policy != MAXMEM_ALLKEYS_RANDOM &&
        srv.maxmemory_policy != MAXMEM_VOLATILE_RANDOM &&
        srv.maxmemory_policy != MAXMEM_VOLATILE_TTL)
        return 0;
    md_type_t *t = types_by_id(e->type);
    if (!t || strcmp(t->name, "string") != 0 || strcmp(encoding_of(e), "int") != 0)
        return 0;
    const md_string_v1_t *sv = md_service_import(MD_SERVICE_STRING, 1);
    if (!sv || !sv->bytes) return 0;
    char buf[64];
    md_arg_t b = sv->bytes(e->value, buf);
    long long v;
    return md_arg_ll(b, &v) == MD_OK && v >= 0 && v < 10000;
}

static int object_refcount_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = object_lookup(c, argv[2]);
    if (!e) return MD_OK;
    md_reply_int(c, shared_integer(e) ? INT_MAX : 1);
    return MD_OK;
}

static int object_idletime_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = object_lookup(c, argv[2]);
    if (!e) return MD_OK;
    if (lfu_policy()) {
        md_reply_error(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                          "Please note that when switching between policies at runtime LRU "
                          "and LFU data will take some time to adjust.");
        return MD_OK;
    }
    md_reply_int(c, (long long)(ks_idle_ms(e) / 1000));
    return MD_OK;
}

static int object_freq_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = object_lookup(c, argv[2]);
    if (!e) return MD_OK;
    if (!lfu_policy()) {
        md_reply_error(c, "ERR An LFU maxmemory policy is not selected, access frequency not "
                          "tracked. Please note that when switching between policies at runtime "
                          "LRU and LFU data will take some time to adjust.");
        return MD_OK;
    }
    md_reply_int(c, ks_lfu_count(e));
    return MD_OK;
}

static int object_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const help[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    };
    size_t n = sizeof(help) / sizeof(help[0]);
    md_reply_array(c, (long)n);
    for (size_t i = 0; i < n; i++) md_reply_simple(c, help[i]);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* EXPIRE family, TTL family, PERSIST                                  */
/* ------------------------------------------------------------------ */

#define EXP_NX (1 << 0)
#define EXP_XX (1 << 1)
#define EXP_GT (1 << 2)
#define EXP_LT (1 << 3)

/* NX/XX/GT/LT after the time, with Redis's texts for the bad ones. */
static int parse_expire_opts(md_ctx_t *c, int argc, const md_arg_t *argv, int *flags)
{
    *flags = 0;
    for (int j = 3; j < argc; j++) {
        if (md_arg_eq(argv[j], "nx")) *flags |= EXP_NX;
        else if (md_arg_eq(argv[j], "xx")) *flags |= EXP_XX;
        else if (md_arg_eq(argv[j], "gt")) *flags |= EXP_GT;
        else if (md_arg_eq(argv[j], "lt")) *flags |= EXP_LT;
        else {
            /* Redis formats the option as a C string and turns CR/LF
             * into spaces. */
            size_t n = strnlen(argv[j].ptr, argv[j].len);
            char *msg = mem_alloc(n + 32);
            int k = snprintf(msg, n + 32, "ERR Unsupported option %.*s", (int)n, argv[j].ptr);
            for (int i = 0; i < k; i++)
                if (msg[i] == '\r' || msg[i] == '\n') msg[i] = ' ';
            md_reply_error(c, msg);
            mem_free(msg);
            return -1;
        }
    }
    int f = *flags;
    if ((f & EXP_NX) && (f & (EXP_XX | EXP_GT | EXP_LT))) {
        md_reply_error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return -1;
    }
    if ((f & EXP_GT) && (f & EXP_LT)) {
        md_reply_error(c, "ERR GT and LT options at the same time are not compatible");
        return -1;
    }
    return 0;
}

static void reply_expire_time_error(md_ctx_t *c)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "ERR invalid expire time in '%s' command",
             c->cmd ? cmd_fullname(c->cmd) : "expire");
    md_reply_error(c, msg);
}

/* Propagate "PEXPIREAT key <when> [options...]", as Redis rewrites it. */
static void propagate_pexpireat(int argc, const md_arg_t *argv, long long when)
{
    char num[24];
    int n = util_ll2str(num, sizeof(num), when);
    md_arg_t *v = mem_alloc((size_t)argc * sizeof(*v));
    v[0] = md_str("PEXPIREAT");
    v[1] = argv[1];
    v[2].ptr = num;
    v[2].len = (size_t)n;
    for (int j = 3; j < argc; j++) v[j] = argv[j];
    prop_record(argc, v);
    mem_free(v);
}

/*
 * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT: `base` is added to the time (now for
 * the relative forms, 0 for the absolute ones); `seconds` scales it.
 */
static void expire_generic(md_ctx_t *c, int argc, const md_arg_t *argv, long long base,
                           int seconds)
{
    int flags;
    long long when;
    if (parse_expire_opts(c, argc, argv, &flags) != 0) return;
    if (md_parse_ll(c, argv[2], &when) != MD_OK) return;
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            reply_expire_time_error(c);
            return;
        }
        when *= 1000;
    }
    if (when > LLONG_MAX - base) {
        reply_expire_time_error(c);
        return;
    }
    when += base;

    ks_db_t *db = cur_db(c);
    md_arg_t key = argv[1];
    ks_entry_t *e = lookup(c, db, key, LK_WRITE);
    if (!e) {
        md_reply_int(c, 0);
        return;
    }
    long long cur = e->expire ? e->expire : -1;
    /* No TTL counts as an infinite one for GT and LT. */
    if (((flags & EXP_NX) && cur != -1) || ((flags & EXP_XX) && cur == -1) ||
        ((flags & EXP_GT) && (cur == -1 || when <= cur)) ||
        ((flags & EXP_LT) && cur != -1 && when >= cur)) {
        md_reply_int(c, 0);
        return;
    }

    if (when <= now_ms() && !srv.loading) {
        /* Already expired: delete, and propagate as DEL/UNLINK. */
        ks_delete(db, e);
        md_dirty(c, 1);
        md_arg_t del[2] = {md_str(srv.lazyfree_lazy_expire ? "UNLINK" : "DEL"), key};
        prop_record(2, del);
        notify_key_modified(db->id, key.ptr, key.len);
        notify_keyspace(NOTIFY_GENERIC, "del", key.ptr, key.len, db->id);
        md_reply_int(c, 1);
        return;
    }
    ks_set_expire(db, e, when);
    md_reply_int(c, 1);
    propagate_pexpireat(argc, argv, when);
    notify_key_modified(db->id, key.ptr, key.len);
    notify_keyspace(NOTIFY_GENERIC, "expire", key.ptr, key.len, db->id);
    md_dirty(c, 1);
}

static int expire_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    expire_generic(c, argc, argv, now_ms(), 1);
    return MD_OK;
}

static int pexpire_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    expire_generic(c, argc, argv, now_ms(), 0);
    return MD_OK;
}

static int expireat_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    expire_generic(c, argc, argv, 0, 1);
    return MD_OK;
}

static int pexpireat_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    expire_generic(c, argc, argv, 0, 0);
    return MD_OK;
}

/* TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 missing, -1 no TTL. Seconds are
 * rounded to the nearest; near LLONG_MAX the sum is taken unsigned, which
 * gives what Redis replies (9223372036854776 for PEXPIREAT LLONG_MAX). */
static void ttl_generic(md_ctx_t *c, md_arg_t key, int ms, int absolute)
{
    ks_entry_t *e = lookup(c, cur_db(c), key, LK_NOTOUCH);
    if (!e) {
        md_reply_int(c, -2);
        return;
    }
    if (!e->expire) {
        md_reply_int(c, -1);
        return;
    }
    long long ttl = absolute ? e->expire : e->expire - now_ms();
    if (ttl < 0) ttl = 0;
    if (!ms) ttl = (long long)(((unsigned long long)ttl + 500) / 1000);
    md_reply_int(c, ttl);
}

static int ttl_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ttl_generic(c, argv[1], 0, 0);
    return MD_OK;
}

static int pttl_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ttl_generic(c, argv[1], 1, 0);
    return MD_OK;
}

static int expiretime_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ttl_generic(c, argv[1], 0, 1);
    return MD_OK;
}

static int pexpiretime_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ttl_generic(c, argv[1], 1, 1);
    return MD_OK;
}

static int persist_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_db_t *db = cur_db(c);
    ks_entry_t *e = lookup(c, db, argv[1], LK_WRITE);
    if (!e || !e->expire) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    ks_set_expire(db, e, 0);
    notify_key_modified(db->id, argv[1].ptr, argv[1].len);
    notify_keyspace(NOTIFY_GENERIC, "persist", argv[1].ptr, argv[1].len, db->id);
    md_reply_int(c, 1);
    md_dirty(c, 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SWAPDB                                                              */
/* ------------------------------------------------------------------ */

static int swapdb_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int id1, id2;
    if (parse_int(c, argv[1], &id1, "ERR invalid first DB index") != 0) return MD_OK;
    if (parse_int(c, argv[2], &id2, "ERR invalid second DB index") != 0) return MD_OK;
    if (id1 < 0 || id1 >= srv.databases || id2 < 0 || id2 >= srv.databases) {
        md_reply_error(c, ERR_DB_RANGE);
        return MD_OK;
    }
    if (id1 != id2) {
        /* WATCHers of either db see a change; clients keep their db index. */
        notify_db_modified(id1);
        notify_db_modified(id2);
        ks_swap(&srv.db[id1], &srv.db[id2]);
        /* Clients blocked in either db may find their keys now. */
        blocking_signal_db(id1);
        blocking_signal_db(id2);
    }
    md_dirty(c, 1);
    md_reply_ok(c);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Command table (metadata from Redis 7.4)                             */
/* ------------------------------------------------------------------ */

static const md_command_t object_subs[] = {
    {.name = "encoding", .handler = object_encoding_cmd, .arity = 3, .flags = "readonly",
     .first_key = 2, .last_key = 2, .step = 1, .acl = "@keyspace @read @slow",
     .summary = "Returns the internal encoding of a Redis object.", .since = "2.2.3",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RO index:2",
     .tips = "nondeterministic_output"},
    {.name = "freq", .handler = object_freq_cmd, .arity = 3, .flags = "readonly",
     .first_key = 2, .last_key = 2, .step = 1, .acl = "@keyspace @read @slow",
     .summary = "Returns the logarithmic access frequency counter of a Redis object.",
     .since = "4.0.0", .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RO index:2",
     .tips = "nondeterministic_output"},
    {.name = "help", .handler = object_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@keyspace @slow",
     .summary = "Returns helpful text about the different subcommands.", .since = "6.2.0",
     .complexity = "O(1)", .group = "generic"},
    {.name = "idletime", .handler = object_idletime_cmd, .arity = 3, .flags = "readonly",
     .first_key = 2, .last_key = 2, .step = 1, .acl = "@keyspace @read @slow",
     .summary = "Returns the time since the last access to a Redis object.", .since = "2.2.3",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RO index:2",
     .tips = "nondeterministic_output"},
    {.name = "refcount", .handler = object_refcount_cmd, .arity = 3, .flags = "readonly",
     .first_key = 2, .last_key = 2, .step = 1, .acl = "@keyspace @read @slow",
     .summary = "Returns the reference count of a value of a key.", .since = "2.2.3",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RO index:2",
     .tips = "nondeterministic_output"},
    {0}};

const md_command_t hostcmds_keys[] = {
    {.name = "del", .handler = del_cmd, .arity = -2, .flags = "write",
     .first_key = 1, .last_key = -1, .step = 1, .acl = "@keyspace @write @slow",
     .summary = "Deletes one or more keys.", .since = "1.0.0",
     .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                   "remove holds a value other than a string, the individual complexity for "
                   "this key is O(M) where M is the number of elements in the list, set, "
                   "sorted set or hash. Removing a single key that holds a string value is O(1).",
     .group = "generic",
     .syntax = "key [key ...]",
     .key_specs = "RM delete index:1 range:-1",
     .tips = "request_policy:multi_shard response_policy:agg_sum"},
    {.name = "unlink", .handler = unlink_cmd, .arity = -2, .flags = "write fast",
     .first_key = 1, .last_key = -1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Asynchronously deletes one or more keys.", .since = "4.0.0",
     .complexity = "O(1) for each key removed regardless of its size. Then the command does "
                   "O(N) work in a different thread in order to reclaim memory, where N is the "
                   "number of allocations the deleted objects where composed of.",
     .group = "generic",
     .syntax = "key [key ...]",
     .key_specs = "RM delete index:1 range:-1",
     .tips = "request_policy:multi_shard response_policy:agg_sum"},
    {.name = "exists", .handler = exists_cmd, .arity = -2, .flags = "readonly fast",
     .first_key = 1, .last_key = -1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Determines whether one or more keys exist.", .since = "1.0.0",
     .complexity = "O(N) where N is the number of keys to check.", .group = "generic",
     .syntax = "key [key ...]",
     .key_specs = "RO index:1 range:-1",
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     .history = "3.0.3: Accepts multiple `key` arguments."},
    {.name = "type", .handler = type_cmd, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Determines the type of value stored at a key.", .since = "1.0.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RO index:1"},
    {.name = "keys", .handler = keys_cmd, .arity = 2, .flags = "readonly",
     .acl = "@keyspace @read @slow @dangerous",
     .summary = "Returns all key names that match a pattern.", .since = "1.0.0",
     .complexity = "O(N) with N being the number of keys in the database, under the "
                   "assumption that the key names in the database and the given pattern have "
                   "limited length.",
     .group = "generic",
     .syntax = "pattern",
     .tips = "request_policy:all_shards nondeterministic_output_order"},
    {.name = "scan", .handler = scan_cmd, .arity = -2, .flags = "readonly",
     .acl = "@keyspace @read @slow", .summary = "Iterates over the key names in the database.",
     .since = "2.8.0",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                   "command calls for the cursor to return back to 0. N is the number of "
                   "elements inside the collection.",
     .group = "generic",
     .syntax = "cursor [MATCH pattern] [COUNT count] [TYPE type{@6.0.0}]",
     .tips = "nondeterministic_output request_policy:special response_policy:special",
     .history = "6.0.0: Added the `TYPE` subcommand."},
    {.name = "randomkey", .handler = randomkey_cmd, .arity = 1, .flags = "readonly",
     .acl = "@keyspace @read @slow", .summary = "Returns a random key name from the database.",
     .since = "1.0.0", .complexity = "O(1)", .group = "generic",
     .tips = "request_policy:all_shards nondeterministic_output"},
    {.name = "rename", .handler = rename_cmd, .arity = 3, .flags = "write",
     .first_key = 1, .last_key = 2, .step = 1, .acl = "@keyspace @write @slow",
     .summary = "Renames a key and overwrites the destination.", .since = "1.0.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key newkey",
     .key_specs = "RW access delete index:1; OW update index:2"},
    {.name = "renamenx", .handler = renamenx_cmd, .arity = 3, .flags = "write fast",
     .first_key = 1, .last_key = 2, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Renames a key only when the target key name doesn't exist.",
     .since = "1.0.0", .complexity = "O(1)", .group = "generic",
     .syntax = "key newkey",
     .key_specs = "RW access delete index:1; OW insert index:2",
     .history = "3.2.0: The command no longer returns an error when source and destination "
                "names are the same."},
    {.name = "move", .handler = move_cmd, .arity = 3, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Moves a key to another database.", .since = "1.0.0", .complexity = "O(1)",
     .group = "generic",
     .syntax = "key db"},
    {.name = "copy", .handler = copy_cmd, .arity = -3, .flags = "write denyoom",
     .first_key = 1, .last_key = 2, .step = 1, .acl = "@keyspace @write @slow",
     .summary = "Copies the value of a key to a new key.", .since = "6.2.0",
     .complexity = "O(N) worst case for collections, where N is the number of nested items. "
                   "O(1) for string values.",
     .group = "generic",
     .syntax = "source destination [DB destination-db] [REPLACE]",
     .key_specs = "RO access index:1; OW update index:2"},
    {.name = "touch", .handler = touch_cmd, .arity = -2, .flags = "readonly fast",
     .first_key = 1, .last_key = -1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Returns the number of existing keys out of those specified after updating "
                "the time they were last accessed.",
     .since = "3.2.1", .complexity = "O(N) where N is the number of keys that will be touched.",
     .group = "generic",
     .syntax = "key [key ...]",
     .key_specs = "RO index:1 range:-1",
     .tips = "request_policy:multi_shard response_policy:agg_sum"},
    {.name = "object", .arity = -2, .flags = "", .acl = "",
     .summary = "A container for object introspection commands.", .since = "2.2.3",
     .complexity = "Depends on subcommand.", .subcommands = object_subs, .group = "generic"},
    {.name = "expire", .handler = expire_cmd, .arity = -3, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Sets the expiration time of a key in seconds.", .since = "1.0.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key seconds [NX | XX | GT | LT]{=condition @7.0.0}",
     .key_specs = "RW update index:1",
     .history = "7.0.0: Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "pexpire", .handler = pexpire_cmd, .arity = -3, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Sets the expiration time of a key in milliseconds.", .since = "2.6.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key milliseconds [NX | XX | GT | LT]{=condition @7.0.0}",
     .key_specs = "RW update index:1",
     .history = "7.0.0: Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "expireat", .handler = expireat_cmd, .arity = -3, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Sets the expiration time of a key to a Unix timestamp.", .since = "1.2.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key unix-time-seconds [NX | XX | GT | LT]{=condition @7.0.0}",
     .key_specs = "RW update index:1",
     .history = "7.0.0: Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "pexpireat", .handler = pexpireat_cmd, .arity = -3, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Sets the expiration time of a key to a Unix milliseconds timestamp.",
     .since = "2.6.0", .complexity = "O(1)", .group = "generic",
     .syntax = "key unix-time-milliseconds [NX | XX | GT | LT]{=condition @7.0.0}",
     .key_specs = "RW update index:1",
     .history = "7.0.0: Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "ttl", .handler = ttl_cmd, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Returns the expiration time in seconds of a key.", .since = "1.0.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .tips = "nondeterministic_output",
     .history = "2.8.0: Added the -2 reply."},
    {.name = "pttl", .handler = pttl_cmd, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Returns the expiration time in milliseconds of a key.", .since = "2.6.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .tips = "nondeterministic_output",
     .history = "2.8.0: Added the -2 reply."},
    {.name = "expiretime", .handler = expiretime_cmd, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Returns the expiration time of a key as a Unix timestamp.", .since = "7.0.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key"},
    {.name = "pexpiretime", .handler = pexpiretime_cmd, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @fast",
     .summary = "Returns the expiration time of a key as a Unix milliseconds timestamp.",
     .since = "7.0.0", .complexity = "O(1)", .group = "generic",
     .syntax = "key"},
    {.name = "persist", .handler = persist_cmd, .arity = 2, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @fast",
     .summary = "Removes the expiration time of a key.", .since = "2.2.0",
     .complexity = "O(1)", .group = "generic",
     .syntax = "key",
     .key_specs = "RW update index:1"},
    {.name = "swapdb", .handler = swapdb_cmd, .arity = 3, .flags = "write fast",
     .acl = "@keyspace @write @fast @dangerous", .summary = "Swaps two Redis databases.",
     .since = "4.0.0",
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from "
                   "both databases.",
     .group = "server",
     .syntax = "index1{integer} index2{integer}"},
    {0}};
