/*
 * zsets_source.h — an input of ZUNION/ZINTER/ZDIFF/ZINTERCARD: a sorted
 * set, a plain set (every member scoring 1, read through "set.v1" when a
 * module provides it), or a missing key (an empty input). Read-only views,
 * valid for the command that opened them.
 */
#ifndef ZSETS_SOURCE_H
#define ZSETS_SOURCE_H

#include "modis.h"

typedef struct zsrc {
    void *value;            /* the set or sorted set; NULL: empty input */
    const md_set_v1_t *set; /* the set service when value is a set */
    double weight;          /* WEIGHTS; 1 by default */
} zsrc_t;

/* Forget the imported set.v1 table: a module was loaded or upgraded (MODULE
 * UPGRADE of the sets module replaces the table); the next set input
 * imports it again. */
void zsrc_rebind(void) MD_HIDDEN;
/* Open the input at `key` (weight 1): MD_ERR when the key holds a type
 * that cannot be an input (the caller replies WRONGTYPE). */
int zsrc_open(md_ctx_t *c, md_arg_t key, zsrc_t *s) MD_HIDDEN;
size_t zsrc_len(const zsrc_t *s) MD_HIDDEN;
/* Call fn for every member and its score, in the input's order, until fn
 * returns 0. */
typedef int (*zsrc_fn)(void *priv, const char *m, size_t n, double score);
void zsrc_each(const zsrc_t *s, zsrc_fn fn, void *priv) MD_HIDDEN;
/* 1 and *score when m is in the input. */
int zsrc_find(const zsrc_t *s, const char *m, size_t n, double *score) MD_HIDDEN;

#endif /* ZSETS_SOURCE_H */
