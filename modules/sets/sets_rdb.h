/*
 * sets_rdb.h — the "set" type callbacks (sets_rdb.c): free, free_effort,
 * copy, mem_usage, digest, encoding, RDB save/load with Redis's set type
 * bytes (2, 11, 20), AOF rewrite.
 */
#ifndef SETS_RDB_H
#define SETS_RDB_H

#include "modis.h"

extern const md_type_ops_t sets_type_ops MD_HIDDEN;

#endif /* SETS_RDB_H */
