/*
 * script.h — the Lua scripting host: one Lua 5.1 VM (Debian's liblua5.1,
 * with lua-cjson and lua-bitop) running the scripts of EVAL and its
 * variants, sandboxed as Redis's: the globals and the libraries are
 * read-only, reading an unknown global is an error, and only the
 * functions Redis offers are reachable (no os, io, require, dofile...).
 *
 * Scripts are cached by the SHA1 of their body (lower-case hex) until
 * SCRIPT FLUSH, which starts a fresh VM. A script runs atomically; the
 * commands it calls through redis.call() go through call.c, the path
 * md_call() takes, so scripts reach every module's commands, and their
 * effects (not the EVAL) are propagated to the AOF and replicas.
 */
#ifndef MODIS_SCRIPT_H
#define MODIS_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct client;

/* Create the VM (start-up; SCRIPT FLUSH makes a new one). */
void script_init(void);
/* SCRIPT FLUSH: forget every cached script. */
void script_flush(void);
/* Whether the script `sha` (40 hex digits, any case) is cached. */
int script_exists(const char *sha, size_t len);
/* Number of cached scripts and the memory they take (INFO). */
size_t script_count(void);
/* The EVAL VM's memory; *cache gets the cached bodies' (INFO). */
size_t script_vm_memory(size_t *cache);
/*
 * Compile `body` and cache it (nothing when already cached); its SHA1 in
 * lower-case hex goes to sha[0..41). Returns 0, or -1 with Redis's error
 * text in err ("ERR Error compiling script ...", a bad shebang).
 */
int script_load(const char *body, size_t len, char sha[41], char *err, size_t cap);
/*
 * Run the cached script `sha` for ctx's client with KEYS = keys[0..nkeys)
 * and ARGV = args[0..nargs); `ro` for EVAL_RO/EVALSHA_RO. The script's
 * result (or error) is the reply. Returns -1 without replying when the
 * script is not cached (the caller sends NOSCRIPT).
 */
int script_run(md_ctx_t *ctx, const char *sha, int nkeys, const md_arg_t *keys, int nargs,
               const md_arg_t *args, int ro);

/* SCRIPT KILL (function 0) or FUNCTION KILL (1): 0 when the running
 * script will stop, else -1 with Redis's error text (NOTBUSY, UNKILLABLE,
 * BUSY when the other kind runs) in *err. */
int script_kill(const char **err, int function);
/* The running script's name (SHA1 or function name), NULL when none; its
 * run time so far, its caller, and whether it is a function (FCALL). */
const char *script_running(int64_t *ms, const struct client **caller, int *function);

/* ---- shared with functions (function.c) ---- */

typedef struct lua_State lua_State; /* lua.h's */

/* A new VM with the libraries and the sandbox scripts see (its globals
 * table G read-only behind a proxy environment). */
lua_State *script_vm_new(void);
/* Push a read-only proxy (protected metatable) whose reads go to the
 * table or function at stack index idx. */
void script_push_proxy(lua_State *l, int idx);
/* The SCRIPT_FLAG_* of a flag name (shebang, register_function), 0 when
 * unknown; the i-th flag's name and bit (NULL past the last), in Redis's
 * order. */
unsigned script_flag_named(const char *p, size_t n);
const char *script_flag_name(int i, unsigned *flag);
/*
 * Redis's checks before a script with `flags` (SCRIPT_FLAG_*, script_lib.h)
 * runs for ctx's client (ro: an *_RO command): OOM, MASTERDOWN, READONLY,
 * NOREPLICAS, MISCONF, the write flag under *_RO. 0 when it may run, else
 * -1 after the error reply.
 */
int script_precheck(md_ctx_t *ctx, unsigned flags, int ro);
/*
 * Run the function on l's stack below its nargs arguments (on top) as the
 * script `name` (error texts, FUNCTION STATS); its result or error is
 * ctx's reply. Busy handling and kills as for EVAL; `function`: an FCALL.
 * Leaves l's stack empty.
 */
void script_exec(md_ctx_t *ctx, lua_State *l, int nargs, const char *name, unsigned flags,
                 int ro, int function);

#endif
