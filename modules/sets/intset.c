/*
 * intset.c — Redis's intset byte layout and operations (see intset.h for
 * the layout and invariants). Fields are read and written byte by byte in
 * little-endian order, so the block is the same on any host.
 */
#include <string.h>
#include "intset.h"

/* ------------------------------------------------------------------ */
/* Bytes                                                               */
/* ------------------------------------------------------------------ */

static uint64_t ints_rd_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void ints_wr_le(unsigned char *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

uint32_t intset_encoding(const intset_t *is) { return (uint32_t)ints_rd_le(is, 4); }
uint32_t intset_len(const intset_t *is) { return (uint32_t)ints_rd_le(is + 4, 4); }

static void ints_set_len(intset_t *is, uint32_t n) { ints_wr_le(is + 4, n, 4); }

size_t intset_blob_len(const intset_t *is)
{
    return INTSET_HDR + (size_t)intset_len(is) * intset_encoding(is);
}

/* Element i read with encoding enc, sign-extended. */
static int64_t ints_get_enc(const intset_t *is, uint32_t i, uint32_t enc)
{
    uint64_t u = ints_rd_le(is + INTSET_HDR + (size_t)i * enc, enc);
    if (enc < 8 && (u >> (enc * 8 - 1)) & 1) u |= ~0ULL << (enc * 8);
    return (int64_t)u;
}

static void ints_set_enc(intset_t *is, uint32_t i, int64_t v, uint32_t enc)
{
    ints_wr_le(is + INTSET_HDR + (size_t)i * enc, (uint64_t)v, enc);
}

int64_t intset_get(const intset_t *is, uint32_t i)
{
    return ints_get_enc(is, i, intset_encoding(is));
}

int64_t intset_min(const intset_t *is) { return intset_get(is, 0); }
int64_t intset_max(const intset_t *is) { return intset_get(is, intset_len(is) - 1); }

/* The narrowest encoding that holds v. */
static uint32_t ints_value_enc(int64_t v)
{
    if (v < INT32_MIN || v > INT32_MAX) return 8;
    if (v < INT16_MIN || v > INT16_MAX) return 4;
    return 2;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                              */
/* ------------------------------------------------------------------ */

intset_t *intset_new(void)
{
    intset_t *is = md_alloc(INTSET_HDR);
    ints_wr_le(is, 2, 4);
    ints_set_len(is, 0);
    return is;
}

void intset_free(intset_t *is) { md_free(is); }

intset_t *intset_dup(const intset_t *is)
{
    size_t n = intset_blob_len(is);
    intset_t *c = md_alloc(n);
    memcpy(c, is, n);
    return c;
}

static intset_t *ints_resize(intset_t *is, uint32_t len)
{
    return md_realloc(is, INTSET_HDR + (size_t)len * intset_encoding(is));
}

/* ------------------------------------------------------------------ */
/* Search, insert, remove                                              */
/* ------------------------------------------------------------------ */

/* Binary ints_search: 1 and *pos = the index of v, or 0 and *pos = where v
 * would be inserted. */
static int ints_search(const intset_t *is, int64_t v, uint32_t *pos)
{
    uint32_t len = intset_len(is), lo = 0, hi;
    if (len == 0) {
        *pos = 0;
        return 0;
    }
    if (v > intset_max(is)) {
        *pos = len;
        return 0;
    }
    if (v < intset_min(is)) {
        *pos = 0;
        return 0;
    }
    hi = len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t cur = intset_get(is, mid);
        if (cur == v) {
            *pos = mid;
            return 1;
        }
        if (cur < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

int intset_find(const intset_t *is, int64_t v)
{
    uint32_t pos;
    return ints_value_enc(v) <= intset_encoding(is) && ints_search(is, v, &pos);
}

/* v needs a wider encoding than is has, so it is smaller or larger than
 * every element: widen every element in place, back to front, then put v
 * first (negative) or last. */
static intset_t *ints_upgrade_and_add(intset_t *is, int64_t v)
{
    uint32_t old = intset_encoding(is), enc = ints_value_enc(v), len = intset_len(is);
    uint32_t prepend = v < 0 ? 1 : 0;
    is = md_realloc(is, INTSET_HDR + (size_t)(len + 1) * enc);
    ints_wr_le(is, enc, 4);
    for (uint32_t i = len; i-- > 0;) ints_set_enc(is, i + prepend, ints_get_enc(is, i, old), enc);
    ints_set_enc(is, prepend ? 0 : len, v, enc);
    ints_set_len(is, len + 1);
    return is;
}

intset_t *intset_add(intset_t *is, int64_t v, int *added)
{
    uint32_t enc = intset_encoding(is), len = intset_len(is), pos;
    *added = 1;
    if (ints_value_enc(v) > enc) return ints_upgrade_and_add(is, v);
    if (ints_search(is, v, &pos)) {
        *added = 0;
        return is;
    }
    is = ints_resize(is, len + 1);
    if (pos < len) {
        unsigned char *at = is + INTSET_HDR + (size_t)pos * enc;
        memmove(at + enc, at, (size_t)(len - pos) * enc);
    }
    ints_set_enc(is, pos, v, enc);
    ints_set_len(is, len + 1);
    return is;
}

intset_t *intset_remove(intset_t *is, int64_t v, int *removed)
{
    uint32_t enc = intset_encoding(is), len = intset_len(is), pos;
    *removed = 0;
    if (ints_value_enc(v) > enc || !ints_search(is, v, &pos)) return is;
    if (pos + 1 < len) {
        unsigned char *at = is + INTSET_HDR + (size_t)pos * enc;
        memmove(at, at + enc, (size_t)(len - pos - 1) * enc);
    }
    ints_set_len(is, len - 1);
    *removed = 1;
    return ints_resize(is, len - 1);
}

/* ------------------------------------------------------------------ */
/* Untrusted blobs                                                     */
/* ------------------------------------------------------------------ */

int intset_validate(const unsigned char *blob, size_t n)
{
    uint32_t enc, len;
    if (n < INTSET_HDR) return MD_ERR;
    enc = intset_encoding(blob);
    if (enc != 2 && enc != 4 && enc != 8) return MD_ERR;
    len = intset_len(blob);
    if ((uint64_t)INTSET_HDR + (uint64_t)len * enc != (uint64_t)n || len == 0)
        return MD_ERR;
    for (uint32_t i = 1; i < len; i++)
        if (ints_get_enc(blob, i, enc) <= ints_get_enc(blob, i - 1, enc)) return MD_ERR;
    return MD_OK;
}
