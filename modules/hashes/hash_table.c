/*
 * hash_table.c — the chained hash table behind the "hashtable" encoding
 * (see hash_table.h for the layout rules and invariants).
 *
 * An entry is one block: next pointer, key length (bit 31: the entry
 * carries an expiry block), value length, then the optional expiry block
 * {int64 at, uint32 heap index, pad}, the key bytes and the value bytes.
 * Entries with an expiry sit in a binary min-heap keyed by `at`, which
 * gives the earliest expiry in O(1) and updates in O(log n).
 *
 * Only the memory part of the SDK and md_hash() are used, so unit tests
 * can link this file with a stand-in API table.
 */
#include <string.h>
#include "hash_table.h"

#define HAS_META 0x80000000u
#define META_SIZE 16
#define MIN_SIZE 4

struct ht_entry {
    ht_entry_t *next;
    uint32_t klen;          /* bit 31: HAS_META */
    uint32_t vlen;
    unsigned char d[];      /* [meta] key value */
};

typedef struct meta {
    int64_t at;
    uint32_t hidx;
    uint32_t pad;
} meta_t;

struct ht {
    ht_entry_t **b;
    uint64_t mask;          /* buckets - 1 */
    uint64_t used;
    ht_entry_t **heap;      /* entries with a TTL, min-heap on at */
    uint32_t hlen, hcap;
};

/* ------------------------------------------------------------------ */
/* Entries                                                             */
/* ------------------------------------------------------------------ */

static inline int has_meta(const ht_entry_t *e) { return (e->klen & HAS_META) != 0; }
static inline uint32_t klen(const ht_entry_t *e) { return e->klen & ~HAS_META; }
static inline meta_t *meta(const ht_entry_t *e) { return (meta_t *)(void *)e->d; }
static inline const unsigned char *kptr(const ht_entry_t *e)
{
    return e->d + (has_meta(e) ? META_SIZE : 0);
}
static inline unsigned char *vptr(ht_entry_t *e)
{
    return e->d + (has_meta(e) ? META_SIZE : 0) + klen(e);
}

static size_t entry_size(size_t kn, size_t vn, int m)
{
    return sizeof(ht_entry_t) + (m ? META_SIZE : 0) + kn + vn;
}

static ht_entry_t *entry_new(const void *k, size_t kn, const void *v,
                             size_t vn, int m)
{
    ht_entry_t *e = md_alloc(entry_size(kn, vn, m));
    e->next = NULL;
    e->klen = (uint32_t)kn | (m ? HAS_META : 0);
    e->vlen = (uint32_t)vn;
    if (m) memset(e->d, 0, META_SIZE);
    if (kn) memcpy((unsigned char *)kptr(e), k, kn);
    if (vn) memcpy(vptr(e), v, vn);
    return e;
}

const char *ht_key(const ht_entry_t *e, size_t *n)
{
    *n = klen(e);
    return (const char *)kptr(e);
}

const char *ht_value(const ht_entry_t *e, size_t *n)
{
    *n = e->vlen;
    return (const char *)kptr(e) + klen(e);
}

int64_t ht_ttl(const ht_entry_t *e) { return has_meta(e) ? meta(e)->at : 0; }

/* ------------------------------------------------------------------ */
/* The expiry heap                                                     */
/* ------------------------------------------------------------------ */

static inline int64_t hat(const ht_t *t, uint32_t i) { return meta(t->heap[i])->at; }
static inline void hput(ht_t *t, uint32_t i, ht_entry_t *e)
{
    t->heap[i] = e;
    meta(e)->hidx = i;
}

static void sift_up(ht_t *t, uint32_t i)
{
    ht_entry_t *e = t->heap[i];
    int64_t at = meta(e)->at;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (hat(t, p) <= at) break;
        hput(t, i, t->heap[p]);
        i = p;
    }
    hput(t, i, e);
}

static void sift_down(ht_t *t, uint32_t i)
{
    ht_entry_t *e = t->heap[i];
    int64_t at = meta(e)->at;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= t->hlen) break;
        if (c + 1 < t->hlen && hat(t, c + 1) < hat(t, c)) c++;
        if (hat(t, c) >= at) break;
        hput(t, i, t->heap[c]);
        i = c;
    }
    hput(t, i, e);
}

static void heap_push(ht_t *t, ht_entry_t *e)
{
    if (t->hlen == t->hcap) {
        t->hcap = t->hcap ? t->hcap * 2 : 8;
        t->heap = md_realloc(t->heap, sizeof(ht_entry_t *) * t->hcap);
    }
    hput(t, t->hlen++, e);
    sift_up(t, t->hlen - 1);
}

