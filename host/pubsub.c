/*
 * pubsub.c — Pub/Sub with Redis 7.4's replies: SUBSCRIBE, UNSUBSCRIBE,
 * PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded SSUBSCRIBE, SUNSUBSCRIBE,
 * SPUBLISH (standalone: one shard, so they behave like their unsharded
 * twins on a separate namespace, without patterns) and PUBSUB.
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
#include "hostcmds.h"
#include "kmap.h"
#include "mem.h"
#include "notify.h"
#include "resp.h"
#include "sdk_ctx.h"
#include "util.h"

#include <stdio.h>
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

/* ---- commands ---- */

static client_t *cl(md_ctx_t *c) { return c->client; }

static void subscribe_kind(md_ctx_t *ctx, int argc, const md_arg_t *argv, int kind)
{
    client_t *c = cl(ctx);
    for (int i = 1; i < argc; i++) pubsub_subscribe(c, kind, argv[i].ptr, argv[i].len);
}

static void unsubscribe_kind(md_ctx_t *ctx, int argc, const md_arg_t *argv, int kind)
{
    client_t *c = cl(ctx);
    if (argc == 1) {
        pubsub_unsubscribe_all(c, kind);
        return;
    }
    for (int i = 1; i < argc; i++) pubsub_unsubscribe(c, kind, argv[i].ptr, argv[i].len);
}

static int subscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    subscribe_kind(ctx, argc, argv, PUBSUB_CHANNEL);
    return MD_OK;
}

static int psubscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    subscribe_kind(ctx, argc, argv, PUBSUB_PATTERN);
    return MD_OK;
}

static int ssubscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    subscribe_kind(ctx, argc, argv, PUBSUB_SHARD);
    return MD_OK;
}

static int unsubscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    unsubscribe_kind(ctx, argc, argv, PUBSUB_CHANNEL);
    return MD_OK;
}

static int punsubscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    unsubscribe_kind(ctx, argc, argv, PUBSUB_PATTERN);
    return MD_OK;
}

static int sunsubscribe_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    unsubscribe_kind(ctx, argc, argv, PUBSUB_SHARD);
    return MD_OK;
}

static int publish_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_reply_int(ctx, pubsub_publish(argv[1].ptr, argv[1].len, argv[2].ptr, argv[2].len, 0));
    return MD_OK;
}

static int spublish_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_reply_int(ctx, pubsub_publish(argv[1].ptr, argv[1].len, argv[2].ptr, argv[2].len, 1));
    return MD_OK;
}

/* ---- PUBSUB ---- */

typedef struct chlist {
    md_ctx_t *ctx;
    md_arg_t pat;  /* ptr NULL: every name */
    long n;
} chlist_t;

static void list_one(const char *name, size_t len, void *priv)
{
    chlist_t *l = priv;
    if (l->pat.ptr && !util_glob(l->pat.ptr, l->pat.len, name, len, 0)) return;
    md_reply_bulk(l->ctx, name, len);
    l->n++;
}

/* PUBSUB CHANNELS / SHARDCHANNELS [pattern] */
static void list_channels(md_ctx_t *ctx, int argc, const md_arg_t *argv, int kind)
{
    if (argc > 3) {
        char msg[256];
        snprintf(msg, sizeof(msg), "ERR unknown subcommand or wrong number of arguments for "
                 "'%.*s'. Try PUBSUB HELP.", (int)(argv[1].len > 128 ? 128 : argv[1].len),
                 argv[1].ptr);
        md_reply_error(ctx, msg);
        return;
    }
    chlist_t l = {ctx, {NULL, 0}, 0};
    if (argc == 3) l.pat = argv[2];
    void *h = md_reply_defer(ctx);
    pubsub_foreach_name(kind, list_one, &l);
    md_reply_defer_set(ctx, h, MD_DEFER_ARRAY, l.n);
}

/* PUBSUB NUMSUB / SHARDNUMSUB [name ...]: a flat array of name, count
 * (an array in RESP3 too, as Redis). */
static void num_sub(md_ctx_t *ctx, int argc, const md_arg_t *argv, int kind)
{
    md_reply_array(ctx, (long)(argc - 2) * 2);
    for (int i = 2; i < argc; i++) {
        md_reply_bulk(ctx, argv[i].ptr, argv[i].len);
        md_reply_int(ctx, (long long)pubsub_subscribers(kind, argv[i].ptr, argv[i].len));
    }
}

static int pubsub_channels_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    list_channels(ctx, argc, argv, PUBSUB_CHANNEL);
    return MD_OK;
}

static int pubsub_shardchannels_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    list_channels(ctx, argc, argv, PUBSUB_SHARD);
    return MD_OK;
}

static int pubsub_numsub_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    num_sub(ctx, argc, argv, PUBSUB_CHANNEL);
    return MD_OK;
}

static int pubsub_shardnumsub_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    num_sub(ctx, argc, argv, PUBSUB_SHARD);
    return MD_OK;
}

static int pubsub_numpat_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_reply_int(ctx, (long long)pubsub_npatterns());
    return MD_OK;
}

static int pubsub_help_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> "
        "(default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
        NULL};
    long n = 0;
    while (lines[n]) n++;
    md_reply_array(ctx, n);
    for (long i = 0; i < n; i++) md_reply_simple(ctx, lines[i]);
    return MD_OK;
}

/* ---- the table ---- */

