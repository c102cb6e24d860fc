/*
 * set_value.c — the encoding-independent set operations and the
 * conversions between intset, listpack and hash table (see set_value.h
 * for the word layout and the rules, which are Redis 7.2+'s setType*).
 */
#include "set_value.h"
#include "set_table.h"

/* Redis's defaults; md_init registers them as config parameters. */
long long sv_max_intset_entries = 512;
long long sv_max_listpack_entries = 128;
long long sv_max_listpack_value = 64;

/* Redis LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB. */
#define LP_SAFETY_SIZE (1ULL << 30)

/* The word for block p in encoding enc (p from md_alloc, md_lp_* or
 * md_ht_new: the allocator keeps its low bits free). */
static inline void *mk(void *p, int enc)
{
    if (((uintptr_t)p & 3) != 0) __builtin_trap();
    return (void *)((uintptr_t)p | (uintptr_t)enc);
}

void *sv_wrap(void *block, int enc) { return mk(block, enc); }

/* Redis's intsetMaxEntries(): the parameter, capped at 2^30. */
static size_t intset_cap(void)
{
    long long m = sv_max_intset_entries;
    return m >= (1LL << 30) ? (size_t)1 << 30 : (size_t)m;
}

static int lp_safe_to_add(const md_lp_t *lp, size_t add)
{
    size_t have = lp ? md_lp_bytes(lp) : 0;
    return have + add <= LP_SAFETY_SIZE;
}

void sv_lp_member(const unsigned char *p, sm_t *m)
{
    size_t n = 0;
    long long v = 0;
    const unsigned char *s = md_lp_get(p, &n, &v);
    m->p = (const char *)s;
    m->n = n;
    m->ll = v;
}

/* ------------------------------------------------------------------ */
/* Creation, size, memory                                              */
/* ------------------------------------------------------------------ */

void *sv_new(int enc, size_t hint)
{
    switch (enc) {
    case SV_INTSET: return mk(intset_new(), SV_INTSET);
    case SV_LP: return mk(md_lp_new(), SV_LP);
    default: return mk(st_new(hint), SV_HT);
    }
}

void *sv_create(md_arg_t first, size_t hint)
{
    long long v;
    if (md_arg_ll(first, &v) == MD_OK && (long long)hint <= sv_max_intset_entries)
        return sv_new(SV_INTSET, 0);
    if ((long long)hint <= sv_max_listpack_entries) return sv_new(SV_LP, 0);
    return sv_new(SV_HT, hint);
}

void sv_free(void *s)
{
    switch (sv_enc(s)) {
    case SV_INTSET: intset_free(sv_intset(s)); break;
    case SV_LP: md_lp_free(sv_listpack(s)); break;
    default: md_ht_free(sv_table(s)); break;
    }
}

void *sv_dup(const void *s)
{
    switch (sv_enc(s)) {
    case SV_INTSET: return mk(intset_dup(sv_intset(s)), SV_INTSET);
    case SV_LP: return mk(md_lp_dup(sv_listpack(s)), SV_LP);
    default: return mk(st_dup(sv_table(s)), SV_HT);
    }
}

size_t sv_len(const void *s)
{
    switch (sv_enc(s)) {
    case SV_INTSET: return intset_len(sv_intset(s));
    case SV_LP: return md_lp_count(sv_listpack(s));
    default: return md_ht_len(sv_table(s));
    }
}

size_t sv_mem(const void *s)
{
    return sv_enc(s) == SV_HT ? md_ht_mem(sv_table(s)) : md_usable(sv_ptr(s));
}

