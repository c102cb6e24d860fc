/*
 * hash_table.c — the "hashtable" encoding over the SDK's hash table (see
 * hash_table.h for the rules and invariants).
 *
 * An entry is one block: the table's link, key length (bit 31: the entry
 * carries an expiry block), value length, then the optional expiry block
 * {int64 at, uint32 heap index, pad}, the key bytes and the value bytes.
 * Entries with an expiry sit in a binary min-heap keyed by `at`, which
 * gives the earliest expiry in O(1) and updates in O(log n).
 *
 * Only the memory and hash-table parts of the SDK are used, so unit tests
 * can link this file with a stand-in API table.
 */
#include <string.h>
#include "hash_table.h"

#define HAS_META 0x80000000u
#define META_SIZE 16

struct ht_entry {
    md_ht_link_t link;      /* the SDK table's chain */
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
    md_ht_t *t;             /* field -> entry */
    ht_entry_t **heap;      /* entries with a TTL, min-heap on at */
    uint32_t hlen, hcap;
};

char *ht_stats(const ht_t *t, int full) { return md_ht_stats(t->t, full); }

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
    e->link.next = NULL;
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

static md_arg_t entry_key(const void *e)
{
    md_arg_t a;
    a.ptr = ht_key(e, &a.len);
    return a;
}

static void entry_free(void *e) { md_free(e); }

static const md_ht_type_t entry_type = {
    .size = sizeof(md_ht_type_t),
    .link_offset = offsetof(ht_entry_t, link),
    .key = entry_key,
    .free = entry_free,
};

ht_t *ht_new(size_t hint)
{
    ht_t *t = md_calloc(sizeof(ht_t));
    t->t = md_ht_new(&entry_type, hint);
    return t;
}

void ht_free(ht_t *t)
{
    if (t == NULL) return;
    md_ht_free(t->t);
    md_free(t->heap);
    md_free(t);
}

size_t ht_len(const ht_t *t) { return md_ht_len(t->t); }

ht_entry_t *ht_find(ht_t *t, const void *k, size_t kn) { return md_ht_find(t->t, k, kn); }

/* Replace e by an entry with the same key, value v and, when m, the
 * expiry `at`, keeping the heap consistent; frees the old entry. v must
 * not point into the old entry unless the sizes allow an in-place
 * update (same meta, fits). */
static ht_entry_t *rebuild(ht_t *t, ht_entry_t *e, const void *v, size_t vn,
                           int m, int64_t at)
{
    ht_entry_t *n;
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
    md_ht_replace(t->t, e, n);
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
    ht_entry_t *e = entry_new(k, kn, v, vn, at > 0);
    md_ht_add_new(t->t, e);
    if (at > 0) {
        meta(e)->at = at;
        heap_push(t, e);
    }
    return e;
}

int ht_set(ht_t *t, const void *k, size_t kn, const void *v, size_t vn,
           int keepttl)
{
    ht_entry_t *e = md_ht_find(t->t, k, kn);
    if (e == NULL) {
        ht_add_new(t, k, kn, v, vn, 0);
        return 1;
    }
    int m = has_meta(e) && keepttl;
    rebuild(t, e, v, vn, m, m ? meta(e)->at : 0);
    return 0;
}

int ht_delete(ht_t *t, const void *k, size_t kn)
{
    ht_entry_t *e = md_ht_unlink(t->t, k, kn);
    if (e == NULL) return 0;
    if (has_meta(e)) heap_remove(t, meta(e)->hidx);
    md_free(e);
    return 1;
}

void ht_set_ttl(ht_t *t, const void *k, size_t kn, int64_t at)
{
    ht_entry_t *e = md_ht_find(t->t, k, kn);
    if (e == NULL) return;
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
        rebuild(t, e, buf, vn, at > 0, at);
        if (buf != stack) md_free(buf);
    }
}

ht_t *ht_dup(const ht_t *t)
{
    ht_t *n = ht_new(ht_len(t));
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
    return md_usable(t) + md_ht_mem(t->t) + (t->heap ? md_usable(t->heap) : 0);
}

/* ------------------------------------------------------------------ */
/* Iteration, scan, random                                             */
/* ------------------------------------------------------------------ */

void ht_iter_init(ht_iter_t *it, const ht_t *t) { md_ht_iter_init(&it->it, t->t); }
ht_entry_t *ht_iter_next(ht_iter_t *it) { return md_ht_iter_next(&it->it); }
void ht_iter_done(ht_iter_t *it) { md_ht_iter_done(&it->it); }

typedef struct scan_arg {
    ht_scan_fn fn;
    void *priv;
} scan_arg_t;

static void scan_one(void *priv, void *e)
{
    scan_arg_t *a = priv;
    a->fn(a->priv, e);
}

uint64_t ht_scan(const ht_t *t, uint64_t cursor, ht_scan_fn fn, void *priv)
{
    scan_arg_t a = {fn, priv};
    return md_ht_scan(t->t, cursor, scan_one, &a);
}

ht_entry_t *ht_random(const ht_t *t) { return md_ht_random(t->t); }

size_t ht_random_distinct(const ht_t *t, const ht_entry_t **out, size_t count)
{
    return md_ht_random_distinct(t->t, (void **)out, count);
}
