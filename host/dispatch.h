/*
 * dispatch.h — running commands: the checks before a call (unknown
 * command, protected command, subcommand, arity, authentication, memory,
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

#endif
