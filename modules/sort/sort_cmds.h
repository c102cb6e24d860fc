/*
 * sort_cmds.h — SORT and SORT_RO (sort_cmds.c).
 */
#ifndef SORT_CMDS_H
#define SORT_CMDS_H

#include "modis.h"

int sort_cmd_sort(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sort_cmd_sort_ro(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* SORT_CMDS_H */
