/*
 * rdb.c — values, keys, databases and files in Redis's RDB format. See
 * rdb.h for the contract and the version policy. The host never looks
 * inside a value: each one goes through its type slot's callbacks, with an
 * md_rdb_t that accounts loaded memory to the slot's module.
 */
#include "persist/rdb.h"
#include "persist/rdb_module.h"
#include "persist/rdb_value.h"

#include "host/events.h"
#include "host/ks.h"
#include "host/notify.h"
#include "host/log.h"
#include "host/mem.h"
#include "persist/rdb_handle.h"
#include "persist/persist_hooks.h"
#include "host/server.h"
#include "host/types.h"
#include "host/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rdb_type_min_version(uint8_t rdbtype)
{
    if (rdbtype >= RDB_TYPE_HASH_METADATA_PRE_GA && rdbtype <= RDB_TYPE_HASH_LISTPACK_EX)
        return 12;
    if (rdbtype == RDB_TYPE_SET_LISTPACK || rdbtype == RDB_TYPE_STREAM_LISTPACKS_3)
        return 11;
    return RDB_WRITE_VERSION_MIN;
}

int rdb_type_savable(const md_type_t *t)
{
    return t->ops.rdb_save && (t->rdb_module[0] || t->ops.rdb_type);
}

uint8_t rdb_object_type(const md_type_t *t, const void *value)
{
    if (t->rdb_module[0]) return RDB_TYPE_MODULE_2;
    return t->ops.rdb_type ? t->ops.rdb_type(value) : 0;
}

int rdb_save_object(rdb_io_t *io, const md_type_t *t, const void *value)
{
    md_rdb_t r = {.io = io, .module = t->owner};
    if (!rdb_type_savable(t)) {
        rdb_io_fail(io, "type '%s' cannot be saved to RDB", t->name);
        return -1;
    }
    if (t->rdb_module[0]) return rdb_module_save_value(io, t, value) ? -1 : 0;
    if (t->ops.rdb_save(&r, value) != MD_OK) {
        rdb_io_fail(io, "saving a '%s' value failed", t->name);
        return -1;
    }
    return rdb_io_error(io) ? -1 : 0;
}

/* What Redis keeps under each type byte, for the "load the module" hint. */
static const char *redis_type_of(uint8_t b)
{
    switch (b) {
    case 0: return "string";
    case 1: case 10: case 14: case 18: return "list";
    case 2: case 11: case 20: return "set";
    case 3: case 5: case 12: case 17: return "zset";
    case 4: case 9: case 13: case 16: case 22: case 23: case 24: case 25: return "hash";
    case 15: case 19: case 21: return "stream";
    default: return NULL;
    }
}

void *rdb_load_object(rdb_io_t *io, uint8_t rdbtype, md_type_t **tp, int *empty)
{
    *empty = 0;
    if (rdbtype == RDB_TYPE_MODULE_2) return rdb_module_load_value(io, tp, empty);
    if (rdbtype == RDB_TYPE_MODULE_PRE_GA) {
        rdb_io_fail(io, "RDB value type 6 (a Redis module value in the pre-release "
                    "format of Redis 4.0 release candidates) is not supported");
        return NULL;
    }
    md_type_t *t = types_by_rdb(rdbtype);
    if (!t || !t->ops.rdb_load) {
        const char *what = redis_type_of(rdbtype);
        if (what)
            rdb_io_fail(io, "RDB value type %u (a %s value) is not claimed by any "
                        "loaded module: load the module for %s values", rdbtype,
                        what, what);
        else
            rdb_io_fail(io, "unknown RDB value type %u", rdbtype);
        return NULL;
    }
    char what[32];
    snprintf(what, sizeof(what), "of RDB type %u", rdbtype);
    void *v = rdb_value_load(io, t, rdbtype, 0, what, empty);
    if (v) *tp = t;
    return v;
}

/* ---- save -------------------------------------------------------------- */

