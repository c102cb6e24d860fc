/*
 * test_strings_value.c — the strings module's value encodings: Redis's
 * "int" detection rules, the embstr/raw boundaries, byte round trips
 * through the string.v1 bytes() function (sv_bytes), inline short
 * strings, APPEND/SETRANGE growth, copies, the RDB-load adoption path, and
 * that every allocation is freed.
 *
 * The module only reaches the host through md__api, so this test supplies
 * a malloc-backed md_api_t (memory entries only) and compiles the value
 * code directly into itself.
 */
#include "../../modules/strings/strings_value.c"

#include <check.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_alloc.h"

static md_api_t test_api;

static void setup(void)
{
    memset(&test_api, 0, sizeof test_api);
    test_api.size = sizeof test_api;
    test_api.alloc = t_alloc;
    test_api.calloc = t_calloc;
    test_api.realloc = t_realloc;
    test_api.free = t_free;
    test_api.usable = t_usable;
    md__api = &test_api;
    md__self = NULL;
    live_blocks = 0;
}

static void teardown(void)
{
    ck_assert_int_eq(live_blocks, 0);
}

/* Assert that v holds exactly s[0..n) and has encoding enc. */
static void check_value(void *v, const char *s, size_t n, int enc)
{
    char buf[SV_INT_BUF];
    md_arg_t a = sv_bytes(v, buf);

    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(a.len, n);
    ck_assert_int_eq(memcmp(a.ptr, s, n), 0);
    ck_assert_uint_eq(sv_len(v), n);
    ck_assert_int_eq(sv_encoding(v), enc);
}

/* ---- int detection (Redis string2ll / tryObjectEncoding) ---- */

static const struct {
    const char *s;
    int is_int;
} int_cases[] = {
    {"0", 1},
    {"1", 1},
    {"-1", 1},
    {"123", 1},
    {"10000", 1},
    {"-9999", 1},
    {"2305843009213693951", 1},  /* 2^61-1: largest immediate */
    {"2305843009213693952", 1},  /* 2^61: boxed */
    {"-2305843009213693952", 1}, /* -2^61: smallest immediate */
    {"-2305843009213693953", 1}, /* boxed */
    {"9223372036854775807", 1},
    {"-9223372036854775808", 1},
    {"9223372036854775808", 0},  /* overflow */
    {"-9223372036854775809", 0},
    {"99999999999999999999", 0}, /* 20 digits, overflow */
    {"", 0},
    {"-", 0},
    {"-0", 0},
    {"00", 0},
    {"007", 0},
    {"+1", 0},
    {" 1", 0},
    {"1 ", 0},
    {"1a", 0},
    {"1.0", 0},
    {"0x10", 0},
    {"1e3", 0},
    {"12345678901234567890123", 0},
    {"-", 0},
    {"abc", 0},
};

START_TEST(test_int_detection)
{
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
        const char *s = int_cases[i].s;
        size_t n = strlen(s);
        void *v = sv_from_arg(s, n);
        long long x;

        check_value(v, s, n, int_cases[i].is_int ? SV_ENC_INT : SV_ENC_EMBSTR);
        ck_assert_str_eq(sv_encoding_name(v),
                         int_cases[i].is_int ? "int" : "embstr");
        ck_assert_int_eq(sv_int_value(v, &x), int_cases[i].is_int);
        if (int_cases[i].is_int) ck_assert_int_eq(x, strtoll(s, NULL, 10));
        sv_free(v);
    }
}
END_TEST

START_TEST(test_string2ll)
{
    long long x;

    ck_assert_int_eq(sv_string2ll("9223372036854775807", 19, &x), 1);
    ck_assert(x == 9223372036854775807LL);
    ck_assert_int_eq(sv_string2ll("-9223372036854775808", 20, &x), 1);
    ck_assert(x == -9223372036854775807LL - 1);
    ck_assert_int_eq(sv_string2ll("18446744073709551616", 20, &x), 0);
    ck_assert_int_eq(sv_string2ll("12\0", 3, &x), 0); /* embedded NUL */
    ck_assert_int_eq(sv_string2ll("0", 1, NULL), 1);
}
END_TEST

START_TEST(test_immediates_allocate_nothing)
{
    void *v = sv_from_ll(42);

    ck_assert_int_eq(live_blocks, 0);
    ck_assert_uint_eq(sv_mem_usage(v), 0);
    ck_assert_uint_eq((uintptr_t)v & 1, 1);
    sv_free(v);

    v = sv_from_ll(SV_IMM_MAX);
    ck_assert_int_eq(live_blocks, 0);
    sv_free(v);
    v = sv_from_ll(SV_IMM_MIN);
    ck_assert_int_eq(live_blocks, 0);
    sv_free(v);

    /* Outside 62 bits the integer is boxed but still "int". */
    v = sv_from_ll(SV_IMM_MAX + 1);
    ck_assert_int_eq(live_blocks, 1);
    ck_assert_int_eq(sv_encoding(v), SV_ENC_INT);
    ck_assert_uint_gt(sv_mem_usage(v), 0);
    sv_free(v);
}
END_TEST

