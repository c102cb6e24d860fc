/*
 * zsets_service.c — the "zset.v1" service (md_zset_v1_t in modis.h):
 * sorted sets for other modules (geo stores its points in them, SORT
 * reads them). Values keep the module's encoding rules: an add through
 * the service converts exactly as ZADD does. Events, the dirty counter
 * and WATCH are the caller's, as for any command of its own.
 */
#include "zsets_service.h"
#include "zsets.h"

_Static_assert(MD_ZSET_NX == ZADD_IN_NX && MD_ZSET_XX == ZADD_IN_XX &&
                   MD_ZSET_GT == ZADD_IN_GT && MD_ZSET_LT == ZADD_IN_LT &&
                   MD_ZSET_INCR == ZADD_IN_INCR,
               "zset.v1 flags are ZADD's");
_Static_assert(MD_ZSET_NOP == ZADD_OUT_NOP && MD_ZSET_ADDED == ZADD_OUT_ADDED &&
                   MD_ZSET_UPDATED == ZADD_OUT_UPDATED,
               "zset.v1 results are ZADD's");

static size_t s_len(const void *z) { return zv_len(z); }

static int s_score(const void *z, md_arg_t m, double *score)
{
    return zv_score((void *)z, m.ptr, m.len, score);
}

static long long s_rank(const void *z, md_arg_t m, int rev)
{
    return zv_rank((void *)z, m.ptr, m.len, rev, NULL);
}

static int s_add(md_key_t *k, md_arg_t m, double score, int flags, int *result,
                 double *newscore)
{
    const md_type_t *t = md_key_type(k);
    void *stored = t ? md_key_value(k) : NULL, *z = stored;
    int out;

    if (t && t != zsets_type) return MD_ERR;
    if (z == NULL) {
        if (flags & ZADD_IN_XX) {
            *result = MD_ZSET_NOP;
            return MD_OK;
        }
        z = zv_new(1, m.len);
    }
    if (!zv_add(&z, score, m.ptr, m.len, flags & 0x1f, &out, newscore)) {
        if (stored == NULL) zv_free(z);
        return MD_ERR;
    }
    *result = out & (ZADD_OUT_NOP | ZADD_OUT_ADDED | ZADD_OUT_UPDATED);
    if (stored == NULL && zv_len(z) == 0) zv_free(z);
    else if (stored == NULL) md_key_set(k, zsets_type, z, 0);
    else if (z != stored) md_key_replace_value(k, z);
    return MD_OK;
}

static int s_remove(md_key_t *k, md_arg_t m)
{
    void *stored, *z;

    if (md_key_type(k) != zsets_type) return 0;
    stored = z = md_key_value(k);
    if (!zv_del(&z, m.ptr, m.len)) return 0;
    if (z != stored) md_key_replace_value(k, z);
    if (zv_len(z) == 0) md_key_delete(k);
    return 1;
}

static int visit(const zv_iter_t *it, md_zset_visit_fn fn, void *priv)
{
    zelem_t e;
    char buf[ZE_BUF];
    zv_iter_get(it, &e);
    return fn(priv, ze_member(&e, buf), e.score);
}

static size_t s_range_score(const void *z, double min, int minex, double max,
                            int maxex, int rev, size_t offset, long long limit,
                            md_zset_visit_fn fn, void *priv)
{
    zrange_t r = {min, max, minex, maxex};
    zv_iter_t it;
    size_t n = 0;
    int ok = zv_iter_score(&it, (void *)z, &r, rev) && zv_iter_skip(&it, offset);

    for (; ok && limit != 0; ok = zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        if (rev ? !zr_gte_min(e.score, &r) : !zr_lte_max(e.score, &r)) break;
        n++;
        if (limit > 0) limit--;
        if (!visit(&it, fn, priv)) break;
    }
    return n;
}

static size_t s_range_rank(const void *z, long long start, long long end, int rev,
                           md_zset_visit_fn fn, void *priv)
{
    zv_iter_t it;
    size_t n = 0;

    if (!md_range(&start, &end, (long long)zv_len(z), MD_RANGE_LIST)) return 0;
    zv_iter_rank(&it, (void *)z, (unsigned long)start, rev);
    for (long long i = start; i <= end; i++, zv_iter_next(&it)) {
        n++;
        if (!visit(&it, fn, priv)) break;
    }
    return n;
}

static md_zset_v1_t table = {
    .size = sizeof(md_zset_v1_t),
    .len = s_len,
    .score = s_score,
    .rank = s_rank,
    .add = s_add,
    .remove = s_remove,
    .range_score = s_range_score,
    .range_rank = s_range_rank,
};

int zsets_service_export(void)
{
    table.type = zsets_type;
    return md_service_export(MD_SERVICE_ZSET, 1, &table);
}
