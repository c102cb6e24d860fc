/*
 * test_util.c — host/util.c: strict number parsing (Redis's string2ll,
 * string2d and string2ld rules), number formatting (ll2string, ld2string in
 * human and %.17Lg modes, the double reply format of Redis 7.4), glob
 * matching (stringmatchlen semantics, including the protection against
 * pathological patterns), the seeded keyspace hash and case-insensitive
 * comparison. Every expected value is spelled out.
 */
#include "util.h"

#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

static int s2ll(const char *s, long long *v) { return util_str2ll(s, strlen(s), v); }
static int s2ull(const char *s, unsigned long long *v) { return util_str2ull(s, strlen(s), v); }
static int s2d(const char *s, double *v) { return util_str2d(s, strlen(s), v); }
static int s2ld(const char *s, long double *v) { return util_str2ld(s, strlen(s), v); }

static int glob(const char *p, const char *s, int nocase)
{
    return util_glob(p, strlen(p), s, strlen(s), nocase);
}

static double elapsed_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- util_str2ll ---- */

START_TEST(test_str2ll_accepts_canonical)
{
    long long v = 42;

    ck_assert_int_eq(s2ll("0", &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(s2ll("1", &v), 0);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(s2ll("-1", &v), 0);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(s2ll("1234567890", &v), 0);
    ck_assert_int_eq(v, 1234567890LL);
    ck_assert_int_eq(s2ll("-987654321", &v), 0);
    ck_assert_int_eq(v, -987654321LL);
    ck_assert_int_eq(s2ll("9223372036854775807", &v), 0);
    ck_assert_int_eq(v, LLONG_MAX);
    ck_assert_int_eq(s2ll("-9223372036854775808", &v), 0);
    ck_assert_int_eq(v, LLONG_MIN);
    ck_assert_int_eq(s2ll("9223372036854775806", &v), 0);
    ck_assert_int_eq(v, LLONG_MAX - 1);
    ck_assert_int_eq(s2ll("-9223372036854775807", &v), 0);
    ck_assert_int_eq(v, LLONG_MIN + 1);
}
END_TEST

START_TEST(test_str2ll_rejects_non_canonical)
{
    static const char *bad[] = {
        "", "-", "-0", "01", "00", "-01", "+1", "+0", " 1", "1 ", " ", "1a",
        "a1", "0x10", "1.0", "1e3", "--1", "1-", "\t1", "1\n", "١",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long long v = 777;
        ck_assert_msg(s2ll(bad[i], &v) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(v, 777); /* untouched on failure */
    }
}
END_TEST

START_TEST(test_str2ll_rejects_overflow)
{
    long long v = 5;

    ck_assert_int_eq(s2ll("9223372036854775808", &v), -1);
    ck_assert_int_eq(s2ll("-9223372036854775809", &v), -1);
    ck_assert_int_eq(s2ll("18446744073709551615", &v), -1);
    ck_assert_int_eq(s2ll("18446744073709551616", &v), -1);
    ck_assert_int_eq(s2ll("99999999999999999999", &v), -1);
    ck_assert_int_eq(s2ll("-99999999999999999999", &v), -1);
    ck_assert_int_eq(s2ll("100000000000000000000000", &v), -1);
    ck_assert_int_eq(s2ll("-100000000000000000000000", &v), -1);
    ck_assert_int_eq(v, 5);
}
END_TEST

START_TEST(test_str2ll_counted_buffer)
{
    long long v = 0;
    /* Only the first len bytes count: no NUL needed, embedded NUL rejected. */
    ck_assert_int_eq(util_str2ll("12345", 2, &v), 0);
    ck_assert_int_eq(v, 12);
    ck_assert_int_eq(util_str2ll("-7xyz", 2, &v), 0);
    ck_assert_int_eq(v, -7);
    ck_assert_int_eq(util_str2ll("1\0" "2", 3, &v), -1);
    ck_assert_int_eq(util_str2ll("1\0", 2, &v), -1);
    ck_assert_int_eq(util_str2ll("5", 0, &v), -1);
}
END_TEST

/* Every value formatted by util_ll2str parses back to itself. */
START_TEST(test_str2ll_roundtrip)
{
    static const long long vals[] = {
        0, 1, -1, 9, 10, -10, 99, 100, 12345, -12345, INT_MAX, INT_MIN,
        (long long)INT_MAX + 1, LLONG_MAX, LLONG_MIN, LLONG_MAX / 10,
        LLONG_MIN / 10, 1000000000000000000LL, -1000000000000000000LL,
    };
    char buf[32];
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        long long v;
        int n = util_ll2str(buf, sizeof(buf), vals[i]);
        ck_assert_int_gt(n, 0);
        ck_assert_int_eq(util_str2ll(buf, (size_t)n, &v), 0);
        ck_assert_int_eq(v, vals[i]);
    }
    srand(7);
    for (int i = 0; i < 100000; i++) {
        long long x = (long long)(((unsigned long long)rand() << 42) ^
                                  ((unsigned long long)rand() << 21) ^ (unsigned long long)rand());
        x >>= rand() % 63;
        if (rand() & 1) x = -x;
        long long v;
        int n = util_ll2str(buf, sizeof(buf), x);
        ck_assert_int_eq(util_str2ll(buf, (size_t)n, &v), 0);
        ck_assert_int_eq(v, x);
    }
}
END_TEST

/* ---- util_str2ull ---- */

START_TEST(test_str2ull)
{
    unsigned long long v = 0;

    ck_assert_int_eq(s2ull("0", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(s2ull("1", &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(s2ull("9223372036854775808", &v), 0);
    ck_assert_uint_eq(v, 9223372036854775808ULL);
    ck_assert_int_eq(s2ull("18446744073709551615", &v), 0);
    ck_assert_uint_eq(v, ULLONG_MAX);
    ck_assert_int_eq(s2ull("18446744073709551614", &v), 0);
    ck_assert_uint_eq(v, ULLONG_MAX - 1);

    v = 3;
    ck_assert_int_eq(s2ull("18446744073709551616", &v), -1);
    ck_assert_int_eq(s2ull("18446744073709551620", &v), -1);
    ck_assert_int_eq(s2ull("99999999999999999999", &v), -1);
    ck_assert_int_eq(s2ull("100000000000000000000", &v), -1);
    ck_assert_int_eq(s2ull("", &v), -1);
    ck_assert_int_eq(s2ull("-1", &v), -1);
    ck_assert_int_eq(s2ull("-0", &v), -1);
    ck_assert_int_eq(s2ull("+1", &v), -1);
    ck_assert_int_eq(s2ull("01", &v), -1);
    ck_assert_int_eq(s2ull(" 1", &v), -1);
    ck_assert_int_eq(s2ull("1 ", &v), -1);
    ck_assert_int_eq(s2ull("1x", &v), -1);
    ck_assert_uint_eq(v, 3);
}
END_TEST

/* ---- util_str2d ---- */

START_TEST(test_str2d_accepts)
{
    double d = 0;

    ck_assert_int_eq(s2d("3.5", &d), 0);
    ck_assert_double_eq(d, 3.5);
    ck_assert_int_eq(s2d("-1e3", &d), 0);
    ck_assert_double_eq(d, -1000.0);
    ck_assert_int_eq(s2d("0", &d), 0);
    ck_assert_double_eq(d, 0.0);
    ck_assert_int_eq(s2d("-0", &d), 0);
    ck_assert_double_eq(d, 0.0);
    ck_assert(signbit(d));
    ck_assert_int_eq(s2d("10", &d), 0);
    ck_assert_double_eq(d, 10.0);
    ck_assert_int_eq(s2d(".5", &d), 0);
    ck_assert_double_eq(d, 0.5);
    ck_assert_int_eq(s2d("5.", &d), 0);
    ck_assert_double_eq(d, 5.0);
    ck_assert_int_eq(s2d("+2.25", &d), 0);
    ck_assert_double_eq(d, 2.25);
    ck_assert_int_eq(s2d("1.5E2", &d), 0);
    ck_assert_double_eq(d, 150.0);
    ck_assert_int_eq(s2d("0.1", &d), 0);
    ck_assert_double_eq(d, 0.1);
    /* ZADD accepts inf/-inf scores: strtod's spellings are allowed. */
    ck_assert_int_eq(s2d("inf", &d), 0);
    ck_assert(isinf(d) && d > 0);
    ck_assert_int_eq(s2d("-inf", &d), 0);
    ck_assert(isinf(d) && d < 0);
    ck_assert_int_eq(s2d("+inf", &d), 0);
    ck_assert(isinf(d) && d > 0);
    ck_assert_int_eq(s2d("1.7976931348623157e308", &d), 0);
    ck_assert_double_eq(d, 1.7976931348623157e308);
    /* A subnormal result is not zero: kept (Redis checks only HUGE_VAL/0). */
    ck_assert_int_eq(s2d("1e-310", &d), 0);
    ck_assert_double_eq(d, 1e-310);
    /* Counted: only the first len bytes are read. */
    ck_assert_int_eq(util_str2d("2.5xyz", 3, &d), 0);
    ck_assert_double_eq(d, 2.5);
}
END_TEST

START_TEST(test_str2d_rejects)
{
    static const char *bad[] = {
        "", " ", " 1", "1 ", "\t1", "1\n", "nan", "NaN", "-nan", "NAN",
        "nan(123)", "abc", "1.5x", "1e", "--1", "1..2", "e5", "1e400",
        "-1e400", "1e-400", "-1e-400", "0x", "1,5",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double d = 12.0;
        ck_assert_msg(s2d(bad[i], &d) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_double_eq(d, 12.0);
    }
    double d = 0;
    ck_assert_int_eq(util_str2d("1\0", 2, &d), -1);
    ck_assert_int_eq(util_str2d("1", 0, &d), -1);
}
END_TEST

/* ---- util_str2ld ---- */

START_TEST(test_str2ld_accepts)
{
    long double v = 0;

    ck_assert_int_eq(s2ld("10.5", &v), 0);
    ck_assert_ldouble_eq(v, 10.5L);
    ck_assert_int_eq(s2ld("5.0e3", &v), 0);
    ck_assert_ldouble_eq(v, 5000.0L);
    ck_assert_int_eq(s2ld("-5", &v), 0);
    ck_assert_ldouble_eq(v, -5.0L);
    ck_assert_int_eq(s2ld("0.1", &v), 0);
    ck_assert_ldouble_eq(v, 0.1L);
    ck_assert_int_eq(s2ld("1e4000", &v), 0); /* fits a long double */
    ck_assert_ldouble_eq(v, 1e4000L);
    ck_assert_int_eq(s2ld("inf", &v), 0);
    ck_assert(isinf(v) && v > 0);
    ck_assert_int_eq(util_str2ld("3.25abc", 4, &v), 0);
    ck_assert_ldouble_eq(v, 3.25L);
}
END_TEST

START_TEST(test_str2ld_rejects)
{
    static const char *bad[] = {
        "", " ", " 1", "1 ", "\n1", "nan", "NaN", "-nan", "abc", "1.5x",
        "1e5000", "-1e5000", "1e-5000", "--1", "1e",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long double v = 9.0L;
        ck_assert_msg(s2ld(bad[i], &v) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_ldouble_eq(v, 9.0L);
    }
    long double v;
    ck_assert_int_eq(util_str2ld("1\0", 2, &v), -1);
}
END_TEST

/*
 * Redis's string2ld rejects ERANGE only when the result is +-HUGE_VAL or
 * zero; a subnormal long double (INCRBYFLOAT k 1e-4940) is accepted.
 */
START_TEST(test_str2ld_subnormal_accepted)
{
    long double v = 0;
    ck_assert_int_eq(s2ld("1e-4940", &v), 0);
    ck_assert(v > 0.0L && v < 1e-4930L);
}
END_TEST

/* ---- util_ll2str ---- */

START_TEST(test_ll2str)
{
    char buf[32];

    ck_assert_int_eq(util_ll2str(buf, sizeof(buf), 0), 1);
    ck_assert_str_eq(buf, "0");
    ck_assert_int_eq(util_ll2str(buf, sizeof(buf), -1), 2);
    ck_assert_str_eq(buf, "-1");
    ck_assert_int_eq(util_ll2str(buf, sizeof(buf), 1234567890123LL), 13);
    ck_assert_str_eq(buf, "1234567890123");
    ck_assert_int_eq(util_ll2str(buf, sizeof(buf), LLONG_MAX), 19);
    ck_assert_str_eq(buf, "9223372036854775807");
    ck_assert_int_eq(util_ll2str(buf, sizeof(buf), LLONG_MIN), 20);
    ck_assert_str_eq(buf, "-9223372036854775808");

    /* The NUL must fit too: "123" needs 4 bytes. */
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(util_ll2str(buf, 4, 123), 3);
    ck_assert_str_eq(buf, "123");
    ck_assert_int_eq(util_ll2str(buf, 3, 123), 0);
    ck_assert_int_eq(util_ll2str(buf, 21, LLONG_MIN), 20);
    ck_assert_int_eq(util_ll2str(buf, 20, LLONG_MIN), 0);
    ck_assert_int_eq(util_ll2str(buf, 1, 0), 0);
}
END_TEST

/* ---- util_ld2str ---- */

static const char *ld_human(long double v)
{
    static char buf[5600];
    int n = util_ld2str(buf, sizeof(buf), v, 1);
    ck_assert_int_eq((size_t)n, strlen(buf));
    return buf;
}

static long double ld(const char *s)
{
    long double v;
    ck_assert_msg(util_str2ld(s, strlen(s), &v) == 0, "str2ld(%s)", s);
    return v;
}

/* The INCRBYFLOAT examples from the Redis documentation and friends. */
START_TEST(test_ld2str_human)
{
    ck_assert_str_eq(ld_human(ld("10.5")), "10.5");
    ck_assert_str_eq(ld_human(ld("10.50") + ld("0.1")), "10.6");
    ck_assert_str_eq(ld_human(ld("10.6") + ld("-5")), "5.6");
    ck_assert_str_eq(ld_human(ld("5.0e3")), "5000");
    ck_assert_str_eq(ld_human(ld("5.0e3") + ld("2.0e2")), "5200");
    ck_assert_str_eq(ld_human(ld("3.0e3")), "3000");
    ck_assert_str_eq(ld_human(ld("0.1") + ld("0.2")), "0.3");
    ck_assert_str_eq(ld_human(ld("1.1") + ld("2.2")), "3.3");
    ck_assert_str_eq(ld_human(ld("0")), "0");
    ck_assert_str_eq(ld_human(-0.0L), "0");
    ck_assert_str_eq(ld_human(ld("-0.0")), "0");
    ck_assert_str_eq(ld_human(ld("1") - ld("1")), "0");
    ck_assert_str_eq(ld_human(ld("-1.5")), "-1.5");
    ck_assert_str_eq(ld_human(ld("100")), "100");
    ck_assert_str_eq(ld_human(ld("1e20")), "100000000000000000000");
    ck_assert_str_eq(ld_human(1.0L / 3.0L), "0.33333333333333333");
    ck_assert_str_eq(ld_human(ld("0.00000000000000001")), "0.00000000000000001");
    ck_assert_str_eq(ld_human(ld("0.000000000000000001")), "0");
    ck_assert_str_eq(ld_human(ld("-0.000000000000000001")), "0");
    ck_assert_str_eq(ld_human(INFINITY), "inf");
    ck_assert_str_eq(ld_human(-INFINITY), "-inf");
}
END_TEST

START_TEST(test_ld2str_exact)
{
    char buf[128];

    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), 3.5L, 0), 3);
    ck_assert_str_eq(buf, "3.5");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), 3000.0L, 0), 4);
    ck_assert_str_eq(buf, "3000");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), 1e30L, 0), 5);
    ck_assert_str_eq(buf, "1e+30");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), -2.5e-20L, 0), 8);
    ck_assert_str_eq(buf, "-2.5e-20");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), 1.0L / 3.0L, 0), 19);
    ck_assert_str_eq(buf, "0.33333333333333333");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), 0.0L, 0), 1);
    ck_assert_str_eq(buf, "0");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), INFINITY, 0), 3);
    ck_assert_str_eq(buf, "inf");
    ck_assert_int_eq(util_ld2str(buf, sizeof(buf), -INFINITY, 0), 4);
    ck_assert_str_eq(buf, "-inf");
}
END_TEST

