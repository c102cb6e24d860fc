/*
 * pubsub.c — Pub/Sub state and delivery with Redis 7.4's replies for
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (standalone: one shard, so they behave
 * like their unsharded twins on a separate namespace, without patterns)
 * and PUBSUB; the commands themselves are cmd_pubsub.c.
 *
 * Storage: three global kmaps (channels, patterns, shard channels) map a
 * name to its subscribers in subscription order; each subscribed client
 * has a pstate with three kmaps used as sets of its own names (their
 * client lists hold the client itself). The dbid field of the kmaps is
 * unused (always 0): Pub/Sub is not per database.
 *
 * Delivery appends to the receiver's output buffer and only arms its write
 * event (client_want_write): writing here could close a client whose
 * subscriptions are being iterated. RESP2 messages are arrays, RESP3
 * messages are push ('>') frames, and so are the (un)subscribe replies.
 */
#include "pubsub.h"
#include "client.h"
#include "kmap.h"
#include "mem.h"
#include "notify.h"
#include "resp.h"
#include "util.h"

#include <string.h>

typedef struct pstate {
    kmap_t mine[PUBSUB_KINDS];
} pstate_t;

static kmap_t all[PUBSUB_KINDS];
static size_t nclients; /* clients with at least one subscription */

/* The reply words of each kind: subscribe, unsubscribe, message. */
static const char *const word_sub[PUBSUB_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const word_unsub[PUBSUB_KINDS] = {"unsubscribe", "punsubscribe",
                                                 "sunsubscribe"};

static size_t count_kind(const client_t *c, int kind)
{
    return c->pstate ? kmap_size(&c->pstate->mine[kind]) : 0;
}

void pubsub_client_counts(const client_t *c, size_t *sub, size_t *psub, size_t *ssub)
{
    if (sub) *sub = count_kind(c, PUBSUB_CHANNEL);
    if (psub) *psub = count_kind(c, PUBSUB_PATTERN);
    if (ssub) *ssub = count_kind(c, PUBSUB_SHARD);
}

int pubsub_client_active(const client_t *c)
{
    return count_kind(c, PUBSUB_CHANNEL) + count_kind(c, PUBSUB_PATTERN) + count_kind(c, PUBSUB_SHARD) > 0;
}

size_t pubsub_nchannels(void) { return kmap_size(&all[PUBSUB_CHANNEL]); }
size_t pubsub_npatterns(void) { return kmap_size(&all[PUBSUB_PATTERN]); }
size_t pubsub_nshardchannels(void) { return kmap_size(&all[PUBSUB_SHARD]); }
size_t pubsub_nclients(void) { return nclients; }

/* The count a (un)subscribe reply carries: shard subscriptions are counted
 * apart from channels + patterns, as in Redis. */
static long reply_count(const client_t *c, int kind)
{
    if (kind == PUBSUB_SHARD) return (long)count_kind(c, PUBSUB_SHARD);
    return (long)(count_kind(c, PUBSUB_CHANNEL) + count_kind(c, PUBSUB_PATTERN));
}

/* Subscribe c to name; returns 0 if it already was. */
static int sub_add(client_t *c, int kind, const char *name, size_t len)
{
    if (!c->pstate) c->pstate = mem_calloc(sizeof(pstate_t));
    if (kmap_find(&c->pstate->mine[kind], 0, name, len)) return 0;
    if (!pubsub_client_active(c)) nclients++;
    kmap_add(&c->pstate->mine[kind], 0, name, len, c);
    kmap_add(&all[kind], 0, name, len, c);
    return 1;
}

/* Unsubscribe c from name; returns 0 if it was not subscribed. */
static int sub_del(client_t *c, int kind, const char *name, size_t len)
{
    if (!c->pstate || !kmap_find(&c->pstate->mine[kind], 0, name, len)) return 0;
    kmap_remove(&all[kind], 0, name, len, c);
    kmap_remove(&c->pstate->mine[kind], 0, name, len, c);
    if (!pubsub_client_active(c)) nclients--;
    return 1;
}

/* [word, name-or-nil, count] to c's own reply buffer. */
static void reply_sub(client_t *c, const char *word, const char *name, size_t len, long count)
{
    reply_t *r = client_reply(c);
    resp_add_agg(r, c->resp, '>', 3);
    resp_add_bulk_cstr(r, word);
    if (name) resp_add_bulk(r, name, len);
    else resp_add_null(r, c->resp);
    resp_add_int(r, count);
}

typedef struct keylist {
    kmap_key_t **v;
    size_t n;
} keylist_t;

static void collect_key(kmap_key_t *k, void *priv)
{
    keylist_t *l = priv;
    l->v[l->n++] = k;
}

/* Unsubscribe c from every name of one kind, replying per name when
 * `notify`, or the nil form when there was none. */
static void unsub_all(client_t *c, int kind, int notify)
{
    size_t n = count_kind(c, kind);
    if (n == 0) {
        if (notify) reply_sub(c, word_unsub[kind], NULL, 0, reply_count(c, kind));
        return;
    }
    keylist_t l = {mem_alloc(n * sizeof(kmap_key_t *)), 0};
    kmap_foreach(&c->pstate->mine[kind], collect_key, &l);
    for (size_t i = 0; i < l.n; i++) {
        kmap_key_t *k = l.v[i];
        /* k belongs to c's set: use it before the removal frees it. */
        kmap_remove(&all[kind], 0, k->key, k->len, c);
        if (notify) {
            /* The count is the one after this removal. */
            long count = reply_count(c, kind) - 1;
            reply_sub(c, word_unsub[kind], k->key, k->len, count);
        }
        int was_active = pubsub_client_active(c);
        kmap_remove(&c->pstate->mine[kind], 0, k->key, k->len, c);
        if (was_active && !pubsub_client_active(c)) nclients--;
    }
    mem_free(l.v);
}

void pubsub_client_gone(client_t *c)
{
    if (!c->pstate) return;
    for (int k = 0; k < PUBSUB_KINDS; k++) {
        unsub_all(c, k, 0);
        mem_free(c->pstate->mine[k].b); /* empty now: only the bucket array is left */
    }
    mem_free(c->pstate);
    c->pstate = NULL;
}

/* ---- delivery ---- */

static int can_receive(const client_t *c)
{
    return !(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_FAKE));
}

