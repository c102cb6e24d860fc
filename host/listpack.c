/*
 * listpack.c — Redis's listpack format (see listpack.h for the layout and
 * the invariants every returned listpack keeps), written from the format
 * description: entry encodings are
 *
 *   0xxxxxxx                 7-bit unsigned int          (1 byte)
 *   10xxxxxx + data          string, len < 64            (1 + len)
 *   110xxxxx yyyyyyyy        13-bit signed int           (2 bytes)
 *   1110xxxx yyyyyyyy + data string, len < 4096, BE len  (2 + len)
 *   0xF0 + len32 LE + data   string                      (5 + len)
 *   0xF1/F2/F3/F4 + LE int   16/24/32/64-bit signed int  (3/4/5/9)
 *
 * each followed by its backlen. Functions that trust their input (every
 * listpack produced here or accepted by lp_validate) read without bounds
 * checks; lp_validate and the legacy converters check everything.
 * The ziplist/zipmap converters live in the second half of this file.
 */
#include "listpack.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define LP_MAX_BYTES UINT32_MAX

/* ------------------------------------------------------------------ */
/* Little-endian helpers and the header                                */
/* ------------------------------------------------------------------ */

static uint32_t rd_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void wr_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t rd_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static unsigned hdr_count(const unsigned char *lp) { return lp[4] | lp[5] << 8; }

static void set_header(unsigned char *lp, size_t bytes, unsigned long count)
{
    wr_le(lp, bytes, 4);
    wr_le(lp + 4, count >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : count, 2);
}

/* Adjust the header count by delta unless it is unknown (Redis keeps an
 * unknown count unknown until someone walks the listpack). */
static void adjust_count(unsigned char *lp, long delta)
{
    unsigned c = hdr_count(lp);
    if (c != LP_COUNT_UNKNOWN) wr_le(lp + 4, (uint64_t)((long)c + delta), 2);
}

/* ------------------------------------------------------------------ */
/* Canonical integers                                                  */
/* ------------------------------------------------------------------ */

int lp_str2ll(const void *str, size_t n, long long *v)
{
    const unsigned char *s = str;
    size_t i = 0;
    uint64_t u = 0;
    int neg = 0;

    if (n == 0 || n > 20) return 0;
    if (n == 1 && s[0] == '0') { *v = 0; return 1; }
    if (s[0] == '-') { neg = 1; i = 1; }
    if (i == n || s[i] < '1' || s[i] > '9') return 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (u > UINT64_MAX / 10) return 0;
        u *= 10;
        if (u > UINT64_MAX - (uint64_t)(s[i] - '0')) return 0;
        u += (uint64_t)(s[i] - '0');
    }
    if (neg) {
        if (u > (uint64_t)LLONG_MAX + 1) return 0;
        *v = u == (uint64_t)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u;
    } else {
        if (u > (uint64_t)LLONG_MAX) return 0;
        *v = (long long)u;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Entry encoding                                                      */
/* ------------------------------------------------------------------ */

/* Bytes Redis uses for the backlen of an entry of l bytes. */
static size_t backlen_size(uint64_t l)
{
    if (l <= 127) return 1;
    if (l < 16383) return 2;
    if (l < 2097151) return 3;
    if (l < 268435455) return 4;
    return 5;
}

/* Write the backlen of l into buf; returns its size. The first byte holds
 * the highest 7 bits; every later byte has bit 7 set, so reading backwards
 * stops at the first byte without it. */
static size_t backlen_write(unsigned char *buf, uint64_t l)
{
    size_t n = backlen_size(l);
    buf[0] = (unsigned char)(l >> (7 * (n - 1)));
    for (size_t i = 1; i < n; i++)
        buf[i] = (unsigned char)(((l >> (7 * (n - 1 - i))) & 127) | 128);
    return n;
}

/* Read the backlen that ends at p (inclusive), walking backwards. */
static uint64_t backlen_read(const unsigned char *p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        v |= (uint64_t)(*p & 127) << shift;
        if (!(*p & 128) || shift >= 28) break;
        shift += 7;
        p--;
    }
    return v;
}

