/*
 * pause.h — CLIENT PAUSE / UNPAUSE: for a while, the commands of normal
 * clients (all of them, or those that write or may replicate) wait
 * instead of running; keys neither expire nor get evicted meanwhile
 * (srv.clients_paused tells expire.c, evict.c and the keyspace).
 *
 * A client whose command must wait is "postponed": dispatch.c leaves the
 * command in its query buffer and client.c stops reading commands from
 * it (CLIENT_POSTPONED); when the pause ends, postponed clients run their
 * input again from the event loop, in the order they were postponed.
 */
#ifndef MODIS_PAUSE_H
#define MODIS_PAUSE_H

#include <stdint.h>

struct client;

enum { PAUSE_NONE = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 };

/* Pause until end_ms (unix ms); a pause in progress keeps the stronger
 * mode and the later end, as Redis. */
void pause_start(int mode, int64_t end_ms);
/* End the pause now (CLIENT UNPAUSE). */
void pause_stop(void);
/* A pause of the server's own (FAILOVER) in `mode`, without an end:
 * it lasts until pause_release(), whatever CLIENT PAUSE / UNPAUSE do. */
void pause_hold(int mode);
void pause_release(void);
/* Must c's command wait? `writes` says whether it writes or may
 * replicate (EXEC: whether its queue does). */
int pause_must_wait(const struct client *c, int writes);
/* Postpone c's current command (left unconsumed in its query buffer). */
void pause_postpone(struct client *c);
/* Postponed clients now (INFO blocked_clients counts them, as Redis). */
int pause_postponed(void);
/* Forget c (its connection is going). */
void pause_client_gone(struct client *c);

#endif
