/*
 * strings_cmds.h — the command handlers of the strings module and the
 * key-level part of the string.v1 service. Each handler follows the
 * md_cmd_fn contract: the host did arity/ACL/OOM checks, the handler
 * replies exactly once and returns MD_OK (errors are replies, not return
 * values).
 */
#ifndef STRINGS_CMDS_H
#define STRINGS_CMDS_H

#include <stddef.h>
#include "modis.h"

int strings_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_setnx(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_setex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_psetex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_getex(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_getdel(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_getset(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_mget(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_mset(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_msetnx(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_append(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_strlen(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_incr(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_decr(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_incrby(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_decrby(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_incrbyfloat(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_getrange(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int strings_cmd_setrange(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

/* string.v1 writable(): see md_string_v1_t in modis.h. *cur receives the
 * string's length after the call (>= len), i.e. the size of the returned
 * writable buffer. */
char *strings_svc_writable(md_key_t *k, size_t len, size_t *cur) MD_HIDDEN;
/* string.v1 resize() (revision 2): the string made exactly len bytes. */
char *strings_svc_resize(md_key_t *k, size_t len) MD_HIDDEN;

#endif /* STRINGS_CMDS_H */
