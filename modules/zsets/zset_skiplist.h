/*
 * zset_skiplist.h — the "skiplist" encoding of a sorted set: a skiplist
 * with spans (William Pugh's structure as Redis extends it: duplicate
 * scores ordered by member bytes, a backward pointer at level 0, and per
 * level the number of nodes a forward link skips, which gives O(log N)
 * rank lookups) plus the SDK's hash table from member to node.
 *
 * One allocation per member: the node holds the hash-table link, the
 * score, the backward pointer, its levels and the member bytes, so the
 * table and the list share it and a member costs a single block.
 *
 * Invariants:
 *  - linked nodes are in strictly increasing (score, member) order, where
 *    members compare as memcmp then length (Redis's sdscmp);
 *  - every linked node is in the table, and `length` counts them; scores
 *    are never NaN;
 *  - header->level[i].span .. sum over level i = length for i < level;
 *  - between zsl_ht_add() and zsl_link() a node is in the table only (a
 *    set operation accumulating scores); nothing else may run meanwhile.
 *
 * Uses only the memory, hash-table and random parts of the SDK, so unit
 * tests link it against a stand-in API table.
 */
#ifndef ZSET_SKIPLIST_H
#define ZSET_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"
#include "zset_spec.h"

#define ZSL_MAXLEVEL 32

typedef struct zsl_node zsl_node_t;
typedef struct zsl_level {
    zsl_node_t *forward;
    unsigned long span;     /* nodes crossed by this link */
} zsl_level_t;

struct zsl_node {
    md_ht_link_t link;      /* the member table's chain */
    double score;
    zsl_node_t *backward;   /* level 0; NULL for the first node */
    uint32_t len;           /* member length; UINT32_MAX: a size_t follows
                               the levels, then the bytes */
    uint32_t height;        /* levels */
    zsl_level_t level[];    /* then the member bytes */
};

typedef struct zsl {
    md_ht_t *ht;            /* member -> node */
    zsl_node_t *header;     /* ZSL_MAXLEVEL levels, no member */
    zsl_node_t *tail;
    unsigned long length;
    int level;              /* levels in use, >= 1 */
} zsl_t;

/* The member bytes of a node. */
static inline const char *zsl_member(const zsl_node_t *x, size_t *n)
{
    const char *p = (const char *)&x->level[x->height];
    if (x->len != UINT32_MAX) {
        *n = x->len;
        return p;
    }
    __builtin_memcpy(n, p, sizeof *n);
    return p + sizeof(size_t);
}

/* An empty skiplist whose table is sized for about `hint` members. */
zsl_t *zsl_new(size_t hint) MD_HIDDEN;
/* Free every node and the table (safe on the lazy-free thread). */
void zsl_free(zsl_t *zsl) MD_HIDDEN;
size_t zsl_mem(const zsl_t *zsl) MD_HIDDEN;

/* The node of member m[0..n), or NULL. */
zsl_node_t *zsl_find(zsl_t *zsl, const void *m, size_t n) MD_HIDDEN;
/* Insert a member known to be absent; returns its node. */
zsl_node_t *zsl_insert(zsl_t *zsl, double score, const void *m, size_t n) MD_HIDDEN;
/* Give node x the score `score` (moving it when its place changes). */
void zsl_update_score(zsl_t *zsl, zsl_node_t *x, double score) MD_HIDDEN;
/* Unlink x from the list and the table, and free it. */
void zsl_delete(zsl_t *zsl, zsl_node_t *x) MD_HIDDEN;

/* Accumulating (set operations): a node in the table only, then linked. */
zsl_node_t *zsl_ht_add(zsl_t *zsl, double score, const void *m, size_t n) MD_HIDDEN;
void zsl_link(zsl_t *zsl, zsl_node_t *x) MD_HIDDEN;

static inline zsl_node_t *zsl_first(const zsl_t *zsl) { return zsl->header->level[0].forward; }
/* 1-based rank of linked node x. */
unsigned long zsl_rank(const zsl_t *zsl, const zsl_node_t *x) MD_HIDDEN;
/* The node of 1-based rank r (1..length), or NULL. */
zsl_node_t *zsl_by_rank(const zsl_t *zsl, unsigned long r) MD_HIDDEN;

/* First / last node within a score or lex range, or NULL. */
zsl_node_t *zsl_first_in_range(const zsl_t *zsl, const zrange_t *r) MD_HIDDEN;
zsl_node_t *zsl_last_in_range(const zsl_t *zsl, const zrange_t *r) MD_HIDDEN;
zsl_node_t *zsl_first_in_lex(const zsl_t *zsl, const zlex_t *r) MD_HIDDEN;
zsl_node_t *zsl_last_in_lex(const zsl_t *zsl, const zlex_t *r) MD_HIDDEN;

/* Delete the nodes in a range; return how many. Ranks are 1-based and
 * inclusive. */
unsigned long zsl_delete_range_score(zsl_t *zsl, const zrange_t *r) MD_HIDDEN;
unsigned long zsl_delete_range_lex(zsl_t *zsl, const zlex_t *r) MD_HIDDEN;
unsigned long zsl_delete_range_rank(zsl_t *zsl, unsigned long start,
                                    unsigned long end) MD_HIDDEN;

/* Check the invariants (tests): 0 if fine, else a number naming the
 * broken one. */
int zsl_check(const zsl_t *zsl) MD_HIDDEN;

#endif /* ZSET_SKIPLIST_H */
