/*
 * zset_value.c — the encoding-independent sorted-set operations and the
 * conversions between the encodings (see zset_value.h for the word).
 *
 * Uses only the memory, listpack, hash-table, random and double parts of
 * the SDK, so unit tests link it (with zset_listpack.c and
 * zset_skiplist.c) against a stand-in API table.
 */
#include <string.h>
#include "zset_value.h"

/* Redis's defaults; md_init registers them as config parameters. */
long long zv_max_entries = 128;
long long zv_max_value = 64;

/* Redis LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB. */
#define LP_SAFETY_SIZE (1ULL << 30)

void *zv_from_listpack(md_lp_t *lp)
{
    if (((uintptr_t)lp & 1) != 0) __builtin_trap();
    return lp;
}

void *zv_from_skiplist(zsl_t *zsl)
{
    if (((uintptr_t)zsl & 1) != 0) __builtin_trap();
    return (void *)((uintptr_t)zsl | 1);
}

void *zv_new(size_t size_hint, size_t maxlen)
{
    if ((long long)size_hint <= zv_max_entries && (long long)maxlen <= zv_max_value)
        return zv_from_listpack(md_lp_new());
    return zv_from_skiplist(zsl_new(size_hint));
}

void zv_free(void *z)
{
    if (zv_enc(z) == ZV_SL) zsl_free(zv_sl(z));
    else md_lp_free(zv_lp(z));
}

void *zv_dup(const void *z)
{
    if (zv_enc(z) == ZV_LP) return zv_from_listpack(md_lp_dup(zv_lp(z)));
    const zsl_t *src = zv_sl(z);
    zsl_t *dst = zsl_new(src->length);
    for (zsl_node_t *x = zsl_first(src); x; x = x->level[0].forward) {
        size_t n;
        const char *m = zsl_member(x, &n);
        zsl_insert(dst, x->score, m, n);
    }
    return zv_from_skiplist(dst);
}

size_t zv_len(const void *z)
{
    return zv_enc(z) == ZV_SL ? zv_sl(z)->length : zlp_len(zv_lp(z));
}

size_t zv_mem(const void *z)
{
    return zv_enc(z) == ZV_SL ? zsl_mem(zv_sl(z)) : md_usable(zv_lp(z));
}

const char *zv_encoding_name(const void *z)
{
    return zv_enc(z) == ZV_SL ? "skiplist" : "listpack";
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

void zv_to_skiplist(void **zp)
{
    md_lp_t *lp;
    zsl_t *zsl;

    if (zv_enc(*zp) == ZV_SL) return;
    lp = zv_lp(*zp);
    zsl = zsl_new(zlp_len(lp));
    for (unsigned char *ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep)) {
        zelem_t e;
        char buf[ZE_BUF];
        zlp_get(lp, ep, &e);
        md_arg_t a = ze_member(&e, buf);
        zsl_insert(zsl, e.score, a.ptr, a.len);
    }
    md_lp_free(lp);
    *zp = zv_from_skiplist(zsl);
}

/* A skiplist written out as a listpack, pairs in rank order. */
static md_lp_t *skiplist_to_listpack(const zsl_t *zsl)
{
    md_lp_t *lp = md_lp_new();
    for (zsl_node_t *x = zsl_first(zsl); x; x = x->level[0].forward) {
        char sb[MD_D2STR_BUF];
        size_t n;
        const char *m = zsl_member(x, &n);
        lp = md_lp_append(lp, m, n);
        lp = md_lp_append(lp, sb, (size_t)md_d2str(sb, sizeof sb, x->score));
    }
    return lp;
}

void zv_maybe_to_listpack(void **zp, size_t maxlen, size_t totlen)
{
    zsl_t *zsl;

    if (zv_enc(*zp) == ZV_LP) return;
    zsl = zv_sl(*zp);
    if ((long long)zsl->length > zv_max_entries || (long long)maxlen > zv_max_value ||
        totlen > LP_SAFETY_SIZE)
        return;
    *zp = zv_from_listpack(skiplist_to_listpack(zsl));
    zsl_free(zsl);
}

