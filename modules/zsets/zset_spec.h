/*
 * zset_spec.h — what both encodings of a sorted set share: an element as
 * read out of either (zelem_t), score and lexicographic ranges as the
 * commands take them (ZRANGEBYSCORE min max, ZRANGEBYLEX min max), and
 * the order of members: score first, then the member bytes (memcmp, then
 * length). Header-only.
 */
#ifndef ZSET_SPEC_H
#define ZSET_SPEC_H

#include <stddef.h>
#include <string.h>
#include "modis.h"

/* One element: the member as bytes (p, n), or as the integer ll when p is
 * NULL (listpacks store canonical integers as integers), and its score.
 * Views point into the sorted set and die at its next change. */
typedef struct zelem {
    const char *p;
    size_t n;
    long long ll;
    double score;
} zelem_t;

#define ZE_BUF MD_LL_BUF /* room for an integer member in decimal */

/* The member bytes of e; integers are formatted into buf (ZE_BUF). */
static inline md_arg_t ze_member(const zelem_t *e, char *buf)
{
    md_arg_t a;
    if (e->p) {
        a.ptr = e->p;
        a.len = e->n;
    } else {
        a.ptr = buf;
        a.len = md_ll2str_inline(buf, e->ll);
    }
    return a;
}

/* A score range: min/max with exclusive flags (Redis's zrangespec). */
typedef struct zrange {
    double min, max;
    int minex, maxex;
} zrange_t;

/* A lexicographic range: two SDK bounds. */
typedef struct zlex {
    md_lex_bound_t min, max;
} zlex_t;

static inline int zr_gte_min(double v, const zrange_t *r)
{
    return r->minex ? v > r->min : v >= r->min;
}
static inline int zr_lte_max(double v, const zrange_t *r)
{
    return r->maxex ? v < r->max : v <= r->max;
}
/* No score can lie in r. */
static inline int zr_empty(const zrange_t *r)
{
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

/* Member order: memcmp on the common prefix, then the shorter first. */
static inline int zs_memcmp(const void *a, size_t an, const void *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

/* (score a, member a) against (score b, member b): < 0, 0, > 0. */
static inline int zs_cmp(double as, const void *a, size_t an, double bs,
                         const void *b, size_t bn)
{
    if (as < bs) return -1;
    if (as > bs) return 1;
    return zs_memcmp(a, an, b, bn);
}

#endif /* ZSET_SPEC_H */