typedef struct save_walk {
    rdb_io_t *io;
    int version;             /* prescan: the highest version needed */
    int lru, lfu;            /* write IDLE / FREQ opcodes */
} save_walk_t;

static int prescan_entry(void *priv, ks_entry_t *e)
{
    save_walk_t *w = priv;
    int v = rdb_type_min_version(rdb_object_type(types_by_id(e->type), e->value));
    if (v > w->version) w->version = v;
    return 0;
}

/* rdb-key-save-delay (tests): > 0 sleeps that many microseconds per key;
 * < 0 sleeps 1 microsecond for one key in -delay on average. */
static void key_save_delay(int delay)
{
    if (delay < 0) delay = random() % -delay == 0 ? 1 : 0;
    if (delay > 0) usleep((useconds_t)delay);
}

static int save_entry(void *priv, ks_entry_t *e)
{
    save_walk_t *w = priv;
    if (srv.rdb_key_save_delay) key_save_delay(srv.rdb_key_save_delay);
    rdb_io_t *io = w->io;
    const md_type_t *t = types_by_id(e->type);
    if (e->expire) {
        rdb_save_type(io, RDB_OPCODE_EXPIRETIME_MS);
        rdb_save_millis(io, e->expire);
    }
    if (w->lru) {
        rdb_save_type(io, RDB_OPCODE_IDLE);
        rdb_save_len(io, ks_idle_ms(e) / 1000);
    } else if (w->lfu) {
        uint8_t c = ks_lfu_count(e);
        rdb_save_type(io, RDB_OPCODE_FREQ);
        rdb_save_raw(io, &c, 1);
    }
    rdb_save_type(io, rdb_object_type(t, e->value));
    rdb_save_string(io, e->key, e->keylen);
    return rdb_save_object(io, t, e->value) ? -1 : 0;
}

/* One function library: FUNCTION2 and its code (Redis 7's layout). */
static int save_function(void *priv, const char *code, size_t len)
{
    rdb_io_t *io = priv;
    rdb_save_type(io, RDB_OPCODE_FUNCTION2);
    return rdb_save_string(io, code, len) || rdb_io_error(io) ? -1 : 0;
}

int rdb_save_dataset(rdb_io_t *io, int flags)
{
    save_walk_t w = {.io = io, .version = RDB_WRITE_VERSION_MIN};
    int pol = srv.maxmemory_policy;
    w.lru = pol == MAXMEM_VOLATILE_LRU || pol == MAXMEM_ALLKEYS_LRU;
    w.lfu = pol == MAXMEM_VOLATILE_LFU || pol == MAXMEM_ALLKEYS_LFU;
    for (int i = 0; i < srv.databases; i++) ks_each(&srv.db[i], prescan_entry, &w);

    rdb_save_header(io, w.version);
    rdb_save_aux(io, "redis-ver", SERVER_COMPAT_VERSION, strlen(SERVER_COMPAT_VERSION));
    rdb_save_aux_ll(io, "redis-bits", (long long)(sizeof(void *) * 8));
    rdb_save_aux_ll(io, "ctime", (long long)(util_mstime() / 1000));
    rdb_save_aux_ll(io, "used-mem", (long long)mem_used());
    rdb_save_aux_ll(io, "aof-base", (flags & RDB_SAVE_AOF_PREAMBLE) ? 1 : 0);
    if (rdb_module_save_aux(io, MD_AUX_BEFORE_RDB)) return -1;
    if (persist_hooks.functions_each && persist_hooks.functions_each(save_function, io))
        return -1;
    for (int i = 0; i < srv.databases; i++) {
        ks_db_t *db = &srv.db[i];
        if (ks_size(db) == 0) continue;
        rdb_save_type(io, RDB_OPCODE_SELECTDB);
        rdb_save_len(io, (uint64_t)i);
        rdb_save_type(io, RDB_OPCODE_RESIZEDB);
        rdb_save_len(io, ks_size(db));
        rdb_save_len(io, db->vol.used);
        if (ks_each(db, save_entry, &w)) return -1;
        if (rdb_io_error(io)) return -1;
    }
    if (rdb_module_save_aux(io, MD_AUX_AFTER_RDB)) return -1;
    rdb_save_type(io, RDB_OPCODE_EOF);
    rdb_save_checksum(io);
    return rdb_io_error(io) ? -1 : 0;
}

