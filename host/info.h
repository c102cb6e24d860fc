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

/*
 * Fields and sections modules add (md_info_register): fn runs each time
 * INFO shows `section`, a built-in one (the fields end it) or a new one
 * (shown after the built-in ones, by its name, "modules" or
 * "everything"). Hooks run in registration order.
 */
void info_hook_add(md_module_t *owner, const char *section, void (*fn)(md_info_t *info));
/* Drop every hook of `owner` (module unload). */
void info_hook_forget(md_module_t *owner);
/* Give `from`'s hooks to `to` (MODULE UPGRADE parks them under a tag). */
void info_hook_retag(md_module_t *from, md_module_t *to);
/* Inside a hook: one "name:value" line (CR and LF in it become blanks). */
void info_hook_field(md_info_t *info, const char *name, const char *value);

/* The memory figures INFO memory and MEMORY STATS share (bytes). */
typedef struct info_mem {
    size_t used, rss, peak, startup, clients, aof_buffer;
    size_t overhead;          /* startup + clients + AOF buffer + keyspace tables */
    size_t dataset, net;      /* used - overhead; used - startup (at least 1) */
    size_t lut, rehashing;    /* the keyspace's bucket arrays; those being rehashed */
    long long allocated, active, resident, muzzy; /* the allocator's */
} info_mem_t;
void info_memory_figures(info_mem_t *m);
/* Keyspace overhead of one db: its table (buckets and entry headers) and
 * its set of keys with a TTL. */
void info_db_overhead(int dbid, size_t *main, size_t *expires);

/* The scripting figures of INFO memory, filled by the scripting host
 * (set at start-up by hooks.c; all zero while unset). */
typedef struct info_scripts {
    size_t vm_eval, vm_functions;   /* the two Lua VMs */
    size_t scripts_eval, functions; /* the EVAL cache's and the libraries' own memory */
    size_t cached_scripts, functions_count, libraries;
} info_scripts_t;
extern void (*info_scripting)(info_scripts_t *s);

/* Sample the network counters for instantaneous_*_kbps. Call from cron;
 * it rate-limits itself to one sample per 100 ms, as Redis does. */
void info_cron(void);

#endif
