/*
 * set_table.c — the members of a "hashtable" set and their SDK table
 * type (see set_table.h for the element layout). Lookups and removals go
 * straight to md_ht_find / md_ht_delete with the member bytes.
 */
#include <string.h>
#include "set_table.h"

#define LONG_LEN 255u

typedef struct st_elem {
    md_ht_link_t link;
    unsigned char d[];
} st_elem_t;

md_arg_t st_member(const void *elem)
{
    const st_elem_t *e = elem;
    md_arg_t a;
    if (e->d[0] != LONG_LEN) {
        a.len = e->d[0];
        a.ptr = (const char *)e->d + 1;
    } else {
        uint64_t n = 0;
        for (int i = 0; i < 8; i++) n |= (uint64_t)e->d[1 + i] << (8 * i);
        a.len = (size_t)n;
        a.ptr = (const char *)e->d + 9;
    }
    return a;
}

static void st_elem_free(void *e) { md_free(e); }

static const md_ht_type_t st_type = {
    .size = sizeof(md_ht_type_t),
    .link_offset = offsetof(st_elem_t, link),
    .key = st_member,
    .free = st_elem_free,
    .mem = NULL,
};

static st_elem_t *st_elem_new(const void *p, size_t n)
{
    size_t hdr = n < LONG_LEN ? 1 : 9;
    st_elem_t *e = md_alloc(sizeof(st_elem_t) + hdr + n);
    e->link.next = NULL;
    if (hdr == 1) {
        e->d[0] = (unsigned char)n;
    } else {
        e->d[0] = LONG_LEN;
        for (int i = 0; i < 8; i++) e->d[1 + i] = (unsigned char)((uint64_t)n >> (8 * i));
    }
    if (n) memcpy(e->d + hdr, p, n);
    return e;
}

md_ht_t *st_new(size_t hint) { return md_ht_new(&st_type, hint); }

int st_add(md_ht_t *t, const void *p, size_t n)
{
    st_elem_t *e = st_elem_new(p, n);
    if (md_ht_add(t, e)) return 1;
    md_free(e);
    return 0;
}

void st_add_new(md_ht_t *t, const void *p, size_t n) { md_ht_add_new(t, st_elem_new(p, n)); }

md_ht_t *st_dup(md_ht_t *t)
{
    md_ht_t *c = st_new(md_ht_len(t));
    md_ht_iter_t it;
    void *e;
    md_ht_iter_init(&it, t);
    while ((e = md_ht_iter_next(&it)) != NULL) {
        md_arg_t m = st_member(e);
        st_add_new(c, m.ptr, m.len);
    }
    return c;
}
