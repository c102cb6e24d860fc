/*
 * acl_cmd.h — what the ACL command (cmd_acl.c) does, one handler per
 * subcommand, with Redis 7.4's replies; and the log and file operations
 * they rest on. The handlers live in the ACL subsystem (acl_cmd.c) since
 * they read users' internals; cmd_acl.c declares the command table.
 */
#ifndef MODIS_ACL_CMD_H
#define MODIS_ACL_CMD_H

#include "sdk_host.h"

int acl_cmd_setuser(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_deluser(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_getuser(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_list(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_users(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_whoami(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_cat(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_genpass(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_log(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_dryrun(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_load(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_save(md_ctx_t *ctx, int argc, const md_arg_t *argv);
int acl_cmd_help(md_ctx_t *ctx, int argc, const md_arg_t *argv);

/* acl_log.c: the newest `count` entries as maps; drop them all. */
void acl_log_reply(md_ctx_t *ctx, long long count);
void acl_log_reset(void);
/* acl_file.c: ACL LOAD (NULL, or the owned error text: nothing changed)
 * and ACL SAVE (0, or -1 after logging why). */
char *acl_load_file(void);
int acl_save_file(void);

#endif
