/*
 * script_conv.c — see script_conv.h. Deep values are bounded by Lua's
 * stack (lua_checkstack): a table nested too deep, or one that contains
 * itself, ends in an error reply, never in a crash.
 */
#include "script_conv.h"
#include "mem.h"
#include "resp.h"
#include "sdk_host.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#define ERR_STACK "reached lua stack limit"

/* t[name] = the value on top (popped); t is at index -2 before the push. */
static void set_field(lua_State *L, const char *name)
{
    lua_setfield(L, -2, name);
}

/* A table {name = <value of r>}. */
static void push_wrapped(lua_State *L, const char *name)
{
    lua_newtable(L);
    lua_insert(L, -2);
    set_field(L, name);
}

void script_conv_push_error(lua_State *L, const char *msg, size_t len)
{
    const char *code = "ERR";
    size_t codelen = 3;
    if (len && msg[0] == '-') {
        const char *sp = memchr(msg, ' ', len);
        if (sp) {
            code = msg + 1;
            codelen = (size_t)(sp - msg) - 1;
            len -= (size_t)(sp - msg) + 1;
            msg = sp + 1;
        } else {
            msg++;
            len--;
        }
    }
    while (len && (msg[len - 1] == '\r' || msg[len - 1] == '\n')) len--;
    while (len && (msg[0] == '\r' || msg[0] == '\n')) msg++, len--;
    lua_newtable(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, codelen);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, msg, len);
    luaL_pushresult(&b);
    set_field(L, "err");
}

