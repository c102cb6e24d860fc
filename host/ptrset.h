/*
 * ptrset.h — an open-addressing set of non-NULL pointers (linear probing,
 * tombstones), used for each db's set of keys that carry a TTL. It supports
 * random sampling for the active expire cycle. Not a general container:
 * it never owns the pointers it holds.
 */
#ifndef MODIS_PTRSET_H
#define MODIS_PTRSET_H

#include <stddef.h>

typedef struct ptrset {
    void **slots;
    size_t cap;      /* power of two, or 0 */
    size_t used;     /* live pointers */
    size_t filled;   /* live + tombstones */
} ptrset_t;

void ptrset_init(ptrset_t *s);
void ptrset_clear(ptrset_t *s);
/* Returns 1 if added, 0 if already present. */
int ptrset_add(ptrset_t *s, void *p);
/* Returns 1 if removed, 0 if absent. */
int ptrset_del(ptrset_t *s, void *p);
int ptrset_has(const ptrset_t *s, void *p);
/* Slot walk for sampling: returns the live pointer at slot i or NULL. */
static inline void *ptrset_at(const ptrset_t *s, size_t i)
{
    void *p = s->slots[i & (s->cap - 1)];
    return p == (void *)s ? NULL : p; /* the set's own address marks a tombstone */
}
/* After the struct was copied from `old_home`: rebuild so tombstones
 * are marked with the set's new address. */
void ptrset_rehome(ptrset_t *s, const ptrset_t *old_home);
/* Shrink the slot array when it is mostly empty (called from cron). */
void ptrset_shrink(ptrset_t *s);

#endif
