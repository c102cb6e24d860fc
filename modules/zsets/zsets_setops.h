/*
 * zsets_setops.h — ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD
 * (zsets_setops.c), and the key-position functions of the commands with
 * a numkeys argument (ZMPOP and BZMPOP use them too).
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

/* md_getkeys_fn: numkeys at argv[1] (ZUNION, ZINTER, ZDIFF, ZINTERCARD,
 * ZMPOP), at argv[2] (BZMPOP), or the destination argv[1] and numkeys at
 * argv[2] (the STORE forms). */
int zsets_keys_numkeys1(int argc, const md_arg_t *argv, int *out, int cap) MD_HIDDEN;
int zsets_keys_numkeys2(int argc, const md_arg_t *argv, int *out, int cap) MD_HIDDEN;
int zsets_keys_store(int argc, const md_arg_t *argv, int *out, int cap) MD_HIDDEN;

#endif /* ZSETS_SETOPS_H */
