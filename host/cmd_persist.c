/*
 * cmd_persist.c — the persistence commands: SAVE, BGSAVE, LASTSAVE
 * (persist/save.c does the work) and BGREWRITEAOF (persist/aof_rewrite.c).
 */
#include "hostcmds.h"
#include "multi.h"
#include "sdk_ctx.h"
#include "server.h"
#include "persist/aof_rewrite.h"
#include "persist/save.h"

/* ---- RDB ---------------------------------------------------------------- */

static int save_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    (void)argv;
    int rc = save_foreground();
    if (rc == SAVE_BUSY) md_reply_error(c, "ERR Background save already in progress");
    else if (rc == 0) md_reply_ok(c);
    else md_reply_error(c, "ERR");
    return MD_OK;
}

static int bgsave_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int schedule = 0;
    if (argc > 1) {
        if (argc != 2 || !md_arg_eq(argv[1], "SCHEDULE")) {
            md_reply_syntax(c);
            return MD_OK;
        }
        schedule = 1;
    }
    int in_exec = c->client && multi_executing(c->client);
    switch (save_background(schedule, in_exec)) {
    case SAVE_BG_IN_PROGRESS:
        md_reply_error(c, "ERR Background save already in progress");
        break;
    case SAVE_BG_SCHEDULED:
        md_reply_simple(c, "Background saving scheduled");
        break;
    case SAVE_BG_OTHER_CHILD:
        md_reply_error(c, "ERR Another child process is active (AOF?): can't BGSAVE right "
                          "now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever "
                          "possible.");
        break;
    case SAVE_BG_STARTED:
        md_reply_simple(c, "Background saving started");
        break;
    default:
        md_reply_error(c, "ERR");
    }
    return MD_OK;
}

static int lastsave_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    (void)argv;
    md_reply_int(c, (long long)srv.lastsave);
    return MD_OK;
}

/* ---- AOF ---------------------------------------------------------------- */

static int bgrewriteaof_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    (void)argv;
    switch (aof_rewrite_request(srv.in_command > 1)) {
    case AOF_REWRITE_IN_PROGRESS:
        md_reply_error(c, "ERR Background append only file rewriting already in progress");
        break;
    case AOF_REWRITE_SCHEDULED:
        md_reply_simple(c, "Background append only file rewriting scheduled");
        break;
    case AOF_REWRITE_STARTED:
        md_reply_simple(c, "Background append only file rewriting started");
        break;
    default:
        md_reply_error(c, "ERR Can't execute an AOF background rewriting. Please check the "
                       "server logs for more information.");
    }
    return MD_OK;
}

const md_command_t hostcmds_persist[] = {
    {.name = "save", .handler = save_cmd, .arity = 1, .flags = "admin noscript no_async_loading no_multi",
     .acl = "@admin @slow @dangerous", .summary = "Synchronously saves the database(s) to disk.",
     .since = "1.0.0", .complexity = "O(N) where N is the total number of keys in all databases",
     .group = "server"},
    {.name = "bgsave", .syntax = "[SCHEDULE{@3.2.2}]", .handler = bgsave_cmd, .arity = -1,
     .flags = "admin noscript no_async_loading", .acl = "@admin @slow @dangerous",
     .summary = "Asynchronously saves the database(s) to disk.", .since = "1.0.0",
     .complexity = "O(1)", .group = "server",
     .history = "3.2.2: Added the `SCHEDULE` option."},
    {.name = "lastsave", .handler = lastsave_cmd, .arity = 1, .flags = "loading stale fast",
     .acl = "@admin @fast @dangerous",
     .summary = "Returns the Unix timestamp of the last successful save to disk.",
     .since = "1.0.0", .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output"},
    {.name = "bgrewriteaof", .handler = bgrewriteaof_cmd, .arity = 1,
     .flags = "admin noscript no_async_loading", .acl = "@admin @slow @dangerous",
     .summary = "Asynchronously rewrites the append-only file to disk.", .since = "1.0.0",
     .complexity = "O(1)", .group = "server"},
    {0}};
