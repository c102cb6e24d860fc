/*
 * sdk_htable.c — the SDK's hash table section (md_ht_*, 1.2): Redis's
 * dict, generic over a module-allocated element that embeds its chain
 * link (md_ht_type_t.link_offset) and exposes its key bytes.
 *
 * Layout: two power-of-two bucket arrays b[0], b[1]; b[1] exists only
 * while rehashing, when buckets below `rehashidx` of b[0] are empty and
 * new elements go to b[1]. Every lookup, insert and delete moves one
 * bucket, unless an iterator or a scan has paused the table; a paused
 * table neither rehashes nor resizes, which is what makes deleting the
 * element an iterator just returned safe.
 *
 * Fair random elements by rejection: bound[s] is an upper bound of the
 * chain lengths in b[s] (0 = unknown, recomputed on demand); a draw picks
 * a live bucket and a position below the bound uniformly and retries
 * when the chain is shorter, so every element has the same chance.
 *
 * The file uses only the md_api_t it was filled into (memory accounted to
 * the table's module, md_hash, the random generator), so module unit
 * tests can compile it against a stand-in table.
 */
#include "../sdk/modis.h"
#include "htstats.h"
#include "rev_cursor.h"
#include "sdk_htable.h"

#include <string.h>

#define HT_MIN_SIZE 4
#define HT_MEM_SAMPLE 1024

struct md_ht {
    void **b[2];
    uint64_t mask[2];           /* size - 1 (b[s] NULL: unused) */
    size_t used[2];
    int64_t rehashidx;          /* -1 when not rehashing */
    uint32_t paused;            /* live iterators and scans */
    uint32_t bound[2];          /* chain length bound, 0 = unknown */
    const md_ht_type_t *type;
    md_module_t *m;
};

static const md_api_t *api;     /* the table these functions serve */

/* ------------------------------------------------------------------ */
/* Elements                                                            */
/* ------------------------------------------------------------------ */

static inline void **next_of(const md_ht_t *t, const void *e)
{
    return &((md_ht_link_t *)((char *)e + t->type->link_offset))->next;
}

static inline md_arg_t key_of(const md_ht_t *t, const void *e) { return t->type->key(e); }

static inline uint64_t hash_key(const void *k, size_t n) { return api->hash(k, n); }

static inline int key_eq(const md_ht_t *t, const void *e, const void *k, size_t n)
{
    md_arg_t a = key_of(t, e);
    return a.len == n && (n == 0 || memcmp(a.ptr, k, n) == 0);
}

static inline uint64_t hash_elem(const md_ht_t *t, const void *e)
{
    md_arg_t a = key_of(t, e);
    return hash_key(a.ptr, a.len);
}

static int type_has(const md_ht_type_t *ty, size_t end) { return ty->size >= end; }

static void elem_free(const md_ht_t *t, void *e)
{
    if (type_has(t->type, offsetof(md_ht_type_t, free) + sizeof(void *)) && t->type->free)
        t->type->free(e);
}

static size_t elem_mem(const md_ht_t *t, const void *e)
{
    if (type_has(t->type, offsetof(md_ht_type_t, mem) + sizeof(void *)) && t->type->mem)
        return t->type->mem(e);
    return api->usable(e);
}

/* ------------------------------------------------------------------ */
/* Sizing and incremental rehashing                                    */
/* ------------------------------------------------------------------ */

static inline int rehashing(const md_ht_t *t) { return t->rehashidx >= 0; }
static inline size_t sdk_ht_size(const md_ht_t *t) { return t->used[0] + t->used[1]; }

/* Elements in the chain of bucket h of b[s]. */
static uint32_t chain_at(const md_ht_t *t, int s, uint64_t h)
{
    uint32_t n = 0;
    for (void *e = t->b[s][h & t->mask[s]]; e; e = *next_of(t, e)) n++;
    return n;
}

/* Move bucket i of b[0] to b[1]; keeps the bounds valid. Growing, a
 * bucket of b[1] receives from one bucket of b[0] only, so the moved
 * chain's length bounds it; shrinking merges chains, so the destination
 * chains are counted (they are short: a shrink leaves a sparse table). */
