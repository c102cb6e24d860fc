/*
 * blocking.h — clients blocked on keys (BLPOP and friends). The model is
 * Redis's: a blocked command is re-run, with its own argv, when one of its
 * keys is signalled ready; clients are served in FIFO order per key; the
 * command re-blocks (keeping its place) when it still cannot be served.
 * While blocked, a client's further input is buffered, not executed.
 */
#ifndef MODIS_BLOCKING_H
#define MODIS_BLOCKING_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct client;
struct cmd;

/* Block c (running cmd) on keys; 0 on success, -1 when blocking is not
 * possible (fake client, inside MULTI/EXEC). While re-running a blocked
 * command, returns 0 and keeps the client's place. */
int blocking_block(struct client *c, struct cmd *cmd, int nkeys, const md_arg_t *keys,
                   int64_t timeout_ms, int timeout_reply);
/* A key of db `dbid` got data: remember it for blocking_serve(). */
void blocking_signal_key(int dbid, const char *key, size_t len);
/* Every key of db `dbid` that clients wait on and that holds a value is
 * ready (SWAPDB brought a whole other keyspace: Redis's
 * scanDatabaseForReadyKeys). */
void blocking_signal_db(int dbid);
/* Re-run, through `run`, the commands of clients blocked on keys
 * signalled so far (the dispatcher passes its call function). */
typedef void (*blocking_run_fn)(struct client *c, struct cmd *cmd);
void blocking_serve(blocking_run_fn run);
/* CLIENT UNBLOCK: 1 if c was blocked (now unblocked), else 0. */
int blocking_unblock(struct client *c, int with_error);
/* The client is going away. */
void blocking_client_gone(struct client *c);
int blocking_is_blocked(const struct client *c);
size_t blocking_clients(void);
/* Clients blocked in a command of module m (MODULE UNLOAD refuses). */
size_t blocking_clients_of(const md_module_t *m);
size_t blocking_keys(void);

#endif
