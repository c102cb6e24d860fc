/*
 * script_lib.c — see script_lib.h. Error texts are Redis's; errors that
 * Redis raises are raised (lua_error with an {err=...} table, which the
 * run's error handler completes with the script's line), the others are
 * returned as error tables.
 *
 * redis.call() keeps every argument on the Lua stack as a string (numbers
 * are formatted with %.17g in place), so nothing is allocated that a
 * Lua error could leak; the argv array and the reply buffer are reused.
 */
#include "script_lib.h"
#include "acl.h"
#include "call.h"
#include "client.h"
#include "cmd.h"
#include "cluster/repl_wait.h"
#include "log.h"
#include "mem.h"
#include "reply.h"
#include "reply_tree.h"
#include "script_conv.h"
#include "server.h"

#include <lauxlib.h>
#include <lua.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static script_run_t *run;
static md_arg_t *argv_buf;
static int argv_cap;
static reply_t *rbuf;

void script_lib_begin(script_run_t *r) { run = r; }
void script_lib_end(void) { run = NULL; }

void script_sha1hex(const char *p, size_t n, char out[41])
{
    static EVP_MD_CTX *ctx; /* kept: setting one up per call costs more than the hash */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!ctx) ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    EVP_DigestUpdate(ctx, p, n);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    for (unsigned i = 0; i < 20; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[40] = '\0';
}

/* Push Redis's error table for msg and raise it. */
static int raise_msg(lua_State *L, const char *msg)
{
    script_conv_push_error(L, msg, strlen(msg));
    return lua_error(L);
}

/* An error for redis.call (raised) or redis.pcall (returned). */
static int fail(lua_State *L, int raise, const char *msg)
{
    if (raise) return raise_msg(L, msg);
    script_conv_push_error(L, msg, strlen(msg));
    return 1;
}

/* Redis's checks of a script's command, before it runs: NULL when it may
 * run, else the error text (in msg or static). */
static const char *check_command(cmd_t **found, int argc, const md_arg_t *argv, char *msg,
                                 size_t cap)
{
    cmd_t *cmd = cmd_lookup(argv[0].ptr, argv[0].len);
    if (cmd && cmd->nsubs && argc >= 2) cmd = cmd_lookup_sub(cmd, argv[1].ptr, argv[1].len);
    if (!cmd) return "Unknown Redis command called from script";
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity)
        return "Wrong number of args calling Redis command from script";
    if (cmd->flags & CMD_NOSCRIPT) return "This Redis command is not allowed from script";
    if (run->caller && !(run->caller->flags & CLIENT_FAKE) &&
        acl_check_args(run->caller, cmd, argc, argv, ACL_CTX_LUA, msg, cap) != ACL_OK)
        return "The user executing the script can't run this command or subcommand";
    if ((cmd->flags & CMD_WRITE) && run->ro)
        return "Write commands are not allowed from read-only scripts.";
    /* the server's state, until the script's first write (then it must go on) */
    int obey = run->caller && (run->caller->flags & CLIENT_MASTER);
    if ((cmd->flags & CMD_WRITE) && !run->wrote && !obey) {
        if (srv.repl.masterhost && srv.repl.read_only)
            return "-READONLY You can't write against a read only replica.";
        if (wait_too_few_replicas()) return "-NOREPLICAS Not enough good replicas to write.";
    }
    *found = cmd;
    return NULL;
}

static void *tree_alloc(void *arg, size_t n)
{
    (void)arg;
    return mem_alloc(n);
}

/* redis.call (raise) and redis.pcall. */
static int call_generic(lua_State *L, int raise)
{
    int argc = lua_gettop(L);
    if (!run) return fail(L, raise, "redis.call can only be called inside a script invocation");
    if (argc == 0) return fail(L, raise, "Please specify at least one argument for this redis lib call");
    if (argc > argv_cap) {
        argv_cap = argc * 2;
        argv_buf = mem_realloc(argv_buf, (size_t)argv_cap * sizeof(*argv_buf));
    }
    for (int i = 1; i <= argc; i++) {
        if (lua_type(L, i) == LUA_TNUMBER) {
            char num[64];
            int n = snprintf(num, sizeof(num), "%.17g", (double)lua_tonumber(L, i));
            lua_pushlstring(L, num, (size_t)n);
            lua_replace(L, i);
        } else if (lua_type(L, i) != LUA_TSTRING) {
            return fail(L, raise, "Lua redis lib command arguments must be strings or integers");
        }
        argv_buf[i - 1].ptr = lua_tolstring(L, i, &argv_buf[i - 1].len);
    }
    char msg[512];
    cmd_t *cmd = NULL;
    const char *why = check_command(&cmd, argc, argv_buf, msg, sizeof(msg));
    if (why) return fail(L, raise, why);
    unsigned flags = CALL_SCRIPT;
    if (run->repl) flags |= CALL_PROPAGATE;
    if ((run->flags & SCRIPT_FLAG_EVAL_COMPAT) && !run->wrote) flags |= CALL_RESPECT_OOM;
    if (!rbuf) {
        rbuf = mem_alloc(sizeof(*rbuf));
        reply_init(rbuf);
    }
    if (cmd->flags & CMD_WRITE) run->wrote = 1;
    call_run(run->caller, flags, run->resp, argc, argv_buf, rbuf);
    const char *err;
    md_reply_t *t;
    if (rbuf->head) {
        size_t n;
        char *all = reply_join(rbuf, &n);
        t = reply_tree_parse(all, n, run->resp, tree_alloc, NULL, &err);
        mem_free(all);
    } else {
        t = reply_tree_parse(rbuf->buf, rbuf->pos, run->resp, tree_alloc, NULL, &err);
    }
    reply_reset(rbuf);
    if (!t) return fail(L, raise, "the command sent no complete reply");
    int is_err = t->type == MD_REPLY_ERROR;
    script_conv_push_reply(L, t);
    mem_free(t);
    if (is_err && raise) return lua_error(L);
    return 1;
}

