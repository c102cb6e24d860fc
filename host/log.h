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

#endif
