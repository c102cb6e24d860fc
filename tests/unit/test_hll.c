/*
 * test_hll.c — the HyperLogLog module's representation (hll_repr.c) and
 * working copies (hll_value.c): values built here from the same elements
 * as in redis-server 7.0 must be the very bytes Redis wrote (sparse, with
 * its run merges; promoted to dense at hll-sparse-max-bytes; dense), the
 * estimator must give Redis's counts, sparse and dense forms must agree
 * register by register, and a fuzz of corrupted sparse values must be
 * reported consistently by every reader without writing out of bounds.
 *
 * The expected bytes and counts were taken from redis-server 7.0.15 with
 * PFADD of "e0", "e1", ... and GET / PFCOUNT. hll_value.c's key functions
 * are compiled in but not called; its working copy runs on the counting
 * stand-in allocator.
 */
#include "../../modules/hll/hll_repr.c"
#include "../../modules/hll/hll_value.c"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_alloc.h"

const md_string_v1_t *hll_str;
long long hll_sparse_max_bytes = 3000;

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
    live_blocks = 0;
    hll_sparse_max_bytes = 3000;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

static uint64_t fnv64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        sscanf(hex + 2 * i, "%2x", &b);
        out[i] = (uint8_t)b;
    }
    return n;
}

/* PFADD of "e<from>" .. "e<to-1>" into the working copy. */
static void add_range(hll_work_t *w, int from, int to)
{
    char ele[16];
    long reg;
    for (int i = from; i < to; i++) {
        int n = snprintf(ele, sizeof(ele), "e%d", i);
        unsigned count = hll_pattern(ele, (size_t)n, &reg);
        ck_assert_int_ge(hll_work_set(w, reg, count), 0);
    }
    hll_cache_invalidate(w->p);
}

static void new_work(hll_work_t *w)
{
    hll_view_t none;
    memset(&none, 0, sizeof(none));
    hll_work_init(w, &none);
}

static uint64_t count_of(const uint8_t *s, size_t len)
{
    int histo[64];
    ck_assert_int_eq(hll_histogram(s, len, histo), 0);
    return hll_estimate(histo);
}

/* Redis's bytes after PFADD of e0..e9 and of e0..e199. */
static const char *const SPARSE_10 =
    "48594c4c010000000000000000000080452580472e844fc9804412844a5184430d84"
    "4103844eb984408880406a8441b1";
static const char *const SPARSE_200_HEAD =
    "48594c4c010000000000000000000080368421801980409f8408a40e88409084406c"
    "9c0190018812883884409480411c8817884055800080407a80411d8812804075800d";

START_TEST(test_sparse_bytes_match_redis)
{
    uint8_t want[600];
    hll_work_t w;
    size_t n;

    new_work(&w);
    add_range(&w, 0, 10);
    n = unhex(SPARSE_10, want);
    ck_assert_uint_eq(w.len, n);
    ck_assert_int_eq(memcmp(w.p, want, n), 0);
    add_range(&w, 10, 200);
    ck_assert_uint_eq(w.len, 513);
    n = unhex(SPARSE_200_HEAD, want);
    ck_assert_int_eq(memcmp(w.p, want, n), 0);
    ck_assert_uint_eq(count_of(w.p, w.len), 200);
    add_range(&w, 200, 1000);
    ck_assert_int_eq(w.p[4], HLL_SPARSE);
    ck_assert_uint_eq(w.len, 1906);
    ck_assert_uint_eq(fnv64(w.p, w.len), 0x5935de0232806824ULL);
    ck_assert_uint_eq(count_of(w.p, w.len), 1008);
    hll_work_free(&w);
}
END_TEST

