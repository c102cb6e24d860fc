/*
 * rdb_handle.h — the host side of md_rdb_t: an RDB byte stream plus the
 * module whose callbacks are running (strings loaded through it are
 * accounted to that module). rdb.c makes one per value; the SDK's RDB
 * section (host/sdk_rdb.c) works on it.
 */
#ifndef PERSIST_RDB_HANDLE_H
#define PERSIST_RDB_HANDLE_H

#include "persist/rdb_io.h"
#include "host/sdk_host.h"

struct md_rdb {
    rdb_io_t *io;
    md_module_t *module;
    int empty;               /* rdb_load said: valid, but no elements */
};

#endif
