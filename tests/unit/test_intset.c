/*
 * test_intset.c — the sets module's intset: Redis's exact byte layout
 * (little-endian header and elements, 16/32/64-bit encodings, the block
 * exactly 8 + length * encoding bytes), sorted insertion, upgrades that
 * prepend negative and append positive values, removal, lookups across
 * widths, validation of untrusted blobs (RDB type 11), and a randomized
 * model test against a sorted array.
 *
 * intset.c only uses the SDK's memory entries, so the test compiles it in
 * with the counting stand-in allocator; every test ends with no block
 * left.
 */
#include "modis.h"
#include "stub_alloc.h"
#include "../../modules/sets/intset.c"

#include <check.h>
#include <stdio.h>
#include <string.h>

static md_api_t api;

static void setup(void)
{
    memset(&api, 0, sizeof api);
    api.size = sizeof api;
    api.alloc = t_alloc;
    api.calloc = t_calloc;
    api.realloc = t_realloc;
    api.free = t_free;
    api.usable = t_usable;
    md__api = &api;
    live_blocks = 0;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

static intset_t *add(intset_t *is, int64_t v, int want)
{
    int added = -1;
    is = intset_add(is, v, &added);
    ck_assert_int_eq(added, want);
    return is;
}

/* The block must equal the given bytes exactly. */
static void assert_bytes(const intset_t *is, const unsigned char *want, size_t n)
{
    ck_assert_uint_eq(intset_blob_len(is), n);
    ck_assert_int_eq(memcmp(is, want, n), 0);
}

START_TEST(layout_16bit)
{
    static const unsigned char want[] = {2, 0, 0, 0, 3, 0, 0, 0,
                                         0xfe, 0xff, 1, 0, 0x39, 0x30};
    intset_t *is = intset_new();
    static const unsigned char empty[] = {2, 0, 0, 0, 0, 0, 0, 0};
    assert_bytes(is, empty, 8);
    is = add(is, 12345, 1);
    is = add(is, -2, 1);
    is = add(is, 1, 1);
    is = add(is, 1, 0);
    assert_bytes(is, want, sizeof want);
    ck_assert_int_eq(intset_min(is), -2);
    ck_assert_int_eq(intset_max(is), 12345);
    intset_free(is);
}
END_TEST

START_TEST(upgrade_append_and_prepend)
{
    /* 16 -> 32 bits appending a large positive value. */
    static const unsigned char w32[] = {4, 0, 0, 0, 2, 0, 0, 0,
                                        5, 0, 0, 0, 0x00, 0x00, 0x01, 0x00};
    /* 32 -> 64 bits prepending a large negative value. */
    static const unsigned char w64[] = {8, 0, 0, 0, 3, 0, 0, 0,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                        5, 0, 0, 0, 0, 0, 0, 0,
                                        0x00, 0x00, 0x01, 0, 0, 0, 0, 0};
    intset_t *is = add(intset_new(), 5, 1);
    is = add(is, 65536, 1);
    assert_bytes(is, w32, sizeof w32);
    is = add(is, -(1LL << 40), 1);
    assert_bytes(is, w64, sizeof w64);
    ck_assert(intset_find(is, 5) && intset_find(is, 65536) && intset_find(is, -(1LL << 40)));
    /* Removing the wide value keeps the encoding (never narrowed). */
    int removed;
    is = intset_remove(is, -(1LL << 40), &removed);
    ck_assert_int_eq(removed, 1);
    ck_assert_uint_eq(intset_encoding(is), 8);
    ck_assert_uint_eq(intset_blob_len(is), 8 + 2 * 8);
    ck_assert_uint_eq(t_usable(is) >= intset_blob_len(is), 1);
    intset_free(is);
}
END_TEST

START_TEST(extremes)
{
    intset_t *is = intset_new();
    is = add(is, INT64_MAX, 1);
    is = add(is, INT64_MIN, 1);
    is = add(is, 0, 1);
    is = add(is, INT64_MIN, 0);
    ck_assert_int_eq(intset_get(is, 0), INT64_MIN);
    ck_assert_int_eq(intset_get(is, 1), 0);
    ck_assert_int_eq(intset_get(is, 2), INT64_MAX);
    ck_assert_int_eq(intset_find(is, -1), 0);
    ck_assert_int_eq(intset_validate(is, intset_blob_len(is)), MD_OK);
    intset_free(is);
}
END_TEST

START_TEST(find_across_widths)
{
    intset_t *is = add(add(intset_new(), 7, 1), -7, 1);
    /* Values wider than the encoding are never members. */
    ck_assert_int_eq(intset_find(is, 70000), 0);
    ck_assert_int_eq(intset_find(is, 1LL << 40), 0);
    ck_assert_int_eq(intset_find(is, 7), 1);
    ck_assert_int_eq(intset_find(is, 8), 0);
    int removed;
    is = intset_remove(is, 70000, &removed);
    ck_assert_int_eq(removed, 0);
    is = intset_remove(is, 7, &removed);
    ck_assert_int_eq(removed, 1);
    is = intset_remove(is, -7, &removed);
    ck_assert_int_eq(removed, 1);
    ck_assert_uint_eq(intset_len(is), 0);
    ck_assert_uint_eq(intset_blob_len(is), 8);
    intset_free(is);
}
END_TEST

START_TEST(dup_is_independent)
{
    intset_t *a = add(add(intset_new(), 1, 1), 2, 1);
    intset_t *b = intset_dup(a);
    int removed;
    b = intset_remove(b, 1, &removed);
    ck_assert_uint_eq(intset_len(a), 2);
    ck_assert_uint_eq(intset_len(b), 1);
    intset_free(a);
    intset_free(b);
}
END_TEST

START_TEST(validate_blobs)
{
    static const unsigned char ok16[] = {2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0};
    /* A wider encoding than needed is valid (Redis accepts it). */
    static const unsigned char ok64[] = {8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char bad_enc[] = {3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
    static const unsigned char empty[] = {2, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char unsorted[] = {2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0};
    static const unsigned char dup[] = {2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0};
    static const unsigned char huge_len[] = {8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0,
                                             0, 0, 0, 0};
    ck_assert_int_eq(intset_validate(ok16, sizeof ok16), MD_OK);
    ck_assert_int_eq(intset_validate(ok64, sizeof ok64), MD_OK);
    ck_assert_int_eq(intset_validate(ok16, sizeof ok16 - 1), MD_ERR); /* truncated */
    ck_assert_int_eq(intset_validate(ok16, 7), MD_ERR);               /* no header */
    ck_assert_int_eq(intset_validate(bad_enc, sizeof bad_enc), MD_ERR);
    ck_assert_int_eq(intset_validate(empty, sizeof empty), MD_ERR);
    ck_assert_int_eq(intset_validate(unsorted, sizeof unsorted), MD_ERR);
    ck_assert_int_eq(intset_validate(dup, sizeof dup), MD_ERR);
    ck_assert_int_eq(intset_validate(huge_len, sizeof huge_len), MD_ERR);
}
END_TEST

/* Random adds and removes over values of every width, checked against a
 * sorted array after each step. */
START_TEST(model)
{
    enum { CAP = 600 };
    int64_t ref[CAP];
    int n = 0;
    unsigned seed = 12345;
    intset_t *is = intset_new();
    static const int64_t scale[] = {10, 40000, 3000000000LL, INT64_MAX / 4};

    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        int64_t s = scale[(seed >> 16) % 4];
        seed = seed * 1103515245u + 12345u;
        int64_t v = (int64_t)((seed >> 8) % 2001) - 1000;
        v = v * (s / 1000 + 1);
        int pos = 0, found = 0;
        while (pos < n && ref[pos] < v) pos++;
        found = pos < n && ref[pos] == v;
        if (((seed >> 4) & 3) != 0 && n < CAP) {
            is = add(is, v, !found);
            if (!found) {
                memmove(ref + pos + 1, ref + pos, sizeof(int64_t) * (size_t)(n - pos));
                ref[pos] = v;
                n++;
            }
        } else {
            int removed;
            is = intset_remove(is, v, &removed);
            ck_assert_int_eq(removed, found);
            if (found) {
                memmove(ref + pos, ref + pos + 1, sizeof(int64_t) * (size_t)(n - pos - 1));
                n--;
            }
        }
        ck_assert_uint_eq(intset_len(is), (unsigned)n);
        if (step % 97 == 0) {
            for (int i = 0; i < n; i++) ck_assert_int_eq(intset_get(is, (uint32_t)i), ref[i]);
            if (n) ck_assert_int_eq(intset_validate(is, intset_blob_len(is)), MD_OK);
        }
    }
    intset_free(is);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("intset");
    TCase *tc = tcase_create("intset");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, layout_16bit);
    tcase_add_test(tc, upgrade_append_and_prepend);
    tcase_add_test(tc, extremes);
    tcase_add_test(tc, find_across_widths);
    tcase_add_test(tc, dup_is_independent);
    tcase_add_test(tc, validate_blobs);
    tcase_add_test(tc, model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