static void heap_remove(ht_t *t, uint32_t i)
{
    ht_entry_t *last = t->heap[--t->hlen];
    if (i < t->hlen) {
        hput(t, i, last);
        sift_down(t, i);
        sift_up(t, meta(last)->hidx);
    }
    if (t->hlen == 0) {
        md_free(t->heap);
        t->heap = NULL;
        t->hcap = 0;
    }
}

/* Restore the heap order after the `at` of heap[i] changed. */
static void heap_fix(ht_t *t, uint32_t i)
{
    ht_entry_t *e = t->heap[i];
    sift_up(t, i);
    if (meta(e)->hidx == i) sift_down(t, i);
}

ht_entry_t *ht_min_ttl_entry(const ht_t *t) { return t->hlen ? t->heap[0] : NULL; }
size_t ht_ttl_count(const ht_t *t) { return t->hlen; }

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t s = MIN_SIZE;
    while (s < n && s < (1ULL << 62)) s <<= 1;
    return s;
}

ht_t *ht_new(size_t hint)
{
    ht_t *t = md_calloc(sizeof(ht_t));
    uint64_t size = pow2_at_least(hint);
    t->b = md_calloc(sizeof(ht_entry_t *) * size);
    t->mask = size - 1;
    return t;
}

static void resize(ht_t *t, uint64_t size)
{
    ht_entry_t **nb = md_calloc(sizeof(ht_entry_t *) * size);
    uint64_t nmask = size - 1;
    for (uint64_t i = 0; i <= t->mask; i++) {
        ht_entry_t *e = t->b[i];
        while (e) {
            ht_entry_t *next = e->next;
            uint64_t h = md_hash(kptr(e), klen(e)) & nmask;
            e->next = nb[h];
            nb[h] = e;
            e = next;
        }
    }
    md_free(t->b);
    t->b = nb;
    t->mask = nmask;
}

static void maybe_shrink(ht_t *t)
{
    uint64_t size = t->mask + 1;
    if (size > MIN_SIZE && t->used * 8 < size)
        resize(t, pow2_at_least(t->used * 2));
}

void ht_free(ht_t *t)
{
    if (t == NULL) return;
    for (uint64_t i = 0; i <= t->mask; i++) {
        ht_entry_t *e = t->b[i];
        while (e) {
            ht_entry_t *next = e->next;
            md_free(e);
            e = next;
        }
    }
    md_free(t->b);
    md_free(t->heap);
    md_free(t);
}

size_t ht_len(const ht_t *t) { return t->used; }

/* The link (bucket slot or previous next field) pointing at key k. */
static ht_entry_t **find_link(const ht_t *t, const void *k, size_t kn)
{
    ht_entry_t **pp = &t->b[md_hash(k, kn) & t->mask];
    for (; *pp; pp = &(*pp)->next) {
        ht_entry_t *e = *pp;
        if (klen(e) == kn && memcmp(kptr(e), k, kn) == 0) return pp;
    }
    return NULL;
}

ht_entry_t *ht_find(ht_t *t, const void *k, size_t kn)
{
    ht_entry_t **pp = find_link(t, k, kn);
    return pp ? *pp : NULL;
}

/* Replace *link by an entry with the same key, value v and, when m, the
 * expiry `at`, keeping the heap consistent; frees the old entry. v must
 * not point into the old entry unless the sizes allow an in-place
 * update (same meta, fits). */
static ht_entry_t *rebuild(ht_t *t, ht_entry_t **link, const void *v,
                           size_t vn, int m, int64_t at)
{
    ht_entry_t *e = *link, *n;
    int had = has_meta(e);
    size_t need = entry_size(klen(e), vn, m);
    size_t have = md_usable(e);

    if (had == m && need <= have && have <= need * 2) {
        memmove(vptr(e), v, vn);
        e->vlen = (uint32_t)vn;
        if (m && meta(e)->at != at) {
            meta(e)->at = at;
            heap_fix(t, meta(e)->hidx);
        }
        return e;
    }
    n = entry_new(kptr(e), klen(e), v, vn, m);
    n->next = e->next;
    *link = n;
    if (had && m) {
        meta(n)->at = at;
        hput(t, meta(e)->hidx, n);
        heap_fix(t, meta(n)->hidx);
    } else if (had) {
        heap_remove(t, meta(e)->hidx);
    } else if (m) {
        meta(n)->at = at;
        heap_push(t, n);
    }
    md_free(e);
    return n;
}

