/*
 * hash_stub.h — a stand-in md_api_t for the hashes, sets and zsets modules'
 * unit tests:
 * malloc-backed memory that counts live blocks (every test ends with none
 * left), a simple seeded hash, and the listpack, hash table and random
 * entries served by the host's listpack.c, sdk_htable.c (with htstats.c) and sdk_random.c
 * compiled into the test (the random stream seeded, so runs repeat). The module sources are
 * included by the test file itself, after this header.
 */
#ifndef HASH_STUB_H
#define HASH_STUB_H

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "modis.h"
#include "../../host/listpack.c"
#include "../../host/htstats.c"
#include "../../host/sdk_htable.c"
#include "../../host/sdk_random.c"

#include "stub_alloc.h"

/* FNV-1a with a final mix: good enough spread for power-of-two tables. */
static uint64_t t_hash(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

static void *la_alloc(void *ud, size_t n) { return t_alloc(ud, n); }
static void *la_realloc(void *ud, void *p, size_t n) { return t_realloc(ud, p, n); }
static void la_free(void *ud, void *p) { t_free(ud, p); }
static const lp_alloc_t LA = {la_alloc, la_realloc, la_free, NULL};

static md_lp_t *s_new(md_module_t *m) { (void)m; return lp_new(&LA); }
static void s_free(md_module_t *m, md_lp_t *lp) { (void)m; lp_free(&LA, lp); }
static md_lp_t *s_insert(md_module_t *m, md_lp_t *lp, const void *s, size_t n,
                         unsigned char *p, int where, unsigned char **newp)
{
    (void)m;
    return lp_insert(&LA, lp, s, n, p, where, newp);
}
static md_lp_t *s_delete(md_module_t *m, md_lp_t *lp, unsigned char *p,
                         unsigned char **nextp)
{
    (void)m;
    return lp_delete(&LA, lp, p, nextp);
}
static md_lp_t *s_delete_range(md_module_t *m, md_lp_t *lp, long index,
                               unsigned long num)
{
    (void)m;
    return lp_delete_range(&LA, lp, index, num);
}
static md_lp_t *s_dup(md_module_t *m, const md_lp_t *lp) { (void)m; return lp_dup(&LA, lp); }
static md_lp_t *s_from_ziplist(md_module_t *m, const unsigned char *zl, size_t n)
{
    (void)m;
    return lp_from_ziplist(&LA, zl, n);
}
static md_lp_t *s_from_zipmap(md_module_t *m, const unsigned char *zm, size_t n)
{
    (void)m;
    return lp_from_zipmap(&LA, zm, n);
}
static unsigned char *s_find(md_lp_t *lp, unsigned char *p, const void *s,
                             size_t n, unsigned skip)
{
    return lp_find(lp, p, s, n, skip);
}

static md_api_t stub_api;

/* Install the stand-in table; call first in every test's setup. */
static void stub_install(void)
{
    memset(&stub_api, 0, sizeof stub_api);
    stub_api.size = sizeof stub_api;
    stub_api.alloc = t_alloc;
    stub_api.calloc = t_calloc;
    stub_api.realloc = t_realloc;
    stub_api.free = t_free;
    stub_api.usable = t_usable;
    stub_api.hash = t_hash;
    stub_api.lp_new = s_new;
    stub_api.lp_free = s_free;
    stub_api.lp_bytes = lp_bytes;
    stub_api.lp_count = lp_count;
    stub_api.lp_first = lp_first;
    stub_api.lp_last = lp_last;
    stub_api.lp_next = lp_next;
    stub_api.lp_prev = lp_prev;
    stub_api.lp_seek = lp_seek;
    stub_api.lp_get = lp_get;
    stub_api.lp_insert = s_insert;
    stub_api.lp_delete = s_delete;
    stub_api.lp_delete_range = s_delete_range;
    stub_api.lp_find = s_find;
    stub_api.lp_validate = lp_validate;
    stub_api.lp_dup = s_dup;
    stub_api.lp_from_ziplist = s_from_ziplist;
    stub_api.lp_from_zipmap = s_from_zipmap;
    sdk_api_fill_htable(&stub_api);
    sdk_api_fill_random(&stub_api);
    sdk_random_seed(42);
    md__api = &stub_api;
    md__self = NULL;
    live_blocks = 0;
}

#endif /* HASH_STUB_H */
