/*
 * zsets_rdb.c — the "zset" type callbacks. RDB payloads are byte for
 * byte Redis's:
 *
 *   17 ZSET_LISTPACK   the listpack blob as an RDB string
 *    5 ZSET_2          length, then per member from the highest score to
 *                      the lowest (as Redis writes them): the member
 *                      string and the score as an 8-byte binary double
 *
 * and loading also takes the old forms: 3 (ZSET: scores as ASCII doubles,
 * a length byte then the text; 253 NaN, 254 +inf, 255 -inf) and 12
 * (ZSET_ZIPLIST). A loaded set gets the encoding Redis gives it: types
 * 3 and 5 become a listpack when they fit (entries, member length and
 * size), blobs become a skiplist only above zset-max-listpack-entries.
 * Payloads are validated completely (pairs, NaN scores, duplicates,
 * order); a payload with no member is valid but empty
 * (md_rdb_load_empty); a bad payload is an error, never a crash. Also the
 * other callbacks: AOF rewrite, digest, copy, memory, lazy-free effort,
 * DEBUG LISTPACK / HTSTATS-KEY.
 */
#include <stdio.h>
#include <string.h>
#include "zsets_rdb.h"
#include "zset_value.h"

#define ZSETS_LAYOUT_VERSION 1
#define AOF_ITEMS_PER_CMD 64 /* Redis AOF_REWRITE_ITEMS_PER_CMD */

enum {
    RDB_ZSET = 3,
    RDB_ZSET_2 = 5,
    RDB_ZSET_ZIPLIST = 12,
    RDB_ZSET_LISTPACK = 17
};

/* ------------------------------------------------------------------ */
/* Small callbacks                                                     */
/* ------------------------------------------------------------------ */

static size_t z_free_effort(const void *z)
{
    return zv_enc(z) == ZV_SL ? zv_len(z) : 1;
}

/* DEBUG DIGEST: one sequence per member (order-independent): the member
 * bytes, then the score as Redis 7.4 prints it. */
static void z_digest(md_digest_t *d, const void *z)
{
    zv_iter_t it;
    int ok = zv_iter_rank(&it, (void *)z, 0, 0);
    for (; ok; ok = zv_iter_next(&it)) {
        zelem_t e;
        char buf[ZE_BUF], sb[MD_D2STR_BUF];
        zv_iter_get(&it, &e);
        md_arg_t m = ze_member(&e, buf);
        md_digest_add(d, m.ptr, m.len);
        md_digest_add(d, sb, (size_t)md_d2str(sb, sizeof sb, e.score));
        md_digest_end_seq(d);
    }
}

/* AOF rewrite: ZADD key score member ..., 64 pairs per command. */
static int z_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *z)
{
    md_arg_t argv[2 + 2 * AOF_ITEMS_PER_CMD];
    char mb[AOF_ITEMS_PER_CMD][ZE_BUF], sb[AOF_ITEMS_PER_CMD][MD_D2STR_BUF];
    zv_iter_t it;
    int n = 0, rc = MD_OK;
    int ok = zv_iter_rank(&it, (void *)z, 0, 0);

    argv[0] = md_str("ZADD");
    argv[1] = key;
    for (; ok && rc == MD_OK; ok = zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        argv[2 + 2 * n].ptr = sb[n];
        argv[2 + 2 * n].len = (size_t)md_d2str(sb[n], MD_D2STR_BUF, e.score);
        argv[3 + 2 * n] = ze_member(&e, mb[n]);
        if (++n == AOF_ITEMS_PER_CMD) {
            rc = md_aof_emit(aof, 2 + 2 * n, argv);
            n = 0;
        }
    }
    if (rc == MD_OK && n) rc = md_aof_emit(aof, 2 + 2 * n, argv);
    return rc;
}

/* ------------------------------------------------------------------ */
/* RDB save                                                            */
/* ------------------------------------------------------------------ */

uint8_t zsets_rdb_type(const void *z)
{
    return zv_enc(z) == ZV_LP ? RDB_ZSET_LISTPACK : RDB_ZSET_2;
}

