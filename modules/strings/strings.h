/*
 * strings.h — what the strings module's files share: the type slot the
 * host gave us in md_init (set once there, read-only afterwards) and the
 * server's string size limit.
 */
#ifndef STRINGS_H
#define STRINGS_H

#include "modis.h"

/* The "string" type slot; NULL until md_init registered it. */
extern md_type_t *strings_type MD_HIDDEN;

/* Redis's minimum (and the config floor) of proto-max-bulk-len: sizes up
 * to this never need the configured limit looked up. */
#define STRINGS_MIN_BULK_LEN (1024LL * 1024)

/* The current proto-max-bulk-len (the largest string APPEND, SETRANGE and
 * SETBIT may build, and the bound on LCS's table); Redis's default of 512MB
 * when the host cannot say. */
long long strings_max_bulk_len(void) MD_HIDDEN;

#endif /* STRINGS_H */
