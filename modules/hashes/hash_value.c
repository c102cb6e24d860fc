/*
 * hash_value.c — the encoding-independent hash operations and the
 * conversions between encodings (see hash_value.h for the word layout).
 *
 * Uses the memory, listpack and hash parts of the SDK only, so unit tests
 * can link it (with hash_listpack.c and hash_table.c) against a stand-in
 * API table.
 */
#include <string.h>
#include "hash_value.h"
#include "hash_listpack.h"

/* Redis's defaults; md_init registers them as config parameters. */
long long hv_max_entries = 512;
long long hv_max_value = 64;

/* Redis LISTPACK_MAX_SAFETY_SIZE: a listpack is never grown past 1 GiB. */
#define LP_SAFETY_SIZE (1ULL << 30)

/* The word for block p in encoding enc (p from md_alloc or md_lp_*: the
 * allocator contract keeps its low bits free). */
static inline void *mk(void *p, int enc)
{
    if (((uintptr_t)p & 3) != 0) __builtin_trap();
    return (void *)((uintptr_t)p | (uintptr_t)enc);
}

void *hv_new(void)
{
    return mk(md_lp_new(), HV_LP);
}

void *hv_from_listpack(md_lp_t *lp, int ex)
{
    return mk(lp, ex ? HV_LPEX : HV_LP);
}

md_lp_t *hv_listpack(const void *h)
{
    return hv_enc(h) == HV_HT ? NULL : hv_ptr(h);
}

ht_t *hv_table(const void *h) { return hv_enc(h) == HV_HT ? hv_ptr(h) : NULL; }

static inline int width(const void *h) { return hv_enc(h) == HV_LP ? HLP_PLAIN : HLP_EX; }

/* Store a listpack that may have moved back into the value. */
static void set_lp(void **hp, md_lp_t *lp)
{
    *hp = mk(lp, hv_enc(*hp));
}

void hv_free(void *h)
{
    if (hv_enc(h) == HV_HT) ht_free(hv_ptr(h));
    else md_lp_free(hv_ptr(h));
}

void *hv_dup(const void *h)
{
    if (hv_enc(h) == HV_HT) return mk(ht_dup(hv_ptr(h)), HV_HT);
    return mk(md_lp_dup(hv_ptr(h)), hv_enc(h));
}

size_t hv_len(const void *h)
{
    if (hv_enc(h) == HV_HT) return ht_len(hv_ptr(h));
    return hlp_len(hv_listpack(h), width(h));
}

size_t hv_mem(const void *h)
{
    return hv_enc(h) == HV_HT ? ht_mem(hv_ptr(h)) : md_usable(hv_ptr(h));
}