/* ---- load -------------------------------------------------------------- */

/* One load in progress: the stream, the caller's flags, what was found. */
typedef struct load_ctx {
    rdb_io_t *io;
    int flags;               /* RDB_LOAD_* */
    int keep_expired;        /* an AOF base: replay needs every key */
    int64_t now;
    rdb_load_stats_t *st;
} load_ctx_t;

/* Per-key state gathered from the opcodes that precede a key. */
typedef struct key_meta {
    int64_t expire;          /* ms, or -1 */
    int64_t idle;            /* seconds, or -1 */
    int freq;                /* LFU count, or -1 */
} key_meta_t;

/* Put one loaded value into db; takes ownership of value. */
static int load_insert(load_ctx_t *lc, ks_db_t *db, const char *key, size_t klen,
                       md_type_t *t, void *value, const key_meta_t *m)
{
    if (m->expire != -1 && m->expire < lc->now && !lc->keep_expired) {
        t->ops.free(value);
        lc->st->keys_expired++;
        return 0;
    }
    ks_entry_t *old = ks_find(db, key, klen);
    if (old) {
        if (!(lc->flags & RDB_LOAD_ALLOW_DUP)) {
            t->ops.free(value);
            rdb_io_fail(lc->io, "duplicate key '%.*s' in db %d",
                        (int)(klen > 64 ? 64 : klen), key, db->id);
            return -1;
        }
        ks_delete(db, old);
    }
    ks_entry_t *e = ks_add(db, key, klen, t->id, value);
    if (m->expire != -1) ks_set_expire(db, e, m->expire);
    if (t->ops.subexpire_next && t->ops.subexpire_next(value) >= 0)
        ks_set_subexpire(db, e, 1);
    ks_set_access(e, m->freq, m->idle); /* only the policy's own kind applies */
    lc->st->keys_loaded++;
    notify_keyspace(NOTIFY_LOADED, "loaded", key, klen, db->id); /* modules only */
    return 0;
}

/* Aux fields: log what helps the operator; an AOF base ("aof-base", or
 * Redis 4-6's "aof-preamble") keeps keys whose TTL has passed, because the
 * AOF commands that follow were run while they still existed. */
static int load_aux(load_ctx_t *lc)
{
    size_t kl, vl;
    char *k = rdb_load_string(lc->io, &kl, NULL);
    if (!k) return -1;
    char *v = rdb_load_string(lc->io, &vl, NULL);
    if (!v) {
        free(k);
        return -1;
    }
    long long n = strtoll(v, NULL, 10);
    if (strcmp(k, "redis-ver") == 0)
        log_msg(LOG_NOTICE, "Loading RDB produced by version %.*s", (int)(vl > 32 ? 32 : vl), v);
    else if (strcmp(k, "ctime") == 0)
        log_msg(LOG_NOTICE, "RDB age %lld seconds", (long long)(lc->now / 1000) - n);
    else if (strcmp(k, "used-mem") == 0)
        log_msg(LOG_NOTICE, "RDB memory usage when created %.2f Mb", (double)n / (1024 * 1024));
    else if ((strcmp(k, "aof-base") == 0 || strcmp(k, "aof-preamble") == 0) && n)
        lc->keep_expired = 1;
    free(k);
    free(v);
    return 0;
}

/* A FUNCTION2 record: one library's code, loaded at once (a library that
 * exists is an error unless duplicates are allowed: DEBUG RELOAD MERGE). */