START_TEST(test_ld2str_no_room)
{
    char buf[64];

    /* Human mode formats "10.50000000000000000" (20 chars) before trimming,
     * so it needs 21 bytes although the result is "10.5". */
    ck_assert_int_eq(util_ld2str(buf, 5, 10.5L, 1), 0);
    ck_assert_int_eq(util_ld2str(buf, 20, 10.5L, 1), 0);
    ck_assert_int_eq(util_ld2str(buf, 21, 10.5L, 1), 4);
    ck_assert_str_eq(buf, "10.5");
    ck_assert_int_eq(util_ld2str(buf, 3, 3.5L, 0), 0);
    ck_assert_int_eq(util_ld2str(buf, 4, 3.5L, 0), 3);
    ck_assert_str_eq(buf, "3.5");
    ck_assert_int_eq(util_ld2str(buf, 4, -INFINITY, 1), 0);
    ck_assert_int_eq(util_ld2str(buf, 5, -INFINITY, 1), 4);
    ck_assert_str_eq(buf, "-inf");
}
END_TEST

/* ---- util_glob ---- */

START_TEST(test_glob_star_question)
{
    ck_assert_int_eq(glob("*", "", 0), 0); /* Redis: "" matches only "" */
    ck_assert_int_eq(glob("*", "anything", 0), 1);
    ck_assert_int_eq(glob("**", "", 0), 0);
    ck_assert_int_eq(glob("", "", 0), 1);
    ck_assert_int_eq(glob("", "a", 0), 0);
    ck_assert_int_eq(glob("a", "", 0), 0);
    ck_assert_int_eq(glob("hello", "hello", 0), 1);
    ck_assert_int_eq(glob("hello", "hell", 0), 0);
    ck_assert_int_eq(glob("hello", "helloo", 0), 0);
    ck_assert_int_eq(glob("h?llo", "hello", 0), 1);
    ck_assert_int_eq(glob("h?llo", "hallo", 0), 1);
    ck_assert_int_eq(glob("h?llo", "hllo", 0), 0);
    ck_assert_int_eq(glob("h*llo", "hllo", 0), 1);
    ck_assert_int_eq(glob("h*llo", "heeeello", 0), 1);
    ck_assert_int_eq(glob("h*llo", "heeeelloo", 0), 0);
    ck_assert_int_eq(glob("user:*", "user:1000", 0), 1);
    ck_assert_int_eq(glob("user:*", "user:", 0), 1);
    ck_assert_int_eq(glob("user:*", "use", 0), 0);
    ck_assert_int_eq(glob("*:name", "user:1:name", 0), 1);
    ck_assert_int_eq(glob("*:name", "user:1:names", 0), 0);
    ck_assert_int_eq(glob("a*b*c", "aXbYc", 0), 1);
    ck_assert_int_eq(glob("a*b*c", "aXbYcZ", 0), 0);
    ck_assert_int_eq(glob("a*b*c", "abcbc", 0), 1);
    ck_assert_int_eq(glob("???", "abc", 0), 1);
    ck_assert_int_eq(glob("???", "ab", 0), 0);
    ck_assert_int_eq(glob("*?", "", 0), 0);
    ck_assert_int_eq(glob("*?", "a", 0), 1);
    ck_assert_int_eq(glob("a**", "a", 0), 1);
    ck_assert_int_eq(glob("a**b", "ab", 0), 1);
}
END_TEST

