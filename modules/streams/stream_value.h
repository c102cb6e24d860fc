/*
 * stream_value.h — the stream value: Redis's layout, a radix tree
 * (stream_rax.h) from master IDs to listpack nodes, plus the counters
 * Redis keeps (length, last/first/max-deleted IDs, entries added) and
 * the consumer groups (stream_cg.h).
 *
 * A node is a listpack laid out as Redis's t_stream.c lays it out:
 *   master entry: count, deleted, num-fields, field_1..field_N, 0
 *   each entry:   flags, ms-diff, seq-diff, [num-fields, field, value,
 *                 ...] or (flag SAMEFIELDS) value_1..value_N, lp-count
 * IDs are deltas against the node's key, the ID of the first entry added
 * to it. Deleted entries stay in the node, flagged, until the whole node
 * is empty (count 0), when the node leaves the tree. Invariants: every
 * node has count >= 1; `length` is the sum of the counts; every entry ID
 * is <= last_id.
 */
#ifndef STREAM_VALUE_H
#define STREAM_VALUE_H

#include "modis.h"
#include "stream_rax.h"

#define SV_FLAG_DELETED 1
#define SV_FLAG_SAMEFIELDS 2

struct scg;

typedef struct stream {
    srax_t rax;               /* master ID -> md_lp_t * node */
    uint64_t length;
    sid_t last_id;
    sid_t first_id;           /* 0-0 when empty */
    sid_t max_deleted_id;
    uint64_t entries_added;
    struct scg **groups;      /* sorted by name */
    size_t ngroups;
} stream_t;

/* stream-node-max-bytes / stream-node-max-entries (0: no limit). */
extern long long sv_node_max_bytes;
extern long long sv_node_max_entries;

stream_t *sv_new(void);
void sv_free(void *s);
void *sv_dup(const void *s);
size_t sv_mem(const void *s);

/* Append an entry with nf field/value pairs (fv[2i], fv[2i+1]); the
 * caller checked id > last_id. Updates length, last_id, first_id and
 * entries_added. */
void sv_append(stream_t *s, const sid_t *id, const md_arg_t *fv, long nf);

/* One entry as an iterator hands it out: the pairs point into the node
 * or into the iterator's buffers, valid until the next step. */
typedef struct sv_entry {
    sid_t id;
    long nf;
    const md_arg_t *fv;
} sv_entry_t;

typedef struct sv_iter {
    const stream_t *s;
    sid_t start, end;
    int rev;
    srax_leaf_t *leaf;        /* the current node, NULL when done */
    unsigned char **ents;     /* entry starts (flags) of the node */
    size_t nents, ents_cap, pos;
    unsigned char *mfields;   /* the master fields of the node */
    long mnf;
    md_arg_t *fv;
    char (*nums)[MD_LL_BUF];
    size_t fv_cap;
    sv_entry_t e;
} sv_iter_t;

/* Entries with start <= id <= end, ascending (or descending when rev);
 * deleted entries are skipped. The stream must not change while the
 * iterator is used. */
void sv_iter_start(sv_iter_t *it, const stream_t *s, const sid_t *start,
                   const sid_t *end, int rev);
/* 1 with it->e filled, 0 at the end. */
int sv_iter_next(sv_iter_t *it);
void sv_iter_done(sv_iter_t *it);

/* Delete the entry id: 1, or 0 when absent or already deleted. Updates
 * length and max_deleted_id; the caller updates first_id. */
int sv_delete(stream_t *s, const sid_t *id);

/* Trimming as XADD/XTRIM do it (Redis's streamTrim). */
#define SV_TRIM_NONE 0
#define SV_TRIM_MAXLEN 1
#define SV_TRIM_MINID 2
typedef struct sv_trim {
    int strategy;
    int approx;
    long long maxlen;
    sid_t minid;
    long long limit;          /* 0: no limit */
} sv_trim_t;
/* The number of entries removed. */
long long sv_trim(stream_t *s, const sv_trim_t *t);

/* The first (or last when last) live entry ID: 1, or 0 when empty. */
int sv_edge_id(const stream_t *s, int last, sid_t *out);

/* Check an untrusted node (RDB, RESTORE) whose key is master: MD_OK and
 * its live and deleted counts, or MD_ERR. */
int sv_node_check(md_lp_t *lp, const sid_t *master, uint64_t *live);

/* "ms-seq" into buf (at least SID_BUF bytes); returns the length. */
#define SID_BUF 48
size_t sid_fmt(char *buf, const sid_t *id);

#endif /* STREAM_VALUE_H */
