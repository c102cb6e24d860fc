/*
 * zset_value.h — a sorted set, whatever its encoding, as one machine word
 * (the value the host stores in the key). Its low bit says which:
 *
 *   ..0  "listpack": the word is the md_lp_t pointer (zset_listpack.h);
 *   ..1  "skiplist": the zsl_t pointer, tagged (zset_skiplist.h).
 *
 * Conversions follow Redis: a listpack becomes a skiplist when a member
 * would make it longer than zset-max-listpack-entries, or a member is
 * longer than zset-max-listpack-value bytes (or the listpack would pass
 * 1 GiB); a skiplist becomes a listpack again only where Redis does it
 * (zv_maybe_to_listpack: results of ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE,
 * loaded values).
 *
 * Functions that may change the encoding or move the listpack take
 * `void **zp` and update the word; the caller stores it back in the key
 * when it changed. A sorted set is never empty once in a key.
 */
#ifndef ZSET_VALUE_H
#define ZSET_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"
#include "zset_spec.h"
#include "zset_listpack.h"
#include "zset_skiplist.h"

enum { ZV_LP = 0, ZV_SL = 1 };

/* The encoding limits (the module's parameters; tests may set them). */
extern long long zv_max_entries MD_HIDDEN;
extern long long zv_max_value MD_HIDDEN;

static inline int zv_enc(const void *z) { return (int)((uintptr_t)z & 1); }
static inline md_lp_t *zv_lp(const void *z) { return (md_lp_t *)z; }
static inline zsl_t *zv_sl(const void *z) { return (zsl_t *)((uintptr_t)z & ~(uintptr_t)1); }

/* A new empty set for about size_hint members of at most maxlen bytes:
 * a listpack within the limits, else a skiplist (Redis's zsetTypeCreate). */
void *zv_new(size_t size_hint, size_t maxlen) MD_HIDDEN;
void *zv_from_listpack(md_lp_t *lp) MD_HIDDEN;   /* takes lp */
void *zv_from_skiplist(zsl_t *zsl) MD_HIDDEN;    /* takes zsl */
void zv_free(void *z) MD_HIDDEN;
void *zv_dup(const void *z) MD_HIDDEN;
size_t zv_len(const void *z) MD_HIDDEN;
size_t zv_mem(const void *z) MD_HIDDEN;
const char *zv_encoding_name(const void *z) MD_HIDDEN;

void zv_to_skiplist(void **zp) MD_HIDDEN;
/* A skiplist back to a listpack when it fits: at most max-entries
 * members, none longer than max-value, their bytes (`totlen`) within
 * the listpack safety limit. */
void zv_maybe_to_listpack(void **zp, size_t maxlen, size_t totlen) MD_HIDDEN;

/* ZADD's flags in and out (Redis's ZADD_IN_* / ZADD_OUT_*). */
#define ZADD_IN_INCR (1 << 0)
#define ZADD_IN_NX (1 << 1)
#define ZADD_IN_XX (1 << 2)
#define ZADD_IN_GT (1 << 3)
#define ZADD_IN_LT (1 << 4)
#define ZADD_OUT_NOP (1 << 0)
#define ZADD_OUT_NAN (1 << 1)
#define ZADD_OUT_ADDED (1 << 2)
#define ZADD_OUT_UPDATED (1 << 3)

/* Redis's zsetAdd(): add m or update its score under the flags. Returns
 * 1 (see *out; *newscore = the score when not NOP), or 0 when the result
 * would be NaN (nothing changed). */
int zv_add(void **zp, double score, const void *m, size_t n, int in, int *out,
           double *newscore) MD_HIDDEN;
/* 1 when m was there and is deleted (the set may become empty). */
int zv_del(void **zp, const void *m, size_t n) MD_HIDDEN;
/* 1 and *score when m is a member. */
int zv_score(void *z, const void *m, size_t n, double *score) MD_HIDDEN;
/* 0-based rank of m (from the highest score when rev), -1 if absent;
 * *score gets its score when not NULL. */
long long zv_rank(void *z, const void *m, size_t n, int rev, double *score) MD_HIDDEN;

/*
 * Iteration in rank order (rev: from the highest). The set must not
 * change while an iterator is in use. zv_iter_* positioning functions
 * return 1 when the iterator stands on an element, 0 when there is none.
 */
typedef struct zv_iter {
    int enc, rev;
    md_lp_t *lp;
    unsigned char *ep;      /* listpack: member entry of the pair */
    zsl_node_t *node;       /* skiplist */
    const zsl_t *zsl;
} zv_iter_t;
/* At 0-based rank r counted in the direction of travel. */
int zv_iter_rank(zv_iter_t *it, void *z, unsigned long r, int rev) MD_HIDDEN;
/* At the first element within the range in the direction of travel. */
int zv_iter_score(zv_iter_t *it, void *z, const zrange_t *r, int rev) MD_HIDDEN;
int zv_iter_lex(zv_iter_t *it, void *z, const zlex_t *r, int rev) MD_HIDDEN;
static inline int zv_iter_valid(const zv_iter_t *it)
{
    return it->enc == ZV_LP ? it->ep != NULL : it->node != NULL;
}
void zv_iter_get(const zv_iter_t *it, zelem_t *e) MD_HIDDEN;
/* Move one element on; returns zv_iter_valid(). */
int zv_iter_next(zv_iter_t *it) MD_HIDDEN;
/* Move n elements on (O(log N) on a skiplist); returns zv_iter_valid(). */
int zv_iter_skip(zv_iter_t *it, unsigned long n) MD_HIDDEN;
/* Is the current element's member within the lex range's max (or min,
 * going backwards)? */
int zv_iter_lex_ok(const zv_iter_t *it, const zlex_t *r) MD_HIDDEN;

/* Delete the elements in a range; return how many (ranks 0-based and
 * inclusive, within the set). */
unsigned long zv_del_range_rank(void **zp, unsigned long start, unsigned long end) MD_HIDDEN;
unsigned long zv_del_range_score(void **zp, const zrange_t *r) MD_HIDDEN;
unsigned long zv_del_range_lex(void **zp, const zlex_t *r) MD_HIDDEN;

/* Random elements: one uniformly random element (z not empty); `count`
 * (< zv_len) distinct elements, a uniform sample in random order. */
void zv_random(void *z, zelem_t *e) MD_HIDDEN;
void zv_random_distinct(void *z, zelem_t *out, size_t count) MD_HIDDEN;

/* SCAN: call fn for the elements at `cursor` and return the next cursor
 * (0 at the end). A listpack is visited whole in one call, as Redis does. */
typedef void (*zv_scan_fn)(void *priv, const zelem_t *e);
uint64_t zv_scan(void *z, uint64_t cursor, zv_scan_fn fn, void *priv) MD_HIDDEN;

#endif /* ZSET_VALUE_H */
