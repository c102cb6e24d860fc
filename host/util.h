/*
 * util.h — small pure helpers shared by the host: strict number parsing and
 * formatting with Redis's rules, glob matching, time, hashing.
 * Nothing here keeps memory or touches global state (except the hash seed).
 */
#ifndef MODIS_UTIL_H
#define MODIS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Strict: the whole buffer must be a canonical decimal (no spaces, no '+',
 * no leading zeros) in range. Returns 0 on success, -1 otherwise. */
int util_str2ll(const char *s, size_t len, long long *out);
/* Like util_str2ll but for unsigned 64-bit values. */
int util_str2ull(const char *s, size_t len, unsigned long long *out);
/* Strict double (Redis's string2d): strtod over the whole buffer, no
 * leading space, not NaN, no overflow or underflow to 0; any length
 * (buffers over 255 bytes are copied to the heap). */
int util_str2d(const char *s, size_t len, double *out);
/* Strict long double as Redis INCRBYFLOAT accepts it. */
int util_str2ld(const char *s, size_t len, long double *out);

/* Format v into buf (cap bytes, NUL-terminated); returns the length. */
int util_ll2str(char *buf, size_t cap, long long v);
/* "%f" without trailing zeros (nor a trailing point): 99.9, 50 — Redis's
 * trimDoubleString, for percentile names. */
void util_trim_double(char *out, size_t cap, double d);
/* Redis's long double formatting: human (%.17Lf trimmed, INCRBYFLOAT) or
 * exact (%.17Lg). Returns the length, 0 if it did not fit. */
int util_ld2str(char *buf, size_t cap, long double v, int human);

/* Glob-style match with *, ?, [a-z], [^x] and backslash escapes, as
 * Redis's stringmatchlen() (an empty string matches only ""). */
int util_glob(const char *pat, size_t plen, const char *s, size_t slen,
              int nocase);

/* Wall-clock time in ms / us since the epoch; monotonic us. */
int64_t util_mstime(void);
int64_t util_ustime(void);
uint64_t util_monotonic_us(void);
/* Switch util_monotonic_us() to the CPU's invariant TSC when it has one
 * (calibrated against CLOCK_MONOTONIC; takes ~20 ms); call once at start.
 * Before that, or without such a TSC, it reads CLOCK_MONOTONIC. */
void util_monotonic_init(void);
/* What util_monotonic_us() reads, for INFO's monotonic_clock field. */
const char *util_monotonic_desc(void);

/* Seeded 64-bit hash of a byte string (seed set once at start-up). */
void util_hash_seed(uint64_t seed);
uint64_t util_hash(const void *p, size_t n);
uint64_t util_hash_nocase(const void *p, size_t n);

/* Case-insensitive equality of a counted string with a C string. */
int util_eq_nocase(const char *s, size_t len, const char *word);

#endif
