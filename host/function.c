/*
 * function.c — see function.h. The libraries, their loading (metadata,
 * compilation, the load-time environment, redis.register_function), the
 * all-or-nothing installation of new libraries, FCALL and FUNCTION LIST.
 *
 * The environment of a library's code (and so of every function it
 * defines) is a read-only proxy whose reads go to a C closure: while the
 * code runs at load time (`loading`) it sees only the load-time table
 * {redis = load API}; afterwards it reads the VM's globals (the sandbox of
 * script.c). Reading a name that is not there is Redis's error.
 *
 * The callbacks are kept in the VM's registry (luaL_ref); a library owns
 * its functions' references and drops them when it is freed.
 *
 * Libraries are few (a handful per application, as with Redis), so they
 * and their functions are kept in arrays, searched in order.
 */
#include "function.h"
#include "client.h"
#include "log.h"
#include "mem.h"
#include "script.h"
#include "script_lib.h"
#include "sdk_ctx.h"
#include "util.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REG_FENV "modis.fenv" /* the libraries' environment */
#define REG_LOADTAB "modis.loadtab" /* what load-time code sees */
#define LOAD_TIMEOUT_MS 500   /* Redis's limit for a library's load-time code */

typedef struct fn_func {
    char *name;
    char *desc;       /* NULL: none */
    unsigned flags;   /* SCRIPT_FLAG_* */
    int ref;          /* the callback in the VM's registry */
} fn_func_t;

typedef struct fn_lib {
    char *name;
    char *code;
    size_t codelen;
    fn_func_t *funcs;
    int nfuncs, cap;
} fn_lib_t;

static lua_State *FL;
static fn_lib_t **libs;
static int nlibs, libcap;

/* The load in progress: the library being registered, and its start. */
static fn_lib_t *pending;
static int loading;
static int64_t load_start;

static void lib_free(fn_lib_t *lib)
{
    if (!lib) return;
    for (int i = 0; i < lib->nfuncs; i++) {
        mem_free(lib->funcs[i].name);
        mem_free(lib->funcs[i].desc);
        if (FL) luaL_unref(FL, LUA_REGISTRYINDEX, lib->funcs[i].ref);
    }
    mem_free(lib->funcs);
    mem_free(lib->name);
    mem_free(lib->code);
    mem_free(lib);
}

static fn_lib_t *find_lib(const char *name, size_t len)
{
    for (int i = 0; i < nlibs; i++)
        if (strlen(libs[i]->name) == len && memcmp(libs[i]->name, name, len) == 0) return libs[i];
    return NULL;
}

/* Function names are case-insensitive (Redis's dict of functions). */
static fn_func_t *lib_func(fn_lib_t *lib, const char *name, size_t len)
{
    for (int i = 0; i < lib->nfuncs; i++)
        if (strlen(lib->funcs[i].name) == len && strncasecmp(lib->funcs[i].name, name, len) == 0)
            return &lib->funcs[i];
    return NULL;
}

static fn_func_t *find_func(const md_arg_t *name)
{
    fn_func_t *f = NULL;
    for (int i = 0; i < nlibs && !f; i++) f = lib_func(libs[i], name->ptr, name->len);
    return f;
}

int fn_exists(const md_arg_t *name) { return find_func(name) != NULL; }

