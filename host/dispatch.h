/*
 * dispatch.h — running commands: the checks before a call (unknown
 * command, protected command, subcommand, arity, authentication, ACL, memory,
 * persistence errors, Pub/Sub context, MULTI queueing) and the call.
 */
#ifndef MODIS_DISPATCH_H
#define MODIS_DISPATCH_H

#include <stddef.h>

#include "sdk_host.h"

struct client;
struct cmd;

/* The refusal of a denyoom command above maxmemory. */
#define DISPATCH_ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."
/* The refusal of a command while a script is busy. */
#define DISPATCH_ERR_BUSY \
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
/* The same while a function (FCALL) is busy. */
#define DISPATCH_ERR_BUSY_FUNCTION \
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
/* The refusal that fits what is busy (srv.script_busy 2: a function). */
#define DISPATCH_BUSY_TEXT() (srv.script_busy == 2 ? DISPATCH_ERR_BUSY_FUNCTION : DISPATCH_ERR_BUSY)

/* Run the command in client->argv. */
void dispatch_command(struct client *c);
/* Run argv as client c without the network checks (fake clients). */
void dispatch_call(struct client *c, struct cmd *cmd);
/*
 * The command argv names, given `cmd`, what the command table holds for
 * argv[0] (NULL when nothing): its subcommand, then the arity, checked as
 * for a client. Returns the command, or NULL with Redis's error text in
 * msg ("ERR unknown command ...", "ERR unknown subcommand ...", "ERR wrong
 * number of arguments ...") and in *blame the command whose rejected
 * calls it counts (NULL for an unknown command). md_call uses it too.
 */
struct cmd *dispatch_find(struct cmd *cmd, int argc, const md_arg_t *argv, char *msg,
                          size_t cap, struct cmd **blame);
/* EXEC's call of a queued command: the ACL check again, then the call. */
void dispatch_exec_queued(struct client *c, struct cmd *cmd);
/* blocking_serve()'s re-run of a blocked command: the same. */
void dispatch_rerun(struct client *c, struct cmd *cmd);

#endif
