/*
 * zset_skiplist.c — the "skiplist" encoding (see zset_skiplist.h for the
 * layout and the invariants). Levels are drawn with p = 1/4 up to 32, as
 * Redis does, from the server's random generator; every search walks from
 * the highest level down, accumulating spans where a rank is wanted.
 */
#include <string.h>
#include "zset_skiplist.h"

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

static md_arg_t node_key(const void *e)
{
    md_arg_t a;
    a.ptr = zsl_member(e, &a.len);
    return a;
}

static const md_ht_type_t node_type = {
    .size = sizeof(md_ht_type_t),
    .link_offset = offsetof(zsl_node_t, link),
    .key = node_key,
    .free = NULL,           /* nodes are freed by the list */
    .mem = NULL,
};

/* 1..ZSL_MAXLEVEL, P(level > k) = 4^-k. */
static int random_level(void)
{
    uint64_t r = md_rand();
    int level = 1;
    while (level < ZSL_MAXLEVEL && (r & 3) == 0) {
        level++;
        r >>= 2;
    }
    return level;
}

static zsl_node_t *node_new(int height, double score, const void *m, size_t n)
{
    int big = n >= UINT32_MAX;
    size_t sz = sizeof(zsl_node_t) + (size_t)height * sizeof(zsl_level_t) +
                (big ? sizeof(size_t) : 0) + n;
    zsl_node_t *x = md_alloc(sz);
    char *p = (char *)&x->level[height];

    x->link.next = NULL;
    x->score = score;
    x->backward = NULL;
    x->height = (uint32_t)height;
    x->len = big ? UINT32_MAX : (uint32_t)n;
    if (big) {
        memcpy(p, &n, sizeof n);
        p += sizeof n;
    }
    if (n) memcpy(p, m, n);
    return x;
}

/* Does node x sort before (score, m)? */
static inline int node_lt(const zsl_node_t *x, double score, const void *m, size_t n)
{
    size_t xn;
    const char *xm;
    if (x->score != score) return x->score < score;
    xm = zsl_member(x, &xn);
    return zs_memcmp(xm, xn, m, n) < 0;
}

/* ------------------------------------------------------------------ */
/* Whole lists                                                         */
/* ------------------------------------------------------------------ */

zsl_t *zsl_new(size_t hint)
{
    zsl_t *zsl = md_alloc(sizeof *zsl);
    zsl->header = node_new(ZSL_MAXLEVEL, 0, NULL, 0);
    for (int i = 0; i < ZSL_MAXLEVEL; i++) {
        zsl->header->level[i].forward = NULL;
        zsl->header->level[i].span = 0;
    }
    zsl->tail = NULL;
    zsl->length = 0;
    zsl->level = 1;
    zsl->ht = md_ht_new(&node_type, hint);
    return zsl;
}

void zsl_free(zsl_t *zsl)
{
    zsl_node_t *x = zsl_first(zsl);
    md_ht_free(zsl->ht);    /* first: it walks its chains, which are in the nodes */
    while (x) {
        zsl_node_t *next = x->level[0].forward;
        md_free(x);
        x = next;
    }
    md_free(zsl->header);
    md_free(zsl);
}

size_t zsl_mem(const zsl_t *zsl)
{
    return md_usable(zsl) + md_usable(zsl->header) + md_ht_mem(zsl->ht);
}

zsl_node_t *zsl_find(zsl_t *zsl, const void *m, size_t n)
{
    return md_ht_find(zsl->ht, m, n);
}

/* ------------------------------------------------------------------ */
/* Linking and unlinking                                               */
/* ------------------------------------------------------------------ */

/* Link node x (its height set, not linked yet) at its place. */
static void link_node(zsl_t *zsl, zsl_node_t *x)
{
    zsl_node_t *update[ZSL_MAXLEVEL], *p = zsl->header;
    unsigned long rank[ZSL_MAXLEVEL];
    size_t n;
    const char *m = zsl_member(x, &n);
    int i, height = (int)x->height;

    for (i = zsl->level - 1; i >= 0; i--) {
        rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
        while (p->level[i].forward && node_lt(p->level[i].forward, x->score, m, n)) {
            rank[i] += p->level[i].span;
            p = p->level[i].forward;
        }
        update[i] = p;
    }
    if (height > zsl->level) {
        for (i = zsl->level; i < height; i++) {
            rank[i] = 0;
            update[i] = zsl->header;
            update[i]->level[i].span = zsl->length;
        }
        zsl->level = height;
    }
    for (i = 0; i < height; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    for (i = height; i < zsl->level; i++) update[i]->level[i].span++;
    x->backward = update[0] == zsl->header ? NULL : update[0];
    if (x->level[0].forward)
        x->level[0].forward->backward = x;
    else
        zsl->tail = x;
    zsl->length++;
}

/* The predecessors of node x at every level. */
static void find_update(const zsl_t *zsl, const zsl_node_t *x,
                        zsl_node_t **update)
{
    zsl_node_t *p = zsl->header;
    size_t n;
    const char *m = zsl_member(x, &n);
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward && p->level[i].forward != x &&
               node_lt(p->level[i].forward, x->score, m, n))
            p = p->level[i].forward;
        update[i] = p;
    }
}