static int load_function(load_ctx_t *lc)
{
    size_t len;
    char *code = rdb_load_string(lc->io, &len, NULL);
    if (!code) return -1;
    char err[1024] = "functions are not available";
    int rc = !persist_hooks.functions_load ? -1 : persist_hooks.functions_load(code, len, (lc->flags & RDB_LOAD_ALLOW_DUP) != 0, err,
                                          sizeof(err));
    free(code);
    if (rc) rdb_io_fail(lc->io, "failed loading a function library: %s", err);
    return rc;
}

/* Opcodes other than a key. Returns 1 when `type` was one (handled), 0
 * when it is a value type, -1 on error. *db and *m may be updated. */
static int load_opcode(load_ctx_t *lc, uint8_t type, ks_db_t **db, key_meta_t *m)
{
    rdb_io_t *io = lc->io;
    uint64_t a, b;
    switch (type) {
    case RDB_OPCODE_EXPIRETIME_MS:
        return rdb_load_millis(io, &m->expire) ? -1 : 1;
    case RDB_OPCODE_EXPIRETIME: {
        int32_t secs;
        if (rdb_load_seconds(io, &secs)) return -1;
        m->expire = (int64_t)secs * 1000;
        return 1;
    }
    case RDB_OPCODE_IDLE:
        if (rdb_load_len(io, &a, NULL)) return -1;
        m->idle = (int64_t)(a > INT64_MAX ? INT64_MAX : a);
        return 1;
    case RDB_OPCODE_FREQ: {
        uint8_t f;
        if (rdb_load_raw(io, &f, 1)) return -1;
        m->freq = f;
        return 1;
    }
    case RDB_OPCODE_SELECTDB:
        if (rdb_load_len(io, &a, NULL)) return -1;
        if (a >= (uint64_t)srv.databases) {
            rdb_io_fail(io, "the file uses db %llu but this server has %d "
                        "databases (raise 'databases')", (unsigned long long)a,
                        srv.databases);
            return -1;
        }
        *db = &srv.db[a];
        return 1;
    case RDB_OPCODE_RESIZEDB:
        return rdb_load_len(io, &a, NULL) || rdb_load_len(io, &b, NULL) ? -1 : 1;
    case RDB_OPCODE_SLOT_INFO:
        return rdb_load_len(io, &a, NULL) || rdb_load_len(io, &b, NULL) ||
               rdb_load_len(io, &b, NULL) ? -1 : 1;
    case RDB_OPCODE_AUX:
        return load_aux(lc) ? -1 : 1;
    case RDB_OPCODE_MODULE_AUX:
        return rdb_module_load_aux(io) ? -1 : 1;
    case RDB_OPCODE_FUNCTION2:
        return load_function(lc) ? -1 : 1;
    case RDB_OPCODE_FUNCTION_PRE_GA:
        rdb_io_fail(io, "the file holds function libraries in the format of Redis 7.0's "
                    "release candidates, which no release reads (save them again with "
                    "Redis 7.0 or later)");
        return -1;
    default:
        return 0;
    }
}

/* The whole stream, header to checksum. */
static int load_stream(rdb_io_t *io, int flags, rdb_load_stats_t *st)
{
    memset(st, 0, sizeof(*st));
    load_ctx_t lc = {.io = io, .flags = flags, .now = util_mstime(), .st = st};
    if (rdb_load_header(io, &st->version)) return -1;
    /* the file's libraries replace ours, as its keys replace the dataset */
    if (!(flags & RDB_LOAD_ALLOW_DUP) && persist_hooks.functions_flush)
        persist_hooks.functions_flush();
    ks_db_t *db = &srv.db[0];
    key_meta_t m = {-1, -1, -1};
    for (;;) {
        uint8_t type;
        if (rdb_load_type(io, &type)) return -1;
        if (type == RDB_OPCODE_EOF) {
            if (st->version >= 5 && rdb_load_checksum(io)) return -1;
            log_msg(LOG_NOTICE, "Done loading RDB, keys loaded: %lld, keys expired: %lld.",
                    st->keys_loaded, st->keys_expired);
            return 0;
        }
        int op = load_opcode(&lc, type, &db, &m);
        if (op < 0) return -1;
        if (op) continue;
        /* A key: type byte (already read), key, value. */
        size_t klen;
        char *key = rdb_load_string(io, &klen, NULL);
        if (!key) return -1;
        md_type_t *t = NULL;
        int empty;
        void *v = rdb_load_object(io, type, &t, &empty);
        int rc = 0;
        if (v) rc = load_insert(&lc, db, key, klen, t, v, &m);
        else if (empty) st->keys_empty++;
        else rc = -1;
        free(key);
        if (rc) return -1;
        m = (key_meta_t){-1, -1, -1};
    }
}