const char *hv_encoding_name(const void *h)
{
    static const char *const names[] = {"listpack", "listpackex", "hashtable"};
    return names[hv_enc(h)];
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

void hv_to_table(void **hp)
{
    void *h = *hp;
    int enc = hv_enc(h);
    if (enc == HV_HT) return;

    md_lp_t *lp = hv_listpack(h);
    int w = width(h);
    ht_t *t = ht_new(hlp_len(lp, w));
    unsigned char *p = md_lp_first(lp);
    while (p) {
        hx_t f, v;
        char fb[HX_BUF], vb[HX_BUF];
        unsigned char *vp = md_lp_next(lp, p);
        int64_t at = w == HLP_EX ? hlp_ttl(lp, p) : 0;
        hlp_read(p, &f);
        hlp_read(vp, &v);
        md_arg_t fa = hx_bytes(&f, fb), va = hx_bytes(&v, vb);
        ht_add_new(t, fa.ptr, fa.len, va.ptr, va.len, at);
        p = md_lp_next(lp, vp);
        if (w == HLP_EX && p) p = md_lp_next(lp, p);
    }
    md_lp_free(lp);
    *hp = mk(t, HV_HT);
}

void hv_try_convert(void **hp, const md_arg_t *argv, int start, int end)
{
    size_t sum = 0;
    if (hv_enc(*hp) == HV_HT) return;
    if ((long long)((end - start + 1) / 2) > hv_max_entries) {
        hv_to_table(hp);
        return;
    }
    for (int i = start; i <= end; i++) {
        if ((long long)argv[i].len > hv_max_value) {
            hv_to_table(hp);
            return;
        }
        sum += argv[i].len;
    }
    if (md_lp_bytes(hv_listpack(*hp)) + sum > LP_SAFETY_SIZE) hv_to_table(hp);
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

int hv_get(void *h, const void *f, size_t fn, hx_t *val, int64_t *ttl)
{
    if (hv_enc(h) == HV_HT) {
        ht_entry_t *e = ht_find(hv_ptr(h), f, fn);
        if (e == NULL) return 0;
        if (val) {
            val->p = ht_value(e, &val->n);
            val->ll = 0;
        }
        if (ttl) *ttl = ht_ttl(e);
        return 1;
    }
    md_lp_t *lp = hv_listpack(h);
    unsigned char *fp = hlp_find(lp, width(h), f, fn);
    if (fp == NULL) return 0;
    if (val) hlp_read(hlp_value(lp, fp), val);
    if (ttl) *ttl = hv_enc(h) == HV_LPEX ? hlp_ttl(lp, fp) : 0;
    return 1;
}

int hv_set(void **hp, const void *f, size_t fn, const void *v, size_t vn,
           int keepttl)
{
    int inserted;

    if (hv_enc(*hp) != HV_HT &&
        ((long long)fn > hv_max_value || (long long)vn > hv_max_value))
        hv_to_table(hp);
    if (hv_enc(*hp) == HV_HT) {
        if (fn > HT_MAX_KEY || vn > HT_MAX_VALUE) return -1;
        return ht_set(hv_ptr(*hp), f, fn, v, vn, keepttl);
    }
    md_lp_t *lp = hlp_set(hv_listpack(*hp), width(*hp), f, fn, v, vn, keepttl,
                          &inserted);
    set_lp(hp, lp);
    if ((long long)hv_len(*hp) > hv_max_entries) hv_to_table(hp);
    return inserted;
}

int hv_del(void **hp, const void *f, size_t fn)
{
    if (hv_enc(*hp) == HV_HT) return ht_delete(hv_ptr(*hp), f, fn);
    md_lp_t *lp = hv_listpack(*hp);
    unsigned char *fp = hlp_find(lp, width(*hp), f, fn);
    if (fp == NULL) return 0;
    set_lp(hp, hlp_delete(lp, width(*hp), fp));
    return 1;
}

/* ------------------------------------------------------------------ */
/* TTLs                                                                */
/* ------------------------------------------------------------------ */

int64_t hv_min_ttl(const void *h)
{
    switch (hv_enc(h)) {
    case HV_LP:
        return -1;
    case HV_LPEX:
        return hlp_min_ttl(hv_ptr(h));
    default: {
        ht_entry_t *e = ht_min_ttl_entry(hv_ptr(h));
        return e ? ht_ttl(e) : -1;
    }
    }
}

void hv_set_ttl(void **hp, const void *f, size_t fn, int64_t at)
{
    if (hv_enc(*hp) == HV_LP) {
        if (at <= 0) return;
        *hp = mk(hlp_to_ex(*hp), HV_LPEX);
    }
    if (hv_enc(*hp) == HV_HT) {
        ht_set_ttl(hv_ptr(*hp), f, fn, at);
        return;
    }
    md_lp_t *lp = hv_ptr(*hp);
    unsigned char *fp = hlp_find(lp, HLP_EX, f, fn);
    if (fp == NULL || hlp_ttl(lp, fp) == at) return;
    set_lp(hp, hlp_set_ttl(lp, fp, at));
}

size_t hv_expire(void **hp, int64_t now, int inclusive, size_t max,
                 void (*cb)(void *priv, const hx_t *field), void *priv)
{
    size_t n = 0;
    switch (hv_enc(*hp)) {
    case HV_LP:
        return 0;
    case HV_LPEX:
        set_lp(hp, hlp_expire(hv_ptr(*hp), now, inclusive, max, cb, priv, &n));
        return n;
    default: {
        ht_t *t = hv_ptr(*hp);
        ht_entry_t *e;
        while (n < max && (e = ht_min_ttl_entry(t)) != NULL) {
            int64_t at = ht_ttl(e);
            size_t kn;
            const char *k;
            if (at > now || (at == now && !inclusive)) break;
            k = ht_key(e, &kn);
            if (cb) {
                hx_t x = {k, kn, 0};
                cb(priv, &x);
            }
            ht_delete(t, k, kn);
            n++;
        }
        return n;
    }
    }
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

void hv_iter_init(hv_iter_t *it, void *h)
{
    it->enc = hv_enc(h);
    if (it->enc == HV_HT) {
        ht_iter_init(&it->hi, hv_ptr(h));
        it->lp = NULL;
    } else {
        it->lp = hv_listpack(h);
        it->p = md_lp_first(it->lp);
    }
}

void hv_iter_done(hv_iter_t *it)
{
    if (it->enc == HV_HT) ht_iter_done(&it->hi);
}

int hv_iter_next(hv_iter_t *it, hx_t *f, hx_t *v, int64_t *ttl)
{
    if (it->enc == HV_HT) {
        ht_entry_t *e = ht_iter_next(&it->hi);
        if (e == NULL) return 0;
        f->p = ht_key(e, &f->n);
        if (v) v->p = ht_value(e, &v->n);
        if (ttl) *ttl = ht_ttl(e);
        return 1;
    }
    if (it->p == NULL) return 0;
    unsigned char *vp = md_lp_next(it->lp, it->p);
    hlp_read(it->p, f);
    if (v) hlp_read(vp, v);
    if (it->enc == HV_LPEX) {
        if (ttl) *ttl = hlp_ttl(it->lp, it->p);
        vp = md_lp_next(it->lp, vp);
    } else if (ttl) {
        *ttl = 0;
    }
    it->p = md_lp_next(it->lp, vp);
    return 1;
}
