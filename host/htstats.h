/*
 * htstats.h — the text of Redis's DEBUG HTSTATS for a chained hash table
 * (dictGetStats): per table (the main one, and the rehashing target while
 * a rehash runs) its size and element count, and with `full` the chain
 * statistics. The caller says how long each bucket's chain is; the same
 * text serves the keyspace (ks.c) and the SDK hash table (sdk_htable.c).
 */
#ifndef MODIS_HTSTATS_H
#define MODIS_HTSTATS_H

#include <stddef.h>

/* Length of the chain in bucket `i` of table `side` (0 or 1). */
typedef size_t (*htstats_chain_fn)(const void *table, int side, size_t i);

typedef struct htstats_table {
    const void *table;           /* passed back to chain() */
    size_t size[2], used[2];     /* size[1] == 0: not rehashing */
    htstats_chain_fn chain;
} htstats_table_t;

/* Append `title` (when not NULL) and the text for t to buf at len (cap > 0;
 * always NUL-terminated, cut at cap); returns the new length. A table
 * without chain function gets no chain statistics. */
size_t htstats_format(char *buf, size_t cap, size_t len, const char *title,
                      const htstats_table_t *t, int full);

#endif
