/*
 * script_msgpack.c — the `cmsgpack` library of Redis's Lua sandbox
 * (pack, unpack, unpack_one, unpack_limit), with Redis's encodings and
 * error texts. Debian ships no compatible library, so it is written here.
 *
 * Encoding (MessagePack, big-endian): nil, booleans, numbers that are
 * whole 64-bit values as the smallest integer form, other numbers as a
 * float32 when exact, else a float64; strings as fixstr/str8/16/32;
 * tables as arrays when their keys are exactly 1..n (an empty table is an
 * empty array), else as maps in lua_next order; tables nested deeper than
 * 16 levels, functions and userdata become nil.
 *
 * Decoding accepts the MessagePack types Redis's library reads (the 2013
 * spec plus str8; no bin or ext types); truncated input is "Missing bytes in input.",
 * unknown bytes "Bad data format in input.". Each nesting level checks the
 * Lua stack, so hostile input ends in a Lua error, not a C stack overflow.
 */
#include "script_libs.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define MAX_NESTING 16 /* tables deeper than this are packed as nil */

/* ---- packing ---- */

/* Append the big-endian low `n` bytes of v after the type byte `type`. */
static void put_be(luaL_Buffer *b, int type, uint64_t v, int n)
{
    char buf[9];
    buf[0] = (char)type;
    for (int i = 0; i < n; i++) buf[1 + i] = (char)(v >> (8 * (n - 1 - i)));
    luaL_addlstring(b, buf, (size_t)n + 1);
}

static void pack_int(luaL_Buffer *b, int64_t v)
{
    if (v >= 0) {
        if (v <= 127) luaL_addchar(b, (char)v);
        else if (v <= 0xff) put_be(b, 0xcc, (uint64_t)v, 1);
        else if (v <= 0xffff) put_be(b, 0xcd, (uint64_t)v, 2);
        else if (v <= 0xffffffffLL) put_be(b, 0xce, (uint64_t)v, 4);
        else put_be(b, 0xcf, (uint64_t)v, 8);
    } else {
        if (v >= -32) luaL_addchar(b, (char)(0xe0 | (v & 0x1f)));
        else if (v >= -128) put_be(b, 0xd0, (uint64_t)v, 1);
        else if (v >= -32768) put_be(b, 0xd1, (uint64_t)v, 2);
        else if (v >= -2147483648LL) put_be(b, 0xd2, (uint64_t)v, 4);
        else put_be(b, 0xd3, (uint64_t)v, 8);
    }
}

static void pack_number(luaL_Buffer *b, lua_Number n)
{
    if (!isinf(n) && !isnan(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
        (lua_Number)(int64_t)n == n) {
        pack_int(b, (int64_t)n);
        return;
    }
    float f = (float)n;
    if ((lua_Number)f == n) {
        uint32_t u;
        memcpy(&u, &f, 4);
        put_be(b, 0xca, u, 4);
    } else {
        uint64_t u;
        memcpy(&u, &n, 8);
        put_be(b, 0xcb, u, 8);
    }
}

static void pack_string(luaL_Buffer *b, const char *s, size_t len)
{
    if (len < 32) luaL_addchar(b, (char)(0xa0 | len));
    else if (len <= 0xff) put_be(b, 0xd9, len, 1);
    else if (len <= 0xffff) put_be(b, 0xda, len, 2);
    else put_be(b, 0xdb, len, 4);
    luaL_addlstring(b, s, len);
}

/* A header of an array (0x90, 0xdc, 0xdd) or a map (0x80, 0xde, 0xdf). */
static void pack_header(luaL_Buffer *b, size_t n, int fix, int h16, int h32)
{
    if (n < 16) luaL_addchar(b, (char)(fix | n));
    else if (n <= 0xffff) put_be(b, h16, n, 2);
    else put_be(b, h32, n, 4);
}

/* Whether the table on top has exactly the keys 1..n. */
static int is_array(lua_State *L)
{
    long long count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return 0;
        }
        lua_Number n = lua_tonumber(L, -1);
        long long idx = (long long)n;
        if ((lua_Number)idx != n || idx < 1) {
            lua_pop(L, 1);
            return 0;
        }
        count++;
        if (idx > max) max = idx;
    }
    return max == count;
}

/*
 * Pack the value on top of L (popped) into b. luaL_Buffer wants the stack
 * at the same level at each of its calls, so every value is popped before
 * its bytes are added; what must stay alive meanwhile (a string, a table
 * being walked and its current key) is held in the registry.
 */
static void pack_value(lua_State *L, luaL_Buffer *b, int level);