#define SUB_FLAGS "pubsub noscript loading stale"
#define SUB_ACL "@pubsub @slow"
#define PUB_FLAGS "pubsub loading stale fast may_replicate"
#define PUB_ACL "@pubsub @fast"
#define INTRO_FLAGS "pubsub loading stale"

static const md_command_t pubsub_subcommands[] = {
    {.name = "channels", .syntax = "[pattern]", .handler = pubsub_channels_cmd, .arity = -2,
     .flags = INTRO_FLAGS, .acl = SUB_ACL, .summary = "Returns the active channels.",
     .since = "2.8.0",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time "
                   "pattern matching (relatively short channels and patterns)",
     .group = "pubsub"},
    {.name = "help", .handler = pubsub_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@slow", .summary = "Returns helpful text about the different subcommands.",
     .since = "6.2.0", .complexity = "O(1)", .group = "pubsub"},
    {.name = "numpat", .handler = pubsub_numpat_cmd, .arity = 2, .flags = INTRO_FLAGS,
     .acl = SUB_ACL, .summary = "Returns a count of unique pattern subscriptions.",
     .since = "2.8.0", .complexity = "O(1)", .group = "pubsub"},
    {.name = "numsub", .syntax = "[channel [channel ...]]", .handler = pubsub_numsub_cmd,
     .arity = -2, .flags = INTRO_FLAGS, .acl = SUB_ACL,
     .summary = "Returns a count of subscribers to channels.", .since = "2.8.0",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     .group = "pubsub"},
    {.name = "shardchannels", .syntax = "[pattern]", .handler = pubsub_shardchannels_cmd,
     .arity = -2, .flags = INTRO_FLAGS, .acl = SUB_ACL,
     .summary = "Returns the active shard channels.", .since = "7.0.0",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant "
                   "time pattern matching (relatively short shard channels).",
     .group = "pubsub"},
    {.name = "shardnumsub", .syntax = "[shardchannel [shardchannel ...]]",
     .handler = pubsub_shardnumsub_cmd, .arity = -2, .flags = INTRO_FLAGS, .acl = SUB_ACL,
     .summary = "Returns the count of subscribers of shard channels.", .since = "7.0.0",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested "
                   "shard channels",
     .group = "pubsub"},
    {0}};

const md_command_t hostcmds_pubsub[] = {
    {.name = "subscribe", .syntax = "channel [channel ...]", .handler = subscribe_cmd,
     .arity = -2, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .summary = "Listens for messages published to channels.", .since = "2.0.0",
     .complexity = "O(N) where N is the number of channels to subscribe to.",
     .group = "pubsub"},
    {.name = "unsubscribe", .syntax = "[channel [channel ...]]", .handler = unsubscribe_cmd,
     .arity = -1, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .summary = "Stops listening to messages posted to channels.", .since = "2.0.0",
     .complexity = "O(N) where N is the number of channels to unsubscribe.",
     .group = "pubsub"},
    {.name = "psubscribe", .syntax = "pattern [pattern ...]", .handler = psubscribe_cmd,
     .arity = -2, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .summary = "Listens for messages published to channels that match one or more patterns.",
     .since = "2.0.0", .complexity = "O(N) where N is the number of patterns to subscribe to.",
     .group = "pubsub"},
    {.name = "punsubscribe", .syntax = "[pattern [pattern ...]]", .handler = punsubscribe_cmd,
     .arity = -1, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .summary = "Stops listening to messages published to channels that match one or more "
                "patterns.",
     .since = "2.0.0", .complexity = "O(N) where N is the number of patterns to unsubscribe.",
     .group = "pubsub"},
    {.name = "publish", .syntax = "channel message", .handler = publish_cmd, .arity = 3,
     .flags = PUB_FLAGS, .acl = PUB_ACL, .summary = "Posts a message to a channel.",
     .since = "2.0.0",
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel "
                   "and M is the total number of subscribed patterns (by any client).",
     .group = "pubsub"},
    {.name = "ssubscribe", .syntax = "shardchannel [shardchannel ...]",
     .handler = ssubscribe_cmd, .arity = -2, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .first_key = 1, .last_key = -1, .step = 1,
     .summary = "Listens for messages published to shard channels.", .since = "7.0.0",
     .complexity = "O(N) where N is the number of shard channels to subscribe to.",
     .group = "pubsub"},
    {.name = "sunsubscribe", .syntax = "[shardchannel [shardchannel ...]]",
     .handler = sunsubscribe_cmd, .arity = -1, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .first_key = 1, .last_key = -1, .step = 1,
     .summary = "Stops listening to messages posted to shard channels.", .since = "7.0.0",
     .complexity = "O(N) where N is the number of shard channels to unsubscribe.",
     .group = "pubsub"},
    {.name = "spublish", .syntax = "shardchannel message", .handler = spublish_cmd,
     .arity = 3, .flags = PUB_FLAGS, .acl = PUB_ACL, .first_key = 1, .last_key = 1,
     .step = 1, .summary = "Post a message to a shard channel", .since = "7.0.0",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard "
                   "channel.",
     .group = "pubsub"},
    {.name = "pubsub", .arity = -2, .acl = "@slow",
     .summary = "A container for Pub/Sub commands.", .since = "2.8.0",
     .complexity = "Depends on subcommand.", .subcommands = pubsub_subcommands,
     .group = "pubsub"},
    {0}};
