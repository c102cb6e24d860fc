/*
 * ks.c — keyspace hash table and db operations.
 *
 * The table is chained with power-of-two bucket arrays and Redis-style
 * incremental rehashing: while b[1] exists, every lookup/insert moves one
 * bucket from b[0] to b[1]; new entries go to b[1]. Entries do not cache
 * their hash; it is recomputed when moved.
 */
#include "ks.h"
#include "htstats.h"
#include "mem.h"
#include "types.h"
#include "util.h"
#include "ks_hooks.h"
#include "rev_cursor.h"

#include <stdlib.h>
#include <string.h>

ks_stats_t ks_stats;
uint64_t ks_gen = 1;

#define KS_INIT_SIZE 4

static inline uint64_t entry_hash(const char *key, size_t len)
{
    return util_hash(key, len);
}

static inline int rehashing(const ks_table_t *t) { return t->rehashidx != -1; }

static void table_expand(ks_table_t *t, size_t want);

/* Move up to n buckets from b[0] to b[1]; returns 1 while more remain. */
static int table_rehash(ks_table_t *t, int n)
{
    int empty_visits = n * 10;
    if (!rehashing(t)) return 0;
    while (n-- && t->used[0]) {
        while (t->b[0][t->rehashidx] == NULL) {
            t->rehashidx++;
            if (--empty_visits == 0) return 1;
        }
        ks_entry_t *e = t->b[0][t->rehashidx];
        while (e) {
            ks_entry_t *next = e->next;
            uint64_t i = entry_hash(e->key, e->keylen) & t->mask[1];
            e->next = t->b[1][i];
            t->b[1][i] = e;
            t->used[0]--;
            t->used[1]++;
            e = next;
        }
        t->b[0][t->rehashidx] = NULL;
        t->rehashidx++;
    }
    if (t->used[0] == 0) {
        mem_free(t->b[0]);
        t->b[0] = t->b[1];
        t->mask[0] = t->mask[1];
        t->used[0] = t->used[1];
        t->b[1] = NULL;
        t->mask[1] = 0;
        t->used[1] = 0;
        t->rehashidx = -1;
        return 0;
    }
    return 1;
}

static inline void table_step(ks_table_t *t)
{
    if (rehashing(t) && !t->pause_rehash) table_rehash(t, 1);
}

static void table_expand(ks_table_t *t, size_t want)
{
    size_t size = KS_INIT_SIZE;
    while (size < want) size <<= 1;
    ks_entry_t **nb = mem_calloc(size * sizeof(*nb));
    if (t->b[0] == NULL) {
        t->b[0] = nb;
        t->mask[0] = size - 1;
        t->used[0] = 0;
        return;
    }
    t->b[1] = nb;
    t->mask[1] = size - 1;
    t->used[1] = 0;
    t->rehashidx = 0;
}

void ks_db_init(ks_db_t *db, int id)
{
    memset(db, 0, sizeof(*db));
    db->t.rehashidx = -1;
    ptrset_init(&db->vol);
    db->id = id;
}

size_t ks_size(const ks_db_t *db) { return db->t.used[0] + db->t.used[1]; }

ks_entry_t *ks_find(ks_db_t *db, const char *key, size_t len)
{
    ks_table_t *t = &db->t;
    if (ks_size(db) == 0) return NULL;
    table_step(t);
    uint64_t h = entry_hash(key, len);
    for (int ti = 0; ti <= 1; ti++) {
        if (!t->b[ti]) break;
        for (ks_entry_t *e = t->b[ti][h & t->mask[ti]]; e; e = e->next)
            if (e->keylen == len && memcmp(e->key, key, len) == 0) return e;
        if (!rehashing(t)) break;
    }
    return NULL;
}

int ks_is_expired(const ks_entry_t *e)
{
    return e->expire && e->expire < ks_hooks.now_ms(); /* Redis: now > when */
}

ks_entry_t *ks_lookup(ks_db_t *db, const char *key, size_t len)
{
    ks_entry_t *e = ks_find(db, key, len);
    if (e && e->expire && ks_is_expired(e)) {
        if (!ks_hooks.may_expire())
            return ks_hooks.hide_expired && ks_hooks.hide_expired() ? NULL : e;
        if (ks_hooks.expire_paused && ks_hooks.expire_paused()) return NULL;
        ks_hooks.expired(db, e);
        ks_stats.expired_keys++;
        if (ks_hooks.lazy_expire()) ks_delete_lazy(db, e);
        else ks_delete(db, e);
        return NULL;
    }
    return e;
}

