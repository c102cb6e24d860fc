/*
 * sdk_rdb.h — the host side of md_rdb_t: an RDB byte stream plus the
 * module whose callbacks are running (strings loaded through it are
 * accounted to that module). A typed stream (a module-type value or aux
 * record, 1.2) takes only the opcode-tagged md_rdb_write_* / read_* fields
 * (sdk_rdb_module.c); the raw primitives of sdk_rdb.c refuse it, and the
 * typed ones refuse an untyped stream.
 */
#ifndef MODIS_SDK_RDB_H
#define MODIS_SDK_RDB_H

#include "persist/rdb_io.h"
#include "sdk_host.h"

struct md_rdb {
    rdb_io_t *io;
    md_module_t *module;
    int empty;               /* rdb_load said: valid, but no elements */
    int typed;               /* module-type value or aux record */
};

/* Read an RDB string into memory accounted to r's module (md_alloc'd, NUL
 * after the *len bytes); NULL on error. No check of the stream kind. */
void *sdk_rdb_string(md_rdb_t *r, size_t *len);

#endif
