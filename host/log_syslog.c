/*
 * log_syslog.c — the syslog side of the server log (syslog-enabled,
 * syslog-ident, syslog-facility). Apart from log.c because <syslog.h>
 * defines LOG_DEBUG... as macros, which log.h's levels would collide with.
 */
#include "server.h"

#include <syslog.h>

/* log.h's levels (debug, verbose, notice, warning) as Redis maps them. */
static const int priorities[] = {LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING};

void log_syslog_open(void)
{
    if (!srv.hostconf.syslog_enabled) return;
    openlog(srv.hostconf.syslog_ident ? srv.hostconf.syslog_ident : "redis",
            LOG_PID | LOG_NDELAY | LOG_NOWAIT, srv.hostconf.syslog_facility);
}

void log_syslog(int level, const char *msg)
{
    if (!srv.hostconf.syslog_enabled || level < 0 || level > 3) return;
    syslog(priorities[level], "%s", msg);
}

/* syslog-facility's names and values, in Redis's order (its error text). */
const char *const log_syslog_facility_names[] = {
    "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    NULL};
const int log_syslog_facility_values[] = {
    LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
    LOG_LOCAL6, LOG_LOCAL7};