ks_entry_t *ks_add(ks_db_t *db, const char *key, size_t len, uint8_t type,
                   void *value)
{
    if (ks_hooks.expire_paused && ks_hooks.expire_paused()) {
        /* a key CLIENT PAUSE keeps after it expired gives way (a write
         * that does not wait: a module's, the AOF's) */
        ks_entry_t *old = ks_find(db, key, len);
        if (old) {
            ks_hooks.expired(db, old);
            ks_stats.expired_keys++;
            ks_delete(db, old);
        }
    }
    ks_table_t *t = &db->t;
    table_step(t);
    if (!rehashing(t)) {
        if (!t->b[0]) table_expand(t, KS_INIT_SIZE);
        else if (t->used[0] >= t->mask[0] + 1) table_expand(t, (t->used[0] + 1) * 2);
    }
    ks_entry_t *e = mem_alloc(sizeof(*e) + len);
    e->value = value;
    e->expire = 0;
    e->keylen = (uint32_t)len;
    e->subexp = 0;
    e->type = type;
    memcpy(e->key, key, len);
    if (ks_hooks.lfu()) {
        /* LFU: minutes clock now, counter at Redis's initial 5. */
        uint16_t now = (uint16_t)((ks_hooks.now_ms() / 60000) & 0xFFFF);
        e->lru[0] = (uint8_t)now;
        e->lru[1] = (uint8_t)(now >> 8);
        e->lru[2] = 5;
    } else {
        ks_touch(e);
    }
    int ti = rehashing(t) ? 1 : 0;
    uint64_t i = entry_hash(key, len) & t->mask[ti];
    e->next = t->b[ti][i];
    t->b[ti][i] = e;
    t->used[ti]++;
    types_by_id(type)->nkeys++;
    ks_gen++;
    return e;
}

void ks_free_value(uint8_t type, void *value, int lazy)
{
    ks_hooks.free_value(types_by_id(type), value, lazy);
}

void ks_set_value(ks_db_t *db, ks_entry_t *e, uint8_t type, void *value)
{
    void *old = e->value;
    uint8_t oldtype = e->type;
    e->value = value;
    if (type != oldtype) {
        types_by_id(oldtype)->nkeys--;
        types_by_id(type)->nkeys++;
        e->type = type;
    }
    ks_free_value(oldtype, old, 0);
}

/* Unlink e from its bucket chain. */
static void table_unlink(ks_table_t *t, ks_entry_t *e)
{
    uint64_t h = entry_hash(e->key, e->keylen);
    for (int ti = 0; ti <= 1; ti++) {
        if (!t->b[ti]) break;
        ks_entry_t **pp = &t->b[ti][h & t->mask[ti]];
        for (; *pp; pp = &(*pp)->next) {
            if (*pp == e) {
                *pp = e->next;
                t->used[ti]--;
                return;
            }
        }
    }
    abort(); /* invariant: the entry is in the table */
}

void *ks_detach(ks_db_t *db, ks_entry_t *e, uint8_t *type, int64_t *expire)
{
    return ks_detach_sub(db, e, type, expire, NULL);
}

void *ks_detach_sub(ks_db_t *db, ks_entry_t *e, uint8_t *type, int64_t *expire,
                    int *subexp)
{
    void *v = e->value;
    table_unlink(&db->t, e);
    if (e->expire) ptrset_del(&db->vol, e);
    if (e->subexp) ptrset_del(&db->subvol, e);
    if (subexp) *subexp = e->subexp;
    if (type) *type = e->type;
    if (expire) *expire = e->expire;
    types_by_id(e->type)->nkeys--;
    mem_free(e);
    ks_gen++;
    return v;
}

void ks_delete(ks_db_t *db, ks_entry_t *e)
{
    uint8_t type;
    void *v = ks_detach(db, e, &type, NULL);
    ks_free_value(type, v, 0);
}

void ks_delete_lazy(ks_db_t *db, ks_entry_t *e)
{
    uint8_t type;
    void *v = ks_detach(db, e, &type, NULL);
    ks_free_value(type, v, 1);
}

void ks_set_expire(ks_db_t *db, ks_entry_t *e, int64_t when_ms)
{
    if (when_ms <= 0) {
        if (e->expire) ptrset_del(&db->vol, e);
        e->expire = 0;
        return;
    }
    if (!e->expire) ptrset_add(&db->vol, e);
    e->expire = when_ms;
}

void ks_set_subexpire(ks_db_t *db, ks_entry_t *e, int on)
{
    if (on && !e->subexp) ptrset_add(&db->subvol, e);
    else if (!on && e->subexp) ptrset_del(&db->subvol, e);
    e->subexp = on ? 1 : 0;
}