static void move_bucket(md_ht_t *t, uint64_t i)
{
    int shrinking = t->mask[1] < t->mask[0];
    void *e = t->b[0][i];
    uint32_t len = 0;
    while (e) {
        void *next = *next_of(t, e);
        uint64_t h = hash_elem(t, e) & t->mask[1];
        *next_of(t, e) = t->b[1][h];
        t->b[1][h] = e;
        t->used[0]--;
        t->used[1]++;
        len++;
        if (shrinking && t->bound[1]) {
            uint32_t n = chain_at(t, 1, h);
            if (n > t->bound[1]) t->bound[1] = n;
        }
        e = next;
    }
    t->b[0][i] = NULL;
    if (!shrinking && t->bound[1] && len > t->bound[1]) t->bound[1] = len;
}

/* b[1] becomes the table once b[0] is empty. */
static void finish_rehash(md_ht_t *t)
{
    api->free(t->m, t->b[0]);
    t->b[0] = t->b[1];
    t->mask[0] = t->mask[1];
    t->used[0] = t->used[1];
    t->bound[0] = t->bound[1];
    t->b[1] = NULL;
    t->mask[1] = 0;
    t->used[1] = 0;
    t->bound[1] = 0;
    t->rehashidx = -1;
}

static void shrink_if_needed(md_ht_t *t);

/* Move up to n non-empty buckets (visiting at most 10n empty ones). */
static void rehash(md_ht_t *t, int n)
{
    int empty = n * 10;
    if (!rehashing(t) || t->paused) return;
    while (n-- > 0 && t->used[0]) {
        while (t->b[0][t->rehashidx] == NULL) {
            t->rehashidx++;
            if (--empty == 0) return;
        }
        move_bucket(t, (uint64_t)t->rehashidx++);
    }
    if (t->used[0] == 0) {
        int shrinking = t->mask[1] < t->mask[0];
        finish_rehash(t);
        /* Deletions may have gone on during a shrink (a grow, from
         * md_ht_expand, is left alone). */
        if (shrinking) shrink_if_needed(t);
    }
}

/* Start using a bucket array of the power of two >= want (and >= 4):
 * directly when the table has none, else as the rehash target. */
static void resize(md_ht_t *t, size_t want)
{
    uint64_t size = HT_MIN_SIZE;
    while (size < want && size < (1ULL << 62)) size <<= 1;
    if (rehashing(t) || (t->b[0] && size == t->mask[0] + 1)) return;
    void **nb = api->calloc(t->m, size * sizeof(void *));
    int s = t->b[0] ? 1 : 0;
    t->b[s] = nb;
    t->mask[s] = size - 1;
    t->used[s] = 0;
    t->bound[s] = 1;
    if (s == 1) t->rehashidx = 0;
}

static void grow_if_needed(md_ht_t *t)
{
    if (!t->b[0]) resize(t, HT_MIN_SIZE);
    else if (!rehashing(t) && !t->paused && t->used[0] >= t->mask[0] + 1)
        resize(t, t->used[0] + 1);
}

static void shrink_if_needed(md_ht_t *t)
{
    if (!rehashing(t) && !t->paused && t->mask[0] + 1 > HT_MIN_SIZE &&
        t->used[0] * 8 < t->mask[0] + 1)
        resize(t, t->used[0]);
}

static md_ht_t *sdk_ht_new(md_module_t *m, const md_ht_type_t *type, size_t hint)
{
    md_ht_t *t = api->calloc(m, sizeof(*t));
    t->type = type;
    t->m = m;
    t->rehashidx = -1;
    resize(t, hint);
    return t;
}

static void sdk_ht_free(md_ht_t *t)
{
    if (!t) return;
    for (int s = 0; s < 2; s++) {
        if (!t->b[s]) continue;
        for (uint64_t i = 0; i <= t->mask[s]; i++) {
            for (void *e = t->b[s][i], *next; e; e = next) {
                next = *next_of(t, e);
                elem_free(t, e);
            }
        }
        api->free(t->m, t->b[s]);
    }
    api->free(t->m, t);
}

static size_t sdk_ht_len(const md_ht_t *t) { return sdk_ht_size(t); }

