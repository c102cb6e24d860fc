/*
 * expire.h — active expiry (the cron cycle that samples keys with a TTL
 * and deletes the expired ones within a CPU budget) and what happens when
 * any key expires (notification, propagation as DEL, WATCH invalidation).
 */
#ifndef MODIS_EXPIRE_H
#define MODIS_EXPIRE_H

#include <stdint.h>

struct ks_db;
struct ks_entry;

/* How a key's sub-keys (hash fields with TTLs) are expired: by its type,
 * through the SDK (sdk_subexpire.c). Returns 1 when the entry is gone.
 * Set once at start-up (hooks.c). */
typedef int (*expire_subkeys_fn)(struct ks_db *db, struct ks_entry *e, int64_t now_ms);
void expire_set_subkeys(expire_subkeys_fn fn);

/* Run one slow cycle (from cron, budget from hz and active-expire-effort). */
void expire_cycle(void);
/* Called by the keyspace just before an expired entry is deleted. */
void expire_on_expired(struct ks_db *db, struct ks_entry *e);
/* Propagate the deletion of a key as DEL (expiry, eviction). */
void expire_propagate_del(int dbid, const char *key, unsigned len);

#endif
