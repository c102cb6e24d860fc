/*
 * shutdown.c — the orderly exit path shared by SHUTDOWN and signals, and
 * DEBUG RESTART / CRASH-AND-RECOVER (the same process image started
 * again with the original command line).
 */
#include "shutdown.h"
#include "events.h"
#include "config.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "persist/persist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* Save and close as SHUTDOWN does, without exiting; 0, or -1 (logged). */
static int prepare(int flags)
{
    /* A half-loaded dataset must never overwrite the file. */
    if (srv.loading) flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
    if (persist_shutdown(flags & SHUTDOWN_SAVE, flags & SHUTDOWN_NOSAVE,
                         flags & SHUTDOWN_FORCE) != 0)
        return -1;
    if (srv.pidfile && srv.pidfile[0]) {
        log_msg(LOG_NOTICE, "Removing the pid file.");
        unlink(srv.pidfile);
    }
    events_fire(MD_EVENT_SHUTDOWN, 0, NULL);
    net_close();
    return 0;
}

int shutdown_try(int flags)
{
    log_msg(LOG_WARNING, "User requested shutdown...");
    if (prepare(flags) != 0) {
        log_msg(LOG_WARNING, "Errors trying to shut down the server. Check the logs for "
                             "more information.");
        return -1;
    }
    log_msg(LOG_WARNING, "Modis is now ready to exit, bye bye...");
    exit(0);
}

int shutdown_restart(int graceful, long long delay_ms)
{
    if (access(srv.executable, X_OK) == -1) {
        log_msg(LOG_WARNING, "Can't restart: this process has no permissions to execute %s",
                srv.executable);
        return -1;
    }
    if (graceful && srv.configfile && config_rewrite(0) == -1) {
        log_msg(LOG_WARNING, "Can't restart: configuration rewrite process failed: %s",
                strerror(errno));
        return -1;
    }
    if (graceful && prepare(0) != 0) {
        log_msg(LOG_WARNING, "Can't restart: error preparing for shutdown");
        return -1;
    }
    /* Every descriptor but stdin, stdout and stderr. */
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 ? max : 1024); fd++)
        if (fcntl(fd, F_GETFD) != -1) close(fd);
    if (delay_ms > 0) usleep((useconds_t)(delay_ms * 1000));
    execve(srv.executable, srv.exec_argv, environ);
    _exit(1); /* nothing left to go back to */
}