START_TEST(test_from_ll_round_trip)
{
    static const long long vals[] = {
        0, 1, -1, 9, 10, 99, 100, -100, 123456789, -987654321,
        SV_IMM_MAX, SV_IMM_MIN, SV_IMM_MAX + 1, SV_IMM_MIN - 1,
        9223372036854775807LL, -9223372036854775807LL - 1};

    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char expect[32];
        long long x = 0;
        int n = snprintf(expect, sizeof expect, "%lld", vals[i]);
        void *v = sv_from_ll(vals[i]);

        check_value(v, expect, (size_t)n, SV_ENC_INT);
        ck_assert_int_eq(sv_get_ll(v, &x), MD_OK);
        ck_assert(x == vals[i]);
        sv_free(v);
    }
}
END_TEST

/* ---- embstr / raw boundaries ---- */

START_TEST(test_embstr_raw_boundary)
{
    char s[200];
    memset(s, 'x', sizeof s);

    for (size_t n = 0; n <= 100; n++) {
        void *a = sv_from_arg(s, n);
        void *b = sv_new_str(s, n);
        void *r = sv_new_raw(s, n);
        int want = n <= SV_EMBSTR_MAX ? SV_ENC_EMBSTR : SV_ENC_RAW;

        check_value(a, s, n, want);
        check_value(b, s, n, want);
        check_value(r, s, n, SV_ENC_RAW);
        ck_assert_str_eq(sv_encoding_name(r), "raw");
        sv_free(a);
        sv_free(b);
        sv_free(r);
    }
}
END_TEST

START_TEST(test_new_str_does_not_detect_ints)
{
    /* INCRBYFLOAT results: createStringObject(), never "int". */
    void *v = sv_new_str("3", 1);
    check_value(v, "3", 1, SV_ENC_EMBSTR);
    sv_free(v);
    v = sv_new_raw("12", 2);
    check_value(v, "12", 2, SV_ENC_RAW);
    sv_free(v);
}
END_TEST

START_TEST(test_embstr_is_compact)
{
    /* A 10-byte value costs one allocation of header + bytes. */
    void *v = sv_from_arg("hello-word", 10);
    ck_assert_int_eq(live_blocks, 1);
    ck_assert_uint_le(sv_mem_usage(v), 32);
    sv_free(v);
}
END_TEST

START_TEST(test_inline_short_strings)
{
    /* Up to 7 bytes live in the word itself: no allocation, "embstr". */
    const char s[] = "abcdefgh";
    for (size_t n = 0; n <= 8; n++) {
        void *v = sv_from_arg(s, n);
        check_value(v, s, n, SV_ENC_EMBSTR);
        ck_assert_str_eq(sv_encoding_name(v), "embstr");
        ck_assert_int_eq(live_blocks, n <= SV_INLINE_MAX ? 0 : 1);
        ck_assert_uint_eq(sv_mem_usage(v) == 0, n <= SV_INLINE_MAX);
        void *d = sv_dup(v);
        check_value(d, s, n, SV_ENC_EMBSTR);
        sv_free(d);
        sv_free(v);
    }
    /* High bytes and NULs survive the packing. */
    const char b[] = {(char)0xff, 0, (char)0x80, 'x', 0, 0, (char)0xfe};
    for (size_t n = 0; n <= sizeof b; n++) {
        void *v = sv_new_str(b, n);
        check_value(v, b, n, SV_ENC_EMBSTR);
        sv_free(v);
    }
    /* Inline strings turn raw when modified. */
    size_t len;
    void *v = sv_from_arg("ab", 2);
    char *p = sv_make_raw(&v, 4, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(p, "ab\0\0", 4), 0);
    ck_assert_int_eq(sv_encoding(v), SV_ENC_RAW);
    sv_free(v);
    v = sv_append(sv_from_arg("", 0), "xyz", 3);
    check_value(v, "xyz", 3, SV_ENC_RAW);
    sv_free(v);
}
END_TEST

START_TEST(test_binary_bytes)
{
    const char s[] = {'a', '\0', 'b', '\r', '\n', (char)0xff};
    void *v = sv_from_arg(s, sizeof s);
    check_value(v, s, sizeof s, SV_ENC_EMBSTR);
    sv_free(v);
}
END_TEST

