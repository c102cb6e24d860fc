/*
 * hash_table.h — the "hashtable" encoding: the SDK's hash table (md_ht_*)
 * of entries that each hold a field, a value and optionally an expiry
 * time, in one allocation, plus a min-heap of the entries with a TTL.
 *
 * Invariants:
 *  - fields are unique; field and value bytes are binary-safe, no
 *    terminator;
 *  - an entry with a TTL (at > 0) is in the min-heap `heap` at index
 *    entry->hidx, ordered by at; entries without one are not in it;
 *  - entry pointers stay valid until the table is changed (any set,
 *    delete or TTL change may move the entry it touches).
 *
 * Growth, incremental rehashing, the SCAN cursor (every field present for
 * the whole scan is returned at least once across resizes) and fair
 * random picks are the SDK table's.
 */
#ifndef HASH_TABLE_H
#define HASH_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

typedef struct ht_entry ht_entry_t;
typedef struct ht ht_t;

#define HT_MAX_KEY 0x7fffffffu   /* key lengths below 2 GiB */
#define HT_MAX_VALUE 0xffffffffu /* value lengths below 4 GiB */

/* An empty table sized for about `hint` keys. */
ht_t *ht_new(size_t hint) MD_HIDDEN;
void ht_free(ht_t *t) MD_HIDDEN;
ht_t *ht_dup(const ht_t *t) MD_HIDDEN;
size_t ht_len(const ht_t *t) MD_HIDDEN;
/* Bytes allocated for the table, its entries and its heap (the SDK
 * table's estimate above 1024 entries). */
size_t ht_mem(const ht_t *t) MD_HIDDEN;
/* DEBUG HTSTATS-KEY's text for the table (md_alloc'd). */
char *ht_stats(const ht_t *t, int full) MD_HIDDEN;

ht_entry_t *ht_find(ht_t *t, const void *k, size_t kn) MD_HIDDEN;
/* Set k to v. Returns 1 when k was new, 0 when updated. An updated key
 * keeps its TTL when keepttl, else loses it. The caller checks the length
 * limits above. */
int ht_set(ht_t *t, const void *k, size_t kn, const void *v, size_t vn,
           int keepttl) MD_HIDDEN;
/* Add a key known to be absent (bulk loading, conversion). */
ht_entry_t *ht_add_new(ht_t *t, const void *k, size_t kn, const void *v,
                       size_t vn, int64_t at) MD_HIDDEN;
/* 1 when k was there and is deleted. */
int ht_delete(ht_t *t, const void *k, size_t kn) MD_HIDDEN;

const char *ht_key(const ht_entry_t *e, size_t *n) MD_HIDDEN;
const char *ht_value(const ht_entry_t *e, size_t *n) MD_HIDDEN;
/* TTL of e in unix ms, 0 when none. */
int64_t ht_ttl(const ht_entry_t *e) MD_HIDDEN;
/* Set (at > 0) or remove (at 0) the TTL of the key k, which must exist. */
void ht_set_ttl(ht_t *t, const void *k, size_t kn, int64_t at) MD_HIDDEN;
/* The entry with the earliest TTL, or NULL when no key has one. */
ht_entry_t *ht_min_ttl_entry(const ht_t *t) MD_HIDDEN;
size_t ht_ttl_count(const ht_t *t) MD_HIDDEN;

/* Iteration: the entry just returned may be deleted (ht_delete), nothing
 * else may change; leave a loop early with ht_iter_done(). */
typedef struct ht_iter {
    md_ht_iter_t it;
} ht_iter_t;
void ht_iter_init(ht_iter_t *it, const ht_t *t) MD_HIDDEN;
ht_entry_t *ht_iter_next(ht_iter_t *it) MD_HIDDEN;
void ht_iter_done(ht_iter_t *it) MD_HIDDEN;

/* Visit the bucket(s) at `cursor`; returns the next cursor, 0 when done. */
typedef void (*ht_scan_fn)(void *priv, const ht_entry_t *e);
uint64_t ht_scan(const ht_t *t, uint64_t cursor, ht_scan_fn fn,
                 void *priv) MD_HIDDEN;
/* A uniformly random entry (t not empty). */
ht_entry_t *ht_random(const ht_t *t) MD_HIDDEN;
/* `count` (< ht_len) distinct entries, a uniform sample in random order. */
size_t ht_random_distinct(const ht_t *t, const ht_entry_t **out,
                          size_t count) MD_HIDDEN;

#endif /* HASH_TABLE_H */
