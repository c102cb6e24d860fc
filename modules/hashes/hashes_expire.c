/*
 * hashes_expire.c — hash field expiration (Redis 7.4): HEXPIRE,
 * HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME,
 * HPEXPIRETIME, HPERSIST, and the type's active-expiry callbacks.
 *
 * Semantics as Redis 7.4: per-field replies -2 (no such field), 0
 * (NX/XX/GT/LT not met), 1 (set), 2 (deleted: the time is not in the
 * future); a field without TTL counts as "infinite" for GT/LT (GT never
 * met, LT always). Propagation: fields deleted by a past time go out as
 * HDEL, the fields that were set as one HPEXPIREAT with the absolute ms
 * time (nothing when none was set).
 *
 * Active expiry: the host calls subexpire_run for keys marked with
 * md_key_subexpire_track(), with the key open for writing; md_key_name()
 * gives its current name (RENAME, MOVE and COPY included) for the
 * propagated HDELs and the events. A key stays marked while its hash has
 * field TTLs (hk_untrack_if_done() unmarks it when the last one goes), so
 * INFO keyspace's subexpiry counts exactly the hashes with field TTLs.
 */
#include <limits.h>
#include <string.h>
#include "hashes_expire.h"
#include "hashes_cmds.h"
#include "hashes.h"
#include "hash_value.h"

/* Redis HFE_MAX_ABS_TIME_MSEC: (2^48 - 1) >> 2. */
#define MAX_ABS_MS (((1LL << 48) - 1) >> 2)
/* Fields one active-expiry call may delete (the rest wait a cycle). */
#define ACTIVE_QUOTA 10000

enum { COND_NONE, COND_NX, COND_XX, COND_GT, COND_LT };
enum { RES_NO_FIELD = -2, RES_NOT_MET = 0, RES_SET = 1, RES_DELETED = 2 };

static int reply_error_expire(md_ctx_t *c, const char *cmd)
{
    char msg[80];
    size_t n = strlen(cmd);
    memcpy(msg, "ERR invalid expire time in '", 28);
    memcpy(msg + 28, cmd, n);
    memcpy(msg + 28 + n, "' command", 10);
    return md_reply_error(c, msg);
}

/* The FIELDS numfields part at argv[at-1], argv[at]; the fields follow.
 * Replies and returns MD_ERR on bad input. */
static int parse_fields(md_ctx_t *c, int argc, const md_arg_t *argv, int at,
                        const char *range_msg, long long *n)
{
    if (!md_arg_eq(argv[at - 1], "fields")) {
        md_reply_error(c, "ERR Mandatory argument FIELDS is missing or not at "
                          "the right position");
        return MD_ERR;
    }
    if (md_arg_ll(argv[at], n) != MD_OK || *n < 1 || *n > LONG_MAX) {
        md_reply_error(c, range_msg);
        return MD_ERR;
    }
    if (*n != (long long)(argc - at - 1)) {
        md_reply_error(c, "ERR The `numfields` parameter must match the "
                          "number of arguments");
        return MD_ERR;
    }
    return MD_OK;
}

static void reply_all(md_ctx_t *c, long long n, long long v)
{
    md_reply_array(c, (long)n);
    while (n--) md_reply_int(c, v);
}

/* ------------------------------------------------------------------ */
/* HEXPIRE family                                                      */
/* ------------------------------------------------------------------ */

/* One field of HEXPIRE: returns a RES_* code. */
static int expire_field(hkey_t *hk, md_arg_t f, int64_t at, int cond, int64_t now)
{
    int64_t prev;
    if (!hv_get(hk->h, f.ptr, f.len, NULL, &prev)) return RES_NO_FIELD;
    if (prev == 0) {
        if (cond == COND_XX || cond == COND_GT) return RES_NOT_MET;
    } else if ((cond == COND_GT && prev >= at) || (cond == COND_LT && prev <= at) ||
               cond == COND_NX) {
        return RES_NOT_MET;
    }
    if (at <= now) {
        md_arg_t rep[3] = {md_str("HDEL"), hk->name, f};
        hv_del(&hk->h, f.ptr, f.len);
        md_replicate(hk->c, 3, rep);
        hashes_expired_subkeys++;
        return RES_DELETED;
    }
    hv_set_ttl(&hk->h, f.ptr, f.len, at);
    return RES_SET;
}

