/*
 * evict.c — see evict.h.
 *
 * The pool holds up to EVPOOL candidates (db, key copy, score), sorted by
 * score, the best (highest) last; a candidate may be stale (the key gone
 * or changed) and is checked when picked. Scores: LRU the idle time, LFU
 * 255 minus the decayed counter, TTL the reverse of the expiry time.
 */
#include "evict.h"
#include "expire.h"
#include "latency.h"
#include "ks.h"
#include "lazyfree.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define EVPOOL 16

typedef struct cand {
    uint64_t score;
    int dbid;
    size_t len;
    char *key;
} cand_t;

static cand_t pool[EVPOOL];
static int npool;
static int pending;     /* the time limit cut the last run */
static unsigned next_db; /* the random policies' round-robin */

static int volatile_only(int p)
{
    return p == MAXMEM_VOLATILE_LRU || p == MAXMEM_VOLATILE_LFU ||
           p == MAXMEM_VOLATILE_RANDOM || p == MAXMEM_VOLATILE_TTL;
}

static int random_policy(int p) { return p == MAXMEM_ALLKEYS_RANDOM || p == MAXMEM_VOLATILE_RANDOM; }

/* Higher score = better eviction candidate. */
static uint64_t score(const ks_entry_t *e, int p)
{
    switch (p) {
    case MAXMEM_ALLKEYS_LFU:
    case MAXMEM_VOLATILE_LFU: return 255 - ks_lfu_count(e);
    case MAXMEM_VOLATILE_TTL: return UINT64_MAX - (uint64_t)e->expire;
    default: return ks_idle_ms(e);
    }
}

static ks_entry_t *sample(ks_db_t *db, int vol)
{
    if (!vol) return ks_random(db);
    if (!db->vol.used) return NULL;
    for (int tries = 0; tries < 100; tries++) {
        ks_entry_t *e = ptrset_at(&db->vol, (size_t)random());
        if (e) return e;
    }
    return NULL;
}

static void pool_drop(int i)
{
    mem_free(pool[i].key);
    memmove(pool + i, pool + i + 1, sizeof(*pool) * (size_t)(npool - i - 1));
    npool--;
}

/* Insert a candidate in score order, unless the pool is full of better
 * ones or holds the key already. */
static void pool_insert(uint64_t sc, int dbid, const ks_entry_t *e)
{
    for (int i = 0; i < npool; i++)
        if (pool[i].dbid == dbid && pool[i].len == e->keylen &&
            memcmp(pool[i].key, e->key, e->keylen) == 0)
            return;
    int at = 0;
    while (at < npool && pool[at].score < sc) at++;
    if (npool == EVPOOL) {
        if (at == 0) return; /* worse than every candidate */
        mem_free(pool[0].key); /* drop the worst to make room */
        memmove(pool, pool + 1, sizeof(*pool) * (size_t)(at - 1));
        at--;
    } else {
        memmove(pool + at + 1, pool + at, sizeof(*pool) * (size_t)(npool - at));
        npool++;
    }
    pool[at].score = sc;
    pool[at].dbid = dbid;
    pool[at].len = e->keylen;
    pool[at].key = mem_alloc(e->keylen ? e->keylen : 1);
    memcpy(pool[at].key, e->key, e->keylen);
}

/* The best candidate still there (stale ones are dropped on the way). */
static ks_entry_t *pool_pick(int vol, ks_db_t **dbp)
{
    while (npool) {
        cand_t *c = &pool[npool - 1];
        ks_db_t *db = &srv.db[c->dbid];
        ks_entry_t *e = ks_find(db, c->key, c->len);
        pool_drop(npool - 1);
        if (e && (!vol || e->expire)) {
            *dbp = db;
            return e;
        }
    }
    return NULL;
}

static ks_entry_t *pick_sampled(int p, ks_db_t **dbp)
{
    int vol = volatile_only(p);
    for (;;) {
        int sampled = 0;
        for (int i = 0; i < srv.databases; i++) {
            ks_db_t *db = &srv.db[i];
            if (!(vol ? db->vol.used : ks_size(db))) continue;
            for (int s = 0; s < srv.maxmemory_samples; s++) {
                ks_entry_t *e = sample(db, vol);
                if (!e) break;
                pool_insert(score(e, p), i, e);
                sampled++;
            }
        }
        if (!sampled) return NULL;
        ks_entry_t *e = pool_pick(vol, dbp);
        if (e) return e;
    }
}

static ks_entry_t *pick_random(int p, ks_db_t **dbp)
{
    int vol = volatile_only(p);
    for (int i = 0; i < srv.databases; i++) {
        ks_db_t *db = &srv.db[(++next_db) % (unsigned)srv.databases];
        ks_entry_t *e = sample(db, vol);
        if (e) {
            *dbp = db;
            return e;
        }
    }
    return NULL;
}

/* Redis's evictionTimeLimitUs: 50 us per step up to 10, then growing by
 * 15% a step; 100 is no limit. */
static uint64_t time_limit_us(void)
{
    int t = srv.maxmemory_eviction_tenacity;
    if (t <= 10) return 50 * (uint64_t)t;
    if (t < 100) {
        double us = 500.0;
        for (int i = 10; i < t; i++) us *= 1.15;
        return (uint64_t)us;
    }
    return UINT64_MAX;
}

int evict_perform(void)
{
    /* CLIENT PAUSE holds eviction (and so refuses nothing), as Redis; a
     * replica keeps what its primary sends unless told otherwise */
    if (!srv.maxmemory || srv.clients_paused ||
        (srv.repl.masterhost && srv.repl.ignore_maxmemory) ||
        mem_used() <= (size_t)srv.maxmemory) {
        pending = 0;
        return 0;
    }
    int p = srv.maxmemory_policy;
    if (p == MAXMEM_NOEVICTION) return -1;
    uint64_t start = util_monotonic_us(), limit = time_limit_us();
    long freed = 0;
    while (mem_used() > (size_t)srv.maxmemory) {
        ks_db_t *db = NULL;
        ks_entry_t *e = random_policy(p) ? pick_random(p, &db) : pick_sampled(p, &db);
        if (!e) {
            pending = 0;
            latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
            return -1;
        }
        uint64_t del = util_monotonic_us();
        notify_keyspace(NOTIFY_EVICTED, "evicted", e->key, e->keylen, db->id);
        notify_key_modified(db->id, e->key, e->keylen);
        expire_propagate_del(db->id, e->key, e->keylen);
        if (srv.hostconf.lazyfree_lazy_eviction) ks_delete_lazy(db, e);
        else ks_delete(db, e);
        latency_add("eviction-del", (util_monotonic_us() - del) / 1000);
        ks_stats.evicted_keys++;
        /* A value freed in the background brings memory down soon: the
         * command runs meanwhile (Redis's EVICT_RUNNING), the cron goes on. */
        if (srv.hostconf.lazyfree_lazy_eviction && lazyfree_pending()) {
            pending = 1;
            latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
            return 0;
        }
        if (++freed % 16 == 0 && util_monotonic_us() - start > limit) {
            pending = 1; /* let the command run; the cron goes on */
            latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
            return 0;
        }
    }
    pending = 0;
    latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
    return 0;
}

void evict_cron(void)
{
    if (pending) evict_perform();
}
