/*
 * mem.h — the host's allocator front end. Every host and module allocation
 * goes through here so used_memory is exact (jemalloc when built with it,
 * libc malloc otherwise). Allocation failure is fatal: it logs and aborts,
 * as Redis does; maxmemory is what keeps the server below that point.
 */
#ifndef MODIS_MEM_H
#define MODIS_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);
void *mem_calloc(size_t n);
void *mem_realloc(void *p, size_t n);
void mem_free(void *p);
char *mem_strndup(const char *s, size_t n);
char *mem_strdup(const char *s);
size_t mem_usable(const void *p);

/* Bytes currently allocated through this front end. */
size_t mem_used(void);
/* Resident set size of the process, from /proc. */
size_t mem_rss(void);
/* Name of the allocator in use ("jemalloc-5.3.0" or "libc"). */
const char *mem_allocator_name(void);

/* jemalloc-bg-thread: jemalloc's background purging thread on or off
 * (nothing with the C library's malloc). */
void mem_background_thread(int on);

#endif
