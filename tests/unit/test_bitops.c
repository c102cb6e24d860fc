/*
 * test_bitops.c — the bitmaps module's bit kernels (bitmaps_ops.c)
 * against naive bit-by-bit versions on random strings of every small
 * length and alignment, plus BITFIELD's overflow rules on the cases
 * Redis's documentation and test suite spell out.
 *
 * bitmaps_ops.c needs nothing from the host, so it is compiled into this
 * test directly.
 */
#include "../../modules/bitmaps/bitmaps_ops.c"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random bytes, biased now and then to runs of 0x00 / 0xff so that the
 * word-skipping paths are taken. */
static void fill(uint8_t *p, size_t n)
{
    int mode = (int)(rnd() % 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)rnd();
        if (mode == 1 && rnd() % 16) b = 0;
        if (mode == 2 && rnd() % 16) b = 0xff;
        p[i] = b;
    }
}

static int bit_at(const uint8_t *p, uint64_t i)
{
    return (p[i >> 3] >> (7 - (i & 7))) & 1;
}

START_TEST(test_popcount_matches_naive)
{
    uint8_t buf[300];
    for (int iter = 0; iter < 2000; iter++) {
        size_t off = rnd() % 9, n = rnd() % (sizeof(buf) - off);
        fill(buf, sizeof(buf));
        uint64_t want = 0;
        for (size_t i = 0; i < n * 8; i++) want += (uint64_t)bit_at(buf + off, i);
        ck_assert_uint_eq(bm_popcount(buf + off, n), want);
    }
    memset(buf, 0xff, sizeof(buf));
    ck_assert_uint_eq(bm_popcount(buf, sizeof(buf)), sizeof(buf) * 8);
    ck_assert_uint_eq(bm_popcount(buf, 0), 0);
}
END_TEST

START_TEST(test_count_range_matches_naive)
{
    uint8_t buf[100];
    for (int iter = 0; iter < 5000; iter++) {
        fill(buf, sizeof(buf));
        uint64_t a = rnd() % (sizeof(buf) * 8), b = rnd() % (sizeof(buf) * 8);
        if (a > b) { uint64_t t = a; a = b; b = t; }
        uint64_t want = 0;
        for (uint64_t i = a; i <= b; i++) want += (uint64_t)bit_at(buf, i);
        ck_assert_uint_eq(bm_count_range(buf, a, b), want);
    }
}
END_TEST

START_TEST(test_find_bit_matches_naive)
{
    uint8_t buf[120];
    for (int iter = 0; iter < 20000; iter++) {
        fill(buf, sizeof(buf));
        int bit = (int)(rnd() & 1);
        uint64_t a = rnd() % (sizeof(buf) * 8), b = rnd() % (sizeof(buf) * 8);
        if (a > b) { uint64_t t = a; a = b; b = t; }
        int64_t want = -1;
        for (uint64_t i = a; i <= b; i++)
            if (bit_at(buf, i) == bit) { want = (int64_t)i; break; }
        ck_assert_int_eq(bm_find_bit(buf, a, b, bit), want);
    }
    /* Long runs: the answer just before, on and after word edges. */
    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(bm_find_bit(buf, 0, sizeof(buf) * 8 - 1, 1), -1);
    buf[100] = 0x01;
    ck_assert_int_eq(bm_find_bit(buf, 3, sizeof(buf) * 8 - 1, 1), 807);
    ck_assert_int_eq(bm_find_bit(buf, 3, 806, 1), -1);
    ck_assert_int_eq(bm_find_bit(buf, 807, 807, 1), 807);
    ck_assert_int_eq(bm_find_bit(buf, 0, 10, 0), 0);
}
END_TEST

/* The naive BITOP: per bit, over zero-padded sources. */
static int naive_bit(enum bm_op op, const uint8_t *const *src,
                     const size_t *len, size_t n, uint64_t i)
{
    int v[8], any = 0, ones = 0, r;
    for (size_t k = 0; k < n; k++) {
        v[k] = (i >> 3) < len[k] ? bit_at(src[k], i) : 0;
        if (k) any |= v[k];
        ones += v[k];
    }
    switch (op) {
    case BM_AND: r = 1; for (size_t k = 0; k < n; k++) r &= v[k]; return r;
    case BM_OR: r = 0; for (size_t k = 0; k < n; k++) r |= v[k]; return r;
    case BM_XOR: r = 0; for (size_t k = 0; k < n; k++) r ^= v[k]; return r;
    case BM_NOT: return !v[0];
    case BM_DIFF: return v[0] && !any;
    case BM_DIFF1: return !v[0] && any;
    case BM_ANDOR: return v[0] && any;
    default: return ones == 1;
    }
}

