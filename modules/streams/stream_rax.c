/*
 * stream_rax.c — the crit-bit radix tree of stream IDs (see
 * stream_rax.h). Inner nodes are tagged with the low pointer bit; the
 * bit they test only grows along a path. Ordered seeks walk the path of
 * the key once to find the leaf sharing its longest prefix, then once
 * more to the subtree where the key would branch off, and take that
 * subtree's edge or its neighbour's.
 */
#include "modis.h"
#include "stream_rax.h"

typedef struct srax_inner {
    void *child[2];
    unsigned bit;   /* 0..127, 0 = the most significant bit of ms */
} srax_inner_t;

#define IS_INNER(p) (((uintptr_t)(p)) & 1u)
#define INNER(p) ((srax_inner_t *)((uintptr_t)(p) & ~(uintptr_t)1))
#define TAG(p) ((void *)((uintptr_t)(p) | 1u))

int sid_incr(sid_t *id)
{
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return 0;
    }
    if (id->ms == UINT64_MAX) return -1;
    id->ms++;
    id->seq = 0;
    return 0;
}

int sid_decr(sid_t *id)
{
    if (id->seq != 0) {
        id->seq--;
        return 0;
    }
    if (id->ms == 0) return -1;
    id->ms--;
    id->seq = UINT64_MAX;
    return 0;
}

static unsigned bit_of(const sid_t *k, unsigned b)
{
    return b < 64 ? (unsigned)(k->ms >> (63 - b)) & 1u
                  : (unsigned)(k->seq >> (127 - b)) & 1u;
}

/* The first bit where a and b differ (they must differ). */
static unsigned crit_bit(const sid_t *a, const sid_t *b)
{
    if (a->ms != b->ms) return (unsigned)__builtin_clzll(a->ms ^ b->ms);
    return 64u + (unsigned)__builtin_clzll(a->seq ^ b->seq);
}

void srax_init(srax_t *t)
{
    t->root = NULL;
    t->count = 0;
}

static void clear_node(void *p, void (*free_val)(void *))
{
    if (IS_INNER(p)) {
        srax_inner_t *in = INNER(p);
        clear_node(in->child[0], free_val);
        clear_node(in->child[1], free_val);
        md_free(in);
        return;
    }
    if (free_val) free_val(((srax_leaf_t *)p)->val);
    md_free(p);
}

void srax_clear(srax_t *t, void (*free_val)(void *))
{
    if (t->root) clear_node(t->root, free_val);
    srax_init(t);
}

/* The leaf reached by following k's bits (the best prefix match). */
static srax_leaf_t *walk(const srax_t *t, const sid_t *k)
{
    void *p = t->root;
    while (IS_INNER(p)) {
        srax_inner_t *in = INNER(p);
        p = in->child[bit_of(k, in->bit)];
    }
    return p;
}

srax_leaf_t *srax_find(const srax_t *t, const sid_t *k)
{
    srax_leaf_t *l;
    if (t->root == NULL) return NULL;
    l = walk(t, k);
    return sid_cmp(&l->key, k) == 0 ? l : NULL;
}

srax_leaf_t *srax_insert(srax_t *t, const sid_t *k, void *val, srax_leaf_t **old)
{
    srax_leaf_t *nl, *l;
    srax_inner_t *in;
    void **where = &t->root;
    unsigned d = 0;

    if (t->root) {
        l = walk(t, k);
        if (sid_cmp(&l->key, k) == 0) {
            if (old) *old = l;
            return NULL;
        }
        d = crit_bit(&l->key, k);
        while (IS_INNER(*where) && INNER(*where)->bit < d)
            where = &INNER(*where)->child[bit_of(k, INNER(*where)->bit)];
    }
    nl = md_alloc(sizeof *nl);
    nl->key = *k;
    nl->val = val;
    if (t->root) {
        in = md_alloc(sizeof *in);
        in->bit = d;
        in->child[bit_of(k, d)] = nl;
        in->child[!bit_of(k, d)] = *where;
        *where = TAG(in);
    } else {
        t->root = nl;
    }
    t->count++;
    return nl;
}

int srax_remove(srax_t *t, const sid_t *k, void **val)
{
    void **where = &t->root, **parent = NULL;
    srax_inner_t *in = NULL;
    unsigned dir = 0;
    srax_leaf_t *l;

    if (t->root == NULL) return 0;
    while (IS_INNER(*where)) {
        parent = where;
        in = INNER(*where);
        dir = bit_of(k, in->bit);
        where = &in->child[dir];
    }
    l = *where;
    if (sid_cmp(&l->key, k) != 0) return 0;
    if (val) *val = l->val;
    md_free(l);
    if (parent == NULL) {
        t->root = NULL;
    } else {
        *parent = in->child[!dir];
        md_free(in);
    }
    t->count--;
    return 1;
}

static srax_leaf_t *edge(void *p, unsigned dir)
{
    while (IS_INNER(p)) p = INNER(p)->child[dir];
    return p;
}

srax_leaf_t *srax_first(const srax_t *t) { return t->root ? edge(t->root, 0) : NULL; }
srax_leaf_t *srax_last(const srax_t *t) { return t->root ? edge(t->root, 1) : NULL; }

/* The lowest key >= k (up = 1) or the highest key <= k (up = 0). */
static srax_leaf_t *seek_incl(const srax_t *t, const sid_t *k, unsigned up)
{
    void *p, *alt = NULL;
    srax_leaf_t *l;
    unsigned d;

    if (t->root == NULL) return NULL;
    l = walk(t, k);
    if (sid_cmp(&l->key, k) == 0) return l;
    d = crit_bit(&l->key, k);
    p = t->root;
    while (IS_INNER(p) && INNER(p)->bit < d) {
        unsigned dir = bit_of(k, INNER(p)->bit);
        /* The nearest subtree on the side we look toward. */
        if (dir != up) alt = INNER(p)->child[up];
        p = INNER(p)->child[dir];
    }
    /* Every key under p agrees with k above bit d and differs at d. */
    if (bit_of(k, d) != up) return edge(p, !up);
    return alt ? edge(alt, !up) : NULL;
}

srax_leaf_t *srax_seek(const srax_t *t, const sid_t *k, int op)
{
    sid_t x = *k;
    switch (op) {
    case SRAX_GT:
        if (sid_incr(&x) != 0) return NULL;
        /* fall through */
    case SRAX_GE:
        return seek_incl(t, &x, 1);
    case SRAX_LT:
        if (sid_decr(&x) != 0) return NULL;
        /* fall through */
    default:
        return seek_incl(t, &x, 0);
    }
}

size_t srax_mem(const srax_t *t)
{
    if (t->count == 0) return 0;
    return t->count * sizeof(srax_leaf_t) + (t->count - 1) * sizeof(srax_inner_t);
}
