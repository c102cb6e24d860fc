/*
 * zsets_range.h — the range commands of the sorted sets (zsets_range.c).
 */
#ifndef ZSETS_RANGE_H
#define ZSETS_RANGE_H

#include "modis.h"

int zsets_cmd_zrange(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrangestore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrevrange(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrevrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zrevrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zremrangebyrank(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zremrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int zsets_cmd_zremrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* ZSETS_RANGE_H */
