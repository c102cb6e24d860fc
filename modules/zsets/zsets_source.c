/*
 * zsets_source.c — the inputs of the set operations (zsets_source.h).
 */
#include "zsets_source.h"
#include "zsets.h"

int zsrc_open(md_ctx_t *c, md_arg_t key, zsrc_t *s)
{
    md_key_t *k = md_key_open(c, key, MD_READ);
    const md_type_t *t = md_key_type(k);

    s->value = NULL;
    s->weight = 1.0;
    if (t == NULL) return MD_OK;
    if (t != zsets_type) return MD_ERR;
    s->value = md_key_value(k);
    return MD_OK;
}

size_t zsrc_len(const zsrc_t *s)
{
    return s->value ? zv_len(s->value) : 0;
}

void zsrc_each(const zsrc_t *s, zsrc_fn fn, void *priv)
{
    zv_iter_t it;
    int ok = s->value ? zv_iter_rank(&it, s->value, 0, 0) : 0;
    for (; ok; ok = zv_iter_next(&it)) {
        zelem_t e;
        char buf[ZE_BUF];
        zv_iter_get(&it, &e);
        md_arg_t m = ze_member(&e, buf);
        if (!fn(priv, m.ptr, m.len, e.score)) return;
    }
}

int zsrc_find(const zsrc_t *s, const char *m, size_t n, double *score)
{
    return s->value ? zv_score(s->value, m, n, score) : 0;
}
