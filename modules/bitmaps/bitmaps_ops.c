/*
 * bitmaps_ops.c — bit-level kernels (see bitmaps_ops.h for the bit
 * numbering and the contracts).
 *
 * Counting and searching go a 64-bit word at a time; word loads use
 * memcpy, so unaligned strings are fine and the compiler emits plain
 * loads. Bitwise operations do not care about byte order within a word
 * (each output byte depends only on the same byte of the inputs), so words
 * are loaded and stored in memory order; only the searches and the
 * BITFIELD windows read bytes in Redis's big-endian bit order.
 */
#include <string.h>
#include "bitmaps_ops.h"

/* ------------------------------------------------------------------ */
/* Population count                                                    */
/* ------------------------------------------------------------------ */

/* Set bits in p[0..n), four independent word counters per 32 bytes. */
static inline __attribute__((always_inline)) uint64_t
count_words(const uint8_t *p, size_t n)
{
    uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0, w[4];

    while (n >= 32) {
        memcpy(w, p, 32);
        c0 += (uint64_t)__builtin_popcountll(w[0]);
        c1 += (uint64_t)__builtin_popcountll(w[1]);
        c2 += (uint64_t)__builtin_popcountll(w[2]);
        c3 += (uint64_t)__builtin_popcountll(w[3]);
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        memcpy(w, p, 8);
        c0 += (uint64_t)__builtin_popcountll(w[0]);
        p += 8;
        n -= 8;
    }
    while (n--) c1 += (uint64_t)__builtin_popcount(*p++);
    return c0 + c1 + c2 + c3;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same loop compiled for the POPCNT instruction, used when the CPU
 * has it (any x86-64 since about 2008; the baseline ABI does not). */
__attribute__((target("popcnt"))) static uint64_t
count_words_popcnt(const uint8_t *p, size_t n)
{
    return count_words(p, n);
}

static int have_popcnt(void)
{
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("popcnt") ? 1 : 0;
    }
    return cached;
}
#endif

uint64_t bm_popcount(const uint8_t *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (have_popcnt()) return count_words_popcnt(p, n);
#endif
    return count_words(p, n);
}

uint64_t bm_count_range(const uint8_t *p, uint64_t sbit, uint64_t ebit)
{
    uint64_t sbyte = sbit >> 3, ebyte = ebit >> 3;
    uint64_t n = bm_popcount(p + sbyte, (size_t)(ebyte - sbyte + 1));
    /* Take back the bits of the edge bytes that lie outside the range. */
    uint8_t head = (uint8_t)(p[sbyte] & ~(0xffu >> (sbit & 7)));
    uint8_t tail = (uint8_t)(p[ebyte] & (0xffu >> ((ebit & 7) + 1)));

    return n - (uint64_t)__builtin_popcount(head) -
           (uint64_t)__builtin_popcount(tail);
}

/* ------------------------------------------------------------------ */
/* First set / clear bit                                               */
/* ------------------------------------------------------------------ */

