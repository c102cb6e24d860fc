/*
 * streams_rdb.h — the "stream" type callbacks (RDB, AOF rewrite, copy,
 * memory, digest, encoding).
 */
#ifndef STREAMS_RDB_H
#define STREAMS_RDB_H

#include "modis.h"

extern const md_type_ops_t streams_type_ops;

#endif /* STREAMS_RDB_H */
