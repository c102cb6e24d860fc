/*
 * crash.h — the crash report: on SIGSEGV, SIGBUS, SIGFPE, SIGILL and
 * SIGABRT the log gets the signal, the faulting address and instruction,
 * and a backtrace, even when the fault is a jump into unmapped code; then
 * the process dies of the same signal. With crash-log-enabled no, it dies
 * of it at once, without a report (Redis's behaviour). With
 * crash-memcheck-enabled (and not under AddressSanitizer) the report ends
 * with Redis's fast memory test of the process's anonymous memory.
 */
#ifndef MODIS_CRASH_H
#define MODIS_CRASH_H

/* Install the handlers (once, at start-up). `version` is printed in the
 * report and must stay valid for the life of the process. */
void crash_install(const char *version);

#endif
