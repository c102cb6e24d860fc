/*
 * script.c — see script.h. The VM and its sandbox, the script cache, and
 * running a script.
 *
 * Sandbox (stock Lua 5.1 has no read-only tables, so proxies do it): the
 * real globals table G holds the libraries; scripts run with an
 * environment E, an empty table whose metatable reads G (an unknown name
 * is an error) and refuses writes. Each library table the script sees is
 * such a read-only proxy of the real one too, and every metatable here is
 * protected (__metatable). Functions compiled by loadstring/load get E as
 * well, so no code reaches G. KEYS and ARGV are set in G for each run.
 *
 * The cache: G-invisible registry tables map the SHA1 to the compiled
 * function and to its flags.
 *
 * Errors: a script runs under lua_pcall with a handler that turns any
 * error into Redis's table {err=..., source=..., line=...}; the reply is
 * "<err> script: <sha>, on <source>:<line>." as Redis sends it.
 */
#include "script.h"
#include "client.h"
#include "log.h"
#include "cmd.h"
#include "dispatch.h"
#include "cluster/repl_wait.h"
#include "persist/persist.h"
#include "mem.h"
#include "net.h"
#include "reply.h"
#include "script_conv.h"
#include "script_lib.h"
#include "script_libs.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"

#include <lauxlib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REG_SCRIPTS "modis.scripts"  /* sha -> function */
#define REG_FLAGS "modis.flags"      /* sha -> SCRIPT_FLAG_* */
#define REG_ENV "modis.env"          /* E */

static lua_State *L;
static size_t nscripts;
static size_t script_bytes; /* the cached scripts' bodies */

/* The run in progress. */
static struct {
    script_run_t *run;       /* NULL: no script runs */
    int64_t start_ms;
    int busy;                /* past busy-reply-threshold: events are served */
    int kill;                /* SCRIPT KILL asked for it */
    int function;            /* an FCALL: FUNCTION KILL stops it, not SCRIPT KILL */
} cur;

/* Instructions between two looks at the clock (Redis's count). */
#define HOOK_COUNT 100000

/* ---- sandbox ---- */

static int ro_newindex(lua_State *l) { return luaL_error(l, "Attempt to modify a readonly table"); }

/* E's __index: G[name], an error when it is nil. */
static int env_index(lua_State *l)
{
    lua_pushvalue(l, 2);
    lua_rawget(l, LUA_GLOBALSINDEX);
    if (!lua_isnil(l, -1)) return 1;
    const char *name = lua_tostring(l, 2);
    return luaL_error(l, "Script attempted to access nonexistent global variable '%s'",
                      name ? name : "?");
}

void script_push_proxy(lua_State *l, int idx)
{
    idx = idx < 0 ? lua_gettop(l) + idx + 1 : idx;
    lua_newtable(l);
    lua_newtable(l);
    lua_pushvalue(l, idx);
    lua_setfield(l, -2, "__index");
    lua_pushcfunction(l, ro_newindex);
    lua_setfield(l, -2, "__newindex");
    lua_pushboolean(l, 0);
    lua_setfield(l, -2, "__metatable");
    lua_setmetatable(l, -2);
}

static void push_proxy(int idx) { script_push_proxy(L, idx); }

/* G[name] = a read-only proxy of G[name]. */
static void protect_global(const char *name)
{
    lua_getglobal(L, name);
    push_proxy(-1);
    lua_setglobal(L, name);
    lua_pop(L, 1);
}

/* Give the function on top the scripts' environment E. */
static void set_env(lua_State *l)
{
    lua_getfield(l, LUA_REGISTRYINDEX, REG_ENV);
    lua_setfenv(l, -2);
}

/* loadstring/load as the script sees them: the original (upvalue 1), and
 * what it compiled runs in E. */
static int sandboxed_load(lua_State *l)
{
    int n = lua_gettop(l);
    lua_pushvalue(l, lua_upvalueindex(1));
    lua_insert(l, 1);
    lua_call(l, n, LUA_MULTRET);
    if (lua_isfunction(l, 1)) {
        lua_pushvalue(l, 1);
        set_env(l);
        lua_pop(l, 1);
    }
    return lua_gettop(l);
}

