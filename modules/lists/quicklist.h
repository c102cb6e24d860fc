/*
 * quicklist.h — the in-memory encoding of a Redis list: a doubly linked
 * list of compact nodes, each holding a listpack (Redis's byte format,
 * through the SDK's md_lp_* functions) or, for one huge element, the bare
 * bytes of that element (a "plain" node).
 *
 * A list value is a ql_t * (never NULL; the pointer never moves while the
 * list lives, so a key's value is set once). The same structure serves both
 * encodings Redis reports:
 *
 *   "listpack"   ql->lpenc == 1: at most one node, a packed one, kept
 *                within list-max-listpack-size; pushes go into that node
 *                without the per-node limits (the caller checked the
 *                conversion rule with ql_conv_grow() first);
 *   "quicklist"  ql->lpenc == 0: any number of nodes, each packed node
 *                filled up to ql->fill (Redis's quicklist rules), plain
 *                nodes for elements of ql_packed_threshold bytes or more,
 *                inner nodes LZF-compressed beyond ql->compress nodes from
 *                either end (when the LZF hooks are set).
 *
 * Invariants:
 *  - ql->count is the sum of the nodes' counts; ql->len the number of nodes;
 *  - no node is empty; a plain node has count 1;
 *  - node->sz is the uncompressed size: listpack bytes, or the element's
 *    length for a plain node;
 *  - head and tail are never compressed; a node is compressed only when
 *    ql->compress > 0 and it lies deeper than ql->compress from both ends
 *    (maintained lazily, Redis-style, by the functions that change nodes);
 *  - every allocation comes from md_alloc()/md_lp_*().
 *
 * Entries returned by ql_peek() and iterators point into the list and are
 * valid until the list is next changed (and, for iterators over a
 * compressed list, until the next ql_iter_next()).
 */
#ifndef LISTS_QUICKLIST_H
#define LISTS_QUICKLIST_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

#define QL_PLAIN 1                 /* RDB container byte: bare element */
#define QL_PACKED 2                /* RDB container byte: listpack */
#define QL_PACKED_THRESHOLD_DEFAULT (1UL << 30)
#define QL_FILL_MAX 32767
#define QL_COMPRESS_MAX 65535

typedef struct ql_node {
    struct ql_node *prev, *next;
    unsigned char *data;   /* listpack, element bytes, or an LZF blob */
    size_t sz;             /* uncompressed size in bytes */
    uint32_t count;        /* elements in the node */
    uint8_t container;     /* QL_PACKED or QL_PLAIN */
    uint8_t lzf;           /* data is an LZF blob ([size_t clen][bytes]) */
    uint8_t recompress;    /* decompressed for a moment; compress again */
    uint8_t inuse;         /* pointers into it are held: never compress */
} ql_node_t;

typedef struct ql {
    ql_node_t *head, *tail;
    unsigned long count;   /* elements */
    unsigned long len;     /* nodes */
    int fill;              /* list-max-listpack-size for the nodes */
    int compress;          /* list-compress-depth (0: none) */
    int lpenc;             /* encoding reported as "listpack" */
} ql_t;

/* One element: s == NULL means the integer ll, else len bytes at s. */
typedef struct ql_entry {
    const unsigned char *s;
    size_t len;
    long long ll;
} ql_entry_t;

/* The LZF functions (md_init sets the SDK's md_lzf_compress/decompress;
 * unit tests use liblzf, or NULL: nodes are then never compressed).
 * compress returns the compressed size, or 0 when the output would not fit
 * in out_cap; decompress returns the size written, or 0 on corrupt input. */
typedef struct ql_lzf_hooks {
    size_t (*compress)(const void *in, size_t n, void *out, size_t out_cap);
    size_t (*decompress)(const void *in, size_t n, void *out, size_t out_cap);
} ql_lzf_hooks_t;
extern ql_lzf_hooks_t ql_lzf MD_HIDDEN;

/* Elements this big get a plain node (Redis's packed_threshold, 1 GB;
 * DEBUG QUICKLIST-PACKED-THRESHOLD changes it). */
extern size_t ql_packed_threshold MD_HIDDEN;
/* Redis's quicklistSetPackedThreshold(): 0 restores the default; -1 for
 * a size at or near 4 GB (nothing changed). */
int ql_set_packed_threshold(unsigned long long sz) MD_HIDDEN;

/* ---- whole lists ---- */

/* A new empty list in the "listpack" encoding. */
ql_t *ql_new(int fill, int compress) MD_HIDDEN;
void ql_free(ql_t *ql) MD_HIDDEN;
/* A deep copy with the same nodes and encoding. */
ql_t *ql_dup(const ql_t *ql) MD_HIDDEN;
/* Bytes held by the list (structs and node data), from md_usable(). When
 * samples > 0 and the list has more nodes, the node part is estimated
 * from the first `samples` nodes, as Redis's MEMORY USAGE does. */
