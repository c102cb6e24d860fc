/*
 * counterset.h — what the module's files share: the type slot the host
 * gave md_init (written once there, read-only afterwards), the
 * `countset-capacity` parameter and the eviction counter INFO shows.
 * Everything runs on the host's command thread, except the type's `free`
 * callback, which may run on the lazy-free thread and touches none of
 * this.
 */
#ifndef COUNTERSET_H
#define COUNTERSET_H

#include "modis.h"

/* What TYPE shows. */
#define CS_TYPE_NAME "countset"

/*
 * The Redis module-type identity of the RDB encoding, declared in the
 * manifest (counterset.c): a 9-character name from [A-Za-z0-9_-] and the
 * encoding version rdb_save writes. The host writes the 64-bit id made of
 * both and routes values back to this type by the name.
 */
#define CS_RDB_NAME "countset-"
#define CS_RDB_ENCVER 1

extern md_type_t *cs_type MD_HIDDEN;
/* CONFIG countset-capacity: the capacity of sets created without
 * CAPACITY. */
extern long long cs_default_capacity MD_HIDDEN;
/* Members evicted since start (INFO counterset). */
extern long long cs_evictions MD_HIDDEN;

#endif /* COUNTERSET_H */
