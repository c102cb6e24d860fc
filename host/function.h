/*
 * function.h — Redis 7 functions: libraries of Lua functions loaded with
 * FUNCTION LOAD ("#!lua name=<lib>" and redis.register_function calls),
 * called by name with FCALL/FCALL_RO, kept across restarts in the RDB
 * (opcode FUNCTION2: the library's code) and the AOF (FUNCTION LOAD).
 *
 * Functions live in their own Lua VM (script_vm_new()'s sandbox), apart
 * from EVAL's, so SCRIPT FLUSH leaves them alone. While a library's code
 * runs at load time its environment offers only Redis's load-time API
 * (redis.register_function, redis.log, the LOG_* and REDIS_VERSION*
 * constants); the functions it registers later run with the full
 * sandbox (redis.call...), with the keys and the arguments as their two
 * parameters.
 *
 * Invariants: a function name is unique over all the libraries; a load,
 * a restore or a delete either applies entirely or changes nothing.
 */
#ifndef MODIS_FUNCTION_H
#define MODIS_FUNCTION_H

#include <stddef.h>

#include "sdk_host.h"

/* How restored libraries meet the existing ones (FUNCTION RESTORE). */
typedef enum { FN_APPEND, FN_REPLACE, FN_FLUSH } fn_policy_t;

/* Create the functions VM (start-up). */
void fn_init(void);
/*
 * FUNCTION LOAD: compile and register the library in code[0..len);
 * `replace` lets it take the place of a library of the same name. Returns
 * 0 with the library's name copied to name (cap bytes), or -1 with
 * Redis's error text in err.
 */
int fn_load(const char *code, size_t len, int replace, char *name, size_t cap, char *err,
            size_t errcap);
/*
 * Load libraries[0..n) (their codes) at once under `policy`: all or none.
 * Returns 0, or -1 with Redis's error text in err (FUNCTION RESTORE, RDB).
 */
int fn_load_many(const md_arg_t *codes, int n, fn_policy_t policy, char *err, size_t errcap);
/* FUNCTION DELETE: 0, or -1 when no library has that name. */
int fn_delete(const char *name, size_t len);
/* FUNCTION FLUSH, and an RDB load that replaces the dataset. */
void fn_flush(void);
/* Call each library's code in load order; stops at the first non-zero
 * return, which it returns. */
int fn_each_code(int (*cb)(void *priv, const char *code, size_t len), void *priv);

/* Numbers for INFO and FUNCTION STATS. */
size_t fn_count_libraries(void);
size_t fn_count_functions(void);
size_t fn_memory(void);     /* the libraries' own structures */
size_t fn_vm_memory(void);  /* the functions VM */

/* Whether a function has that name (any case). */
int fn_exists(const md_arg_t *name);
/* FCALL (ro 0) and FCALL_RO: run the function for ctx's client; the
 * result or error is the reply. */
void fn_call(md_ctx_t *ctx, const md_arg_t *name, int nkeys, const md_arg_t *keys, int nargs,
             const md_arg_t *args, int ro);
/* FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: the reply. */
void fn_list(md_ctx_t *ctx, const md_arg_t *pattern, int withcode);

#endif
