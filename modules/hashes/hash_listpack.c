/*
 * hash_listpack.c — the listpack and listpackex encodings of a hash (see
 * hash_listpack.h for the layouts and their invariants).
 *
 * Only the memory and listpack parts of the SDK are used, so the unit
 * tests can link this file with a stand-in API table. Strings that are
 * canonical integers are stored by the listpack as integers; TTLs are
 * inserted as their decimal text and so always come back as integers.
 */
#include <stdlib.h>
#include <string.h>
#include "hash_listpack.h"

void hlp_read(const unsigned char *p, hx_t *out)
{
    size_t len = 0;
    long long v = 0;
    const unsigned char *s = md_lp_get(p, &len, &v);
    out->p = (const char *)s;
    out->n = len;
    out->ll = v;
}

unsigned long hlp_len(const md_lp_t *lp, int w)
{
    return md_lp_count(lp) / (unsigned long)w;
}

unsigned char *hlp_find(md_lp_t *lp, int w, const void *f, size_t n)
{
    unsigned char *p = md_lp_first(lp);
    if (p == NULL) return NULL;
    return md_lp_find(lp, p, f, n, (unsigned)(w - 1));
}

unsigned char *hlp_value(md_lp_t *lp, unsigned char *fptr)
{
    return md_lp_next(lp, fptr);
}

/* The integer at p (a TTL entry); 0 if it is not an integer (never
 * happens in a checked listpack). */
static int64_t entry_ll(const unsigned char *p)
{
    hx_t x;
    hlp_read(p, &x);
    return x.p ? 0 : (int64_t)x.ll;
}

int64_t hlp_ttl(md_lp_t *lp, unsigned char *fptr)
{
    unsigned char *v = md_lp_next(lp, fptr);
    return entry_ll(md_lp_next(lp, v));
}

/* A copy of the entry at p, in buf when it fits (else md_alloc'd into
 * *heap, which the caller frees). Integers are formatted. */
static md_arg_t copy_entry(const unsigned char *p, char *buf, size_t cap,
                           char **heap)
{
    hx_t x;
    char ib[HX_BUF];
    md_arg_t a;

    hlp_read(p, &x);
    a = hx_bytes(&x, ib);
    *heap = NULL;
    char *dst = buf;
    if (a.len > cap) dst = *heap = md_alloc(a.len);
    memcpy(dst, a.ptr, a.len);
    a.ptr = dst;
    return a;
}

/* Append a triplet, or insert it before the field at `before`. */
static md_lp_t *insert_triplet(md_lp_t *lp, unsigned char *before,
                               md_arg_t f, md_arg_t v, int64_t at)
{
    char tb[HX_BUF];
    size_t tn = md_ll2str_inline(tb, at);
    unsigned char *p;

    if (before == NULL) {
        lp = md_lp_append(lp, f.ptr, f.len);
        lp = md_lp_append(lp, v.ptr, v.len);
        return md_lp_append(lp, tb, tn);
    }
    lp = md_lp_insert(lp, f.ptr, f.len, before, MD_LP_BEFORE, &p);
    lp = md_lp_insert(lp, v.ptr, v.len, p, MD_LP_AFTER, &p);
    return md_lp_insert(lp, tb, tn, p, MD_LP_AFTER, NULL);
}

/* Where a triplet with TTL `at` goes: before the first triplet without a
 * TTL or with a later one (equal TTLs keep insertion order); NULL = at
 * the end. */
static unsigned char *sorted_place(md_lp_t *lp, int64_t at)
{
    unsigned char *f = md_lp_first(lp);
    if (at == 0) return NULL;
    while (f) {
        unsigned char *v = md_lp_next(lp, f);
        unsigned char *t = md_lp_next(lp, v);
        int64_t ttl = entry_ll(t);
        if (ttl == 0 || ttl > at) return f;
        f = md_lp_next(lp, t);
    }
    return NULL;
}

/* Delete the triplet at fptr and insert field f, value v, TTL at in the
 * sorted place. f and v must not point into lp. */
static md_lp_t *reinsert(md_lp_t *lp, unsigned char *fptr, md_arg_t f,
                         md_arg_t v, int64_t at)
{
    lp = hlp_delete(lp, HLP_EX, fptr);
    return insert_triplet(lp, sorted_place(lp, at), f, v, at);
}

md_lp_t *hlp_set(md_lp_t *lp, int w, const void *f, size_t fn, const void *v,
                 size_t vn, int keepttl, int *inserted)
{
    unsigned char *fp = hlp_find(lp, w, f, fn);
    md_arg_t fa = {f, fn}, va = {v, vn};

    if (fp == NULL) {
        *inserted = 1;
        if (w == HLP_PLAIN) {
            lp = md_lp_append(lp, f, fn);
            return md_lp_append(lp, v, vn);
        }
        return insert_triplet(lp, NULL, fa, va, 0);
    }
    *inserted = 0;
    if (w == HLP_EX && !keepttl && hlp_ttl(lp, fp) != 0)
        return reinsert(lp, fp, fa, va, 0);
    return md_lp_insert(lp, v, vn, md_lp_next(lp, fp), MD_LP_REPLACE, NULL);
}

md_lp_t *hlp_delete(md_lp_t *lp, int w, unsigned char *fptr)
{
    unsigned char *next = fptr;
    for (int i = 0; i < w; i++) lp = md_lp_delete(lp, next, &next);
    return lp;
}

