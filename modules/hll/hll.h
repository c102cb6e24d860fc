/*
 * hll.h — what the HyperLogLog module's files share: the strings module's
 * "string.v1" service (revision 2, for resize()) imported in md_init, and
 * the hll-sparse-max-bytes parameter. Both are set during md_init and
 * only read afterwards (the parameter also by CONFIG SET).
 */
#ifndef HLL_H
#define HLL_H

#include "modis.h"

/* The string.v1 table; NULL until md_init imported it. */
extern const md_string_v1_t *hll_str MD_HIDDEN;

/* hll-sparse-max-bytes: the largest sparse value (header included);
 * an update that would grow it further converts it to dense. */
extern long long hll_sparse_max_bytes MD_HIDDEN;

#endif /* HLL_H */