/* Unlink x, whose predecessors are update[]; the node is not freed. */
static void unlink_node(zsl_t *zsl, zsl_node_t *x, zsl_node_t **update)
{
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span -= 1;
        }
    }
    if (x->level[0].forward)
        x->level[0].forward->backward = x->backward;
    else
        zsl->tail = x->backward;
    while (zsl->level > 1 && zsl->header->level[zsl->level - 1].forward == NULL)
        zsl->level--;
    zsl->length--;
}

/* Drop an unlinked node from the table and free it. */
static void drop_node(zsl_t *zsl, zsl_node_t *x)
{
    size_t n;
    const char *m = zsl_member(x, &n);
    md_ht_unlink(zsl->ht, m, n);
    md_free(x);
}

zsl_node_t *zsl_ht_add(zsl_t *zsl, double score, const void *m, size_t n)
{
    zsl_node_t *x = node_new(random_level(), score, m, n);
    md_ht_add_new(zsl->ht, x);
    return x;
}

void zsl_link(zsl_t *zsl, zsl_node_t *x) { link_node(zsl, x); }

zsl_node_t *zsl_insert(zsl_t *zsl, double score, const void *m, size_t n)
{
    zsl_node_t *x = zsl_ht_add(zsl, score, m, n);
    link_node(zsl, x);
    return x;
}

void zsl_delete(zsl_t *zsl, zsl_node_t *x)
{
    zsl_node_t *update[ZSL_MAXLEVEL];
    find_update(zsl, x, update);
    unlink_node(zsl, x, update);
    drop_node(zsl, x);
}

/* As Redis's zslUpdateScore: in place when the node keeps its position
 * (strictly between its neighbours' scores), else unlinked and linked
 * again at the new place (same node, same height, same table entry). */
void zsl_update_score(zsl_t *zsl, zsl_node_t *x, double score)
{
    zsl_node_t *update[ZSL_MAXLEVEL];

    if ((x->backward == NULL || x->backward->score < score) &&
        (x->level[0].forward == NULL || x->level[0].forward->score > score)) {
        x->score = score;
        return;
    }
    find_update(zsl, x, update);
    unlink_node(zsl, x, update);
    x->score = score;
    link_node(zsl, x);
}

/* ------------------------------------------------------------------ */
/* Ranks                                                               */
/* ------------------------------------------------------------------ */

unsigned long zsl_rank(const zsl_t *zsl, const zsl_node_t *x)
{
    const zsl_node_t *p = zsl->header;
    unsigned long rank = 0;
    size_t n;
    const char *m = zsl_member(x, &n);

    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward &&
               (p->level[i].forward == x ||
                node_lt(p->level[i].forward, x->score, m, n))) {
            rank += p->level[i].span;
            p = p->level[i].forward;
        }
        if (p == x) return rank;
    }
    return 0;
}

zsl_node_t *zsl_by_rank(const zsl_t *zsl, unsigned long r)
{
    zsl_node_t *p = zsl->header;
    unsigned long traversed = 0;

    if (r == 0 || r > zsl->length) return NULL;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward && traversed + p->level[i].span <= r) {
            traversed += p->level[i].span;
            p = p->level[i].forward;
        }
        if (traversed == r) return p;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Ranges                                                              */
/* ------------------------------------------------------------------ */

static int sl_in_range(const zsl_t *zsl, const zrange_t *r)
{
    if (zr_empty(r) || zsl->tail == NULL) return 0;
    return zr_gte_min(zsl->tail->score, r) && zr_lte_max(zsl_first(zsl)->score, r);
}

static int lex_gte(const zsl_node_t *x, const zlex_t *r)
{
    size_t n;
    const char *m = zsl_member(x, &n);
    return md_lex_gte_min(m, n, &r->min);
}

static int lex_lte(const zsl_node_t *x, const zlex_t *r)
{
    size_t n;
    const char *m = zsl_member(x, &n);
    return md_lex_lte_max(m, n, &r->max);
}

static int sl_in_lex(const zsl_t *zsl, const zlex_t *r)
{
    if (md_lex_range_empty(&r->min, &r->max) || zsl->tail == NULL) return 0;
    return lex_gte(zsl->tail, r) && lex_lte(zsl_first(zsl), r);
}

zsl_node_t *zsl_first_in_range(const zsl_t *zsl, const zrange_t *r)
{
    zsl_node_t *p = zsl->header;
    if (!sl_in_range(zsl, r)) return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (p->level[i].forward && !zr_gte_min(p->level[i].forward->score, r))
            p = p->level[i].forward;
    p = p->level[0].forward;
    return p && zr_lte_max(p->score, r) ? p : NULL;
}

