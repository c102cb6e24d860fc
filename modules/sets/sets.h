/*
 * sets.h — state the sets module shares between its files: the type
 * slot. (The three encoding parameters live in set_value.c as
 * sv_max_intset_entries, sv_max_listpack_entries, sv_max_listpack_value.)
 */
#ifndef SETS_H
#define SETS_H

#include "modis.h"

/* The "set" type slot; NULL until md_init registered it. */
extern md_type_t *sets_type MD_HIDDEN;

#endif /* SETS_H */
