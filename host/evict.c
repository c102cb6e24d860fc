/*
 * evict.c — approximated LRU/LFU/TTL/random eviction: each round samples
 * maxmemory-samples keys (all keys or only those with a TTL, by policy)
 * from every db and evicts the best candidate.
 */
#include "evict.h"
#include "expire.h"
#include "latency.h"
#include "ks.h"
#include "mem.h"
#include "notify.h"
#include "server.h"
#include "util.h"

#include <stdlib.h>

static int volatile_only(int p)
{
    return p == MAXMEM_VOLATILE_LRU || p == MAXMEM_VOLATILE_LFU ||
           p == MAXMEM_VOLATILE_RANDOM || p == MAXMEM_VOLATILE_TTL;
}

/* Higher score = better eviction candidate. */
static uint64_t score(const ks_entry_t *e, int p)
{
    switch (p) {
    case MAXMEM_ALLKEYS_LFU:
    case MAXMEM_VOLATILE_LFU: return 255 - ks_lfu_count(e);
    case MAXMEM_VOLATILE_TTL: return UINT64_MAX - (uint64_t)e->expire;
    case MAXMEM_ALLKEYS_RANDOM:
    case MAXMEM_VOLATILE_RANDOM: return 0;
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

int evict_perform(void)
{
    /* CLIENT PAUSE holds eviction (and so refuses nothing), as Redis */
    if (!srv.maxmemory || srv.clients_paused || mem_used() <= (size_t)srv.maxmemory) return 0;
    int p = srv.maxmemory_policy;
    if (p == MAXMEM_NOEVICTION) return -1;
    int vol = volatile_only(p);
    uint64_t start = util_monotonic_us();
    while (mem_used() > (size_t)srv.maxmemory) {
        ks_entry_t *best = NULL;
        ks_db_t *bestdb = NULL;
        uint64_t bestscore = 0;
        for (int i = 0; i < srv.databases; i++) {
            ks_db_t *db = &srv.db[i];
            if (!ks_size(db)) continue;
            for (int s = 0; s < srv.maxmemory_samples; s++) {
                ks_entry_t *e = sample(db, vol);
                if (!e) break;
                uint64_t sc = score(e, p);
                if (!best || sc > bestscore) {
                    best = e;
                    bestdb = db;
                    bestscore = sc;
                }
            }
        }
        if (!best) {
            latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
            return -1;
        }
        uint64_t del = util_monotonic_us();
        notify_keyspace(NOTIFY_EVICTED, "evicted", best->key, best->keylen, bestdb->id);
        notify_key_modified(bestdb->id, best->key, best->keylen);
        expire_propagate_del(bestdb->id, best->key, best->keylen);
        ks_delete(bestdb, best);
        latency_add("eviction-del", (util_monotonic_us() - del) / 1000);
        ks_stats.evicted_keys++;
    }
    latency_add("eviction-cycle", (util_monotonic_us() - start) / 1000);
    return 0;
}
