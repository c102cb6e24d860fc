/*
 * cmd_function.c — FCALL, FCALL_RO and FUNCTION LOAD/LIST/DELETE/FLUSH/
 * DUMP/RESTORE/STATS/KILL/HELP, with Redis 7.0's replies and error texts.
 * The libraries and the runs are function.c's and script.c's.
 *
 * The commands that change the libraries propagate themselves verbatim
 * (md_replicate_verbatim), so the AOF and the replicas get them as sent.
 * The DUMP payload is Redis's: FUNCTION2 opcode + the library's code as an
 * RDB string, per library, then the DUMP footer (RDB version + CRC64).
 */
#include "client.h"
#include "dispatch.h"
#include "function.h"
#include "hostcmds.h"
#include "mem.h"
#include "script.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"
#include "persist/rdb.h"
#include "persist/rdb_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Redis's reply to a subcommand given too many arguments. */
static void reply_wrong_args(md_ctx_t *c, md_arg_t sub)
{
    char msg[300];
    snprintf(msg, sizeof(msg), "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
             "Try FUNCTION HELP.", (int)(sub.len > 128 ? 128 : sub.len), sub.ptr);
    md_reply_error(c, msg);
}

/* Whether arg is the word w, any case. */
static int is(md_arg_t arg, const char *w)
{
    return arg.len == strlen(w) && strncasecmp(arg.ptr, w, arg.len) == 0;
}

/* FCALL and FCALL_RO. */
static int fcall_generic(md_ctx_t *ctx, int argc, const md_arg_t *argv, int ro)
{
    long long nkeys;
    if (!fn_exists(&argv[1])) {
        md_reply_error(ctx, "ERR Function not found");
        return MD_OK;
    }
    if (util_str2ll(argv[2].ptr, argv[2].len, &nkeys) != 0) {
        md_reply_error(ctx, "ERR Bad number of keys provided");
        return MD_OK;
    }
    if (nkeys > argc - 3) {
        md_reply_error(ctx, "ERR Number of keys can't be greater than number of args");
        return MD_OK;
    }
    if (nkeys < 0) {
        md_reply_error(ctx, "ERR Number of keys can't be negative");
        return MD_OK;
    }
    fn_call(ctx, &argv[1], (int)nkeys, argv + 3, argc - 3 - (int)nkeys, argv + 3 + nkeys, ro);
    return MD_OK;
}

static int fcall_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return fcall_generic(c, argc, argv, 0);
}

static int fcall_ro_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return fcall_generic(c, argc, argv, 1);
}

static int function_load_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int replace = 0, i = 2;
    for (; i < argc - 1; i++) {
        if (!is(argv[i], "replace")) {
            char msg[300];
            snprintf(msg, sizeof(msg), "ERR Unknown option given: %.*s",
                     (int)(argv[i].len > 200 ? 200 : argv[i].len), argv[i].ptr);
            md_reply_error(c, msg);
            return MD_OK;
        }
        replace = 1;
    }
    char name[256], err[1024];
    if (fn_load(argv[i].ptr, argv[i].len, replace, name, sizeof(name), err, sizeof(err)) != 0) {
        md_reply_error(c, err);
        return MD_OK;
    }
    md_replicate_verbatim(c);
    md_dirty(c, 1);
    md_reply_bulk(c, name, strlen(name));
    return MD_OK;
}

static int function_list_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const md_arg_t *pattern = NULL;
    int withcode = 0;
    for (int i = 2; i < argc; i++) {
        char msg[300];
        if (is(argv[i], "withcode") && !withcode) {
            withcode = 1;
            continue;
        }
        if (is(argv[i], "libraryname") && !pattern) {
            if (i == argc - 1) {
                md_reply_error(c, "ERR library name argument was not given");
                return MD_OK;
            }
            pattern = &argv[++i];
            continue;
        }
        snprintf(msg, sizeof(msg), "ERR Unknown argument %.*s",
                 (int)(argv[i].len > 200 ? 200 : argv[i].len), argv[i].ptr);
        md_reply_error(c, msg);
        return MD_OK;
    }
    fn_list(c, pattern, withcode);
    return MD_OK;
}

static int function_delete_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (fn_delete(argv[2].ptr, argv[2].len) != 0) {
        md_reply_error(c, "ERR Library not found");
        return MD_OK;
    }
    md_replicate_verbatim(c);
    md_dirty(c, 1);
    md_reply_ok(c);
    return MD_OK;
}

static int function_flush_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 3) {
        reply_wrong_args(c, argv[1]);
        return MD_OK;
    }
    if (argc == 3 && !is(argv[2], "sync") && !is(argv[2], "async")) {
        md_reply_error(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return MD_OK;
    }
    fn_flush();
    md_replicate_verbatim(c);
    md_dirty(c, 1);
    md_reply_ok(c);
    return MD_OK;
}

