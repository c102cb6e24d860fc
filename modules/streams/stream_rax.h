/*
 * stream_rax.h — a radix tree keyed by stream IDs, the index of the
 * streams module: node master IDs -> listpacks, and message IDs -> pending
 * entries in consumer groups.
 *
 * The tree is a binary radix tree with path compression (a crit-bit
 * tree) over the 128 bits of an ID, most significant bit of the
 * milliseconds first, so an in-order walk visits IDs in stream order.
 * Inner nodes test one bit; leaves hold the key and a value word. Depth
 * is at most 128, and every lookup, insert, delete and ordered seek
 * walks one path. Leaves never move while they are in the tree, so a
 * caller may keep a leaf pointer until it deletes that key.
 */
#ifndef STREAM_RAX_H
#define STREAM_RAX_H

#include <stddef.h>
#include <stdint.h>

/* A stream entry ID: milliseconds and sequence number. */
typedef struct sid {
    uint64_t ms, seq;
} sid_t;

typedef struct srax_leaf {
    sid_t key;
    void *val;
} srax_leaf_t;

typedef struct srax {
    void *root;     /* tagged: a leaf, an inner node (low bit set), or NULL */
    size_t count;   /* leaves */
} srax_t;

/* Seek operators for srax_seek. */
#define SRAX_GE 0
#define SRAX_GT 1
#define SRAX_LE 2
#define SRAX_LT 3

/* -1, 0 or 1 as a < b, a == b, a > b in stream order. */
static inline int sid_cmp(const sid_t *a, const sid_t *b)
{
    if (a->ms != b->ms) return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}
/* The next / previous ID; MD_ERR-like -1 at the ends, else 0. */
int sid_incr(sid_t *id);
int sid_decr(sid_t *id);

void srax_init(srax_t *t);
/* Free every node; free_val (may be NULL) is called on each value. */
void srax_clear(srax_t *t, void (*free_val)(void *));
/* The leaf of key k, or NULL. */
srax_leaf_t *srax_find(const srax_t *t, const sid_t *k);
/* Insert k -> val: the new leaf, or NULL when k is present (nothing
 * changed; *old, if given, gets the present leaf). */
srax_leaf_t *srax_insert(srax_t *t, const sid_t *k, void *val, srax_leaf_t **old);
/* Remove k: 1 and *val (if given) = its value, or 0 when absent. */
int srax_remove(srax_t *t, const sid_t *k, void **val);
/* The leaf nearest to k in the direction `op` (SRAX_GE: the lowest key
 * >= k, ...), or NULL. */
srax_leaf_t *srax_seek(const srax_t *t, const sid_t *k, int op);
srax_leaf_t *srax_first(const srax_t *t);
srax_leaf_t *srax_last(const srax_t *t);
/* Bytes used by the tree's nodes (not the values). */
size_t srax_mem(const srax_t *t);

#endif /* STREAM_RAX_H */
