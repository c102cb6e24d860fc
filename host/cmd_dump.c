/*
 * cmd_dump.c — DUMP, RESTORE and RESTORE-ASKING: a key's value as Redis's
 * DUMP payload, and a key created back from one, byte-compatible with
 * Redis in both directions.
 *
 * Payload: the value's RDB type byte, the value as an RDB file holds it
 * (persist/rdb.h: the slot's module writes it), then the footer: the RDB
 * version as 2 bytes little-endian and the CRC64 of everything before, 8
 * bytes little-endian. The version written is rdb_type_min_version() of
 * the type byte, not our newest: 10 for every type Redis 7.0 knows, so a
 * 7.0 server RESTOREs our payloads and our bytes equal 7.0's for the same
 * value; 12 only for hashes with field TTLs, which need Redis 7.4 anyway.
 *
 * RESTORE follows Redis 7.4's restoreCommand(): options first (syntax,
 * IDLETIME/FREQ errors; IDLETIME and FREQ together are a syntax error),
 * then BUSYKEY, then the TTL, then the footer ("DUMP payload version or
 * checksum are wrong": version above RDB_VERSION or a CRC mismatch), then
 * the value ("Bad data format"). Stricter than Redis on purpose: the value
 * must end exactly at the footer — Redis reads truncated values into the
 * footer bytes and ignores trailing bytes; we refuse both. A TTL already
 * in the past creates nothing and replies OK (deleting the old key when
 * REPLACE was given, propagated as DEL or UNLINK). A relative TTL is
 * propagated as an absolute one with ABSTTL appended.
 *
 * Invariants: a payload that fails to load changes nothing; the new key
 * gets its TTL, its sub-key expiry tracking (hash field TTLs) and its
 * LRU/LFU data before anyone can see it.
 */
#include "blocking.h"
#include "client.h"
#include "hostcmds.h"
#include "ks.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "propagate.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"
#include "util.h"

#include "persist/rdb.h"

#include <stdio.h>
#include <string.h>

#define ERR_PAYLOAD "ERR DUMP payload version or checksum are wrong"
#define ERR_BAD_DATA "ERR Bad data format"

/* ------------------------------------------------------------------ */
/* DUMP                                                                */
/* ------------------------------------------------------------------ */

/*
 * Serialize entry e's value into io (a fresh memory writer): type byte,
 * value, footer. Returns 0, or -1 with the stream's error message.
 */
static int dump_payload(rdb_io_t *io, const ks_entry_t *e)
{
    const md_type_t *t = types_by_id(e->type);
    if (!rdb_type_savable(t)) {
        rdb_io_fail(io, "type '%s' cannot be saved to RDB", t->name);
        return -1;
    }
    uint8_t type = rdb_object_type(t, e->value);
    io->compress = srv.rdbcompression; /* as Redis: LZF for strings > 20 bytes */
    if (rdb_save_type(io, type) || rdb_save_object(io, t, e->value)) return -1;
    return rdb_save_dump_footer(io, rdb_type_min_version(type));
}

static int dump_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_READ); /* hit/miss, keymiss, touch */
    ks_entry_t *e = k->e;
    if (!e) {
        md_reply_null(c);
        return MD_OK;
    }
    rdb_io_t io;
    rdb_io_mem_writer(&io, NULL);
    if (dump_payload(&io, e) == 0) {
        size_t len;
        const void *p = rdb_io_mem_data(&io, &len);
        md_reply_bulk(c, p, len);
    } else {
        char msg[300];
        snprintf(msg, sizeof(msg), "ERR DUMP failed: %s", rdb_io_error(&io));
        md_reply_error(c, msg);
    }
    rdb_io_release(&io);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* RESTORE                                                             */
/* ------------------------------------------------------------------ */

typedef struct restore_opts {
    int replace, absttl;
    long long idle;          /* IDLETIME seconds, or -1 */
    long long freq;          /* FREQ counter, or -1 */
} restore_opts_t;

