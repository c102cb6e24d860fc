/*
 * sdk_listpack.c — the SDK's listpack section: adapts listpack.c to the
 * md_lp_* entries of the API table. Memory comes from the SDK allocator
 * with the calling module as owner (m may be NULL for host use), so INFO
 * counts a module's listpacks against it; lp_free must be called with the
 * module that allocated, as for md_free.
 */
#include "listpack.h"
#include "sdk_ctx.h"

static void *sl_alloc(void *ud, size_t n) { return sdk_api()->alloc(ud, n); }

static void *sl_realloc(void *ud, void *p, size_t n)
{
    return sdk_api()->realloc(ud, p, n);
}

static void sl_free(void *ud, void *p) { sdk_api()->free(ud, p); }

/* The allocator for module m, on the caller's stack. */
#define SL_ALLOC(m) (&(lp_alloc_t){sl_alloc, sl_realloc, sl_free, (m)})

static md_lp_t *s_new(md_module_t *m) { return lp_new(SL_ALLOC(m)); }

static void s_free(md_module_t *m, md_lp_t *lp) { lp_free(SL_ALLOC(m), lp); }

static md_lp_t *s_insert(md_module_t *m, md_lp_t *lp, const void *s, size_t n,
                         unsigned char *p, int where, unsigned char **newp)
{
    return lp_insert(SL_ALLOC(m), lp, s, n, p, where, newp);
}

static md_lp_t *s_delete(md_module_t *m, md_lp_t *lp, unsigned char *p,
                         unsigned char **nextp)
{
    return lp_delete(SL_ALLOC(m), lp, p, nextp);
}

static md_lp_t *s_delete_range(md_module_t *m, md_lp_t *lp, long index,
                               unsigned long num)
{
    return lp_delete_range(SL_ALLOC(m), lp, index, num);
}

static int s_validate(const unsigned char *blob, size_t size)
{
    return lp_validate(blob, size) == 0 ? MD_OK : MD_ERR;
}

static md_lp_t *s_dup(md_module_t *m, const md_lp_t *lp)
{
    return lp_dup(SL_ALLOC(m), lp);
}

static md_lp_t *s_from_ziplist(md_module_t *m, const unsigned char *zl, size_t size)
{
    return lp_from_ziplist(SL_ALLOC(m), zl, size);
}

static md_lp_t *s_from_zipmap(md_module_t *m, const unsigned char *zm, size_t size)
{
    return lp_from_zipmap(SL_ALLOC(m), zm, size);
}

void sdk_api_fill_listpack(md_api_t *a)
{
    a->lp_new = s_new;
    a->lp_free = s_free;
    a->lp_bytes = lp_bytes;
    a->lp_count = lp_count;
    a->lp_first = lp_first;
    a->lp_last = lp_last;
    a->lp_next = lp_next;
    a->lp_prev = lp_prev;
    a->lp_seek = lp_seek;
    a->lp_get = lp_get;
    a->lp_insert = s_insert;
    a->lp_delete = s_delete;
    a->lp_delete_range = s_delete_range;
    a->lp_find = lp_find;
    a->lp_validate = s_validate;
    a->lp_dup = s_dup;
    a->lp_from_ziplist = s_from_ziplist;
    a->lp_from_zipmap = s_from_zipmap;
}
