/*
 * repl.h — replication as the server drives it: start-up, the cron entry,
 * the INFO section, a client going away. The shared ids and offsets are
 * repl_state.h's, the primary side repl_primary.h's.
 */
#ifndef CLUSTER_REPL_H
#define CLUSTER_REPL_H

#include "cluster/repl_state.h"

struct client;

/* At start-up: a fresh replication id, and the stream as a propagation
 * sink (host/propagate.h). */
void repl_init(void);

/* After the dataset was loaded: connect to the primary `replicaof` names. */
void repl_start(void);
/* Once per cron tick: pings, timeouts, the backlog's TTL, pending syncs. */
void repl_cron(void);
/* A client is being freed: if it was a replica, forget it. */
void repl_client_gone(struct client *c);

/* The "# Replication" section of INFO (its lines, each ending CRLF) as a
 * mem_alloc'd string the caller frees. */
char *repl_info_text(void);

#endif
