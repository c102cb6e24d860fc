/*
 * hashes_rdb.c — the "hash" type callbacks. RDB payloads are byte for
 * byte Redis's:
 *
 *   16 HASH_LISTPACK       the listpack blob as an RDB string
 *   25 HASH_LISTPACK_EX    min field TTL (8 bytes LE ms, 0 = none), then
 *                          the field/value/ttl listpack blob
 *    4 HASH                length, then field, value strings
 *   24 HASH_METADATA       min TTL (8 bytes LE), length, then per field:
 *                          length-encoded ttl (0 = none, else at - min +
 *                          1), field, value
 *
 * and loading also takes the old forms: 9 (zipmap), 13 (ziplist), 22 and
 * 23 (the 7.4 release candidates' metadata / listpack-ex: absolute TTLs,
 * no min). A loaded hash gets the encoding the same data would get from
 * commands (listpack(ex) within hash-max-listpack-*, else hashtable).
 * Fields whose TTL has already passed are dropped, as Redis 7.4 drops them
 * when it loads; a payload that holds no field (an empty hash, or one
 * whose fields all expired) is valid but empty: md_rdb_load_empty(), and
 * the host skips the key as Redis does. Blobs are validated completely
 * (structure, pairs/triplets, duplicates) before use; a bad payload is an
 * error, never a crash.
 */
#include <string.h>
#include "hashes_rdb.h"
#include "hashes_expire.h"
#include "hash_listpack.h"
#include "hash_value.h"

#define HASHES_LAYOUT_VERSION 1
#define AOF_ITEMS_PER_CMD 64 /* Redis AOF_REWRITE_ITEMS_PER_CMD */

enum {
    RDB_HASH = 4,
    RDB_HASH_ZIPMAP = 9,
    RDB_HASH_ZIPLIST = 13,
    RDB_HASH_LISTPACK = 16,
    RDB_HASH_METADATA_PRE_GA = 22,
    RDB_HASH_LISTPACK_EX_PRE_GA = 23,
    RDB_HASH_METADATA = 24,
    RDB_HASH_LISTPACK_EX = 25
};

/* ------------------------------------------------------------------ */
/* Small callbacks                                                     */
/* ------------------------------------------------------------------ */

static size_t h_free_effort(const void *h)
{
    return hv_enc(h) == HV_HT ? hv_len(h) : 1;
}

/* DEBUG DIGEST: one sequence per field (order-independent), with the
 * field TTL mixed in when there is one. */
static void h_digest(md_digest_t *d, const void *h)
{
    hv_iter_t it;
    hx_t f, v;
    int64_t ttl;
    char fb[HX_BUF], vb[HX_BUF];

    hv_iter_init(&it, (void *)h);
    while (hv_iter_next(&it, &f, &v, &ttl)) {
        md_arg_t fa = hx_bytes(&f, fb), va = hx_bytes(&v, vb);
        md_digest_add(d, fa.ptr, fa.len);
        md_digest_add(d, va.ptr, va.len);
        if (ttl) {
            md_digest_add(d, "!!hexpire!!", 11);
            md_digest_add(d, &ttl, sizeof ttl);
        }
        md_digest_end_seq(d);
    }
}