/* ------------------------------------------------------------------ */
/* Members                                                             */
/* ------------------------------------------------------------------ */

int zv_score(void *z, const void *m, size_t n, double *score)
{
    if (zv_enc(z) == ZV_LP) return zlp_find(zv_lp(z), m, n, score) != NULL;
    zsl_node_t *x = zsl_find(zv_sl(z), m, n);
    if (x == NULL) return 0;
    *score = x->score;
    return 1;
}

/* NX/INCR/GT/LT on a member whose current score is cur: 1 and *score set
 * to the score to store, 0 with *out set (NOP or NAN). */
static int update_rule(int in, double cur, double *score, int *out)
{
    if (in & ZADD_IN_NX) {
        *out |= ZADD_OUT_NOP;
        return 0;
    }
    if (in & ZADD_IN_INCR) {
        *score += cur;
        if (*score != *score) {
            *out |= ZADD_OUT_NAN;
            return 0;
        }
    }
    if (((in & ZADD_IN_LT) && *score >= cur) || ((in & ZADD_IN_GT) && *score <= cur)) {
        *out |= ZADD_OUT_NOP;
        return 0;
    }
    return 1;
}

/* Would adding m[0..n) break the listpack limits? */
static int lp_must_convert(md_lp_t *lp, size_t n)
{
    return (long long)zlp_len(lp) + 1 > zv_max_entries || (long long)n > zv_max_value ||
           md_lp_bytes(lp) + n > LP_SAFETY_SIZE;
}

static int add_listpack(void **zp, double score, const void *m, size_t n, int in,
                        int *out, double *newscore)
{
    md_lp_t *lp = zv_lp(*zp);
    double cur;
    unsigned char *ep = zlp_find(lp, m, n, &cur);

    if (ep) {
        if (!update_rule(in, cur, &score, out)) return !(*out & ZADD_OUT_NAN);
        if (newscore) *newscore = score;
        if (score != cur) {
            lp = zlp_delete(lp, ep);
            *zp = zv_from_listpack(zlp_insert(lp, score, m, n));
            *out |= ZADD_OUT_UPDATED;
        }
        return 1;
    }
    if (in & ZADD_IN_XX) {
        *out |= ZADD_OUT_NOP;
        return 1;
    }
    if (lp_must_convert(lp, n)) return -1;   /* the caller converts */
    *zp = zv_from_listpack(zlp_insert(lp, score, m, n));
    if (newscore) *newscore = score;
    *out |= ZADD_OUT_ADDED;
    return 1;
}

static int add_skiplist(zsl_t *zsl, double score, const void *m, size_t n, int in,
                        int *out, double *newscore)
{
    zsl_node_t *x = zsl_find(zsl, m, n);

    if (x) {
        if (!update_rule(in, x->score, &score, out)) return !(*out & ZADD_OUT_NAN);
        if (newscore) *newscore = score;
        if (score != x->score) {
            zsl_update_score(zsl, x, score);
            *out |= ZADD_OUT_UPDATED;
        }
        return 1;
    }
    if (in & ZADD_IN_XX) {
        *out |= ZADD_OUT_NOP;
        return 1;
    }
    zsl_insert(zsl, score, m, n);
    if (newscore) *newscore = score;
    *out |= ZADD_OUT_ADDED;
    return 1;
}

int zv_add(void **zp, double score, const void *m, size_t n, int in, int *out,
           double *newscore)
{
    *out = 0;
    if (score != score) {
        *out = ZADD_OUT_NAN;
        return 0;
    }
    if (zv_enc(*zp) == ZV_LP) {
        int rc = add_listpack(zp, score, m, n, in, out, newscore);
        if (rc >= 0) return rc;
        zv_to_skiplist(zp);
    }
    return add_skiplist(zv_sl(*zp), score, m, n, in, out, newscore);
}

int zv_del(void **zp, const void *m, size_t n)
{
    if (zv_enc(*zp) == ZV_LP) {
        unsigned char *ep = zlp_find(zv_lp(*zp), m, n, NULL);
        if (ep == NULL) return 0;
        *zp = zv_from_listpack(zlp_delete(zv_lp(*zp), ep));
        return 1;
    }
    zsl_t *zsl = zv_sl(*zp);
    zsl_node_t *x = zsl_find(zsl, m, n);
    if (x == NULL) return 0;
    zsl_delete(zsl, x);
    return 1;
}

