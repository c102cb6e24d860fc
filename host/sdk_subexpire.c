/*
 * sdk_subexpire.c — the SDK's sub-key expiry section (hash field TTLs):
 * md_key_subexpire_track(), and running a type's subexpire callbacks for
 * the host's active expiry cycle with the internal client.
 */
#include "sdk_subexpire.h"
#include "client.h"
#include "mem.h"
#include "sdk_ctx.h"
#include "types.h"

typedef struct subexp_arg {
    ks_db_t *db;
    ks_entry_t *e;
    int64_t now;
    int gone;
} subexp_arg_t;

static void subexp_one(md_ctx_t *ctx, void *arg)
{
    subexp_arg_t *a = arg;
    md_type_t *t = types_by_id(a->e->type);
    ctx->client->dbid = a->db->id;
    /* The key name must outlive the entry: the callback may delete it. */
    char *copy = mem_strndup(a->e->key, a->e->keylen);
    md_arg_t name = {copy, a->e->keylen};
    md_key_t *k = md_key_open(ctx, name, MD_WRITE);
    uint64_t gen = ks_gen;
    t->ops.subexpire_run(ctx, k, a->now);
    a->gone = ks_gen != gen && !ks_find(a->db, name.ptr, name.len);
    mem_free(copy);
}

int sdk_subexpire_run(ks_db_t *db, ks_entry_t *e, int64_t now_ms)
{
    md_type_t *t = types_by_id(e->type);
    if (!t->ops.subexpire_run || !t->ops.subexpire_next) {
        ks_set_subexpire(db, e, 0);
        return 0;
    }
    int64_t next = t->ops.subexpire_next(e->value);
    if (next < 0) {
        ks_set_subexpire(db, e, 0);
        return 0;
    }
    if (next > now_ms) return 0;
    subexp_arg_t a = {db, e, now_ms, 0};
    sdk_ctx_run_internal(subexp_one, &a);
    return a.gone;
}

static int x_subexpire_track(md_key_t *k, int on)
{
    ks_entry_t *e = ks_find(k->db, k->name.ptr, k->name.len);
    if (!e) return MD_ERR;
    ks_set_subexpire(k->db, e, on);
    return MD_OK;
}

void sdk_api_fill_subexpire(md_api_t *a)
{
    a->key_subexpire_track = x_subexpire_track;
}
