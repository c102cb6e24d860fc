/*
 * strings_value.c — the encodings of a string value (see strings_value.h
 * for the word layout and its invariants).
 *
 * This file only uses the memory part of the SDK (md_alloc, md_realloc,
 * md_free, md_usable), so unit tests can include it with a malloc-backed
 * API table. Everything here is pure value manipulation: no keys, no
 * replies.
 */
#include <string.h>
#include <limits.h>
#include "strings_value.h"

#define TAG_MASK ((uintptr_t)7)
#define TAG_EMBSTR ((uintptr_t)0)
#define TAG_RAW ((uintptr_t)2)
#define TAG_BOXED ((uintptr_t)4)
#define TAG_RAW64 ((uintptr_t)6)

#define HDR_EMB 1
#define HDR_RAW 4
#define HDR_RAW64 8

#define SDS_MAX_PREALLOC (1024 * 1024) /* Redis's greedy growth step */

static inline uintptr_t w(const void *v) { return (uintptr_t)v; }
/* Immediate: no block behind the word (integer or inline string). */
static inline int is_imm(const void *v) { return (int)(w(v) & 1); }
static inline int is_imm_int(const void *v) { return (w(v) & 3) == 1; }
static inline int is_inline(const void *v) { return (w(v) & 3) == 3; }
static inline uintptr_t tag(const void *v) { return w(v) & TAG_MASK; }
static inline unsigned char *blk(const void *v)
{ return (unsigned char *)(w(v) & ~TAG_MASK); }
static inline void *mk(void *p, uintptr_t t) { return (void *)((uintptr_t)p | t); }

