/*
 * log.h — the server log: Redis's line format ("pid:role dd Mon yyyy
 * hh:mm:ss.mmm * message") to stdout or `logfile`, filtered by `loglevel`.
 */
#ifndef MODIS_LOG_H
#define MODIS_LOG_H

#include <stdarg.h>

enum { LOG_DEBUG, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING, LOG_NOTHING };

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap);
/* Write `text` as it is (no line prefix) when `level` passes loglevel:
 * the start-up logo. */
void log_raw(int level, const char *text);
/* Redis's serverPanic: the "Software Failure" lines with `what` (the
 * Guru Meditation text) and where, then abort() (the crash report). */
void log_panic(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* log_syslog.c: openlog() with syslog-ident and syslog-facility when
 * syslog-enabled; then every logged line also goes to syslog. */
void log_syslog_open(void);
void log_syslog(int level, const char *msg);
/* syslog-facility: names (NULL-terminated) and their syslog values. */
extern const char *const log_syslog_facility_names[];
extern const int log_syslog_facility_values[];

#endif
