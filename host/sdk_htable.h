/*
 * sdk_htable.h — the SDK's hash table section (sdk_htable.c): fills the
 * md_ht_* entries of an API table. The functions then serve through that
 * table (its memory, hash and random entries), which is how module unit
 * tests use them with a stand-in table.
 */
#ifndef MODIS_SDK_HTABLE_H
#define MODIS_SDK_HTABLE_H

struct md_api;
/* Fill a's md_ht_* entries; a's memory, hash and rand64 entries must be
 * set before any table is used. */
void sdk_api_fill_htable(struct md_api *a);

#endif