START_TEST(test_glob_classes)
{
    ck_assert_int_eq(glob("h[ae]llo", "hello", 0), 1);
    ck_assert_int_eq(glob("h[ae]llo", "hallo", 0), 1);
    ck_assert_int_eq(glob("h[ae]llo", "hillo", 0), 0);
    ck_assert_int_eq(glob("h[ae]llo", "hllo", 0), 0);
    ck_assert_int_eq(glob("[abc]", "b", 0), 1);
    ck_assert_int_eq(glob("[abc]", "d", 0), 0);
    ck_assert_int_eq(glob("[abc]", "", 0), 0);
    ck_assert_int_eq(glob("h[^e]llo", "hallo", 0), 1);
    ck_assert_int_eq(glob("h[^e]llo", "hbllo", 0), 1);
    ck_assert_int_eq(glob("h[^e]llo", "hello", 0), 0);
    ck_assert_int_eq(glob("[^abc]", "d", 0), 1);
    ck_assert_int_eq(glob("[^abc]", "a", 0), 0);
    ck_assert_int_eq(glob("h[a-b]llo", "hallo", 0), 1);
    ck_assert_int_eq(glob("h[a-b]llo", "hbllo", 0), 1);
    ck_assert_int_eq(glob("h[a-b]llo", "hcllo", 0), 0);
    ck_assert_int_eq(glob("[a-c]", "a", 0), 1);
    ck_assert_int_eq(glob("[a-c]", "b", 0), 1);
    ck_assert_int_eq(glob("[a-c]", "c", 0), 1);
    ck_assert_int_eq(glob("[a-c]", "d", 0), 0);
    ck_assert_int_eq(glob("[a-c]", "-", 0), 0);
    ck_assert_int_eq(glob("[c-a]", "b", 0), 1); /* reversed range */
    ck_assert_int_eq(glob("[0-9][0-9]", "42", 0), 1);
    ck_assert_int_eq(glob("[0-9][0-9]", "4x", 0), 0);
    ck_assert_int_eq(glob("[^0-9]", "5", 0), 0);
    ck_assert_int_eq(glob("[^0-9]", "x", 0), 1);
    ck_assert_int_eq(glob("[a-cx-z]", "y", 0), 1);
    ck_assert_int_eq(glob("[a-cx-z]", "m", 0), 0);
    ck_assert_int_eq(glob("[\\]]", "]", 0), 1);
    ck_assert_int_eq(glob("[\\]]", "\\", 0), 0);
    ck_assert_int_eq(glob("[\\-]", "-", 0), 1);
    ck_assert_int_eq(glob("[\\^a]", "^", 0), 1);
    ck_assert_int_eq(glob("k[ab]*[0-9]", "kb-xyz7", 0), 1);
    /* An unterminated class runs to the end of the pattern. */
    ck_assert_int_eq(glob("[abc", "b", 0), 1);
    ck_assert_int_eq(glob("[abc", "d", 0), 0);
}
END_TEST