zsl_node_t *zsl_last_in_range(const zsl_t *zsl, const zrange_t *r)
{
    zsl_node_t *p = zsl->header;
    if (!sl_in_range(zsl, r)) return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (p->level[i].forward && zr_lte_max(p->level[i].forward->score, r))
            p = p->level[i].forward;
    return p != zsl->header && zr_gte_min(p->score, r) ? p : NULL;
}

zsl_node_t *zsl_first_in_lex(const zsl_t *zsl, const zlex_t *r)
{
    zsl_node_t *p = zsl->header;
    if (!sl_in_lex(zsl, r)) return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (p->level[i].forward && !lex_gte(p->level[i].forward, r))
            p = p->level[i].forward;
    p = p->level[0].forward;
    return p && lex_lte(p, r) ? p : NULL;
}

zsl_node_t *zsl_last_in_lex(const zsl_t *zsl, const zlex_t *r)
{
    zsl_node_t *p = zsl->header;
    if (!sl_in_lex(zsl, r)) return NULL;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (p->level[i].forward && lex_lte(p->level[i].forward, r))
            p = p->level[i].forward;
    return p != zsl->header && lex_gte(p, r) ? p : NULL;
}

/* Delete from update[0]'s successor on while keep(node) holds. */
static unsigned long delete_while(zsl_t *zsl, zsl_node_t **update,
                                  int (*keep)(const zsl_node_t *, const void *),
                                  const void *arg)
{
    zsl_node_t *x = update[0]->level[0].forward;
    unsigned long removed = 0;
    while (x && keep(x, arg)) {
        zsl_node_t *next = x->level[0].forward;
        unlink_node(zsl, x, update);
        drop_node(zsl, x);
        removed++;
        x = next;
    }
    return removed;
}

static int score_lte(const zsl_node_t *x, const void *r) { return zr_lte_max(x->score, r); }
static int lex_lte_cb(const zsl_node_t *x, const void *r) { return lex_lte(x, r); }

unsigned long zsl_delete_range_score(zsl_t *zsl, const zrange_t *r)
{
    zsl_node_t *update[ZSL_MAXLEVEL], *p = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward && !zr_gte_min(p->level[i].forward->score, r))
            p = p->level[i].forward;
        update[i] = p;
    }
    return delete_while(zsl, update, score_lte, r);
}

unsigned long zsl_delete_range_lex(zsl_t *zsl, const zlex_t *r)
{
    zsl_node_t *update[ZSL_MAXLEVEL], *p = zsl->header;
    if (md_lex_range_empty(&r->min, &r->max)) return 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward && !lex_gte(p->level[i].forward, r))
            p = p->level[i].forward;
        update[i] = p;
    }
    return delete_while(zsl, update, lex_lte_cb, r);
}

unsigned long zsl_delete_range_rank(zsl_t *zsl, unsigned long start,
                                    unsigned long end)
{
    zsl_node_t *update[ZSL_MAXLEVEL], *p = zsl->header, *x;
    unsigned long traversed = 0, removed = 0;

    for (int i = zsl->level - 1; i >= 0; i--) {
        while (p->level[i].forward && traversed + p->level[i].span < start) {
            traversed += p->level[i].span;
            p = p->level[i].forward;
        }
        update[i] = p;
    }
    traversed++;
    x = p->level[0].forward;
    while (x && traversed <= end) {
        zsl_node_t *next = x->level[0].forward;
        unlink_node(zsl, x, update);
        drop_node(zsl, x);
        removed++;
        traversed++;
        x = next;
    }
    return removed;
}

/* ------------------------------------------------------------------ */
/* Invariants                                                          */
/* ------------------------------------------------------------------ */

int zsl_check(const zsl_t *zsl)
{
    const zsl_node_t *prev = NULL, *x;
    unsigned long count = 0;

    for (x = zsl_first(zsl); x; x = x->level[0].forward) {
        size_t n, pn;
        const char *m = zsl_member(x, &n);
        count++;
        if (x->backward != prev) return 1;
        if (prev) {
            const char *pm = zsl_member(prev, &pn);
            if (zs_cmp(prev->score, pm, pn, x->score, m, n) >= 0) return 2;
        }
        if (md_ht_find(zsl->ht, m, n) != x) return 3;
        if (x->score != x->score) return 4;
        prev = x;
    }
    if (count != zsl->length || zsl->tail != prev) return 5;
    if (md_ht_len(zsl->ht) != zsl->length) return 6;
    for (int i = 0; i < zsl->level; i++) {
        const zsl_node_t *p = zsl->header;
        unsigned long rp = 0;
        while (p) {
            const zsl_node_t *f = p->level[i].forward;
            unsigned long rf = f ? zsl_rank(zsl, f) : zsl->length;
            if (p->level[i].span != rf - rp) return 7;
            if (f && (int)f->height <= i) return 8;
            p = f;
            rp = rf;
        }
    }
    if (zsl->level > 1 && zsl->header->level[zsl->level - 1].forward == NULL) return 9;
    return 0;
}
