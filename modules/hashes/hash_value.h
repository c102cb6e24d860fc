/*
 * hash_value.h — a hash value, whatever its encoding, as one machine word
 * (the value the host stores in the key). Its low two bits say which:
 *
 *   ..00  "listpack": the word is the md_lp_t pointer itself (pairs);
 *   ..01  "listpackex": the md_lp_t pointer of a listpack of
 *         field/value/ttl triplets (hash_listpack.h), tagged;
 *   ..10  "hashtable": the ht_t pointer, tagged.
 *
 * A hash costs only its listpack or table: there is no box around them
 * (blocks are at least 8-byte aligned, which leaves the tag bits free).
 *
 * Conversions follow Redis and are one-way: listpack -> listpackex (on the
 * first field TTL), listpack(ex) -> hashtable (over hash-max-listpack-
 * entries fields or a string over hash-max-listpack-value bytes).
 *
 * All functions that may change the encoding take `void **hp` and update
 * the word; the caller stores it back in the key when it changed.
 */
#ifndef HASH_VALUE_H
#define HASH_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"
#include "hash_elem.h"
#include "hash_table.h"

enum { HV_LP = 0, HV_LPEX = 1, HV_HT = 2 };

/* Limits the conversions use (the module's config; tests may set them). */
extern long long hv_max_entries MD_HIDDEN;
extern long long hv_max_value MD_HIDDEN;

static inline int hv_enc(const void *h) { return (int)((uintptr_t)h & 3); }
/* The listpack or table behind a word, without its tag. */
static inline void *hv_ptr(const void *h) { return (void *)((uintptr_t)h & ~(uintptr_t)3); }

void *hv_new(void) MD_HIDDEN;              /* an empty "listpack" hash */
/* The value holding lp: pairs, or (ex) field/value/ttl triplets sorted as
 * hash_listpack.h says. Takes lp. */
void *hv_from_listpack(md_lp_t *lp, int ex) MD_HIDDEN;
void hv_free(void *h) MD_HIDDEN;
void *hv_dup(const void *h) MD_HIDDEN;
size_t hv_len(const void *h) MD_HIDDEN;
size_t hv_mem(const void *h) MD_HIDDEN;
const char *hv_encoding_name(const void *h) MD_HIDDEN;
/* The listpack of an LP/LPEX value (NULL for a hashtable). */
md_lp_t *hv_listpack(const void *h) MD_HIDDEN;
ht_t *hv_table(const void *h) MD_HIDDEN;

/* Field lookup: 1 and *val (and *ttl: ms or 0) when present. */
int hv_get(void *h, const void *f, size_t fn, hx_t *val, int64_t *ttl) MD_HIDDEN;
/* Set f to v (HSET; keepttl for HINCRBY*). 1 = new field, 0 = updated,
 * -1 = too large for the hashtable (nothing changed). */
int hv_set(void **hp, const void *f, size_t fn, const void *v, size_t vn,
           int keepttl) MD_HIDDEN;
/* 1 when f was deleted. */
int hv_del(void **hp, const void *f, size_t fn) MD_HIDDEN;
/* Redis hashTypeTryConversion() for the field/value arguments
 * argv[start..end]: convert to a hashtable before adding them when they
 * are too many or one is too long. */
void hv_try_convert(void **hp, const md_arg_t *argv, int start, int end) MD_HIDDEN;
void hv_to_table(void **hp) MD_HIDDEN;

/* Field TTLs. */
int64_t hv_min_ttl(const void *h) MD_HIDDEN;  /* earliest, or -1 */
/* TTL of existing field f (at > 0, or 0 = remove); converts a listpack
 * to listpackex first when at > 0. */
void hv_set_ttl(void **hp, const void *f, size_t fn, int64_t at) MD_HIDDEN;
/* Delete up to max fields due at now (ttl < now, or <= now when
 * inclusive), calling cb(priv, field) before each goes; returns how many. */
size_t hv_expire(void **hp, int64_t now, int inclusive, size_t max,
                 void (*cb)(void *priv, const hx_t *field), void *priv) MD_HIDDEN;

/* Iteration; the value must not change meanwhile. A loop that stops
 * before hv_iter_next() returned 0 calls hv_iter_done(). */
typedef struct hv_iter {
    int enc;
    md_lp_t *lp;
    unsigned char *p;
    ht_iter_t hi;
} hv_iter_t;
void hv_iter_init(hv_iter_t *it, void *h) MD_HIDDEN;
/* 1 and the next field (and value, ttl when not NULL), or 0 at the end. */
int hv_iter_next(hv_iter_t *it, hx_t *f, hx_t *v, int64_t *ttl) MD_HIDDEN;
void hv_iter_done(hv_iter_t *it) MD_HIDDEN;

#endif /* HASH_VALUE_H */
