/*
 * info.h — the INFO command: Redis 7.4's sections and field names, in
 * Redis's order and line format ("# Section\r\nfield:value\r\n", a blank
 * line between sections), plus the few samples INFO needs over time
 * (startup memory, instantaneous network rates). The INFO command itself
 * is cmd_info.c.
 */
#ifndef MODIS_INFO_H
#define MODIS_INFO_H

#include <stddef.h>

#include "sdk_host.h"

/*
 * Build the INFO text for the section names in sections[0..n) (the INFO
 * arguments; n == 0 means "default"). Names are matched without regard to
 * case; unknown names select nothing. Returns a mem_alloc'd string the
 * caller frees with mem_free(); *len gets its length (0 when no section
 * was selected).
 */
char *info_generate(int n, const md_arg_t *sections, size_t *len);

/* Record the memory in use once start-up is done (used_memory_startup).
 * Call after the configured modules are loaded. */
void info_init(void);

/* Sample the network counters for instantaneous_*_kbps. Call from cron;
 * it rate-limits itself to one sample per 100 ms, as Redis does. */
void info_cron(void);

#endif
