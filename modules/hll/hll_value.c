/*
 * hll_value.c — HyperLogLog values at keys, through string.v1 (see
 * hll_value.h). The copy keeps HLL_SPARSE_SLACK spare bytes so that
 * hll_sparse_update() can always grow in place.
 */
#include <string.h>
#include "hll.h"
#include "hll_repr.h"
#include "hll_value.h"

int hll_open(md_ctx_t *c, md_arg_t name, int mode, hll_view_t *v)
{
    md_key_t *k = md_key_open(c, name, mode);
    const md_type_t *t = md_key_type(k);
    md_arg_t b;

    v->key = k;
    v->p = NULL;
    v->len = 0;
    if (t == NULL) return 0;
    if (t != hll_str->type) {
        md_reply_wrongtype(c);
        return -1;
    }
    b = hll_str->bytes(md_key_value(k), v->buf);
    if (!hll_is_hll((const uint8_t *)b.ptr, b.len)) {
        md_reply_error(c, HLL_ERR_NOT_HLL);
        return -1;
    }
    v->p = (const uint8_t *)b.ptr;
    v->len = b.len;
    return 1;
}

/* Make room for need bytes (doubling). */
static void work_reserve(hll_work_t *w, size_t need)
{
    if (need <= w->cap) return;
    w->cap = need > 2 * w->cap ? need : 2 * w->cap;
    w->p = md_realloc(w->p, w->cap);
}

void hll_work_init(hll_work_t *w, const hll_view_t *v)
{
    w->len = v->p ? v->len : HLL_SPARSE_INIT_SIZE;
    w->cap = w->len + HLL_SPARSE_SLACK;
    w->p = md_alloc(w->cap);
    if (v->p)
        memcpy(w->p, v->p, v->len);
    else
        hll_init_sparse(w->p);
}

void hll_work_free(hll_work_t *w)
{
    md_free(w->p);
    w->p = NULL;
}

int hll_work_to_dense(hll_work_t *w)
{
    uint8_t *d;

    if (w->p[4] == HLL_DENSE) return 0;
    d = md_alloc(HLL_DENSE_SIZE);
    if (hll_sparse_to_dense(w->p, w->len, d) != 0) {
        md_free(d);
        return -1;
    }
    md_free(w->p);
    w->p = d;
    w->len = w->cap = HLL_DENSE_SIZE;
    return 0;
}

int hll_work_set(hll_work_t *w, long reg, unsigned count)
{
    int r;

    if (w->p[4] == HLL_SPARSE) {
        work_reserve(w, w->len + HLL_SPARSE_SLACK);
        r = hll_sparse_update(w->p, &w->len, (size_t)hll_sparse_max_bytes, reg,
                              count);
        if (r != HLL_PROMOTE) return r;
        /* Too big a value, or no room left: Redis's promotion. */
        if (hll_work_to_dense(w) != 0) return -1;
    }
    return hll_dense_update(w->p + HLL_HDR_SIZE, reg, count);
}

void hll_store(const hll_view_t *v, const uint8_t *p, size_t len)
{
    uint8_t *dst;

    if (v->p == NULL) {
        md_key_set(v->key, hll_str->type, hll_str->create(p, len), 0);
        return;
    }
    dst = (uint8_t *)hll_str->resize(v->key, len);
    if (dst) memcpy(dst, p, len);
}

uint8_t *hll_writable(const hll_view_t *v)
{
    size_t cur;
    return (uint8_t *)hll_str->writable(v->key, v->len, &cur);
}
