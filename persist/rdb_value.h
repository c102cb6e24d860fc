/*
 * rdb_value.h — one value read through its type slot's rdb_load callback,
 * shared by the built-in type bytes (rdb.c) and module-type values
 * (rdb_module.c). The callback's failures become stream errors; a value
 * returned together with an error is freed, so no half-loaded value leaks.
 */
#ifndef PERSIST_RDB_VALUE_H
#define PERSIST_RDB_VALUE_H

#include "persist/rdb_io.h"

struct md_type;

/*
 * Call slot t's rdb_load(arg) on io — arg is the type byte, or the
 * encoding version of a module-type value (`typed` 1: only the typed
 * fields are allowed). `what` describes the value for the error ("of RDB
 * type 4"). Returns the value; or NULL with *empty = 1; or NULL with an
 * error on the stream (a value returned together with an error is freed).
 */
void *rdb_value_load(rdb_io_t *io, struct md_type *t, int arg, int typed,
                     const char *what, int *empty);

#endif
