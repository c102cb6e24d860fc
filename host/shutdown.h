/*
 * shutdown.h — orderly exit, shared by SHUTDOWN and SIGTERM/SIGINT: stop a
 * background save, write the final RDB snapshot when asked or configured,
 * close listeners, remove the pidfile, log, and exit.
 */
#ifndef MODIS_SHUTDOWN_H
#define MODIS_SHUTDOWN_H

#include "server.h" /* SHUTDOWN_* options */

/*
 * Exit the process (status 0) after the final save: with SHUTDOWN_SAVE,
 * or when save points exist and SHUTDOWN_NOSAVE is not set (never while
 * loading). Returns -1, after logging why, only when that save failed and
 * SHUTDOWN_FORCE was not given: the server then keeps running.
 */
int shutdown_try(int flags);
/*
 * Start the server again in this process (execve of srv.executable with
 * srv.exec_argv) after delay_ms: gracefully (DEBUG RESTART: the config
 * rewritten, the dataset saved as SHUTDOWN would, pid file removed) or
 * not (DEBUG CRASH-AND-RECOVER). Returns -1 (logged) only when it could
 * not start; once descriptors are closed a failed execve exits.
 */
int shutdown_restart(int graceful, long long delay_ms);

#endif