const char *sv_encoding_name(const void *s)
{
    static const char *const names[] = {"intset", "listpack", "hashtable"};
    return names[sv_enc(s)];
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

void sv_iter_init(sv_iter_t *it, const void *s)
{
    it->enc = sv_enc(s);
    it->s = s;
    it->i = 0;
    it->p = NULL;
    if (it->enc == SV_HT) md_ht_iter_init(&it->hi, sv_table(s));
    else if (it->enc == SV_LP) it->p = md_lp_first(sv_listpack(s));
}

int sv_iter_next(sv_iter_t *it, sm_t *m)
{
    if (it->enc == SV_INTSET) {
        const intset_t *is = sv_intset(it->s);
        if (it->i >= intset_len(is)) return 0;
        m->p = NULL;
        m->ll = intset_get(is, it->i++);
        return 1;
    }
    if (it->enc == SV_LP) {
        if (it->p == NULL) return 0;
        sv_lp_member(it->p, m);
        it->p = md_lp_next(sv_listpack(it->s), it->p);
        return 1;
    }
    void *e = md_ht_iter_next(&it->hi);
    if (e == NULL) return 0;
    md_arg_t a = st_member(e);
    m->p = a.ptr;
    m->n = a.len;
    return 1;
}

void sv_iter_done(sv_iter_t *it)
{
    if (it->enc == SV_HT) md_ht_iter_done(&it->hi);
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

void sv_convert(void **sp, int enc, size_t cap)
{
    void *s = *sp, *d;
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];

    if (sv_enc(s) == enc) return;
    d = sv_new(enc, cap);
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        md_arg_t a = sm_bytes(&m, buf);
        if (enc == SV_HT) {
            st_add_new(sv_table(d), a.ptr, a.len);
        } else {
            md_lp_t *lp = md_lp_append(sv_listpack(d), a.ptr, a.len);
            d = mk(lp, SV_LP);
        }
    }
    sv_free(s);
    *sp = d;
}

void sv_maybe_convert(void **sp, size_t hint)
{
    int enc = sv_enc(*sp);
    if ((enc == SV_LP && (long long)hint > sv_max_listpack_entries) ||
        (enc == SV_INTSET && (long long)hint > sv_max_intset_entries))
        sv_convert(sp, SV_HT, hint);
}

void sv_maybe_to_intset(void **sp)
{
    void *s = *sp;
    intset_t *is;
    sv_iter_t it;
    sm_t m;

    if (sv_enc(s) == SV_INTSET || sv_len(s) > intset_cap()) return;
    is = intset_new();
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        int added;
        if (m.p && md_arg_ll((md_arg_t){m.p, m.n}, &m.ll) != MD_OK) {
            sv_iter_done(&it);
            intset_free(is);
            return;
        }
        is = intset_add(is, m.ll, &added);
    }
    sv_free(s);
    *sp = mk(is, SV_INTSET);
}

/* An intset grown past set-max-intset-entries becomes a hash table. */
static void maybe_intset_to_table(void **sp)
{
    if (intset_len(sv_intset(*sp)) > intset_cap()) sv_convert(sp, SV_HT, sv_len(*sp));
}

/* ------------------------------------------------------------------ */
/* Adding                                                              */
/* ------------------------------------------------------------------ */

/* Bytes a listpack integer entry of v takes (encoding + backlen), as
 * Redis's lpEstimateBytesRepeatedInteger counts it per element. */
static size_t lp_int_entry(long long v)
{
    if (v >= 0 && v <= 127) return 2;
    if (v >= -4096 && v <= 4095) return 3;
    if (v >= -32768 && v <= 32767) return 4;
    if (v >= -8388608 && v <= 8388607) return 5;
    if (v >= -2147483648LL && v <= 2147483647LL) return 6;
    return 10;
}

static size_t digits(long long v)
{
    char buf[SM_BUF];
    return md_ll2str_inline(buf, v);
}

/* A string that is not an integer goes into an intset: to a listpack
 * when everything fits one, else to a hash table. */
static void intset_add_string(void **sp, const char *p, size_t n)
{
    intset_t *is = sv_intset(*sp);
    size_t len = intset_len(is), maxlen = 0, total = 0;
    if (len) {
        long long lo = intset_min(is), hi = intset_max(is);
        size_t a = digits(lo), b = digits(hi);
        size_t ea = lp_int_entry(lo) * len, eb = lp_int_entry(hi) * len;
        maxlen = a > b ? a : b;
        total = ea > eb ? ea : eb;
    }
    if ((long long)len < sv_max_listpack_entries && (long long)n <= sv_max_listpack_value &&
        (long long)maxlen <= sv_max_listpack_value && lp_safe_to_add(NULL, total + n)) {
        sv_convert(sp, SV_LP, len + 1);
        *sp = mk(md_lp_append(sv_listpack(*sp), p, n), SV_LP);
    } else {
        sv_convert(sp, SV_HT, len + 1);
        st_add_new(sv_table(*sp), p, n);
    }
}

