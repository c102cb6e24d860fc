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

#define HX_BUF 24 /* room for any long long in decimal */

typedef struct hx {
    const char *p;  /* NULL: the element is the integer ll */
    size_t n;
    long long ll;
} hx_t;

/* Decimal form of v into buf (HX_BUF bytes); returns the length. */
static inline size_t hx_ll2str(char *buf, long long v)
{
    char tmp[HX_BUF];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    size_t n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    return len;
}

/* The bytes of x; integers are formatted into buf (HX_BUF bytes). */
static inline md_arg_t hx_bytes(const hx_t *x, char *buf)
{
    md_arg_t a;
    if (x->p) {
        a.ptr = x->p;
        a.len = x->n;
    } else {
        a.ptr = buf;
        a.len = hx_ll2str(buf, x->ll);
    }
    return a;
}

#endif /* HASH_ELEM_H */
