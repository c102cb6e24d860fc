/*
 * sdk_ctx.c — per-call context set-up and tear-down, and the API table
 * assembled from the sdk_*.c sections.
 */
#include "sdk_ctx.h"
#include "client.h"
#include "log.h"
#include "mem.h"
#include "propagate.h"
#include "sdk_abi.h"
#include "sdk_htable.h"
#include "sdk_random.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>

void sdk_ctx_init(md_ctx_t *ctx, struct client *c, struct cmd *cmd, int argc,
                  const md_arg_t *argv)
{
    ctx->client = c;
    ctx->cmd = cmd;
    ctx->argc = argc;
    ctx->argv = argv;
    ctx->dirty = 0;
    ctx->failed = 0;
    ctx->nkeys = 0;
    ctx->more = NULL;
}

void sdk_ctx_done(md_ctx_t *ctx)
{
    sdk_key_chunk_t *k = ctx->more;
    while (k) {
        sdk_key_chunk_t *n = k->next;
        mem_free(k);
        k = n;
    }
    ctx->more = NULL;
    ctx->nkeys = 0;
}

static client_t *internal;         /* the client module hooks run as */

void sdk_ctx_run_internal(void (*fn)(md_ctx_t *, void *), void *arg)
{
    if (!internal) internal = client_create_fake();
    client_t *c = internal;
    md_ctx_t ctx;
    c->dbid = 0;
    sdk_ctx_init(&ctx, c, NULL, 0, NULL);
    fn(&ctx, arg);
    srv.dirty += ctx.dirty;
    prop_flush(c->dbid, 0, NULL, 0);
    sdk_ctx_done(&ctx);
    reply_reset(c->out);
}

const md_api_t *sdk_api(void)
{
    static md_api_t api;
    if (!api.size) {
        api.size = sizeof(api);
        sdk_api_fill_mem(&api);
        sdk_api_fill_keys(&api);
        sdk_api_fill_reply(&api);
        sdk_api_fill_args(&api);
        sdk_api_fill_util(&api);
        sdk_api_fill_rdb(&api);
        sdk_api_fill_module(&api);
        sdk_api_fill_cron_info(&api);
        sdk_api_fill_config(&api);
        sdk_api_fill_subexpire(&api);
        sdk_api_fill_block(&api);
        sdk_api_fill_propagate(&api);
        sdk_api_fill_aof_digest(&api);
        sdk_api_fill_listpack(&api);
        sdk_api_fill_scan(&api);
        sdk_api_fill_htable(&api);
        sdk_api_fill_random(&api);
        sdk_api_fill_double(&api);
        sdk_api_fill_config_types(&api);
        sdk_api_fill_rdb_module(&api);
        long empty = sdk_abi_first_empty(&api);
        if (empty >= 0) {
            log_msg(LOG_WARNING, "SDK API table entry %ld is not filled", empty);
            abort();
        }
    }
    return &api;
}
