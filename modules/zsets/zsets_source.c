/*
 * zsets_source.c — the inputs of the set operations (zsets_source.h).
 * "set.v1" is optional: it is imported the first time a key of another
 * module's type is met (a set key can only exist while the sets module is
 * loaded), which also records the dependency from then on.
 */
#include "zsets_source.h"
#include "zsets.h"

static const md_set_v1_t *set_svc;

static const md_set_v1_t *set_service(void)
{
    if (set_svc == NULL) set_svc = md_service_import(MD_SERVICE_SET, 1);
    return set_svc;
}

void zsrc_rebind(void) { set_svc = NULL; }

int zsrc_open(md_ctx_t *c, md_arg_t key, zsrc_t *s)
{
    md_key_t *k = md_key_open(c, key, MD_READ);
    const md_type_t *t = md_key_type(k);

    s->value = NULL;
    s->set = NULL;
    s->weight = 1.0;
    if (t == NULL) return MD_OK;
    if (t != zsets_type) {
        s->set = set_service();
        if (s->set == NULL || t != s->set->type) return MD_ERR;
    }
    s->value = md_key_value(k);
    return MD_OK;
}

size_t zsrc_len(const zsrc_t *s)
{
    if (s->value == NULL) return 0;
    return s->set ? s->set->card(s->value) : zv_len(s->value);
}

typedef struct set_walk {
    zsrc_fn fn;
    void *priv;
} set_walk_t;

/* set.v1 stops on non-zero; zsrc_fn on zero. */
static int set_member(void *priv, md_arg_t m)
{
    set_walk_t *w = priv;
    return !w->fn(w->priv, m.ptr, m.len, 1.0);
}

void zsrc_each(const zsrc_t *s, zsrc_fn fn, void *priv)
{
    zv_iter_t it;
    int ok;

    if (s->value == NULL) return;
    if (s->set) {
        set_walk_t w = {fn, priv};
        s->set->each(s->value, set_member, &w);
        return;
    }
    for (ok = zv_iter_rank(&it, s->value, 0, 0); ok; ok = zv_iter_next(&it)) {
        zelem_t e;
        char buf[ZE_BUF];
        zv_iter_get(&it, &e);
        md_arg_t m = ze_member(&e, buf);
        if (!fn(priv, m.ptr, m.len, e.score)) return;
    }
}

int zsrc_find(const zsrc_t *s, const char *m, size_t n, double *score)
{
    if (s->value == NULL) return 0;
    if (s->set) {
        *score = 1.0;
        return s->set->contains(s->value, m, n);
    }
    return zv_score(s->value, m, n, score);
}
