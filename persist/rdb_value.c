/*
 * rdb_value.c — reading one value through its type slot; see rdb_value.h.
 */
#include "persist/rdb_value.h"

#include "host/types.h"
#include "persist/rdb_handle.h"

void *rdb_value_load(rdb_io_t *io, md_type_t *t, int arg, int typed, const char *what,
                     int *empty)
{
    md_rdb_t r = {.io = io, .module = t->owner, .typed = typed};
    *empty = 0;
    void *v = t->ops.rdb_load(&r, arg);
    if (rdb_io_error(io)) {
        if (v && t->ops.free) t->ops.free(v);
        return NULL;
    }
    if (!v) {
        if (r.empty) *empty = 1;
        else rdb_io_fail(io, "a '%s' value %s failed to load", t->name, what);
        return NULL;
    }
    return v;
}