ht_entry_t *ht_add_new(ht_t *t, const void *k, size_t kn, const void *v,
                       size_t vn, int64_t at)
{
    ht_entry_t *e;
    uint64_t h;

    if (t->used >= t->mask + 1) resize(t, (t->mask + 1) * 2);
    e = entry_new(k, kn, v, vn, at > 0);
    h = md_hash(k, kn) & t->mask;
    e->next = t->b[h];
    t->b[h] = e;
    t->used++;
    if (at > 0) {
        meta(e)->at = at;
        heap_push(t, e);
    }
    return e;
}

int ht_set(ht_t *t, const void *k, size_t kn, const void *v, size_t vn,
           int keepttl)
{
    ht_entry_t **link = find_link(t, k, kn);
    if (link == NULL) {
        ht_add_new(t, k, kn, v, vn, 0);
        return 1;
    }
    int m = has_meta(*link) && keepttl;
    rebuild(t, link, v, vn, m, m ? meta(*link)->at : 0);
    return 0;
}

int ht_delete(ht_t *t, const void *k, size_t kn)
{
    ht_entry_t **link = find_link(t, k, kn), *e;
    if (link == NULL) return 0;
    e = *link;
    *link = e->next;
    if (has_meta(e)) heap_remove(t, meta(e)->hidx);
    md_free(e);
    t->used--;
    maybe_shrink(t);
    return 1;
}

void ht_set_ttl(ht_t *t, const void *k, size_t kn, int64_t at)
{
    ht_entry_t **link = find_link(t, k, kn), *e;
    if (link == NULL) return;
    e = *link;
    if (at > 0 && has_meta(e)) {
        meta(e)->at = at;
        heap_fix(t, meta(e)->hidx);
        return;
    }
    if (at <= 0 && !has_meta(e)) return;
    /* The value moves to a new block: copy it out of the old one first. */
    {
        char stack[256], *buf = stack;
        size_t vn = e->vlen;
        if (vn > sizeof stack) buf = md_alloc(vn);
        memcpy(buf, vptr(e), vn);
        rebuild(t, link, buf, vn, at > 0, at);
        if (buf != stack) md_free(buf);
    }
}

ht_t *ht_dup(const ht_t *t)
{
    ht_t *n = ht_new(t->used);
    ht_iter_t it;
    ht_entry_t *e;
    ht_iter_init(&it, t);
    while ((e = ht_iter_next(&it)) != NULL) {
        size_t vn;
        const char *v = ht_value(e, &vn);
        ht_add_new(n, kptr(e), klen(e), v, vn, ht_ttl(e));
    }
    return n;
}

size_t ht_mem(const ht_t *t)
{
    size_t m = md_usable(t) + md_usable(t->b) + (t->heap ? md_usable(t->heap) : 0);
    size_t seen = 0, bytes = 0;
    ht_iter_t it;
    ht_entry_t *e;

    /* Entries: exact up to 1024 of them, then extrapolated. */
    ht_iter_init(&it, t);
    while (seen < 1024 && (e = ht_iter_next(&it)) != NULL) {
        bytes += md_usable(e);
        seen++;
    }
    if (seen) m += seen == t->used ? bytes : (size_t)((double)bytes / seen * t->used);
    return m;
}

/* ------------------------------------------------------------------ */
/* Iteration, scan, random                                             */
/* ------------------------------------------------------------------ */

void ht_iter_init(ht_iter_t *it, const ht_t *t)
{
    it->t = t;
    it->idx = 0;
    it->e = NULL;
}

ht_entry_t *ht_iter_next(ht_iter_t *it)
{
    const ht_t *t = it->t;
    if (it->e) it->e = it->e->next;
    while (it->e == NULL) {
        if (it->idx > t->mask) return NULL;
        it->e = t->b[it->idx++];
    }
    return it->e;
}

static uint64_t rev64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}

uint64_t ht_scan(const ht_t *t, uint64_t v, ht_scan_fn fn, void *priv)
{
    uint64_t m = t->mask;
    for (ht_entry_t *e = t->b[v & m]; e; e = e->next) fn(priv, e);
    /* Increment the reversed cursor over the unmasked bits (Redis). */
    v |= ~m;
    v = rev64(v);
    v++;
    return rev64(v);
}

ht_entry_t *ht_random(const ht_t *t, uint64_t (*rnd)(void))
{
    for (;;) {
        ht_entry_t *e = t->b[rnd() & t->mask];
        size_t n = 0;
        if (e == NULL) continue;
        for (ht_entry_t *x = e; x; x = x->next) n++;
        for (n = rnd() % n; n; n--) e = e->next;
        return e;
    }
}
