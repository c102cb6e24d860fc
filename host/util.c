/*
 * util.c — number parsing/formatting with Redis's exact rules, glob
 * matching, clocks and the keyspace hash function.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

int util_str2ull(const char *s, size_t len, unsigned long long *out)
{
    unsigned long long v = 0;
    if (len == 0 || len > 20) return -1;
    if (len > 1 && s[0] == '0') return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9) return -1;
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int util_str2ll(const char *s, size_t len, long long *out)
{
    unsigned long long v;
    int neg = 0;
    if (len == 0) return -1;
    if (s[0] == '-') {
        neg = 1;
        s++;
        len--;
        if (len == 0 || s[0] == '0') return -1;
    }
    if (util_str2ull(s, len, &v) != 0) return -1;
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1) return -1;
        *out = (long long)(0 - v);
    } else {
        if (v > (unsigned long long)LLONG_MAX) return -1;
        *out = (long long)v;
    }
    return 0;
}

int util_str2d(const char *s, size_t len, double *out)
{
    char stack[256], *buf = stack;
    char *end;
    int rc = -1;
    if (len == 0 || isspace((unsigned char)s[0])) return -1;
    /* Redis's string2d() has no length limit ("0.000...1" is a score). */
    if (len >= sizeof(stack)) buf = malloc(len + 1);
    if (!buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, &end);
    if ((size_t)(end - buf) == len && !isnan(v) &&
        !(errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0))) {
        *out = v;
        rc = 0;
    }
    if (buf != stack) free(buf);
    return rc;
}

int util_str2ld(const char *s, size_t len, long double *out)
{
    char buf[5121]; /* Redis's MAX_LONG_DOUBLE_CHARS is 5k */
    char *end;
    if (len == 0 || len >= sizeof(buf)) return -1;
    if (isspace((unsigned char)s[0])) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != len || isnan(v)) return -1;
    /* Out of range only when it overflowed or underflowed to zero;
     * subnormal results are accepted, as Redis does. */
    if (errno == ERANGE && (isinf(v) || fpclassify(v) == FP_ZERO)) return -1;
    *out = v;
    return 0;
}

