/*
 * stub_alloc.h — the counting allocator that module unit tests put in
 * their stand-in md_api_t: malloc-backed, `live_blocks` counts blocks not
 * yet freed (a test ends with none left). Also defines the two hidden SDK
 * globals a module's code reads. Include once per test program, after
 * modis.h.
 */
#ifndef STUB_ALLOC_H
#define STUB_ALLOC_H

#include <malloc.h>
#include <stdlib.h>

const md_api_t *md__api;
md_module_t *md__self;

static long live_blocks;

static void *t_alloc(md_module_t *m, size_t n)
{
    (void)m;
    live_blocks++;
    return malloc(n ? n : 1);
}

static void *t_calloc(md_module_t *m, size_t n)
{
    (void)m;
    live_blocks++;
    return calloc(1, n ? n : 1);
}

static void *t_realloc(md_module_t *m, void *p, size_t n)
{
    (void)m;
    if (p == NULL) live_blocks++;
    return realloc(p, n ? n : 1);
}

static void t_free(md_module_t *m, void *p)
{
    (void)m;
    if (p) live_blocks--;
    free(p);
}

static size_t t_usable(const void *p) { return malloc_usable_size((void *)p); }

#endif
