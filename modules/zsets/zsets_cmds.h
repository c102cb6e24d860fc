/*
 * zsets_cmds.h — the element commands of the sorted sets (zsets_cmds.c).
 * Every handler follows md_cmd_fn: exactly one reply, MD_OK.
 */
#ifndef ZSETS_CMDS_H
#define ZSETS_CMDS_H

#include "modis.h"

int zsets_cmd_zadd(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zincrby(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrem(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zcard(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zscore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zmscore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrank(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrevrank(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zcount(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zlexcount(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zscan(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrandmember(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* ZSETS_CMDS_H */
