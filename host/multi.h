/*
 * multi.h — transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queued
 * commands own copies of their arguments. WATCHed keys live in a map
 * (db, key) → clients; any change to such a key (notify_key_modified) or
 * to its whole db marks the watchers so their EXEC fails.
 */
#ifndef MODIS_MULTI_H
#define MODIS_MULTI_H

#include <stddef.h>

#include "sdk_host.h"

struct client;
struct cmd;

extern const md_command_t hostcmds_multi[];

void multi_init(void);
/* In MULTI: queue the client's current command (after the arity and
 * lookup checks passed) and reply +QUEUED. */
void multi_queue(struct client *c, struct cmd *cmd);
/* A command was rejected while in MULTI: EXEC must abort. */
void multi_flag_error(struct client *c);
int multi_active(const struct client *c);     /* between MULTI and EXEC */
int multi_executing(const struct client *c);  /* inside EXEC */
int multi_queued(const struct client *c);     /* queued commands, or -1 */
int multi_watched(const struct client *c);    /* keys this client WATCHes */
size_t multi_watched_keys(void);              /* distinct watched keys */
void multi_client_gone(struct client *c);

#endif
