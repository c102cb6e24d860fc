/*
 * hash_elem.h — one field or value read out of a hash, whatever the
 * encoding: bytes (p, n), or an integer (p NULL, ll) as a listpack stores
 * canonical decimal strings. Views point into the hash and are valid until
 * it is next changed.
 */
#ifndef HASH_ELEM_H
#define HASH_ELEM_H

#include <stddef.h>
#include "modis.h"

#define HX_BUF MD_LL_BUF /* room for any long long in decimal */

typedef struct hx {
    const char *p;  /* NULL: the element is the integer ll */
    size_t n;
    long long ll;
} hx_t;

/* The bytes of x; integers are formatted into buf (HX_BUF bytes). */
static inline md_arg_t hx_bytes(const hx_t *x, char *buf)
{
    md_arg_t a;
    if (x->p) {
        a.ptr = x->p;
        a.len = x->n;
    } else {
        a.ptr = buf;
        a.len = md_ll2str_inline(buf, x->ll);
    }
    return a;
}

#endif /* HASH_ELEM_H */
