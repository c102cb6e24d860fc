/*
 * zsets_setops.h — ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD
 * (zsets_setops.c).
 */
#ifndef ZSETS_SETOPS_H
#define ZSETS_SETOPS_H

#include "modis.h"

int zsets_cmd_zunion(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zinter(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zdiff(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zunionstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zinterstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zdiffstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zintercard(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* ZSETS_SETOPS_H */
