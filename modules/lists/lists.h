/*
 * lists.h — state the lists module shares between its files: the type slot
 * the host gave us in md_init and the two list parameters. Set during
 * md_init (the parameters also by CONFIG SET), read-only otherwise.
 */
#ifndef LISTS_H
#define LISTS_H

#include "modis.h"
#include "quicklist.h"

/* The "list" type slot; NULL until md_init registered it. */
extern md_type_t *lists_type MD_HIDDEN;
/* list-max-listpack-size (default -2) and list-compress-depth (0). */
extern long long lists_max_listpack_size MD_HIDDEN;
extern long long lists_compress_depth MD_HIDDEN;

/* A new empty list with the current parameters ("listpack" encoding). */
ql_t *lists_new(void) MD_HIDDEN;

#endif /* LISTS_H */