static void pack_table(lua_State *L, luaL_Buffer *b, int level)
{
    /* the table is at the top; luaL_Buffer may hold stack slots below it,
     * so it is kept in the registry while its elements are added */
    lua_pushvalue(L, -1);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    int array = is_array(L);
    lua_pop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    if (array) {
        size_t n = lua_objlen(L, -1);
        lua_pop(L, 1);
        pack_header(b, n, 0x90, 0xdc, 0xdd);
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
            lua_rawgeti(L, -1, (int)i);
            lua_remove(L, -2);
            pack_value(L, b, level + 1);
        }
    } else {
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            n++;
        }
        lua_pop(L, 1);
        pack_header(b, n, 0x80, 0xde, 0xdf);
        /* the walk's state {table, key} is kept in the registry */
        lua_createtable(L, 2, 0);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        lua_rawseti(L, -2, 1);
        int sref = luaL_ref(L, LUA_REGISTRYINDEX);
        for (;;) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, sref);
            lua_rawgeti(L, -1, 1);
            lua_rawgeti(L, -2, 2);
            /* state, table, key */
            if (!lua_next(L, -2)) {
                lua_pop(L, 2);
                break;
            }
            /* state, table, key, value */
            lua_pushvalue(L, -2);
            lua_rawseti(L, -5, 2);
            lua_insert(L, -4);  /* value, state, table, key */
            lua_insert(L, -3);  /* value, key, state, table */
            lua_pop(L, 2);      /* value, key */
            pack_value(L, b, level + 1);
            pack_value(L, b, level + 1);
        }
        luaL_unref(L, LUA_REGISTRYINDEX, sref);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
}

static void pack_value(lua_State *L, luaL_Buffer *b, int level)
{
    luaL_checkstack(L, 4, "in function pack");
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE && level == MAX_NESTING) t = LUA_TNIL;
    switch (t) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        /* the string stays referenced by the registry copy below */
        lua_pushvalue(L, -1);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 1);
        pack_string(b, s, len);
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        return;
    }
    case LUA_TBOOLEAN: {
        int v = lua_toboolean(L, -1);
        lua_pop(L, 1);
        luaL_addchar(b, v ? (char)0xc3 : (char)0xc2);
        return;
    }
    case LUA_TNUMBER: {
        lua_Number n = lua_tonumber(L, -1);
        lua_pop(L, 1);
        pack_number(b, n);
        return;
    }
    case LUA_TTABLE:
        pack_table(L, b, level); /* consumes the table */
        return;
    default:
        lua_pop(L, 1);
        luaL_addchar(b, (char)0xc0);
        return;
    }
}

/* cmsgpack.pack(v, ...): the concatenation of each value's encoding. */
static int l_pack(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    /* the arguments go to a table so the buffer owns the top of the stack */
    lua_createtable(L, n, 0);
    lua_insert(L, 1);
    for (int i = n; i >= 1; i--) lua_rawseti(L, 1, i);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        pack_value(L, &b, 0);
    }
    luaL_pushresult(&b);
    return 1;
}

/* ---- unpacking ---- */

typedef struct cursor {
    const unsigned char *p;
    size_t left;
    int err; /* 0, CUR_EOF or CUR_BAD */
} cursor_t;

enum { CUR_EOF = 1, CUR_BAD = 2 };

/* The big-endian n-byte value at the cursor (after a 1-byte type when
 * skip is 1); advances past both. 0 with err set when short. */