/* Grow (never shrink) to hold n elements without further resizing. */
static void sdk_ht_expand(md_ht_t *t, size_t n)
{
    if (t->paused || (t->b[0] && n <= t->mask[0] + 1)) return;
    resize(t, n);
}

/* ------------------------------------------------------------------ */
/* Lookup, insertion, removal                                          */
/* ------------------------------------------------------------------ */

/* The link (bucket slot or a `next` field) that points at the element
 * with key k, or NULL. */
static void **find_link(const md_ht_t *t, const void *k, size_t n)
{
    uint64_t h = hash_key(k, n);
    for (int s = 0; s < 2 && t->b[s]; s++) {
        for (void **pp = &t->b[s][h & t->mask[s]]; *pp; pp = next_of(t, *pp))
            if (key_eq(t, *pp, k, n)) return pp;
    }
    return NULL;
}

static void *sdk_ht_find(md_ht_t *t, const void *k, size_t n)
{
    if (sdk_ht_size(t) == 0) return NULL;
    rehash(t, 1);
    void **pp = find_link(t, k, n);
    return pp ? *pp : NULL;
}

/* Link e at the head of its bucket in the side new elements go to;
 * `len` is the chain's new length when known, 0 when not. */
static void link_in(md_ht_t *t, void *e, uint64_t h, uint32_t len)
{
    int s = rehashing(t) ? 1 : 0;
    void **slot = &t->b[s][h & t->mask[s]];
    *next_of(t, e) = *slot;
    *slot = e;
    t->used[s]++;
    if (len == 0) t->bound[s] = 0;
    else if (t->bound[s] && len > t->bound[s]) t->bound[s] = len;
}

static int sdk_ht_add(md_ht_t *t, void *e)
{
    md_arg_t k = key_of(t, e);
    uint64_t h = hash_key(k.ptr, k.len);
    uint32_t len = 1;
    rehash(t, 1);
    grow_if_needed(t);
    for (int s = 0; s < 2 && t->b[s]; s++) {
        int target = s == (rehashing(t) ? 1 : 0);
        for (void *x = t->b[s][h & t->mask[s]]; x; x = *next_of(t, x)) {
            if (key_eq(t, x, k.ptr, k.len)) return 0;
            if (target) len++;
        }
    }
    link_in(t, e, h, len);
    return 1;
}

static void sdk_ht_add_new(md_ht_t *t, void *e)
{
    md_arg_t k = key_of(t, e);
    rehash(t, 1);
    grow_if_needed(t);
    uint64_t h = hash_key(k.ptr, k.len);
    link_in(t, e, h, chain_at(t, rehashing(t) ? 1 : 0, h) + 1);
}

static int sdk_ht_replace(md_ht_t *t, void *old, void *e)
{
    md_arg_t k = key_of(t, old);
    uint64_t h = hash_key(k.ptr, k.len);
    for (int s = 0; s < 2 && t->b[s]; s++) {
        for (void **pp = &t->b[s][h & t->mask[s]]; *pp; pp = next_of(t, *pp)) {
            if (*pp != old) continue;
            *next_of(t, e) = *next_of(t, old);
            *pp = e;
            return MD_OK;
        }
    }
    return MD_ERR;
}

static void *sdk_ht_unlink(md_ht_t *t, const void *k, size_t n)
{
    if (sdk_ht_size(t) == 0) return NULL;
    rehash(t, 1);
    uint64_t h = hash_key(k, n);
    for (int s = 0; s < 2 && t->b[s]; s++) {
        for (void **pp = &t->b[s][h & t->mask[s]]; *pp; pp = next_of(t, *pp)) {
            void *e = *pp;
            if (!key_eq(t, e, k, n)) continue;
            *pp = *next_of(t, e);
            t->used[s]--;
            shrink_if_needed(t);
            return e;
        }
    }
    return NULL;
}