START_TEST(test_glob_escapes)
{
    ck_assert_int_eq(glob("\\*", "*", 0), 1);
    ck_assert_int_eq(glob("\\*", "a", 0), 0);
    ck_assert_int_eq(glob("\\*", "", 0), 0);
    ck_assert_int_eq(glob("a\\?b", "a?b", 0), 1);
    ck_assert_int_eq(glob("a\\?b", "axb", 0), 0);
    ck_assert_int_eq(glob("\\[a]", "[a]", 0), 1);
    ck_assert_int_eq(glob("\\[a]", "a", 0), 0);
    ck_assert_int_eq(glob("a\\\\b", "a\\b", 0), 1);
    ck_assert_int_eq(glob("\\h\\e", "he", 0), 1);
    ck_assert_int_eq(glob("foo\\*bar*", "foo*bar-baz", 0), 1);
    ck_assert_int_eq(glob("foo\\*bar*", "fooXbar-baz", 0), 0);
    /* A trailing backslash matches itself. */
    ck_assert_int_eq(glob("a\\", "a\\", 0), 1);
    ck_assert_int_eq(glob("a\\", "a", 0), 0);
}
END_TEST

START_TEST(test_glob_nocase)
{
    ck_assert_int_eq(glob("HELLO", "hello", 0), 0);
    ck_assert_int_eq(glob("HELLO", "hello", 1), 1);
    ck_assert_int_eq(glob("hello", "HeLlO", 1), 1);
    ck_assert_int_eq(glob("H?LLO", "hallo", 1), 1);
    ck_assert_int_eq(glob("h*O", "HELLO", 1), 1);
    ck_assert_int_eq(glob("[A-C]x", "bx", 1), 1);
    ck_assert_int_eq(glob("[A-C]x", "bx", 0), 0);
    ck_assert_int_eq(glob("[a-c]X", "BX", 1), 1);
    ck_assert_int_eq(glob("[AB]", "b", 1), 1);
    ck_assert_int_eq(glob("[AB]", "b", 0), 0);
    ck_assert_int_eq(glob("[^AB]", "b", 1), 0);
    ck_assert_int_eq(glob("hello", "hellp", 1), 0);
}
END_TEST