int64_t bm_find_bit(const uint8_t *p, uint64_t sbit, uint64_t ebit, int bit)
{
    uint64_t sbyte = sbit >> 3, ebyte = ebit >> 3, i = sbyte;
    const uint8_t skip = bit ? 0x00 : 0xff;
    const uint64_t skipw = bit ? 0 : ~(uint64_t)0;

    while (i <= ebyte) {
        unsigned b = p[i];
        unsigned in = 0xff; /* the bits of this byte inside the range */

        if (i == sbyte) in &= 0xffu >> (sbit & 7);
        if (i == ebyte) in &= (0xff00u >> ((ebit & 7) + 1)) & 0xff;
        /* Outside bits read as the value we are not looking for. */
        b = bit ? (b & in) : (b | (~in & 0xff));
        if (b != skip) {
            unsigned x = bit ? b : (~b & 0xff);
            return (int64_t)(i * 8 + (uint64_t)(__builtin_clz(x) - 24));
        }
        i++;
        /* Whole words strictly before the last byte. */
        while (i + 8 <= ebyte) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w != skipw) break;
            i += 8;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* BITOP                                                               */
/* ------------------------------------------------------------------ */

/* 8 bytes of p[0..len) from off, zero past len, in memory order. */
static inline uint64_t load_word(const uint8_t *p, size_t len, size_t off)
{
    uint64_t w = 0;
    if (off + 8 <= len)
        memcpy(&w, p + off, 8);
    else if (off < len)
        memcpy(&w, p + off, len - off);
    return w;
}

/* One output word of op over the sources at byte offset off. */
static uint64_t combine(enum bm_op op, const uint8_t *const *src,
                        const size_t *len, size_t n, size_t off)
{
    uint64_t x = load_word(src[0], len[0], off), any = 0, twice = 0, y;
    size_t i;

    switch (op) {
    case BM_NOT:
        return ~x;
    case BM_AND:
        for (i = 1; i < n && x; i++) x &= load_word(src[i], len[i], off);
        return x;
    case BM_OR:
        for (i = 1; i < n && ~x; i++) x |= load_word(src[i], len[i], off);
        return x;
    case BM_XOR:
        for (i = 1; i < n; i++) x ^= load_word(src[i], len[i], off);
        return x;
    case BM_ONE:
        for (i = 1; i < n; i++) {
            y = load_word(src[i], len[i], off);
            twice |= x & y;
            x ^= y;
        }
        return x & ~twice;
    default: /* DIFF, DIFF1, ANDOR: the first source against the others' OR */
        for (i = 1; i < n && ~any; i++) any |= load_word(src[i], len[i], off);
        if (op == BM_DIFF) return x & ~any;
        if (op == BM_DIFF1) return ~x & any;
        return x & any;
    }
}

void bm_bitop(enum bm_op op, const uint8_t *const *src, const size_t *len,
              size_t n, uint8_t *dst, size_t maxlen)
{
    size_t off;

    for (off = 0; off + 8 <= maxlen; off += 8) {
        uint64_t w = combine(op, src, len, n, off);
        memcpy(dst + off, &w, 8);
    }
    if (off < maxlen) {
        uint64_t w = combine(op, src, len, n, off);
        memcpy(dst + off, &w, maxlen - off);
    }
}

/* ------------------------------------------------------------------ */
/* BITFIELD                                                            */
/* ------------------------------------------------------------------ */

static inline uint64_t low_mask(int bits)
{
    return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
}

uint64_t bm_field_get(const uint8_t *p, size_t len, uint64_t off, int bits)
{
    uint64_t byte = off >> 3;
    unsigned __int128 w = 0;

    /* A 72-bit window holds any field of up to 64 bits at any bit. */
    for (int i = 0; i < 9; i++) {
        w <<= 8;
        if (byte + (uint64_t)i < len) w |= p[byte + (uint64_t)i];
    }
    w <<= off & 7;
    return (uint64_t)(w >> (72 - bits)) & low_mask(bits);
}

int64_t bm_field_get_signed(const uint8_t *p, size_t len, uint64_t off,
                            int bits)
{
    uint64_t u = bm_field_get(p, len, off, bits);

    if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~low_mask(bits);
    return (int64_t)u;
}

void bm_field_set(uint8_t *p, uint64_t off, int bits, uint64_t v)
{
    uint64_t byte = off >> 3;
    int nbytes = (int)(((off & 7) + (uint64_t)bits + 7) >> 3);
    int below = nbytes * 8 - (int)(off & 7) - bits; /* bits right of it */
    unsigned __int128 w = 0, m;

    for (int i = 0; i < nbytes; i++) w = (w << 8) | p[byte + (uint64_t)i];
    m = (unsigned __int128)low_mask(bits) << below;
    w = (w & ~m) | ((unsigned __int128)(v & low_mask(bits)) << below);
    for (int i = nbytes - 1; i >= 0; i--) {
        p[byte + (uint64_t)i] = (uint8_t)w;
        w >>= 8;
    }
}

int bm_field_apply(int sign, int bits, int is_set, int64_t old, int64_t arg,
                   enum bm_overflow ow, int64_t *out)
{
    __int128 lo, hi, x;
    uint64_t u;

    if (sign) {
        hi = ((__int128)1 << (bits - 1)) - 1;
        lo = -hi - 1;
    } else {
        hi = ((__int128)1 << bits) - 1;
        lo = 0;
    }
    if (is_set)
        x = sign ? (__int128)arg : (__int128)(uint64_t)arg;
    else
        x = (sign ? (__int128)old : (__int128)(uint64_t)old) + arg;
    if (x >= lo && x <= hi) {
        *out = (int64_t)x;
        return 0;
    }
    if (ow == BM_SAT) {
        *out = (int64_t)(x > hi ? hi : lo);
    } else if (ow == BM_WRAP) {
        u = (uint64_t)x & low_mask(bits);
        if (sign && bits < 64 && (u >> (bits - 1)) & 1) u |= ~low_mask(bits);
        *out = (int64_t)u;
    }
    return x > hi ? 1 : -1;
}
