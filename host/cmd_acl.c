/*
 * cmd_acl.c — the ACL command's table (Redis 7.4's arities, flags,
 * categories and docs) and ACL WHOAMI; the other subcommands are the ACL
 * subsystem's (acl_cmd.h).
 */
#include "acl.h"
#include "acl_cmd.h"
#include "hostcmds.h"
#include "sdk_ctx.h"

static int whoami_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    const acl_user_t *u = acl_client_user(ctx->client);
    size_t len = 0;
    const char *name = u ? acl_user_name(u, &len) : NULL;
    if (name) md_reply_bulk(ctx, name, len);
    else md_reply_null(ctx);
    return MD_OK;
}

#define ACL_ADMIN "admin noscript loading stale"
#define ACL_PLAIN "noscript loading stale"

static const md_command_t acl_subcommands[] = {
    {.name = "cat", .handler = acl_cmd_cat, .arity = -2, .flags = ACL_PLAIN,
     .summary = "Lists the ACL categories, or the commands inside a category.", .since = "6.0.0",
     .complexity = "O(1) since the categories and commands are a fixed set.",
     .group = "server", .syntax = "[categoryname]"},
    {.name = "deluser", .handler = acl_cmd_deluser, .arity = -3, .flags = ACL_ADMIN,
     .summary = "Deletes ACL users, and terminates their connections.", .since = "6.0.0",
     .complexity = "O(1) amortized time considering the typical user.", .group = "server",
     .syntax = "username [username ...]"},
    {.name = "dryrun", .handler = acl_cmd_dryrun, .arity = -4, .flags = ACL_ADMIN,
     .summary = "Simulates the execution of a command by a user, without executing the command.",
     .since = "7.0.0", .complexity = "O(1).", .group = "server",
     .syntax = "username command [arg [arg ...]]"},
    {.name = "genpass", .handler = acl_cmd_genpass, .arity = -2, .flags = ACL_PLAIN,
     .summary = "Generates a pseudorandom, secure password that can be used to identify ACL "
                "users.",
     .since = "6.0.0", .complexity = "O(1)", .group = "server", .syntax = "[bits{integer}]"},
    {.name = "getuser", .handler = acl_cmd_getuser, .arity = 3, .flags = ACL_ADMIN,
     .summary = "Lists the ACL rules of a user.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of password, command and pattern rules that "
                   "the user has.",
     .group = "server", .syntax = "username",
     .history = "6.2.0: Added Pub/Sub channel patterns.\n"
                "7.0.0: Added selectors and changed the format of key and channel patterns "
                "from a list to their rule representation."},
    {.name = "help", .handler = acl_cmd_help, .arity = 2, .flags = "loading stale",
     .summary = "Returns helpful text about the different subcommands.", .since = "6.0.0",
     .complexity = "O(1)", .group = "server"},
    {.name = "list", .handler = acl_cmd_list, .arity = 2, .flags = ACL_ADMIN,
     .summary = "Dumps the effective rules in ACL file format.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of configured users.", .group = "server"},
    {.name = "load", .handler = acl_cmd_load, .arity = 2, .flags = ACL_ADMIN,
     .summary = "Reloads the rules from the configured ACL file.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of configured users.", .group = "server"},
    {.name = "log", .handler = acl_cmd_log, .arity = -2, .flags = ACL_ADMIN,
     .summary = "Lists recent security events generated due to ACL rules.", .since = "6.0.0",
     .complexity = "O(N) with N being the number of entries shown.", .group = "server",
     .syntax = "[count | RESET]{=operation}",
     .history = "7.2.0: Added entry ID, timestamp created, and timestamp last updated."},
    {.name = "save", .handler = acl_cmd_save, .arity = 2, .flags = ACL_ADMIN,
     .summary = "Saves the effective ACL rules in the configured ACL file.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of configured users.", .group = "server"},
    {.name = "setuser", .handler = acl_cmd_setuser, .arity = -3, .flags = ACL_ADMIN,
     .summary = "Creates and modifies an ACL user and its rules.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of rules provided.", .group = "server",
     .syntax = "username [rule [rule ...]]",
     .history = "6.2.0: Added Pub/Sub channel patterns.\n"
                "7.0.0: Added selectors and key based permissions."},
    {.name = "users", .handler = acl_cmd_users, .arity = 2, .flags = ACL_ADMIN,
     .summary = "Lists all ACL users.", .since = "6.0.0",
     .complexity = "O(N). Where N is the number of configured users.", .group = "server"},
    {.name = "whoami", .handler = whoami_cmd, .arity = 2, .flags = ACL_PLAIN,
     .summary = "Returns the authenticated username of the current connection.",
     .since = "6.0.0", .complexity = "O(1)", .group = "server"},
    {0}};

const md_command_t hostcmds_acl[] = {
    {.name = "acl", .arity = -2, .summary = "A container for Access List Control commands.",
     .since = "6.0.0", .complexity = "Depends on subcommand.", .subcommands = acl_subcommands,
     .group = "server"},
    {0}};
