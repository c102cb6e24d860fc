/*
 * script_libs.h — the libraries of Redis's Lua sandbox that Debian does
 * not ship in a compatible form, written for Modis: `cmsgpack`
 * (script_msgpack.c) and `struct` (script_struct.c). Each opener pushes
 * its library's table (script.c makes it read-only and global).
 */
#ifndef MODIS_SCRIPT_LIBS_H
#define MODIS_SCRIPT_LIBS_H

typedef struct lua_State lua_State; /* lua.h's */

int script_open_cmsgpack(lua_State *L);
int script_open_struct(lua_State *L);

#endif
