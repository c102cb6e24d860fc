/*
 * cmd_admin.c — administrative commands: CONFIG (handlers in config.c) and
 * MODULE (LOAD, LOADEX, UNLOAD, LIST, HELP). DEBUG is cmd_debug.c.
 */
#include "call.h"
#include "client.h"
#include "config.h"
#include "hostcmds.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"

#include <stdio.h>
#include <string.h>

/* ---- MODULE ---- */

static char *arg_dup(md_arg_t a) { return mem_strndup(a.ptr, a.len); }

static int do_module_load(md_ctx_t *c, md_arg_t path, int argc, const md_arg_t *argv)
{
    char *p = arg_dup(path);
    char **args = mem_calloc((size_t)(argc + 1) * sizeof(char *));
    for (int i = 0; i < argc; i++) args[i] = arg_dup(argv[i]);
    char err[512], msg[700];
    int rc = module_load(p, argc, args, err, sizeof(err));
    if (rc == 0) {
        md_reply_ok(c);
    } else {
        log_msg(LOG_WARNING, "Module %s failed to load: %s", p, err);
        snprintf(msg, sizeof(msg), "ERR Error loading the extension: %s", err);
        md_reply_error(c, msg);
    }
    for (int i = 0; i < argc; i++) mem_free(args[i]);
    mem_free(args);
    mem_free(p);
    return MD_OK;
}

static int module_load_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return do_module_load(c, argv[2], argc - 3, argv + 3);
}

static int module_loadex_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int j = 3, nargs = 0;
    const md_arg_t *args = NULL;
    while (j < argc) {
        if (md_arg_eq(argv[j], "CONFIG") && j + 2 < argc) {
            char *name = arg_dup(argv[j + 1]), *val = arg_dup(argv[j + 2]);
            char err[256], msg[512];
            int rc = config_set_one(name, val, err, sizeof(err));
            if (rc != 0) {
                snprintf(msg, sizeof(msg), "ERR Error loading the extension: config '%s': %s",
                         name, err);
                md_reply_error(c, msg);
            }
            mem_free(name);
            mem_free(val);
            if (rc != 0) return MD_OK;
            j += 3;
        } else if (md_arg_eq(argv[j], "ARGS")) {
            args = argv + j + 1;
            nargs = argc - j - 1;
            break;
        } else {
            md_reply_syntax(c);
            return MD_OK;
        }
    }
    return do_module_load(c, argv[2], nargs, args);
}

static int module_unload_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char *name = arg_dup(argv[2]);
    char err[300], msg[400];
    int rc = -1;
    if (call_depth() > 0) /* the caller's module code may be on the stack */
        snprintf(err, sizeof(err), "not allowed from md_call");
    else
        rc = module_unload(name, err, sizeof(err));
    if (rc == 0) {
        md_reply_ok(c);
    } else {
        snprintf(msg, sizeof(msg), "ERR Error unloading module: %s", err);
        md_reply_error(c, msg);
    }
    mem_free(name);
    return MD_OK;
}

static int module_list_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int n = 0;
    for (module_t *m = module_first(); m; m = m->next) n++;
    md_reply_array(c, n);
    for (module_t *m = module_first(); m; m = m->next) {
        md_reply_map(c, 4);
        md_reply_bulk(c, "name", 4);
        md_reply_bulk(c, m->name, strlen(m->name));
        md_reply_bulk(c, "ver", 3);
        md_reply_int(c, m->manifest->version);
        md_reply_bulk(c, "path", 4);
        md_reply_bulk(c, m->path, strlen(m->path));
        md_reply_bulk(c, "args", 4);
        md_reply_array(c, m->argc);
        for (int i = 0; i < m->argc; i++) md_reply_bulk(c, m->argv[i], strlen(m->argv[i]));
    }
    return MD_OK;
}

static int module_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
        "HELP",
        "    Print this help.",
        NULL};
    return sdk_reply_help(c, lines);
}

#define ADMIN "admin noscript loading stale"
#define SUB(n, h, a, f, s, v, ...) \
    {.name = n, .handler = h, .arity = a, .flags = f, .acl = "@admin @slow @dangerous", \
     .summary = s, .since = v, .complexity = "O(1)", .group = "server", __VA_ARGS__}

/* CONFIG SET, with what enable-protected-configs allows this client. */
static int config_set_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return config_cmd_set(c, argc, argv, config_protected_allowed("config", c->client));
}

static const md_command_t config_subs[] = {
    {.name = "get", .syntax = "parameter [parameter ...]", .handler = config_cmd_get, .arity = -3, .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous", .summary = "Returns the effective values of configuration parameters.",
     .since = "2.0.0", .complexity = "O(N) when N is the number of configuration parameters provided",
     .group = "server",
     .history = "7.0.0: Added the ability to pass multiple pattern parameters in one call"},
    {.name = "set", .syntax = "parameter value [parameter value ...]{=data}", .handler = config_set_cmd, .arity = -4,
     .flags = "admin noscript loading stale", .acl = "@admin @slow @dangerous",
     .summary = "Sets configuration parameters in-flight.", .since = "2.0.0",
     .complexity = "O(N) when N is the number of configuration parameters provided", .group = "server",
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .history = "7.0.0: Added the ability to set multiple parameters in one call."},
    SUB("resetstat", config_cmd_resetstat, 2, ADMIN, "Resets the server's statistics.", "2.0.0"),
    SUB("rewrite", config_cmd_rewrite, 2, ADMIN,
        "Persists the effective configuration to file.", "2.8.0"),
    {.name = "help", .handler = config_cmd_help, .arity = 2, .flags = "loading stale",
     .acl = "@slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "server"},
    {0}};

static const md_command_t module_subs[] = {
    SUB("load", module_load_cmd, -3, "admin noscript no_async_loading",
        "Loads a module.", "4.0.0",
        .syntax = "path [arg [arg ...]]"),
    SUB("loadex", module_loadex_cmd, -3, "admin noscript no_async_loading", "Loads a module using extended parameters.",
        "7.0.0",
        .syntax = "path [CONFIG name value [CONFIG name value ...]{=configs}] [ARGS args [args "
                  "...]]"),
    SUB("unload", module_unload_cmd, 3, "admin noscript no_async_loading", "Unloads a module.", "4.0.0",
        .syntax = "name"),
    {.name = "list", .handler = module_list_cmd, .arity = 2, .flags = "admin noscript",
     .acl = "@admin @slow @dangerous", .summary = "Returns all loaded modules.", .since = "4.0.0",
     .complexity = "O(N) where N is the number of loaded modules.", .group = "server",
     .tips = "nondeterministic_output_order"},
    {.name = "help", .handler = module_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "server"},
    {0}};

const md_command_t hostcmds_admin[] = {
    {.name = "config", .arity = -2, .flags = "", .acl = "@slow",
     .summary = "A container for server configuration commands.", .since = "2.0.0",
     .complexity = "Depends on subcommand.", .subcommands = config_subs, .group = "server"},
    {.name = "module", .arity = -2, .flags = "protected", .acl = "@slow",
     .summary = "A container for module commands.", .since = "4.0.0",
     .complexity = "Depends on subcommand.", .subcommands = module_subs, .group = "server"},
    {0}};
