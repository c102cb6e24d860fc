/*
 * hash_listpack.h — the compact encodings of a hash, on Redis's listpack
 * byte format (the SDK's md_lp_*):
 *
 *  - "listpack": field, value, field, value, ... (width 2), in insertion
 *    order; what RDB type 16 stores.
 *  - "listpackex": field, value, ttl triplets (width 3); ttl is the
 *    absolute unix time in ms, or 0 for none. Triplets with a TTL come
 *    first, sorted by TTL ascending (ties in insertion order), then the
 *    ones without, so the earliest expiry is always the first triplet;
 *    what RDB type 25 stores (Redis 7.4's listpackEx layout).
 *
 * Every function that changes a listpack returns the (possibly moved)
 * listpack; entry pointers die at each change. Field pointers (`fptr`)
 * point at the field entry of a pair/triplet.
 */
#ifndef HASH_LISTPACK_H
#define HASH_LISTPACK_H

#include <stdint.h>
#include "modis.h"
#include "hash_elem.h"

#define HLP_PLAIN 2 /* width of a plain pair */
#define HLP_EX 3    /* width of a field/value/ttl triplet */

/* Read the entry at p. */
void hlp_read(const unsigned char *p, hx_t *out) MD_HIDDEN;
/* Number of fields. */
unsigned long hlp_len(const md_lp_t *lp, int w) MD_HIDDEN;
/* The field entry equal to f[0..n), or NULL. */
unsigned char *hlp_find(md_lp_t *lp, int w, const void *f, size_t n) MD_HIDDEN;
/* The value entry of the field at fptr. */
unsigned char *hlp_value(md_lp_t *lp, unsigned char *fptr) MD_HIDDEN;
/* TTL of the field at fptr of a listpackex: ms, or 0 for none. */
int64_t hlp_ttl(md_lp_t *lp, unsigned char *fptr) MD_HIDDEN;

/* Set field f to v. Width 3: a new field gets no TTL; an existing one
 * keeps its TTL when keepttl, else loses it (Redis HSET vs HINCRBY).
 * *inserted = 1 when the field was new. */
md_lp_t *hlp_set(md_lp_t *lp, int w, const void *f, size_t fn, const void *v,
                 size_t vn, int keepttl, int *inserted) MD_HIDDEN;
/* Delete the pair/triplet whose field is at fptr. */
md_lp_t *hlp_delete(md_lp_t *lp, int w, unsigned char *fptr) MD_HIDDEN;

/* Width 2 -> width 3: a 0 TTL after every pair (order kept). */
md_lp_t *hlp_to_ex(md_lp_t *lp) MD_HIDDEN;
/* Give the field at fptr the TTL `at` (0 = none) and move its triplet to
 * its sorted place. */
md_lp_t *hlp_set_ttl(md_lp_t *lp, unsigned char *fptr, int64_t at) MD_HIDDEN;
/* Earliest TTL of a listpackex, or -1 when no field has one. */
int64_t hlp_min_ttl(md_lp_t *lp) MD_HIDDEN;
/* Delete up to `max` leading triplets whose TTL is due: ttl < now, or
 * ttl <= now when `inclusive`. cb(priv, field) sees each field before it
 * goes. *deleted gets the count. */
md_lp_t *hlp_expire(md_lp_t *lp, int64_t now, int inclusive, size_t max,
                    void (*cb)(void *priv, const hx_t *field), void *priv,
                    size_t *deleted) MD_HIDDEN;
/* Fill fptrs (room for hlp_len() entries) with every field pointer in
 * order; returns the count. */
size_t hlp_fields(md_lp_t *lp, int w, unsigned char **fptrs) MD_HIDDEN;
/* Check a listpack from an untrusted source (RDB, RESTORE) holding a hash
 * of width w: a multiple of w entries, no duplicate field, TTL entries
 * integers >= 0 (width 3). *sorted (width 3) tells whether the triplets
 * are in the sorted order above. *maxlen gets the longest field or value
 * string. MD_OK or MD_ERR. */
int hlp_check(md_lp_t *lp, int w, int *sorted, size_t *maxlen) MD_HIDDEN;
/* A width-3 listpack with the same triplets in the sorted order. */
md_lp_t *hlp_sort_ex(md_lp_t *lp) MD_HIDDEN;

#endif /* HASH_LISTPACK_H */
