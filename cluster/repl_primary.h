/*
 * repl_primary.h — the primary side of replication: the replicas connected
 * to this server, the handshake commands they send (REPLCONF, PSYNC,
 * SYNC), the full resynchronisation (an RDB, written to disk or streamed
 * from the child), partial resynchronisation from the backlog, and the
 * stream of write commands every replica and the backlog receive.
 *
 * A replica is a client (host/client.h) with CLIENT_REPLICA set and a
 * repl_replica record hanging from it. Its states, as Redis's:
 * wait_bgsave (start: no snapshot yet; end: the snapshot is being made),
 * send_bulk (the RDB is being sent), online (the stream flows).
 * Invariant: what a replica receives after the RDB is exactly the stream
 * from the offset the +FULLRESYNC line announced (bytes fed meanwhile wait
 * in the replica's pending buffer), or after +CONTINUE, from its offset.
 */
#ifndef CLUSTER_REPL_PRIMARY_H
#define CLUSTER_REPL_PRIMARY_H

#include <stddef.h>

#include "host/sdk_host.h"

struct client;

/* Replica states, in the order a replica goes through them. */
enum { REPLICA_WAIT_START, REPLICA_WAIT_END, REPLICA_SEND_BULK, REPLICA_ONLINE };

/* What INFO and ROLE show of one replica. */
typedef struct repl_replica_view {
    char ip[64];
    int port;                /* its listening port (REPLCONF listening-port) */
    int state;
    long long ack_off;       /* the offset it acknowledged */
    long long aof_off;       /* the offset it acknowledged as in its AOF */
    long long lag;           /* seconds since its last ACK */
} repl_replica_view_t;

/* The stream as a propagation sink (host/propagate.h). */
void primary_feed(int dbid, int argc, const md_arg_t *argv);
/* Stream bytes as they are (a replica passing its primary's stream on to
 * its own replicas). */
void primary_feed_raw(const char *p, size_t n);
/* Disconnect every replica (they reconnect and PSYNC: the history changed). */
void primary_disconnect_all(void);
/* Ask every replica for an ACK ("REPLCONF GETACK *" in the stream). */
void primary_request_acks(void);
/* Runs after each ACK from a replica (WAIT's check), when set. */
extern void (*primary_ack_hook)(void);
/* Send PING to the replicas (repl-ping-replica-period). */
void primary_ping(void);
/* While on (a FAILOVER waits for its replica to catch up), neither PINGs
 * nor GETACKs move the offset. */
void primary_set_quiet(int on);

/*
 * REPLCONF's option/value pairs from client c. Returns NULL when they
 * were taken (*silent: send no reply, as for ACK), else Redis's error
 * text (without "-").
 */
const char *primary_replconf(struct client *c, int argc, const md_arg_t *argv,
                             int *silent);
/*
 * PSYNC replid offset (`psync` 1) or SYNC (0) from c: continue from the
 * backlog or start a full resync, writing its replies itself. NULL, or
 * Redis's error text when c cannot become a replica now.
 */
const char *primary_sync(struct client *c, int psync, const md_arg_t *replid,
                  long long offset);

/* Replicas connected, and a view of the i-th (0 <= i < count). */
int primary_count(void);
void primary_view(int i, repl_replica_view_t *v);
/* Once per second: keep-alive newlines, timeouts, the backlog's TTL. */
void primary_cron_second(void);
/* Every cron tick: start a full sync that waits for one. */
void primary_cron_tick(void);
/* CONFIG SET repl-backlog-size. */
int primary_apply_backlog_size(char *err, size_t cap);
/* A replica's client is being freed. */
void primary_client_gone(struct client *c);

#endif