static int l_call(lua_State *L) { return call_generic(L, 1); }
static int l_pcall(lua_State *L) { return call_generic(L, 0); }

/* redis.error_reply(msg): {err=msg}, "-" optional. */
static int l_error_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
        script_conv_push_error(L, "wrong number or type of arguments", 33);
        return 1;
    }
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    if (n && s[0] == '-') {
        script_conv_push_error(L, s, n);
    } else {
        lua_pushliteral(L, "-");
        lua_pushvalue(L, 1);
        lua_concat(L, 2);
        s = lua_tolstring(L, -1, &n);
        script_conv_push_error(L, s, n);
    }
    return 1;
}

/* redis.status_reply(s): {ok=s}. */
static int l_status_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
        script_conv_push_error(L, "wrong number or type of arguments", 33);
        return 1;
    }
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

static int l_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1) return raise_msg(L, "wrong number of arguments");
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    char hex[41];
    script_sha1hex(s ? s : "", s ? n : 0, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* redis.log(level, ...): the arguments joined by spaces. */
static int l_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2) return raise_msg(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return raise_msg(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < LOG_DEBUG || level > LOG_WARNING) return raise_msg(L, "Invalid debug level.");
    if (level < srv.verbosity) return 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 2; i <= argc; i++) {
        size_t n;
        const char *s = lua_tolstring(L, i, &n);
        if (!s) continue;
        if (i > 2) luaL_addchar(&b, ' ');
        luaL_addlstring(&b, s, n);
    }
    luaL_pushresult(&b);
    log_msg(level, "%s", lua_tostring(L, -1));
    return 0;
}

static int l_setresp(lua_State *L)
{
    if (lua_gettop(L) != 1) return raise_msg(L, "redis.setresp() requires one argument.");
    int v = (int)lua_tonumber(L, 1);
    if (v != 2 && v != 3) return raise_msg(L, "RESP version must be 2 or 3.");
    if (run) run->resp = v;
    return 0;
}

static int l_set_repl(lua_State *L)
{
    if (lua_gettop(L) != 1) return raise_msg(L, "redis.set_repl() requires two arguments.");
    int v = (int)lua_tonumber(L, 1);
    if (v & ~SCRIPT_REPL_ALL)
        return raise_msg(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                            "REPL_NONE.");
    if (run) run->repl = v;
    return 0;
}

static int l_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

static void set_number(lua_State *L, const char *name, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

void script_lib_push(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"call", l_call},
        {"pcall", l_pcall},
        {"error_reply", l_error_reply},
        {"status_reply", l_status_reply},
        {"sha1hex", l_sha1hex},
        {"log", l_log},
        {"setresp", l_setresp},
        {"set_repl", l_set_repl},
        {"replicate_commands", l_replicate_commands},
        {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    set_number(L, "LOG_DEBUG", LOG_DEBUG);
    set_number(L, "LOG_VERBOSE", LOG_VERBOSE);
    set_number(L, "LOG_NOTICE", LOG_NOTICE);
    set_number(L, "LOG_WARNING", LOG_WARNING);
    set_number(L, "REPL_NONE", 0);
    set_number(L, "REPL_AOF", SCRIPT_REPL_AOF);
    set_number(L, "REPL_SLAVE", SCRIPT_REPL_REPLICA);
    set_number(L, "REPL_REPLICA", SCRIPT_REPL_REPLICA);
    set_number(L, "REPL_ALL", SCRIPT_REPL_ALL);
    lua_pushstring(L, SERVER_COMPAT_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    int maj = 0, min = 0, pat = 0;
    sscanf(SERVER_COMPAT_VERSION, "%d.%d.%d", &maj, &min, &pat);
    set_number(L, "REDIS_VERSION_NUM", (maj << 16) | (min << 8) | pat);
}
