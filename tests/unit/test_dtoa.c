/*
 * test_dtoa.c — Check suite for host/dtoa.c, doubles as Redis 7.4 prints
 * them (d2string over fpconv_dtoa's Grisu2): the special values, the
 * integer range, fpconv's layout rules, the buffer contract, and over a
 * million random doubles that every output reads back as the same double,
 * has at most 17 digits, and is the shortest form for all but a few.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

static const char *d2s(double v)
{
    static char buf[DTOA_BUF];
    int n = dtoa_redis(v, buf, sizeof(buf));
    ck_assert_int_eq((size_t)n, strlen(buf));
    return buf;
}

START_TEST(specials_and_integers)
{
    ck_assert_str_eq(d2s(NAN), "nan");
    ck_assert_str_eq(d2s(INFINITY), "inf");
    ck_assert_str_eq(d2s(-INFINITY), "-inf");
    ck_assert_str_eq(d2s(0.0), "0");
    ck_assert_str_eq(d2s(-0.0), "-0");
    ck_assert_str_eq(d2s(1.0), "1");
    ck_assert_str_eq(d2s(-1000.0), "-1000");
    /* integral values print as integers while |v| <= 2^62 (double2ll) */
    ck_assert_str_eq(d2s(4503599627370495.0), "4503599627370495");
    ck_assert_str_eq(d2s(1e17), "100000000000000000");
    ck_assert_str_eq(d2s(-1e18), "-1000000000000000000");
    ck_assert_str_eq(d2s(4611686018427387904.0), "4611686018427387904");
    ck_assert_str_eq(d2s(-4611686018427387904.0), "-4611686018427387904");
    /* above: Grisu2 digits, plain while the exponent is small enough */
    ck_assert_str_eq(d2s(9223372036854775808.0), "9223372036854776000");
    ck_assert_str_eq(d2s(5e18), "5e+18");
    ck_assert_str_eq(d2s(1e21), "1e+21");
    ck_assert_str_eq(d2s(1e22), "1e+22");
}
END_TEST

START_TEST(fractions_and_layout)
{
    ck_assert_str_eq(d2s(0.1), "0.1");
    ck_assert_str_eq(d2s(1.1), "1.1");
    ck_assert_str_eq(d2s(-0.3), "-0.3");
    ck_assert_str_eq(d2s(3.14), "3.14");
    ck_assert_str_eq(d2s(-2.25), "-2.25");
    ck_assert_str_eq(d2s(1e-5), "0.00001");
    ck_assert_str_eq(d2s(1.5e-5), "0.000015");
    ck_assert_str_eq(d2s(0.001953125), "0.001953125");
    ck_assert_str_eq(d2s(0.0009765625), "9.765625e-4");  /* 7 digits after */
    ck_assert_str_eq(d2s(1.5e-7), "1.5e-7");
    ck_assert_str_eq(d2s(1e-7), "1e-7");
    ck_assert_str_eq(d2s(1.5e300), "1.5e+300");
    ck_assert_str_eq(d2s(-1e-100), "-1e-100");
    ck_assert_str_eq(d2s(5e-324), "5e-324");
    ck_assert_str_eq(d2s(2.2250738585072014e-308), "2.2250738585072014e-308");
    ck_assert_str_eq(d2s(1.7976931348623157e308), "1.7976931348623157e+308");
    ck_assert_str_eq(d2s(123456789012345678901234.0), "123456789012345690000000");
    /* Grisu2 is not always shortest: a shorter form within a unit of its
     * (scaled) interval's edge is missed — 16 and 15 digits would do. */
    ck_assert_str_eq(d2s(4.148662197091951e+34), "4.1486621970919508e+34");
    ck_assert_str_eq(d2s(-1.2177806878781e-27), "-1.2177806878780999e-27");
}
END_TEST

START_TEST(buffer_contract)
{
    char buf[8];
    ck_assert_int_eq(dtoa_redis(0.1, buf, 4), 3);
    ck_assert_str_eq(buf, "0.1");
    ck_assert_int_eq(dtoa_redis(0.1, buf, 3), 0);        /* no room for NUL */
    ck_assert_int_eq(dtoa_redis(-INFINITY, buf, 4), 0);
    ck_assert_int_eq(dtoa_redis(1.7976931348623157e308, buf, sizeof buf), 0);
}
END_TEST

START_TEST(random_doubles_round_trip)
{
    uint64_t s = 88172645463325252ULL;
    long longer = 0;
    for (long i = 0; i < 1000000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double d;
        memcpy(&d, &s, sizeof d);
        if (!isfinite(d)) continue;
        const char *out = d2s(d);
        ck_assert_msg(strtod(out, NULL) == d, "%a printed as %s", d, out);
        if (!strpbrk(out, ".e")) continue;               /* integer path */
        int digits = 0, lead = 1;
        for (const char *q = out; *q && *q != 'e'; q++) {
            if (*q < '0' || *q > '9') continue;
            if (*q != '0') lead = 0;
            if (!lead) digits++;
        }
        char e[40];
        int p = 0;
        while (p < 17 && (snprintf(e, sizeof e, "%.*e", p, d), strtod(e, NULL) != d)) p++;
        ck_assert_int_le(digits, 17);
        if (digits > p + 1) longer++;
    }
    ck_assert_int_lt(longer, 2000);                      /* about 0.05% */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dtoa");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, specials_and_integers);
    tcase_add_test(tc, fractions_and_layout);
    tcase_add_test(tc, buffer_contract);
    tcase_add_test(tc, random_doubles_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
