/*
 * ptrset.c — open-addressing pointer set. A tombstone is the set's own
 * address (never a member). The table keeps filled <= 3/4 cap.
 */
#include "ptrset.h"
#include "mem.h"

#include <stdint.h>

#define TOMB(s) ((void *)(s))

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

void ptrset_init(ptrset_t *s)
{
    s->slots = NULL;
    s->cap = s->used = s->filled = 0;
}

void ptrset_clear(ptrset_t *s)
{
    mem_free(s->slots);
    ptrset_init(s);
}

static void ptrset_resize(ptrset_t *s, size_t cap)
{
    void **old = s->slots;
    size_t oldcap = s->cap;
    s->slots = mem_calloc(cap * sizeof(void *));
    s->cap = cap;
    s->used = s->filled = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i] && old[i] != TOMB(s)) ptrset_add(s, old[i]);
    mem_free(old);
}

int ptrset_add(ptrset_t *s, void *p)
{
    if ((s->filled + 1) * 4 > s->cap * 3)
        ptrset_resize(s, s->cap ? (s->used * 2 >= s->cap ? s->cap * 2 : s->cap) : 16);
    size_t mask = s->cap - 1, i = ptr_hash(p) & mask;
    size_t tomb = (size_t)-1;
    while (s->slots[i]) {
        if (s->slots[i] == p) return 0;
        if (s->slots[i] == TOMB(s) && tomb == (size_t)-1) tomb = i;
        i = (i + 1) & mask;
    }
    if (tomb != (size_t)-1) {
        i = tomb;
    } else {
        s->filled++;
    }
    s->slots[i] = p;
    s->used++;
    return 1;
}

static size_t ptrset_find(const ptrset_t *s, void *p)
{
    if (!s->cap) return (size_t)-1;
    size_t mask = s->cap - 1, i = ptr_hash(p) & mask;
    while (s->slots[i]) {
        if (s->slots[i] == p) return i;
        i = (i + 1) & mask;
    }
    return (size_t)-1;
}

int ptrset_has(const ptrset_t *s, void *p) { return ptrset_find(s, p) != (size_t)-1; }

int ptrset_del(ptrset_t *s, void *p)
{
    size_t i = ptrset_find(s, p);
    if (i == (size_t)-1) return 0;
    s->slots[i] = TOMB(s);
    s->used--;
    if (s->used == 0) ptrset_clear(s);
    return 1;
}

void ptrset_shrink(ptrset_t *s)
{
    if (s->cap > 16 && s->used * 8 < s->cap) {
        size_t cap = 16;
        while (cap * 3 < s->used * 8) cap *= 2;
        ptrset_resize(s, cap);
    } else if (s->cap && s->filled - s->used > s->cap / 4) {
        ptrset_resize(s, s->cap);
    }
}

void ptrset_rehome(ptrset_t *s, const ptrset_t *old_home)
{
    void **old = s->slots;
    size_t cap = s->cap;
    ptrset_init(s);
    for (size_t i = 0; i < cap; i++)
        if (old[i] && old[i] != (const void *)old_home) ptrset_add(s, old[i]);
    mem_free(old);
}