/* An entry ready to be written: encoding bytes (and, for integers, the
 * data) in hdr, the string bytes in data, then the backlen. */
typedef struct lp_enc {
    unsigned char hdr[9];
    size_t hlen;
    const unsigned char *data;
    size_t dlen;
    unsigned char back[5];
    size_t blen;
    size_t total;
} lp_enc_t;

static void enc_finish(lp_enc_t *e)
{
    e->blen = backlen_write(e->back, e->hlen + e->dlen);
    e->total = e->hlen + e->dlen + e->blen;
}

/* Encode v with the smallest integer encoding. */
static void enc_int(lp_enc_t *e, long long v)
{
    e->data = NULL;
    e->dlen = 0;
    if (v >= 0 && v <= 127) {
        e->hdr[0] = (unsigned char)v;
        e->hlen = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = v < 0 ? (uint64_t)((1 << 13) + v) : (uint64_t)v;
        e->hdr[0] = (unsigned char)((u >> 8) | 0xC0);
        e->hdr[1] = (unsigned char)(u & 0xFF);
        e->hlen = 2;
    } else {
        int w = v >= -32768 && v <= 32767 ? 2
              : v >= -8388608 && v <= 8388607 ? 3
              : v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
        e->hdr[0] = w == 2 ? 0xF1 : w == 3 ? 0xF2 : w == 4 ? 0xF3 : 0xF4;
        wr_le(e->hdr + 1, (uint64_t)v, w);
        e->hlen = (size_t)w + 1;
    }
    enc_finish(e);
}

/* Encode s[0..n): as an integer if canonical, else as a string. n must be
 * below 4 GiB (callers check the total first). */
static void enc_str(lp_enc_t *e, const void *s, size_t n)
{
    long long v;
    if (lp_str2ll(s, n, &v)) {
        enc_int(e, v);
        return;
    }
    if (n < 64) {
        e->hdr[0] = (unsigned char)(0x80 | n);
        e->hlen = 1;
    } else if (n < 4096) {
        e->hdr[0] = (unsigned char)(0xE0 | (n >> 8));
        e->hdr[1] = (unsigned char)(n & 0xFF);
        e->hlen = 2;
    } else {
        e->hdr[0] = 0xF0;
        wr_le(e->hdr + 1, n, 4);
        e->hlen = 5;
    }
    e->data = s;
    e->dlen = n;
    enc_finish(e);
}

static void enc_write(const lp_enc_t *e, unsigned char *dst)
{
    memcpy(dst, e->hdr, e->hlen);
    if (e->dlen) memcpy(dst + e->hlen, e->data, e->dlen);
    memcpy(dst + e->hlen + e->dlen, e->back, e->blen);
}

/* ------------------------------------------------------------------ */
/* Entry decoding                                                      */
/* ------------------------------------------------------------------ */

/*
 * Length of encoding+data of the entry at p, reading at most avail bytes
 * of it to find out. 0 if the encoding byte is invalid (0xF5..0xFF) or
 * its length bytes pass avail.
 */
static uint64_t entry_len(const unsigned char *p, size_t avail)
{
    unsigned char b;
    if (avail < 1) return 0;
    b = p[0];
    if (b < 0x80) return 1;
    if (b < 0xC0) return 1 + (uint64_t)(b & 0x3F);
    if (b < 0xE0) return avail < 2 ? 0 : 2;
    if (b < 0xF0) return avail < 2 ? 0 : 2 + (uint64_t)((b & 0x0F) << 8 | p[1]);
    switch (b) {
    case 0xF0: return avail < 5 ? 0 : 5 + (uint64_t)rd_u32(p + 1);
    case 0xF1: return 3;
    case 0xF2: return 4;
    case 0xF3: return 5;
    case 0xF4: return 9;
    default: return 0;
    }
}

