/*
 * set_table.h — the "hashtable" encoding of a set: the SDK's hash table
 * (md_ht_*) of members, each one allocation holding the table's link, a
 * length and the member's bytes:
 *
 *   md_ht_link_t   the chain pointer (8 bytes)
 *   1 byte         the length when below 255, else 255 and an 8-byte
 *                  little-endian length
 *   the bytes      binary-safe, no terminator
 *
 * so a member of up to 7 bytes costs one 16-byte block. Growth, the
 * incremental rehash, the SCAN cursor and the exact uniform random picks
 * are the SDK table's.
 *
 * Members are byte strings here: integers are kept as their decimal form
 * (the caller formats them), as Redis keeps sds strings in its dict.
 */
#ifndef SETS_SET_TABLE_H
#define SETS_SET_TABLE_H

#include <stddef.h>
#include "modis.h"

/* An empty table sized for about `hint` members; the memory is the
 * module's, freed with md_ht_free (every member with it). */
md_ht_t *st_new(size_t hint) MD_HIDDEN;
md_ht_t *st_dup(md_ht_t *t) MD_HIDDEN;

/* The member bytes of a table element (valid while it is in the table). */
md_arg_t st_member(const void *elem) MD_HIDDEN;

/* Add p[0..n): 1 when added, 0 when present. */
int st_add(md_ht_t *t, const void *p, size_t n) MD_HIDDEN;
/* Add a member known to be absent (conversions, RDB loading). */
void st_add_new(md_ht_t *t, const void *p, size_t n) MD_HIDDEN;

#endif /* SETS_SET_TABLE_H */
