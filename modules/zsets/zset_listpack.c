/*
 * zset_listpack.c — the "listpack" encoding (see zset_listpack.h). Every
 * operation is a linear walk over the pairs, as Redis's zzl* functions:
 * the encoding is only used for small sets (zset-max-listpack-entries).
 *
 * Uses only the memory and listpack parts of the SDK (and md_d2str), so
 * unit tests link it against a stand-in API table.
 */
#include <stdlib.h>
#include <string.h>
#include "zset_listpack.h"

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static void read_member(const unsigned char *ep, zelem_t *e)
{
    size_t n;
    long long ll;
    const unsigned char *s = md_lp_get(ep, &n, &ll);
    if (s) {
        e->p = (const char *)s;
        e->n = n;
        e->ll = 0;
    } else {
        e->p = NULL;
        e->n = 0;
        e->ll = ll;
    }
}

/* As Redis's zzlStrtod: at most 127 bytes, read by strtod. */
double zlp_score(const unsigned char *sp)
{
    size_t n;
    long long ll;
    char buf[128];
    const unsigned char *s = md_lp_get(sp, &n, &ll);
    if (s == NULL) return (double)ll;
    if (n > sizeof buf - 1) n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return strtod(buf, NULL);
}

void zlp_get(md_lp_t *lp, unsigned char *ep, zelem_t *e)
{
    read_member(ep, e);
    e->score = zlp_score(md_lp_next(lp, ep));
}

/* The entry at ep against m[0..n), as bytes (integers formatted). */
static int cmp_member(const unsigned char *ep, const void *m, size_t n)
{
    zelem_t e;
    char buf[ZE_BUF];
    read_member(ep, &e);
    md_arg_t a = ze_member(&e, buf);
    return zs_memcmp(a.ptr, a.len, m, n);
}

unsigned char *zlp_find(md_lp_t *lp, const void *m, size_t n, double *score)
{
    unsigned char *ep = md_lp_first(lp);
    if (ep == NULL) return NULL;
    ep = md_lp_find(lp, ep, m, n, 1);
    if (ep && score) *score = zlp_score(md_lp_next(lp, ep));
    return ep;
}

/* ------------------------------------------------------------------ */
/* Changing                                                            */
/* ------------------------------------------------------------------ */

md_lp_t *zlp_insert(md_lp_t *lp, double score, const void *m, size_t n)
{
    char sb[MD_D2STR_BUF];
    int sl = md_d2str(sb, sizeof sb, score);
    unsigned char *ep = md_lp_first(lp), *np;

    while (ep) {
        unsigned char *sp = md_lp_next(lp, ep);
        double s = zlp_score(sp);
        if (s > score || (s == score && cmp_member(ep, m, n) > 0)) break;
        ep = md_lp_next(lp, sp);
    }
    if (ep == NULL) {
        lp = md_lp_append(lp, m, n);
        return md_lp_append(lp, sb, (size_t)sl);
    }
    lp = md_lp_insert(lp, m, n, ep, MD_LP_BEFORE, &np);
    return md_lp_insert(lp, sb, (size_t)sl, np, MD_LP_AFTER, NULL);
}

md_lp_t *zlp_delete(md_lp_t *lp, unsigned char *ep)
{
    unsigned char *sp;
    lp = md_lp_delete(lp, ep, &sp);
    return md_lp_delete(lp, sp, NULL);
}

/* ------------------------------------------------------------------ */
/* Ranges                                                              */
/* ------------------------------------------------------------------ */

static int pack_in_range(md_lp_t *lp, const zrange_t *r)
{
    unsigned char *p;
    if (zr_empty(r)) return 0;
    p = md_lp_seek(lp, -1);
    if (p == NULL || !zr_gte_min(zlp_score(p), r)) return 0;
    return zr_lte_max(zlp_score(md_lp_seek(lp, 1)), r);
}

unsigned char *zlp_first_in_range(md_lp_t *lp, const zrange_t *r)
{
    unsigned char *ep;
    if (!pack_in_range(lp, r)) return NULL;
    for (ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep)) {
        double s = zlp_score(md_lp_next(lp, ep));
        if (zr_gte_min(s, r)) return zr_lte_max(s, r) ? ep : NULL;
    }
    return NULL;
}

unsigned char *zlp_last_in_range(md_lp_t *lp, const zrange_t *r)
{
    unsigned char *ep;
    if (!pack_in_range(lp, r)) return NULL;
    for (ep = md_lp_seek(lp, -2); ep; ep = zlp_prev(lp, ep)) {
        double s = zlp_score(md_lp_next(lp, ep));
        if (zr_lte_max(s, r)) return zr_gte_min(s, r) ? ep : NULL;
    }
    return NULL;
}

int zlp_lex_gte(const unsigned char *ep, const zlex_t *r)
{
    zelem_t e;
    char buf[ZE_BUF];
    read_member(ep, &e);
    md_arg_t a = ze_member(&e, buf);
    return md_lex_gte_min(a.ptr, a.len, &r->min);
}

