/*
 * set_value.h — a set value, whatever its encoding, as the one machine
 * word the host stores in the key. Its low two bits say which encoding:
 *
 *   ..00  "intset": the word is the intset block itself (intset.h);
 *   ..01  "listpack": the md_lp_t pointer, tagged (members in insertion
 *         order; canonical integers stored as listpack integers);
 *   ..10  "hashtable": the md_ht_t pointer, tagged (set_table.h).
 *
 * There is no box around them (blocks are at least 8-byte aligned, which
 * leaves the tag bits free), so a set costs only its encoding.
 *
 * The conversion rules are Redis 7.2+'s (t_set.c), so OBJECT ENCODING
 * answers what Redis answers after the same commands:
 *  - sv_create(): intset when the first member is an integer and the size
 *    hint fits set-max-intset-entries, else listpack when the hint fits
 *    set-max-listpack-entries, else a hash table sized for the hint;
 *  - an intset grows past set-max-intset-entries -> hashtable; a member
 *    that is not an integer -> listpack when the intset has fewer members
 *    than set-max-listpack-entries and the member and the decimal form of
 *    every integer fit set-max-listpack-value, else hashtable;
 *  - a listpack that would pass set-max-listpack-entries members, or a
 *    member over set-max-listpack-value bytes -> hashtable;
 *  - no conversion ever goes back by itself; sv_maybe_to_intset() is the
 *    one explicit way back (SINTERSTORE's result of integers).
 * A listpack never grows past 1 GiB (Redis's lpSafeToAdd).
 *
 * Functions that may change the encoding take `void **sp` and update the
 * word; the caller stores it back in the key when it changed. Memory,
 * listpack, hash table and random parts of the SDK only, so unit tests can
 * link this file (with intset.c and set_table.c) against a stand-in API.
 */
#ifndef SETS_SET_VALUE_H
#define SETS_SET_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"
#include "intset.h"

enum { SV_INTSET = 0, SV_LP = 1, SV_HT = 2 };

/* The three parameters (the module registers them; tests set them). */
extern long long sv_max_intset_entries MD_HIDDEN;    /* 512 */
extern long long sv_max_listpack_entries MD_HIDDEN;  /* 128 */
extern long long sv_max_listpack_value MD_HIDDEN;    /* 64 */

/*
 * One member as read from a set or handed to it: bytes (p, n), or, with
 * p NULL, the integer ll (intset elements and listpack integers). Views
 * into a set are valid until the set is next changed.
 */
typedef struct sm {
    const char *p;
    size_t n;
    long long ll;
} sm_t;

#define SM_BUF MD_LL_BUF /* room for any long long in decimal */

/* The bytes of m; integers are formatted into buf (SM_BUF bytes). */
static inline md_arg_t sm_bytes(const sm_t *m, char *buf)
{
    md_arg_t a;
    if (m->p) {
        a.ptr = m->p;
        a.len = m->n;
    } else {
        a.ptr = buf;
        a.len = md_ll2str_inline(buf, m->ll);
    }
    return a;
}

static inline sm_t sm_of(md_arg_t a)
{
    sm_t m = {a.ptr, a.len, 0};
    return m;
}

static inline int sv_enc(const void *s) { return (int)((uintptr_t)s & 3); }
static inline void *sv_ptr(const void *s) { return (void *)((uintptr_t)s & ~(uintptr_t)3); }
static inline intset_t *sv_intset(const void *s) { return sv_ptr(s); }
static inline md_lp_t *sv_listpack(const void *s) { return sv_ptr(s); }
static inline md_ht_t *sv_table(const void *s) { return sv_ptr(s); }

/* The word for a block of encoding enc: an intset_t, md_lp_t or md_ht_t
 * (of set_table.h) the caller built and hands over. */
void *sv_wrap(void *block, int enc) MD_HIDDEN;
/* An empty set of encoding enc (a table sized for `hint`): only to be
 * filled before it is stored (a key never holds an empty set). */
void *sv_new(int enc, size_t hint) MD_HIDDEN;
/* Redis's setTypeCreate(): an empty set able to hold `first`, given that
 * about `hint` members will be added. */
void *sv_create(md_arg_t first, size_t hint) MD_HIDDEN;
/* Redis's setTypeMaybeConvert(): to a hash table when `hint` members
 * would not fit the current compact encoding. */
void sv_maybe_convert(void **sp, size_t hint) MD_HIDDEN;
/* Convert to SV_HT or SV_LP, pre-sized for `cap` members. */
void sv_convert(void **sp, int enc, size_t cap) MD_HIDDEN;
/* To an intset when every member is an integer and they fit
 * set-max-intset-entries; otherwise unchanged. */
void sv_maybe_to_intset(void **sp) MD_HIDDEN;

void sv_free(void *s) MD_HIDDEN;
void *sv_dup(const void *s) MD_HIDDEN;            /* same encoding */
size_t sv_len(const void *s) MD_HIDDEN;
size_t sv_mem(const void *s) MD_HIDDEN;
const char *sv_encoding_name(const void *s) MD_HIDDEN;

/* Add m: 1 when added, 0 when already a member (conversions as above). */
int sv_add(void **sp, const sm_t *m) MD_HIDDEN;
/* Append m to a listpack set: no check, no conversion (the caller knows m
 * is absent and that the set stays a listpack in Redis's rules). */
void sv_lp_append(void **sp, const sm_t *m) MD_HIDDEN;
/* Remove m: 1 when it was a member. The set may become empty. */
int sv_remove(void **sp, const sm_t *m) MD_HIDDEN;
int sv_contains(const void *s, const sm_t *m) MD_HIDDEN;

/* A uniformly random member of a non-empty set. */
void sv_random(const void *s, sm_t *m) MD_HIDDEN;

/* Iteration in the set's own order (ascending for an intset, insertion
 * order for a listpack, table order for a hash table); the set must not
 * change meanwhile, except that a hash table's current member may be
 * removed. A loop that stops before sv_iter_next() returned 0 calls
 * sv_iter_done(). */
typedef struct sv_iter {
    int enc;
    const void *s;
    uint32_t i;
    unsigned char *p;
    md_ht_iter_t hi;
} sv_iter_t;
void sv_iter_init(sv_iter_t *it, const void *s) MD_HIDDEN;
int sv_iter_next(sv_iter_t *it, sm_t *m) MD_HIDDEN;
void sv_iter_done(sv_iter_t *it) MD_HIDDEN;

/* The listpack entry at p as a member. */
void sv_lp_member(const unsigned char *p, sm_t *m) MD_HIDDEN;

#endif /* SETS_SET_VALUE_H */
