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
    int nkeys;
    struct md_key keys[SDK_KEYS_INLINE];
    sdk_key_chunk_t *more;
};

void sdk_ctx_init(md_ctx_t *ctx, struct client *c, struct cmd *cmd,
                  int argc, const md_arg_t *argv);
void sdk_ctx_done(md_ctx_t *ctx);
/* Run module code outside a command (cron hooks, sub-key expiry): fn gets
 * a context bound to an internal client without socket, in db 0; what it
 * changed is counted in srv.dirty and propagated afterwards. */
void sdk_ctx_run_internal(void (*fn)(md_ctx_t *ctx, void *arg), void *arg);

/* The API table handed to modules (filled by the sdk_*.c files). */
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

#endif
