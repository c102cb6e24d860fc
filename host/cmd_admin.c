/*
 * cmd_admin.c — administrative commands: CONFIG (handlers in config.c) and
 * MODULE (LOAD, LOADEX, UNLOAD, LIST, HELP). DEBUG is cmd_debug.c.
 */
#include "call.h"
#include "client.h"
#include "config.h"
#include "hostcmds.h"
#include "ks.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "module_upgrade.h"
#include "notify.h"
#include "propagate.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"

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

/* The keys of one db whose type slot belongs to module m (copied names). */
typedef struct doomed {
    const module_t *m;
    md_arg_t *keys;             /* copies, binary-safe */
    uint8_t *types;
    size_t n, cap;
} doomed_t;

static int doomed_one(void *priv, ks_entry_t *e)
{
    doomed_t *d = priv;
    const md_type_t *t = types_by_id(e->type);
    if (!t || t->owner != d->m) return 0;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->keys = mem_realloc(d->keys, d->cap * sizeof(md_arg_t));
        d->types = mem_realloc(d->types, d->cap);
    }
    d->keys[d->n] = (md_arg_t){mem_strndup(e->key, e->keylen), e->keylen};
    d->types[d->n++] = e->type;
    return 0;
}

/*
 * FLUSHTYPE: delete every key of m's types in every db, as DEL would
 * (keyspace events, WATCH, DEL propagated to the AOF and replicas), and
 * log how many keys of each type went from each db.
 */
static void flush_types(module_t *m)
{
    for (int dbid = 0; dbid < srv.databases; dbid++) {
        ks_db_t *db = &srv.db[dbid];
        doomed_t d = {.m = m};
        ks_each(db, doomed_one, &d);
        for (size_t i = 0; i < d.n; i++) {
            md_arg_t k = d.keys[i];
            ks_entry_t *e = ks_find(db, k.ptr, k.len);
            if (e) ks_delete_lazy(db, e);
            notify_key_modified(dbid, k.ptr, k.len);
            notify_keyspace(NOTIFY_GENERIC, "del", k.ptr, k.len, dbid);
            md_arg_t del[2] = {md_str("DEL"), k};
            prop_record_also(dbid, 2, del);
            mem_free((char *)k.ptr);
        }
        for (int k = 0; k < m->ntypes && d.n; k++) {
            size_t n = 0;
            for (size_t i = 0; i < d.n; i++) n += d.types[i] == m->types[k]->id;
            if (n)
                log_msg(LOG_NOTICE, "MODULE UNLOAD %s FLUSHTYPE: deleted %zu key(s) of type "
                        "'%s' from db %d", m->name, n, m->types[k]->name, dbid);
        }
        srv.dirty += (long long)d.n;
        mem_free(d.keys);
        mem_free(d.types);
    }
}

/* MODULE UNLOAD name [FLUSHTYPE name]: FLUSHTYPE deletes the module's keys
 * once every other check passed; it must be followed by the module name
 * again, as confirmation. */
static int unload_checked(int argc, const md_arg_t *argv, char *err, size_t cap)
{
    char *name = arg_dup(argv[2]);
    int rc = -1;
    if (call_depth() > 0) /* the caller's module code may be on the stack */
        snprintf(err, cap, "not allowed from md_call");
    else if (argc == 5 && !md_arg_eq(argv[4], name))
        snprintf(err, cap, "FLUSHTYPE deletes every key of the module's types and needs "
                 "the module name repeated as confirmation: MODULE UNLOAD %s FLUSHTYPE %s",
                 name, name);
    else
        rc = module_unload(name, argc == 5 ? flush_types : NULL, err, cap);
    mem_free(name);
    return rc;
}

static int module_unload_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc == 4 || argc > 5 || (argc == 5 && !md_arg_eq(argv[3], "FLUSHTYPE"))) {
        /* what Redis, whose MODULE UNLOAD takes only the name, answers */
        md_reply_error(c, "ERR wrong number of arguments for 'module|unload' command");
        return MD_OK;
    }
    char err[600], msg[700];
    if (unload_checked(argc, argv, err, sizeof(err)) == 0) {
        md_reply_ok(c);
    } else {
        snprintf(msg, sizeof(msg), "ERR Error unloading module: %s", err);
        md_reply_error(c, msg);
    }
    return MD_OK;
}