START_TEST(test_glob_binary)
{
    const char pat[] = "a\0*\0b";
    const char s1[] = "a\0xyz\0b";
    const char s2[] = "a\0xyz\0c";
    ck_assert_int_eq(util_glob(pat, 5, s1, 7, 0), 1);
    ck_assert_int_eq(util_glob(pat, 5, s2, 7, 0), 0);
    ck_assert_int_eq(util_glob("?", 1, "\0", 1, 0), 1);
    ck_assert_int_eq(util_glob("\xff*", 2, "\xff\xfe", 2, 0), 1);
    /* Only plen/slen bytes count. */
    ck_assert_int_eq(util_glob("abcdef", 3, "abcxyz", 3, 0), 1);
    ck_assert_int_eq(util_glob("a*", 1, "ab", 2, 0), 0);
}
END_TEST

/*
 * Run one match in a child process and give it `limit` seconds; returns the
 * match result, or -1 if it had not finished (the child is then killed).
 * A child rather than alarm(): Check's own SIGALRM handler would kill the
 * whole process group in CK_FORK=no mode.
 */
static int glob_within(const char *p, const char *s, double limit)
{
    struct timespec t0;
    int status;
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) _exit(glob(p, s, 0));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (elapsed_since(&t0) > limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(1000);
    }
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The Redis regression patterns (keyspace.tcl) must answer at once. */
START_TEST(test_glob_pathological)
{
    char *s = malloc(20001);
    char pat[256];

    memset(s, 'a', 69);
    s[69] = '\0';
    pat[0] = '\0';
    for (int i = 0; i < 50; i++) strcat(pat, "a*");
    strcat(pat, "b");
    ck_assert_int_eq(glob_within(pat, s, 2.0), 0); /* -1: still running */

    memset(s, 'a', 20000);
    s[20000] = '\0';
    ck_assert_int_eq(glob_within("a*a*a*a*a*b", s, 2.0), 0);
    ck_assert_int_eq(glob_within("*a*a*a*a*a*", s, 2.0), 1);
    ck_assert_int_eq(glob_within("a*a*a*a*a*a", s, 2.0), 1);
    ck_assert_int_eq(glob_within("*a*b", s, 2.0), 0);
    free(s);
}
END_TEST