START_TEST(test_promotion_matches_redis)
{
    hll_work_t w;

    /* Default threshold: dense after a few thousand elements. */
    new_work(&w);
    add_range(&w, 0, 100000);
    ck_assert_int_eq(w.p[4], HLL_DENSE);
    ck_assert_uint_eq(w.len, HLL_DENSE_SIZE);
    ck_assert_uint_eq(fnv64(w.p, w.len), 0xafbf1713dc5ba3c8ULL);
    ck_assert_uint_eq(count_of(w.p, w.len), 100853);
    hll_work_free(&w);
    /* hll-sparse-max-bytes 200: promoted early, same registers. */
    hll_sparse_max_bytes = 200;
    new_work(&w);
    add_range(&w, 0, 1000);
    ck_assert_int_eq(w.p[4], HLL_DENSE);
    ck_assert_uint_eq(fnv64(w.p, w.len), 0xb663d6cdbb09d5a6ULL);
    ck_assert_uint_eq(count_of(w.p, w.len), 1008);
    hll_work_free(&w);
}
END_TEST

START_TEST(test_sparse_dense_agree)
{
    hll_work_t w;
    uint8_t *dense = malloc(HLL_DENSE_SIZE);
    uint8_t max1[HLL_REGISTERS] = {0}, max2[HLL_REGISTERS] = {0};

    new_work(&w);
    add_range(&w, 0, 700);
    ck_assert_int_eq(hll_sparse_to_dense(w.p, w.len, dense), 0);
    ck_assert_int_eq(dense[4], HLL_DENSE);
    ck_assert_int_eq(memcmp(dense, "HYLL", 4), 0);
    ck_assert_int_eq(memcmp(dense + 5, w.p + 5, 11), 0); /* cache copied */
    ck_assert_int_eq(hll_merge_max(w.p, w.len, max1), 0);
    ck_assert_int_eq(hll_merge_max(dense, HLL_DENSE_SIZE, max2), 0);
    ck_assert_int_eq(memcmp(max1, max2, sizeof(max1)), 0);
    for (long i = 0; i < HLL_REGISTERS; i++)
        ck_assert_uint_eq(hll_dense_get(dense + HLL_HDR_SIZE, i), max1[i]);
    ck_assert_uint_eq(count_of(dense, HLL_DENSE_SIZE), count_of(w.p, w.len));
    /* hll_work_to_dense gives the same bytes. */
    ck_assert_int_eq(hll_work_to_dense(&w), 0);
    ck_assert_int_eq(memcmp(w.p, dense, HLL_DENSE_SIZE), 0);
    hll_work_free(&w);
    free(dense);
}
END_TEST

