/*
 * sdk_block.c — the SDK's blocking section: blocking the calling client on
 * keys, signalling keys ready, MULTI awareness, and the timeout argument.
 */
#include "blocking.h"
#include "client.h"
#include "multi.h"
#include "sdk_ctx.h"
#include "util.h"

#include <math.h>
#include <stdint.h>

static int x_block_on_keys(md_ctx_t *c, int nkeys, const md_arg_t *keys, int64_t timeout_ms,
                           int timeout_reply)
{
    return blocking_block(c->client, c->cmd, nkeys, keys, timeout_ms, timeout_reply) == 0
               ? MD_OK : MD_ERR;
}

static void x_key_ready(md_ctx_t *c, md_arg_t key)
{
    blocking_signal_key(c->client->dbid, key.ptr, key.len);
}

static int x_in_multi(md_ctx_t *c) { return multi_executing(c->client); }

static int x_parse_timeout(md_ctx_t *c, md_arg_t a, int64_t *ms)
{
    long double v;
    if (util_str2ld(a.ptr, a.len, &v) != 0) {
        md_reply_error(c, "ERR timeout is not a float or out of range");
        return MD_ERR;
    }
    /* Redis's order: range first (inf is out of range), then the sign. */
    long double msv = v * 1000;
    if (msv > (long double)INT64_MAX) {
        md_reply_error(c, "ERR timeout is out of range");
        return MD_ERR;
    }
    if (msv < 0) {
        md_reply_error(c, "ERR timeout is negative");
        return MD_ERR;
    }
    *ms = (int64_t)ceill(msv);
    return MD_OK;
}

void sdk_api_fill_block(md_api_t *a)
{
    a->block_on_keys = x_block_on_keys;
    a->key_ready = x_key_ready;
    a->in_multi = x_in_multi;
    a->parse_timeout = x_parse_timeout;
}
