/*
 * sdk_keys.c — the SDK's key section: opening keys in the caller's db with
 * lazy expiry and hit/miss accounting, storing and deleting values, TTLs,
 * and the change signals (dirty counter, notifications, WATCH).
 */
#include "client.h"
#include "mem.h"
#include "notify.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"

#include <string.h>

static struct md_key *key_alloc(md_ctx_t *ctx)
{
    if (ctx->nkeys < SDK_KEYS_INLINE) return &ctx->keys[ctx->nkeys++];
    sdk_key_chunk_t *ch = ctx->more;
    if (!ch || ch->used == (int)(sizeof(ch->keys) / sizeof(ch->keys[0]))) {
        ch = mem_alloc(sizeof(*ch));
        ch->used = 0;
        ch->next = ctx->more;
        ctx->more = ch;
    }
    return &ch->keys[ch->used++];
}

/* Revalidate the cached entry after any key set change in this process. */
static inline ks_entry_t *key_entry(md_key_t *k)
{
    if (k->gen != ks_gen) {
        k->e = ks_find(k->db, k->name.ptr, k->name.len);
        if (k->e && ks_is_expired(k->e)) k->e = NULL;
        k->gen = ks_gen;
    }
    return k->e;
}

static md_key_t *key_open(md_ctx_t *ctx, md_arg_t name, int mode)
{
    md_key_t *k = key_alloc(ctx);
    client_t *c = ctx->client;
    k->ctx = ctx;
    k->db = &srv.db[c->dbid];
    k->name = name;
    k->mode = mode;
    k->e = ks_lookup(k->db, name.ptr, name.len);
    k->gen = ks_gen;
    if (k->e) {
        if (!(c->flags & CLIENT_NO_TOUCH)) ks_touch(k->e);
        if (!(mode & MD_WRITE)) ks_stats.hits++;
    } else if (!(mode & MD_WRITE)) {
        ks_stats.misses++;
        notify_keyspace(NOTIFY_KEY_MISS, "keymiss", name.ptr, name.len, k->db->id);
    }
    return k;
}

static const md_type_t *key_type(md_key_t *k)
{
    ks_entry_t *e = key_entry(k);
    return e ? types_by_id(e->type) : NULL;
}

static void *key_value(md_key_t *k)
{
    ks_entry_t *e = key_entry(k);
    return e ? e->value : NULL;
}

static int key_set(md_key_t *k, const md_type_t *t, void *value, int keepttl)
{
    ks_entry_t *e = key_entry(k);
    if (e) {
        ks_set_value(k->db, e, t->id, value);
        if (!keepttl && e->expire) ks_set_expire(k->db, e, 0);
    } else {
        k->e = ks_add(k->db, k->name.ptr, k->name.len, t->id, value);
        k->gen = ks_gen;
        notify_keyspace(NOTIFY_NEW, "new", k->name.ptr, k->name.len, k->db->id);
    }
    return MD_OK;
}

static int key_replace_value(md_key_t *k, void *value)
{
    ks_entry_t *e = key_entry(k);
    if (!e) return MD_ERR;
    e->value = value;
    return MD_OK;
}

static int key_delete(md_key_t *k)
{
    ks_entry_t *e = key_entry(k);
    if (!e) return MD_ERR;
    ks_delete(k->db, e);
    k->e = NULL;
    k->gen = ks_gen;
    return MD_OK;
}

static int64_t key_expire_get(md_key_t *k)
{
    ks_entry_t *e = key_entry(k);
    return e && e->expire ? e->expire : -1;
}

static int key_expire_set(md_key_t *k, int64_t at_ms)
{
    ks_entry_t *e = key_entry(k);
    if (!e) return MD_ERR;
    if (at_ms < 0) {
        ks_set_expire(k->db, e, 0);
        return MD_OK;
    }
    if (at_ms <= srv.cmd_time_ms && !srv.loading) {
        notify_keyspace(NOTIFY_GENERIC, "del", k->name.ptr, k->name.len, k->db->id);
        return key_delete(k);
    }
    ks_set_expire(k->db, e, at_ms);
    return MD_OK;
}

static void key_modified(md_ctx_t *ctx, md_key_t *k)
{
    notify_key_modified(k->db->id, k->name.ptr, k->name.len);
}

static void key_notify(md_ctx_t *ctx, int cls, const char *event, md_arg_t key)
{
    int dbid = ctx->client ? ctx->client->dbid : 0;
    notify_keyspace(cls, event, key.ptr, key.len, dbid);
}

static void key_dirty(md_ctx_t *ctx, long long n) { ctx->dirty += n; }

/* The handle's name: the caller's bytes (argv, or the copy the expiry
 * cycle keeps for the callback), which outlive the handle. */
static md_arg_t key_name(md_key_t *k) { return k->name; }

void sdk_api_fill_keys(md_api_t *a)
{
    a->key_open = key_open;
    a->key_type = key_type;
    a->key_value = key_value;
    a->key_set = key_set;
    a->key_replace_value = key_replace_value;
    a->key_delete = key_delete;
    a->key_expire_get = key_expire_get;
    a->key_expire_set = key_expire_set;
    a->key_modified = key_modified;
    a->notify = key_notify;
    a->dirty = key_dirty;
    a->key_name = key_name;
}
