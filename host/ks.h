/*
 * ks.h — the keyspace: databases of key entries in an incrementally
 * rehashed chained hash table, with TTLs stored inline in each entry and a
 * per-db set of the entries that have one (for active expiry and INFO).
 *
 * Invariants: an entry's key bytes never change; entry->expire is 0 exactly
 * when the entry is not in db->vol; every entry's value is non-NULL and
 * belongs to the type slot entry->type.
 */
#ifndef MODIS_KS_H
#define MODIS_KS_H

#include <stddef.h>
#include <stdint.h>

#include "ptrset.h"

typedef struct ks_entry {
    struct ks_entry *next;
    void *value;
    int64_t expire;          /* absolute unix ms, 0 = none */
    uint32_t keylen : 31;
    uint32_t subexp : 1;     /* in db->subvol: sub-keys carry TTLs */
    uint8_t type;            /* type slot id */
    uint8_t lru[3];          /* LRU clock or LFU (16-bit time, 8-bit count) */
    char key[];
} ks_entry_t;

typedef struct ks_table {
    ks_entry_t **b[2];
    uint64_t mask[2];        /* size - 1, or 0 with b == NULL */
    size_t used[2];
    long rehashidx;          /* -1 when not rehashing */
    int pause_rehash;
} ks_table_t;

typedef struct ks_db {
    ks_table_t t;
    ptrset_t vol;            /* entries with a TTL */
    ptrset_t subvol;         /* entries whose sub-keys carry TTLs */
    size_t subexpire_cursor;
    int id;
    long long avg_ttl;
    size_t expire_cursor;
} ks_db_t;

/* Why a key is deleted, for notifications and stats. */
enum { KS_DEL_USER, KS_DEL_EXPIRED, KS_DEL_EVICTED };

void ks_db_init(ks_db_t *db, int id);
size_t ks_size(const ks_db_t *db);

/* Plain lookup: no expiry check, no stats. */
ks_entry_t *ks_find(ks_db_t *db, const char *key, size_t len);
/* True when e's TTL has passed. */
int ks_is_expired(const ks_entry_t *e);
/* Lookup that deletes (and counts) an expired key first. */
ks_entry_t *ks_lookup(ks_db_t *db, const char *key, size_t len);

/* Insert a key that does not exist yet; returns the new entry. */
ks_entry_t *ks_add(ks_db_t *db, const char *key, size_t len, uint8_t type,
                   void *value);
/* Replace the value (and type) of an existing entry; frees the old one. */
void ks_set_value(ks_db_t *db, ks_entry_t *e, uint8_t type, void *value);
/* Unlink and free the entry and its value. */
void ks_delete(ks_db_t *db, ks_entry_t *e);
/* The same, freeing a big value in the background (UNLINK). */
void ks_delete_lazy(ks_db_t *db, ks_entry_t *e);
/* Unlink without freeing the value: the caller takes it (RENAME, MOVE).
 * *subexp tells whether the value's sub-keys carry TTLs (may be NULL). */
void *ks_detach(ks_db_t *db, ks_entry_t *e, uint8_t *type, int64_t *expire);
void *ks_detach_sub(ks_db_t *db, ks_entry_t *e, uint8_t *type, int64_t *expire,
                    int *subexp);
void ks_set_expire(ks_db_t *db, ks_entry_t *e, int64_t when_ms);
/* Track (on) or untrack e in db->subvol. */
void ks_set_subexpire(ks_db_t *db, ks_entry_t *e, int on);

/* Call fn for every entry (no expiry check, no rehash step; fn must not
 * add or delete keys). Stops at the first nonzero return and returns it. */
int ks_each(ks_db_t *db, int (*fn)(void *priv, ks_entry_t *e), void *priv);
/* Remove every key; returns how many were removed. With lazy, big values
 * are freed in the background (FLUSHDB ASYNC). */
size_t ks_flush(ks_db_t *db, int lazy);
/* Exchange the contents of two databases. */
void ks_swap(ks_db_t *a, ks_db_t *b);

/* SCAN: call fn for each entry of the bucket(s) at cursor; returns the next
 * cursor (0 = done). Guarantees every entry present during the whole scan
 * is returned at least once, across resizes. */
typedef void (*ks_scan_fn)(void *priv, ks_entry_t *e);
uint64_t ks_scan(ks_db_t *db, uint64_t cursor, ks_scan_fn fn, void *priv);
/* A random entry (may be expired), or NULL when empty. */
ks_entry_t *ks_random(ks_db_t *db);

/* DEBUG HTSTATS's text for db (htstats.h), NUL-terminated in buf; returns
 * its length. */
size_t ks_htstats(const ks_db_t *db, int full, char *buf, size_t cap);

/* Rehash for up to `us` microseconds; called from cron. */
void ks_rehash_step_time(ks_db_t *db, uint64_t us);
/* Shrink tables that have become mostly empty. */
void ks_maybe_shrink(ks_db_t *db);

/* LRU clock helpers (seconds resolution, 24 bits). */
uint32_t ks_lru_clock(void);
void ks_touch(ks_entry_t *e);
uint64_t ks_idle_ms(const ks_entry_t *e);
uint8_t ks_lfu_count(const ks_entry_t *e);
/* Set the LRU clock so the key looks idle for idle_secs (RESTORE IDLETIME,
 * RDB_OPCODE_IDLE), or the LFU counter to `count` as of now (FREQ). */
void ks_set_idle(ks_entry_t *e, uint64_t idle_secs);
void ks_set_lfu(ks_entry_t *e, uint8_t count);
/* Redis's objectSetLRUOrLFU(): under an LFU policy set the counter to
 * `freq` when freq >= 0; under any other policy make the key idle for
 * `idle_secs` when idle_secs >= 0. The other value is ignored (what a
 * RESTORE or an RDB file brings for the policy not in force). Returns 1
 * when something was set. */
int ks_set_access(ks_entry_t *e, long long freq, long long idle_secs);

/* Free an unlinked value through its type slot; lazy: big values are
 * freed in the background. */
void ks_free_value(uint8_t type, void *value, int lazy);

/* Statistics kept by the keyspace. */
typedef struct ks_stats {
    long long expired_keys;
    long long evicted_keys;
    long long hits, misses;
} ks_stats_t;
extern ks_stats_t ks_stats;

/* Bumped whenever any db gains or loses a key (handles revalidate). */
extern uint64_t ks_gen;

#endif