/* Deep patterns are cut off by the nesting limit instead of the stack. */
START_TEST(test_glob_deep_nesting)
{
    size_t n = 100000;
    char *pat = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        pat[2 * i] = '*';
        pat[2 * i + 1] = '?';
    }
    pat[2 * n] = '\0';
    ck_assert_int_eq(util_glob(pat, 2 * n, "a", 1, 0), 0);
    ck_assert_int_eq(util_glob(pat, 2 * n, "aaaaaaaaaaaaaaaaaaaa", 20, 0), 0);
    free(pat);
}
END_TEST

/* Reference matcher for patterns made of literals, '?' and '*' only, with
 * stringmatchlen's rule that an empty string matches only "". */
static int glob_ref(const char *p, size_t pl, const char *s, size_t sl)
{
    if (sl == 0) return pl == 0;
    /* dp[j]: p[0..i) matches s[0..j) */
    unsigned char *dp = calloc(sl + 1, 1), *nx = calloc(sl + 1, 1);
    dp[0] = 1;
    for (size_t i = 0; i < pl; i++) {
        memset(nx, 0, sl + 1);
        if (p[i] == '*') {
            int any = 0;
            for (size_t j = 0; j <= sl; j++) {
                any |= dp[j];
                nx[j] = (unsigned char)any;
            }
        } else {
            for (size_t j = 1; j <= sl; j++)
                nx[j] = dp[j - 1] && (p[i] == '?' || p[i] == s[j - 1]);
        }
        unsigned char *t = dp;
        dp = nx;
        nx = t;
    }
    int r = dp[sl];
    free(dp);
    free(nx);
    return r;
}

START_TEST(test_glob_random_vs_reference)
{
    char p[12], s[16];
    srand(1234);
    for (int it = 0; it < 200000; it++) {
        size_t pl = (size_t)(rand() % 10), sl = (size_t)(rand() % 14);
        for (size_t i = 0; i < pl; i++) p[i] = "ab*?"[rand() % 4];
        for (size_t i = 0; i < sl; i++) s[i] = "ab"[rand() % 2];
        int want = glob_ref(p, pl, s, sl);
        int got = util_glob(p, pl, s, sl, 0);
        ck_assert_msg(got == want, "pattern \"%.*s\" string \"%.*s\": got %d want %d",
                      (int)pl, p, (int)sl, s, got, want);
    }
}
END_TEST