START_TEST(test_dense_registers)
{
    uint8_t regs[HLL_DENSE_SIZE - HLL_HDR_SIZE], want[HLL_REGISTERS];
    uint64_t s = 88172645463325252ULL;

    memset(regs, 0, sizeof(regs));
    for (int round = 0; round < 20; round++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            want[i] = (uint8_t)(s & 63);
            hll_dense_set(regs, i, want[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++)
            ck_assert_uint_eq(hll_dense_get(regs, i), want[i]);
    }
    /* Register 1 is bits 6..11: the top two bits of byte 0 and the low
     * four of byte 1. */
    memset(regs, 0, sizeof(regs));
    hll_dense_set(regs, 1, 63);
    ck_assert_uint_eq(regs[0], 0xc0);
    ck_assert_uint_eq(regs[1], 0x0f);
    ck_assert_int_eq(hll_dense_update(regs, 1, 5), 0);
    ck_assert_int_eq(hll_dense_update(regs, 2, 5), 1);
    ck_assert_uint_eq(hll_dense_get(regs, 1), 63);
    ck_assert_uint_eq(hll_dense_get(regs, 2), 5);
    /* The last register stays inside the array. */
    hll_dense_set(regs, HLL_REGISTERS - 1, 63);
    ck_assert_uint_eq(regs[sizeof(regs) - 1], 0xfc);
}
END_TEST

START_TEST(test_estimator)
{
    int histo[64] = {0};
    uint8_t raw[HLL_REGISTERS];

    histo[0] = HLL_REGISTERS;
    ck_assert_uint_eq(hll_estimate(histo), 0);
    /* One register at 1: about one element. */
    memset(raw, 0, sizeof(raw));
    raw[7] = 1;
    hll_raw_histogram(raw, histo);
    ck_assert_uint_eq(hll_estimate(histo), 1);
    /* Every register saturated: the estimator stays finite. */
    memset(raw, HLL_Q + 1, sizeof(raw));
    hll_raw_histogram(raw, histo);
    ck_assert_uint_gt(hll_estimate(histo), 1000000000ULL);
}
END_TEST

START_TEST(test_header_and_cache)
{
    uint8_t s[HLL_DENSE_SIZE];
    uint64_t card;

    hll_init_sparse(s);
    ck_assert_int_eq(hll_is_hll(s, HLL_SPARSE_INIT_SIZE), 1);
    ck_assert_int_eq(hll_is_hll(s, 15), 0);
    ck_assert_int_eq(hll_cache_get(s, &card), 1);
    ck_assert_uint_eq(card, 0);
    hll_cache_set(s, 0x0102030405ULL);
    ck_assert_uint_eq(s[8], 0x05);
    ck_assert_int_eq(hll_cache_get(s, &card), 1);
    ck_assert_uint_eq(card, 0x0102030405ULL);
    hll_cache_invalidate(s);
    ck_assert_uint_eq(s[15], 0x80);
    ck_assert_int_eq(hll_cache_get(s, &card), 0);
    s[4] = HLL_DENSE;
    ck_assert_int_eq(hll_is_hll(s, HLL_SPARSE_INIT_SIZE), 0); /* size */
    ck_assert_int_eq(hll_is_hll(s, HLL_DENSE_SIZE), 1);
    s[4] = 2;
    ck_assert_int_eq(hll_is_hll(s, HLL_DENSE_SIZE), 0);
    s[4] = HLL_SPARSE;
    s[0] = 'h';
    ck_assert_int_eq(hll_is_hll(s, HLL_SPARSE_INIT_SIZE), 0);
}
END_TEST

START_TEST(test_decode)
{
    uint8_t s[64];
    char out[HLL_DECODE_CAP(64)];
    size_t n = unhex(SPARSE_10, s);

    hll_init_sparse(s);
    ck_assert_uint_eq(hll_sparse_decode(s, HLL_SPARSE_INIT_SIZE, out), 7);
    ck_assert_int_eq(memcmp(out, "Z:16384", 7), 0);
    n = unhex(SPARSE_10, s);
    out[hll_sparse_decode(s, n, out)] = '\0';
    /* redis-server's PFDEBUG DECODE of the same value. */
    ck_assert_str_eq(out, "Z:1318 v:1,1 Z:1839 v:2,1 Z:4042 v:1,1 Z:1043 v:2,1 "
                          "Z:2642 v:2,1 Z:782 v:2,1 Z:260 v:2,1 Z:3770 v:2,1 "
                          "Z:137 v:1,1 Z:107 v:2,1 Z:434");
    /* ZERO runs print as z. */
    s[HLL_HDR_SIZE] = 0x3f;
    s[HLL_HDR_SIZE + 1] = 0x00;
    out[hll_sparse_decode(s, HLL_HDR_SIZE + 2, out)] = '\0';
    ck_assert_str_eq(out, "z:64 z:1");
}
END_TEST

/* Every reader of a corrupt value must agree that it is corrupt; an
 * update must stay inside len + HLL_SPARSE_SLACK; a valid value stays
 * valid and gains exactly the register asked for. */
static void fuzz_one(const uint8_t *s, size_t len, uint64_t *rs)
{
    int histo[64];
    uint8_t *dense = malloc(HLL_DENSE_SIZE), *max = calloc(1, HLL_REGISTERS);
    uint8_t *copy = malloc(len + HLL_SPARSE_SLACK + 16);
    char *text = malloc(HLL_DECODE_CAP(len));
    int h = hll_histogram(s, len, histo);

    ck_assert_int_eq(hll_sparse_to_dense(s, len, dense), h);
    ck_assert_int_eq(hll_merge_max(s, len, max), h);
    ck_assert_uint_le(hll_sparse_decode(s, len, text), HLL_DECODE_CAP(len));
    memcpy(copy, s, len);
    memset(copy + len, 0xee, HLL_SPARSE_SLACK + 16);
    size_t nlen = len;
    long reg = (long)(*rs % HLL_REGISTERS);
    unsigned count = 1 + (unsigned)(*rs >> 20) % 40;
    int r = hll_sparse_update(copy, &nlen, 3000, reg, count);
    for (size_t i = len + HLL_SPARSE_SLACK; i < len + HLL_SPARSE_SLACK + 16; i++)
        ck_assert_uint_eq(copy[i], 0xee);
    ck_assert_uint_le(nlen, len + HLL_SPARSE_SLACK);
    if (h == 0) {
        ck_assert_int_ne(r, -1);
        if (r != HLL_PROMOTE) {
            uint8_t *after = calloc(1, HLL_REGISTERS);
            ck_assert_int_eq(hll_merge_max(copy, nlen, after), 0);
            if (count > max[reg]) max[reg] = (uint8_t)count;
            ck_assert_int_eq(memcmp(after, max, HLL_REGISTERS), 0);
            ck_assert_int_eq(r, memcmp(copy, s, len) != 0 || nlen != len);
            free(after);
        }
    }
    free(dense);
    free(max);
    free(copy);
    free(text);
}

START_TEST(test_fuzz_corrupt_sparse)
{
    hll_work_t w;
    uint8_t *buf = malloc(4096);
    uint64_t rs = 0x2545F4914F6CDD1DULL;

    new_work(&w);
    add_range(&w, 0, 300);
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = w.len;
        memcpy(buf, w.p, len);
        rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
        int edits = (int)(rs % 4);
        for (int e = 0; e < edits; e++) {
            rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
            size_t at = HLL_HDR_SIZE + rs % (len - HLL_HDR_SIZE);
            switch ((rs >> 32) % 3) {
            case 0: buf[at] = (uint8_t)(rs >> 40); break;   /* overwrite */
            case 1: len = at > HLL_HDR_SIZE ? at : len; break; /* cut */
            default: /* insert */
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = (uint8_t)(rs >> 48);
                len++;
            }
        }
        fuzz_one(buf, len, &rs);
    }
    hll_work_free(&w);
    free(buf);
}
END_TEST

