/*
 * sdk_rdb.h — the host side of md_rdb_t: an RDB byte stream plus the
 * module whose callbacks are running (strings loaded through it are
 * accounted to that module).
 */
#ifndef MODIS_SDK_RDB_H
#define MODIS_SDK_RDB_H

#include "persist/rdb_io.h"
#include "sdk_host.h"

struct md_rdb {
    rdb_io_t *io;
    md_module_t *module;
    int empty;               /* rdb_load said: valid, but no elements */
};

#endif
