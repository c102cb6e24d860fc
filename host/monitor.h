/*
 * monitor.h — MONITOR: clients that receive every command the server
 * runs, one status line each, as Redis prints them:
 *   +<sec>.<usec> [<db> <addr>] "arg" "arg" ...
 * Which commands are shown (not admin ones, not refused ones, secrets
 * redacted) is the caller's (dispatch.c) decision.
 */
#ifndef MODIS_MONITOR_H
#define MODIS_MONITOR_H

#include "sdk_host.h"

struct client;

/* Make c a monitor (CLIENT_MONITOR); it stays one until it goes. */
void monitor_add(struct client *c);
/* Is any client monitoring? */
int monitor_active(void);
/* Send the line of a command run by `from` in db `dbid` to every monitor;
 * argv is as it may be shown. */
void monitor_feed(struct client *from, int dbid, int argc, const md_arg_t *argv);
/* Forget c (its connection is going). */
void monitor_client_gone(struct client *c);

#endif
