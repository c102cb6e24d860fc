/*
 * cmd_script.c — the scripting commands: EVAL, EVALSHA, EVAL_RO,
 * EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP. The VM, the cache
 * and the runs are script.c's.
 */
#include "hostcmds.h"
#include "script.h"
#include "sdk_ctx.h"

#include <string.h>
#include <strings.h>

/* numkeys of EVAL*: 0 with *n set, or -1 after the error reply. */
static int parse_numkeys(md_ctx_t *ctx, int argc, const md_arg_t *argv, long long *n)
{
    if (md_parse_ll(ctx, argv[2], n) != MD_OK) return -1;
    if (*n > argc - 3) {
        md_reply_error(ctx, "ERR Number of keys can't be greater than number of args");
        return -1;
    }
    if (*n < 0) {
        md_reply_error(ctx, "ERR Number of keys can't be negative");
        return -1;
    }
    return 0;
}

/* EVAL and EVALSHA (by_sha), read-only or not. */
static int eval_generic(md_ctx_t *ctx, int argc, const md_arg_t *argv, int by_sha, int ro)
{
    long long nkeys;
    if (parse_numkeys(ctx, argc, argv, &nkeys) != 0) return MD_OK;
    char sha[41];
    if (by_sha) {
        size_t n = argv[1].len < 40 ? argv[1].len : 40;
        memcpy(sha, argv[1].ptr, n);
        sha[n] = '\0';
    } else {
        char err[512];
        if (script_load(argv[1].ptr, argv[1].len, sha, err, sizeof(err)) != 0) {
            md_reply_error(ctx, err);
            return MD_OK;
        }
    }
    if (script_run(ctx, sha, (int)nkeys, argv + 3, argc - 3 - (int)nkeys, argv + 3 + nkeys, ro) != 0)
        md_reply_error(ctx, "NOSCRIPT No matching script. Please use EVAL.");
    return MD_OK;
}

static int eval_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return eval_generic(c, argc, argv, 0, 0);
}

static int evalsha_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return eval_generic(c, argc, argv, 1, 0);
}

static int eval_ro_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return eval_generic(c, argc, argv, 0, 1);
}

static int evalsha_ro_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return eval_generic(c, argc, argv, 1, 1);
}

static int script_load_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char sha[41], err[512];
    if (script_load(argv[2].ptr, argv[2].len, sha, err, sizeof(err)) != 0)
        md_reply_error(c, err);
    else
        md_reply_bulk(c, sha, 40);
    return MD_OK;
}

static int script_exists_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) md_reply_int(c, script_exists(argv[i].ptr, argv[i].len));
    return MD_OK;
}

static int script_flush_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 3 || (argc == 3 && strncasecmp(argv[2].ptr, "sync", argv[2].len) != 0 &&
                     strncasecmp(argv[2].ptr, "async", argv[2].len) != 0) ||
        (argc == 3 && argv[2].len != 4 && argv[2].len != 5)) {
        md_reply_error(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return MD_OK;
    }
    script_flush();
    md_reply_ok(c);
    return MD_OK;
}

static int script_kill_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const char *err;
    if (script_kill(&err, 0) != 0) md_reply_error(c, err);
    else md_reply_ok(c);
    return MD_OK;
}

static int script_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
        NULL};
    int n = 0;
    while (lines[n]) n++;
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) md_reply_simple(c, lines[i]);
    return MD_OK;
}

#define EVALSHA_SPECS "RW access update index:2 keynum:0:1:1"
#define EVAL_SPECS EVALSHA_SPECS \
    " # We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"
#define EVALSHA_RO_SPECS "RO access index:2 keynum:0:1:1"
#define EVAL_RO_SPECS EVALSHA_RO_SPECS \
    " # We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"

static const md_command_t script_subs[] = {
    {.name = "load", .syntax = "script", .handler = script_load_cmd, .arity = 3,
     .flags = "noscript stale", .acl = "@slow @scripting",
     .summary = "Loads a server-side Lua script to the script cache.", .since = "2.6.0",
     .complexity = "O(N) with N being the length in bytes of the script body.",
     .group = "scripting", .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "exists", .syntax = "sha1 [sha1 ...]", .handler = script_exists_cmd, .arity = -3,
     .flags = "noscript", .acl = "@slow @scripting",
     .summary = "Determines whether server-side Lua scripts exist in the script cache.",
     .since = "2.6.0",
     .complexity = "O(N) with N being the number of scripts to check (so checking a single "
                   "script is an O(1) operation).",
     .group = "scripting", .tips = "request_policy:all_shards response_policy:agg_logical_and"},
    {.name = "flush", .syntax = "[ASYNC | SYNC]{=async @6.2.0}", .handler = script_flush_cmd,
     .arity = -2, .flags = "noscript", .acl = "@slow @scripting",
     .summary = "Removes all server-side Lua scripts from the script cache.", .since = "2.6.0",
     .complexity = "O(N) with N being the number of scripts in cache", .group = "scripting",
     .history = "6.2.0: Added the `ASYNC` and `SYNC` flushing mode modifiers.",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "kill", .handler = script_kill_cmd, .arity = 2, .flags = "noscript allow_busy",
     .acl = "@slow @scripting", .summary = "Terminates a server-side Lua script during execution.",
     .since = "2.6.0", .complexity = "O(1)", .group = "scripting",
     .tips = "request_policy:all_shards response_policy:one_succeeded"},
    {.name = "help", .handler = script_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@slow @scripting",
     .summary = "Returns helpful text about the different subcommands.", .since = "5.0.0",
     .complexity = "O(1)", .group = "scripting"},
    {0}};

const md_command_t hostcmds_script[] = {
    {.name = "eval", .syntax = "script numkeys [key [key ...]] [arg [arg ...]]",
     .handler = eval_cmd, .arity = -3,
     .flags = "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys",
     .acl = "@slow @scripting", .summary = "Executes a server-side Lua script.",
     .since = "2.6.0", .complexity = "Depends on the script that is executed.",
     .group = "scripting", .key_specs = EVAL_SPECS},
    {.name = "evalsha", .syntax = "sha1 numkeys [key [key ...]] [arg [arg ...]]",
     .handler = evalsha_cmd, .arity = -3,
     .flags = "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys",
     .acl = "@slow @scripting", .summary = "Executes a server-side Lua script by SHA1 digest.",
     .since = "2.6.0", .complexity = "Depends on the script that is executed.",
     .group = "scripting", .key_specs = EVALSHA_SPECS},
    {.name = "eval_ro", .syntax = "script numkeys [key [key ...]] [arg [arg ...]]",
     .handler = eval_ro_cmd, .arity = -3,
     .flags = "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
     .acl = "@slow @scripting", .summary = "Executes a read-only server-side Lua script.",
     .since = "7.0.0", .complexity = "Depends on the script that is executed.",
     .group = "scripting", .key_specs = EVAL_RO_SPECS},
    {.name = "evalsha_ro", .syntax = "sha1 numkeys [key [key ...]] [arg [arg ...]]",
     .handler = evalsha_ro_cmd, .arity = -3,
     .flags = "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
     .acl = "@slow @scripting",
     .summary = "Executes a read-only server-side Lua script by SHA1 digest.", .since = "7.0.0",
     .complexity = "Depends on the script that is executed.", .group = "scripting",
     .key_specs = EVALSHA_RO_SPECS},
    {.name = "script", .arity = -2, .flags = "", .acl = "@slow @scripting",
     .summary = "A container for Lua scripts management commands.", .since = "2.6.0",
     .complexity = "Depends on subcommand.", .subcommands = script_subs, .group = "scripting"},
    {0}};
