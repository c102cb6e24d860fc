/*
 * lists_rdb.h — the callbacks of the "list" type (free, copy, memory,
 * digest, encoding name, RDB save/load with Redis's list type bytes, AOF
 * rewrite), registered by md_init.
 */
#ifndef LISTS_RDB_H
#define LISTS_RDB_H

#include "modis.h"

extern const md_type_ops_t lists_type_ops MD_HIDDEN;

#endif /* LISTS_RDB_H */
