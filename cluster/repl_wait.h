/*
 * repl_wait.h — WAIT and WAITAOF: a client blocks until enough replicas
 * acknowledged the stream up to its last write (its `woff`) — for WAITAOF,
 * acknowledged it as fsynced to their AOF, and, when asked, until the
 * local AOF is fsynced up to there — or its timeout passes; and the
 * min-replicas-to-write guard on writes.
 *
 * Invariant: every waiter is a client blocked (host/blocking.h) with
 * wait_ops; the list holds exactly those, in the order they blocked.
 */
#ifndef CLUSTER_REPL_WAIT_H
#define CLUSTER_REPL_WAIT_H

struct client;
struct cmd;

/* Replicas that acknowledged at least offset `off` (aof: as fsynced to
 * their AOF, REPLCONF ACK ... FACK). */
int wait_acked(long long off, int aof);
/* 1 when the local AOF is fsynced up to stream offset `off`. */
int wait_local_fsynced(long long off);
/*
 * Block c (running cmd) until `numreplicas` replicas acknowledged c's
 * last write, for at most timeout_ms (0: no limit). aof: WAITAOF — count
 * AOF acknowledgements, and wait for the local fsync when numlocal is 1;
 * the reply is then [numlocal, numreplicas]. 0 when c blocked, -1 when it
 * cannot block (MULTI, scripts): the caller replies at once.
 */
int wait_block(struct client *c, struct cmd *cmd, int aof, int numlocal, int numreplicas,
               long long timeout_ms);
/* Wake the waiters whose replicas (and local AOF) acknowledged enough
 * (after an ACK, or when the local fsync moved). */
void wait_check(void);
/* Once per cron tick: the local AOF's fsync may have moved. */
void wait_cron(void);
/* min-replicas-to-write / min-replicas-max-lag: 1 when a write must be
 * refused with -NOREPLICAS. */
int wait_too_few_replicas(void);

#endif
