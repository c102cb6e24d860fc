/*
 * cmd_multi.c — the transaction commands: MULTI, EXEC, DISCARD, WATCH,
 * UNWATCH. The state (queues, watched keys) is multi.c's.
 */
#include "dispatch.h"
#include "hostcmds.h"
#include "multi.h"
#include "sdk_ctx.h"

/* ---- commands ---- */

static int multi_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (multi_begin(ctx->client) != 0) {
        md_reply_error(ctx, "ERR MULTI calls can not be nested");
        return MD_OK;
    }
    md_reply_ok(ctx);
    return MD_OK;
}

static int discard_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (multi_discard(ctx->client) != 0) {
        md_reply_error(ctx, "ERR DISCARD without MULTI");
        return MD_OK;
    }
    md_reply_ok(ctx);
    return MD_OK;
}

static int exec_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    int n = multi_exec_begin(ctx->client);
    if (n == MULTI_EXEC_NO_MULTI) {
        md_reply_error(ctx, "ERR EXEC without MULTI");
    } else if (n == MULTI_EXEC_ABORT) {
        md_reply_error(ctx, "EXECABORT Transaction discarded because of previous errors.");
    } else if (n == MULTI_EXEC_WATCH_FAILED) {
        md_reply_null_array(ctx);
    } else {
        md_reply_array(ctx, n);
        multi_exec_run(ctx->client, dispatch_call);
    }
    return MD_OK;
}

static int watch_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (multi_active(ctx->client)) {
        md_reply_error(ctx, "ERR WATCH inside MULTI is not allowed");
        return MD_OK;
    }
    for (int i = 1; i < argc; i++) multi_watch(ctx->client, argv[i]);
    md_reply_ok(ctx);
    return MD_OK;
}

static int unwatch_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    multi_unwatch(ctx->client);
    md_reply_ok(ctx);
    return MD_OK;
}

const md_command_t hostcmds_multi[] = {
    {.name = "multi", .handler = multi_cmd, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@fast @transaction",
     .summary = "Starts a transaction.", .since = "1.2.0", .complexity = "O(1)",
     .group = "transactions"},
    {.name = "exec", .handler = exec_cmd, .arity = 1,
     .flags = "noscript loading stale skip_slowlog", .acl = "@slow @transaction",
     .summary = "Executes all commands in a transaction.", .since = "1.2.0",
     .complexity = "Depends on commands in the transaction", .group = "transactions"},
    {.name = "discard", .handler = discard_cmd, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@fast @transaction",
     .summary = "Discards a transaction.", .since = "2.0.0",
     .complexity = "O(N), when N is the number of queued commands", .group = "transactions"},
    {.name = "watch", .syntax = "key [key ...]", .handler = watch_cmd, .arity = -2,
     .flags = "noscript loading stale fast allow_busy", .first_key = 1, .last_key = -1,
     .step = 1, .acl = "@fast @transaction",
     .summary = "Monitors changes to keys to determine the execution of a transaction.",
     .since = "2.2.0", .complexity = "O(1) for every key.", .group = "transactions",
     .key_specs = "RO index:1 range:-1"},
    {.name = "unwatch", .handler = unwatch_cmd, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl = "@fast @transaction",
     .summary = "Forgets about watched keys of a transaction.", .since = "2.2.0",
     .complexity = "O(1)", .group = "transactions"},
    {0}};