int util_ll2str(char *buf, size_t cap, long long v)
{
    char tmp[24];
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    int n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[n++] = '-';
    if ((size_t)n + 1 > cap) return 0;
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int util_ld2str(char *buf, size_t cap, long double v, int human)
{
    int n;
    if (isinf(v)) {
        if (cap < 5) return 0;
        memcpy(buf, v > 0 ? "inf" : "-inf", v > 0 ? 4 : 5);
        return v > 0 ? 3 : 4;
    }
    if (human) {
        n = snprintf(buf, cap, "%.17Lf", v);
        if (n < 0 || (size_t)n >= cap) return 0;
        if (strchr(buf, '.')) {
            while (n > 0 && buf[n - 1] == '0') n--;
            if (n > 0 && buf[n - 1] == '.') n--;
            buf[n] = '\0';
        }
        if (n == 2 && buf[0] == '-' && buf[1] == '0') {
            buf[0] = '0';
            buf[1] = '\0';
            n = 1;
        }
    } else {
        n = snprintf(buf, cap, "%.17Lg", v);
        if (n < 0 || (size_t)n >= cap) return 0;
    }
    return n;
}

/* Matches one [...] class at p (just after '['); advances *pp past ']'. */
static int glob_class(const char **pp, const char *pend, char c, int nocase)
{
    const char *p = *pp;
    int neg = 0, match = 0;
    if (p < pend && *p == '^') {
        neg = 1;
        p++;
    }
    while (p < pend && *p != ']') {
        if (*p == '\\' && p + 1 < pend) {
            p++;
            if (*p == c) match = 1;
        } else if (p + 2 < pend && p[1] == '-') {
            char lo = p[0], hi = p[2], cc = c;
            if (lo > hi) { char t = lo; lo = hi; hi = t; }
            if (nocase) {
                lo = (char)tolower((unsigned char)lo);
                hi = (char)tolower((unsigned char)hi);
                cc = (char)tolower((unsigned char)cc);
            }
            if (cc >= lo && cc <= hi) match = 1;
            p += 2;
        } else if (nocase ? tolower((unsigned char)*p) == tolower((unsigned char)c)
                          : *p == c) {
            match = 1;
        }
        p++;
    }
    *pp = p < pend ? p + 1 : p;
    return neg ? !match : match;
}

/*
 * *skip is set once a '*' has tried every suffix of the string without a
 * match: then no outer '*' can match by consuming more, so every level
 * gives up at once (this keeps patterns like a*a*a*a*b linear-ish).
 */
static int glob_rec(const char *p, const char *pend, const char *s,
                    const char *send, int nocase, int depth, int *skip)
{
    if (depth > 1000) return 0;
    while (p < pend) {
        switch (*p) {
        case '*':
            while (p + 1 < pend && p[1] == '*') p++;
            if (p + 1 == pend) return 1;
            for (; s < send; s++) {
                if (glob_rec(p + 1, pend, s, send, nocase, depth + 1, skip)) return 1;
                if (*skip) return 0;
            }
            *skip = 1;
            return 0;
        case '?':
            if (s == send) return 0;
            s++;
            p++;
            break;
        case '[':
            if (s == send) return 0;
            p++;
            if (!glob_class(&p, pend, *s, nocase)) return 0;
            s++;
            break;
        case '\\':
            if (p + 1 < pend) p++;
            /* fall through */
        default:
            if (s == send) return 0;
            if (nocase ? tolower((unsigned char)*p) != tolower((unsigned char)*s)
                       : *p != *s)
                return 0;
            s++;
            p++;
        }
    }
    return s == send;
}

int util_glob(const char *pat, size_t plen, const char *s, size_t slen,
              int nocase)
{
    /* As Redis's stringmatchlen(), which stops as soon as the string is
     * used up: an empty string matches only an empty pattern ("*" does not
     * match it; KEYS and SCAN special-case a lone "*" before matching). */
    if (slen == 0) return plen == 0;
    int skip = 0;
    return glob_rec(pat, pat + plen, s, s + slen, nocase, 0, &skip);
}

int64_t util_ustime(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int64_t util_mstime(void) { return util_ustime() / 1000; }

static uint64_t posix_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The TSC clock, when util_monotonic_init() found an invariant TSC: time =
 * (ticks - tsc_base) * us_per_tick + us_base. Reading it costs a few ns,
 * where clock_gettime in a VM with a paravirtual clock costs ~100. */
static double us_per_tick;
static uint64_t tsc_base, us_base;
static char clock_desc[64] = "POSIX clock_gettime";

#if defined(__x86_64__)
static inline uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* True when /proc/cpuinfo lists constant_tsc and nonstop_tsc: the TSC then
 * ticks at one rate on every core, through frequency changes and idle. */
static int tsc_invariant(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    char line[4096];
    int ok = 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        ok = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
        break;
    }
    fclose(f);
    return ok;
}
#endif

void util_monotonic_init(void)
{
#if defined(__x86_64__)
    if (!tsc_invariant()) return;
    /* Calibrate against CLOCK_MONOTONIC over ~20 ms. */
    uint64_t t0 = posix_monotonic_us(), c0 = read_tsc(), t1, c1;
    do {
        t1 = posix_monotonic_us();
        c1 = read_tsc();
    } while (t1 - t0 < 20000);
    if (c1 <= c0) return;
    double ticks_per_us = (double)(c1 - c0) / (double)(t1 - t0);
    us_per_tick = 1.0 / ticks_per_us;
    tsc_base = c1;
    us_base = t1;
    snprintf(clock_desc, sizeof(clock_desc), "X86 TSC @ %.0f ticks/us", ticks_per_us);
#endif
}

const char *util_monotonic_desc(void) { return clock_desc; }

uint64_t util_monotonic_us(void)
{
#if defined(__x86_64__)
    if (us_per_tick > 0)
        return us_base + (uint64_t)((double)(read_tsc() - tsc_base) * us_per_tick);
#endif
    return posix_monotonic_us();
}

static uint64_t hash_seed = 0x9e3779b97f4a7c15ULL;

void util_hash_seed(uint64_t seed) { hash_seed = seed | 1; }

static inline uint64_t mix64(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A multiply-fold hash: 16 bytes per round, tail folded in little chunks. */
uint64_t util_hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = hash_seed ^ (n * 0xa0761d6478bd642fULL);
    while (n >= 16) {
        h = mix64(load64(p) ^ 0xe7037ed1a0b428dbULL ^ h,
                  load64(p + 8) ^ 0x8ebc6af09c88c6e3ULL);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = load64(p);
        b = load64(p + n - 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        a = x;
        b = y;
    } else if (n > 0) {
        a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
    }
    return mix64(a ^ 0xe7037ed1a0b428dbULL ^ h, b ^ 0x589965cc75374cc3ULL ^ n);
}

uint64_t util_hash_nocase(const void *data, size_t n)
{
    unsigned char buf[64];
    const unsigned char *p = data;
    uint64_t h = 0;
    while (n) {
        size_t k = n < sizeof(buf) ? n : sizeof(buf);
        for (size_t i = 0; i < k; i++) buf[i] = (unsigned char)tolower(p[i]);
        h ^= util_hash(buf, k);
        h *= 0x100000001b3ULL;
        p += k;
        n -= k;
    }
    return h;
}

int util_eq_nocase(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    return wl == len && strncasecmp(s, word, len) == 0;
}

void util_trim_double(char *out, size_t cap, double d)
{
    int n = snprintf(out, cap, "%f", d);
    if (n <= 0 || (size_t)n >= cap || !strchr(out, '.')) return;
    while (n > 0 && out[n - 1] == '0') out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.') out[--n] = '\0';
}