long long zv_rank(void *z, const void *m, size_t n, int rev, double *score)
{
    size_t len = zv_len(z);
    long long rank;

    if (zv_enc(z) == ZV_LP) {
        md_lp_t *lp = zv_lp(z);
        unsigned char *ep, *target = zlp_find(lp, m, n, score);
        if (target == NULL) return -1;
        rank = 0;
        for (ep = md_lp_first(lp); ep != target; ep = zlp_next(lp, ep)) rank++;
    } else {
        zsl_node_t *x = zsl_find(zv_sl(z), m, n);
        if (x == NULL) return -1;
        rank = (long long)zsl_rank(zv_sl(z), x) - 1;
        if (score) *score = x->score;
    }
    return rev ? (long long)len - 1 - rank : rank;
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

static void iter_init(zv_iter_t *it, void *z, int rev)
{
    it->enc = zv_enc(z);
    it->rev = rev;
    it->lp = it->enc == ZV_LP ? zv_lp(z) : NULL;
    it->zsl = it->enc == ZV_SL ? zv_sl(z) : NULL;
    it->ep = NULL;
    it->node = NULL;
}

int zv_iter_rank(zv_iter_t *it, void *z, unsigned long r, int rev)
{
    unsigned long len = zv_len(z);
    iter_init(it, z, rev);
    if (r >= len) return 0;
    if (rev) r = len - 1 - r;
    if (it->enc == ZV_LP)
        it->ep = md_lp_seek(it->lp, (long)(2 * r));
    else
        it->node = zsl_by_rank(it->zsl, r + 1);
    return zv_iter_valid(it);
}

int zv_iter_score(zv_iter_t *it, void *z, const zrange_t *r, int rev)
{
    iter_init(it, z, rev);
    if (it->enc == ZV_LP)
        it->ep = rev ? zlp_last_in_range(it->lp, r) : zlp_first_in_range(it->lp, r);
    else
        it->node = rev ? zsl_last_in_range(it->zsl, r) : zsl_first_in_range(it->zsl, r);
    return zv_iter_valid(it);
}

int zv_iter_lex(zv_iter_t *it, void *z, const zlex_t *r, int rev)
{
    iter_init(it, z, rev);
    if (it->enc == ZV_LP)
        it->ep = rev ? zlp_last_in_lex(it->lp, r) : zlp_first_in_lex(it->lp, r);
    else
        it->node = rev ? zsl_last_in_lex(it->zsl, r) : zsl_first_in_lex(it->zsl, r);
    return zv_iter_valid(it);
}

void zv_iter_get(const zv_iter_t *it, zelem_t *e)
{
    if (it->enc == ZV_LP) {
        zlp_get(it->lp, it->ep, e);
        return;
    }
    e->p = zsl_member(it->node, &e->n);
    e->ll = 0;
    e->score = it->node->score;
}

int zv_iter_next(zv_iter_t *it)
{
    if (it->enc == ZV_LP)
        it->ep = it->rev ? zlp_prev(it->lp, it->ep) : zlp_next(it->lp, it->ep);
    else
        it->node = it->rev ? it->node->backward : it->node->level[0].forward;
    return zv_iter_valid(it);
}

int zv_iter_skip(zv_iter_t *it, unsigned long n)
{
    if (n == 0 || !zv_iter_valid(it)) return zv_iter_valid(it);
    if (it->enc == ZV_LP) {
        while (n-- && zv_iter_next(it)) {}
        return zv_iter_valid(it);
    }
    unsigned long r = zsl_rank(it->zsl, it->node);
    if (it->rev)
        it->node = n >= r ? NULL : zsl_by_rank(it->zsl, r - n);
    else
        it->node = n > it->zsl->length - r ? NULL : zsl_by_rank(it->zsl, r + n);
    return zv_iter_valid(it);
}

int zv_iter_lex_ok(const zv_iter_t *it, const zlex_t *r)
{
    zelem_t e;
    char buf[ZE_BUF];
    zv_iter_get(it, &e);
    md_arg_t a = ze_member(&e, buf);
    return it->rev ? md_lex_gte_min(a.ptr, a.len, &r->min)
                   : md_lex_lte_max(a.ptr, a.len, &r->max);
}

/* ------------------------------------------------------------------ */
/* Range deletion                                                      */
/* ------------------------------------------------------------------ */

unsigned long zv_del_range_rank(void **zp, unsigned long start, unsigned long end)
{
    if (zv_enc(*zp) == ZV_LP) {
        *zp = zv_from_listpack(zlp_delete_range_rank(zv_lp(*zp), start, end));
        return end - start + 1;
    }
    return zsl_delete_range_rank(zv_sl(*zp), start + 1, end + 1);
}

unsigned long zv_del_range_score(void **zp, const zrange_t *r)
{
    unsigned long n;
    if (zv_enc(*zp) == ZV_SL) return zsl_delete_range_score(zv_sl(*zp), r);
    *zp = zv_from_listpack(zlp_delete_range_score(zv_lp(*zp), r, &n));
    return n;
}

unsigned long zv_del_range_lex(void **zp, const zlex_t *r)
{
    unsigned long n;
    if (zv_enc(*zp) == ZV_SL) return zsl_delete_range_lex(zv_sl(*zp), r);
    *zp = zv_from_listpack(zlp_delete_range_lex(zv_lp(*zp), r, &n));
    return n;
}

/* ------------------------------------------------------------------ */
/* Random elements and SCAN                                            */
/* ------------------------------------------------------------------ */

static void node_elem(const zsl_node_t *x, zelem_t *e)
{
    e->p = zsl_member(x, &e->n);
    e->ll = 0;
    e->score = x->score;
}

void zv_random(void *z, zelem_t *e)
{
    if (zv_enc(z) == ZV_SL) {
        node_elem(md_ht_random(zv_sl(z)->ht), e);
        return;
    }
    md_lp_t *lp = zv_lp(z);
    long i = (long)md_rand_below(zlp_len(lp));
    zlp_get(lp, md_lp_seek(lp, 2 * i), e);
}

void zv_random_distinct(void *z, zelem_t *out, size_t count)
{
    if (zv_enc(z) == ZV_SL) {
        void **nodes = md_alloc(count * sizeof *nodes);
        md_ht_random_distinct(zv_sl(z)->ht, nodes, count);
        for (size_t i = 0; i < count; i++) node_elem(nodes[i], &out[i]);
        md_free(nodes);
        return;
    }
    /* A listpack is small: the first `count` steps of a Fisher-Yates
     * shuffle of its pair indexes. */
    md_lp_t *lp = zv_lp(z);
    size_t len = zlp_len(lp);
    unsigned long *idx = md_alloc(len * sizeof *idx);
    for (size_t i = 0; i < len; i++) idx[i] = i;
    for (size_t i = 0; i < count; i++) {
        size_t j = i + (size_t)md_rand_below(len - i);
        unsigned long t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        zlp_get(lp, md_lp_seek(lp, (long)(2 * idx[i])), &out[i]);
    }
    md_free(idx);
}

typedef struct scan_ctx {
    zv_scan_fn fn;
    void *priv;
} scan_ctx_t;

static void scan_node(void *priv, void *elem)
{
    scan_ctx_t *s = priv;
    zelem_t e;
    node_elem(elem, &e);
    s->fn(s->priv, &e);
}

uint64_t zv_scan(void *z, uint64_t cursor, zv_scan_fn fn, void *priv)
{
    if (zv_enc(z) == ZV_SL) {
        scan_ctx_t s = {fn, priv};
        return md_ht_scan(zv_sl(z)->ht, cursor, scan_node, &s);
    }
    md_lp_t *lp = zv_lp(z);
    for (unsigned char *ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep)) {
        zelem_t e;
        zlp_get(lp, ep, &e);
        fn(priv, &e);
    }
    return 0;
}
