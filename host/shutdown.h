/*
 * shutdown.h — orderly exit, shared by SHUTDOWN and SIGTERM/SIGINT: stop a
 * background save, write the final RDB snapshot when asked or configured,
 * close listeners, remove the pidfile, log, and exit.
 */
#ifndef MODIS_SHUTDOWN_H
#define MODIS_SHUTDOWN_H

#include "server.h" /* SHUTDOWN_* options */

struct client;
struct cmd;

/*
 * Exit the process (status 0) after the final save: with SHUTDOWN_SAVE,
 * or when save points exist and SHUTDOWN_NOSAVE is not set (never while
 * loading). Returns -1, after logging why, only when that save failed and
 * SHUTDOWN_FORCE was not given: the server then keeps running.
 *
 * Redis 7's wait for replicas: unless SHUTDOWN_NOW is given or
 * shutdown-timeout is 0, a primary whose replicas have not all
 * acknowledged its offset pauses writes, asks them for an ACK and returns
 * 1: shutdown_cron() finishes once they have, or after shutdown-timeout
 * seconds. `c` (running `cmd`), if given, stays blocked meanwhile: the
 * exit closes it, a failure or SHUTDOWN ABORT replies "-ERR Errors trying
 * to SHUTDOWN. Check logs.". A shutdown requested while one waits joins
 * it (1). A client that cannot block (MULTI, scripts) shuts down NOW.
 */
int shutdown_try(int flags, struct client *c, struct cmd *cmd);
/* Is a shutdown waiting for replicas? */
int shutdown_waiting(void);
/* The cron: finish a waiting shutdown when it is time. Returns -1 when it
 * was finished and failed (logged; the waiting clients got their error). */
int shutdown_cron(void);
/* SHUTDOWN ABORT: cancel a waiting shutdown, or a signal's pending one;
 * 0, or -1 when there is none. */
int shutdown_abort(void);
/*
 * Start the server again in this process (execve of srv.executable with
 * srv.exec_argv) after delay_ms: gracefully (DEBUG RESTART: the config
 * rewritten, the dataset saved as SHUTDOWN would, pid file removed) or
 * not (DEBUG CRASH-AND-RECOVER). Returns -1 (logged) only when it could
 * not start; once descriptors are closed a failed execve exits.
 */
int shutdown_restart(int graceful, long long delay_ms);

#endif
