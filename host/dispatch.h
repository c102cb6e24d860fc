/*
 * dispatch.h — running commands: the checks before a call (unknown
 * command, protected command, subcommand, arity, authentication, ACL, memory,
 * persistence errors, Pub/Sub context, MULTI queueing) and the call.
 */
#ifndef MODIS_DISPATCH_H
#define MODIS_DISPATCH_H

struct client;
struct cmd;

/* Run the command in client->argv. */
void dispatch_command(struct client *c);
/* Run argv as client c without the network checks (fake clients). */
void dispatch_call(struct client *c, struct cmd *cmd);
/* EXEC's call of a queued command: the ACL check again, then the call. */
void dispatch_exec_queued(struct client *c, struct cmd *cmd);
/* blocking_serve()'s re-run of a blocked command: the same. */
void dispatch_rerun(struct client *c, struct cmd *cmd);

#endif