size_t ql_mem_usage(const ql_t *ql, size_t samples) MD_HIDDEN;
const char *ql_encoding_name(const ql_t *ql) MD_HIDDEN;

/* ---- the encoding rules (Redis 7.2+ listTypeTryConversion) ---- */

/* Redis's quicklistNodeExceedsLimit() for a node of sz bytes and count
 * elements under `fill`. */
int ql_exceeds_limit(long long fill, size_t sz, unsigned long count) MD_HIDDEN;
/* Before adding add_count elements of add_bytes: a "listpack" list that
 * would exceed `fill` becomes a "quicklist" with node fill `fill`. */
void ql_conv_grow(ql_t *ql, long long fill, size_t add_bytes,
                  unsigned long add_count) MD_HIDDEN;
/* After removing elements (shrinking = 1, half limits) or after building a
 * list (0, full limits): a one-packed-node "quicklist" within the limits
 * becomes a "listpack". */
void ql_conv_shrink(ql_t *ql, long long fill, int shrinking) MD_HIDDEN;

/* ---- elements ---- */

void ql_push(ql_t *ql, const void *s, size_t n, int tail) MD_HIDDEN;
/* The element at the head (tail = 0) or tail; 0 if the list is empty. */
int ql_peek(ql_t *ql, int tail, ql_entry_t *e) MD_HIDDEN;
/* Remove the element at the head or tail (the list must not be empty). */
void ql_pop_discard(ql_t *ql, int tail) MD_HIDDEN;
/* Replace the element at index; 0 if out of range (nothing changed). */
int ql_replace(ql_t *ql, long long index, const void *s, size_t n) MD_HIDDEN;
/* Delete n elements from index start (negative counts from the tail);
 * the range is clipped to the list. Returns the number deleted. */
unsigned long ql_del_range(ql_t *ql, long long start, unsigned long n) MD_HIDDEN;
/* Append a node adopting a non-empty listpack (RDB load). */
void ql_append_listpack(ql_t *ql, md_lp_t *lp) MD_HIDDEN;
/* Append a plain node adopting n md_alloc'd bytes (RDB load). */
void ql_append_plain(ql_t *ql, unsigned char *bytes, size_t n) MD_HIDDEN;

/* Equality of an entry with a byte string, Redis's lpCompare(): `sll`
 * and `sint` are the string's integer value and whether it is a canonical
 * integer (from ql_str2ll), so integer entries compare without
 * formatting. */
int ql_entry_eq(const ql_entry_t *e, const void *s, size_t n, int sint,
                long long sll) MD_HIDDEN;
/* Redis's string2ll(): 1 if p[0..n) is a canonical decimal long long. */
int ql_str2ll(const void *p, size_t n, long long *out) MD_HIDDEN;
/* The decimal form of an entry: points at the entry or into buf (>= 21). */
const unsigned char *ql_entry_bytes(const ql_entry_t *e, char *buf,
                                    size_t *len) MD_HIDDEN;

/* ---- iterators ---- */

typedef struct ql_iter {
    ql_t *ql;
    ql_node_t *node;       /* node of the next entry; NULL: at the end */
    unsigned char *p;      /* next entry in node; NULL: node's first (in
                              the direction of travel) */
    ql_node_t *cur_node;   /* node of the entry last returned */
    unsigned char *cur;    /* that entry (NULL for a plain node) */
    int fwd;               /* 1: head to tail, 0: tail to head */
} ql_iter_t;

/* Start at index (negative counts from the tail), moving toward the tail
 * (fwd = 1) or the head. An index out of range gives an empty iterator. */
void ql_iter_init(ql_iter_t *it, ql_t *ql, long long index, int fwd) MD_HIDDEN;
/* The next entry; 0 at the end. */
int ql_iter_next(ql_iter_t *it, ql_entry_t *e) MD_HIDDEN;
/* Delete the entry last returned; iteration continues after it. */
void ql_iter_delete(ql_iter_t *it) MD_HIDDEN;
/* Insert before (after = 0) or after the entry last returned. The
 * iterator cannot be used afterwards except for ql_iter_done(). */
void ql_iter_insert(ql_iter_t *it, const void *s, size_t n, int after) MD_HIDDEN;
/* Release the iterator (recompresses the node it stopped in). */
void ql_iter_done(ql_iter_t *it) MD_HIDDEN;

/* ---- nodes, for persistence ---- */

/* A compressed node's LZF bytes (liblzf's format, expanding to node->sz
 * bytes) and their count in *clen; NULL for a raw node. */
const void *ql_node_lzf(const ql_node_t *node, size_t *clen) MD_HIDDEN;

/* Check the invariants (tests): 0 if fine, else a number naming the
 * broken one. */
int ql_check(const ql_t *ql) MD_HIDDEN;

#endif /* LISTS_QUICKLIST_H */