/* The options after the payload, with Redis's errors; -1 after replying. */
static int parse_restore_opts(md_ctx_t *c, int argc, const md_arg_t *argv,
                              restore_opts_t *o)
{
    *o = (restore_opts_t){0, 0, -1, -1};
    for (int j = 4; j < argc; j++) {
        int additional = argc - j - 1;
        if (md_arg_eq(argv[j], "replace")) {
            o->replace = 1;
        } else if (md_arg_eq(argv[j], "absttl")) {
            o->absttl = 1;
        } else if (md_arg_eq(argv[j], "idletime") && additional >= 1 && o->freq == -1) {
            if (md_parse_ll(c, argv[j + 1], &o->idle) != MD_OK) return -1;
            if (o->idle < 0) {
                md_reply_error(c, "ERR Invalid IDLETIME value, must be >= 0");
                return -1;
            }
            j++;
        } else if (md_arg_eq(argv[j], "freq") && additional >= 1 && o->idle == -1) {
            if (md_parse_ll(c, argv[j + 1], &o->freq) != MD_OK) return -1;
            if (o->freq < 0 || o->freq > 255) {
                md_reply_error(c, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                return -1;
            }
            j++;
        } else {
            md_reply_syntax(c);
            return -1;
        }
    }
    return 0;
}

/*
 * Load the value of a DUMP payload whose footer has been verified: the
 * type byte and the value must fill the `len` bytes before the footer
 * exactly. Returns the value and its slot in *tp, or NULL (bad data, an
 * empty value, or a type byte no loaded module claims).
 */
static void *restore_value(const void *p, size_t len, md_type_t **tp)
{
    rdb_io_t io;
    uint8_t type;
    int empty;
    void *v = NULL;
    rdb_io_mem_reader(&io, p, len, NULL);
    if (rdb_load_type(&io, &type) == 0) v = rdb_load_object(&io, type, tp, &empty);
    if (v && io.pos != len) { /* trailing bytes before the footer */
        (*tp)->ops.free(v);
        v = NULL;
    }
    if (!v && rdb_io_error(&io)) /* as Redis, the cause goes to the log */
        log_msg(LOG_WARNING, "RESTORE: bad payload: %s", rdb_io_error(&io));
    rdb_io_release(&io);
    return v;
}

/* Propagate RESTORE with the absolute expire time and ABSTTL appended. */
static void propagate_absttl(int argc, const md_arg_t *argv, long long when)
{
    char num[24];
    md_arg_t *v = mem_alloc((size_t)(argc + 1) * sizeof(*v));
    memcpy(v, argv, (size_t)argc * sizeof(*v));
    v[2].ptr = num;
    v[2].len = (size_t)util_ll2str(num, sizeof(num), when);
    v[argc] = md_str("ABSTTL");
    prop_record(argc + 1, v);
    mem_free(v);
}

static int restore_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    restore_opts_t o;
    if (parse_restore_opts(c, argc, argv, &o) != 0) return MD_OK;

    ks_db_t *db = &srv.db[c->client->dbid];
    md_arg_t key = argv[1];
    /* Redis's lookupKeyWrite(): an expired key is deleted, not busy. */
    if (!o.replace && md_key_type(md_key_open(c, key, MD_WRITE))) {
        md_reply_error(c, "BUSYKEY Target key name already exists.");
        return MD_OK;
    }
    long long ttl;
    if (md_parse_ll(c, argv[2], &ttl) != MD_OK) return MD_OK;
    if (ttl < 0) {
        md_reply_error(c, "ERR Invalid TTL value, must be >= 0");
        return MD_OK;
    }
    int version;
    char err[128];
    if (rdb_verify_dump_payload(argv[3].ptr, argv[3].len, 1, &version, err, sizeof(err))) {
        md_reply_error(c, ERR_PAYLOAD);
        return MD_OK;
    }
    md_type_t *t = NULL;
    void *v = restore_value(argv[3].ptr, argv[3].len - RDB_DUMP_FOOTER_LEN, &t);
    if (!v) {
        md_reply_error(c, ERR_BAD_DATA);
        return MD_OK;
    }

    /* As dbDelete(): whatever is there goes, even if logically expired. */
    int deleted = 0;
    if (o.replace) {
        ks_entry_t *old = ks_find(db, key.ptr, key.len);
        if (old) {
            if (srv.lazyfree_lazy_server_del) ks_delete_lazy(db, old);
            else ks_delete(db, old);
            deleted = 1;
        }
    }
    /* Relative TTLs wrap around like Redis's signed addition: a huge one
     * ends up in the past. */
    if (ttl && !o.absttl) ttl = (long long)((unsigned long long)ttl + (unsigned long long)srv.cmd_time_ms);
    if (ttl && ttl <= srv.cmd_time_ms && !srv.loading) {
        t->ops.free(v);
        if (deleted) {
            md_arg_t del[2] = {md_str(srv.lazyfree_lazy_server_del ? "UNLINK" : "DEL"), key};
            prop_record(2, del);
            notify_key_modified(db->id, key.ptr, key.len);
            notify_keyspace(NOTIFY_GENERIC, "del", key.ptr, key.len, db->id);
            md_dirty(c, 1);
        }
        md_reply_ok(c);
        return MD_OK;
    }

    ks_entry_t *e = ks_add(db, key.ptr, key.len, t->id, v);
    blocking_signal_key(db->id, key.ptr, key.len);
    notify_keyspace(NOTIFY_NEW, "new", key.ptr, key.len, db->id);
    if (t->ops.subexpire_next && t->ops.subexpire_next(v) >= 0) ks_set_subexpire(db, e, 1);
    if (ttl) {
        ks_set_expire(db, e, ttl);
        if (!o.absttl) propagate_absttl(argc, argv, ttl);
    }
    ks_set_access(e, o.freq, o.idle);
    notify_key_modified(db->id, key.ptr, key.len);
    notify_keyspace(NOTIFY_GENERIC, "restore", key.ptr, key.len, db->id);
    md_reply_ok(c);
    md_dirty(c, 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Command table (metadata from Redis 7.4)                             */
/* ------------------------------------------------------------------ */

#define RESTORE_COMPLEXITY                                                                  \
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, " \
    "where N is the number of Redis objects composing the value and M their average size. " \
    "For small string values the time complexity is thus O(1)+O(1*M) where M is small, so " \
    "simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because "    \
    "inserting values into sorted sets is O(log(N))."
#define RESTORE_SYNTAX                                                                  \
    "key ttl serialized-value [REPLACE{@3.0.0}] [ABSTTL{@5.0.0}] [IDLETIME seconds{@5.0.0}] " \
    "[FREQ frequency{@5.0.0}]"
#define RESTORE_HISTORY                                                                 \
    "3.0.0: Added the `REPLACE` modifier.\n"                                            \
    "5.0.0: Added the `ABSTTL` modifier.\n"                                             \
    "5.0.0: Added the `IDLETIME` and `FREQ` options."

const md_command_t hostcmds_dump[] = {
    {.name = "dump", .handler = dump_cmd, .arity = 2, .flags = "readonly",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @read @slow",
     .summary = "Returns a serialized representation of the value stored at a key.",
     .since = "2.6.0",
     .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N is "
                   "the number of Redis objects composing the value and M their average size. "
                   "For small string values the time complexity is thus O(1)+O(1*M) where M "
                   "is small, so simply O(1).",
     .group = "generic", .syntax = "key",
     .tips = "nondeterministic_output"},
    {.name = "restore", .handler = restore_cmd, .arity = -4, .flags = "write denyoom",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@keyspace @write @slow @dangerous",
     .summary = "Creates a key from the serialized representation of a value.",
     .since = "2.6.0", .complexity = RESTORE_COMPLEXITY, .group = "generic",
     .syntax = RESTORE_SYNTAX,
     .key_specs = "OW update index:1",
     .history = RESTORE_HISTORY},
    {.name = "restore-asking", .handler = restore_cmd, .arity = -4,
     .flags = "write denyoom asking", .first_key = 1, .last_key = 1, .step = 1,
     .acl = "@keyspace @write @slow @dangerous",
     .summary = "An internal command for migrating keys in a cluster.", .since = "3.0.0",
     .complexity = RESTORE_COMPLEXITY, .group = "server", .syntax = RESTORE_SYNTAX,
     .key_specs = "OW update index:1",
     .history = RESTORE_HISTORY,
     .doc_flags = "syscmd"},
    {0}};
