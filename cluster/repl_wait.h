/*
 * repl_wait.h — WAIT: a client blocks until enough replicas acknowledged
 * the stream up to its last write (its `woff`), or its timeout passes;
 * and the min-replicas-to-write guard on writes.
 *
 * Invariant: every waiter is a client blocked (host/blocking.h) with
 * wait_ops; the list holds exactly those, in the order they blocked.
 */
#ifndef CLUSTER_REPL_WAIT_H
#define CLUSTER_REPL_WAIT_H

struct client;
struct cmd;

/* Replicas that acknowledged at least offset `off`. */
int wait_acked(long long off);
/*
 * Block c (running cmd) until `numreplicas` replicas acknowledged c's
 * last write, for at most timeout_ms (0: no limit). 0 when c blocked, -1
 * when it cannot block (MULTI, scripts): the caller replies at once.
 */
int wait_block(struct client *c, struct cmd *cmd, int numreplicas, long long timeout_ms);
/* Wake the waiters whose replicas acknowledged enough (after an ACK). */
void wait_check(void);
/* min-replicas-to-write / min-replicas-max-lag: 1 when a write must be
 * refused with -NOREPLICAS. */
int wait_too_few_replicas(void);

#endif