/* Letters, digits and '_', at least one: Redis's rule for both names. */
static int valid_name(const char *p, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

#define ERR_BAD_NAME "Library names can only contain letters, numbers, or underscores(_) and " \
                     "must be at least one character long"

/* ---- the load-time API ---- */

/* Raise msg as a plain string (no position: Redis's register errors). */
static int raise_plain(lua_State *l, const char *msg)
{
    lua_pushstring(l, msg);
    return lua_error(l);
}

/* Read a name from upvalue 1 (or, when upvalue 2 is true and no load
 * runs, from the globals); Redis's error when it is not there. */
static int strict_index(lua_State *l)
{
    int globals = lua_toboolean(l, lua_upvalueindex(2)) && !loading;
    lua_pushvalue(l, 2);
    lua_rawget(l, globals ? LUA_GLOBALSINDEX : lua_upvalueindex(1));
    if (!lua_isnil(l, -1)) return 1;
    const char *name = lua_tostring(l, 2);
    return luaL_error(l, "Script attempted to access nonexistent global variable '%s'",
                      name ? name : "?");
}

/* Push a read-only proxy reading the table on top through strict_index
 * (`globals`: after load, the globals instead); the table is popped. */
static void push_strict(lua_State *l, int globals)
{
    lua_pushboolean(l, globals);
    lua_pushcclosure(l, strict_index, 2);
    script_push_proxy(l, -1);
    lua_remove(l, -2);
}

/* Flags of register_function's `flags` table at idx; -1 after an error
 * message in *err. */
static int parse_flags(lua_State *l, int idx, unsigned *flags, const char **err)
{
    *flags = 0;
    if (!lua_istable(l, idx)) {
        *err = "flags argument to redis.register_function must be a table representing "
               "function flags";
        return -1;
    }
    for (int i = 1;; i++) {
        lua_rawgeti(l, idx, i);
        if (lua_isnil(l, -1)) {
            lua_pop(l, 1);
            return 0;
        }
        size_t n;
        const char *s = lua_type(l, -1) == LUA_TSTRING ? lua_tolstring(l, -1, &n) : NULL;
        unsigned f = s ? script_flag_named(s, n) : 0;
        lua_pop(l, 1);
        if (!f) {
            *err = "unknown flag given";
            return -1;
        }
        *flags |= f;
    }
}

/* The named-arguments form: fills the slots (name, desc, callback index)
 * from the table at 1, or returns an error message. */
static const char *named_args(lua_State *l, int *name, int *desc, int *cb, unsigned *flags)
{
    const char *err = NULL;
    lua_pushnil(l);
    while (lua_next(l, 1)) {
        /* key at -2, value at -1; values are kept on the stack */
        lua_checkstack(l, 4);
        const char *k = lua_type(l, -2) == LUA_TSTRING ? lua_tostring(l, -2) : "";
        int top = lua_gettop(l);
        if (!strcmp(k, "function_name")) {
            if (!lua_isstring(l, -1)) return "function_name argument given to "
                                             "redis.register_function must be a string";
            *name = top;
        } else if (!strcmp(k, "description")) {
            if (!lua_isstring(l, -1)) return "description argument given to "
                                             "redis.register_function must be a string";
            *desc = top;
        } else if (!strcmp(k, "callback")) {
            if (!lua_isfunction(l, -1)) return "callback argument given to "
                                               "redis.register_function must be a function";
            *cb = top;
        } else if (!strcmp(k, "flags")) {
            if (parse_flags(l, top, flags, &err) != 0) return err;
        } else {
            return "unknown argument given to redis.register_function";
        }
        lua_pushvalue(l, -2); /* the key again, for lua_next */
    }
    if (!*name) return "redis.register_function must get a function name argument";
    if (!*cb) return "redis.register_function must get a callback argument";
    return NULL;
}

/* redis.register_function(name, callback) or ({function_name=...,
 * callback=..., flags={...}, description=...}). */
static int l_register(lua_State *l)
{
    int argc = lua_gettop(l);
    int name = 0, desc = 0, cb = 0;
    unsigned flags = 0;
    if (!pending) return raise_plain(l, "redis.register_function can only be called on FUNCTION "
                                        "LOAD command");
    if (argc < 1 || argc > 2) return raise_plain(l, "wrong number of arguments to "
                                                    "redis.register_function");
    if (argc == 1) {
        if (!lua_istable(l, 1))
            return raise_plain(l, "calling redis.register_function with a single argument is "
                                  "only applicable to Lua table (representing named arguments).");
        const char *err = named_args(l, &name, &desc, &cb, &flags);
        if (err) return raise_plain(l, err);
    } else {
        if (!lua_isstring(l, 1)) return raise_plain(l, "first argument to "
                                                       "redis.register_function must be a string");
        if (!lua_isfunction(l, 2)) return raise_plain(l, "second argument to "
                                                         "redis.register_function must be a "
                                                         "function");
        name = 1;
        cb = 2;
    }
    size_t nlen;
    const char *nm = lua_tolstring(l, name, &nlen);
    if (!valid_name(nm, nlen)) return raise_plain(l, ERR_BAD_NAME);
    if (lib_func(pending, nm, nlen)) return raise_plain(l, "Function already exists in the "
                                                           "library");
    if (pending->nfuncs == pending->cap) {
        pending->cap = pending->cap ? pending->cap * 2 : 4;
        pending->funcs = mem_realloc(pending->funcs, (size_t)pending->cap * sizeof(fn_func_t));
    }
    fn_func_t *f = &pending->funcs[pending->nfuncs++];
    f->name = mem_strndup(nm, nlen);
    f->desc = desc ? mem_strdup(lua_tostring(l, desc)) : NULL;
    f->flags = flags;
    lua_pushvalue(l, cb);
    f->ref = luaL_ref(l, LUA_REGISTRYINDEX);
    return 0;
}

/* FUNCTION LOAD's limit on load-time code. */
static void load_hook(lua_State *l, lua_Debug *ar)
{
    (void)ar;
    if (util_mstime() - load_start > LOAD_TIMEOUT_MS) {
        lua_sethook(l, load_hook, LUA_MASKLINE, 0); /* again soon if pcall'd away */
        raise_plain(l, "FUNCTION LOAD timeout");
    }
}

/* Registry: the libraries' environment and the load-time table. */
static void build_envs(void)
{
    /* the load API: a few of the redis table's entries and register_function */
    static const char *const kept[] = {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE",
                                       "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM", NULL};
    lua_newtable(FL);
    lua_getglobal(FL, "redis");
    for (const char *const *k = kept; *k; k++) {
        lua_getfield(FL, -1, *k);
        lua_setfield(FL, -3, *k);
    }
    lua_pop(FL, 1);
    lua_pushcfunction(FL, l_register);
    lua_setfield(FL, -2, "register_function");
    push_strict(FL, 0);
    lua_newtable(FL);
    lua_insert(FL, -2);
    lua_setfield(FL, -2, "redis");
    lua_pushvalue(FL, -1);
    lua_setfield(FL, LUA_REGISTRYINDEX, REG_LOADTAB);
    push_strict(FL, 1);
    lua_setfield(FL, LUA_REGISTRYINDEX, REG_FENV);
}

void fn_init(void)
{
    FL = script_vm_new();
    build_envs();
}

/* ---- loading ---- */

/* The library name of code's "#!lua name=<lib>" line; -1 with the error. */
static int parse_meta(const char *code, size_t len, char *name, size_t cap, size_t *skip,
                      char *err, size_t errcap)
{
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        snprintf(err, errcap, "ERR Missing library metadata");
        return -1;
    }
    const char *end = memchr(code, '\n', len);
    if (!end) {
        snprintf(err, errcap, "ERR Invalid library metadata");
        return -1;
    }
    *skip = (size_t)(end - code);
    const char *p = code + 2, *stop = end;
    const char *eng = p;
    while (p < stop && *p != ' ') p++;
    if (p - eng != 3 || strncasecmp(eng, "lua", 3) != 0) {
        snprintf(err, errcap, "ERR Engine '%.*s' not found", (int)(p - eng), eng);
        return -1;
    }
    int have = 0;
    while (p < stop) {
        while (p < stop && *p == ' ') p++;
        if (p >= stop) break;
        const char *w = p;
        while (p < stop && *p != ' ') p++;
        size_t wl = (size_t)(p - w);
        if (wl < 5 || memcmp(w, "name=", 5) != 0) {
            snprintf(err, errcap, "ERR Invalid metadata value given: %.*s", (int)wl, w);
            return -1;
        }
        if (have) {
            snprintf(err, errcap, "ERR Invalid metadata value, name argument was given multiple "
                                  "times");
            return -1;
        }
        have = 1;
        snprintf(name, cap, "%.*s", (int)(wl - 5), w + 5);
        if (wl - 5 >= cap || !valid_name(w + 5, wl - 5)) {
            snprintf(err, errcap, "ERR " ERR_BAD_NAME);
            return -1;
        }
    }
    if (!have) {
        snprintf(err, errcap, "ERR Library name was not given");
        return -1;
    }
    return 0;
}

