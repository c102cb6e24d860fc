/*
 * zsets.h — what the sorted-set command files share: the type slot, the
 * key helper (open with the type check, store the word back, finish a
 * removal), the range argument parsers and the element replies.
 *
 * The key helper keeps the word the key holds (`stored`) apart from the
 * current word (`z`): operations may move a listpack or convert the set,
 * and zk_store() puts the new word in the key (md_key_set for a new key,
 * md_key_replace_value otherwise). A key never holds an empty set.
 */
#ifndef ZSETS_H
#define ZSETS_H

#include "modis.h"
#include "zset_value.h"

/* The "zset" type slot; NULL until md_init registered it. */
extern md_type_t *zsets_type MD_HIDDEN;

typedef struct zkey {
    md_ctx_t *c;
    md_arg_t name;
    md_key_t *k;
    void *z;                /* the current word; NULL: no set */
    void *stored;           /* the word the key holds; NULL: none */
} zkey_t;

/* Open `name`; a key of another type replies WRONGTYPE and returns
 * MD_ERR. zk->z is the set, or NULL when the key is empty. */
int zk_open(md_ctx_t *c, md_arg_t name, int mode, zkey_t *zk) MD_HIDDEN;
/* Put zk->z (not empty) in the key if it is not there yet. */
void zk_store(zkey_t *zk) MD_HIDDEN;
/* After n elements were removed from zk->z: store it, or delete the key
 * when it became empty; then WATCH, the `event` notification (and "del"
 * for a deleted key) and the dirty counter, as Redis's removals do.
 * Returns 1 when the key was deleted. */
int zk_removed(zkey_t *zk, const char *event, long long n) MD_HIDDEN;
/* Replace whatever the key holds by z (NULL or empty: delete the key),
 * for the *STORE commands: `event` on a store, "del" when an existing key
 * goes; the dirty counter. z is taken. Returns the stored length. */
long long zk_replace(zkey_t *zk, void *z, const char *event) MD_HIDDEN;

/* Range arguments, with Redis's errors replied on failure. */
int zs_parse_range(md_ctx_t *c, md_arg_t min, md_arg_t max, zrange_t *r) MD_HIDDEN;
int zs_parse_lex(md_ctx_t *c, md_arg_t min, md_arg_t max, zlex_t *r) MD_HIDDEN;

/* Replies: a member as a bulk string; an element, with its score when
 * withscores ([member, score] pair in RESP3 when `pairs`). */
void zs_reply_member(md_ctx_t *c, const zelem_t *e) MD_HIDDEN;
void zs_reply_elem(md_ctx_t *c, const zelem_t *e, int withscores, int pairs) MD_HIDDEN;
/* The array header for n elements (n pairs in RESP3 with scores). */
void zs_reply_elems_header(md_ctx_t *c, long n, int withscores) MD_HIDDEN;
/* RESP3 replies WITHSCORES as [member, score] pairs. */
static inline int zs_pairs(md_ctx_t *c) { return md_resp_version(c) > 2; }

#endif /* ZSETS_H */
