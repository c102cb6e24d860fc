/*
 * rev_cursor.h — Redis's reverse-binary SCAN cursor, shared by the
 * keyspace table (ks.c) and the SDK hash table (sdk_htable.c).
 *
 * The cursor's bits are incremented from the top (reversed): after a
 * table of 2^n buckets grows to 2^m, the buckets still to visit are
 * exactly the expansions of the cursors still to come, and after it
 * shrinks, the buckets already visited stay visited; so every element
 * present for the whole scan is returned at least once.
 */
#ifndef MODIS_REV_CURSOR_H
#define MODIS_REV_CURSOR_H

#include <stdint.h>

static inline uint64_t rev_cursor_bits(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

/* The cursor after c for a table with bucket mask m (size - 1). */
static inline uint64_t rev_cursor_next(uint64_t c, uint64_t m)
{
    c |= ~m;
    c = rev_cursor_bits(c);
    c++;
    return rev_cursor_bits(c);
}

#endif
