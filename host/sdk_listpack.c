/*
 * sdk_listpack.c — the SDK's listpack section: adapts listpack.c to the
 * md_lp_* entries of the API table. Memory comes from the SDK allocator
 * with the calling module as owner (m may be NULL for host use), so INFO
 * counts a module's listpacks against it; lp_free must be called with the
 * module that allocated, as for md_free. md_lp_repr (DEBUG LISTPACK, 1.2)
 * is here too.
 */
#include "listpack.h"
#include "sdk_ctx.h"
#include "words.h"

#include <stdarg.h>
#include <stdio.h>

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

/* A growing text in the module's memory (md_lp_repr). */
typedef struct text {
    md_module_t *m;
    char *p;
    size_t len, cap;
} text_t;

static void text_reserve(text_t *t, size_t more)
{
    if (t->len + more + 1 <= t->cap) return;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + more + 1) cap *= 2;
    t->p = sdk_api()->realloc(t->m, t->p, cap);
    t->cap = cap;
}

static void text_printf(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    text_reserve(t, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/*
 * DEBUG LISTPACK's text (Redis's lpRepr(), in our words): the header, then
 * one line per entry with its index, offset, encoded size and value
 * (strings quoted as redis-cli quotes them).
 */
static char *s_repr(md_module_t *m, const unsigned char *lp)
{
    text_t t = {m, NULL, 0, 0};
    unsigned char *base = (unsigned char *)lp;
    text_printf(&t, "{total bytes %zu} {num entries %lu}\n{\n", lp_bytes(lp), lp_count(lp));
    long index = 0;
    for (unsigned char *p = lp_first(base); p; index++) {
        unsigned char *next = lp_next(base, p);
        size_t size = (next ? (size_t)(next - p) : lp_bytes(lp) - 1 - (size_t)(p - base));
        size_t len;
        long long v;
        const unsigned char *str = lp_get(p, &len, &v);
        text_printf(&t, "\tindex: %ld, offset: %zu, entry bytes: %zu, ", index,
                    (size_t)(p - base), size);
        if (str) {
            text_reserve(&t, 8 + 4 * len + 3);
            t.len += (size_t)sprintf(t.p + t.len, "[str] ");
            t.len += words_repr(t.p + t.len, (const char *)str, len);
            t.p[t.len++] = '\n';
            t.p[t.len] = '\0';
        } else {
            text_printf(&t, "[int] %lld\n", v);
        }
        p = next;
    }
    text_printf(&t, "}\n[End of listpack]\n");
    return t.p;
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
    a->lp_repr = s_repr;
}
