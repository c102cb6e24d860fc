/*
 * hashes.h — state the hashes module shares between its files: the type
 * slot and the expired-fields counter shown in INFO stats. (The two
 * encoding parameters live in hash_value.c as hv_max_entries and
 * hv_max_value.)
 */
#ifndef HASHES_H
#define HASHES_H

#include "modis.h"

/* The "hash" type slot; NULL until md_init registered it. */
extern md_type_t *hashes_type MD_HIDDEN;

/* Fields deleted because their TTL passed (INFO stats expired_subkeys). */
extern long long hashes_expired_subkeys MD_HIDDEN;

#endif /* HASHES_H */