/* The text of the error on top of FL (a string or an {err=...} table). */
static const char *top_error(int *has_code)
{
    *has_code = 0;
    if (lua_istable(FL, -1)) {
        lua_getfield(FL, -1, "err");
        const char *s = lua_tostring(FL, -1);
        lua_pop(FL, 1); /* the table keeps the string alive */
        if (s) {
            *has_code = 1;
            return s;
        }
    }
    const char *s = lua_tostring(FL, -1);
    return s ? s : "unknown error";
}

/* Compile and run code (metadata parsed: name, body after `skip`); the
 * new library, or NULL with the error. */
static fn_lib_t *compile(const char *code, size_t len, const char *name, size_t skip, char *err,
                         size_t errcap)
{
    if (luaL_loadbuffer(FL, code + skip, len - skip, "@user_function") != 0) {
        snprintf(err, errcap, "ERR Error compiling function: %s", lua_tostring(FL, -1));
        lua_settop(FL, 0);
        return NULL;
    }
    lua_getfield(FL, LUA_REGISTRYINDEX, REG_FENV);
    lua_setfenv(FL, -2);
    fn_lib_t *lib = mem_calloc(sizeof(*lib));
    lib->name = mem_strdup(name);
    lib->code = mem_strndup(code, len);
    lib->codelen = len;
    pending = lib;
    loading = 1;
    load_start = util_mstime();
    lua_sethook(FL, load_hook, LUA_MASKCOUNT, 100000);
    int rc = lua_pcall(FL, 0, 0, 0);
    lua_sethook(FL, NULL, 0, 0);
    loading = 0;
    pending = NULL;
    if (rc) {
        int has_code;
        const char *msg = top_error(&has_code);
        snprintf(err, errcap, "ERR Error registering functions: %s%s", has_code ? "" : "ERR ",
                 msg);
        lua_settop(FL, 0);
        lib_free(lib);
        return NULL;
    }
    lua_settop(FL, 0);
    if (lib->nfuncs == 0) {
        snprintf(err, errcap, "ERR No functions registered");
        lib_free(lib);
        return NULL;
    }
    return lib;
}