static void hexpire_generic(md_ctx_t *c, int argc, const md_arg_t *argv,
                            int64_t basetime, int seconds, const char *cmd)
{
    long long expire, nfields;
    int cond = COND_NONE, at = 4, updated = 0, deleted = 0;
    int64_t now = md_mstime();
    hkey_t hk;

    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return;
    if (md_parse_ll(c, argv[2], &expire) != MD_OK) return;
    if (expire < 0) {
        md_reply_error(c, "ERR invalid expire time, must be >= 0");
        return;
    }
    if (seconds) {
        if (expire > MAX_ABS_MS / 1000) {
            reply_error_expire(c, cmd);
            return;
        }
        expire *= 1000;
    }
    if (expire > MAX_ABS_MS - basetime) {
        reply_error_expire(c, cmd);
        return;
    }
    expire += basetime;
    if (md_arg_eq(argv[3], "nx")) cond = COND_NX;
    else if (md_arg_eq(argv[3], "xx")) cond = COND_XX;
    else if (md_arg_eq(argv[3], "gt")) cond = COND_GT;
    else if (md_arg_eq(argv[3], "lt")) cond = COND_LT;
    if (cond != COND_NONE) at++;
    if (parse_fields(c, argc, argv, at,
                     "ERR Parameter `numFields` should be greater than 0",
                     &nfields) != MD_OK)
        return;
    if (hk.h == NULL) {
        reply_all(c, nfields, RES_NO_FIELD);
        return;
    }

    /* The propagated HPEXPIREAT: argv up to FIELDS, then the set fields. */
    md_arg_t *rep = md_alloc(sizeof(md_arg_t) * (size_t)argc);
    char tbuf[24], nbuf[24];
    int nrep = at + 1;
    memcpy(rep, argv, sizeof(md_arg_t) * (size_t)nrep);
    rep[0] = md_str("HPEXPIREAT");
    rep[2].ptr = tbuf;
    rep[2].len = md_ll2str_inline(tbuf, expire);

    md_reply_array(c, (long)nfields);
    for (int i = at + 1; i < argc && hk.h; i++) {
        int res = expire_field(&hk, argv[i], expire, cond, now);
        md_reply_int(c, res);
        if (res == RES_SET) {
            updated++;
            rep[nrep++] = argv[i];
        } else if (res == RES_DELETED) {
            deleted++;
            if (hv_len(hk.h) == 0) {
                hk_delete(&hk);
                /* The remaining fields cannot exist any more. */
                for (i++; i < argc; i++) md_reply_int(c, RES_NO_FIELD);
                break;
            }
        }
    }
    if (updated + deleted > 0) {
        if (hk.h) {
            hk_store(&hk);
            if (updated) md_key_subexpire_track(hk.k, 1);
            else hk_untrack_if_done(&hk);
        }
        md_key_modified(c, hk.k);
        md_dirty(c, updated + deleted);
        md_notify(c, MD_NOTIFY_HASH, deleted ? "hdel" : "hexpire", argv[1]);
        if (hk.h == NULL) md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
    }
    if (updated) {
        rep[at].ptr = nbuf;
        rep[at].len = md_ll2str_inline(nbuf, updated);
        md_replicate(c, nrep, rep);
    }
    md_free(rep);
}

int hashes_cmd_hexpire(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hexpire_generic(c, argc, argv, md_mstime(), 1, "hexpire");
    return MD_OK;
}

int hashes_cmd_hpexpire(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hexpire_generic(c, argc, argv, md_mstime(), 0, "hpexpire");
    return MD_OK;
}

int hashes_cmd_hexpireat(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hexpire_generic(c, argc, argv, 0, 1, "hexpireat");
    return MD_OK;
}

int hashes_cmd_hpexpireat(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hexpire_generic(c, argc, argv, 0, 0, "hpexpireat");
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HTTL family                                                         */
/* ------------------------------------------------------------------ */

static void httl_generic(md_ctx_t *c, int argc, const md_arg_t *argv,
                         int64_t basetime, int seconds)
{
    long long nfields;
    int64_t now = md_mstime();
    hkey_t hk;

    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return;
    if (parse_fields(c, argc, argv, 3,
                     "ERR Number of fields must be a positive integer",
                     &nfields) != MD_OK)
        return;
    if (hk.h == NULL) {
        reply_all(c, nfields, -2);
        return;
    }
    md_reply_array(c, (long)nfields);
    for (int i = 4; i < argc; i++) {
        int64_t at;
        if (!hv_get(hk.h, argv[i].ptr, argv[i].len, NULL, &at) ||
            (at != 0 && at < now))
            md_reply_int(c, -2);
        else if (at == 0)
            md_reply_int(c, -1);
        else if (seconds)
            md_reply_int(c, (at + 999 - basetime) / 1000);
        else
            md_reply_int(c, at - basetime);
    }
}

int hashes_cmd_httl(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    httl_generic(c, argc, argv, md_mstime(), 1);
    return MD_OK;
}

int hashes_cmd_hpttl(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    httl_generic(c, argc, argv, md_mstime(), 0);
    return MD_OK;
}

int hashes_cmd_hexpiretime(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    httl_generic(c, argc, argv, 0, 1);
    return MD_OK;
}

int hashes_cmd_hpexpiretime(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    httl_generic(c, argc, argv, 0, 0);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HPERSIST                                                            */
/* ------------------------------------------------------------------ */

int hashes_cmd_hpersist(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long nfields;
    int64_t now = md_mstime();
    int changed = 0;
    hkey_t hk;

    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (parse_fields(c, argc, argv, 3,
                     "ERR Number of fields must be a positive integer",
                     &nfields) != MD_OK)
        return MD_OK;
    if (hk.h == NULL) {
        reply_all(c, nfields, -2);
        return MD_OK;
    }
    md_reply_array(c, (long)nfields);
    for (int i = 4; i < argc; i++) {
        int64_t at;
        if (!hv_get(hk.h, argv[i].ptr, argv[i].len, NULL, &at) ||
            (at != 0 && at < now)) {
            md_reply_int(c, -2);
        } else if (at == 0) {
            md_reply_int(c, -1);
        } else {
            hv_set_ttl(&hk.h, argv[i].ptr, argv[i].len, 0);
            md_reply_int(c, 1);
            changed = 1;
        }
    }
    if (changed) {
        hk_store(&hk);
        hk_changed(&hk, "hpersist", 1);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Active expiry (type callbacks)                                      */
/* ------------------------------------------------------------------ */

int64_t hashes_subexpire_next(const void *value)
{
    return hv_min_ttl(value);
}

void hashes_subexpire_run(md_ctx_t *ctx, md_key_t *key, int64_t now_ms)
{
    hkey_t hk;

    if (md_key_type(key) != hashes_type) return;
    hk.c = ctx;
    hk.name = md_key_name(key); /* outlives the key: the host's copy */
    hk.k = key;
    hk.h = hk.stored = md_key_value(key);
    hk.purged = 0;
    hk.had_ttl = 1;
    hk_expire_fields(&hk, now_ms, 1, ACTIVE_QUOTA);
}
