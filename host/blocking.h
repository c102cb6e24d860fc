/*
 * blocking.h — blocked clients. Two ways to be woken:
 *
 *  - on keys (BLPOP and friends), Redis's model: the blocked command is
 *    re-run — with its own argv or the one it gave when it blocked (XREAD
 *    BLOCK ... $ turns `$` into an id) — when one of its keys is signalled
 *    ready; clients are served in FIFO order per key; the command re-blocks
 *    (keeping its place) when it still cannot be served;
 *  - by code (WAIT, a module's md_unblock()): blocking_wake() ends the
 *    state and writes the reply.
 *
 * Either kind may carry private state with callbacks (blocking_ops_t):
 * its own timeout reply, and a release called exactly once when the state
 * ends, however it ends. While blocked, a client's further input is
 * buffered, not executed. The state refers to its command through the
 * command table entry (cmd_t), never to code of its own.
 */
#ifndef MODIS_BLOCKING_H
#define MODIS_BLOCKING_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct client;
struct cmd;

/* How a blocked state ended, for blocking_ops_t.release. */
enum {
    BLOCKING_SERVED,         /* the re-run served it, or blocking_wake() */
    BLOCKING_TIMEOUT,        /* its timeout passed */
    BLOCKING_UNBLOCKED,      /* CLIENT UNBLOCK */
    BLOCKING_GONE            /* the client disconnected */
};

typedef struct blocking_ops {
    /* Write the reply for a timeout or CLIENT UNBLOCK TIMEOUT; the state is
     * still in place. NULL: the null reply of the spec's timeout_reply. */
    void (*timeout)(struct client *c, void *priv);
    /* The state is over: release priv. Called once, after any reply; c is
     * NULL for BLOCKING_GONE. */
    void (*release)(struct client *c, void *priv, int how);
    /* CLIENT UNBLOCK may unblock it (Redis: not a module's client that has
     * no timeout callback). */
    int unblockable;
    /* Whether priv keeps code or data of the module that blocked (MODULE
     * UPGRADE refuses to replace a build something still points into);
     * NULL: it always does. */
    int (*holds_module)(const void *priv);
} blocking_ops_t;

typedef struct blocking_spec {
    int nkeys;                       /* 0: blocked until blocking_wake() */
    const md_arg_t *keys;
    int argc;                        /* what a ready key re-runs; 0: c's argv */
    const md_arg_t *argv;
    int64_t timeout_ms;              /* relative; 0 = none */
    int timeout_reply;               /* MD_BLOCK_NULL_ARRAY or MD_BLOCK_NULL */
    const blocking_ops_t *ops;       /* NULL: none */
    void *priv;
} blocking_spec_t;

/* The function that re-runs a command (the dispatcher's call); set once at
 * start-up. */
typedef void (*blocking_run_fn)(struct client *c, struct cmd *cmd);
void blocking_init(blocking_run_fn run);

/* Block c (running cmd). 0 on success; -1 when blocking is not possible
 * (a client without socket — md_call, scripts, the AOF — inside
 * MULTI/EXEC, or a client blocked already). While c's command blocked on
 * keys is re-run, blocking again on keys with the same ops returns 0 and
 * keeps the client's place: spec's priv replaces the old one (the caller
 * releases the old one if it differs), a given argv the one to run. */
int blocking_block(struct client *c, struct cmd *cmd, const blocking_spec_t *spec);
/* The private data of c's blocked state when it was blocked with `ops`,
 * else NULL. */
void *blocking_priv(const struct client *c, const blocking_ops_t *ops);
/* Unblock c by code: its state ends, `reply(c, priv, arg)` writes the
 * reply, the state is released (BLOCKING_SERVED) and c's input resumes.
 * Nothing when c is not blocked. */
void blocking_wake(struct client *c, void (*reply)(struct client *c, void *priv, void *arg),
                   void *arg);
/* A key of db `dbid` got data: remember it for blocking_serve(). */
void blocking_signal_key(int dbid, const char *key, size_t len);
/* Every key of db `dbid` that clients wait on and that holds a value is
 * ready (SWAPDB brought a whole other keyspace: Redis's
 * scanDatabaseForReadyKeys). */
void blocking_signal_db(int dbid);
/* Re-run the commands of clients blocked on keys signalled so far, and
 * resume clients unblocked meanwhile (after each command, and after module
 * code that ran outside one). */
void blocking_serve(void);
/* CLIENT UNBLOCK: 1 if c was blocked and may be unblocked (now done: the
 * timeout reply, or -UNBLOCKED with `with_error`), else 0. */
int blocking_unblock(struct client *c, int with_error);
/* The client is going away. */
void blocking_client_gone(struct client *c);
int blocking_is_blocked(const struct client *c);
size_t blocking_clients(void);
/* Clients blocked in a command of module m (MODULE UNLOAD refuses). */
size_t blocking_clients_of(const md_module_t *m);
/* Of those, the ones whose state keeps the module's own callbacks or
 * private data (blocking_ops_t.holds_module). */
size_t blocking_clients_holding(const md_module_t *m);
size_t blocking_keys(void);

#endif
