/*
 * tracking.h — client-side caching (CLIENT TRACKING): the server remembers
 * which keys a tracking client read and tells it when one changes, as
 * Redis does.
 *
 * Default mode: after a read-only command of a tracking client (OPTIN:
 * only after CLIENT CACHING YES; OPTOUT: unless CLIENT CACHING NO), the
 * command's keys map to the client's id in one table (key names only, no
 * db, as Redis). A modified key (notify_key_modified: every write, the
 * modules' included, expiry, eviction) sends "invalidate [key]" to each
 * client that read it and leaves the table. BCAST mode: no table; each
 * prefix (the empty one by default) collects the modified keys it covers
 * and they go out together from the event loop, one message per client.
 *
 * A message goes as a RESP3 push to the client, or to its REDIRECT client;
 * to a RESP2 redirect client that has subscriptions, as a Pub/Sub message
 * on __redis__:invalidate. When the reader itself is running the command
 * that modified the key, its message follows the command's reply.
 * Flushes send "invalidate" with a null to every tracking client.
 *
 * Entries hold client ids, never pointers: a closed client is skipped.
 */
#ifndef MODIS_TRACKING_H
#define MODIS_TRACKING_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct client;
struct cmd;

/* CLIENT TRACKING options (client flags as well, see client.h). */
#define TRACKING_BCAST  (1u << 0)
#define TRACKING_OPTIN  (1u << 1)
#define TRACKING_OPTOUT (1u << 2)
#define TRACKING_NOLOOP (1u << 3)

void tracking_init(void);
/* CLIENT TRACKING ON: check the options against each other and the
 * client's state; 0, or -1 with Redis's error text in err. */
int tracking_enable(struct client *c, uint64_t redir, unsigned opts, const md_arg_t *prefix,
                    int nprefix, char *err, size_t cap);
void tracking_disable(struct client *c);
/* The client's prefixes (BCAST), sorted; count in *n. */
const md_arg_t *tracking_prefixes(const struct client *c, int *n);

/* Around each top-level command: `c` is the one running (NOLOOP, and
 * messages to it wait for its reply); done sends those, and ends CLIENT
 * CACHING's one-command effect unless keep_caching (a CLIENT subcommand,
 * or in MULTI). */
void tracking_command_begin(struct client *c);
void tracking_command_done(struct client *c, int keep_caching);
/* After each command that ran (EXEC's queued ones too): a tracking
 * client's read-only command has its keys remembered. */
void tracking_after_call(struct client *c, const struct cmd *cmd);

/* FLUSHDB / FLUSHALL: "invalidate" with a null to every tracking client;
 * the key table is emptied. */
void tracking_flush(void);
/* tracking-table-max-keys lowered: invalidate keys until under it. */
void tracking_limit(void);

/* INFO: tracking_clients, tracking_total_keys / items / prefixes. */
size_t tracking_clients(void);
size_t tracking_total_keys(void);
size_t tracking_total_items(void);
size_t tracking_total_prefixes(void);

void tracking_client_gone(struct client *c);

#endif
