/*
 * acl.h — access control as Redis 7: users with SHA-256 hashed passwords,
 * command rules by command, subcommand, first argument and category, key
 * patterns with read/write permissions, Pub/Sub channel patterns,
 * selectors; authentication; the ACL LOG; the aclfile and `user` lines.
 *
 * What the rest of the server uses: the dispatcher checks a call with
 * acl_check_client(); module calls check an argv for a user with
 * acl_check(); AUTH and HELLO authenticate with acl_authenticate(); the
 * ACL command (cmd_acl.c) works through acl_cmd.h. A client's user is
 * client->user, NULL meaning the default user; fake clients (no socket:
 * AOF loading) are never checked.
 *
 * A user pointer stays valid until the next ACL change (SETUSER, DELUSER,
 * LOAD): callers do not keep one across commands.
 */
#ifndef MODIS_ACL_H
#define MODIS_ACL_H

#include <stddef.h>

#include "sdk_host.h"

struct client;
struct cmd;
typedef struct acl_user acl_user_t;

/* Why a call was refused, in Redis's order of relevance. */
enum { ACL_OK = 0, ACL_DENIED_CMD = 1, ACL_DENIED_KEY, ACL_DENIED_AUTH, ACL_DENIED_CHANNEL };
/* Where it was refused (ACL LOG's "context"). */
enum { ACL_CTX_TOPLEVEL, ACL_CTX_MULTI, ACL_CTX_LUA, ACL_CTX_MODULE };

/* Create the default user ("on nopass ~* &* +@all"); once, at start-up. */
void acl_init(void);
/* What ACL LOG's client-info field shows: the CLIENT LIST line of c,
 * without newline (filled by hooks.c; returns the length). */
extern size_t (*acl_client_info)(struct client *c, char *buf, size_t cap);

/* ---- users ---- */
acl_user_t *acl_user_find(const char *name, size_t len);
/* The user c runs as; NULL for a fake client (unrestricted). */
acl_user_t *acl_client_user(const struct client *c);
const char *acl_user_name(const acl_user_t *u, size_t *len);

/* ---- authentication ---- */
/* Must c authenticate before running commands (Redis's authRequired)? */
int acl_auth_required(const struct client *c);
/* RESET: back to the default user, authenticated if it is on and nopass. */
void acl_client_reset_auth(struct client *c);
/* Is the default user "nopass" (AUTH <password> then has nothing to
 * check, and says so)? */
int acl_default_is_nopass(void);
/* Authenticate c as user/pass (constant-time comparison of the hashes).
 * 0 on success; -1 (logged in ACL LOG with argv0 as the object) when the
 * user does not exist, is off, or no password matches. */
int acl_authenticate(struct client *c, md_arg_t user, md_arg_t pass, md_arg_t argv0);

/* ---- permission checks ---- */
/*
 * May user u run cmd (the subcommand when there is one) with argv?
 * NULL u may run anything. Returns ACL_OK or a denial; *errpos is the
 * argv index of the refused key or channel (0 for the command itself).
 */
int acl_check(const acl_user_t *u, const struct cmd *cmd, int argc, const md_arg_t *argv,
              int *errpos);
/* Redis's text for a denial, without the "-NOPERM " prefix: the short
 * form of command replies, or the verbose one of ACL DRYRUN. */
void acl_denial_text(int reason, const acl_user_t *u, const struct cmd *cmd, md_arg_t obj,
                     int verbose, char *out, size_t cap);
/* Record a denial (ACL LOG and INFO's acl_access_denied_* counters). */
void acl_log_denial(struct client *c, const acl_user_t *u, const struct cmd *cmd, int reason,
                    int context, md_arg_t obj);
/*
 * The dispatcher's check of c's current call (c->argv): on a denial it is
 * logged with `context` and msg gets the reply ("NOPERM ..."). Returns
 * ACL_OK or the denial.
 */
int acl_check_client(struct client *c, const struct cmd *cmd, int context, char *msg,
                     size_t cap);
/* The same for another argv run on c's behalf (md_call with
 * MD_CALL_CHECK_ACL: context ACL_CTX_MODULE). */
int acl_check_args(struct client *c, const struct cmd *cmd, int argc, const md_arg_t *argv,
                   int context, char *msg, size_t cap);
/* The same at EXEC time for a queued command: Redis's "ACLs rules
 * changed between the moment the transaction was accumulated..." text. */
int acl_check_queued(struct client *c, const struct cmd *cmd, char *msg, size_t cap);

/* ---- configuration ---- */
/* requirepass (file or CONFIG SET): the default user's only password, or
 * nopass when empty. */
void acl_set_requirepass(const char *pass);
/* A `user name rules...` line of the config file: checked now, applied
 * by acl_load_startup(). 0, or -1 with the reason in err. */
int acl_config_user_line(int argc, char **argv, char *err, size_t cap);
/* After the modules are loaded: the config's users, or the aclfile.
 * Exits with Redis's log line on an error. */
void acl_load_startup(void);
/* CONFIG REWRITE: fn(line) for every "user ..." line to write, in name
 * order; none when an aclfile is set (its lines are dropped). */
void acl_config_lines(void (*fn)(const char *line, void *priv), void *priv);

#endif
