/*
 * shutdown.h — orderly exit: close listeners, remove the pidfile, log,
 * and exit. Persistence on shutdown joins here once RDB exists.
 */
#ifndef MODIS_SHUTDOWN_H
#define MODIS_SHUTDOWN_H

/* Exit the process now; `why` is logged. */
void shutdown_now(const char *why) __attribute__((noreturn));

#endif
