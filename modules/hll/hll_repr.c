/*
 * hll_repr.c — Redis's HyperLogLog encodings and estimator (see
 * hll_repr.h for the layout and the contracts).
 *
 * The sparse update follows Redis's algorithm step by step (find the
 * opcode covering the register, split it into at most five bytes, merge
 * equal neighbouring VAL opcodes within five opcodes of the change),
 * because the bytes it leaves are part of the format clients see through
 * GET, DUMP and RDB files. Readers of the sparse form bound every step by
 * the value's length; a corrupt value is reported, never followed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "hll_repr.h"

#define HLL_HASH_SEED 0xadc83b19ULL
#define HLL_ALPHA_INF 0.721347520444481703680 /* 0.5 / ln(2) */
#define HLL_CACHE_STALE 0x80                  /* in byte 15 */

/* Sparse opcodes. */
#define OP_IS_ZERO(b) (((b) & 0xc0) == 0x00)
#define OP_IS_XZERO(b) (((b) & 0xc0) == 0x40)
#define OP_IS_VAL(b) (((b) & 0x80) != 0)
#define ZERO_LEN(b) (((b) & 0x3f) + 1)
#define VAL_VALUE(b) ((((b) >> 2) & 0x1f) + 1)
#define VAL_LEN(b) (((b) & 0x3) + 1)
#define VAL_BYTE(v, n) ((uint8_t)(0x80 | (((v) - 1) << 2) | ((n) - 1)))
#define ZERO_MAX_LEN 64
#define VAL_MAX_LEN 4
#define XZERO_MAX_LEN 16384

/* ------------------------------------------------------------------ */
/* Hashing                                                             */
/* ------------------------------------------------------------------ */

static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t k;
    memcpy(&k, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    k = __builtin_bswap64(k);
#endif
    return k;
}

