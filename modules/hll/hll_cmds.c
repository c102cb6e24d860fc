/*
 * hll_cmds.c — PFADD, PFCOUNT and PFMERGE with Redis's semantics:
 *  - PFADD creates the key as an empty sparse value, replies 1 when any
 *    register changed (or the key was created), and invalidates the
 *    cached cardinality then;
 *  - PFCOUNT of one key answers from the cache when it is valid, else
 *    computes and stores it (changing the value, so it is propagated as
 *    Redis does, without a keyspace event); of several keys it counts
 *    their union without touching them;
 *  - PFMERGE merges every key given, the destination included, into the
 *    destination (dense as soon as one input is dense), and always
 *    signals a "pfadd" event.
 * Errors: WRONGTYPE for another type or a string that is not a
 * HyperLogLog, INVALIDOBJ for a corrupt sparse value; either leaves every
 * key as it was.
 */
#include <string.h>
#include "hll.h"
#include "hll_cmds.h"
#include "hll_repr.h"
#include "hll_value.h"

/* The signals after a HyperLogLog changed at v's key. */
static void changed(md_ctx_t *c, const hll_view_t *v, md_arg_t name,
                    long long dirty)
{
    md_key_modified(c, v->key);
    md_notify(c, MD_NOTIFY_STRING, "pfadd", name);
    md_dirty(c, dirty);
}

/* PFADD on a dense value, in place (dense updates cannot fail). Returns
 * the number of registers raised. */
static long long add_dense(const hll_view_t *v, int n, const md_arg_t *ele)
{
    uint8_t *p = hll_writable(v);
    long long updated = 0;
    long reg;

    for (int i = 0; i < n; i++) {
        unsigned count = hll_pattern(ele[i].ptr, ele[i].len, &reg);
        updated += hll_dense_update(p + HLL_HDR_SIZE, reg, count);
    }
    if (updated) hll_cache_invalidate(p);
    return updated;
}

/* PFADD on a sparse (or new) value, on a copy stored back on success.
 * Returns the number of changes (the creation counts), or -1 when the
 * value is corrupt. */
static long long add_sparse(const hll_view_t *v, int n, const md_arg_t *ele)
{
    hll_work_t w;
    long long updated = v->p == NULL;
    long reg;
    int r;

    hll_work_init(&w, v);
    for (int i = 0; i < n; i++) {
        unsigned count = hll_pattern(ele[i].ptr, ele[i].len, &reg);
        if ((r = hll_work_set(&w, reg, count)) < 0) {
            hll_work_free(&w);
            return -1;
        }
        updated += r;
    }
    if (updated) {
        hll_cache_invalidate(w.p);
        hll_store(v, w.p, w.len);
    }
    hll_work_free(&w);
    return updated;
}

/* PFADD key [element [element ...]] */
int hll_cmd_pfadd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hll_view_t v;
    long long updated;
    int st = hll_open(c, argv[1], MD_WRITE, &v);

    if (st < 0) return MD_OK;
    if (st == 1 && v.p[4] == HLL_DENSE)
        updated = add_dense(&v, argc - 2, argv + 2);
    else
        updated = add_sparse(&v, argc - 2, argv + 2);
    if (updated < 0) {
        md_reply_error(c, HLL_ERR_CORRUPT);
        return MD_OK;
    }
    if (updated) changed(c, &v, argv[1], updated);
    md_reply_int(c, updated ? 1 : 0);
    return MD_OK;
}

/* Fold the registers of the n keys argv[0..n) into max[] (zeroed by the
 * caller). *any_dense is set when one of them is dense. MD_ERR after
 * replying the first error, in key order. */
static int merge_keys(md_ctx_t *c, int n, const md_arg_t *argv, uint8_t *max,
                      int *any_dense)
{
    hll_view_t v;

    for (int i = 0; i < n; i++) {
        int st = hll_open(c, argv[i], MD_READ, &v);
        if (st < 0) return MD_ERR;
        if (st == 0) continue; /* a missing key is an empty HyperLogLog */
        if (v.p[4] == HLL_DENSE) *any_dense = 1;
        if (hll_merge_max(v.p, v.len, max) != 0) {
            md_reply_error(c, HLL_ERR_CORRUPT);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* PFCOUNT of one key: the cache, or the count stored into the cache. */
static void count_one(md_ctx_t *c, md_arg_t name)
{
    hll_view_t v;
    uint64_t card;
    int histo[64];
    int st = hll_open(c, name, MD_READ, &v);

    if (st <= 0) {
        if (st == 0) md_reply_int(c, 0);
        return;
    }
    if (!hll_cache_get(v.p, &card)) {
        if (hll_histogram(v.p, v.len, histo) != 0) {
            md_reply_error(c, HLL_ERR_CORRUPT);
            return;
        }
        card = hll_estimate(histo);
        /* Read-only for the caller, but the cache is part of the bytes
         * (the same key, just read: it opens as a HyperLogLog again). */
        if (hll_open(c, name, MD_WRITE, &v) == 1) {
            hll_cache_set(hll_writable(&v), card);
            md_key_modified(c, v.key);
            md_dirty(c, 1);
        }
    }
    md_reply_int(c, (long long)card);
}

/* PFCOUNT key [key ...] */
int hll_cmd_pfcount(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    uint8_t max[HLL_REGISTERS];
    int histo[64], any_dense = 0;

    if (argc == 2) {
        count_one(c, argv[1]);
        return MD_OK;
    }
    memset(max, 0, sizeof(max));
    if (merge_keys(c, argc - 1, argv + 1, max, &any_dense) != MD_OK)
        return MD_OK;
    hll_raw_histogram(max, histo);
    md_reply_int(c, (long long)hll_estimate(histo));
    return MD_OK;
}

/* PFMERGE destkey [sourcekey [sourcekey ...]] */
int hll_cmd_pfmerge(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    uint8_t max[HLL_REGISTERS];
    int any_dense = 0, r = 0;
    hll_view_t v;
    hll_work_t w;

    memset(max, 0, sizeof(max));
    if (merge_keys(c, argc - 1, argv + 1, max, &any_dense) != MD_OK)
        return MD_OK;
    /* The destination was checked with the sources. */
    hll_open(c, argv[1], MD_WRITE, &v);
    hll_work_init(&w, &v);
    if (any_dense) r = hll_work_to_dense(&w);
    for (long i = 0; i < HLL_REGISTERS && r >= 0; i++)
        if (max[i]) r = hll_work_set(&w, i, max[i]);
    if (r < 0) {
        hll_work_free(&w);
        md_reply_error(c, HLL_ERR_CORRUPT);
        return MD_OK;
    }
    hll_cache_invalidate(w.p);
    hll_store(&v, w.p, w.len);
    hll_work_free(&w);
    changed(c, &v, argv[1], 1);
    md_reply_ok(c);
    return MD_OK;
}
