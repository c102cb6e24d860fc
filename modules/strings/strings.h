/*
 * strings.h — state the strings module shares between its files: the type
 * slot the host gave us in md_init. Set once during md_init, read-only
 * afterwards.
 */
#ifndef STRINGS_H
#define STRINGS_H

#include "modis.h"

/* The "string" type slot; NULL until md_init registered it. */
extern md_type_t *strings_type MD_HIDDEN;

#endif /* STRINGS_H */
