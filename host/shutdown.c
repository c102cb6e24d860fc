/*
 * shutdown.c — the orderly exit path shared by SHUTDOWN and signals.
 */
#include "shutdown.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "persist/persist.h"

#include <stdlib.h>
#include <unistd.h>

int shutdown_try(int flags)
{
    /* A half-loaded dataset must never overwrite the file. */
    if (srv.loading) flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
    log_msg(LOG_WARNING, "User requested shutdown...");
    if (persist_shutdown(flags & SHUTDOWN_SAVE, flags & SHUTDOWN_NOSAVE,
                         flags & SHUTDOWN_FORCE) != 0) {
        log_msg(LOG_WARNING, "Errors trying to shut down the server. Check the logs for "
                             "more information.");
        return -1;
    }
    if (srv.pidfile && srv.pidfile[0]) {
        log_msg(LOG_NOTICE, "Removing the pid file.");
        unlink(srv.pidfile);
    }
    net_close();
    log_msg(LOG_WARNING, "Modis is now ready to exit, bye bye...");
    exit(0);
}
