/*
 * hashes_rdb.h — the "hash" type callbacks: free, copy, memory, digest,
 * encoding name, RDB save/load of Redis's native hash type bytes, AOF
 * rewrite, and the active field-expiry hooks (from hashes_expire.h).
 */
#ifndef HASHES_RDB_H
#define HASHES_RDB_H

#include "modis.h"

extern const md_type_ops_t hashes_type_ops MD_HIDDEN;

/* The RDB payload functions, exposed for the unit tests. */
uint8_t hashes_rdb_type(const void *value) MD_HIDDEN;
int hashes_rdb_save(md_rdb_t *rdb, const void *value) MD_HIDDEN;
void *hashes_rdb_load(md_rdb_t *rdb, int rdb_type) MD_HIDDEN;

#endif /* HASHES_RDB_H */
