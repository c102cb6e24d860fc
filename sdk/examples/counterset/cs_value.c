/*
 * cs_value.c — the counterset value (see cs_value.h for the layout and
 * its invariants). Lookups are linear: a counterset is meant to be small
 * (its capacity is the number of "top" members one wants to track, by
 * default 100), and a sorted array keeps CS.TOP, RDB and AOF output in
 * order for free.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cs_value.h"

/* Order of two entries: < 0 when a comes first (higher count, then
 * smaller member bytes). */
static int entry_cmp(long long ca, const void *ma, size_t la,
                     long long cb, const void *mb, size_t lb)
{
    if (ca != cb) return ca > cb ? -1 : 1;
    size_t n = la < lb ? la : lb;
    int r = n ? memcmp(ma, mb, n) : 0;
    if (r) return r;
    return la < lb ? -1 : la > lb;
}

static int before(const cs_entry_t *a, const cs_entry_t *b)
{
    return entry_cmp(a->count, a->member, a->len, b->count, b->member, b->len) < 0;
}

static cs_entry_t *entry_new(const void *member, size_t len, long long count)
{
    cs_entry_t *e = md_alloc(sizeof(*e) + len);
    e->count = count;
    e->len = (uint32_t)len;
    if (len) memcpy(e->member, member, len);
    return e;
}

cs_value_t *cs_new(uint32_t cap)
{
    cs_value_t *v = md_alloc(sizeof(*v));
    v->cap = cap;
    v->n = 0;
    v->alloc = 0;
    v->e = NULL;
    return v;
}

void cs_free(cs_value_t *v)
{
    for (uint32_t i = 0; i < v->n; i++) md_free(v->e[i]);
    md_free(v->e);
    md_free(v);
}

cs_value_t *cs_dup(const cs_value_t *v)
{
    cs_value_t *d = cs_new(v->cap);
    d->alloc = v->n;
    d->e = md_alloc(sizeof(*d->e) * (v->n ? v->n : 1));
    for (uint32_t i = 0; i < v->n; i++)
        d->e[i] = entry_new(v->e[i]->member, v->e[i]->len, v->e[i]->count);
    d->n = v->n;
    return d;
}

size_t cs_mem_usage(const cs_value_t *v)
{
    size_t n = md_usable(v);
    if (v->e) n += md_usable(v->e);
    for (uint32_t i = 0; i < v->n; i++) n += md_usable(v->e[i]);
    return n;
}

long cs_find(const cs_value_t *v, const void *member, size_t len)
{
    for (uint32_t i = 0; i < v->n; i++)
        if (v->e[i]->len == len && (len == 0 || memcmp(v->e[i]->member, member, len) == 0))
            return (long)i;
    return -1;
}

/* Make room for one more slot (never more than cap). */
static void reserve_one(cs_value_t *v)
{
    if (v->n < v->alloc) return;
    uint32_t want = v->alloc ? v->alloc * 2 : 4;
    if (want > v->cap) want = v->cap;
    v->e = md_realloc(v->e, sizeof(*v->e) * want);
    v->alloc = want;
}

/* e[i] grew: move it towards the front until the order holds again. */
static void sift_up(cs_value_t *v, uint32_t i)
{
    cs_entry_t *x = v->e[i];
    while (i > 0 && before(x, v->e[i - 1])) {
        v->e[i] = v->e[i - 1];
        i--;
    }
    v->e[i] = x;
}

int cs_incr(cs_value_t *v, const void *member, size_t len, long long by,
            long long *count, int *evicted)
{
    long i = cs_find(v, member, len);
    *evicted = 0;
    if (i >= 0) {
        cs_entry_t *e = v->e[i];
        if (e->count > LLONG_MAX - by) return MD_ERR;
        e->count += by;
        *count = e->count;
        sift_up(v, (uint32_t)i);
        return MD_OK;
    }
    if (v->n < v->cap) {
        reserve_one(v);
        v->e[v->n] = entry_new(member, len, by);
        *count = by;
        sift_up(v, v->n++);
        return MD_OK;
    }
    /* Full: the new member takes the place (and the count) of the last. */
    cs_entry_t *last = v->e[v->n - 1];
    if (last->count > LLONG_MAX - by) return MD_ERR;
    *count = last->count + by;
    md_free(last);
    v->e[v->n - 1] = entry_new(member, len, *count);
    *evicted = 1;
    sift_up(v, v->n - 1);
    return MD_OK;
}

int cs_append_sorted(cs_value_t *v, const void *member, size_t len,
                     long long count)
{
    if (count < 1 || v->n >= v->cap || len > UINT32_MAX) return MD_ERR;
    if (v->n) {
        const cs_entry_t *p = v->e[v->n - 1];
        if (entry_cmp(p->count, p->member, p->len, count, member, len) >= 0)
            return MD_ERR; /* out of order, or a duplicate member */
    }
    reserve_one(v);
    v->e[v->n++] = entry_new(member, len, count);
    return MD_OK;
}

static int by_member(const void *a, const void *b)
{
    const cs_entry_t *x = *(const cs_entry_t *const *)a;
    const cs_entry_t *y = *(const cs_entry_t *const *)b;
    return entry_cmp(0, x->member, x->len, 0, y->member, y->len);
}

int cs_check_unique(const cs_value_t *v)
{
    int rc = MD_OK;
    if (v->n < 2) return MD_OK;
    cs_entry_t **tmp = md_alloc(sizeof(*tmp) * v->n);
    memcpy(tmp, v->e, sizeof(*tmp) * v->n);
    qsort(tmp, v->n, sizeof(*tmp), by_member);
    for (uint32_t i = 1; i < v->n && rc == MD_OK; i++)
        if (by_member(&tmp[i - 1], &tmp[i]) == 0) rc = MD_ERR;
    md_free(tmp);
    return rc;
}
