/*
 * pubsub.h — Pub/Sub: channel, pattern and shard-channel subscriptions,
 * message delivery (PUBLISH, SPUBLISH, keyspace notifications) and the
 * PUBSUB introspection commands.
 *
 * Invariants: a client appears in a channel's (pattern's) subscriber list
 * exactly when the channel (pattern) is in its own subscription set; a
 * channel with no subscriber is not in the global map. A client with at
 * least one subscription of any kind is "in Pub/Sub mode" (flag P, type
 * pubsub); in RESP2 that restricts the commands it may run (cmd.c).
 */
#ifndef MODIS_PUBSUB_H
#define MODIS_PUBSUB_H

#include <stddef.h>

struct client;

/* The three kinds of subscription. */
enum { PUBSUB_CHANNEL, PUBSUB_PATTERN, PUBSUB_SHARD, PUBSUB_KINDS };

/* Install the keyspace-notification listener (call once at start-up). */
void pubsub_init(void);

/* Deliver msg to the subscribers of ch (and, unless shard, to the
 * clients whose patterns match ch); returns the number of receivers. */
long pubsub_publish(const char *ch, size_t chlen, const char *msg, size_t mlen, int shard);

/* Drop every subscription of c without replying (RESET, disconnect). */
void pubsub_client_gone(struct client *c);

/* c's subscription counts; any pointer may be NULL. */
void pubsub_client_counts(const struct client *c, size_t *sub, size_t *psub, size_t *ssub);
/* 1 when c has any subscription (Pub/Sub mode). */
int pubsub_client_active(const struct client *c);

/* INFO: distinct channels, patterns, shard channels; clients in
 * Pub/Sub mode. */
size_t pubsub_nchannels(void);
size_t pubsub_npatterns(void);
size_t pubsub_nshardchannels(void);
size_t pubsub_nclients(void);

/* What the Pub/Sub commands do (cmd_pubsub.c). */
/* (P|S)SUBSCRIBE of one name: subscribe c unless it is already, and reply
 * the confirmation ([kind word, name, count]) to c. */
void pubsub_subscribe(struct client *c, int kind, const char *name, size_t len);
/* (P|S)UNSUBSCRIBE of one name, with its confirmation. */
void pubsub_unsubscribe(struct client *c, int kind, const char *name, size_t len);
/* (P|S)UNSUBSCRIBE without names: every name of that kind, one
 * confirmation each (the nil form when c had none). */
void pubsub_unsubscribe_all(struct client *c, int kind);
/* PUBSUB CHANNELS / SHARDCHANNELS: fn for every name of `kind` that has
 * subscribers. */
typedef void (*pubsub_name_fn)(const char *name, size_t len, void *priv);
void pubsub_foreach_name(int kind, pubsub_name_fn fn, void *priv);
/* PUBSUB NUMSUB / SHARDNUMSUB: the subscribers of one name. */
size_t pubsub_subscribers(int kind, const char *name, size_t len);

#endif