/* Whole size of a trusted entry: encoding, data and backlen. */
static size_t entry_total(const unsigned char *p)
{
    uint64_t l = entry_len(p, 5);
    return (size_t)(l + backlen_size(l));
}

/* Sign-extend the low `bits` bits of u. */
static long long sext(uint64_t u, int bits)
{
    uint64_t m = (uint64_t)1 << (bits - 1);
    u &= (m << 1) - 1;
    return (long long)((u ^ m) - m);
}

const unsigned char *lp_get(const unsigned char *p, size_t *len, long long *ival)
{
    unsigned char b = p[0];
    long long v;
    if (b < 0x80) {
        v = b;
    } else if (b < 0xC0) {
        if (len) *len = b & 0x3F;
        return p + 1;
    } else if (b < 0xE0) {
        v = sext((uint64_t)(b & 0x1F) << 8 | p[1], 13);
    } else if (b < 0xF0) {
        if (len) *len = (size_t)((b & 0x0F) << 8 | p[1]);
        return p + 2;
    } else if (b == 0xF0) {
        if (len) *len = rd_u32(p + 1);
        return p + 5;
    } else {
        int w = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
        v = sext(rd_le(p + 1, w), 8 * w);
    }
    if (ival) *ival = v;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static void *lp_mem(const lp_alloc_t *a, size_t n) { return a->alloc(a->ud, n); }

unsigned char *lp_new(const lp_alloc_t *a)
{
    unsigned char *lp = lp_mem(a, LP_HDR_SIZE + 1);
    set_header(lp, LP_HDR_SIZE + 1, 0);
    lp[LP_HDR_SIZE] = LP_EOF;
    return lp;
}

void lp_free(const lp_alloc_t *a, unsigned char *lp)
{
    if (lp) a->free(a->ud, lp);
}

size_t lp_bytes(const unsigned char *lp) { return rd_u32(lp); }

unsigned long lp_count(const unsigned char *lp)
{
    unsigned long n = 0;
    const unsigned char *p = lp + LP_HDR_SIZE;
    if (hdr_count(lp) != LP_COUNT_UNKNOWN) return hdr_count(lp);
    while (*p != LP_EOF) {
        p += entry_total(p);
        n++;
    }
    if (n < LP_COUNT_UNKNOWN) wr_le((unsigned char *)lp + 4, n, 2);
    return n;
}

unsigned char *lp_first(unsigned char *lp)
{
    unsigned char *p = lp + LP_HDR_SIZE;
    return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p)
{
    (void)lp;
    if (!p || *p == LP_EOF) return NULL;
    p += entry_total(p);
    return *p == LP_EOF ? NULL : p;
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p)
{
    uint64_t l;
    if (!p || p <= lp + LP_HDR_SIZE) return NULL;
    l = backlen_read(p - 1);
    return p - backlen_size(l) - l;
}

unsigned char *lp_last(unsigned char *lp)
{
    return lp_prev(lp, lp + lp_bytes(lp) - 1);
}

unsigned char *lp_seek(unsigned char *lp, long index)
{
    unsigned long count = lp_count(lp), i;
    unsigned char *p;
    if (index < 0) {
        if ((unsigned long)-(index + 1) >= count) return NULL;
        index = (long)(count - (unsigned long)-(index + 1) - 1);
    }
    if ((unsigned long)index >= count) return NULL;
    if ((unsigned long)index <= count / 2) {
        p = lp_first(lp);
        for (i = 0; i < (unsigned long)index; i++) p = lp_next(lp, p);
    } else {
        p = lp_last(lp);
        for (i = count - 1; i > (unsigned long)index; i--) p = lp_prev(lp, p);
    }
    return p;
}

/* True if the entry at p equals s[0..n); *sv caches s as an integer
 * (*state: 0 = not parsed yet, 1 = an integer, -1 = not one). */
static int entry_eq(const unsigned char *p, const void *s, size_t n,
                    long long *sv, int *state)
{
    size_t len;
    long long v;
    const unsigned char *d = lp_get(p, &len, &v);
    if (d) return len == n && (n == 0 || memcmp(d, s, n) == 0);
    if (*state == 0) *state = lp_str2ll(s, n, sv) ? 1 : -1;
    return *state == 1 && *sv == v;
}

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const void *s,
                       size_t n, unsigned skip)
{
    long long sv = 0;
    int state = 0;
    while (p) {
        if (entry_eq(p, s, n, &sv, &state)) return p;
        for (unsigned i = 0; i <= skip && p; i++) p = lp_next(lp, p);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Changing                                                            */
/* ------------------------------------------------------------------ */

/*
 * Replace old_len bytes at offset off with the entry e. Grows before and
 * shrinks after moving the tail, so the tail is never lost. Returns the
 * new listpack (header bytes set, count untouched) or NULL, lp unchanged,
 * if it would exceed 4 GiB - 1.
 */
static unsigned char *splice(const lp_alloc_t *a, unsigned char *lp, size_t off,
                             size_t old_len, const lp_enc_t *e)
{
    size_t bytes = lp_bytes(lp), tail = bytes - off - old_len;
    size_t nb;
    if (e->total > LP_MAX_BYTES || bytes - old_len > LP_MAX_BYTES - e->total)
        return NULL;
    nb = bytes - old_len + e->total;
    if (nb > bytes) lp = a->realloc(a->ud, lp, nb);
    memmove(lp + off + e->total, lp + off + old_len, tail);
    enc_write(e, lp + off);
    if (nb < bytes) lp = a->realloc(a->ud, lp, nb);
    wr_le(lp, nb, 4);
    return lp;
}

/* Where an insert of `where` relative to p writes, and how many bytes it
 * replaces; -1 for LP_REPLACE without an entry. */
static int insert_pos(unsigned char *lp, unsigned char *p, int where,
                      size_t *off, size_t *old_len)
{
    *old_len = 0;
    if (!p) {
        if (where == LP_REPLACE) return -1;
        *off = where == LP_BEFORE ? LP_HDR_SIZE : lp_bytes(lp) - 1;
        return 0;
    }
    *off = (size_t)(p - lp);
    if (where == LP_AFTER) *off += entry_total(p);
    else if (where == LP_REPLACE) *old_len = entry_total(p);
    return 0;
}

/* Insert the encoded entry e as lp_insert describes. */
static unsigned char *insert_enc(const lp_alloc_t *a, unsigned char *lp,
                                 const lp_enc_t *e, unsigned char *p,
                                 int where, unsigned char **newp)
{
    size_t off, old_len;
    unsigned char *nl;
    if (insert_pos(lp, p, where, &off, &old_len) < 0) return NULL;
    nl = splice(a, lp, off, old_len, e);
    if (!nl) return NULL;
    if (where != LP_REPLACE) adjust_count(nl, 1);
    if (newp) *newp = nl + off;
    return nl;
}

unsigned char *lp_insert(const lp_alloc_t *a, unsigned char *lp, const void *s,
                         size_t n, unsigned char *p, int where,
                         unsigned char **newp)
{
    const unsigned char *src = s;
    unsigned char *copy = NULL, *res;
    lp_enc_t e;
    if (n > LP_MAX_BYTES) return NULL;
    /* s inside lp would move with the realloc: work from a copy. */
    if (n && src >= lp && src < lp + lp_bytes(lp)) {
        copy = lp_mem(a, n);
        memcpy(copy, src, n);
        src = copy;
    }
    enc_str(&e, src, n);
    res = insert_enc(a, lp, &e, p, where, newp);
    if (copy) a->free(a->ud, copy);
    return res;
}

unsigned char *lp_append(const lp_alloc_t *a, unsigned char *lp, const void *s,
                         size_t n)
{
    return lp_insert(a, lp, s, n, NULL, LP_AFTER, NULL);
}

unsigned char *lp_insert_int(const lp_alloc_t *a, unsigned char *lp,
                             long long v, unsigned char *p, int where,
                             unsigned char **newp)
{
    lp_enc_t e;
    enc_int(&e, v);
    return insert_enc(a, lp, &e, p, where, newp);
}

/* Remove bytes [off, off+len) holding `entries` entries. */
static unsigned char *cut(const lp_alloc_t *a, unsigned char *lp, size_t off,
                          size_t len, unsigned long entries)
{
    size_t bytes = lp_bytes(lp);
    memmove(lp + off, lp + off + len, bytes - off - len);
    lp = a->realloc(a->ud, lp, bytes - len);
    wr_le(lp, bytes - len, 4);
    adjust_count(lp, -(long)entries);
    return lp;
}

unsigned char *lp_delete(const lp_alloc_t *a, unsigned char *lp,
                         unsigned char *p, unsigned char **nextp)
{
    size_t off = (size_t)(p - lp);
    lp = cut(a, lp, off, entry_total(p), 1);
    if (nextp) *nextp = lp[off] == LP_EOF ? NULL : lp + off;
    return lp;
}

unsigned char *lp_delete_range(const lp_alloc_t *a, unsigned char *lp,
                               long index, unsigned long num)
{
    unsigned char *p, *q;
    unsigned long k = 0;
    if (num == 0 || !(p = lp_seek(lp, index))) return lp;
    for (q = p; k < num && *q != LP_EOF; k++) q += entry_total(q);
    return cut(a, lp, (size_t)(p - lp), (size_t)(q - p), k);
}

unsigned char *lp_dup(const lp_alloc_t *a, const unsigned char *lp)
{
    size_t n = lp_bytes(lp);
    unsigned char *c = lp_mem(a, n);
    memcpy(c, lp, n);
    return c;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* Check the entry at p, which has avail bytes up to (not counting) the
 * terminator's position; returns its whole size, or 0 if invalid. */
static size_t entry_check(const unsigned char *p, size_t avail)
{
    unsigned char back[5];
    uint64_t l = entry_len(p, avail);
    size_t bl;
    if (l == 0 || l > avail) return 0;
    bl = backlen_write(back, l);
    if (bl > avail - l || memcmp(p + l, back, bl) != 0) return 0;
    return (size_t)(l + bl);
}

int lp_validate(const unsigned char *blob, size_t size)
{
    size_t off = LP_HDR_SIZE, t;
    unsigned long n = 0;
    if (!blob || size < LP_HDR_SIZE + 1 || size > LP_MAX_BYTES) return -1;
    if (rd_u32(blob) != size || blob[size - 1] != LP_EOF) return -1;
    while (blob[off] != LP_EOF) {
        t = entry_check(blob + off, size - 1 - off);
        if (!t) return -1;
        off += t;
        n++;
    }
    if (off != size - 1) return -1;
    if (hdr_count(blob) != LP_COUNT_UNKNOWN && hdr_count(blob) != n) return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Building a listpack in one pass (the legacy converters)             */
/* ------------------------------------------------------------------ */

typedef struct lp_build {
    const lp_alloc_t *a;
    unsigned char *buf;
    size_t cap, used;
    unsigned long count;
} lp_build_t;

static void lb_init(lp_build_t *b, const lp_alloc_t *a, size_t hint)
{
    b->a = a;
    b->cap = (hint < 64 ? 64 : hint) + LP_HDR_SIZE + 1;
    b->buf = lp_mem(a, b->cap);
    b->used = LP_HDR_SIZE;
    b->count = 0;
}

/* Append the encoded entry e; -1 if the listpack would pass 4 GiB - 1. */
static int lb_add(lp_build_t *b, const lp_enc_t *e)
{
    size_t need = b->used + e->total + 1;
    if (e->total > LP_MAX_BYTES || need > LP_MAX_BYTES) return -1;
    if (need > b->cap) {
        size_t nc = b->cap * 2 > need ? b->cap * 2 : need;
        b->buf = b->a->realloc(b->a->ud, b->buf, nc);
        b->cap = nc;
    }
    enc_write(e, b->buf + b->used);
    b->used += e->total;
    b->count++;
    return 0;
}

static int lb_add_str(lp_build_t *b, const unsigned char *s, size_t n)
{
    lp_enc_t e;
    if (n > LP_MAX_BYTES) return -1;
    enc_str(&e, s, n);
    return lb_add(b, &e);
}

static int lb_add_int(lp_build_t *b, long long v)
{
    lp_enc_t e;
    enc_int(&e, v);
    return lb_add(b, &e);
}

/* Terminate, trim and return the listpack. */
static unsigned char *lb_finish(lp_build_t *b)
{
    b->buf[b->used++] = LP_EOF;
    set_header(b->buf, b->used, b->count);
    return b->a->realloc(b->a->ud, b->buf, b->used);
}

static unsigned char *lb_fail(lp_build_t *b)
{
    b->a->free(b->a->ud, b->buf);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Ziplist                                                             */
/* ------------------------------------------------------------------ */
/*
 * zlbytes (u32 LE), zltail (u32 LE, offset of the last entry), zllen
 * (u16 LE, 65535 = unknown), entries, 0xFF. An entry: prevlen (1 byte
 * < 254, or 0xFE + u32 LE; the long form may hold a small value), then
 * 00pppppp / 01pppppp qqqqqqqq (BE) / 10______ + u32 BE: string of that
 * length; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8
 * (LE); 0xF1..0xFD: the value (low nibble - 1), no data.
 */
#define ZL_HDR_SIZE 10

/* One parsed ziplist entry. */
typedef struct zl_entry {
    size_t prevlen, raw;      /* prevlen field's value; whole entry size */
    const unsigned char *str; /* string data, or NULL for an integer */
    size_t slen;
    long long ival;
} zl_entry_t;

/* Integer encodings: data width in bytes; -1 if b is not one. */
static int zl_int_width(unsigned char b)
{
    switch (b) {
    case 0xFE: return 1;
    case 0xC0: return 2;
    case 0xF0: return 3;
    case 0xD0: return 4;
    case 0xE0: return 8;
    default: return b >= 0xF1 && b <= 0xFD ? 0 : -1;
    }
}

/* Decode the string/integer part of an entry at p with avail bytes;
 * returns its size or 0 if invalid. */
static size_t zl_parse_value(const unsigned char *p, size_t avail, zl_entry_t *e)
{
    unsigned char b = p[0];
    size_t h;
    uint64_t l;
    int w;
    if (b < 0xC0) {
        h = b < 0x40 ? 1 : b < 0x80 ? 2 : 5;
        if (avail < h) return 0;
        l = h == 1 ? (uint64_t)(b & 0x3F)
          : h == 2 ? (uint64_t)((b & 0x3F) << 8 | p[1])
          : (uint64_t)p[1] << 24 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 8 | p[4];
        if (l > avail - h) return 0;
        e->str = p + h;
        e->slen = (size_t)l;
        return h + (size_t)l;
    }
    if ((w = zl_int_width(b)) < 0 || avail < 1 + (size_t)w) return 0;
    e->str = NULL;
    e->ival = w == 0 ? (long long)((b & 0x0F) - 1) : sext(rd_le(p + 1, w), 8 * w);
    return 1 + (size_t)w;
}

/* Parse the entry at p with avail bytes before the end marker. */
static int zl_parse(const unsigned char *p, size_t avail, zl_entry_t *e)
{
    size_t pl, vl;
    if (p[0] < 254) {
        pl = 1;
        e->prevlen = p[0];
    } else if (p[0] == 254 && avail >= 5) {
        pl = 5;
        e->prevlen = rd_u32(p + 1);
    } else {
        return -1;
    }
    if (pl >= avail) return -1;
    vl = zl_parse_value(p + pl, avail - pl, e);
    if (vl == 0) return -1;
    e->raw = pl + vl;
    return 0;
}

unsigned char *lp_from_ziplist(const lp_alloc_t *a, const unsigned char *zl,
                               size_t size)
{
    lp_build_t b;
    zl_entry_t e;
    size_t off = ZL_HDR_SIZE, prev_raw = 0, last = ZL_HDR_SIZE;
    unsigned long n = 0;
    if (!zl || size < ZL_HDR_SIZE + 1 || size > UINT32_MAX) return NULL;
    if (rd_u32(zl) != size || zl[size - 1] != 0xFF) return NULL;
    lb_init(&b, a, size);
    while (zl[off] != 0xFF) {
        if (zl_parse(zl + off, size - 1 - off, &e) < 0 || e.prevlen != prev_raw)
            return lb_fail(&b);
        if ((e.str ? lb_add_str(&b, e.str, e.slen) : lb_add_int(&b, e.ival)) < 0)
            return lb_fail(&b);
        last = off;
        prev_raw = e.raw;
        off += e.raw;
        n++;
    }
    if (off != size - 1 || (n && rd_u32(zl + 4) != last)) return lb_fail(&b);
    if (rd_le(zl + 8, 2) != 65535 && rd_le(zl + 8, 2) != n) return lb_fail(&b);
    return lb_finish(&b);
}

/* ------------------------------------------------------------------ */
/* Zipmap                                                              */
/* ------------------------------------------------------------------ */
/*
 * zmlen (1 byte: the pair count, 254 = unknown), then pairs: len + field,
 * len + free (1 byte) + value + `free` unused bytes; 0xFF. A len is 1 byte
 * below 254, or 254 + u32 LE.
 */

/* Read a zipmap length at *off (within limit); -1 if invalid. */
static int zm_len(const unsigned char *zm, size_t *off, size_t limit, size_t *len)
{
    unsigned char b = zm[*off];
    if (b < 254) {
        *len = b;
        *off += 1;
        return 0;
    }
    if (b != 254 || limit - *off < 5) return -1;
    *len = rd_u32(zm + *off + 1);
    *off += 5;
    return 0;
}

/* Parse the pair at *off (end marker at limit) into the builder. */
static int zm_pair(lp_build_t *b, const unsigned char *zm, size_t *off, size_t limit)
{
    size_t kl, vl, k, fr;
    if (zm_len(zm, off, limit, &kl) < 0 || kl > limit - *off) return -1;
    k = *off;
    *off += kl;
    if (*off >= limit || zm_len(zm, off, limit, &vl) < 0 || *off >= limit)
        return -1;
    fr = zm[(*off)++];
    if (vl > limit - *off || fr > limit - *off - vl) return -1;
    if (lb_add_str(b, zm + k, kl) < 0 || lb_add_str(b, zm + *off, vl) < 0)
        return -1;
    *off += vl + fr;
    return 0;
}

unsigned char *lp_from_zipmap(const lp_alloc_t *a, const unsigned char *zm,
                              size_t size)
{
    lp_build_t b;
    size_t off = 1, limit;
    if (!zm || size < 2 || size > UINT32_MAX || zm[size - 1] != 0xFF) return NULL;
    limit = size - 1;
    lb_init(&b, a, size);
    while (off < limit && zm[off] != 0xFF)
        if (zm_pair(&b, zm, &off, limit) < 0) return lb_fail(&b);
    if (off != limit) return lb_fail(&b);
    if (zm[0] != 254 && zm[0] != b.count / 2) return lb_fail(&b);
    return lb_finish(&b);
}
