/*
 * expire.c — active expiry in the spirit of Redis's adaptive algorithm:
 * per db, sample up to 20 keys with a TTL from the volatile set, delete
 * the expired ones, and repeat while more than 10% of a sample (less with
 * a higher active-expire-effort) was expired and the time budget lasts.
 */
#include "expire.h"
#include "latency.h"
#include "ks.h"
#include "notify.h"
#include "propagate.h"
#include "server.h"
#include "util.h"

#include <stdlib.h>

static expire_subkeys_fn subkeys;

void expire_set_subkeys(expire_subkeys_fn fn) { subkeys = fn; }

void expire_propagate_del(int dbid, const char *key, unsigned len)
{
    md_arg_t argv[2] = {{"DEL", 3}, {key, len}};
    if (!prop_active()) return;
    /* Inside a call the DEL goes out with the call's own records, before
     * them; outside (the cron's expiry cycle) it goes out at once. */
    prop_record_also(dbid, 2, argv);
}

void expire_on_expired(ks_db_t *db, ks_entry_t *e)
{
    notify_keyspace(NOTIFY_EXPIRED, "expired", e->key, e->keylen, db->id);
    notify_key_modified(db->id, e->key, e->keylen);
    expire_propagate_del(db->id, e->key, e->keylen);
}

/* Sample one db; returns keys expired and sets *sampled. */
static int expire_db_round(ks_db_t *db, int want, int64_t now, int *sampled)
{
    int expired = 0, seen = 0;
    ptrset_t *v = &db->vol;
    size_t probes = 0, maxprobes = (size_t)want * 20;
    while (v->used && seen < want && probes < maxprobes) {
        ks_entry_t *e = ptrset_at(v, db->expire_cursor++);
        probes++;
        if (!e) continue;
        seen++;
        if (e->expire < now) {
            expire_on_expired(db, e);
            ks_stats.expired_keys++;
            if (srv.lazyfree_lazy_expire) ks_delete_lazy(db, e);
            else ks_delete(db, e);
            expired++;
        }
    }
    *sampled = seen;
    return expired;
}

/* Sample keys whose sub-keys carry TTLs; let their type expire them. */
static void subexpire_db(ks_db_t *db, int want, int64_t now)
{
    ptrset_t *v = &db->subvol;
    size_t probes = 0, maxprobes = (size_t)want * 20;
    int seen = 0;
    while (v->used && seen < want && probes < maxprobes) {
        ks_entry_t *e = ptrset_at(v, db->subexpire_cursor++);
        probes++;
        if (!e) continue;
        seen++;
        subkeys(db, e, now);
    }
}

void expire_cycle(void)
{
    /* A replica's keys expire by its primary's DELs. */
    if (!srv.active_expire_enabled || srv.active_expire_paused || srv.clients_paused ||
        srv.repl.masterhost)
        return;
    int effort = srv.active_expire_effort - 1; /* 0..9 */
    int per_loop = 20 + 20 / 4 * effort;
    int stale_pct = 10 - effort;
    uint64_t budget_us = (uint64_t)(25 + 2 * effort) * 1000000 / (uint64_t)srv.hz / 100;
    uint64_t start = util_monotonic_us();
    long long total_sampled = 0, total_expired = 0;
    int64_t now = util_mstime();
    for (int i = 0; i < srv.databases; i++) {
        ks_db_t *db = &srv.db[i];
        if (db->subvol.used) subexpire_db(db, per_loop, now);
        if (!db->vol.used) continue;
        for (int loop = 0;; loop++) {
            int sampled = 0;
            int expired = expire_db_round(db, per_loop, now, &sampled);
            total_sampled += sampled;
            total_expired += expired;
            if (sampled == 0 || expired * 100 <= sampled * stale_pct) break;
            if ((loop & 15) == 15 && util_monotonic_us() - start > budget_us) break;
        }
        if (util_monotonic_us() - start > budget_us) break;
    }
    uint64_t spent = util_monotonic_us() - start;
    srv.stat_expire_cycle_time_used += (long long)spent;
    latency_add("expire-cycle", spent / 1000);
    if (total_sampled) {
        long long perc = total_expired * 10000 / total_sampled;
        srv.stat_expired_stale_perc_x100 = (srv.stat_expired_stale_perc_x100 * 95 + perc * 5) / 100;
    }
}
