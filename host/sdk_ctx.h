/*
 * sdk_ctx.h — what the opaque SDK handles are on the host side: the
 * per-call context and the key handles opened during one call.
 *
 * Key handles live until the end of the call (the dispatcher frees them).
 * A handle caches its entry; every change to a db's key set bumps ks_gen, and a handle whose cached generation is older looks
 * its key up again, so two handles on the same key stay correct.
 */
#ifndef MODIS_SDK_CTX_H
#define MODIS_SDK_CTX_H

#include "sdk_host.h"
#include "ks.h"

struct client;
struct cmd;

struct md_key {
    md_ctx_t *ctx;
    ks_db_t *db;
    ks_entry_t *e;           /* NULL: empty */
    uint64_t gen;
    md_arg_t name;
    int mode;
};

#define SDK_KEYS_INLINE 4

typedef struct sdk_key_chunk {
    struct sdk_key_chunk *next;
    int used;
    struct md_key keys[16];
} sdk_key_chunk_t;

struct md_ctx {
    struct client *client;
    struct cmd *cmd;
    int argc;
    const md_arg_t *argv;
    long long dirty;
    int failed;              /* an error reply was sent */
    struct md_blocked *thread; /* a thread's context (md_thread_ctx), else NULL */
    int nkeys;
    struct md_key keys[SDK_KEYS_INLINE];
    sdk_key_chunk_t *more;
};

void sdk_ctx_init(md_ctx_t *ctx, struct client *c, struct cmd *cmd,
                  int argc, const md_arg_t *argv);
void sdk_ctx_done(md_ctx_t *ctx);
/*
 * Run module code that is not a command handler (cron and expiry hooks,
 * server events, the callbacks of blocked clients): fn gets a context
 * bound to client c — the internal client without socket when c is NULL
 * — in db `dbid` (c's own when -1; 0 for the internal client), with `cmd`
 * as its command. c's db is the same afterwards. What it changes is
 * counted in srv.dirty; what it propagates joins the running command's
 * execution unit, or goes out as a unit of its own when no command runs.
 * Outside a command the command clock (md_mstime) is the current time.
 * Runs nest (an event fired while a hook runs).
 */
void sdk_ctx_run(struct client *c, struct cmd *cmd, int dbid,
                 void (*fn)(md_ctx_t *ctx, void *arg), void *arg);
/* sdk_ctx_run(NULL, NULL, 0, fn, arg). */
void sdk_ctx_run_internal(void (*fn)(md_ctx_t *ctx, void *arg), void *arg);

/* The API table handed to modules (filled by the sdk_*.c files). */
/* Reply a HELP text: an array of the NULL-terminated lines as status
 * replies, as every Redis "<command> HELP" does. Returns MD_OK. */
int sdk_reply_help(md_ctx_t *c, const char *const *lines);

const md_api_t *sdk_api(void);
void sdk_api_fill_mem(md_api_t *a);
void sdk_api_fill_keys(md_api_t *a);
void sdk_api_fill_reply(md_api_t *a);
void sdk_api_fill_args(md_api_t *a);
void sdk_api_fill_util(md_api_t *a);
void sdk_api_fill_rdb(md_api_t *a);
void sdk_api_fill_module(md_api_t *a);
void sdk_api_fill_cron_info(md_api_t *a);
void sdk_api_fill_config(md_api_t *a);
void sdk_api_fill_subexpire(md_api_t *a);
void sdk_api_fill_block(md_api_t *a);
void sdk_api_fill_propagate(md_api_t *a);
void sdk_api_fill_aof_digest(md_api_t *a);
void sdk_api_fill_listpack(md_api_t *a);
void sdk_api_fill_scan(md_api_t *a);
/* SDK 1.2 sections (sdk_htable.h and sdk_random.h declare theirs). */
void sdk_api_fill_double(md_api_t *a);
void sdk_api_fill_config_types(md_api_t *a);
void sdk_api_fill_rdb_module(md_api_t *a);
void sdk_api_fill_block_client(md_api_t *a);
void sdk_api_fill_call(md_api_t *a);
void sdk_api_fill_events(md_api_t *a);
/* A module's md_block_t read up to its `size` (the rest zero; a
 * timeout_reply other than MD_BLOCK_NULL_ARRAY is MD_BLOCK_NULL). */
void sdk_block_read(const md_block_t *in, md_block_t *out);
/* An error reply built on a thread's context: counted in INFO errorstats
 * when the reply reaches the client (sdk_block_client.c). */
void sdk_thread_error(struct md_blocked *bc, const char *err, size_t len);

#endif
