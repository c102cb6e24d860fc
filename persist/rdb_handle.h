/*
 * rdb_handle.h — the host side of md_rdb_t: an RDB byte stream plus the
 * module whose callbacks are running (strings loaded through it are
 * accounted to that module). rdb.c makes one per value; the SDK's RDB
 * section (host/sdk_rdb.c) works on it. A typed stream (a module-type
 * value or aux record, 1.2; persist/rdb_module.c makes those) takes only
 * the opcode-tagged md_rdb_write_* / read_* fields (host/sdk_rdb_module.c);
 * the raw primitives of sdk_rdb.c refuse it, and the typed ones refuse an
 * untyped stream.
 */
#ifndef PERSIST_RDB_HANDLE_H
#define PERSIST_RDB_HANDLE_H

#include "persist/rdb_io.h"
#include "host/sdk_host.h"

struct md_rdb {
    rdb_io_t *io;
    md_module_t *module;
    int empty;               /* rdb_load said: valid, but no elements */
    int typed;               /* module-type value or aux record */
};

#endif