static int sdk_ht_delete(md_ht_t *t, const void *k, size_t n)
{
    void *e = sdk_ht_unlink(t, k, n);
    if (!e) return 0;
    elem_free(t, e);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Iteration and SCAN                                                  */
/* ------------------------------------------------------------------ */

static void sdk_ht_iter_init(md_ht_iter_t *it, md_ht_t *t)
{
    it->t = t;
    it->next = NULL;
    it->idx = 0;
    it->side = 0;
    it->active = 1;
    t->paused++;
}

static void sdk_ht_iter_done(md_ht_iter_t *it)
{
    if (!it->active) return;
    it->active = 0;
    it->t->paused--;
}

static void *sdk_ht_iter_next(md_ht_iter_t *it)
{
    md_ht_t *t = it->t;
    if (!it->active) return NULL;
    while (it->next == NULL) {
        if (!t->b[it->side] || it->idx > t->mask[it->side]) {
            if (it->side == 0 && rehashing(t)) {
                it->side = 1;
                it->idx = 0;
                continue;
            }
            sdk_ht_iter_done(it);
            return NULL;
        }
        it->next = t->b[it->side][it->idx++];
    }
    void *e = it->next;
    it->next = *next_of(t, e);
    return e;
}

static void scan_bucket(const md_ht_t *t, void *e, md_ht_scan_fn fn, void *priv)
{
    while (e) {
        void *next = *next_of(t, e);
        fn(priv, e);
        e = next;
    }
}

/* Redis's dictScan: the bucket of the smaller table, then every bucket of
 * the larger one that expands it. */
static uint64_t sdk_ht_scan(md_ht_t *t, uint64_t v, md_ht_scan_fn fn, void *priv)
{
    if (sdk_ht_size(t) == 0) return 0;
    t->paused++;
    if (!rehashing(t)) {
        scan_bucket(t, t->b[0][v & t->mask[0]], fn, priv);
        v = rev_cursor_next(v, t->mask[0]);
    } else {
        int small = t->mask[0] <= t->mask[1] ? 0 : 1, big = 1 - small;
        uint64_t m0 = t->mask[small], m1 = t->mask[big];
        scan_bucket(t, t->b[small][v & m0], fn, priv);
        do {
            scan_bucket(t, t->b[big][v & m1], fn, priv);
            v = rev_cursor_next(v, m1);
        } while (v & (m0 ^ m1));
    }
    t->paused--;
    return v;
}

/* ------------------------------------------------------------------ */
/* Random elements                                                     */
/* ------------------------------------------------------------------ */

static uint64_t gen(void *unused)
{
    (void)unused;
    return api->rand64();
}

static uint64_t below(uint64_t n) { return md_rand_below_from(gen, NULL, n); }

static uint32_t longest_chain(const md_ht_t *t, int s)
{
    uint32_t best = 1;
    for (uint64_t i = 0; i <= t->mask[s]; i++) {
        uint32_t len = 0;
        for (void *e = t->b[s][i]; e; e = *next_of(t, e)) len++;
        if (len > best) best = len;
    }
    return best;
}

static void *sdk_ht_random(md_ht_t *t)
{
    if (sdk_ht_size(t) == 0) return NULL;
    rehash(t, 1);
    uint64_t first = rehashing(t) ? (uint64_t)t->rehashidx : 0;
    uint64_t span0 = t->mask[0] + 1 - first, span1 = rehashing(t) ? t->mask[1] + 1 : 0;
    uint32_t k = 0;
    for (int s = 0; s < 2 && t->b[s]; s++) {
        if (t->bound[s] == 0) t->bound[s] = longest_chain(t, s);
        if (t->bound[s] > k) k = t->bound[s];
    }
    for (;;) {
        uint64_t r = below((span0 + span1) * k), slot = r / k, pos = r % k;
        void *e = slot < span0 ? t->b[0][first + slot] : t->b[1][slot - span0];
        while (e && pos--) e = *next_of(t, e);
        if (e) return e;
    }
}

/* Every element into out[] (room for sdk_ht_size), in table order. */
static size_t collect_all(const md_ht_t *t, void **out)
{
    size_t n = 0;
    for (int s = 0; s < 2 && t->b[s]; s++)
        for (uint64_t i = 0; i <= t->mask[s]; i++)
            for (void *e = t->b[s][i]; e; e = *next_of(t, e)) out[n++] = e;
    return n;
}

static void shuffle(void **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)below(i);
        void *tmp = v[i - 1];
        v[i - 1] = v[j];
        v[j] = tmp;
    }
}

