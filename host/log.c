/*
 * log.c — writes log lines; opens the file per line like Redis so log
 * rotation needs no signal. Every line also goes to syslog when
 * syslog-enabled (log_syslog.c).
 */
#include "log.h"
#include "server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Write `text` (already formatted) to stdout or the log file. */
static void log_write(const char *text)
{
    int to_stdout = !srv.logfile || srv.logfile[0] == '\0';
    FILE *f = to_stdout ? stdout : fopen(srv.logfile, "a");
    if (!f) return;
    fputs(text, f);
    fflush(f);
    if (!to_stdout) fclose(f);
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
    static const char marks[] = ".-*#";
    if (level < srv.verbosity || level >= LOG_NOTHING) return;
    char msg[1024], tbuf[64], line[1200];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    size_t off = strftime(tbuf, sizeof(tbuf), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(tbuf + off, sizeof(tbuf) - off, "%03d", (int)(tv.tv_usec / 1000));
    pid_t pid = getpid();
    snprintf(line, sizeof(line), "%d:%c %s %c %s\n", (int)pid, pid == srv.pid ? 'M' : 'C', tbuf,
             marks[level], msg);
    log_write(line);
    log_syslog(level, msg);
}

void log_raw(int level, const char *text)
{
    if (level < srv.verbosity || level >= LOG_NOTHING) return;
    log_write(text);
    log_syslog(level, text);
}

void log_panic(const char *file, int line, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    log_msg(LOG_WARNING, "------------------------------------------------");
    log_msg(LOG_WARNING, "!!! Software Failure. Press left mouse button to continue");
    log_msg(LOG_WARNING, "Guru Meditation: %s #%s:%d", what, file, line);
    abort();
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}