/* MODULE UPGRADE name path [arg ...] */
static int module_upgrade_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char *name = arg_dup(argv[2]), *path = arg_dup(argv[3]);
    int nargs = argc - 4;
    char **args = mem_calloc((size_t)(nargs + 1) * sizeof(char *));
    for (int i = 0; i < nargs; i++) args[i] = arg_dup(argv[4 + i]);
    char res[600], msg[700];
    int rc = -1;
    if (call_depth() > 0)
        snprintf(res, sizeof(res), "not allowed from md_call");
    else
        rc = module_upgrade(name, path, nargs, args, res, sizeof(res));
    if (rc == 0) {
        log_msg(LOG_NOTICE, "MODULE UPGRADE: %s", res);
        md_reply_ok(c);
    } else {
        log_msg(LOG_WARNING, "MODULE UPGRADE %s %s refused: %s", name, path, res);
        snprintf(msg, sizeof(msg), "ERR Error upgrading module: %s", res);
        md_reply_error(c, msg);
    }
    for (int i = 0; i < nargs; i++) mem_free(args[i]);
    mem_free(args);
    mem_free(name);
    mem_free(path);
    return MD_OK;
}

static void reply_cstr(md_ctx_t *c, const char *s) { md_reply_bulk(c, s, strlen(s)); }

/* The types of m: [{name, keys, layout}, ...]. */
static void list_types(md_ctx_t *c, const module_t *m)
{
    md_reply_array(c, m->ntypes);
    for (int i = 0; i < m->ntypes; i++) {
        md_reply_map(c, 3);
        reply_cstr(c, "name");
        reply_cstr(c, m->types[i]->name);
        reply_cstr(c, "keys");
        md_reply_int(c, (long long)m->types[i]->nkeys);
        reply_cstr(c, "layout");
        md_reply_int(c, m->types[i]->ops.layout_version);
    }
}

/* Service references as "name@version". */
static void list_services(md_ctx_t *c, const md_service_ref_t *refs)
{
    int n = 0;
    for (const md_service_ref_t *r = refs; r && r->name; r++) n++;
    md_reply_array(c, n);
    for (const md_service_ref_t *r = refs; r && r->name; r++) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%s@%u", r->name, r->version);
        reply_cstr(c, buf);
    }
}

static void list_modules(md_ctx_t *c, const module_t *m, int users)
{
    int n = 0;
    for (const module_t *o = module_first(); o; o = o->next)
        for (int i = 0; i < o->ndeps; i++) n += users ? o->deps[i] == m : o == m;
    md_reply_array(c, n);
    for (const module_t *o = module_first(); o; o = o->next)
        for (int i = 0; i < o->ndeps; i++) {
            if (users && o->deps[i] == m) reply_cstr(c, o->name);
            if (!users && o == m) reply_cstr(c, o->deps[i]->name);
        }
}

/* Redis's four fields first (name, ver, path, args), then Modis's. */
static void list_one(md_ctx_t *c, const module_t *m)
{
    char abi[32];
    snprintf(abi, sizeof(abi), "%u.%u", m->manifest->abi_major, m->manifest->abi_minor);
    md_reply_map(c, 11);
    reply_cstr(c, "name");
    reply_cstr(c, m->name);
    reply_cstr(c, "ver");
    md_reply_int(c, m->manifest->version);
    reply_cstr(c, "path");
    reply_cstr(c, m->path);
    reply_cstr(c, "args");
    md_reply_array(c, m->argc);
    for (int i = 0; i < m->argc; i++) reply_cstr(c, m->argv[i]);
    reply_cstr(c, "abi");
    reply_cstr(c, abi);
    reply_cstr(c, "types");
    list_types(c, m);
    reply_cstr(c, "services");
    list_services(c, m->manifest->provides);
    reply_cstr(c, "requires");
    list_services(c, m->manifest->requires);
    reply_cstr(c, "using");
    list_modules(c, m, 0);
    reply_cstr(c, "usedby");
    list_modules(c, m, 1);
    reply_cstr(c, "memory");
    md_reply_int(c, (long long)m->mem_used);
}

static int module_list_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int n = 0;
    for (module_t *m = module_first(); m; m = m->next) n++;
    md_reply_array(c, n);
    for (module_t *m = module_first(); m; m = m->next) list_one(c, m);
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
        "UNLOAD <name> [FLUSHTYPE <name>]",
        "    Unload a module. FLUSHTYPE first deletes every key of its types; it needs the",
        "    module name repeated as confirmation.",
        "UPGRADE <name> <path> [<arg> ...]",
        "    Replace a loaded module with the build at <path>, keeping its data and clients.",
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
    SUB("unload", module_unload_cmd, -3, "admin noscript no_async_loading", "Unloads a module.", "4.0.0",
        .syntax = "name [FLUSHTYPE confirm]"),
    SUB("upgrade", module_upgrade_cmd, -4, "admin noscript no_async_loading",
        "Replaces a loaded module with a new build, keeping its data.", "1.0.0",
        .syntax = "name path [arg [arg ...]]"),
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