/* Selection sampling (Knuth's algorithm S) over the table order. */
static size_t sample_by_walk(const md_ht_t *t, void **out, size_t count)
{
    size_t seen = 0, n = sdk_ht_size(t), got = 0;
    for (int s = 0; s < 2 && t->b[s]; s++)
        for (uint64_t i = 0; i <= t->mask[s]; i++)
            for (void *e = t->b[s][i]; e && got < count; e = *next_of(t, e), seen++)
                if (below(n - seen) < count - got) out[got++] = e;
    return got;
}

/* Few out of many: fair draws, repeats skipped with a small pointer set. */
static size_t sample_by_draws(md_ht_t *t, void **out, size_t count)
{
    uint64_t cap = 4;
    while (cap < count * 2) cap <<= 1;
    void **set = api->calloc(t->m, cap * sizeof(void *));
    size_t got = 0;
    while (got < count) {
        void *e = sdk_ht_random(t);
        uint64_t i = hash_key(&e, sizeof e) & (cap - 1);
        while (set[i] && set[i] != e) i = (i + 1) & (cap - 1);
        if (set[i]) continue;
        set[i] = e;
        out[got++] = e;
    }
    api->free(t->m, set);
    return got;
}

static size_t sdk_ht_random_distinct(md_ht_t *t, void **out, size_t count)
{
    size_t n = sdk_ht_size(t);
    if (count >= n) {
        n = collect_all(t, out);
        shuffle(out, n);
        return n;
    }
    if (count * 3 > n) count = sample_by_walk(t, out, count);
    else count = sample_by_draws(t, out, count);
    shuffle(out, count);
    return count;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

static size_t sdk_ht_mem(const md_ht_t *t)
{
    size_t m = api->usable(t), bytes = 0, seen = 0;
    for (int s = 0; s < 2; s++)
        if (t->b[s]) m += api->usable(t->b[s]);
    for (int s = 0; s < 2 && t->b[s] && seen < HT_MEM_SAMPLE; s++)
        for (uint64_t i = 0; i <= t->mask[s] && seen < HT_MEM_SAMPLE; i++)
            for (void *e = t->b[s][i]; e && seen < HT_MEM_SAMPLE; e = *next_of(t, e)) {
                bytes += elem_mem(t, e);
                seen++;
            }
    if (seen == sdk_ht_size(t)) return m + bytes;
    return m + (size_t)((double)bytes / (double)seen * (double)sdk_ht_size(t));
}

static size_t chain_len(const void *table, int side, size_t i)
{
    return chain_at(table, side, i);
}

/* DEBUG HTSTATS-KEY's text (htstats.h), in the table's module's memory. */
static char *sdk_ht_stats(const md_ht_t *t, int full)
{
    htstats_table_t s = {t, {t->b[0] ? t->mask[0] + 1 : 0, t->b[1] ? t->mask[1] + 1 : 0},
                         {t->used[0], t->used[1]}, chain_len};
    char buf[4096];
    size_t n = htstats_format(buf, sizeof(buf), 0, NULL, &s, full);
    char *out = api->alloc(t->m, n + 1);
    memcpy(out, buf, n + 1);
    return out;
}

void sdk_api_fill_htable(md_api_t *a)
{
    api = a;
    a->ht_new = sdk_ht_new;
    a->ht_free = sdk_ht_free;
    a->ht_len = sdk_ht_len;
    a->ht_expand = sdk_ht_expand;
    a->ht_find = sdk_ht_find;
    a->ht_add = sdk_ht_add;
    a->ht_add_new = sdk_ht_add_new;
    a->ht_replace = sdk_ht_replace;
    a->ht_unlink = sdk_ht_unlink;
    a->ht_delete = sdk_ht_delete;
    a->ht_iter_init = sdk_ht_iter_init;
    a->ht_iter_next = sdk_ht_iter_next;
    a->ht_iter_done = sdk_ht_iter_done;
    a->ht_scan = sdk_ht_scan;
    a->ht_random = sdk_ht_random;
    a->ht_random_distinct = sdk_ht_random_distinct;
    a->ht_mem = sdk_ht_mem;
    a->ht_stats = sdk_ht_stats;
}
