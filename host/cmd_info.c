/*
 * cmd_info.c — the INFO command; the text is built by info.c.
 */
#include "hostcmds.h"
#include "info.h"
#include "mem.h"

/* ---- the command ---- */

static int info_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    size_t len;
    char *text = info_generate(argc - 1, argv + 1, &len);
    md_reply_verbatim(c, "txt", text, len);
    mem_free(text);
    return MD_OK;
}

const md_command_t hostcmds_info[] = {
    {.name = "info", .handler = info_cmd, .arity = -1, .flags = "loading stale",
     .acl = "@slow @dangerous", .summary = "Returns information and statistics about the server.",
     .since = "1.0.0", .complexity = "O(1)", .group = "server",
     .syntax = "[section [section ...]]",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .history = "7.0.0: Added support for taking multiple section arguments."},
    {0}};
