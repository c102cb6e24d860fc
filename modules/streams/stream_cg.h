/*
 * stream_cg.h — consumer groups of a stream, as Redis keeps them: per
 * group its name, last delivered ID, entries read (-1: unknown), the
 * pending entries list (PEL: message ID -> NACK) and the consumers, each
 * with its seen and active times and its own PEL holding the same NACKs
 * as the group's. Groups are kept sorted by name, consumers too (Redis
 * walks both in name order).
 *
 * Invariant: every NACK in a group's PEL has a consumer, and is in that
 * consumer's PEL under the same ID; the group's PEL owns the NACKs.
 */
#ifndef STREAM_CG_H
#define STREAM_CG_H

#include "stream_value.h"

#define SCG_ENTRIES_READ_UNKNOWN (-1LL)

struct scg_consumer;

typedef struct scg_nack {
    int64_t delivery_time;            /* ms */
    uint64_t delivery_count;
    struct scg_consumer *consumer;
} scg_nack_t;

typedef struct scg_consumer {
    char *name;
    size_t nlen;
    int64_t seen_time, active_time;   /* ms */
    srax_t pel;                       /* ID -> scg_nack_t (not owned) */
} scg_consumer_t;

typedef struct scg {
    char *name;
    size_t nlen;
    sid_t last_id;
    long long entries_read;
    srax_t pel;                       /* ID -> scg_nack_t (owned) */
    scg_consumer_t **cons;            /* sorted by name */
    size_t ncons;
} scg_t;

/* Add a group to s: the new group, or NULL when the name is taken. */
scg_t *scg_create(stream_t *s, const void *name, size_t nlen, const sid_t *last_id,
                  long long entries_read);
/* Add a consumer: the new consumer, or NULL when the name is taken. */
scg_consumer_t *scg_consumer_create(scg_t *g, const void *name, size_t nlen,
                                    int64_t seen, int64_t active);
void scg_free_all(stream_t *s);
/* The group / consumer named p[0..n), or NULL. */
scg_t *scg_find(const stream_t *s, const void *p, size_t n);
scg_consumer_t *scg_consumer_find(const scg_t *g, const void *p, size_t n);
/* Remove and free a group (its NACKs and consumers with it). */
void scg_destroy(stream_t *s, scg_t *g);
/* Remove and free a consumer, dropping its pending entries from the
 * group's PEL too. Returns how many it had. */
size_t scg_consumer_delete(scg_t *g, scg_consumer_t *c);
/* Give the pending entry id to consumer c (creating the NACK with
 * delivery count 1 when missing); returns the NACK. */
scg_nack_t *scg_nack_assign(scg_t *g, const sid_t *id, scg_consumer_t *c);
/* Remove the pending entry id from the group and its consumer: 1, or 0
 * when it was not pending. */
int scg_nack_remove(scg_t *g, const sid_t *id);
/* Redis's streamRangeHasTombstones: may [start, +inf) hold a deleted
 * entry? */
int scg_range_has_tombstones(const stream_t *s, const sid_t *start);
/* XINFO's lag of g, or -1 when it cannot be known (Redis's streamCGLag). */
long long scg_lag(const stream_t *s, const scg_t *g);
/* The number of entries added up to id, or SCG_ENTRIES_READ_UNKNOWN
 * (Redis's streamEstimateDistanceFromFirstEverEntry). */
long long scg_estimate_read(const stream_t *s, const sid_t *id);
/* Copy s's groups into d (which has none). */
void scg_dup_all(stream_t *d, const stream_t *s);
size_t scg_mem_all(const stream_t *s);

#endif /* STREAM_CG_H */