static uint64_t take_be(cursor_t *c, size_t skip, int n)
{
    if (c->left < skip + (size_t)n) {
        c->err = CUR_EOF;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | c->p[skip + (size_t)i];
    c->p += skip + (size_t)n;
    c->left -= skip + (size_t)n;
    return v;
}

static void decode(lua_State *L, cursor_t *c);

static void decode_string(lua_State *L, cursor_t *c, uint64_t len)
{
    if (c->err) return;
    if (c->left < len) {
        c->err = CUR_EOF;
        return;
    }
    lua_pushlstring(L, (const char *)c->p, (size_t)len);
    c->p += len;
    c->left -= len;
}

static void decode_array(lua_State *L, cursor_t *c, uint64_t n)
{
    if (c->err) return;
    luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
    lua_newtable(L);
    for (uint64_t i = 1; i <= n; i++) {
        decode(L, c);
        if (c->err) return;
        lua_rawseti(L, -2, (int)i);
    }
}

static void decode_map(lua_State *L, cursor_t *c, uint64_t n)
{
    if (c->err) return;
    luaL_checkstack(L, 3, "in function mp_decode_to_lua_hash");
    lua_newtable(L);
    for (uint64_t i = 0; i < n; i++) {
        decode(L, c);
        if (c->err) return;
        decode(L, c);
        if (c->err) return;
        if (lua_isnil(L, -2)) lua_pop(L, 2); /* a nil key cannot be stored */
        else lua_settable(L, -3);
    }
}

/* A signed value of n bytes (two's complement). */
static lua_Number signed_of(uint64_t v, int n)
{
    if (n < 8 && (v & (1ULL << (8 * n - 1)))) v |= ~0ULL << (8 * n);
    return (lua_Number)(int64_t)v;
}

/* Push the value at the cursor; on error c->err is set (what was pushed
 * for it then does not matter). */
static void decode(lua_State *L, cursor_t *c)
{
    if (c->left == 0) {
        c->err = CUR_EOF;
        return;
    }
    unsigned t = c->p[0];
    if (t <= 0x7f || t >= 0xe0) { /* fixint, negative fixint */
        lua_pushnumber(L, t <= 0x7f ? (lua_Number)t : (lua_Number)(int8_t)t);
        c->p++;
        c->left--;
        return;
    }
    if ((t & 0xe0) == 0xa0 || (t & 0xf0) == 0x90 || (t & 0xf0) == 0x80) {
        c->p++;
        c->left--;
        if ((t & 0xe0) == 0xa0) decode_string(L, c, t & 0x1f);
        else if ((t & 0xf0) == 0x90) decode_array(L, c, t & 0x0f);
        else decode_map(L, c, t & 0x0f);
        return;
    }
    switch (t) {
    case 0xc0: lua_pushnil(L); break;
    case 0xc2: lua_pushboolean(L, 0); break;
    case 0xc3: lua_pushboolean(L, 1); break;
    case 0xcc: lua_pushnumber(L, (lua_Number)take_be(c, 1, 1)); return;
    case 0xcd: lua_pushnumber(L, (lua_Number)take_be(c, 1, 2)); return;
    case 0xce: lua_pushnumber(L, (lua_Number)take_be(c, 1, 4)); return;
    case 0xcf: lua_pushnumber(L, (lua_Number)take_be(c, 1, 8)); return;
    case 0xd0: lua_pushnumber(L, signed_of(take_be(c, 1, 1), 1)); return;
    case 0xd1: lua_pushnumber(L, signed_of(take_be(c, 1, 2), 2)); return;
    case 0xd2: lua_pushnumber(L, signed_of(take_be(c, 1, 4), 4)); return;
    case 0xd3: lua_pushnumber(L, signed_of(take_be(c, 1, 8), 8)); return;
    case 0xca: {
        uint32_t u = (uint32_t)take_be(c, 1, 4);
        float f;
        memcpy(&f, &u, 4);
        lua_pushnumber(L, f);
        return;
    }
    case 0xcb: {
        uint64_t u = take_be(c, 1, 8);
        double d;
        memcpy(&d, &u, 8);
        lua_pushnumber(L, d);
        return;
    }
    case 0xd9: decode_string(L, c, take_be(c, 1, 1)); return;
    case 0xda: decode_string(L, c, take_be(c, 1, 2)); return;
    case 0xdb: decode_string(L, c, take_be(c, 1, 4)); return;
    case 0xdc: decode_array(L, c, take_be(c, 1, 2)); return;
    case 0xdd: decode_array(L, c, take_be(c, 1, 4)); return;
    case 0xde: decode_map(L, c, take_be(c, 1, 2)); return;
    case 0xdf: decode_map(L, c, take_be(c, 1, 4)); return;
    default: c->err = CUR_BAD; return;
    }
    c->p++;
    c->left--;
}

/*
 * Decode up to `limit` values of the string at 1 from byte `offset`
 * (limit 0 and offset 0: all of them, and no offset returned); otherwise
 * the next offset (-1 at the end) comes first, then the values.
 */
static int unpack_full(lua_State *L, int limit, int offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int all = !limit && !offset;
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                          offset, (int)len); /* sic: Redis's text shows the input's length */
    if ((size_t)offset > len)
        return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)len);
    if (all) limit = 0x7fffffff;
    cursor_t c = {(const unsigned char *)s + offset, len - (size_t)offset, 0};
    int n = 0;
    for (; c.left > 0 && n < limit; n++) {
        luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit "
                              "instead.");
        decode(L, &c);
        if (c.err == CUR_EOF) return luaL_error(L, "Missing bytes in input.");
        if (c.err == CUR_BAD) return luaL_error(L, "Bad data format in input.");
    }
    if (all) return n;
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(len - c.left));
    lua_insert(L, 2);
    return n + 1;
}

static int l_unpack(lua_State *L) { return unpack_full(L, 0, 0); }

static int l_unpack_one(lua_State *L)
{
    int offset = (int)luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return unpack_full(L, 1, offset);
}

static int l_unpack_limit(lua_State *L)
{
    int limit = (int)luaL_checkinteger(L, 2);
    int offset = (int)luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return unpack_full(L, limit, offset);
}

int script_open_cmsgpack(lua_State *L)
{
    static const luaL_Reg fns[] = {{"pack", l_pack},
                                   {"unpack", l_unpack},
                                   {"unpack_one", l_unpack_one},
                                   {"unpack_limit", l_unpack_limit},
                                   {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
