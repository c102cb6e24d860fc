/*
 * cs_value.h — a counterset value: at most `cap` members, each with a
 * positive count, kept by the Space-Saving algorithm (Metwally et al.):
 * when the set is full, a new member replaces the member with the lowest
 * count and starts from that count plus its increment, so a count is an
 * upper bound of the true count, over by at most the evicted count. The
 * top members of a stream are found in O(cap) memory.
 *
 * Invariants:
 *  - 1 <= n <= cap once the value is stored in a key (a key never holds
 *    an empty set), and cap <= CS_MAX_CAPACITY;
 *  - e[0..n) is sorted by count descending, then by member bytes
 *    ascending, so the order (and therefore RDB, AOF and DEBUG DIGEST
 *    output) depends only on the contents, and e[n-1] is the member a
 *    full set evicts;
 *  - every block comes from md_alloc(): the module's memory shows in INFO.
 *
 * Only the memory part of the SDK is used here: no keys, no replies.
 */
#ifndef CS_VALUE_H
#define CS_VALUE_H

#include <stdint.h>
#include "modis.h"

#define CS_MAX_CAPACITY 10000

typedef struct cs_entry {
    long long count;      /* >= 1 */
    uint32_t len;
    char member[];        /* len bytes, not NUL-terminated */
} cs_entry_t;

typedef struct cs_value {
    uint32_t cap;         /* most members kept */
    uint32_t n;           /* members now */
    uint32_t alloc;       /* slots in e[] */
    cs_entry_t **e;
} cs_value_t;

/* A new empty set that keeps at most cap members (1..CS_MAX_CAPACITY). */
cs_value_t *cs_new(uint32_t cap) MD_HIDDEN;
void cs_free(cs_value_t *v) MD_HIDDEN;
cs_value_t *cs_dup(const cs_value_t *v) MD_HIDDEN;
/* Bytes held by v (every block's usable size). */
size_t cs_mem_usage(const cs_value_t *v) MD_HIDDEN;

/* Index of member in e[], or -1. */
long cs_find(const cs_value_t *v, const void *member, size_t len) MD_HIDDEN;

/*
 * Add `by` (>= 1) to member's count, inserting it (and evicting e[n-1]
 * when the set is full). *count = the new count, *evicted = 1 when a
 * member was evicted. MD_ERR, with v unchanged, when the count would
 * overflow a long long.
 */
int cs_incr(cs_value_t *v, const void *member, size_t len, long long by,
            long long *count, int *evicted) MD_HIDDEN;

/*
 * Append a member read from RDB: counts must arrive in the value's order
 * (descending, ties by member) and there must be room. MD_ERR when the
 * input breaks the order (the caller reports corrupt data). After the
 * last append, cs_check_unique() finds duplicate members, which the order
 * check alone cannot see.
 */
int cs_append_sorted(cs_value_t *v, const void *member, size_t len,
                     long long count) MD_HIDDEN;
int cs_check_unique(const cs_value_t *v) MD_HIDDEN;

#endif /* CS_VALUE_H */