int ks_each(ks_db_t *db, int (*fn)(void *priv, ks_entry_t *e), void *priv)
{
    ks_table_t *t = &db->t;
    for (int ti = 0; ti <= 1; ti++) {
        if (!t->b[ti]) continue;
        for (uint64_t i = 0; i <= t->mask[ti]; i++)
            for (ks_entry_t *e = t->b[ti][i], *next; e; e = next) {
                next = e->next;
                int rc = fn(priv, e);
                if (rc) return rc;
            }
    }
    return 0;
}

size_t ks_flush(ks_db_t *db, int lazy)
{
    ks_table_t *t = &db->t;
    size_t n = ks_size(db);
    for (int ti = 0; ti <= 1; ti++) {
        if (!t->b[ti]) continue;
        for (uint64_t i = 0; i <= t->mask[ti]; i++) {
            ks_entry_t *e = t->b[ti][i];
            while (e) {
                ks_entry_t *next = e->next;
                types_by_id(e->type)->nkeys--;
                ks_free_value(e->type, e->value, lazy);
                mem_free(e);
                e = next;
            }
        }
        mem_free(t->b[ti]);
    }
    ptrset_clear(&db->vol);
    ptrset_clear(&db->subvol);
    ks_gen++;
    int id = db->id;
    ks_db_init(db, id);
    return n;
}

void ks_swap(ks_db_t *a, ks_db_t *b)
{
    ks_gen++;
    ks_db_t tmp = *a;
    *a = *b;
    *b = tmp;
    b->id = a->id;
    a->id = tmp.id;
    /* ptrset tombstones are the set's own address: rebuild the sets. */
    ptrset_rehome(&a->vol, &b->vol);
    ptrset_rehome(&b->vol, &a->vol);
    ptrset_rehome(&a->subvol, &b->subvol);
    ptrset_rehome(&b->subvol, &a->subvol);
}

static void scan_bucket(ks_entry_t *e, ks_scan_fn fn, void *priv)
{
    while (e) {
        ks_entry_t *next = e->next;
        fn(priv, e);
        e = next;
    }
}

uint64_t ks_scan(ks_db_t *db, uint64_t v, ks_scan_fn fn, void *priv)
{
    ks_table_t *t = &db->t;
    if (ks_size(db) == 0) return 0;
    t->pause_rehash++;
    if (!rehashing(t)) {
        uint64_t m = t->mask[0];
        scan_bucket(t->b[0][v & m], fn, priv);
        v = rev_cursor_next(v, m);
    } else {
        int small = t->mask[0] <= t->mask[1] ? 0 : 1, big = 1 - small;
        uint64_t m0 = t->mask[small], m1 = t->mask[big];
        scan_bucket(t->b[small][v & m0], fn, priv);
        do {
            scan_bucket(t->b[big][v & m1], fn, priv);
            v = rev_cursor_next(v, m1);
        } while (v & (m0 ^ m1));
    }
    t->pause_rehash--;
    return v;
}

ks_entry_t *ks_random(ks_db_t *db)
{
    ks_table_t *t = &db->t;
    if (ks_size(db) == 0) return NULL;
    table_step(t);
    ks_entry_t *e = NULL;
    while (!e) {
        if (rehashing(t)) {
            uint64_t span = (t->mask[0] + 1) + (t->mask[1] + 1) - t->rehashidx;
            uint64_t i = t->rehashidx + ((uint64_t)random() % span);
            e = i > t->mask[0] ? t->b[1][i - (t->mask[0] + 1)] : t->b[0][i];
        } else {
            e = t->b[0][(uint64_t)random() & t->mask[0]];
        }
    }
    size_t len = 0;
    for (ks_entry_t *x = e; x; x = x->next) len++;
    size_t pick = (size_t)random() % len;
    while (pick--) e = e->next;
    return e;
}

void ks_rehash_step_time(ks_db_t *db, uint64_t us)
{
    uint64_t start = util_monotonic_us();
    while (rehashing(&db->t) && !db->t.pause_rehash) {
        table_rehash(&db->t, 100);
        if (util_monotonic_us() - start > us) break;
    }
}

static size_t chain_len(const void *table, int side, size_t i)
{
    const ks_table_t *t = table;
    size_t n = 0;
    for (const ks_entry_t *e = t->b[side][i]; e; e = e->next) n++;
    return n;
}

