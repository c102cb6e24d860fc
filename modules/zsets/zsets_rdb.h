/*
 * zsets_rdb.h — the "zset" type callbacks (zsets_rdb.c): RDB types 3, 5,
 * 12 and 17, AOF rewrite, copy, digest, memory, lazy-free effort.
 */
#ifndef ZSETS_RDB_H
#define ZSETS_RDB_H

#include <stdint.h>
#include "modis.h"

extern const md_type_ops_t zsets_type_ops MD_HIDDEN;

/* The RDB callbacks, also for unit tests. */
uint8_t zsets_rdb_type(const void *z) MD_HIDDEN;
int zsets_rdb_save(md_rdb_t *r, const void *z) MD_HIDDEN;
void *zsets_rdb_load(md_rdb_t *r, int type) MD_HIDDEN;

#endif /* ZSETS_RDB_H */
