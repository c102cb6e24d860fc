/*
 * cmd_pubsub.c — the Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and PUBSUB.
 * Subscriptions and delivery are pubsub.c's.
 */
#include "client.h"
#include "hostcmds.h"
#include "pubsub.h"
#include "sdk_ctx.h"
#include "util.h"

#include <stdio.h>

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
    return sdk_reply_help(ctx, lines);
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
     .group = "pubsub",
     .history = "6.2.0: RESET can be called to exit the subscribed state."},
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
     .group = "pubsub",
     .key_specs = "not_key index:1 range:-1"},
    {.name = "sunsubscribe", .syntax = "[shardchannel [shardchannel ...]]",
     .handler = sunsubscribe_cmd, .arity = -1, .flags = SUB_FLAGS, .acl = SUB_ACL,
     .first_key = 1, .last_key = -1, .step = 1,
     .summary = "Stops listening to messages posted to shard channels.", .since = "7.0.0",
     .complexity = "O(N) where N is the number of shard channels to unsubscribe.",
     .group = "pubsub",
     .key_specs = "not_key index:1 range:-1"},
    {.name = "spublish", .syntax = "shardchannel message", .handler = spublish_cmd,
     .arity = 3, .flags = PUB_FLAGS, .acl = PUB_ACL, .first_key = 1, .last_key = 1,
     .step = 1, .summary = "Post a message to a shard channel", .since = "7.0.0",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard "
                   "channel.",
     .group = "pubsub",
     .key_specs = "not_key index:1"},
    {.name = "pubsub", .arity = -2, .acl = "@slow",
     .summary = "A container for Pub/Sub commands.", .since = "2.8.0",
     .complexity = "Depends on subcommand.", .subcommands = pubsub_subcommands,
     .group = "pubsub"},
    {0}};
