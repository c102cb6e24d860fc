/*
 * cs_cmds.h — the command handlers of the counterset module.
 */
#ifndef CS_CMDS_H
#define CS_CMDS_H

#include "modis.h"

int cs_cmd_incr(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int cs_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int cs_cmd_top(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int cs_cmd_wait(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int cs_cmd_incrfrom(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* CS_CMDS_H */