int zsets_rdb_save(md_rdb_t *r, const void *z)
{
    if (zv_enc(z) == ZV_LP) {
        md_lp_t *lp = zv_lp(z);
        return md_rdb_save_string(r, lp, md_lp_bytes(lp));
    }
    const zsl_t *zsl = zv_sl(z);
    if (md_rdb_save_len(r, zsl->length) != MD_OK) return MD_ERR;
    for (zsl_node_t *x = zsl->tail; x; x = x->backward) {
        size_t n;
        const char *m = zsl_member(x, &n);
        if (md_rdb_save_string(r, m, n) != MD_OK ||
            md_rdb_save_double(r, x->score) != MD_OK)
            return MD_ERR;
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* RDB load                                                            */
/* ------------------------------------------------------------------ */

static void *fail(md_rdb_t *r, void *z, const char *what)
{
    if (z) zv_free(z);
    md_rdb_error(r, what);
    return NULL;
}

static void *empty(md_rdb_t *r)
{
    md_rdb_load_empty(r);
    return NULL;
}

/* Redis's rdbLoadDoubleValue (type 3). */
static int load_ascii_double(md_rdb_t *r, double *d)
{
    unsigned char len;
    char buf[256];

    if (md_rdb_load_raw(r, &len, 1) != MD_OK) return MD_ERR;
    switch (len) {
    case 255: *d = -__builtin_inf(); return MD_OK;
    case 254: *d = __builtin_inf(); return MD_OK;
    case 253: *d = __builtin_nan(""); return MD_OK;
    default:
        if (md_rdb_load_raw(r, buf, len) != MD_OK) return MD_ERR;
        buf[len] = '\0';
        return sscanf(buf, "%lg", d) == 1 ? MD_OK : MD_ERR;
    }
}

/* Types 3 and 5: member by member into a skiplist. */
static void *load_pairs(md_rdb_t *r, int type)
{
    uint64_t len;
    size_t maxlen = 0, totlen = 0;
    zsl_t *zsl;
    void *z;

    if (md_rdb_load_len(r, &len) != MD_OK) return fail(r, NULL, "zsets: truncated zset length");
    if (len == 0) return empty(r);
    zsl = zsl_new(len < 65536 ? len : 65536);
    z = zv_from_skiplist(zsl);
    while (len--) {
        size_t n;
        double score;
        char *m = md_rdb_load_string(r, &n);
        if (m == NULL) return fail(r, z, "zsets: truncated zset member");
        if ((type == RDB_ZSET_2 ? md_rdb_load_double(r, &score)
                                : load_ascii_double(r, &score)) != MD_OK) {
            md_free(m);
            return fail(r, z, "zsets: truncated or bad zset score");
        }
        if (score != score || zsl_find(zsl, m, n)) {
            md_free(m);
            return fail(r, z, score != score ? "zsets: zset with NAN score detected"
                                             : "zsets: duplicate zset fields detected");
        }
        zsl_insert(zsl, score, m, n);
        md_free(m);
        totlen += n;
        if (n > maxlen) maxlen = n;
    }
    zv_maybe_to_listpack(&z, maxlen, totlen);
    return z;
}

/* Types 12 and 17: one blob. */
static void *load_blob(md_rdb_t *r, int type)
{
    size_t n, maxlen;
    unsigned char *blob = md_rdb_load_string(r, &n);
    md_lp_t *lp;
    void *z;

    if (blob == NULL) return fail(r, NULL, "zsets: truncated zset blob");
    if (type == RDB_ZSET_ZIPLIST)
        lp = md_lp_from_ziplist(blob, n);
    else
        lp = md_lp_validate(blob, n) == MD_OK ? md_lp_dup(blob) : NULL;
    md_free(blob);
    if (lp == NULL) return fail(r, NULL, "zsets: corrupt zset listpack");
    if (zlp_check(lp, &maxlen) != MD_OK) {
        md_lp_free(lp);
        return fail(r, NULL, "zsets: corrupt zset listpack (pairs, scores, order or "
                             "duplicate members)");
    }
    if (md_lp_count(lp) == 0) {
        md_lp_free(lp);
        return empty(r);
    }
    z = zv_from_listpack(lp);
    if ((long long)zv_len(z) > zv_max_entries) zv_to_skiplist(&z);
    return z;
}

void *zsets_rdb_load(md_rdb_t *r, int type)
{
    switch (type) {
    case RDB_ZSET:
    case RDB_ZSET_2:
        return load_pairs(r, type);
    case RDB_ZSET_ZIPLIST:
    case RDB_ZSET_LISTPACK:
        return load_blob(r, type);
    default:
        return fail(r, NULL, "zsets: unknown RDB type for a zset");
    }
}

/* DEBUG LISTPACK / HTSTATS-KEY: the listpack of a small set, the member
 * table of a skiplist one (NULL: not represented that way). */
static char *z_debug_repr(const void *z, const char *what, int detail)
{
    if (!strcmp(what, "listpack")) return zv_enc(z) == ZV_LP ? md_lp_repr(zv_lp(z)) : NULL;
    if (!strcmp(what, "htstats"))
        return zv_enc(z) == ZV_SL ? md_ht_stats(zv_sl(z)->ht, detail) : NULL;
    return NULL;
}

const md_type_ops_t zsets_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = ZSETS_LAYOUT_VERSION,
    .free = zv_free,
    .free_effort = z_free_effort,
    .copy = zv_dup,
    .mem_usage = zv_mem,
    .digest = z_digest,
    .encoding = zv_encoding_name,
    .rdb_type = zsets_rdb_type,
    .rdb_save = zsets_rdb_save,
    .rdb_load = zsets_rdb_load,
    .aof_rewrite = z_aof_rewrite,
    .debug_repr = z_debug_repr,
};