/* Append one message frame (parts as bulks), then arm the write. */
static void deliver(client_t *c, const md_arg_t *parts, int n)
{
    resp_add_agg(c->out, c->resp, '>', n);
    for (int i = 0; i < n; i++) resp_add_bulk(c->out, parts[i].ptr, parts[i].len);
    client_want_write(c);
}

typedef struct pmatch {
    const char *ch, *msg;
    size_t chlen, mlen;
    long receivers;
} pmatch_t;

static void deliver_pattern(kmap_key_t *k, void *priv)
{
    pmatch_t *m = priv;
    if (!util_glob(k->key, k->len, m->ch, m->chlen, 0)) return;
    md_arg_t parts[4] = {md_str("pmessage"), {k->key, k->len}, {m->ch, m->chlen},
                         {m->msg, m->mlen}};
    for (kmap_node_t *n = k->head; n; n = n->next) {
        if (!can_receive(n->c)) continue;
        deliver(n->c, parts, 4);
        m->receivers++;
    }
}

long pubsub_publish(const char *ch, size_t chlen, const char *msg, size_t mlen, int shard)
{
    long receivers = 0;
    int kind = shard ? PUBSUB_SHARD : PUBSUB_CHANNEL;
    kmap_key_t *k = kmap_find(&all[kind], 0, ch, chlen);
    if (k) {
        md_arg_t parts[3] = {md_str(shard ? "smessage" : "message"), {ch, chlen},
                             {msg, mlen}};
        for (kmap_node_t *n = k->head; n; n = n->next) {
            if (!can_receive(n->c)) continue;
            deliver(n->c, parts, 3);
            receivers++;
        }
    }
    if (!shard) {
        pmatch_t m = {ch, msg, chlen, mlen, 0};
        kmap_foreach(&all[PUBSUB_PATTERN], deliver_pattern, &m);
        receivers += m.receivers;
    }
    return receivers;
}

static long notify_publish(const char *ch, size_t chlen, const char *msg, size_t mlen)
{
    return pubsub_publish(ch, chlen, msg, mlen, 0);
}

void pubsub_init(void) { notify_listeners.publish = notify_publish; }

/* ---- what the commands do ---- */

void pubsub_subscribe(client_t *c, int kind, const char *name, size_t len)
{
    sub_add(c, kind, name, len);
    reply_sub(c, word_sub[kind], name, len, reply_count(c, kind));
}

void pubsub_unsubscribe(client_t *c, int kind, const char *name, size_t len)
{
    sub_del(c, kind, name, len);
    reply_sub(c, word_unsub[kind], name, len, reply_count(c, kind));
}

void pubsub_unsubscribe_all(client_t *c, int kind) { unsub_all(c, kind, 1); }

typedef struct name_visit {
    pubsub_name_fn fn;
    void *priv;
} name_visit_t;

static void visit_name(kmap_key_t *k, void *priv)
{
    name_visit_t *v = priv;
    v->fn(k->key, k->len, v->priv);
}

void pubsub_foreach_name(int kind, pubsub_name_fn fn, void *priv)
{
    name_visit_t v = {fn, priv};
    kmap_foreach(&all[kind], visit_name, &v);
}

size_t pubsub_subscribers(int kind, const char *name, size_t len)
{
    kmap_key_t *k = kmap_find(&all[kind], 0, name, len);
    return k ? k->count : 0;
}
