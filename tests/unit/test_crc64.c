/*
 * test_crc64.c — CRC-64/Jones: the check value, incremental use, agreement
 * of the slice-by-8 code with a bit-at-a-time reference at every length and
 * alignment, and the checksum closing a real Redis 7.0 RDB file.
 */
#include "persist/crc64.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RDB_FIXTURE_DIR
#define RDB_FIXTURE_DIR "tests/fixtures/rdb"
#endif

/* Bit-at-a-time reference: reflected Jones polynomial, init 0, no xorout. */
static uint64_t crc64_ref(uint64_t crc, const unsigned char *p, size_t n)
{
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
}

START_TEST(test_check_value)
{
    ck_assert_uint_eq(crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
    ck_assert_uint_eq(crc64(0, "", 0), 0);
    ck_assert_uint_eq(crc64(0x1234, "", 0), 0x1234);
}
END_TEST

START_TEST(test_incremental)
{
    const char *s = "123456789";

    for (size_t cut = 0; cut <= 9; cut++)
        ck_assert_uint_eq(crc64(crc64(0, s, cut), s + cut, 9 - cut),
                          0xe9c6d914c4b8d9caULL);
}
END_TEST

START_TEST(test_matches_reference)
{
    unsigned char buf[600];

    srand(42);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)rand();
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= sizeof(buf); n += (n < 40 ? 1 : 37))
            ck_assert_uint_eq(crc64(7, buf + off, n),
                              crc64_ref(7, buf + off, n));
}
END_TEST

/* The last 8 bytes of an RDB file are the little-endian CRC64 of the rest. */
START_TEST(test_redis_file_checksum)
{
    const char *dir = getenv("MODIS_RDB_FIXTURES");
    char path[1024];
    unsigned char *buf;
    uint64_t stored = 0;
    long n;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/redis-7.0.rdb",
             dir ? dir : RDB_FIXTURE_DIR);
    fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "fixture %s missing (tests/fixtures/rdb)", path);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    ck_assert_int_gt(n, 8);
    buf = malloc((size_t)n);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    for (int i = 7; i >= 0; i--)
        stored = stored << 8 | buf[n - 8 + i];
    ck_assert_uint_ne(stored, 0);
    ck_assert_uint_eq(crc64(0, buf, (size_t)n - 8), stored);
    ck_assert_uint_eq(crc64_ref(0, buf, (size_t)n - 8), stored);
    free(buf);
}
END_TEST

static Suite *crc64_suite(void)
{
    Suite *s = suite_create("crc64");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_check_value);
    tcase_add_test(tc, test_incremental);
    tcase_add_test(tc, test_matches_reference);
    tcase_add_test(tc, test_redis_file_checksum);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(crc64_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
