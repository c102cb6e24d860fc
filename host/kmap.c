/*
 * kmap.c — chained hash of (db, key) → client list; grows at load 1.
 */
#include "kmap.h"
#include "mem.h"
#include "util.h"

#include <string.h>

static size_t kmap_hash(int dbid, const char *key, size_t len)
{
    return (size_t)(util_hash(key, len) ^ ((uint64_t)dbid * 0x9e3779b97f4a7c15ULL));
}

kmap_key_t *kmap_find(kmap_t *m, int dbid, const char *key, size_t len)
{
    if (!m->b) return NULL;
    for (kmap_key_t *k = m->b[kmap_hash(dbid, key, len) & m->mask]; k; k = k->next)
        if (k->dbid == dbid && k->len == len && memcmp(k->key, key, len) == 0) return k;
    return NULL;
}

static void kmap_grow(kmap_t *m)
{
    size_t size = m->b ? (m->mask + 1) * 2 : 16;
    kmap_key_t **nb = mem_calloc(size * sizeof(*nb));
    for (size_t i = 0; m->b && i <= m->mask; i++) {
        kmap_key_t *k = m->b[i];
        while (k) {
            kmap_key_t *next = k->next;
            size_t h = kmap_hash(k->dbid, k->key, k->len) & (size - 1);
            k->next = nb[h];
            nb[h] = k;
            k = next;
        }
    }
    mem_free(m->b);
    m->b = nb;
    m->mask = size - 1;
}

kmap_key_t *kmap_add(kmap_t *m, int dbid, const char *key, size_t len, struct client *c)
{
    kmap_key_t *k = kmap_find(m, dbid, key, len);
    if (!k) {
        if (!m->b || m->used >= m->mask + 1) kmap_grow(m);
        k = mem_calloc(sizeof(*k) + len);
        k->dbid = dbid;
        k->len = len;
        memcpy(k->key, key, len);
        size_t h = kmap_hash(dbid, key, len) & m->mask;
        k->next = m->b[h];
        m->b[h] = k;
        m->used++;
    }
    kmap_node_t *n = mem_alloc(sizeof(*n));
    n->c = c;
    n->next = NULL;
    if (k->tail) k->tail->next = n;
    else k->head = n;
    k->tail = n;
    k->count++;
    return k;
}

void kmap_remove(kmap_t *m, int dbid, const char *key, size_t len, struct client *c)
{
    kmap_key_t *k = kmap_find(m, dbid, key, len);
    if (!k) return;
    kmap_node_t **pp = &k->head, *prev = NULL;
    while (*pp) {
        kmap_node_t *n = *pp;
        if (n->c == c) {
            *pp = n->next;
            if (k->tail == n) k->tail = prev;
            mem_free(n);
            k->count--;
            break;
        }
        prev = n;
        pp = &n->next;
    }
    if (k->count) return;
    kmap_key_t **kp = &m->b[kmap_hash(dbid, key, len) & m->mask];
    while (*kp != k) kp = &(*kp)->next;
    *kp = k->next;
    mem_free(k);
    m->used--;
}

void kmap_foreach(kmap_t *m, void (*fn)(kmap_key_t *k, void *priv), void *priv)
{
    for (size_t i = 0; m->b && i <= m->mask; i++)
        for (kmap_key_t *k = m->b[i]; k; k = k->next) fn(k, priv);
}

size_t kmap_size(const kmap_t *m) { return m->used; }
