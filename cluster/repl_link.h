/*
 * repl_link.h — the replica side of replication: the link to our primary
 * (REPLICAOF / `replicaof`; over TLS with tls-replication), its handshake
 * (PING, AUTH with masteruser / masterauth, REPLCONF listening-port
 * (and ip-address) and capa, PSYNC), the RDB of a full
 * resync (received into a temp file, renamed over `dbfilename`, loaded),
 * and the stream afterwards, run by a client flagged CLIENT_MASTER whose
 * replies are dropped. The stream's bytes are passed on unchanged to our
 * own replicas and backlog (chaining), so our offset is our primary's.
 *
 * Invariant: srv.repl.masterhost is set exactly while we are a replica;
 * srv.repl.link_up is 1 exactly while the master client exists.
 */
#ifndef CLUSTER_REPL_LINK_H
#define CLUSTER_REPL_LINK_H

#include <stddef.h>

struct client;

/* FAILOVER (repl_failover.c): while set, PSYNC goes out with FAILOVER;
 * the hook learns whether PSYNC was accepted (1) or the link failed
 * before (0). */
extern int link_psync_failover;
extern void (*link_psync_hook)(int ok);

/* REPLICAOF host port (host NULL: NO ONE). Returns the status line to
 * reply ("OK", "OK Already connected to specified master"). */
const char *link_replicaof(const char *host, int port);
/* A `replicaof` / `slaveof` line of the config: 0, or -1 with the error. */
int link_config_line(int n, char **w, char *err, size_t cap);
/* Start the link configured by the config file (after the load). */
void link_start(void);
/* Once per cron tick: connect, time out, send ACKs (once a second). */
void link_cron(void);
/* A client is going away: the master client ends the link. */
void link_client_gone(struct client *c);
/* The master client ran a command of p[0..n) bytes. */
void link_applied(struct client *c, const char *p, size_t n);
/* REPLCONF GETACK from the master client: answer with our offset. */
void link_send_ack(struct client *c);

/* For INFO and ROLE. */
typedef struct link_view {
    const char *state;       /* ROLE's: connect, connecting, handshake, sync, connected */
    int sync_in_progress;
    long long last_io_secs;  /* -1 when not connected */
    long long down_since_secs;
    long long sync_read_bytes, sync_total_bytes; /* -1 total: unknown (EOF mark) */
} link_view_t;
void link_view(link_view_t *v);

#endif