/* Whether library `lib` is replaced by the new ones under `policy`. */
static int goes_away(const fn_lib_t *lib, fn_lib_t **add, int n, fn_policy_t policy)
{
    if (policy == FN_FLUSH) return 1;
    if (policy == FN_APPEND) return 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(add[i]->name, lib->name)) return 1;
    return 0;
}

/* Install add[0..n) under `policy` when nothing collides; takes them
 * either way (freed on error). */
static int install(fn_lib_t **add, int n, fn_policy_t policy, char *err, size_t errcap)
{
    const char *clash = NULL;
    for (int i = 0; i < n && !clash; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(add[j]->name, add[i]->name)) {
                snprintf(err, errcap, "ERR Library '%s' already exists", add[i]->name);
                goto fail;
            }
        fn_lib_t *old = find_lib(add[i]->name, strlen(add[i]->name));
        if (old && policy == FN_APPEND) {
            snprintf(err, errcap, "ERR Library '%s' already exists", add[i]->name);
            goto fail;
        }
        for (int f = 0; f < add[i]->nfuncs && !clash; f++) {
            const char *fname = add[i]->funcs[f].name;
            size_t flen = strlen(fname);
            for (int k = 0; k < nlibs && !clash; k++)
                if (!goes_away(libs[k], add, n, policy) && lib_func(libs[k], fname, flen))
                    clash = fname;
            for (int j = 0; j < i && !clash; j++)
                if (lib_func(add[j], fname, flen)) clash = fname;
        }
    }
    if (clash) {
        snprintf(err, errcap, "ERR Function %s already exists", clash);
        goto fail;
    }
    int kept = 0;
    for (int k = 0; k < nlibs; k++) {
        if (goes_away(libs[k], add, n, policy)) lib_free(libs[k]);
        else libs[kept++] = libs[k];
    }
    nlibs = kept;
    if (nlibs + n > libcap) {
        libcap = (nlibs + n) * 2;
        libs = mem_realloc(libs, (size_t)libcap * sizeof(*libs));
    }
    for (int i = 0; i < n; i++) libs[nlibs++] = add[i];
    return 0;
fail:
    for (int i = 0; i < n; i++) lib_free(add[i]);
    return -1;
}

int fn_load(const char *code, size_t len, int replace, char *name, size_t cap, char *err,
            size_t errcap)
{
    size_t skip;
    if (parse_meta(code, len, name, cap, &skip, err, errcap) != 0) return -1;
    if (!replace && find_lib(name, strlen(name))) {
        snprintf(err, errcap, "ERR Library '%s' already exists", name);
        return -1;
    }
    fn_lib_t *lib = compile(code, len, name, skip, err, errcap);
    if (!lib) return -1;
    return install(&lib, 1, replace ? FN_REPLACE : FN_APPEND, err, errcap);
}

int fn_load_many(const md_arg_t *codes, int n, fn_policy_t policy, char *err, size_t errcap)
{
    fn_lib_t **add = mem_calloc((size_t)(n ? n : 1) * sizeof(*add));
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char name[256];
        size_t skip;
        if (parse_meta(codes[i].ptr, codes[i].len, name, sizeof(name), &skip, err, errcap) ||
            !(add[i] = compile(codes[i].ptr, codes[i].len, name, skip, err, errcap)))
            rc = -1;
    }
    if (rc) {
        for (int i = 0; i < n; i++) lib_free(add[i]);
    } else {
        rc = install(add, n, policy, err, errcap);
    }
    mem_free(add);
    return rc;
}

int fn_delete(const char *name, size_t len)
{
    for (int i = 0; i < nlibs; i++) {
        if (strlen(libs[i]->name) != len || memcmp(libs[i]->name, name, len) != 0) continue;
        lib_free(libs[i]);
        memmove(&libs[i], &libs[i + 1], (size_t)(nlibs - i - 1) * sizeof(*libs));
        nlibs--;
        return 0;
    }
    return -1;
}

