/*
 * repl_failover.h — FAILOVER (Redis 6.2+'s coordinated failover): a
 * primary pauses writes, waits until a replica (the one named with TO, or
 * the first that catches up) acknowledged the whole stream, then becomes
 * a replica of it with "PSYNC <replid> <offset> FAILOVER", which makes the
 * replica promote itself and continue our history; the pause ends when
 * that PSYNC was accepted, or the failover is aborted (ABORT, the timeout
 * without FORCE, the target refusing) and we stay or become the primary
 * again.
 *
 * Invariant: writes are paused exactly while the state is not
 * FAILOVER_NONE.
 */
#ifndef CLUSTER_REPL_FAILOVER_H
#define CLUSTER_REPL_FAILOVER_H

enum { FAILOVER_NONE, FAILOVER_WAIT_SYNC, FAILOVER_IN_PROGRESS };

/* INFO's master_failover_state: no-failover, waiting-for-sync,
 * failover-in-progress. */
const char *failover_state_name(void);
int failover_state(void);
/*
 * FAILOVER [TO host port] [FORCE] [TIMEOUT ms] after its syntax was
 * checked (host NULL: any replica; timeout_ms 0: none). NULL when it
 * started, else Redis's error text.
 */
const char *failover_start(const char *host, int port, int force, long long timeout_ms);
/* FAILOVER ABORT: NULL, or Redis's error text when none runs. */
const char *failover_abort_cmd(void);
/* Every cron tick: the timeout, and whether the target caught up. */
void failover_cron(void);

#endif