START_TEST(test_bitop_matches_naive)
{
    uint8_t data[6][70], out[70];
    const uint8_t *src[6];
    size_t len[6];

    for (int iter = 0; iter < 3000; iter++) {
        enum bm_op op = (enum bm_op)(rnd() % 8);
        size_t n = op == BM_NOT ? 1 : 1 + rnd() % 6, maxlen = 0;
        if ((op == BM_DIFF || op == BM_DIFF1 || op == BM_ANDOR) && n < 2) n = 2;
        for (size_t k = 0; k < n; k++) {
            len[k] = rnd() % 70;
            fill(data[k], len[k]);
            src[k] = len[k] ? data[k] : NULL;
            if (len[k] > maxlen) maxlen = len[k];
        }
        memset(out, 0xa5, sizeof(out));
        bm_bitop(op, src, len, n, out, maxlen);
        for (uint64_t i = 0; i < maxlen * 8; i++)
            ck_assert_int_eq(bit_at(out, i), naive_bit(op, src, len, n, i));
        if (maxlen < sizeof(out)) ck_assert_int_eq(out[maxlen], 0xa5);
    }
}
END_TEST

START_TEST(test_bitop_examples)
{
    /* Worked examples of the 8.2 operations on X, Y1, Y2. */
    const uint8_t x[] = {0xf0}, y1[] = {0x3c}, y2[] = {0x0f};
    const uint8_t *src[] = {x, y1, y2};
    const size_t len[] = {1, 1, 1};
    uint8_t out;

    bm_bitop(BM_DIFF, src, len, 3, &out, 1);
    ck_assert_uint_eq(out, 0xc0);
    bm_bitop(BM_DIFF1, src, len, 3, &out, 1);
    ck_assert_uint_eq(out, 0x0f);
    bm_bitop(BM_ANDOR, src, len, 3, &out, 1);
    ck_assert_uint_eq(out, 0x30);
    bm_bitop(BM_ONE, src, len, 3, &out, 1);
    ck_assert_uint_eq(out, 0xc3);
    bm_bitop(BM_ONE, src, len, 1, &out, 1);
    ck_assert_uint_eq(out, 0xf0);
}
END_TEST

static uint64_t naive_get(const uint8_t *p, size_t len, uint64_t off, int bits)
{
    uint64_t v = 0;
    for (int i = 0; i < bits; i++) {
        uint64_t b = off + (uint64_t)i;
        v = (v << 1) | (uint64_t)((b >> 3) < len ? bit_at(p, b) : 0);
    }
    return v;
}

START_TEST(test_field_get_set_round_trip)
{
    uint8_t buf[40], copy[40];
    for (int iter = 0; iter < 20000; iter++) {
        fill(buf, sizeof(buf));
        int bits = 1 + (int)(rnd() % 64);
        uint64_t off = rnd() % (sizeof(buf) * 8 - (uint64_t)bits + 1);
        size_t len = rnd() % (sizeof(buf) + 1);
        ck_assert_uint_eq(bm_field_get(buf, len, off, bits),
                          naive_get(buf, len, off, bits));
        /* Set a random value; only the field's bits may change. */
        uint64_t v = rnd();
        memcpy(copy, buf, sizeof(buf));
        bm_field_set(buf, off, bits, v);
        uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
        ck_assert_uint_eq(bm_field_get(buf, sizeof(buf), off, bits), v & mask);
        for (uint64_t i = 0; i < sizeof(buf) * 8; i++)
            if (i < off || i >= off + (uint64_t)bits)
                ck_assert_int_eq(bit_at(buf, i), bit_at(copy, i));
    }
}
END_TEST

