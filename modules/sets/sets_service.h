/*
 * sets_service.h — the "set.v1" service table (sdk/modis.h, md_set_v1_t)
 * that the sets module exports for other modules (SORT, the sorted-set
 * commands that take sets as inputs). md_init fills in `type`.
 */
#ifndef SETS_SERVICE_H
#define SETS_SERVICE_H

#include "modis.h"

extern md_set_v1_t sets_service MD_HIDDEN;

#endif /* SETS_SERVICE_H */