void fn_flush(void)
{
    for (int i = 0; i < nlibs; i++) lib_free(libs[i]);
    nlibs = 0;
    /* a fresh VM gives the memory of the old functions back */
    lua_close(FL);
    fn_init();
}

int fn_each_code(int (*cb)(void *priv, const char *code, size_t len), void *priv)
{
    for (int i = 0; i < nlibs; i++) {
        int rc = cb(priv, libs[i]->code, libs[i]->codelen);
        if (rc) return rc;
    }
    return 0;
}

/* ---- numbers ---- */

size_t fn_count_libraries(void) { return (size_t)nlibs; }

size_t fn_count_functions(void)
{
    size_t n = 0;
    for (int i = 0; i < nlibs; i++) n += (size_t)libs[i]->nfuncs;
    return n;
}

size_t fn_memory(void)
{
    size_t n = (size_t)libcap * sizeof(*libs);
    for (int i = 0; i < nlibs; i++) {
        const fn_lib_t *lib = libs[i];
        n += sizeof(*lib) + strlen(lib->name) + 1 + lib->codelen + 1 +
             (size_t)lib->cap * sizeof(fn_func_t);
        for (int f = 0; f < lib->nfuncs; f++)
            n += strlen(lib->funcs[f].name) + 1 +
                 (lib->funcs[f].desc ? strlen(lib->funcs[f].desc) + 1 : 0);
    }
    return n;
}

size_t fn_vm_memory(void)
{
    return (size_t)lua_gc(FL, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(FL, LUA_GCCOUNTB, 0);
}

/* ---- FCALL and FUNCTION LIST ---- */

/* Push {p[0], ...}. */
static void push_array(int n, const md_arg_t *p)
{
    lua_createtable(FL, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(FL, p[i].ptr, p[i].len);
        lua_rawseti(FL, -2, i + 1);
    }
}

void fn_call(md_ctx_t *ctx, const md_arg_t *name, int nkeys, const md_arg_t *keys, int nargs,
             const md_arg_t *args, int ro)
{
    fn_func_t *f = find_func(name);
    if (!f) {
        md_reply_error(ctx, "ERR Function not found");
        return;
    }
    if (script_precheck(ctx, f->flags, ro) != 0) return;
    lua_rawgeti(FL, LUA_REGISTRYINDEX, f->ref);
    push_array(nkeys, keys);
    push_array(nargs, args);
    script_exec(ctx, FL, 2, f->name, f->flags, ro, 1);
}

static void reply_cstr(md_ctx_t *ctx, const char *s) { md_reply_bulk(ctx, s, strlen(s)); }

static void list_function(md_ctx_t *ctx, const fn_func_t *f)
{
    md_reply_map(ctx, 3);
    reply_cstr(ctx, "name");
    reply_cstr(ctx, f->name);
    reply_cstr(ctx, "description");
    if (f->desc) reply_cstr(ctx, f->desc);
    else md_reply_null(ctx);
    reply_cstr(ctx, "flags");
    int n = 0;
    unsigned bit;
    for (int i = 0; script_flag_name(i, &bit); i++) n += (f->flags & bit) != 0;
    md_reply_set(ctx, n);
    const char *fl;
    for (int i = 0; (fl = script_flag_name(i, &bit)); i++)
        if (f->flags & bit) md_reply_simple(ctx, fl);
}

void fn_list(md_ctx_t *ctx, const md_arg_t *pattern, int withcode)
{
    int n = 0;
    for (int i = 0; i < nlibs; i++)
        if (!pattern || util_glob(pattern->ptr, pattern->len, libs[i]->name,
                                  strlen(libs[i]->name), 1))
            n++;
    md_reply_array(ctx, n);
    for (int i = 0; i < nlibs; i++) {
        const fn_lib_t *lib = libs[i];
        if (pattern && !util_glob(pattern->ptr, pattern->len, lib->name, strlen(lib->name), 1))
            continue;
        md_reply_map(ctx, withcode ? 4 : 3);
        reply_cstr(ctx, "library_name");
        reply_cstr(ctx, lib->name);
        reply_cstr(ctx, "engine");
        reply_cstr(ctx, "LUA");
        reply_cstr(ctx, "functions");
        md_reply_array(ctx, lib->nfuncs);
        for (int f = 0; f < lib->nfuncs; f++) list_function(ctx, &lib->funcs[f]);
        if (withcode) {
            reply_cstr(ctx, "library_code");
            md_reply_bulk(ctx, lib->code, lib->codelen);
        }
    }
}
