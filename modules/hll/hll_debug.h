/*
 * hll_debug.h — Redis's internal HyperLogLog commands: PFDEBUG and
 * PFSELFTEST.
 */
#ifndef HLL_DEBUG_H
#define HLL_DEBUG_H

#include "modis.h"

int hll_cmd_pfdebug(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hll_cmd_pfselftest(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* HLL_DEBUG_H */