/* One library in a DUMP payload. */
static int dump_one(void *priv, const char *code, size_t len)
{
    rdb_io_t *io = priv;
    rdb_save_type(io, RDB_OPCODE_FUNCTION2);
    return rdb_save_string(io, code, len);
}

static int function_dump_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    rdb_io_t io;
    rdb_io_mem_writer(&io, NULL);
    fn_each_code(dump_one, &io);
    rdb_save_dump_footer(&io, RDB_WRITE_VERSION_MIN);
    size_t len;
    const void *p = rdb_io_mem_data(&io, &len);
    if (rdb_io_error(&io)) md_reply_error(c, "ERR DUMP failed");
    else md_reply_bulk(c, p, len);
    rdb_io_release(&io);
    return MD_OK;
}

/* The codes of a verified payload's libraries (freed by the caller with
 * free()); -1 after the error reply. */
static int read_payload(md_ctx_t *c, const void *p, size_t len, md_arg_t **codes, int *n)
{
    rdb_io_t io;
    rdb_io_mem_reader(&io, p, len, NULL);
    int cap = 0;
    const char *err = NULL;
    *codes = NULL;
    *n = 0;
    while (!err && rdb_io_remaining(&io) > 0) {
        uint8_t type;
        if (rdb_load_type(&io, &type)) {
            err = "ERR payload version or checksum are wrong";
        } else if (type == RDB_OPCODE_FUNCTION_PRE_GA) {
            err = "ERR Pre-GA function format not supported";
        } else if (type != RDB_OPCODE_FUNCTION2) {
            err = "ERR given type is not a function";
        } else {
            size_t l;
            char *code = rdb_load_string(&io, &l, NULL);
            if (!code) {
                err = "ERR payload version or checksum are wrong";
                break;
            }
            if (*n == cap) {
                cap = cap ? cap * 2 : 4;
                *codes = mem_realloc(*codes, (size_t)cap * sizeof(**codes));
            }
            (*codes)[(*n)++] = (md_arg_t){code, l};
        }
    }
    rdb_io_release(&io);
    if (!err) return 0;
    md_reply_error(c, err);
    return -1;
}

static void free_codes(md_arg_t *codes, int n)
{
    for (int i = 0; i < n; i++) free((void *)codes[i].ptr);
    mem_free(codes);
}

static int function_restore_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 4) {
        reply_wrong_args(c, argv[1]);
        return MD_OK;
    }
    fn_policy_t policy = FN_APPEND;
    if (argc == 4) {
        if (is(argv[3], "flush")) policy = FN_FLUSH;
        else if (is(argv[3], "replace")) policy = FN_REPLACE;
        else if (!is(argv[3], "append")) {
            md_reply_error(c, "ERR Wrong restore policy given, value should be either FLUSH, "
                              "APPEND or REPLACE.");
            return MD_OK;
        }
    }
    int version;
    char err[1024];
    if (rdb_verify_dump_payload(argv[2].ptr, argv[2].len, !srv.skip_checksum_validation,
                                &version, err, sizeof(err))) {
        md_reply_error(c, "ERR DUMP payload version or checksum are wrong");
        return MD_OK;
    }
    md_arg_t *codes;
    int n;
    if (read_payload(c, argv[2].ptr, argv[2].len - RDB_DUMP_FOOTER_LEN, &codes, &n) != 0)
        return MD_OK;
    int rc = fn_load_many(codes, n, policy, err, sizeof(err));
    free_codes(codes, n);
    if (rc != 0) {
        md_reply_error(c, err);
        return MD_OK;
    }
    md_replicate_verbatim(c);
    md_dirty(c, 1);
    md_reply_ok(c);
    return MD_OK;
}

static void reply_cstr(md_ctx_t *c, const char *s) { md_reply_bulk(c, s, strlen(s)); }

static int function_stats_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t ms;
    const client_t *caller;
    int function = 0;
    const char *name = script_running(&ms, &caller, &function);
    if (name && !function) { /* an EVAL is busy */
        md_reply_error(c, DISPATCH_ERR_BUSY);
        return MD_OK;
    }
    md_reply_map(c, 2);
    reply_cstr(c, "running_script");
    if (!name) {
        md_reply_null(c);
    } else {
        md_reply_map(c, 3);
        reply_cstr(c, "name");
        reply_cstr(c, name);
        reply_cstr(c, "command");
        md_reply_array(c, caller->argc);
        for (int i = 0; i < caller->argc; i++)
            md_reply_bulk(c, caller->argv[i].ptr, caller->argv[i].len);
        reply_cstr(c, "duration_ms");
        md_reply_int(c, ms);
    }
    reply_cstr(c, "engines");
    md_reply_map(c, 1);
    reply_cstr(c, "LUA");
    md_reply_map(c, 2);
    reply_cstr(c, "libraries_count");
    md_reply_int(c, (long long)fn_count_libraries());
    reply_cstr(c, "functions_count");
    md_reply_int(c, (long long)fn_count_functions());
    return MD_OK;
}