static void wrap_loader(const char *name)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, sandboxed_load, 1);
    lua_setglobal(L, name);
}

/* Lua's pcall as scripts see it (Redis's): an error table caught is
 * handed over as its err string. */
static int script_pcall(lua_State *l)
{
    int argc = lua_gettop(l);
    if (argc == 0) {
        lua_pushboolean(l, 0);
        lua_pushliteral(l, "bad argument #1 to 'pcall' (value expected)");
        return 2;
    }
    lua_pushboolean(l, 1);
    lua_insert(l, 1);
    if (lua_pcall(l, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(l, 1);
        if (lua_istable(l, -1)) {
            lua_getfield(l, -1, "err");
            if (lua_isstring(l, -1)) lua_replace(l, -2);
            else lua_pop(l, 1);
        }
        lua_pushboolean(l, 0);
        lua_insert(l, 1);
    }
    return lua_gettop(l);
}

/* Open a library through its luaopen function and set it as global name. */
static void open_lib(lua_CFunction fn, const char *name)
{
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    lua_setglobal(L, name);
}

static void sandbox(void)
{
    static const char *const removed[] = {"dofile", "loadfile", "print", "getfenv", "setfenv",
                                          "newproxy", "module", "require", "package", NULL};
    static const char *const libs[] = {"string", "table", "math", "coroutine", "cjson", "bit",
                                       "cmsgpack", "struct", NULL};
    for (const char *const *r = removed; *r; r++) {
        lua_pushnil(L);
        lua_setglobal(L, *r);
    }
    lua_pushcfunction(L, script_pcall);
    lua_setglobal(L, "pcall");
    wrap_loader("loadstring");
    wrap_loader("load");
    for (const char *const *lib = libs; *lib; lib++) protect_global(*lib);
    script_lib_push(L);
    push_proxy(-1);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "redis");
    lua_setglobal(L, "server");
    lua_pop(L, 1);
    /* E, and _G as the scripts see it */
    lua_pushcfunction(L, env_index);
    push_proxy(-1);
    lua_remove(L, -2);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "_G");
    lua_setfield(L, LUA_REGISTRYINDEX, REG_ENV);
    /* strings' metatable (s:upper()) stays as it is but cannot be reached */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
}

lua_State *script_vm_new(void)
{
    lua_State *saved = L;
    L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "Failed creating the Lua VM.\n");
        abort();
    }
    static const luaL_Reg libs[] = {{"", luaopen_base},     {LUA_TABLIBNAME, luaopen_table},
                                    {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_MATHLIBNAME, luaopen_math}, {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        lua_pushcfunction(L, lib->func);
        lua_pushstring(L, lib->name);
        lua_call(L, 1, 0);
    }
    open_lib(luaopen_cjson, "cjson");
    open_lib(luaopen_bit, "bit");
    open_lib(script_open_cmsgpack, "cmsgpack");
    open_lib(script_open_struct, "struct");
    sandbox();
    lua_State *made = L;
    L = saved;
    return made;
}

void script_init(void)
{
    L = script_vm_new();
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_SCRIPTS);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_FLAGS);
    nscripts = 0;
    script_bytes = 0;
}