START_TEST(test_field_signed)
{
    uint8_t buf[9] = {0};
    bm_field_set(buf, 3, 5, (uint64_t)-3);
    ck_assert_int_eq(bm_field_get_signed(buf, 9, 3, 5), -3);
    ck_assert_uint_eq(bm_field_get(buf, 9, 3, 5), 29);
    bm_field_set(buf, 7, 64, (uint64_t)INT64_MIN);
    ck_assert_int_eq(bm_field_get_signed(buf, 9, 7, 64), INT64_MIN);
    /* Redis's BITFIELD documentation: u5 23 at bit 7 of zeros. */
    memset(buf, 0, sizeof(buf));
    bm_field_set(buf, 7, 5, 23);
    ck_assert_uint_eq(buf[0], 0x01);
    ck_assert_uint_eq(buf[1], 0x70);
}
END_TEST

START_TEST(test_field_overflow)
{
    int64_t out;

    /* Fits. */
    ck_assert_int_eq(bm_field_apply(0, 8, 1, 0, 255, BM_WRAP, &out), 0);
    ck_assert_int_eq(out, 255);
    /* u8 SET 300: wraps to 44, saturates to 255. */
    ck_assert_int_eq(bm_field_apply(0, 8, 1, 0, 300, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, 44);
    ck_assert_int_eq(bm_field_apply(0, 8, 1, 0, 300, BM_SAT, &out), 1);
    ck_assert_int_eq(out, 255);
    /* u8 SET -1 is read as 2^64-1: too big, so SAT gives 255. */
    ck_assert_int_eq(bm_field_apply(0, 8, 1, 0, -1, BM_SAT, &out), 1);
    ck_assert_int_eq(out, 255);
    ck_assert_int_eq(bm_field_apply(0, 8, 1, 0, -1, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, 255);
    /* u2 INCRBY: 3 + 1 wraps to 0; 1 - 2 underflows. */
    ck_assert_int_eq(bm_field_apply(0, 2, 0, 3, 1, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, 0);
    ck_assert_int_eq(bm_field_apply(0, 2, 0, 1, -2, BM_SAT, &out), -1);
    ck_assert_int_eq(out, 0);
    ck_assert_int_eq(bm_field_apply(0, 2, 0, 1, -2, BM_WRAP, &out), -1);
    ck_assert_int_eq(out, 3);
    /* i8: 100 + 100 wraps to -56, saturates to 127; -100 - 100 to -128. */
    ck_assert_int_eq(bm_field_apply(1, 8, 0, 100, 100, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, -56);
    ck_assert_int_eq(bm_field_apply(1, 8, 0, 100, 100, BM_SAT, &out), 1);
    ck_assert_int_eq(out, 127);
    ck_assert_int_eq(bm_field_apply(1, 8, 0, -100, -100, BM_SAT, &out), -1);
    ck_assert_int_eq(out, -128);
    ck_assert_int_eq(bm_field_apply(1, 8, 1, 0, 128, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, -128);
    /* i64 at the edges. */
    ck_assert_int_eq(bm_field_apply(1, 64, 0, INT64_MAX, 1, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, INT64_MIN);
    ck_assert_int_eq(bm_field_apply(1, 64, 0, INT64_MIN, -1, BM_SAT, &out), -1);
    ck_assert_int_eq(out, INT64_MIN);
    ck_assert_int_eq(bm_field_apply(1, 64, 0, INT64_MAX, INT64_MIN, BM_FAIL, &out), 0);
    ck_assert_int_eq(out, -1);
    /* u63 + big increments. */
    ck_assert_int_eq(bm_field_apply(0, 63, 0, INT64_MAX, INT64_MAX, BM_SAT, &out), 1);
    ck_assert_int_eq(out, INT64_MAX);
    ck_assert_int_eq(bm_field_apply(0, 63, 0, INT64_MAX, INT64_MAX, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, INT64_MAX - 1);
    /* i1 holds -1 and 0. */
    ck_assert_int_eq(bm_field_apply(1, 1, 1, 0, 1, BM_WRAP, &out), 1);
    ck_assert_int_eq(out, -1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bitops");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_popcount_matches_naive);
    tcase_add_test(tc, test_count_range_matches_naive);
    tcase_add_test(tc, test_find_bit_matches_naive);
    tcase_add_test(tc, test_bitop_matches_naive);
    tcase_add_test(tc, test_bitop_examples);
    tcase_add_test(tc, test_field_get_set_round_trip);
    tcase_add_test(tc, test_field_signed);
    tcase_add_test(tc, test_field_overflow);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
