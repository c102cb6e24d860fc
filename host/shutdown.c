/*
 * shutdown.c — the orderly exit path shared by SHUTDOWN and signals.
 */
#include "shutdown.h"
#include "client.h"
#include "log.h"
#include "net.h"
#include "server.h"

#include <stdlib.h>
#include <unistd.h>

void shutdown_now(const char *why)
{
    log_msg(LOG_WARNING, "User requested shutdown (%s)...", why);
    net_close();
    if (srv.pidfile && srv.pidfile[0]) unlink(srv.pidfile);
    log_msg(LOG_WARNING, "Modis is now ready to exit, bye bye...");
    exit(0);
}
