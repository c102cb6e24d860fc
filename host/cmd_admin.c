/*
 * cmd_admin.c — administrative commands: CONFIG (handlers in config.c),
 * MODULE (LOAD, LOADEX, UNLOAD, LIST, HELP) and DEBUG (the subcommands
 * Redis test suites rely on).
 */
#include "client.h"
#include "config.h"
#include "digest.h"
#include "hostcmds.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"
#include "util.h"
#include "persist/rdb.h"
#include "persist/save.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    if (module_unload(name, err, sizeof(err)) == 0) {
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

static int reply_help(md_ctx_t *c, const char *const *lines)
{
    int n = 0;
    while (lines[n]) n++;
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) md_reply_simple(c, lines[i]);
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
    return reply_help(c, lines);
}

/* ---- DEBUG ---- */

static ks_entry_t *debug_find(md_ctx_t *c, md_arg_t key)
{
    return ks_find(&srv.db[c->client->dbid], key.ptr, key.len);
}

static int debug_object(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = debug_find(c, argv[2]);
    if (!e || ks_is_expired(e)) {
        md_reply_error(c, "ERR no such key");
        return MD_OK;
    }
    md_type_t *t = types_by_id(e->type);
    const char *enc = t->ops.encoding ? t->ops.encoding(e->value) : t->name;
    size_t mem = t->ops.mem_usage ? t->ops.mem_usage(e->value) : 0;
    char buf[256];
    snprintf(buf, sizeof(buf),
             "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
             e->value, enc, mem, (unsigned)(e->lru[0] | e->lru[1] << 8 | e->lru[2] << 16),
             (unsigned long long)(ks_idle_ms(e) / 1000));
    md_reply_simple(c, buf);
    return MD_OK;
}

static int debug_sleep(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    double secs;
    if (md_parse_double(c, argv[2], &secs) != MD_OK) return MD_OK;
    if (secs > 0) usleep((useconds_t)(secs * 1000000));
    md_reply_ok(c);
    return MD_OK;
}

static int debug_set_active_expire(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long v;
    if (md_parse_ll(c, argv[2], &v) != MD_OK) return MD_OK;
    srv.active_expire_enabled = v != 0;
    md_reply_ok(c);
    return MD_OK;
}

static int debug_log(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    log_msg(LOG_WARNING, "DEBUG LOG: %.*s", (int)argv[2].len, argv[2].ptr);
    md_reply_ok(c);
    return MD_OK;
}

static int debug_error(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char *m = arg_dup(argv[2]);
    md_reply_error(c, m);
    mem_free(m);
    return MD_OK;
}

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] */
static int debug_reload(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int flush = 1, save = 1, flags = 0;
    for (int i = 2; i < argc; i++) {
        if (md_arg_eq(argv[i], "MERGE")) {
            flags |= RDB_LOAD_ALLOW_DUP;
        } else if (md_arg_eq(argv[i], "NOFLUSH")) {
            flush = 0;
        } else if (md_arg_eq(argv[i], "NOSAVE")) {
            save = 0;
        } else {
            md_reply_error(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE "
                              "options.");
            return MD_OK;
        }
    }
    int rc = save_reload(save, flush, flags);
    if (rc == SAVE_RELOAD_SAVE_FAILED)
        md_reply_error(c, "ERR");
    else if (rc == SAVE_RELOAD_LOAD_FAILED)
        md_reply_error(c, "ERR Error trying to load the RDB dump, check server logs.");
    else
        md_reply_ok(c);
    return MD_OK;
}

static int debug_digest(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char hex[41];
    digest_dataset(hex);
    md_reply_simple(c, hex);
    return MD_OK;
}

static int debug_digest_value(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        char hex[41];
        ks_entry_t *e = debug_find(c, argv[i]);
        if (e) digest_value(e, hex);
        else memset(hex, '0', 40), hex[40] = '\0';
        md_reply_simple(c, hex);
    }
    return MD_OK;
}

