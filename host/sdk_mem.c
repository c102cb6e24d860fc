/*
 * sdk_mem.c — the SDK's memory section: allocations counted globally (in
 * mem.c) and per module (module->mem_used), so INFO modules can show what
 * each module holds.
 */
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"

static void *m_alloc(md_module_t *m, size_t n)
{
    void *p = mem_alloc(n);
    if (m) __atomic_add_fetch(&m->mem_used, mem_usable(p), __ATOMIC_RELAXED);
    return p;
}

static void *m_calloc(md_module_t *m, size_t n)
{
    void *p = mem_calloc(n);
    if (m) __atomic_add_fetch(&m->mem_used, mem_usable(p), __ATOMIC_RELAXED);
    return p;
}

static void *m_realloc(md_module_t *m, void *p, size_t n)
{
    size_t old = mem_usable(p);
    void *q = mem_realloc(p, n);
    if (m) __atomic_add_fetch(&m->mem_used, mem_usable(q) - old, __ATOMIC_RELAXED);
    return q;
}

static void m_free(md_module_t *m, void *p)
{
    if (!p) return;
    if (m) __atomic_sub_fetch(&m->mem_used, mem_usable(p), __ATOMIC_RELAXED);
    mem_free(p);
}

void sdk_api_fill_mem(md_api_t *a)
{
    a->alloc = m_alloc;
    a->calloc = m_calloc;
    a->realloc = m_realloc;
    a->free = m_free;
    a->usable = mem_usable;
}