size_t ks_htstats(const ks_db_t *db, int full, char *buf, size_t cap)
{
    const ks_table_t *t = &db->t;
    htstats_table_t keys = {t, {t->b[0] ? t->mask[0] + 1 : 0, t->b[1] ? t->mask[1] + 1 : 0},
                            {t->used[0], t->used[1]}, chain_len};
    /* The TTL index is open addressing: sizes only, no chains. */
    htstats_table_t vol = {&db->vol, {db->vol.cap, 0}, {db->vol.used, 0}, NULL};
    size_t len = htstats_format(buf, cap, 0, "[Dictionary HT]\n", &keys, full);
    return htstats_format(buf, cap, len, "[Expires HT]\n", &vol, 0);
}

void ks_maybe_shrink(ks_db_t *db)
{
    ks_table_t *t = &db->t;
    if (!rehashing(t) && t->b[0] && t->mask[0] + 1 > KS_INIT_SIZE &&
        t->used[0] * 8 < t->mask[0] + 1 && !t->pause_rehash) {
        table_expand(t, t->used[0] ? t->used[0] : KS_INIT_SIZE);
    }
    ptrset_shrink(&db->vol);
    ptrset_shrink(&db->subvol);
}

uint32_t ks_lru_clock(void)
{
    return (uint32_t)(ks_hooks.now_ms() / 1000) & 0xFFFFFF;
}

static inline uint32_t lru_get(const ks_entry_t *e)
{
    return (uint32_t)e->lru[0] | ((uint32_t)e->lru[1] << 8) | ((uint32_t)e->lru[2] << 16);
}

static inline void lru_put(ks_entry_t *e, uint32_t v)
{
    e->lru[0] = (uint8_t)v;
    e->lru[1] = (uint8_t)(v >> 8);
    e->lru[2] = (uint8_t)(v >> 16);
}

/* LFU layout: lru[0..1] = minutes clock (16 bits), lru[2] = log counter. */
static uint8_t lfu_decayed(const ks_entry_t *e, uint16_t now_min)
{
    uint16_t then = (uint16_t)(e->lru[0] | (e->lru[1] << 8));
    unsigned elapsed = now_min >= then ? now_min - then : 65535 - then + now_min;
    unsigned decay = ks_hooks.lfu_decay_time();
    uint8_t c = e->lru[2];
    if (decay) {
        unsigned periods = elapsed / decay;
        c = periods > c ? 0 : (uint8_t)(c - periods);
    }
    return c;
}

void ks_touch(ks_entry_t *e)
{
    if (!ks_hooks.lfu()) {
        lru_put(e, ks_lru_clock());
        return;
    }
    uint16_t now = (uint16_t)((ks_hooks.now_ms() / 60000) & 0xFFFF);
    uint8_t c = lfu_decayed(e, now);
    if (c < 255) {
        double r = (double)random() / RAND_MAX;
        double base = c > 5 ? c - 5 : 0;
        double p = 1.0 / (base * ks_hooks.lfu_log_factor() + 1);
        if (r < p) c++;
    }
    e->lru[0] = (uint8_t)now;
    e->lru[1] = (uint8_t)(now >> 8);
    e->lru[2] = c;
}

uint64_t ks_idle_ms(const ks_entry_t *e)
{
    uint32_t now = ks_lru_clock(), then = lru_get(e);
    uint32_t d = now >= then ? now - then : (0xFFFFFF - then) + now;
    return (uint64_t)d * 1000;
}

void ks_set_idle(ks_entry_t *e, uint64_t idle_secs)
{
    uint32_t now = ks_lru_clock();
    uint32_t idle = idle_secs > 0xFFFFFF ? 0xFFFFFF : (uint32_t)idle_secs;
    lru_put(e, now >= idle ? now - idle : 0xFFFFFF - (idle - now));
}

void ks_set_lfu(ks_entry_t *e, uint8_t count)
{
    uint16_t now = (uint16_t)((ks_hooks.now_ms() / 60000) & 0xFFFF);
    e->lru[0] = (uint8_t)now;
    e->lru[1] = (uint8_t)(now >> 8);
    e->lru[2] = count;
}

int ks_set_access(ks_entry_t *e, long long freq, long long idle_secs)
{
    if (ks_hooks.lfu()) {
        if (freq < 0) return 0;
        ks_set_lfu(e, freq > 255 ? 255 : (uint8_t)freq);
        return 1;
    }
    if (idle_secs < 0) return 0;
    ks_set_idle(e, (uint64_t)idle_secs);
    return 1;
}

uint8_t ks_lfu_count(const ks_entry_t *e)
{
    uint16_t now = (uint16_t)((ks_hooks.now_ms() / 60000) & 0xFFFF);
    return lfu_decayed(e, now);
}