static int debug_protocol(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t k = argv[2];
    if (md_arg_eq(k, "string")) md_reply_bulk(c, "Hello World", 11);
    else if (md_arg_eq(k, "integer")) md_reply_int(c, 12345);
    else if (md_arg_eq(k, "double")) md_reply_double(c, 3.141);
    else if (md_arg_eq(k, "null")) md_reply_null(c);
    else if (md_arg_eq(k, "true")) md_reply_bool(c, 1);
    else if (md_arg_eq(k, "false")) md_reply_bool(c, 0);
    else if (md_arg_eq(k, "verbatim")) md_reply_verbatim(c, "txt", "This is a verbatim\nstring", 25);
    else if (md_arg_eq(k, "map")) {
        md_reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            md_reply_int(c, i);
            md_reply_bool(c, i == 1);
        }
    } else if (md_arg_eq(k, "set")) {
        md_reply_set(c, 3);
        for (int i = 0; i < 3; i++) md_reply_int(c, i);
    } else {
        md_reply_error(c, "ERR Wrong protocol type name. Please use one of the following: "
                          "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
    }
    return MD_OK;
}

static int debug_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about the `key` and associated value.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, and",
        "      conflicting keys make the reload fail.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Without NOFLUSH, a failed load keeps the current dataset.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Print this help.",
        NULL};
    return reply_help(c, lines);
}

/* DEBUG's subcommands. Redis documents DEBUG as one command (COMMAND INFO
 * and DOCS list no subcommands), so it dispatches here; arity counts the
 * whole argv, negative = at least. */
static const struct {
    const char *name;
    md_cmd_fn fn;
    int arity;
} debug_table[] = {
    {"object", debug_object, 3}, {"sleep", debug_sleep, 3},
    {"set-active-expire", debug_set_active_expire, 3}, {"log", debug_log, 3},
    {"error", debug_error, 3}, {"digest", debug_digest, 2},
    {"digest-value", debug_digest_value, -2}, {"protocol", debug_protocol, 3},
    {"reload", debug_reload, -2}, {"help", debug_help, 2}, {NULL, NULL, 0}};

/* Run the named subcommand, or reply Redis's error for an unknown one or a
 * wrong argument count. */
static int debug_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    for (int i = 0; debug_table[i].name; i++) {
        int ar = debug_table[i].arity;
        if (!md_arg_eq(argv[1], debug_table[i].name)) continue;
        if ((ar > 0 && argc == ar) || (ar < 0 && argc >= -ar))
            return debug_table[i].fn(c, argc, argv);
        break;
    }
    char msg[256];
    snprintf(msg, sizeof(msg), "ERR unknown subcommand or wrong number of arguments for "
             "'%.*s'. Try DEBUG HELP.", (int)(argv[1].len < 128 ? argv[1].len : 128), argv[1].ptr);
    md_reply_error(c, msg);
    return MD_OK;
}

#define ADMIN "admin noscript loading stale"
#define SUB(n, h, a, f, s, v, ...) \
    {.name = n, .handler = h, .arity = a, .flags = f, .acl = "@admin @slow @dangerous", \
     .summary = s, .since = v, .complexity = "O(1)", .group = "server", __VA_ARGS__}

static const md_command_t config_subs[] = {
    {.name = "get", .syntax = "parameter [parameter ...]", .handler = config_cmd_get, .arity = -3, .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous", .summary = "Returns the effective values of configuration parameters.",
     .since = "2.0.0", .complexity = "O(N) when N is the number of configuration parameters provided",
     .group = "server",
     .history = "7.0.0: Added the ability to pass multiple pattern parameters in one call"},
    {.name = "set", .syntax = "parameter value [parameter value ...]{=data}", .handler = config_cmd_set, .arity = -4,
     .flags = "admin noscript loading stale may_replicate", .acl = "@admin @slow @dangerous",
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
    {.name = "debug", .handler = debug_cmd, .arity = -2,
     .flags = "admin noscript loading stale protected", .acl = "@admin @slow @dangerous",
     .summary = "A container for debugging commands.", .since = "1.0.0",
     .complexity = "Depends on subcommand.", .group = "server",
     .doc_flags = "syscmd"},
    {0}};
