/*
 * sdk_rdb.h — what the SDK's RDB sections share: the plain (sdk_rdb.c) and
 * the typed (sdk_rdb_module.c) md_rdb_* functions both read strings into
 * memory accounted to the stream's module.
 */
#ifndef MODIS_SDK_RDB_H
#define MODIS_SDK_RDB_H

#include "persist/rdb_handle.h"

/* Read an RDB string into memory accounted to r's module (md_alloc'd, NUL
 * after the *len bytes); NULL on error. No check of the stream kind. */
void *sdk_rdb_string(md_rdb_t *r, size_t *len);

#endif
