/*
 * multi.h — transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queued
 * commands own copies of their arguments. WATCHed keys live in a map
 * (db, key) → clients; any change to such a key (notify_key_modified) or
 * to its whole db marks the watchers so their EXEC fails.
 */
#ifndef MODIS_MULTI_H
#define MODIS_MULTI_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct client;
struct cmd;

void multi_init(void);
/* In MULTI: queue the client's current command (after the arity and
 * lookup checks passed) and reply +QUEUED. */
void multi_queue(struct client *c, struct cmd *cmd);
/* A command was rejected while in MULTI: EXEC must abort. */
void multi_flag_error(struct client *c);
int multi_active(const struct client *c);     /* between MULTI and EXEC */
int multi_executing(const struct client *c);  /* inside EXEC */
int multi_queued(const struct client *c);     /* queued commands, or -1 */
/* The command flags (CMD_*) of the queued commands OR-ed together. */
uint64_t multi_queued_flags(const struct client *c);
int multi_watched(const struct client *c);    /* keys this client WATCHes */
size_t multi_watched_keys(void);              /* distinct watched keys */
void multi_client_gone(struct client *c);

/* What the transaction commands do (cmd_multi.c replies). */
/* MULTI: 0, or -1 when c is in MULTI already. */
int multi_begin(struct client *c);
/* DISCARD: drop the queue and the watched keys; -1 when not in MULTI. */
int multi_discard(struct client *c);
/* EXEC, first half: unwatch every key, then check the transaction. Returns
 * the number of queued commands (>= 0), now executing, or one of these
 * (the queue is then dropped): */
enum { MULTI_EXEC_NO_MULTI = -1, MULTI_EXEC_ABORT = -2, MULTI_EXEC_WATCH_FAILED = -3 };
int multi_exec_begin(struct client *c);
/* EXEC, second half: run each queued command through `run` as c (argv set
 * to the queued copy), then drop the queue and end the execution. */
typedef void (*multi_run_fn)(struct client *c, struct cmd *cmd);
void multi_exec_run(struct client *c, multi_run_fn run);
/* WATCH one key in c's current db (a key watched already is kept once). */
void multi_watch(struct client *c, md_arg_t key);
/* UNWATCH: forget every key c watches. */
void multi_unwatch(struct client *c);

#endif