START_TEST(test_corrupt_work_fails_cleanly)
{
    hll_work_t w;
    uint8_t s[HLL_SPARSE_INIT_SIZE];

    /* XZERO of 16383: the last register is not covered. */
    hll_init_sparse(s);
    s[HLL_HDR_SIZE + 1] = 0xfe;
    hll_view_t v = {.p = s, .len = sizeof(s)};
    hll_work_init(&w, &v);
    ck_assert_int_eq(hll_work_set(&w, HLL_REGISTERS - 1, 3), -1);
    ck_assert_int_eq(hll_work_set(&w, 5, 40), -1); /* promotion fails */
    ck_assert_int_eq(hll_work_to_dense(&w), -1);
    ck_assert_int_eq(w.p[4], HLL_SPARSE);
    /* A register that is covered can still be set, as in Redis. */
    ck_assert_int_eq(hll_work_set(&w, 0, 3), 1);
    hll_work_free(&w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hll");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sparse_bytes_match_redis);
    tcase_add_test(tc, test_promotion_matches_redis);
    tcase_add_test(tc, test_sparse_dense_agree);
    tcase_add_test(tc, test_dense_registers);
    tcase_add_test(tc, test_estimator);
    tcase_add_test(tc, test_header_and_cache);
    tcase_add_test(tc, test_decode);
    tcase_add_test(tc, test_fuzz_corrupt_sparse);
    tcase_add_test(tc, test_corrupt_work_fails_cleanly);
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
