/*
 * repl_replica.h — what the files of the primary side share: the replica
 * record and the list of replicas. Only cluster/repl_*.c include it.
 */
#ifndef CLUSTER_REPL_REPLICA_H
#define CLUSTER_REPL_REPLICA_H

#include <stdint.h>

struct client;
struct reply;
struct event;

typedef struct repl_replica {
    struct client *c;
    int state;               /* REPLICA_* (repl_primary.h) */
    int port;                /* REPLCONF listening-port */
    char ip[64];             /* REPLCONF ip-address, else the peer's */
    int capa_eof;            /* takes a diskless ("$EOF:") RDB */
    int capa_psync2;         /* understands +CONTINUE <replid> */
    int presync;             /* came with SYNC: no +FULLRESYNC line */
    long long ack_off;       /* REPLCONF ACK offset */
    long long aof_off;       /* REPLCONF ACK ... FACK: fsynced to its AOF */
    int64_t ack_ms;          /* when the last ACK came (or the sync began) */
    int64_t wait_since_ms;   /* when it began to wait for a snapshot */
    long long initial_offset;/* the stream offset its snapshot stands for */
    struct reply *pend;      /* the stream fed while its snapshot is made/sent */
    int socket_sync;         /* takes part in the running diskless transfer */
    int online_on_ack;       /* the diskless RDB is sent: online at its ACK */
    int bulk_fd;             /* disk: the RDB file being sent, else -1 */
    long long bulk_off, bulk_size;
    size_t chunk_pos;        /* diskless: bytes of the current chunk sent */
    struct event *bulk_ev;   /* write event while sending the RDB */
    struct repl_replica *next;
} repl_replica_t;

extern repl_replica_t *repl_replicas;

/* Close a replica's connection (logged with `why`). */
void primary_drop(repl_replica_t *r, const char *why);
/* The snapshot is complete and sent: the pending stream follows it and
 * the replica is online. */
void primary_set_online(repl_replica_t *r);
/* A snapshot for r started (fork time): it stands for stream offset
 * `offset`; r's +FULLRESYNC line goes out, the stream is buffered for it. */
void primary_begin_full(repl_replica_t *r, long long offset);

/* Full sync (repl_fullsync.c): r needs a snapshot; attach it to the one
 * being made when possible, else it waits (fullsync_cron starts one). */
void fullsync_request(repl_replica_t *r);
/* Start a snapshot for the waiting replicas when one may start. */
void fullsync_cron(void);
/* r goes away: stop sending it the RDB. */
void fullsync_forget(repl_replica_t *r);

#endif
