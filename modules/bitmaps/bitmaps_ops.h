/*
 * bitmaps_ops.h — the bit-level kernels of the bitmaps module, on plain
 * byte arrays: population count, first set/clear bit, the BITOP
 * operations, and BITFIELD's integer fields with Redis's overflow rules.
 *
 * Bit numbering is Redis's: bit 0 is the most significant bit of byte 0,
 * so offsets read left to right as in SETBIT/GETBIT. Nothing here
 * allocates or talks to the host, so the unit tests compile this file
 * alone (modis.h is included for MD_HIDDEN only). Ranges are inclusive
 * bit positions that the caller has already clamped to the string
 * (end < len * 8).
 */
#ifndef BITMAPS_OPS_H
#define BITMAPS_OPS_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

/* Number of set bits in p[0..n), 64 bits at a time (POPCNT when the CPU
 * has it). */
uint64_t bm_popcount(const uint8_t *p, size_t n) MD_HIDDEN;

/* Number of set bits among bit positions [sbit, ebit] of p. */
uint64_t bm_count_range(const uint8_t *p, uint64_t sbit, uint64_t ebit) MD_HIDDEN;

/* The first position in [sbit, ebit] whose bit equals `bit` (0 or 1), or
 * -1 when there is none. Skips whole words of the other value. */
int64_t bm_find_bit(const uint8_t *p, uint64_t sbit, uint64_t ebit, int bit) MD_HIDDEN;

/* BITOP operations. DIFF = X & ~(Y1 | Y2 ...), DIFF1 = ~X & (Y1 | ...),
 * ANDOR = X & (Y1 | ...), ONE = the bits set in exactly one source. */
enum bm_op {
    BM_AND, BM_OR, BM_XOR, BM_NOT, BM_DIFF, BM_DIFF1, BM_ANDOR, BM_ONE
};

/* dst[0..maxlen) = op over the n sources src[i][0..len[i]), each read as
 * zero-padded to maxlen. n >= 1 (exactly 1 for BM_NOT, >= 2 for DIFF,
 * DIFF1, ANDOR); a source of length 0 may have a NULL pointer. dst must
 * not overlap a source. */
void bm_bitop(enum bm_op op, const uint8_t *const *src, const size_t *len,
              size_t n, uint8_t *dst, size_t maxlen) MD_HIDDEN;

/* The `bits`-wide (1..64) unsigned field at bit `off` of p[0..len),
 * reading bytes past len as zero. */
uint64_t bm_field_get(const uint8_t *p, size_t len, uint64_t off, int bits) MD_HIDDEN;
/* The same field as a two's complement signed integer. */
int64_t bm_field_get_signed(const uint8_t *p, size_t len, uint64_t off,
                            int bits) MD_HIDDEN;
/* Store the low `bits` bits of v at bit `off`; p must hold that many. */
void bm_field_set(uint8_t *p, uint64_t off, int bits, uint64_t v) MD_HIDDEN;

/* BITFIELD overflow policies. */
enum bm_overflow { BM_WRAP, BM_SAT, BM_FAIL };

/*
 * The value a SET (is_set) or an INCRBY leaves in a field, with Redis's
 * rules. `sign`/`bits` give the type (i1..i64, u1..u63) and `old` the
 * field's current value (for u types the unsigned value, below 2^63).
 * The candidate is `arg` for SET — read as uint64 for u types, so a
 * negative SET counts as too big — and the exact old + arg for INCRBY.
 * Returns 0 with *out = the candidate when it fits; otherwise 1 (too big)
 * or -1 (too small) and, unless `ow` is BM_FAIL, *out = the candidate
 * wrapped modulo 2^bits or saturated to the type's limit.
 */
int bm_field_apply(int sign, int bits, int is_set, int64_t old, int64_t arg,
                   enum bm_overflow ow, int64_t *out) MD_HIDDEN;

#endif /* BITMAPS_OPS_H */
