/*
 * sdk_block.c — the SDK's blocking section: blocking the calling client on
 * keys (with private data, a custom timeout reply and an argv to re-run
 * since 1.2), signalling keys ready, MULTI awareness, and the timeout
 * argument. Clients blocked by module code and threads are
 * sdk_block_client.c.
 *
 * A block with private data hands blocking.c a kblock_t: the module's
 * callbacks and data, owned by the blocked state and freed (with the
 * module's free_priv) when the state ends, however it ends.
 */
#include "blocking.h"
#include "client.h"
#include "mem.h"
#include "multi.h"
#include "sdk_ctx.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct kblock {
    struct cmd *cmd;
    md_block_fn on_timeout;
    void (*free_priv)(void *);
    void *priv;
} kblock_t;

static int x_block_on_keys(md_ctx_t *c, int nkeys, const md_arg_t *keys, int64_t timeout_ms,
                           int timeout_reply)
{
    blocking_spec_t sp = {.nkeys = nkeys, .keys = keys, .timeout_ms = timeout_ms,
                          .timeout_reply = timeout_reply};
    return blocking_block(c->client, c->cmd, &sp) == 0 ? MD_OK : MD_ERR;
}

static void run_timeout(md_ctx_t *ctx, void *arg)
{
    kblock_t *k = arg;
    k->on_timeout(ctx, k->priv);
}

static void kb_timeout(client_t *c, void *priv)
{
    kblock_t *k = priv;
    sdk_ctx_run(c, k->cmd, -1, run_timeout, k);
}

static void kb_release(client_t *c, void *priv, int how)
{
    kblock_t *k = priv;
    (void)c, (void)how;
    if (k->priv && k->free_priv) k->free_priv(k->priv);
    mem_free(k);
}

/* Whether the block keeps callbacks or private data of the module. */
static int kb_holds(const void *priv)
{
    const kblock_t *k = priv;
    return k->on_timeout || k->free_priv || k->priv;
}

/* With the module's timeout reply, or the null one. */
static const blocking_ops_t kb_ops_cb = {kb_timeout, kb_release, 1, kb_holds};
static const blocking_ops_t kb_ops_null = {NULL, kb_release, 1, kb_holds};

/* The kblock of c's blocked state, and the ops it was blocked with. */
static kblock_t *kblock_of(client_t *c, const blocking_ops_t **ops)
{
    kblock_t *k = blocking_priv(c, &kb_ops_cb);
    *ops = &kb_ops_cb;
    if (!k) {
        k = blocking_priv(c, &kb_ops_null);
        *ops = &kb_ops_null;
    }
    return k;
}

void sdk_block_read(const md_block_t *in, md_block_t *out)
{
    memset(out, 0, sizeof(*out));
    memcpy(out, in, in->size < sizeof(*out) ? in->size : sizeof(*out));
    if (out->timeout_reply != MD_BLOCK_NULL_ARRAY) out->timeout_reply = MD_BLOCK_NULL;
}

static int x_block_on_keys_ex(md_ctx_t *c, int nkeys, const md_arg_t *keys,
                              const md_block_t *in)
{
    md_block_t b;
    if (!c->client || c->thread || nkeys < 1) return MD_ERR;
    sdk_block_read(in, &b);
    const blocking_ops_t *ops;
    kblock_t *k = kblock_of(c->client, &ops);
    int fresh = k == NULL;
    if (fresh) {
        k = mem_calloc(sizeof(*k));
        k->cmd = c->cmd;
        k->on_timeout = b.on_timeout;
        k->free_priv = b.free_priv;
        ops = b.on_timeout ? &kb_ops_cb : &kb_ops_null;
    }
    void *old = k->priv;
    blocking_spec_t sp = {.nkeys = nkeys, .keys = keys, .argc = b.argv ? b.argc : 0,
                          .argv = b.argv, .timeout_ms = b.timeout_ms,
                          .timeout_reply = b.timeout_reply,
                          .ops = ops, .priv = k};
    k->priv = b.priv;
    if (blocking_block(c->client, c->cmd, &sp) != 0) {
        k->priv = old;
        if (fresh) mem_free(k);
        return MD_ERR;
    }
    /* A re-run that blocked again with other private data. */
    if (!fresh && old && old != b.priv && k->free_priv) k->free_priv(old);
    return MD_OK;
}

static void *x_block_priv(md_ctx_t *c)
{
    const blocking_ops_t *ops;
    kblock_t *k = c->client ? kblock_of(c->client, &ops) : NULL;
    return k ? k->priv : NULL;
}

static void x_key_ready(md_ctx_t *c, md_arg_t key)
{
    blocking_signal_key(c->client->dbid, key.ptr, key.len);
}

static int x_in_multi(md_ctx_t *c)
{
    return multi_executing(c->client) || (c->client->flags & CLIENT_DENY_BLOCKING);
}

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
    a->block_on_keys_ex = x_block_on_keys_ex;
    a->block_priv = x_block_priv;
}