size_t script_vm_memory(size_t *cache)
{
    *cache = script_bytes;
    return (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
}

void script_flush(void)
{
    lua_close(L);
    script_init();
}

size_t script_count(void) { return nscripts; }

/* ---- the cache ---- */

/* Push REG[table][sha] (sha lower-cased, 40 chars). */
static void cache_get(const char *table, const char *sha)
{
    lua_getfield(L, LUA_REGISTRYINDEX, table);
    lua_getfield(L, -1, sha);
    lua_remove(L, -2);
}

/* The lower-case copy of a 40-digit sha; 0 when len is not 40. */
static int norm_sha(const char *sha, size_t len, char out[41])
{
    if (len != 40) return 0;
    for (size_t i = 0; i < 40; i++) out[i] = (char)(sha[i] >= 'A' && sha[i] <= 'Z' ? sha[i] + 32 : sha[i]);
    out[40] = '\0';
    return 1;
}

int script_exists(const char *sha, size_t len)
{
    char s[41];
    if (!norm_sha(sha, len, s)) return 0;
    cache_get(REG_SCRIPTS, s);
    int found = !lua_isnil(L, -1);
    lua_pop(L, 1);
    return found;
}

static const struct {
    const char *name;
    unsigned flag;
} shebang_flags[] = {{"no-writes", SCRIPT_FLAG_NO_WRITES},
                     {"allow-oom", SCRIPT_FLAG_ALLOW_OOM},
                     {"allow-stale", SCRIPT_FLAG_ALLOW_STALE},
                     {"no-cluster", SCRIPT_FLAG_NO_CLUSTER},
                     {"allow-cross-slot-keys", SCRIPT_FLAG_CROSS_SLOT},
                     {NULL, 0}};

const char *script_flag_name(int i, unsigned *flag)
{
    if (i < 0 || i >= (int)(sizeof(shebang_flags) / sizeof(shebang_flags[0])) - 1) return NULL;
    *flag = shebang_flags[i].flag;
    return shebang_flags[i].name;
}

unsigned script_flag_named(const char *p, size_t n)
{
    for (int i = 0; shebang_flags[i].name; i++)
        if (strlen(shebang_flags[i].name) == n && memcmp(shebang_flags[i].name, p, n) == 0)
            return shebang_flags[i].flag;
    return 0;
}

/*
 * The flags of body's "#!lua flags=..." line (SCRIPT_FLAG_EVAL_COMPAT
 * without one) and the line's length in *skip. Returns 0, or -1 with
 * Redis's error text in err.
 */
static int parse_shebang(const char *body, size_t len, unsigned *flags, size_t *skip, char *err,
                         size_t cap)
{
    *flags = SCRIPT_FLAG_EVAL_COMPAT;
    *skip = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!') return 0;
    const char *end = memchr(body, '\n', len);
    if (!end) {
        snprintf(err, cap, "ERR Invalid script shebang");
        return -1;
    }
    *skip = (size_t)(end - body);
    *flags = 0;
    const char *p = body, *stop = end;
    for (int part = 0;; part++) {
        while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
        if (p >= stop) break;
        const char *w = p;
        while (p < stop && *p != ' ' && *p != '\t' && *p != '\r') p++;
        int wl = (int)(p - w);
        if (part == 0) {
            if (wl != 5 || memcmp(w, "#!lua", 5) != 0) {
                snprintf(err, cap, "ERR Unexpected engine in script shebang: %.*s", wl, w);
                return -1;
            }
        } else if (wl >= 6 && memcmp(w, "flags=", 6) == 0) {
            const char *f = w + 6;
            while (f <= p) {
                const char *c = memchr(f, ',', (size_t)(p - f));
                if (!c) c = p;
                if (c > f) {
                    unsigned fl = script_flag_named(f, (size_t)(c - f));
                    if (!fl) {
                        snprintf(err, cap, "ERR Unexpected flag in script shebang: %.*s",
                                 (int)(c - f), f);
                        return -1;
                    }
                    *flags |= fl;
                }
                f = c + 1;
            }
        } else {
            snprintf(err, cap, "ERR Unknown lua shebang option: %.*s", wl, w);
            return -1;
        }
    }
    return 0;
}

int script_load(const char *body, size_t len, char sha[41], char *err, size_t cap)
{
    script_sha1hex(body, len, sha);
    if (script_exists(sha, 40)) return 0;
    unsigned flags;
    size_t skip;
    if (parse_shebang(body, len, &flags, &skip, err, cap) != 0) return -1;
    if (luaL_loadbuffer(L, body + skip, len - skip, "@user_script") != 0) {
        snprintf(err, cap, "ERR Error compiling script (new function): %s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    set_env(L);
    lua_getfield(L, LUA_REGISTRYINDEX, REG_SCRIPTS);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, sha);
    lua_pop(L, 2);
    lua_getfield(L, LUA_REGISTRYINDEX, REG_FLAGS);
    lua_pushnumber(L, flags);
    lua_setfield(L, -2, sha);
    lua_pop(L, 1);
    nscripts++;
    script_bytes += len + 41;
    return 0;
}

/* ---- running ---- */

/* The handler of lua_pcall: Redis's error table with the script's line. */
static int error_handler(lua_State *l)
{
    lua_Debug ar;
    int have = lua_getstack(l, 1, &ar) && lua_getinfo(l, "Sl", &ar);
    if (have && strcmp(ar.what, "C") == 0) have = lua_getstack(l, 2, &ar) && lua_getinfo(l, "Sl", &ar);
    if (!lua_istable(l, 1)) {
        lua_getglobal(l, "tostring");
        lua_pushvalue(l, 1);
        lua_call(l, 1, 1);
        lua_newtable(l);
        lua_pushliteral(l, "ERR ");
        lua_pushvalue(l, -3);
        lua_concat(l, 2);
        lua_setfield(l, -2, "err");
        lua_replace(l, 1);
        lua_settop(l, 1);
    }
    if (have) {
        lua_pushstring(l, ar.source);
        lua_setfield(l, 1, "source");
        lua_pushnumber(l, ar.currentline);
        lua_setfield(l, 1, "line");
    }
    return 1;
}

int script_kill(const char **err, int function)
{
    if (!cur.run) {
        *err = "NOTBUSY No scripts in execution right now.";
        return -1;
    }
    if (cur.run->caller && (cur.run->caller->flags & CLIENT_MASTER)) {
        *err = "UNKILLABLE The busy script was sent by a master instance in the context of "
               "replication and cannot be killed.";
        return -1;
    }
    if (cur.run->wrote) {
        *err = "UNKILLABLE Sorry the script already executed write commands against the "
               "dataset. You can either wait the script termination or kill the server in a "
               "hard way using the SHUTDOWN NOSAVE command.";
        return -1;
    }
    if (function != cur.function) {
        *err = function ? DISPATCH_ERR_BUSY : DISPATCH_ERR_BUSY_FUNCTION;
        return -1;
    }
    cur.kill = 1;
    return 0;
}

const char *script_running(int64_t *ms, const client_t **caller, int *function)
{
    if (!cur.run) return NULL;
    *function = cur.function;
    *ms = util_mstime() - cur.start_ms;
    *caller = cur.run->caller;
    return cur.run->name;
}

/* Every HOOK_COUNT instructions: past the threshold, serve the other
 * clients (they get -BUSY for all but SCRIPT KILL, SHUTDOWN NOSAVE and
 * the other allow_busy commands); stop the script when it is killed. */
static void hook(lua_State *l, lua_Debug *ar)
{
    (void)ar;
    int64_t elapsed = util_mstime() - cur.start_ms;
    if (!cur.busy && elapsed >= srv.busy_reply_threshold && !srv.loading) {
        log_msg(LOG_WARNING, "Slow script detected: still in execution after %lld "
                "milliseconds. You can try killing the script using the SCRIPT KILL command. "
                "Script name is: %s.", (long long)elapsed, cur.run->name);
        cur.busy = 1;
        srv.script_busy = cur.function ? 2 : 1;
    }
    if (cur.busy) {
        net_accept_pending(); /* new clients get -BUSY too, as in Redis */
        client_serve_busy(cur.run->caller);
    }
    if (cur.kill) {
        log_msg(LOG_WARNING, "Lua script killed by user with SCRIPT KILL.");
        /* on every line from now on, so a pcall cannot swallow it for long */
        lua_sethook(l, hook, LUA_MASKLINE, 0);
        script_conv_push_error(l, "Script killed by user with SCRIPT KILL...", 41); /* FCALL too */
        lua_error(l);
    }
}

/* G[name] = {p[0], ...}. */
static void set_array(const char *name, int n, const md_arg_t *p)
{
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, p[i].ptr, p[i].len);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, name);
}

