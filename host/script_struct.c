/*
 * script_struct.c — the `struct` library of Redis's Lua sandbox (pack,
 * unpack, size: binary records described by a format string), with the
 * semantics and error texts of the struct library Redis bundles. Debian
 * ships no compatible library, so it is written here.
 *
 * Format: '<' little-endian, '>' big-endian, '!n' maximum alignment n (a
 * power of 2; bare '!' is the native one), ' ' ignored; b/B char, h/H
 * short, l/L long, T size_t, i/I[n] an n-byte int (default int's size, at
 * most 32), f float, d double, s zero-terminated string, c[n] n chars (c0 in
 * unpack: the length is the previous value; in pack: the whole string), x
 * a zero byte. Lower case is signed. Integers go through a C long, as the
 * original does (so wider ints than 8 bytes carry sign/zero extension).
 */
#include "script_libs.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <stddef.h>
#include <string.h>

#define MAX_INT_SIZE 32

/* The native maximum alignment: the padding before a double in a struct,
 * or int's size when larger. */
struct align_probe {
    char c;
    double d;
};
#define NATIVE_ALIGN (offsetof(struct align_probe, d) > sizeof(int) ? \
                      offsetof(struct align_probe, d) : sizeof(int))

enum { BIG = 0, LITTLE = 1 };

typedef struct opts {
    int endian;
    size_t align;
} opts_t;

static int native_endian(void)
{
    const int one = 1;
    return *(const char *)&one ? LITTLE : BIG;
}

/* A decimal count after an option, or `def` when there is none. */
static size_t read_count(lua_State *L, const char **fmt, size_t def)
{
    if (!isdigit((unsigned char)**fmt)) return def;
    int a = 0;
    do {
        int d = **fmt - '0';
        if (a > (INT_MAX - d) / 10) luaL_error(L, "integral size overflow");
        a = a * 10 + d;
        (*fmt)++;
    } while (isdigit((unsigned char)**fmt));
    return (size_t)a;
}

/* The size of option `opt` (reading its count); 0 for the options that
 * take none (s, and the control characters). */
static size_t opt_size(lua_State *L, int opt, const char **fmt)
{
    switch (opt) {
    case 'B': case 'b': return sizeof(char);
    case 'H': case 'h': return sizeof(short);
    case 'L': case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return read_count(L, fmt, 1);
    case 'i': case 'I': {
        size_t n = read_count(L, fmt, sizeof(int));
        if (n > MAX_INT_SIZE)
            luaL_error(L, "integral size %d is larger than limit of %d", (int)n, MAX_INT_SIZE);
        return n;
    }
    default: return 0;
    }
}

/* Padding that aligns an item of `size` at position `pos`. */
static size_t padding(size_t pos, const opts_t *o, int opt, size_t size)
{
    if (size == 0 || opt == 'c') return 0;
    size_t a = size > o->align ? o->align : size;
    return (a - (pos & (a - 1))) & (a - 1);
}

/* '<', '>', '!', ' '; anything else is the format error. */
static void control(lua_State *L, int opt, const char **fmt, opts_t *o)
{
    switch (opt) {
    case ' ': return;
    case '>': o->endian = BIG; return;
    case '<': o->endian = LITTLE; return;
    case '!': {
        size_t a = read_count(L, fmt, NATIVE_ALIGN);
        if (a == 0 || (a & (a - 1)))
            luaL_error(L, "alignment %d is not a power of 2", (int)a);
        o->align = a;
        return;
    }
    default:
        luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
    }
}

/* Reverse p[0..n) when `endian` is not the machine's. */
static void to_endian(char *p, size_t n, int endian)
{
    if (endian == native_endian()) return;
    for (size_t i = 0, j = n - 1; i < j; i++, j--) {
        char t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

static void put_int(lua_State *L, luaL_Buffer *b, int arg, int endian, size_t size)
{
    lua_Number n = luaL_checknumber(L, arg);
    unsigned long v = n < 0 ? (unsigned long)(long)n : (unsigned long)n;
    char buf[MAX_INT_SIZE];
    for (size_t i = 0; i < size; i++) {
        buf[endian == LITTLE ? i : size - 1 - i] = (char)(v & 0xff);
        v >>= 8;
    }
    luaL_addlstring(b, buf, size);
}

static int l_pack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    opts_t o = {native_endian(), 1};
    int arg = 2;
    size_t total = 0;
    lua_pushnil(L); /* the arguments end here; the buffer starts above */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (*fmt) {
        int opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        size_t pad = padding(total, &o, opt, size);
        total += pad;
        while (pad--) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i':
        case 'I':
            put_int(L, &b, arg++, o.endian, size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            to_endian((char *)&f, sizeof(f), o.endian);
            luaL_addlstring(&b, (char *)&f, sizeof(f));
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            to_endian((char *)&d, sizeof(d), o.endian);
            luaL_addlstring(&b, (char *)&d, sizeof(d));
            break;
        }
        case 'c': case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) size = l;
            luaL_argcheck(L, l >= size, arg, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            control(L, opt, &fmt, &o);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

/* The integer of `size` bytes at p. */
static lua_Number get_int(const char *p, int endian, int is_signed, size_t size)
{
    unsigned long v = 0;
    for (size_t i = 0; i < size; i++) {
        unsigned char byte = (unsigned char)p[endian == BIG ? i : size - 1 - i];
        v = (v << 8) | byte;
    }
    if (!is_signed) return (lua_Number)v;
    if (size > 0 && size < sizeof(v)) { /* extend the sign bit */
        unsigned long mask = ~0UL << (size * 8 - 1);
        if (v & mask) v |= mask;
    }
    return (lua_Number)(long)v;
}

static int l_unpack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
    pos--;
    opts_t o = {native_endian(), 1};
    int n = 0;
    while (*fmt) {
        int opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += padding(pos, &o, opt, size);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i':
        case 'I':
            lua_pushnumber(L, get_int(data + pos, o.endian, islower(opt), size));
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            float f;
            memcpy(&f, data + pos, sizeof(f));
            to_endian((char *)&f, sizeof(f), o.endian);
            lua_pushnumber(L, f);
            n++;
            break;
        }
        case 'd': {
            double d;
            memcpy(&d, data + pos, sizeof(d));
            to_endian((char *)&d, sizeof(d), o.endian);
            lua_pushnumber(L, d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (!e) luaL_error(L, "unfinished string in data");
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        default:
            control(L, opt, &fmt, &o);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

static int l_size(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    opts_t o = {native_endian(), 1};
    size_t pos = 0;
    while (*fmt) {
        int opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += padding(pos, &o, opt, size);
        if (opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
        else if (opt == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
        if (!isalnum(opt)) control(L, opt, &fmt, &o);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int script_open_struct(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"pack", l_pack}, {"unpack", l_unpack}, {"size", l_size}, {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    return 1;
}