static int function_kill_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const char *err;
    if (script_kill(&err, 1) != 0) md_reply_error(c, err);
    else md_reply_ok(c);
    return MD_OK;
}

static int function_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME "
        "argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored "
        "using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a "
        "restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
        "abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
        "replace the old",
        "      libraries with the new libraries (notice that even on this option there is a "
        "chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
        NULL};
    return sdk_reply_help(c, lines);
}

#define FCALL_SPECS "RW access update index:2 keynum:0:1:1" \
    " # We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"
#define FCALL_RO_SPECS "RO access index:2 keynum:0:1:1" \
    " # We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
#define ALL_SHARDS "request_policy:all_shards response_policy:all_succeeded"

static const md_command_t function_subs[] = {
    {.name = "load", .syntax = "[REPLACE] function-code", .handler = function_load_cmd,
     .arity = -3, .flags = "write denyoom noscript", .acl = "@write @slow @scripting",
     .summary = "Create a function with the given arguments (name, code, description)",
     .since = "7.0.0", .complexity = "O(1) (considering compilation time is redundant)",
     .group = "scripting", .tips = ALL_SHARDS},
    {.name = "list", .syntax = "[LIBRARYNAME library-name-pattern] [WITHCODE]",
     .handler = function_list_cmd, .arity = -2, .flags = "noscript",
     .acl = "@slow @scripting", .summary = "List information about all the functions",
     .since = "7.0.0", .complexity = "O(N) where N is the number of functions",
     .group = "scripting", .tips = "nondeterministic_output_order"},
    {.name = "delete", .syntax = "library-name", .handler = function_delete_cmd, .arity = 3,
     .flags = "write noscript", .acl = "@write @slow @scripting",
     .summary = "Delete a function by name", .since = "7.0.0", .complexity = "O(1)",
     .group = "scripting", .tips = ALL_SHARDS},
    {.name = "flush", .syntax = "[ASYNC | SYNC]{=async}", .handler = function_flush_cmd,
     .arity = -2, .flags = "write noscript", .acl = "@write @slow @scripting",
     .summary = "Deleting all functions", .since = "7.0.0",
     .complexity = "O(N) where N is the number of functions deleted", .group = "scripting",
     .tips = ALL_SHARDS},
    {.name = "dump", .handler = function_dump_cmd, .arity = 2, .flags = "noscript",
     .acl = "@slow @scripting", .summary = "Dump all functions into a serialized binary payload",
     .since = "7.0.0", .complexity = "O(N) where N is the number of functions",
     .group = "scripting"},
    {.name = "restore", .syntax = "serialized-value [FLUSH | APPEND | REPLACE]{=policy}",
     .handler = function_restore_cmd, .arity = -3, .flags = "write denyoom noscript",
     .acl = "@write @slow @scripting",
     .summary = "Restore all the functions on the given payload", .since = "7.0.0",
     .complexity = "O(N) where N is the number of functions on the payload",
     .group = "scripting", .tips = ALL_SHARDS},
    {.name = "stats", .handler = function_stats_cmd, .arity = 2, .flags = "noscript allow_busy",
     .acl = "@slow @scripting",
     .summary = "Return information about the function currently running (name, description, "
                "duration)",
     .since = "7.0.0", .complexity = "O(1)", .group = "scripting",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "kill", .handler = function_kill_cmd, .arity = 2, .flags = "noscript allow_busy",
     .acl = "@slow @scripting", .summary = "Kill the function currently in execution.",
     .since = "7.0.0", .complexity = "O(1)", .group = "scripting",
     .tips = "request_policy:all_shards response_policy:one_succeeded"},
    {.name = "help", .handler = function_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@slow @scripting", .summary = "Show helpful text about the different subcommands",
     .since = "7.0.0", .complexity = "O(1)", .group = "scripting"},
    {0}};

const md_command_t hostcmds_function[] = {
    {.name = "fcall", .syntax = "function numkeys [key [key ...]] [arg [arg ...]]",
     .handler = fcall_cmd, .arity = -3,
     .flags = "noscript stale skip_monitor no_mandatory_keys movablekeys",
     .acl = "@slow @scripting", .summary = "Invoke a function", .since = "7.0.0",
     .complexity = "Depends on the function that is executed.", .group = "scripting",
     .key_specs = FCALL_SPECS},
    {.name = "fcall_ro", .syntax = "function numkeys [key [key ...]] [arg [arg ...]]",
     .handler = fcall_ro_cmd, .arity = -3,
     .flags = "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
     .acl = "@slow @scripting", .summary = "Invoke a read-only function", .since = "7.0.0",
     .complexity = "Depends on the function that is executed.", .group = "scripting",
     .key_specs = FCALL_RO_SPECS},
    {.name = "function", .arity = -2, .flags = "", .acl = "@slow @scripting",
     .summary = "A container for function commands", .since = "7.0.0",
     .complexity = "Depends on subcommand.", .subcommands = function_subs,
     .group = "scripting"},
    {0}};