md_lp_t *hlp_to_ex(md_lp_t *lp)
{
    unsigned char *p = md_lp_first(lp);
    while (p) {
        unsigned char *v = md_lp_next(lp, p), *t;
        lp = md_lp_insert(lp, "0", 1, v, MD_LP_AFTER, &t);
        p = md_lp_next(lp, t);
    }
    return lp;
}

md_lp_t *hlp_set_ttl(md_lp_t *lp, unsigned char *fptr, int64_t at)
{
    char fb[128], vb[256], *fh, *vh;
    md_arg_t f = copy_entry(fptr, fb, sizeof fb, &fh);
    md_arg_t v = copy_entry(md_lp_next(lp, fptr), vb, sizeof vb, &vh);

    lp = reinsert(lp, fptr, f, v, at);
    md_free(fh);
    md_free(vh);
    return lp;
}

int64_t hlp_min_ttl(md_lp_t *lp)
{
    unsigned char *t = md_lp_seek(lp, 2);
    int64_t at;
    if (t == NULL) return -1;
    at = entry_ll(t);
    return at == 0 ? -1 : at;
}

md_lp_t *hlp_expire(md_lp_t *lp, int64_t now, int inclusive, size_t max,
                    void (*cb)(void *priv, const hx_t *field), void *priv,
                    size_t *deleted)
{
    unsigned char *f = md_lp_first(lp);
    size_t n = 0;

    while (f && n < max) {
        unsigned char *v = md_lp_next(lp, f);
        unsigned char *t = md_lp_next(lp, v);
        int64_t at = entry_ll(t);
        if (at == 0 || at > now || (at == now && !inclusive)) break;
        if (cb) {
            hx_t x;
            hlp_read(f, &x);
            cb(priv, &x);
        }
        n++;
        f = md_lp_next(lp, t);
    }
    if (n) lp = md_lp_delete_range(lp, 0, n * HLP_EX);
    *deleted = n;
    return lp;
}

size_t hlp_fields(md_lp_t *lp, int w, unsigned char **fptrs)
{
    size_t n = 0;
    unsigned char *p = md_lp_first(lp);
    while (p) {
        fptrs[n++] = p;
        for (int i = 0; i < w && p; i++) p = md_lp_next(lp, p);
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Checking untrusted listpacks                                        */
/* ------------------------------------------------------------------ */

typedef struct fkey {
    const char *p;  /* NULL: in buf */
    size_t n;
    char buf[HX_BUF];
} fkey_t;

static int fkey_cmp(const void *a, const void *b)
{
    const fkey_t *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int r = memcmp(x->p ? x->p : x->buf, y->p ? y->p : y->buf, m);
    if (r) return r;
    return x->n < y->n ? -1 : x->n > y->n;
}

int hlp_check(md_lp_t *lp, int w, int *sorted, size_t *maxlen)
{
    unsigned long count = md_lp_count(lp), nf;
    unsigned char *p;
    fkey_t *keys;
    int64_t prev = 0;
    int ok = 1, in_ttl_part = 1;

    *maxlen = 0;
    if (sorted) *sorted = 1;
    if (count % (unsigned long)w) return MD_ERR;
    nf = count / (unsigned long)w;
    keys = md_alloc(sizeof(fkey_t) * (nf ? nf : 1));
    p = md_lp_first(lp);
    for (unsigned long i = 0; i < nf && ok; i++) {
        hx_t x;
        for (int j = 0; j < w; j++, p = md_lp_next(lp, p)) {
            if (p == NULL) {
                ok = 0;
                break;
            }
            hlp_read(p, &x);
            if (x.p && x.n > *maxlen) *maxlen = x.n;
            if (j == 0) {
                md_arg_t a = hx_bytes(&x, keys[i].buf);
                /* NULL: the bytes are in buf (which qsort moves). */
                keys[i].p = a.ptr == keys[i].buf ? NULL : a.ptr;
                keys[i].n = a.len;
            } else if (j == 2) {
                if (x.p != NULL || x.ll < 0) {
                    ok = 0;
                    break;
                }
                if (x.ll == 0) {
                    in_ttl_part = 0;
                } else if (!in_ttl_part || x.ll < prev) {
                    if (sorted) *sorted = 0;
                }
                if (x.ll) prev = x.ll;
            }
        }
    }
    if (ok && nf > 1) {
        qsort(keys, nf, sizeof(fkey_t), fkey_cmp);
        for (unsigned long i = 1; i < nf && ok; i++)
            if (fkey_cmp(&keys[i - 1], &keys[i]) == 0) ok = 0;
    }
    md_free(keys);
    return ok ? MD_OK : MD_ERR;
}

md_lp_t *hlp_sort_ex(md_lp_t *lp)
{
    md_lp_t *out = md_lp_new();
    unsigned char *f = md_lp_first(lp);
    while (f) {
        unsigned char *v = md_lp_next(lp, f), *t = md_lp_next(lp, v);
        char fb[HX_BUF], vb[HX_BUF];
        hx_t fx, vx;
        hlp_read(f, &fx);
        hlp_read(v, &vx);
        md_arg_t fa = hx_bytes(&fx, fb), va = hx_bytes(&vx, vb);
        int64_t at = entry_ll(t);
        out = insert_triplet(out, sorted_place(out, at), fa, va, at);
        f = md_lp_next(lp, t);
    }
    md_lp_free(lp);
    return out;
}