int zlp_lex_lte(const unsigned char *ep, const zlex_t *r)
{
    zelem_t e;
    char buf[ZE_BUF];
    read_member(ep, &e);
    md_arg_t a = ze_member(&e, buf);
    return md_lex_lte_max(a.ptr, a.len, &r->max);
}

static int pack_in_lex(md_lp_t *lp, const zlex_t *r)
{
    unsigned char *p;
    if (md_lex_range_empty(&r->min, &r->max)) return 0;
    p = md_lp_seek(lp, -2);
    if (p == NULL || !zlp_lex_gte(p, r)) return 0;
    return zlp_lex_lte(md_lp_first(lp), r);
}

unsigned char *zlp_first_in_lex(md_lp_t *lp, const zlex_t *r)
{
    unsigned char *ep;
    if (!pack_in_lex(lp, r)) return NULL;
    for (ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep))
        if (zlp_lex_gte(ep, r)) return zlp_lex_lte(ep, r) ? ep : NULL;
    return NULL;
}

unsigned char *zlp_last_in_lex(md_lp_t *lp, const zlex_t *r)
{
    unsigned char *ep;
    if (!pack_in_lex(lp, r)) return NULL;
    for (ep = md_lp_seek(lp, -2); ep; ep = zlp_prev(lp, ep))
        if (zlp_lex_lte(ep, r)) return zlp_lex_gte(ep, r) ? ep : NULL;
    return NULL;
}

/* The index (in pairs) of the pair at ep. */
static long pair_index(md_lp_t *lp, const unsigned char *ep)
{
    long i = 0;
    for (unsigned char *p = md_lp_first(lp); p && p != ep; p = zlp_next(lp, p)) i++;
    return i;
}

md_lp_t *zlp_delete_range_score(md_lp_t *lp, const zrange_t *r,
                                unsigned long *deleted)
{
    unsigned char *ep = zlp_first_in_range(lp, r);
    unsigned long n = 0;
    long start;

    *deleted = 0;
    if (ep == NULL) return lp;
    start = pair_index(lp, ep);
    for (; ep && zr_lte_max(zlp_score(md_lp_next(lp, ep)), r); ep = zlp_next(lp, ep)) n++;
    *deleted = n;
    return md_lp_delete_range(lp, start * 2, n * 2);
}

md_lp_t *zlp_delete_range_lex(md_lp_t *lp, const zlex_t *r, unsigned long *deleted)
{
    unsigned char *ep = zlp_first_in_lex(lp, r);
    unsigned long n = 0;
    long start;

    *deleted = 0;
    if (ep == NULL) return lp;
    start = pair_index(lp, ep);
    for (; ep && zlp_lex_lte(ep, r); ep = zlp_next(lp, ep)) n++;
    *deleted = n;
    return md_lp_delete_range(lp, start * 2, n * 2);
}

md_lp_t *zlp_delete_range_rank(md_lp_t *lp, unsigned long start, unsigned long end)
{
    return md_lp_delete_range(lp, (long)start * 2, (end - start + 1) * 2);
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* A member for the duplicate check: its bytes, or an integer member
 * formatted into buf (own = 1; the pointer is taken at comparison time,
 * since sorting moves the views). */
typedef struct mview {
    const char *p;
    size_t n;
    int own;
    char buf[ZE_BUF];
} mview_t;

static int mview_cmp(const void *a, const void *b)
{
    const mview_t *x = a, *y = b;
    return zs_memcmp(x->own ? x->buf : x->p, x->n, y->own ? y->buf : y->p, y->n);
}

/* Members sorted by bytes: any two neighbours equal is a duplicate. */
static int has_duplicates(md_lp_t *lp, unsigned long len)
{
    mview_t *v;
    unsigned long i = 0;
    int dup = 0;

    if (len < 2) return 0;
    v = md_alloc(len * sizeof *v);
    for (unsigned char *ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep), i++) {
        zelem_t e;
        read_member(ep, &e);
        md_arg_t a = ze_member(&e, v[i].buf);
        v[i].own = e.p == NULL;
        v[i].p = a.ptr;
        v[i].n = a.len;
    }
    qsort(v, len, sizeof *v, mview_cmp);
    for (i = 1; i < len && !dup; i++) dup = mview_cmp(&v[i - 1], &v[i]) == 0;
    md_free(v);
    return dup;
}

int zlp_check(md_lp_t *lp, size_t *maxlen)
{
    unsigned long count = md_lp_count(lp);
    unsigned char *ep, *prev = NULL;
    double prevs = 0;

    *maxlen = 0;
    if (count % 2) return MD_ERR;
    for (ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep)) {
        zelem_t e;
        char buf[ZE_BUF];
        zlp_get(lp, ep, &e);
        md_arg_t a = ze_member(&e, buf);
        if (e.score != e.score) return MD_ERR;
        if (a.len > *maxlen) *maxlen = a.len;
        if (prev && (e.score < prevs || (e.score == prevs && cmp_member(prev, a.ptr, a.len) >= 0)))
            return MD_ERR;
        prev = ep;
        prevs = e.score;
    }
    return has_duplicates(lp, count / 2) ? MD_ERR : MD_OK;
}