/* AOF rewrite: HSET in batches, then one HPEXPIREAT per field with a TTL. */
static int h_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *h)
{
    md_arg_t argv[2 + 2 * AOF_ITEMS_PER_CMD];
    char bufs[2 * AOF_ITEMS_PER_CMD][HX_BUF];
    hv_iter_t it;
    hx_t f, v;
    int64_t ttl;
    int n = 0, rc = MD_OK;

    argv[0] = md_str("HSET");
    argv[1] = key;
    hv_iter_init(&it, (void *)h);
    while (rc == MD_OK && hv_iter_next(&it, &f, &v, NULL)) {
        argv[2 + n * 2] = hx_bytes(&f, bufs[n * 2]);
        argv[3 + n * 2] = hx_bytes(&v, bufs[n * 2 + 1]);
        if (++n == AOF_ITEMS_PER_CMD) {
            rc = md_aof_emit(aof, 2 + 2 * n, argv);
            n = 0;
        }
    }
    if (rc == MD_OK && n) rc = md_aof_emit(aof, 2 + 2 * n, argv);
    if (hv_min_ttl(h) < 0) return rc;

    hv_iter_init(&it, (void *)h);
    while (rc == MD_OK && hv_iter_next(&it, &f, NULL, &ttl)) {
        char tb[HX_BUF], fb[HX_BUF];
        md_arg_t e[6] = {md_str("HPEXPIREAT"), key, {tb, 0}, md_str("FIELDS"),
                         md_str("1"), hx_bytes(&f, fb)};
        if (ttl == 0) continue;
        e[2].len = md_ll2str_inline(tb, ttl);
        rc = md_aof_emit(aof, 6, e);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* RDB save                                                            */
/* ------------------------------------------------------------------ */

static int save_millis(md_rdb_t *r, int64_t ms)
{
    unsigned char b[8];
    uint64_t u = (uint64_t)ms;
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(u >> (8 * i));
    return md_rdb_save_raw(r, b, 8);
}

static int load_millis(md_rdb_t *r, int64_t *ms)
{
    unsigned char b[8];
    uint64_t u = 0;
    if (md_rdb_load_raw(r, b, 8) != MD_OK) return MD_ERR;
    for (int i = 0; i < 8; i++) u |= (uint64_t)b[i] << (8 * i);
    *ms = (int64_t)u;
    return MD_OK;
}

uint8_t hashes_rdb_type(const void *h)
{
    switch (hv_enc(h)) {
    case HV_LP: return RDB_HASH_LISTPACK;
    case HV_LPEX: return RDB_HASH_LISTPACK_EX;
    default: return hv_min_ttl(h) >= 0 ? RDB_HASH_METADATA : RDB_HASH;
    }
}

int hashes_rdb_save(md_rdb_t *r, const void *h)
{
    int64_t min = hv_min_ttl(h);
    if (hv_enc(h) != HV_HT) {
        md_lp_t *lp = hv_listpack(h);
        if (hv_enc(h) == HV_LPEX && save_millis(r, min < 0 ? 0 : min) != MD_OK)
            return MD_ERR;
        return md_rdb_save_string(r, lp, md_lp_bytes(lp));
    }
    ht_t *t = hv_table(h);
    ht_iter_t it;
    ht_entry_t *e;
    if (min >= 0 && save_millis(r, min) != MD_OK) return MD_ERR;
    if (md_rdb_save_len(r, ht_len(t)) != MD_OK) return MD_ERR;
    ht_iter_init(&it, t);
    while ((e = ht_iter_next(&it)) != NULL) {
        size_t kn, vn;
        const char *k = ht_key(e, &kn), *v = ht_value(e, &vn);
        if (min >= 0) {
            int64_t at = ht_ttl(e);
            if (md_rdb_save_len(r, at ? (uint64_t)(at - min + 1) : 0) != MD_OK)
                return MD_ERR;
        }
        if (md_rdb_save_string(r, k, kn) != MD_OK ||
            md_rdb_save_string(r, v, vn) != MD_OK)
            return MD_ERR;
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* RDB load                                                            */
/* ------------------------------------------------------------------ */

static void *fail(md_rdb_t *r, void *h, const char *what)
{
    if (h) hv_free(h);
    md_rdb_error(r, what);
    return NULL;
}

static void *empty(md_rdb_t *r, void *h)
{
    if (h) hv_free(h);
    md_rdb_load_empty(r);
    return NULL;
}

/* A loaded hash without the fields already due; NULL (empty) if none is
 * left. */
static void *drop_expired(md_rdb_t *r, void *h)
{
    hv_expire(&h, md_mstime(), 0, (size_t)-1, NULL, NULL);
    return hv_len(h) ? h : empty(r, h);
}

/* Types 4, 22, 24: field by field. */
static void *load_pairs(md_rdb_t *r, int type)
{
    int64_t min = 0;
    uint64_t len;
    void *h;

    if (type == RDB_HASH_METADATA && load_millis(r, &min) != MD_OK)
        return fail(r, NULL, "hashes: truncated hash metadata");
    if (md_rdb_load_len(r, &len) != MD_OK)
        return fail(r, NULL, "hashes: truncated hash length");
    if (len == 0) return empty(r, NULL);
    h = hv_new();
    if ((long long)len > hv_max_entries) hv_to_table(&h);
    while (len--) {
        uint64_t ttl = 0;
        size_t fn, vn;
        char *f, *v;
        int rc;
        if (type != RDB_HASH && md_rdb_load_len(r, &ttl) != MD_OK)
            return fail(r, h, "hashes: truncated field TTL");
        f = md_rdb_load_string(r, &fn);
        if (f == NULL) return fail(r, h, "hashes: truncated hash field");
        v = md_rdb_load_string(r, &vn);
        if (v == NULL) {
            md_free(f);
            return fail(r, h, "hashes: truncated hash value");
        }
        if (hv_get(h, f, fn, NULL, NULL)) {
            md_free(f);
            md_free(v);
            return fail(r, h, "hashes: duplicate hash fields detected");
        }
        rc = hv_set(&h, f, fn, v, vn, 0);
        if (rc == 1 && ttl) {
            int64_t at = type == RDB_HASH_METADATA ? (int64_t)(ttl + (uint64_t)min - 1)
                                                   : (int64_t)ttl;
            if (at <= 0) rc = -1;
            else hv_set_ttl(&h, f, fn, at);
        }
        md_free(f);
        md_free(v);
        if (rc != 1) return fail(r, h, "hashes: bad hash field or TTL");
    }
    return drop_expired(r, h);
}

/* Types 9, 13, 16, 23, 25: one blob. */
static void *load_blob(md_rdb_t *r, int type)
{
    int64_t min;
    size_t n, maxlen;
    unsigned char *blob;
    md_lp_t *lp;
    int ex = type == RDB_HASH_LISTPACK_EX || type == RDB_HASH_LISTPACK_EX_PRE_GA;
    int sorted = 1;
    void *h;

    if (type == RDB_HASH_LISTPACK_EX && load_millis(r, &min) != MD_OK)
        return fail(r, NULL, "hashes: truncated listpack-ex header");
    blob = md_rdb_load_string(r, &n);
    if (blob == NULL) return fail(r, NULL, "hashes: truncated hash blob");
    if (type == RDB_HASH_ZIPMAP) {
        lp = md_lp_from_zipmap(blob, n);
    } else if (type == RDB_HASH_ZIPLIST) {
        lp = md_lp_from_ziplist(blob, n);
    } else {
        lp = md_lp_validate(blob, n) == MD_OK ? md_lp_dup(blob) : NULL;
    }
    md_free(blob);
    if (lp == NULL) return fail(r, NULL, "hashes: corrupt hash listpack");
    if (hlp_check(lp, ex ? HLP_EX : HLP_PLAIN, &sorted, &maxlen) != MD_OK) {
        md_lp_free(lp);
        return fail(r, NULL, "hashes: corrupt hash listpack (pairs, TTLs or "
                             "duplicate fields)");
    }
    if (md_lp_count(lp) == 0) {
        md_lp_free(lp);
        return empty(r, NULL);
    }
    if (ex && !sorted) lp = hlp_sort_ex(lp);
    h = hv_from_listpack(lp, ex);
    if ((long long)hv_len(h) > hv_max_entries || (long long)maxlen > hv_max_value)
        hv_to_table(&h);
    return drop_expired(r, h);
}

void *hashes_rdb_load(md_rdb_t *r, int type)
{
    switch (type) {
    case RDB_HASH:
    case RDB_HASH_METADATA_PRE_GA:
    case RDB_HASH_METADATA:
        return load_pairs(r, type);
    case RDB_HASH_ZIPMAP:
    case RDB_HASH_ZIPLIST:
    case RDB_HASH_LISTPACK:
    case RDB_HASH_LISTPACK_EX_PRE_GA:
    case RDB_HASH_LISTPACK_EX:
        return load_blob(r, type);
    default:
        return fail(r, NULL, "hashes: unknown RDB type for a hash");
    }
}

/* DEBUG LISTPACK / HTSTATS-KEY: the listpack of a small hash, the table
 * of a big one (NULL: not represented that way). */
static char *h_debug_repr(const void *h, const char *what, int detail)
{
    md_lp_t *lp = hv_listpack(h);
    if (!strcmp(what, "listpack")) return lp ? md_lp_repr(lp) : NULL;
    if (!strcmp(what, "htstats")) return lp ? NULL : ht_stats(hv_table(h), detail);
    return NULL;
}

const md_type_ops_t hashes_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = HASHES_LAYOUT_VERSION,
    .free = hv_free,
    .free_effort = h_free_effort,
    .copy = hv_dup,
    .mem_usage = hv_mem,
    .digest = h_digest,
    .encoding = hv_encoding_name,
    .rdb_type = hashes_rdb_type,
    .rdb_save = hashes_rdb_save,
    .rdb_load = hashes_rdb_load,
    .aof_rewrite = h_aof_rewrite,
    .subexpire_next = hashes_subexpire_next,
    .subexpire_run = hashes_subexpire_run,
    .debug_repr = h_debug_repr,
};