uint64_t hll_murmur64a(const void *key, size_t len, uint64_t seed)
{
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    const uint8_t *d = key;
    uint64_t h = seed ^ ((uint64_t)len * m);

    for (size_t i = 0; i < len / 8; i++, d += 8) {
        uint64_t k = load_le64(d);
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    switch (len & 7) {
    case 7: h ^= (uint64_t)d[6] << 48; /* fall through */
    case 6: h ^= (uint64_t)d[5] << 40; /* fall through */
    case 5: h ^= (uint64_t)d[4] << 32; /* fall through */
    case 4: h ^= (uint64_t)d[3] << 24; /* fall through */
    case 3: h ^= (uint64_t)d[2] << 16; /* fall through */
    case 2: h ^= (uint64_t)d[1] << 8;  /* fall through */
    case 1:
        h ^= (uint64_t)d[0];
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

unsigned hll_pattern(const void *ele, size_t len, long *reg)
{
    uint64_t hash = hll_murmur64a(ele, len, HLL_HASH_SEED);

    *reg = (long)(hash & (HLL_REGISTERS - 1));
    hash >>= HLL_P;
    hash |= (uint64_t)1 << HLL_Q; /* the run ends by bit Q at the latest */
    return (unsigned)__builtin_ctzll(hash) + 1;
}

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

int hll_is_hll(const uint8_t *s, size_t len)
{
    if (len < HLL_HDR_SIZE || memcmp(s, "HYLL", 4) != 0) return 0;
    if (s[4] > HLL_SPARSE) return 0;
    return s[4] != HLL_DENSE || len == HLL_DENSE_SIZE;
}

void hll_init_sparse(uint8_t *s)
{
    memset(s, 0, HLL_HDR_SIZE);
    memcpy(s, "HYLL", 4);
    s[4] = HLL_SPARSE;
    s[HLL_HDR_SIZE] = (uint8_t)(0x40 | ((XZERO_MAX_LEN - 1) >> 8));
    s[HLL_HDR_SIZE + 1] = (uint8_t)((XZERO_MAX_LEN - 1) & 0xff);
}

int hll_cache_get(const uint8_t *s, uint64_t *card)
{
    uint64_t c = 0;
    if (s[15] & HLL_CACHE_STALE) return 0;
    for (int i = 7; i >= 0; i--) c = (c << 8) | s[8 + i];
    *card = c;
    return 1;
}

void hll_cache_set(uint8_t *s, uint64_t card)
{
    for (int i = 0; i < 8; i++) s[8 + i] = (uint8_t)(card >> (8 * i));
}

void hll_cache_invalidate(uint8_t *s) { s[15] |= HLL_CACHE_STALE; }

/* ------------------------------------------------------------------ */
/* Dense registers                                                     */
/* ------------------------------------------------------------------ */

/* A register spans two bytes only when it starts at bit 4 or 6 of its
 * first byte, so the last register (bit 2 of the last byte) never reads
 * past the array. */
unsigned hll_dense_get(const uint8_t *regs, long i)
{
    size_t b = (size_t)i * 6 / 8;
    unsigned fb = (unsigned)(i * 6) & 7, v = regs[b] >> fb;

    if (fb > 2) v |= (unsigned)regs[b + 1] << (8 - fb);
    return v & HLL_REGISTER_MAX;
}

void hll_dense_set(uint8_t *regs, long i, unsigned v)
{
    size_t b = (size_t)i * 6 / 8;
    unsigned fb = (unsigned)(i * 6) & 7;

    regs[b] = (uint8_t)((regs[b] & ~(HLL_REGISTER_MAX << fb)) | (v << fb));
    if (fb > 2)
        regs[b + 1] = (uint8_t)((regs[b + 1] & ~(HLL_REGISTER_MAX >> (8 - fb))) |
                                (v >> (8 - fb)));
}

int hll_dense_update(uint8_t *regs, long i, unsigned count)
{
    if (count <= hll_dense_get(regs, i)) return 0;
    hll_dense_set(regs, i, count);
    return 1;
}

/* The four registers held by bytes b[0..3) of a dense array. */
static inline void dense_group(const uint8_t *b, unsigned r[4])
{
    r[0] = b[0] & 63;
    r[1] = ((b[0] >> 6) | (b[1] << 2)) & 63;
    r[2] = ((b[1] >> 4) | (b[2] << 4)) & 63;
    r[3] = b[2] >> 2;
}

/* ------------------------------------------------------------------ */
/* Reading the sparse form                                             */
/* ------------------------------------------------------------------ */

/* The XZERO run at p; a second byte past `end` reads as 0. */
static inline long xzero_len(const uint8_t *p, const uint8_t *end)
{
    unsigned lo = p + 1 < end ? p[1] : 0;
    return (long)((((unsigned)p[0] & 0x3f) << 8) | lo) + 1;
}

/* Decode the opcode at *pp, advance past it: its run length, and in *val
 * the registers' value (0 for the zero runs). */
static inline long op_next(const uint8_t **pp, const uint8_t *end,
                           unsigned *val)
{
    const uint8_t *p = *pp;

    if (OP_IS_ZERO(*p)) {
        *val = 0;
        *pp = p + 1;
        return ZERO_LEN(*p);
    }
    if (OP_IS_XZERO(*p)) {
        *val = 0;
        *pp = p + 2;
        return xzero_len(p, end);
    }
    *val = VAL_VALUE(*p);
    *pp = p + 1;
    return VAL_LEN(*p);
}

int hll_sparse_to_dense(const uint8_t *s, size_t len, uint8_t *dense)
{
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    uint8_t *regs = dense + HLL_HDR_SIZE;
    long idx = 0, n;
    unsigned v;

    memset(dense, 0, HLL_DENSE_SIZE);
    memcpy(dense, s, HLL_HDR_SIZE); /* magic, cached cardinality */
    dense[4] = HLL_DENSE;
    while (p < end) {
        n = op_next(&p, end, &v);
        if (v) {
            if (idx + n > HLL_REGISTERS) return -1;
            for (long i = 0; i < n; i++) hll_dense_set(regs, idx + i, v);
        }
        idx += n;
    }
    return idx == HLL_REGISTERS ? 0 : -1;
}

int hll_merge_max(const uint8_t *s, size_t len, uint8_t *max)
{
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    long idx = 0, n;
    unsigned v, r[4];

    if (s[4] == HLL_DENSE) {
        for (long g = 0; g < HLL_REGISTERS / 4; g++) {
            dense_group(p + 3 * g, r);
            for (int k = 0; k < 4; k++)
                if (r[k] > max[4 * g + k]) max[4 * g + k] = (uint8_t)r[k];
        }
        return 0;
    }
    while (p < end) {
        n = op_next(&p, end, &v);
        if (v) {
            if (idx + n > HLL_REGISTERS) return -1;
            for (long i = idx; i < idx + n; i++)
                if (v > max[i]) max[i] = (uint8_t)v;
        }
        idx += n;
    }
    return idx == HLL_REGISTERS ? 0 : -1;
}

int hll_histogram(const uint8_t *s, size_t len, int *histo)
{
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    long idx = 0, n;
    unsigned v, r[4];

    memset(histo, 0, 64 * sizeof(int));
    if (s[4] == HLL_DENSE) {
        for (long g = 0; g < HLL_REGISTERS / 4; g++) {
            dense_group(p + 3 * g, r);
            histo[r[0]]++;
            histo[r[1]]++;
            histo[r[2]]++;
            histo[r[3]]++;
        }
        return 0;
    }
    while (p < end && idx <= HLL_REGISTERS) {
        n = op_next(&p, end, &v);
        histo[v] += (int)n;
        idx += n;
    }
    return idx == HLL_REGISTERS && p >= end ? 0 : -1;
}

void hll_raw_histogram(const uint8_t *raw, int *histo)
{
    memset(histo, 0, 64 * sizeof(int));
    for (long i = 0; i < HLL_REGISTERS; i++) histo[raw[i] & 63]++;
}

size_t hll_sparse_decode(const uint8_t *s, size_t len, char *out)
{
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    size_t o = 0;

    while (p < end) {
        unsigned b = *p, v;
        long n = op_next(&p, end, &v);
        if (o) out[o++] = ' ';
        if (OP_IS_VAL(b))
            o += (size_t)sprintf(out + o, "v:%u,%ld", v, n);
        else
            o += (size_t)sprintf(out + o, "%c:%ld", OP_IS_ZERO(b) ? 'z' : 'Z', n);
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* Updating the sparse form                                            */
/* ------------------------------------------------------------------ */

/* A zero run of n registers (1..16384) at q: ZERO or XZERO. */
static int put_zero(uint8_t *q, long n)
{
    if (n > ZERO_MAX_LEN) {
        q[0] = (uint8_t)(0x40 | ((n - 1) >> 8));
        q[1] = (uint8_t)((n - 1) & 0xff);
        return 2;
    }
    q[0] = (uint8_t)(n - 1);
    return 1;
}

/* Redis's split of the opcode at p (covering registers first..last) so
 * that register i gets `count`: at most ZERO/VAL + VAL + ZERO/VAL. */
static int split(const uint8_t *p, long first, long last, long i,
                 unsigned count, uint8_t *seq)
{
    int n = 0;

    if (!OP_IS_VAL(*p)) {
        if (i != first) n += put_zero(seq + n, i - first);
        seq[n++] = VAL_BYTE(count, 1);
        if (i != last) n += put_zero(seq + n, last - i);
    } else {
        unsigned cur = VAL_VALUE(*p);
        if (i != first) seq[n++] = VAL_BYTE(cur, (unsigned)(i - first));
        seq[n++] = VAL_BYTE(count, 1);
        if (i != last) seq[n++] = VAL_BYTE(cur, (unsigned)(last - i));
    }
    return n;
}

/* Merge equal adjacent VAL opcodes over at most five opcodes from p, as
 * Redis does after an update. *end and *len shrink with each merge. */
static void merge_vals(uint8_t *p, uint8_t **end, size_t *len)
{
    int scan = 5;

    while (p < *end && scan--) {
        if (OP_IS_XZERO(*p)) {
            p += 2;
            continue;
        }
        if (OP_IS_ZERO(*p)) {
            p++;
            continue;
        }
        if (p + 1 < *end && OP_IS_VAL(p[1]) && VAL_VALUE(p[0]) == VAL_VALUE(p[1])) {
            unsigned n = VAL_LEN(p[0]) + VAL_LEN(p[1]);
            if (n <= VAL_MAX_LEN) {
                p[1] = VAL_BYTE(VAL_VALUE(p[0]), n);
                memmove(p, p + 1, (size_t)(*end - p - 1));
                (*len)--;
                (*end)--;
                continue; /* try the merged value with its right side */
            }
        }
        p++;
    }
}

int hll_sparse_update(uint8_t *s, size_t *len, size_t max_bytes, long i,
                      unsigned count)
{
    uint8_t *sparse = s + HLL_HDR_SIZE, *end = s + *len, *p = sparse;
    uint8_t *prev = NULL, *next, seq[5];
    long first = 0, span = 0;
    int oldlen = 1;

    if (count > HLL_SPARSE_VAL_MAX) return HLL_PROMOTE;
    /* Step 1: the opcode covering register i. */
    while (p < end) {
        oldlen = OP_IS_XZERO(*p) ? 2 : 1;
        span = OP_IS_ZERO(*p)    ? ZERO_LEN(*p)
               : OP_IS_VAL(*p)   ? VAL_LEN(*p)
                                 : xzero_len(p, end);
        if (i <= first + span - 1) break;
        prev = p;
        p += oldlen;
        first += span;
    }
    /* (A cut XZERO at the end cannot be split: corrupt.) */
    if (p >= end || p + oldlen > end) return -1;
    next = p + oldlen < end ? p + oldlen : NULL;
    /* Step 2: the cases done in place. */
    if (OP_IS_VAL(*p) && VAL_VALUE(*p) >= count) return 0;
    if (span == 1 && !OP_IS_XZERO(*p)) {
        *p = VAL_BYTE(count, 1);
    } else {
        /* Step 3: replace the opcode by its split. */
        int n = split(p, first, first + span - 1, i, count, seq);
        int delta = n - oldlen;
        if (delta > 0 && *len + (size_t)delta > max_bytes) return HLL_PROMOTE;
        if (delta && next) memmove(next + delta, next, (size_t)(end - next));
        *len = (size_t)((long)*len + delta);
        end += delta;
        memcpy(p, seq, (size_t)n);
    }
    /* Step 4. */
    merge_vals(prev ? prev : sparse, &end, len);
    hll_cache_invalidate(s);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Estimating                                                          */
/* ------------------------------------------------------------------ */

/* Ertl, "New cardinality estimation algorithms for HyperLogLog
 * sketches" (arXiv:1702.01284): sigma for the zero registers, tau for
 * the saturated ones. */
static double hll_sigma(double x)
{
    double y = 1, z = x, zprev;

    if (x == 1.) return INFINITY;
    do {
        x *= x;
        zprev = z;
        z += x * y;
        y += y;
    } while (zprev != z);
    return z;
}

static double hll_tau(double x)
{
    double y = 1.0, z = 1 - x, zprev;

    if (x == 0. || x == 1.) return 0.;
    do {
        x = sqrt(x);
        zprev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (zprev != z);
    return z / 3;
}

uint64_t hll_estimate(const int *histo)
{
    double m = HLL_REGISTERS, z, e;

    z = m * hll_tau((m - histo[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; --j) {
        z += histo[j];
        z *= 0.5;
    }
    z += m * hll_sigma(histo[0] / m);
    e = (double)llroundl(HLL_ALPHA_INF * m * m / z);
    return (uint64_t)e;
}
