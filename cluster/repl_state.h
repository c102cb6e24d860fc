/*
 * repl_state.h — the replication state every part of replication shares:
 * the replication ids and offsets (Redis's replid/replid2,
 * master_repl_offset, second_repl_offset) and the sync statistics INFO
 * shows.
 *
 * Invariants: replid is always 40 hex characters; master_repl_offset is
 * the number of stream bytes this server has produced (as a primary) since
 * the id was made, and only grows while the id stays; replid2 is the
 * previous id, valid for offsets up to second_repl_offset (-1: none).
 */
#ifndef CLUSTER_REPL_STATE_H
#define CLUSTER_REPL_STATE_H

#define REPL_ID_LEN 40

typedef struct repl_state {
    char replid[REPL_ID_LEN + 1];
    char replid2[REPL_ID_LEN + 1];
    long long master_repl_offset;
    long long second_repl_offset;
    long long stat_sync_full;
    long long stat_sync_partial_ok;
    long long stat_sync_partial_err;
} repl_state_t;

extern repl_state_t repl;

/* A new random replid (start-up, DEBUG CHANGE-REPL-ID, a new backlog). */
void repl_change_replid(void);
/* Forget replid2 (second_repl_offset -1). */
void repl_clear_replid2(void);
/* rdb-del-sync-files applies: it is set and the server persists nothing
 * (no save point, appendonly no), Redis's allPersistenceDisabled(). */
int repl_del_sync_files(void);

#endif
