/*
 * rdb_merge.c — see rdb_merge.h.
 */
#include "persist/rdb_merge.h"

#include "host/mem.h"
#include "host/server.h"

#include <stdio.h>
#include <string.h>

typedef struct conflict {
    ks_db_t *to;
    char *err;
    size_t cap;
} conflict_t;

static int check_free(void *priv, ks_entry_t *e)
{
    conflict_t *c = priv;
    if (!ks_find(c->to, e->key, e->keylen)) return 0;
    snprintf(c->err, c->cap, "duplicate key '%.*s' in db %d",
             (int)(e->keylen > 64 ? 64 : e->keylen), e->key, c->to->id);
    return 1;
}

typedef struct entries {
    ks_entry_t **v;
    size_t n, cap;
} entries_t;

static int collect(void *priv, ks_entry_t *e)
{
    entries_t *es = priv;
    if (es->n == es->cap) {
        es->cap = es->cap ? es->cap * 2 : 64;
        es->v = mem_realloc(es->v, es->cap * sizeof(*es->v));
    }
    es->v[es->n++] = e;
    return 0;
}

/* Move entry e of `from` to the same name in `to` (free there). */
static void move_entry(ks_db_t *from, ks_entry_t *e, ks_db_t *to)
{
    ks_entry_t *n = ks_add(to, e->key, e->keylen, e->type, e->value);
    memcpy(n->lru, e->lru, sizeof(n->lru));
    int64_t expire;
    int subexp;
    ks_detach_sub(from, e, NULL, &expire, &subexp); /* the value now lives in n */
    if (expire) ks_set_expire(to, n, expire);
    if (subexp) ks_set_subexpire(to, n, 1);
}

/* Every key of `from` into `to`, replacing keys there. */
static void move_db(ks_db_t *from, ks_db_t *to)
{
    entries_t es = {0};
    ks_each(from, collect, &es); /* ks_each forbids changes while it runs */
    for (size_t i = 0; i < es.n; i++) {
        ks_entry_t *old = ks_find(to, es.v[i]->key, es.v[i]->keylen);
        if (old) ks_delete(to, old);
        move_entry(from, es.v[i], to);
    }
    mem_free(es.v);
}

int rdb_merge_dbs(ks_db_t *from, int replace, char *err, size_t cap)
{
    for (int i = 0; i < srv.databases && !replace; i++) {
        conflict_t c = {&srv.db[i], err, cap};
        if (ks_each(&from[i], check_free, &c)) return -1;
    }
    for (int i = 0; i < srv.databases; i++) move_db(&from[i], &srv.db[i]);
    return 0;
}