/* Send the error on top of the stack (a failed run) to ctx. */
static void reply_run_error(lua_State *L, md_ctx_t *ctx, const char *sha)
{
    const char *source;
    int line;
    char *text;
    const char *msg = script_conv_error_info(L, &source, &line);
    lua_getfield(L, -1, "ignore_error_stats_update");
    int counted = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (msg) {
        size_t n = strlen(msg) + (source ? strlen(source) : 0) + 96;
        text = mem_alloc(n);
        if (source && line) snprintf(text, n, "%s script: %s, on %s:%d.", msg, sha, source, line);
        else snprintf(text, n, "%s", msg);
    } else {
        const char *s = lua_tostring(L, -1);
        size_t n = 200;
        text = mem_alloc(n);
        snprintf(text, n, "ERR Error running script %s, %.100s", sha, s ? s : "execution failure");
    }
    for (char *p = text; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' ';
    size_t n = strlen(text);
    resp_add_error(ctx->client->out, text, n);
    if (!counted) cmd_count_error(text, n);
    ctx->failed = 1;
    mem_free(text);
}

int script_precheck(md_ctx_t *ctx, unsigned flags, int ro)
{
    client_t *c = ctx->client;
    if (flags & SCRIPT_FLAG_EVAL_COMPAT) return 0;
    int obey = c->flags & CLIENT_MASTER;
    if (srv.repl.masterhost && !srv.repl.link_up && !srv.repl.serve_stale &&
        !(flags & SCRIPT_FLAG_ALLOW_STALE)) {
        md_reply_error(ctx, "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is "
                            "set to 'no' and 'allow-stale' flag is not set on the script.");
        return -1;
    }
    if (flags & SCRIPT_FLAG_NO_WRITES) return 0;
    const char *why = NULL;
    if (srv.repl.masterhost && srv.repl.read_only && !obey)
        why = "READONLY You can't write against a read only replica.";
    else if (!obey && wait_too_few_replicas())
        why = "NOREPLICAS Not enough good replicas to write.";
    else if (!obey)
        why = persist_write_error();
    if (!why && ro) why = "ERR Can not execute a script with write flag using *_ro command.";
    /* no-writes implies allow-oom, so this comes after its checks */
    if (!why && !(flags & SCRIPT_FLAG_ALLOW_OOM) && srv.maxmemory && !obey &&
        mem_used() > (size_t)srv.maxmemory)
        why = DISPATCH_ERR_OOM;
    if (!why) return 0;
    md_reply_error(ctx, why);
    return -1;
}

void script_exec(md_ctx_t *ctx, lua_State *l, int nargs, const char *name, unsigned flags,
                 int ro, int function)
{
    client_t *c = ctx->client;
    script_run_t run = {.caller = c, .name = name, .flags = flags,
                        .ro = ro || (flags & SCRIPT_FLAG_NO_WRITES), .resp = 2,
                        .repl = SCRIPT_REPL_ALL};
    int base = lua_gettop(l) - nargs; /* the function's index */
    lua_pushcfunction(l, error_handler);
    lua_insert(l, base);
    script_lib_begin(&run);
    cur.run = &run;
    cur.function = function;
    cur.start_ms = util_mstime();
    cur.busy = cur.kill = 0;
    lua_sethook(l, hook, LUA_MASKCOUNT, HOOK_COUNT);
    int rc = lua_pcall(l, nargs, 1, base);
    lua_sethook(l, NULL, 0, 0);
    cur.run = NULL;
    cur.busy = cur.kill = srv.script_busy = 0;
    script_lib_end();
    if (rc) reply_run_error(l, ctx, name);
    else script_conv_to_reply(l, c->out, c->resp, run.resp);
    lua_settop(l, 0);
    /* Redis's pace: a collection step of 50 every 50 runs */
    static int runs;
    if (++runs == 50) {
        lua_gc(l, LUA_GCSTEP, 50);
        runs = 0;
    }
}

int script_run(md_ctx_t *ctx, const char *sha, int nkeys, const md_arg_t *keys, int nargs,
               const md_arg_t *args, int ro)
{
    char s[41];
    if (!norm_sha(sha, strlen(sha), s)) return -1;
    cache_get(REG_FLAGS, s);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return -1;
    }
    unsigned flags = (unsigned)lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (script_precheck(ctx, flags, ro) != 0) return 0;
    set_array("KEYS", nkeys, keys);
    set_array("ARGV", nargs, args);
    cache_get(REG_SCRIPTS, s);
    script_exec(ctx, L, 0, s, flags, ro, 0);
    return 0;
}