/* Any pattern/string pair, however malformed, returns 0 or 1. */
START_TEST(test_glob_garbage)
{
    char p[24], s[24];
    srand(99);
    for (int it = 0; it < 200000; it++) {
        size_t pl = (size_t)(rand() % 24), sl = (size_t)(rand() % 24);
        for (size_t i = 0; i < pl; i++) p[i] = "ab*?[]^-\\\0"[rand() % 10];
        for (size_t i = 0; i < sl; i++) s[i] = "ab]^-\\*\0"[rand() % 8];
        /* Exact-size copies so a read past either end is caught (valgrind). */
        char *hp = malloc(pl ? pl : 1), *hs = malloc(sl ? sl : 1);
        memcpy(hp, p, pl);
        memcpy(hs, s, sl);
        int r = util_glob(hp, pl, hs, sl, rand() & 1);
        ck_assert(r == 0 || r == 1);
        free(hp);
        free(hs);
    }
}
END_TEST

/* ---- util_hash ---- */

START_TEST(test_hash_deterministic)
{
    util_hash_seed(0x1234567890abcdefULL);
    uint64_t a = util_hash("hello", 5), b = util_hash("hello", 5);
    ck_assert_uint_eq(a, b);
    char copy[] = "xhellox";
    ck_assert_uint_eq(util_hash(copy + 1, 5), a); /* alignment-independent */
    ck_assert_uint_ne(util_hash("hellp", 5), a);
    ck_assert_uint_ne(util_hash("hell", 4), a);
    ck_assert_uint_ne(util_hash("a", 1), util_hash("a\0", 2));
    ck_assert_uint_ne(util_hash("", 0), util_hash("\0", 1));
    ck_assert_uint_eq(util_hash("", 0), util_hash("", 0));

    /* Same seed again, same values; lengths over 16 use the block loop. */
    const char *lng = "the quick brown fox jumps over the lazy dog, twice over";
    uint64_t l1 = util_hash(lng, strlen(lng));
    util_hash_seed(0x1234567890abcdefULL);
    ck_assert_uint_eq(util_hash("hello", 5), a);
    ck_assert_uint_eq(util_hash(lng, strlen(lng)), l1);
}
END_TEST

