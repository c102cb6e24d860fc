/*
 * strings_rdb.h — the type callbacks of "string" values (free, copy,
 * memory, digest, OBJECT ENCODING, RDB save/load, AOF rewrite).
 */
#ifndef STRINGS_RDB_H
#define STRINGS_RDB_H

#include "modis.h"

extern const md_type_ops_t strings_type_ops MD_HIDDEN;

#endif /* STRINGS_RDB_H */