/* ---- mutation: APPEND / SETRANGE ---- */

START_TEST(test_append_turns_raw)
{
    void *v = sv_from_arg("12", 2);
    ck_assert_int_eq(sv_encoding(v), SV_ENC_INT);
    v = sv_append(v, "3", 1);
    check_value(v, "123", 3, SV_ENC_RAW); /* Redis: APPEND to an int is raw */
    sv_free(v);

    v = sv_from_arg("abc", 3);
    v = sv_append(v, "", 0);
    check_value(v, "abc", 3, SV_ENC_RAW);
    sv_free(v);

    v = sv_from_ll(SV_IMM_MAX + 5); /* boxed */
    v = sv_append(v, "x", 1);
    check_value(v, "2305843009213693956x", 20, SV_ENC_RAW);
    sv_free(v);
}
END_TEST

START_TEST(test_append_many)
{
    size_t total = 0;
    char *expect = malloc(200000);
    void *v = sv_from_arg("", 0);

    for (int i = 0; i < 20000; i++) {
        char chunk[16];
        int n = snprintf(chunk, sizeof chunk, "%d,", i);
        memcpy(expect + total, chunk, (size_t)n);
        total += (size_t)n;
        v = sv_append(v, chunk, (size_t)n);
        ck_assert_uint_eq(sv_len(v), total);
    }
    check_value(v, expect, total, SV_ENC_RAW);
    /* Greedy growth: spare room, but never more than about double. */
    ck_assert_uint_ge(sv_mem_usage(v), total);
    ck_assert_uint_le(sv_mem_usage(v), 2 * total + 64);
    sv_free(v);
    free(expect);
}
END_TEST

START_TEST(test_make_raw_growzero)
{
    size_t len;
    void *v = sv_from_arg("hello", 5);
    char *p = sv_make_raw(&v, 10, &len);

    ck_assert_uint_eq(len, 10);
    check_value(v, "hello\0\0\0\0\0", 10, SV_ENC_RAW);
    memcpy(p + 8, "xy", 2);
    check_value(v, "hello\0\0\0xy", 10, SV_ENC_RAW);

    /* A shorter minimum keeps the length. */
    p = sv_make_raw(&v, 3, &len);
    ck_assert_uint_eq(len, 10);
    ck_assert_int_eq(memcmp(p, "hello", 5), 0);

    /* Growing far re-zeroes only the new tail. */
    p = sv_make_raw(&v, 5000, &len);
    ck_assert_uint_eq(len, 5000);
    ck_assert_int_eq(memcmp(p, "hello\0\0\0xy", 10), 0);
    for (size_t i = 10; i < 5000; i++) ck_assert_int_eq(p[i], 0);
    sv_free(v);

    /* From an immediate integer: its digits become the bytes. */
    v = sv_from_ll(-42);
    p = sv_make_raw(&v, 0, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(p, "-42", 3), 0);
    ck_assert_int_eq(sv_encoding(v), SV_ENC_RAW);
    sv_free(v);
}
END_TEST

/* sv_resize(), string.v1's resize(): exact lengths both ways, the
 * capacity kept when shrinking, new bytes zero even after a shrink. */
START_TEST(test_resize)
{
    void *v = sv_from_arg("12345", 5);
    char *p = sv_resize(&v, 3);
    size_t cap;

    check_value(v, "123", 3, SV_ENC_RAW);
    p = sv_resize(&v, 6);
    check_value(v, "123\0\0\0", 6, SV_ENC_RAW);
    memcpy(p, "abcdef", 6);
    p = sv_resize(&v, 2000);
    ck_assert_int_eq(memcmp(p, "abcdef", 6), 0);
    for (size_t i = 6; i < 2000; i++) ck_assert_int_eq(p[i], 0);
    memset(p, 'z', 2000);
    cap = sv_mem_usage(v);
    p = sv_resize(&v, 18);
    ck_assert_uint_eq(sv_mem_usage(v), cap);
    ck_assert_uint_eq(sv_len(v), 18);
    /* Regrowing within the kept capacity zeroes the bytes cut before. */
    p = sv_resize(&v, 21);
    ck_assert_int_eq(p[17], 'z');
    ck_assert_int_eq(p[18], 0);
    ck_assert_int_eq(p[20], 0);
    p = sv_resize(&v, 0);
    check_value(v, "", 0, SV_ENC_RAW);
    sv_free(v);
}
END_TEST

