/*
 * zsets_pop.h — ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms
 * (zsets_pop.c).
 */
#ifndef ZSETS_POP_H
#define ZSETS_POP_H

#include "modis.h"

int zsets_cmd_zpopmin(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zpopmax(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zmpop(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_bzpopmin(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_bzpopmax(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_bzmpop(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* ZSETS_POP_H */
