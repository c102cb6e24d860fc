/*
 * kmap.h — a small map from (db id, key bytes) to a list of clients, used
 * for clients blocked on keys and clients WATCHing keys. Each key's list is
 * FIFO (append at the tail). The map owns its key copies and list nodes,
 * never the clients.
 */
#ifndef MODIS_KMAP_H
#define MODIS_KMAP_H

#include <stddef.h>

struct client;

typedef struct kmap_node {
    struct kmap_node *next;
    struct client *c;
} kmap_node_t;

typedef struct kmap_key {
    struct kmap_key *next;       /* hash chain */
    kmap_node_t *head, *tail;
    size_t count;
    int dbid;
    size_t len;
    char key[];
} kmap_key_t;

typedef struct kmap {
    kmap_key_t **b;
    size_t mask, used;
} kmap_t;

kmap_key_t *kmap_find(kmap_t *m, int dbid, const char *key, size_t len);
/* Append c to the key's list (creating the key); returns the key. */
kmap_key_t *kmap_add(kmap_t *m, int dbid, const char *key, size_t len, struct client *c);
/* Remove c from the key's list; drops the key when its list empties. */
void kmap_remove(kmap_t *m, int dbid, const char *key, size_t len, struct client *c);
/* Visit every key (for db-wide invalidation); fn may not modify m. */
void kmap_foreach(kmap_t *m, void (*fn)(kmap_key_t *k, void *priv), void *priv);
size_t kmap_size(const kmap_t *m);

#endif
