/*
 * script_lib.h — the `redis` table scripts see (also reachable as
 * `server`): call, pcall, error_reply, status_reply, sha1hex, log,
 * setresp, set_repl, replicate_commands, the REDIS_VERSION constants and
 * the LOG_* and REPL_* constants. redis.call() checks a command as Redis
 * does for scripts (its error texts), then runs it through call.c.
 *
 * The running script's state is the script_run_t script.c hands over for
 * the duration of the run (script_lib_begin/end); outside a run redis.call
 * raises an error.
 */
#ifndef MODIS_SCRIPT_LIB_H
#define MODIS_SCRIPT_LIB_H

#include <stddef.h>

typedef struct lua_State lua_State; /* lua.h's */


struct client;

/* Flags of a script (its shebang line), as Redis's. */
#define SCRIPT_FLAG_NO_WRITES  (1u << 0)
#define SCRIPT_FLAG_ALLOW_OOM  (1u << 1)
#define SCRIPT_FLAG_ALLOW_STALE (1u << 2)
#define SCRIPT_FLAG_NO_CLUSTER (1u << 3)
#define SCRIPT_FLAG_CROSS_SLOT (1u << 4)
#define SCRIPT_FLAG_EVAL_COMPAT (1u << 5) /* no shebang: Redis 6 rules */

/* REPL_* of redis.set_repl(). */
#define SCRIPT_REPL_AOF     1
#define SCRIPT_REPL_REPLICA 2
#define SCRIPT_REPL_ALL     3

typedef struct script_run {
    struct client *caller;   /* the client that runs the script */
    const char *name;        /* the SHA1 (error texts) */
    unsigned flags;          /* SCRIPT_FLAG_* (script.h) */
    int ro;                  /* EVAL_RO / no-writes: writes refused */
    int resp;                /* redis.setresp(): 2 or 3 */
    int wrote;               /* a write command ran */
    int repl;                /* redis.set_repl() targets */
} script_run_t;

/* Push the `redis` table (a plain table; script.c makes it read-only). */
void script_lib_push(lua_State *L);
/* Start and end a run: redis.call() acts for `run` in between. */
void script_lib_begin(script_run_t *run);
void script_lib_end(void);
/* SHA1 of p[0..n) as 40 lower-case hex digits and a NUL in out. */
void script_sha1hex(const char *p, size_t n, char out[41]);

#endif