static int lp_add(void **sp, const char *p, size_t n)
{
    md_lp_t *lp = sv_listpack(*sp);
    unsigned char *first = md_lp_first(lp);
    if (first && md_lp_find(lp, first, p, n, 0)) return 0;
    if ((long long)md_lp_count(lp) < sv_max_listpack_entries &&
        (long long)n <= sv_max_listpack_value && lp_safe_to_add(lp, n)) {
        *sp = mk(md_lp_append(lp, p, n), SV_LP);
    } else {
        sv_convert(sp, SV_HT, md_lp_count(lp) + 1);
        st_add_new(sv_table(*sp), p, n);
    }
    return 1;
}

int sv_add(void **sp, const sm_t *m)
{
    char buf[SM_BUF];
    long long v;
    int added;
    md_arg_t a;

    if (sv_enc(*sp) == SV_INTSET) {
        if (m->p == NULL) v = m->ll;
        else if (md_arg_ll((md_arg_t){m->p, m->n}, &v) != MD_OK) {
            intset_add_string(sp, m->p, m->n);
            return 1;
        }
        *sp = mk(intset_add(sv_intset(*sp), v, &added), SV_INTSET);
        if (added) maybe_intset_to_table(sp);
        return added;
    }
    a = sm_bytes(m, buf);
    if (sv_enc(*sp) == SV_LP) return lp_add(sp, a.ptr, a.len);
    return st_add(sv_table(*sp), a.ptr, a.len);
}

void sv_lp_append(void **sp, const sm_t *m)
{
    char buf[SM_BUF];
    md_arg_t a = sm_bytes(m, buf);
    *sp = mk(md_lp_append(sv_listpack(*sp), a.ptr, a.len), SV_LP);
}

/* ------------------------------------------------------------------ */
/* Removing, membership, random members                                */
/* ------------------------------------------------------------------ */

/* The integer of m for an intset: 1 and *v, or 0 when m is not one. */
static int as_int(const sm_t *m, long long *v)
{
    if (m->p == NULL) {
        *v = m->ll;
        return 1;
    }
    return md_arg_ll((md_arg_t){m->p, m->n}, v) == MD_OK;
}

int sv_remove(void **sp, const sm_t *m)
{
    char buf[SM_BUF];
    md_arg_t a;
    long long v;
    int removed;

    switch (sv_enc(*sp)) {
    case SV_INTSET:
        if (!as_int(m, &v)) return 0;
        *sp = mk(intset_remove(sv_intset(*sp), v, &removed), SV_INTSET);
        return removed;
    case SV_LP: {
        md_lp_t *lp = sv_listpack(*sp);
        unsigned char *p = md_lp_first(lp);
        a = sm_bytes(m, buf);
        if (p) p = md_lp_find(lp, p, a.ptr, a.len, 0);
        if (p == NULL) return 0;
        *sp = mk(md_lp_delete(lp, p, NULL), SV_LP);
        return 1;
    }
    default:
        a = sm_bytes(m, buf);
        return md_ht_delete(sv_table(*sp), a.ptr, a.len);
    }
}

int sv_contains(const void *s, const sm_t *m)
{
    char buf[SM_BUF];
    md_arg_t a;
    long long v;

    switch (sv_enc(s)) {
    case SV_INTSET:
        return as_int(m, &v) && intset_find(sv_intset(s), v);
    case SV_LP: {
        md_lp_t *lp = sv_listpack(s);
        unsigned char *p = md_lp_first(lp);
        a = sm_bytes(m, buf);
        return p && md_lp_find(lp, p, a.ptr, a.len, 0) != NULL;
    }
    default:
        a = sm_bytes(m, buf);
        return md_ht_find(sv_table(s), a.ptr, a.len) != NULL;
    }
}

void sv_random(const void *s, sm_t *m)
{
    switch (sv_enc(s)) {
    case SV_INTSET: {
        const intset_t *is = sv_intset(s);
        m->p = NULL;
        m->ll = intset_get(is, (uint32_t)md_rand_below(intset_len(is)));
        return;
    }
    case SV_LP: {
        md_lp_t *lp = sv_listpack(s);
        sv_lp_member(md_lp_seek(lp, (long)md_rand_below(md_lp_count(lp))), m);
        return;
    }
    default: {
        md_arg_t a = st_member(md_ht_random(sv_table(s)));
        m->p = a.ptr;
        m->n = a.len;
        return;
    }
    }
}
