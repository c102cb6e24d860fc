/*
 * hll_cmds.h — the HyperLogLog command handlers PFADD, PFCOUNT and
 * PFMERGE.
 */
#ifndef HLL_CMDS_H
#define HLL_CMDS_H

#include "modis.h"

int hll_cmd_pfadd(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hll_cmd_pfcount(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hll_cmd_pfmerge(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* HLL_CMDS_H */