START_TEST(test_hash_seed_changes_values)
{
    static const char *keys[] = {"", "a", "key:1", "hello world", "0123456789abcdef0123"};
    uint64_t h1[5], h2[5];
    util_hash_seed(0x1111111111111110ULL);
    for (int i = 0; i < 5; i++) h1[i] = util_hash(keys[i], strlen(keys[i]));
    util_hash_seed(0x2222222222222220ULL);
    for (int i = 0; i < 5; i++) h2[i] = util_hash(keys[i], strlen(keys[i]));
    for (int i = 0; i < 5; i++)
        ck_assert_msg(h1[i] != h2[i], "seed ignored for \"%s\"", keys[i]);
    util_hash_seed(0x1111111111111110ULL);
    for (int i = 0; i < 5; i++) ck_assert_uint_eq(util_hash(keys[i], strlen(keys[i])), h1[i]);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

START_TEST(test_hash_spreads_small_keys)
{
    enum { NKEYS = 16384, NB = 1024 };
    int lo[NB], hi[NB];
    util_hash_seed(42);

    /* "key:N": the low and the high bits both fill every bucket evenly. */
    memset(lo, 0, sizeof(lo));
    memset(hi, 0, sizeof(hi));
    for (int i = 0; i < NKEYS; i++) {
        char k[32];
        int n = snprintf(k, sizeof(k), "key:%d", i);
        uint64_t h = util_hash(k, (size_t)n);
        lo[h & (NB - 1)]++;
        hi[h >> 54]++;
    }
    for (int b = 0; b < NB; b++) {
        ck_assert_msg(lo[b] > 0 && lo[b] <= 48, "low bucket %d holds %d", b, lo[b]);
        ck_assert_msg(hi[b] > 0 && hi[b] <= 48, "high bucket %d holds %d", b, hi[b]);
    }

    /* All 1- and 2-byte keys: no collisions at all, and even buckets. */
    uint64_t *all = malloc(sizeof(uint64_t) * (256 + 65536));
    size_t n = 0;
    memset(lo, 0, sizeof(lo));
    for (int a = 0; a < 256; a++) {
        unsigned char k = (unsigned char)a;
        all[n++] = util_hash(&k, 1);
    }
    for (int a = 0; a < 65536; a++) {
        unsigned char k[2] = {(unsigned char)(a >> 8), (unsigned char)a};
        all[n] = util_hash(k, 2);
        lo[all[n] & (NB - 1)]++;
        n++;
    }
    for (int b = 0; b < NB; b++)
        ck_assert_msg(lo[b] >= 24 && lo[b] <= 112, "2-byte bucket %d holds %d", b, lo[b]);
    qsort(all, n, sizeof(uint64_t), cmp_u64);
    for (size_t i = 1; i < n; i++) ck_assert_uint_ne(all[i], all[i - 1]);
    free(all);

    /* Sequential integers as decimal strings: one bit flip moves ~half. */
    int flips = 0;
    for (int i = 0; i < 1000; i++) {
        char k1[16], k2[16];
        int n1 = snprintf(k1, sizeof(k1), "%d", i);
        int n2 = snprintf(k2, sizeof(k2), "%d", i + 1);
        flips += __builtin_popcountll(util_hash(k1, (size_t)n1) ^ util_hash(k2, (size_t)n2));
    }
    ck_assert_msg(flips > 1000 * 24 && flips < 1000 * 40, "avg flipped bits %d/1000", flips);
}
END_TEST

START_TEST(test_hash_nocase)
{
    util_hash_seed(7);
    ck_assert_uint_eq(util_hash_nocase("Hello", 5), util_hash_nocase("hELLO", 5));
    ck_assert_uint_ne(util_hash_nocase("Hello", 5), util_hash_nocase("Hellp", 5));
    char a[200], b[200];
    for (int i = 0; i < 200; i++) {
        a[i] = (char)('a' + i % 26);
        b[i] = (char)('A' + i % 26);
    }
    ck_assert_uint_eq(util_hash_nocase(a, 200), util_hash_nocase(b, 200));
    ck_assert_uint_eq(util_hash_nocase(a, 64), util_hash_nocase(b, 64));
    ck_assert_uint_eq(util_hash_nocase(a, 65), util_hash_nocase(b, 65));
    ck_assert_uint_ne(util_hash_nocase(a, 199), util_hash_nocase(b, 200));
}
END_TEST

/* ---- util_eq_nocase ---- */

START_TEST(test_eq_nocase)
{
    ck_assert_int_eq(util_eq_nocase("GET", 3, "get"), 1);
    ck_assert_int_eq(util_eq_nocase("gEt", 3, "GET"), 1);
    ck_assert_int_eq(util_eq_nocase("get", 3, "get"), 1);
    ck_assert_int_eq(util_eq_nocase("", 0, ""), 1);
    ck_assert_int_eq(util_eq_nocase("GETX", 3, "get"), 1); /* counted */
    ck_assert_int_eq(util_eq_nocase("GET", 3, "gets"), 0);
    ck_assert_int_eq(util_eq_nocase("GETS", 4, "get"), 0);
    ck_assert_int_eq(util_eq_nocase("GET", 2, "get"), 0);
    ck_assert_int_eq(util_eq_nocase("SET", 3, "get"), 0);
    ck_assert_int_eq(util_eq_nocase("", 0, "x"), 0);
    ck_assert_int_eq(util_eq_nocase("G\0T", 3, "g"), 0);
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc;

    tc = tcase_create("str2ll");
    tcase_add_test(tc, test_str2ll_accepts_canonical);
    tcase_add_test(tc, test_str2ll_rejects_non_canonical);
    tcase_add_test(tc, test_str2ll_rejects_overflow);
    tcase_add_test(tc, test_str2ll_counted_buffer);
    tcase_add_test(tc, test_str2ll_roundtrip);
    tcase_add_test(tc, test_str2ull);
    suite_add_tcase(s, tc);

    tc = tcase_create("str2d");
    tcase_add_test(tc, test_str2d_accepts);
    tcase_add_test(tc, test_str2d_rejects);
    tcase_add_test(tc, test_str2ld_accepts);
    tcase_add_test(tc, test_str2ld_rejects);
    tcase_add_test(tc, test_str2ld_subnormal_accepted);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, test_ll2str);
    tcase_add_test(tc, test_ld2str_human);
    tcase_add_test(tc, test_ld2str_exact);
    tcase_add_test(tc, test_ld2str_no_room);
    suite_add_tcase(s, tc);

    tc = tcase_create("glob");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_glob_star_question);
    tcase_add_test(tc, test_glob_classes);
    tcase_add_test(tc, test_glob_escapes);
    tcase_add_test(tc, test_glob_nocase);
    tcase_add_test(tc, test_glob_binary);
    tcase_add_test(tc, test_glob_deep_nesting);
    tcase_add_test(tc, test_glob_random_vs_reference);
    tcase_add_test(tc, test_glob_garbage);
    suite_add_tcase(s, tc);

    /* Own case: a hang here is the bug being caught (each match is given
     * 2 s in a child process). */
    tc = tcase_create("glob_pathological");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_glob_pathological);
    suite_add_tcase(s, tc);

    tc = tcase_create("hash");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_hash_deterministic);
    tcase_add_test(tc, test_hash_seed_changes_values);
    tcase_add_test(tc, test_hash_spreads_small_keys);
    tcase_add_test(tc, test_hash_nocase);
    tcase_add_test(tc, test_eq_nocase);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(util_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
