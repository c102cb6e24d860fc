/*
 * mem.c — counted allocation wrappers. The counter holds the usable size of
 * every live block, so it matches what the allocator really hands out. It
 * is updated atomically: the lazyfree thread frees values too.
 */
#include "autoconfig.h"
#include "mem.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

static size_t used_bytes;

static void mem_oom(size_t n)
{
    fprintf(stderr, "modis: out of memory allocating %zu bytes\n", n);
    fflush(stderr);
    abort();
}

size_t mem_usable(const void *p)
{
    return p ? malloc_usable_size((void *)p) : 0;
}

void *mem_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) mem_oom(n);
    __atomic_add_fetch(&used_bytes, malloc_usable_size(p), __ATOMIC_RELAXED);
    return p;
}

void *mem_calloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) mem_oom(n);
    __atomic_add_fetch(&used_bytes, malloc_usable_size(p), __ATOMIC_RELAXED);
    return p;
}

void *mem_realloc(void *p, size_t n)
{
    size_t old = mem_usable(p);
    void *q = realloc(p, n ? n : 1);
    if (!q) mem_oom(n);
    __atomic_add_fetch(&used_bytes, malloc_usable_size(q) - old, __ATOMIC_RELAXED);
    return q;
}

void mem_free(void *p)
{
    if (!p) return;
    __atomic_sub_fetch(&used_bytes, malloc_usable_size(p), __ATOMIC_RELAXED);
    free(p);
}

char *mem_strndup(const char *s, size_t n)
{
    char *d = mem_alloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *mem_strdup(const char *s) { return mem_strndup(s, strlen(s)); }

size_t mem_used(void) { return __atomic_load_n(&used_bytes, __ATOMIC_RELAXED); }

size_t mem_rss(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

const char *mem_allocator_name(void)
{
#ifdef HAVE_JEMALLOC
    static char name[32];
    const char *v = NULL;
    size_t sz = sizeof(v);
    if (!name[0]) {
        if (mallctl("version", &v, &sz, NULL, 0) == 0 && v)
            snprintf(name, sizeof(name), "jemalloc-%.*s", (int)strcspn(v, "-"), v);
        else
            snprintf(name, sizeof(name), "jemalloc");
    }
    return name;
#else
    return "libc";
#endif
}

void mem_background_thread(int on)
{
#ifdef HAVE_JEMALLOC
    _Bool v = on != 0;
    mallctl("background_thread", NULL, NULL, &v, sizeof(v));
#else
    (void)on; /* the C library's malloc has no background thread */
#endif
}
