/*
 * zset_listpack.h — the "listpack" encoding of a sorted set, on Redis's
 * listpack byte format (the SDK's md_lp_*): member, score, member,
 * score, ... sorted by (score, member) ascending, exactly what RDB type
 * 17 stores. A score is written as Redis 7.4 writes it (md_d2str), so an
 * integral score becomes an integer entry; it is read back with strtod.
 *
 * Element pointers (`ep`) point at the member entry of a pair; the score
 * entry follows. Every function that changes a listpack returns it (it
 * may move); entry pointers die at each change.
 */
#ifndef ZSET_LISTPACK_H
#define ZSET_LISTPACK_H

#include <stddef.h>
#include "modis.h"
#include "zset_spec.h"

/* Members. */
static inline unsigned long zlp_len(const md_lp_t *lp) { return md_lp_count(lp) / 2; }
/* The member and score of the pair at ep. */
void zlp_get(md_lp_t *lp, unsigned char *ep, zelem_t *e) MD_HIDDEN;
double zlp_score(const unsigned char *sp) MD_HIDDEN;
/* The pair whose member is m[0..n) (and its score), or NULL. */
unsigned char *zlp_find(md_lp_t *lp, const void *m, size_t n, double *score) MD_HIDDEN;
/* Insert a member known to be absent at its sorted place. */
md_lp_t *zlp_insert(md_lp_t *lp, double score, const void *m, size_t n) MD_HIDDEN;
/* Delete the pair at ep. */
md_lp_t *zlp_delete(md_lp_t *lp, unsigned char *ep) MD_HIDDEN;

/* Walking pairs: the next / previous pair, or NULL. */
static inline unsigned char *zlp_next(md_lp_t *lp, unsigned char *ep)
{
    return md_lp_next(lp, md_lp_next(lp, ep));
}
static inline unsigned char *zlp_prev(md_lp_t *lp, unsigned char *ep)
{
    unsigned char *sp = md_lp_prev(lp, ep);
    return sp ? md_lp_prev(lp, sp) : NULL;
}

/* First / last pair within a score or lex range, or NULL. */
unsigned char *zlp_first_in_range(md_lp_t *lp, const zrange_t *r) MD_HIDDEN;
unsigned char *zlp_last_in_range(md_lp_t *lp, const zrange_t *r) MD_HIDDEN;
unsigned char *zlp_first_in_lex(md_lp_t *lp, const zlex_t *r) MD_HIDDEN;
unsigned char *zlp_last_in_lex(md_lp_t *lp, const zlex_t *r) MD_HIDDEN;
/* Is the member of the pair at ep within the lex bounds? */
int zlp_lex_gte(const unsigned char *ep, const zlex_t *r) MD_HIDDEN;
int zlp_lex_lte(const unsigned char *ep, const zlex_t *r) MD_HIDDEN;

/* Delete the pairs in a range (ranks 0-based, inclusive); *deleted gets
 * how many. */
md_lp_t *zlp_delete_range_score(md_lp_t *lp, const zrange_t *r,
                                unsigned long *deleted) MD_HIDDEN;
md_lp_t *zlp_delete_range_lex(md_lp_t *lp, const zlex_t *r,
                              unsigned long *deleted) MD_HIDDEN;
md_lp_t *zlp_delete_range_rank(md_lp_t *lp, unsigned long start,
                               unsigned long end) MD_HIDDEN;

/* Check a listpack from an untrusted source (RDB, RESTORE): an even
 * number of entries, no NaN score, no duplicate member, pairs in sorted
 * order. *maxlen gets the longest member. MD_OK or MD_ERR. */
int zlp_check(md_lp_t *lp, size_t *maxlen) MD_HIDDEN;

#endif /* ZSET_LISTPACK_H */