void script_conv_push_reply(lua_State *L, const md_reply_t *r)
{
    if (!lua_checkstack(L, 4)) {
        script_conv_push_error(L, ERR_STACK, strlen(ERR_STACK));
        return;
    }
    switch (r->type) {
    case MD_REPLY_STRING: lua_pushlstring(L, r->str, r->len); break;
    case MD_REPLY_INTEGER: lua_pushnumber(L, (lua_Number)r->ll); break;
    case MD_REPLY_NULL:
        if (r->resp[0] == '_') lua_pushnil(L);
        else lua_pushboolean(L, 0);
        break;
    case MD_REPLY_STATUS:
        lua_pushlstring(L, r->str, r->len);
        push_wrapped(L, "ok");
        break;
    case MD_REPLY_ERROR: {
        /* The error keeps its code ("-" + text, as Redis hands it on). */
        char *m = mem_alloc(r->len + 1);
        m[0] = '-';
        memcpy(m + 1, r->str, r->len);
        script_conv_push_error(L, m, r->len + 1);
        mem_free(m);
        lua_pushboolean(L, 1);
        set_field(L, "ignore_error_stats_update");
        break;
    }
    case MD_REPLY_ARRAY:
        lua_createtable(L, (int)r->len, 0);
        for (size_t i = 0; i < r->len; i++) {
            script_conv_push_reply(L, &r->elems[i]);
            lua_rawseti(L, -2, (int)i + 1);
        }
        break;
    case MD_REPLY_MAP:
        lua_createtable(L, 0, (int)r->len);
        for (size_t i = 0; i < r->len; i++) {
            script_conv_push_reply(L, &r->elems[2 * i]);
            script_conv_push_reply(L, &r->elems[2 * i + 1]);
            lua_rawset(L, -3);
        }
        push_wrapped(L, "map");
        break;
    case MD_REPLY_SET:
        lua_createtable(L, 0, (int)r->len);
        for (size_t i = 0; i < r->len; i++) {
            script_conv_push_reply(L, &r->elems[i]);
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
        push_wrapped(L, "set");
        break;
    case MD_REPLY_BOOL: lua_pushboolean(L, r->ll != 0); break;
    case MD_REPLY_DOUBLE:
        lua_pushnumber(L, r->d);
        push_wrapped(L, "double");
        break;
    case MD_REPLY_BIG_NUMBER:
        lua_pushlstring(L, r->str, r->len);
        push_wrapped(L, "big_number");
        break;
    case MD_REPLY_VERBATIM:
        lua_newtable(L);
        lua_pushlstring(L, r->resp + r->resplen - r->len - 6, 3);
        set_field(L, "format");
        lua_pushlstring(L, r->str, r->len);
        set_field(L, "string");
        push_wrapped(L, "verbatim_string");
        break;
    default: lua_pushnil(L); break;
    }
}

/* s[0..n) with CR and LF turned into spaces, in a Lua buffer on the stack
 * (popped by the caller). */
static const char *one_line(lua_State *L, const char *s, size_t n)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < n; i++) luaL_addchar(&b, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* t[name] of the table on top, pushed; returns its Lua type. */
static int get_field(lua_State *L, const char *name)
{
    lua_pushstring(L, name);
    lua_rawget(L, -2);
    return lua_type(L, -1);
}

const char *script_conv_error_info(lua_State *L, const char **source, int *line)
{
    if (source) *source = NULL;
    if (line) *line = 0;
    if (!lua_istable(L, -1)) return NULL;
    if (get_field(L, "err") != LUA_TSTRING) {
        lua_pop(L, 1);
        return NULL;
    }
    const char *msg = lua_tostring(L, -1); /* the table keeps it alive */
    lua_pop(L, 1);
    if (source) {
        if (get_field(L, "source") == LUA_TSTRING) *source = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    if (line) {
        if (get_field(L, "line") == LUA_TNUMBER) *line = (int)lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    return msg;
}

/* The aggregate of table t (on top): Redis's map, set or array forms. */
static void table_to_reply(lua_State *L, reply_t *out, int proto, int script_resp)
{
    char hdr[32];
    long n = 0;
    if (get_field(L, "map") == LUA_TTABLE) {
        void *h = reply_defer(out);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            script_conv_to_reply(L, out, proto, script_resp); /* the key */
            script_conv_to_reply(L, out, proto, script_resp); /* the value */
            n++;
        }
        reply_fill(out, h, hdr, (size_t)resp_agg_header(hdr, proto, '%', n));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (get_field(L, "set") == LUA_TTABLE) {
        void *h = reply_defer(out);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            script_conv_to_reply(L, out, proto, script_resp);
            n++;
        }
        reply_fill(out, h, hdr, (size_t)resp_agg_header(hdr, proto, '~', n));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    void *h = reply_defer(out);
    for (;;) {
        lua_rawgeti(L, -1, (int)n + 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        script_conv_to_reply(L, out, proto, script_resp);
        n++;
    }
    reply_fill(out, h, hdr, (size_t)resp_agg_header(hdr, proto, '*', n));
}

/* The table on top as a reply (error, status, double, big number,
 * verbatim, then the aggregates). */
static void table_value(lua_State *L, reply_t *out, int proto, int script_resp)
{
    size_t n;
    const char *s = script_conv_error_info(L, NULL, NULL);
    if (s) {
        s = one_line(L, s, strlen(s));
        reply_append(out, "-", 1);
        reply_append(out, s, strlen(s));
        reply_append(out, "\r\n", 2);
        lua_pop(L, 1);
        return;
    }
    if (get_field(L, "ok") == LUA_TSTRING) {
        s = lua_tolstring(L, -1, &n);
        s = one_line(L, s, n);
        resp_add_simple(out, s, n);
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    if (get_field(L, "double") == LUA_TNUMBER) {
        resp_add_double(out, proto, lua_tonumber(L, -1));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (get_field(L, "big_number") == LUA_TSTRING) {
        s = lua_tolstring(L, -1, &n);
        s = one_line(L, s, n);
        if (proto >= 3) {
            reply_append(out, "(", 1);
            reply_append(out, s, n);
            reply_append(out, "\r\n", 2);
        } else {
            resp_add_bulk(out, s, n);
        }
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    if (get_field(L, "verbatim_string") == LUA_TTABLE) {
        int tf = get_field(L, "format");
        lua_pop(L, 1);
        int ts = get_field(L, "string");
        lua_pop(L, 1);
        if (tf == LUA_TSTRING && ts == LUA_TSTRING) {
            lua_getfield(L, -1, "format");
            lua_getfield(L, -2, "string");
            size_t fl;
            const char *fmt = lua_tolstring(L, -2, &fl);
            s = lua_tolstring(L, -1, &n);
            char f3[3] = {' ', ' ', ' '};
            memcpy(f3, fmt, fl < 3 ? fl : 3);
            resp_add_verbatim(out, proto, f3, s, n);
            lua_pop(L, 3);
            return;
        }
    }
    lua_pop(L, 1);
    table_to_reply(L, out, proto, script_resp);
}

void script_conv_to_reply(lua_State *L, reply_t *out, int proto, int script_resp)
{
    if (!lua_checkstack(L, 4)) {
        resp_add_error(out, "ERR " ERR_STACK, strlen("ERR " ERR_STACK));
        lua_pop(L, 1);
        return;
    }
    size_t n;
    const char *s;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, -1, &n);
        resp_add_bulk(out, s, n);
        break;
    case LUA_TBOOLEAN:
        if (script_resp == 2) {
            if (lua_toboolean(L, -1)) resp_add_int(out, 1);
            else resp_add_null(out, proto);
        } else {
            resp_add_bool(out, proto, lua_toboolean(L, -1));
        }
        break;
    case LUA_TNUMBER: resp_add_int(out, (long long)lua_tonumber(L, -1)); break;
    case LUA_TTABLE: table_value(L, out, proto, script_resp); break;
    default: resp_add_null(out, proto); break;
    }
    lua_pop(L, 1);
}