int rdb_load_dataset(rdb_io_t *io, rdb_load_stats_t *st)
{
    return load_stream(io, 0, st);
}

/* ---- files ------------------------------------------------------------- */

/* Make a rename in the current directory durable. */
static int fsync_cwd(void)
{
    int fd = open(".", O_RDONLY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int rdb_save_file(const char *path, int flags, char *err, size_t errcap)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)getpid());
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        char cwd[1024];
        snprintf(err, errcap, "Failed opening the temp RDB file %s (in server root dir %s) "
                 "for saving: %s", tmp, getcwd(cwd, sizeof(cwd)) ? cwd : "unknown",
                 strerror(errno));
        return -1;
    }
    rdb_io_t io;
    rdb_io_file_writer(&io, fp, NULL);
    io.autosync = srv.hostconf.rdb_save_incremental_fsync ? RDB_AUTOSYNC_BYTES : 0;
    io.compress = srv.rdbcompression;
    io.checksum = srv.rdbchecksum;
    int rc = rdb_save_dataset(&io, flags);
    if (rc) snprintf(err, errcap, "Write error saving DB on disk: %s", rdb_io_error(&io));
    rdb_io_release(&io);
    if (!rc && (fflush(fp) != 0 || fsync(fileno(fp)) != 0)) {
        snprintf(err, errcap, "Write error saving DB on disk: %s", strerror(errno));
        rc = -1;
    }
    if (fclose(fp) != 0 && !rc) {
        snprintf(err, errcap, "Write error saving DB on disk: %s", strerror(errno));
        rc = -1;
    }
    if (!rc && rename(tmp, path) != 0) {
        char cwd[1024];
        snprintf(err, errcap, "Error moving temp DB file %s on the final destination %s "
                 "(in server root dir %s): %s", tmp, path,
                 getcwd(cwd, sizeof(cwd)) ? cwd : "unknown", strerror(errno));
        rc = -1;
    }
    if (!rc && fsync_cwd() != 0) {
        snprintf(err, errcap, "Failed to fsync the directory of %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc) unlink(tmp);
    return rc;
}

int rdb_load_file(const char *path, int flags, rdb_load_stats_t *st, char *err,
                  size_t errcap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        if (errno == ENOENT) return 1;
        snprintf(err, errcap, "RDB file %s: can't open it: %s", path, strerror(errno));
        return -1;
    }
    rdb_io_t io;
    rdb_io_file_reader(&io, fp, NULL);
    events_fire(MD_EVENT_LOADING, MD_SUB_LOADING_RDB_START, NULL);
    io.checksum = !srv.skip_checksum_validation; /* DEBUG SET-SKIP-CHECKSUM-VALIDATION */
    int rc = load_stream(&io, flags, st);
    if (rc)
        snprintf(err, errcap, "RDB file %s: %s", path, rdb_io_error(&io));
    rdb_io_release(&io);
    fclose(fp);
    events_fire(MD_EVENT_LOADING, rc ? MD_SUB_LOADING_FAILED : MD_SUB_LOADING_ENDED, NULL);
    return rc ? -1 : 0;
}