START_TEST(test_raw_zero_fill_new)
{
    void *v = sv_new_raw(NULL, 100);
    char buf[SV_INT_BUF];
    md_arg_t a = sv_bytes(v, buf);
    ck_assert_uint_eq(a.len, 100);
    for (size_t i = 0; i < 100; i++) ck_assert_int_eq(a.ptr[i], 0);
    sv_free(v);
}
END_TEST

/* ---- integer reading (INCR) ---- */

START_TEST(test_get_ll)
{
    long long x;
    void *v = sv_new_str("123", 3); /* embstr holding digits */
    ck_assert_int_eq(sv_get_ll(v, &x), MD_OK);
    ck_assert_int_eq(x, 123);
    sv_free(v);

    v = sv_from_arg("12a", 3);
    ck_assert_int_eq(sv_get_ll(v, &x), MD_ERR);
    sv_free(v);

    v = sv_from_arg(" 12", 3);
    ck_assert_int_eq(sv_get_ll(v, &x), MD_ERR);
    sv_free(v);
}
END_TEST

/* ---- copies and RDB-load adoption ---- */

START_TEST(test_dup_keeps_encoding)
{
    char big[300];
    memset(big, 'q', sizeof big);
    void *vals[] = {sv_from_arg("77", 2), sv_from_ll(SV_IMM_MIN - 1),
                    sv_from_arg("emb", 3), sv_new_raw("r", 1),
                    sv_from_arg(big, sizeof big)};

    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char b1[SV_INT_BUF], b2[SV_INT_BUF];
        void *d = sv_dup(vals[i]);
        md_arg_t x = sv_bytes(vals[i], b1), y = sv_bytes(d, b2);
        ck_assert_int_eq(sv_encoding(d), sv_encoding(vals[i]));
        ck_assert_uint_eq(x.len, y.len);
        ck_assert_int_eq(memcmp(x.ptr, y.ptr, x.len), 0);
        sv_free(d);
        sv_free(vals[i]);
    }
}
END_TEST

/* A block as md_rdb_load_string() would hand it over. */
static void *loaded(const char *s, size_t n)
{
    char *b = md_alloc(n ? n : 1);
    memcpy(b, s, n);
    return b;
}

START_TEST(test_from_buf)
{
    char big[5000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)('a' + i % 26);

    void *v = sv_from_buf(loaded("12345", 5), 5);
    check_value(v, "12345", 5, SV_ENC_INT);
    sv_free(v);

    v = sv_from_buf(loaded("", 0), 0);
    check_value(v, "", 0, SV_ENC_EMBSTR);
    sv_free(v);

    v = sv_from_buf(loaded(big, 44), 44);
    check_value(v, big, 44, SV_ENC_EMBSTR);
    sv_free(v);

    v = sv_from_buf(loaded(big, 45), 45);
    check_value(v, big, 45, SV_ENC_RAW);
    sv_free(v);

    v = sv_from_buf(loaded(big, sizeof big), sizeof big);
    check_value(v, big, sizeof big, SV_ENC_RAW);
    sv_free(v);
}
END_TEST

START_TEST(test_ll2str)
{
    char buf[SV_INT_BUF];
    ck_assert_int_eq(md_ll2str_inline(buf, 0), 1);
    ck_assert_str_eq(buf, "0");
    ck_assert_int_eq(md_ll2str_inline(buf, -9223372036854775807LL - 1), 20);
    ck_assert_str_eq(buf, "-9223372036854775808");
    ck_assert_int_eq(md_ll2str_inline(buf, 9223372036854775807LL), 19);
    ck_assert_str_eq(buf, "9223372036854775807");
}
END_TEST

static Suite *strings_value_suite(void)
{
    Suite *s = suite_create("strings_value");
    TCase *tc = tcase_create("encodings");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_int_detection);
    tcase_add_test(tc, test_string2ll);
    tcase_add_test(tc, test_immediates_allocate_nothing);
    tcase_add_test(tc, test_from_ll_round_trip);
    tcase_add_test(tc, test_embstr_raw_boundary);
    tcase_add_test(tc, test_new_str_does_not_detect_ints);
    tcase_add_test(tc, test_embstr_is_compact);
    tcase_add_test(tc, test_inline_short_strings);
    tcase_add_test(tc, test_binary_bytes);
    tcase_add_test(tc, test_append_turns_raw);
    tcase_add_test(tc, test_append_many);
    tcase_add_test(tc, test_make_raw_growzero);
    tcase_add_test(tc, test_resize);
    tcase_add_test(tc, test_raw_zero_fill_new);
    tcase_add_test(tc, test_get_ll);
    tcase_add_test(tc, test_dup_keeps_encoding);
    tcase_add_test(tc, test_from_buf);
    tcase_add_test(tc, test_ll2str);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(strings_value_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