/* Allocate n bytes; the tag bits must be free in the address. */
static void *alloc_block(size_t n)
{
    void *p = md_alloc(n);
    /* Invariant of the allocator contract: at least 8-byte alignment. */
    if (p == NULL || (w(p) & TAG_MASK) != 0) __builtin_trap();
    return p;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

/* Redis string2ll(): accepts exactly the canonical decimal form of a
 * long long ("0", "-12", not "-0", "007", "+1", " 1", ""). */
int sv_string2ll(const char *s, size_t n, long long *out)
{
    size_t i = 0;
    int neg = 0;
    unsigned long long v;

    if (n == 0 || n >= SV_LONG_STR_SIZE) return 0;
    if (n == 1 && s[0] == '0') {
        if (out) *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        neg = 1;
        if (++i == n) return 0;
    }
    if (s[i] < '1' || s[i] > '9') return 0;
    v = (unsigned long long)(s[i++] - '0');
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (v > ULLONG_MAX / 10) return 0;
        v *= 10;
        if (v > ULLONG_MAX - (unsigned long long)(s[i] - '0')) return 0;
        v += (unsigned long long)(s[i] - '0');
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        if (out) *out = (long long)(0ULL - v);
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        if (out) *out = (long long)v;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

void *sv_from_ll(long long v)
{
    if (v >= SV_IMM_MIN && v <= SV_IMM_MAX)
        return (void *)(((uintptr_t)(intptr_t)v << 2) | 1);
    int64_t *p = alloc_block(sizeof(int64_t));
    *p = v;
    return mk(p, TAG_BOXED);
}

/* An inline string word: bits 0-1 = 11, bits 2-4 = length, bytes from
 * bit 8 up. n <= SV_INLINE_MAX. */
static void *new_inline(const void *p, size_t n)
{
    const unsigned char *s = p;
    uintptr_t x = ((uintptr_t)n << 2) | 3;
    for (size_t i = 0; i < n; i++) x |= (uintptr_t)s[i] << (8 * (i + 1));
    return (void *)x;
}

static size_t inline_bytes(const void *v, char *buf)
{
    size_t n = (w(v) >> 2) & 7;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(unsigned char)(w(v) >> (8 * (i + 1)));
    return n;
}

/* Redis's embstr: inline when it fits in the word, else one block. */
static void *new_embstr(const void *p, size_t n)
{
    if (n <= (size_t)SV_INLINE_MAX) return new_inline(p, n);
    unsigned char *b = alloc_block(HDR_EMB + n);
    b[0] = (unsigned char)n;
    if (n) memcpy(b + HDR_EMB, p, n);
    return mk(b, TAG_EMBSTR);
}

/* Header size and tag of a raw value able to hold `len` bytes. */
static inline size_t raw_hdr(size_t len) { return len > UINT32_MAX ? HDR_RAW64 : HDR_RAW; }
static inline uintptr_t raw_tag(size_t len) { return len > UINT32_MAX ? TAG_RAW64 : TAG_RAW; }

static inline void raw_set_len(unsigned char *b, uintptr_t t, size_t len)
{
    if (t == TAG_RAW) {
        uint32_t l = (uint32_t)len;
        memcpy(b, &l, sizeof l);
    } else {
        uint64_t l = len;
        memcpy(b, &l, sizeof l);
    }
}

/* A raw block with room for `cap` bytes holding len bytes from p (or zeros
 * when p is NULL). */
static void *new_raw_cap(const void *p, size_t len, size_t cap)
{
    uintptr_t t = raw_tag(cap);
    size_t hdr = raw_hdr(cap);
    unsigned char *b = alloc_block(hdr + cap);

    raw_set_len(b, t, len);
    if (p) {
        if (len) memcpy(b + hdr, p, len);
    } else {
        memset(b + hdr, 0, len);
    }
    return mk(b, t);
}

void *sv_new_raw(const void *p, size_t n) { return new_raw_cap(p, n, n); }

void *sv_new_str(const void *p, size_t n)
{
    return n <= SV_EMBSTR_MAX ? new_embstr(p, n) : sv_new_raw(p, n);
}

void *sv_from_arg(const void *p, size_t n)
{
    long long v;
    if (n <= 20 && n > 0 && sv_string2ll(p, n, &v)) return sv_from_ll(v);
    return sv_new_str(p, n);
}

void *sv_from_buf(void *buf, size_t n)
{
    void *res;

    if (n <= SV_EMBSTR_MAX) { /* int, inline or embstr: a fresh word */
        res = sv_from_arg(buf, n);
        md_free(buf);
        return res;
    }
    /* Reuse the block: grow it by the header and shift the bytes. */
    size_t hdr = raw_hdr(n);
    unsigned char *b = md_realloc(buf, hdr + n);
    if (b == NULL || (w(b) & TAG_MASK) != 0) __builtin_trap();
    memmove(b + hdr, b, n);
    raw_set_len(b, raw_tag(n), n);
    return mk(b, raw_tag(n));
}

/* ------------------------------------------------------------------ */
/* Inspection                                                          */
/* ------------------------------------------------------------------ */

int sv_int_value(const void *v, long long *out)
{
    if (is_imm_int(v)) {
        *out = (long long)((intptr_t)w(v) >> 2);
        return 1;
    }
    if (tag(v) == TAG_BOXED) {
        int64_t x;
        memcpy(&x, blk(v), sizeof x);
        *out = x;
        return 1;
    }
    return 0;
}

/* Length and bytes of a non-integer value. */
static inline size_t str_len(const void *v)
{
    const unsigned char *b = blk(v);
    switch (tag(v)) {
    case TAG_EMBSTR:
        return b[0];
    case TAG_RAW: {
        uint32_t l;
        memcpy(&l, b, sizeof l);
        return l;
    }
    default: { /* TAG_RAW64 */
        uint64_t l;
        memcpy(&l, b, sizeof l);
        return (size_t)l;
    }
    }
}

static inline size_t str_hdr(const void *v)
{
    switch (tag(v)) {
    case TAG_EMBSTR: return HDR_EMB;
    case TAG_RAW: return HDR_RAW;
    default: return HDR_RAW64;
    }
}

md_arg_t sv_bytes(const void *v, char *buf)
{
    md_arg_t a;
    long long x;

    if (sv_int_value(v, &x)) {
        a.len = (size_t)md_ll2str_inline(buf, x);
        a.ptr = buf;
    } else if (is_inline(v)) {
        a.len = inline_bytes(v, buf);
        a.ptr = buf;
    } else {
        a.ptr = (const char *)blk(v) + str_hdr(v);
        a.len = str_len(v);
    }
    return a;
}

size_t sv_len(const void *v)
{
    long long x;
    char buf[SV_INT_BUF];

    if (sv_int_value(v, &x)) return (size_t)md_ll2str_inline(buf, x);
    if (is_inline(v)) return (w(v) >> 2) & 7;
    return str_len(v);
}

int sv_encoding(const void *v)
{
    if (is_imm_int(v) || tag(v) == TAG_BOXED) return SV_ENC_INT;
    if (is_inline(v) || tag(v) == TAG_EMBSTR) return SV_ENC_EMBSTR;
    return SV_ENC_RAW;
}

const char *sv_encoding_name(const void *v)
{
    static const char *const names[] = {"int", "embstr", "raw"};
    return names[sv_encoding(v)];
}

int sv_get_ll(const void *v, long long *out)
{
    char buf[SV_INT_BUF];
    md_arg_t a;

    if (sv_int_value(v, out)) return MD_OK;
    a = sv_bytes(v, buf);
    return sv_string2ll(a.ptr, a.len, out) ? MD_OK : MD_ERR;
}

size_t sv_mem_usage(const void *v)
{
    return is_imm(v) ? 0 : md_usable(blk(v));
}

void sv_free(void *v)
{
    if (!is_imm(v)) md_free(blk(v));
}

void *sv_dup(const void *v)
{
    long long x;
    if (sv_int_value(v, &x)) return sv_from_ll(x);
    if (is_inline(v)) return (void *)v;
    const char *p = (const char *)blk(v) + str_hdr(v);
    size_t n = str_len(v);
    return tag(v) == TAG_EMBSTR ? new_embstr(p, n) : sv_new_raw(p, n);
}

/* ------------------------------------------------------------------ */
/* Mutation                                                            */
/* ------------------------------------------------------------------ */

/* sds-style greedy capacity for a string that must hold `need` bytes. */
static size_t greedy(size_t need)
{
    if (need < SDS_MAX_PREALLOC) return need * 2;
    if (need > SIZE_MAX - SDS_MAX_PREALLOC) return need;
    return need + SDS_MAX_PREALLOC;
}

static inline size_t raw_cap(const void *v)
{
    return md_usable(blk(v)) - str_hdr(v);
}

/* sv_make_raw() with the zero fill of the new tail optional. */
static char *make_raw(void **vp, size_t minlen, size_t *len, int zero)
{
    void *v = *vp;
    size_t cur, hdr;

    if (is_imm(v) || (tag(v) != TAG_RAW && tag(v) != TAG_RAW64)) {
        /* int/inline/embstr: copy into a fresh raw block (Redis
         * dbUnshareStringValue), sized exactly unless it grows now. */
        char buf[SV_INT_BUF];
        md_arg_t a = sv_bytes(v, buf);
        void *r = new_raw_cap(a.ptr, a.len,
                              minlen > a.len ? greedy(minlen) : a.len);
        sv_free(v);
        v = r;
    }
    cur = str_len(v);
    hdr = str_hdr(v);
    if (minlen > cur) {
        if (tag(v) == TAG_RAW && minlen > UINT32_MAX) {
            /* The length header widens: move to a new block. */
            void *r = new_raw_cap(blk(v) + hdr, cur, greedy(minlen));
            sv_free(v);
            v = r;
            hdr = str_hdr(v);
        } else if (minlen > raw_cap(v)) {
            unsigned char *b = md_realloc(blk(v), hdr + greedy(minlen));
            if (b == NULL || (w(b) & TAG_MASK) != 0) __builtin_trap();
            v = mk(b, tag(v));
        }
        if (zero) memset(blk(v) + hdr + cur, 0, minlen - cur);
        raw_set_len(blk(v), tag(v), minlen);
        cur = minlen;
    }
    *vp = v;
    *len = cur;
    return (char *)blk(v) + hdr;
}

char *sv_make_raw(void **vp, size_t minlen, size_t *len)
{
    return make_raw(vp, minlen, len, 1);
}

char *sv_resize(void **vp, size_t len)
{
    size_t cur;
    char *p = make_raw(vp, len, &cur, 1);

    if (len < cur) raw_set_len(blk(*vp), tag(*vp), len);
    return p;
}

void *sv_append(void *v, const void *p, size_t n)
{
    size_t cur = sv_len(v), len;
    char *dst = make_raw(&v, cur + n, &len, 0);

    if (n) memcpy(dst + cur, p, n);
    return v;
}
