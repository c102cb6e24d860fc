/*
 * test_listpack.c — host/listpack.c: byte-exact entry encodings at every
 * boundary (spelled out), round trips, insert/delete/replace at head,
 * middle and tail, seek with negative indexes, find with skip, validation
 * of truncated and randomly mutated blobs, the ziplist and zipmap
 * converters on hand-built blobs, and a byte comparison with the listpacks
 * a real redis-server puts in DUMP payloads (skipped when no redis-server
 * can be started on port 7655).
 *
 * Memory comes from a counting stand-in allocator; every test must leave
 * no block alive (checked in the fixture teardown).
 */
#include "listpack.h"

#include <arpa/inet.h>
#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- counting allocator ---- */

static long live_blocks;

static void *t_alloc(void *ud, size_t n) { (void)ud; live_blocks++; return malloc(n); }
static void *t_realloc(void *ud, void *p, size_t n)
{
    (void)ud;
    if (!p) live_blocks++;
    return realloc(p, n);
}
static void t_free(void *ud, void *p) { (void)ud; if (p) live_blocks--; free(p); }

static const lp_alloc_t A = {t_alloc, t_realloc, t_free, NULL};

static void setup(void) { live_blocks = 0; }
static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

/* ---- helpers ---- */

static unsigned char *app(unsigned char *lp, const char *s)
{
    return lp_append(&A, lp, s, strlen(s));
}

/* A listpack of the given NUL-terminated strings. */
static unsigned char *build(const char *const *v, int n)
{
    unsigned char *lp = lp_new(&A);
    for (int i = 0; i < n; i++) lp = app(lp, v[i]);
    return lp;
}

/* The entry at p as text (integers in decimal) into buf. */
static const char *text(const unsigned char *p, char *buf, size_t cap)
{
    size_t len;
    long long v;
    const unsigned char *s = lp_get(p, &len, &v);
    if (!s) snprintf(buf, cap, "%lld", v);
    else snprintf(buf, cap, "%.*s", (int)len, (const char *)s);
    return buf;
}

/* Assert lp holds exactly the strings v[0..n), walking both ways. */
static void expect(unsigned char *lp, const char *const *v, int n)
{
    char buf[512];
    unsigned char *p = lp_first(lp);
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp)), 0);
    ck_assert_uint_eq(lp_count(lp), (unsigned long)n);
    for (int i = 0; i < n; i++, p = lp_next(lp, p)) {
        ck_assert_ptr_nonnull(p);
        ck_assert_str_eq(text(p, buf, sizeof buf), v[i]);
    }
    ck_assert_ptr_null(p);
    p = lp_last(lp);
    for (int i = n - 1; i >= 0; i--, p = lp_prev(lp, p))
        ck_assert_str_eq(text(p, buf, sizeof buf), v[i]);
    ck_assert_ptr_null(p);
}

/* Assert lp is exactly header + the entry bytes e[0..n) + 0xFF. */
static void expect_single(const unsigned char *lp, const unsigned char *e, size_t n)
{
    size_t total = LP_HDR_SIZE + n + 1;
    unsigned char hdr[6] = {total & 0xFF, (total >> 8) & 0xFF, (total >> 16) & 0xFF,
                            (total >> 24) & 0xFF, 1, 0};
    ck_assert_uint_eq(lp_bytes(lp), total);
    ck_assert_int_eq(memcmp(lp, hdr, 6), 0);
    ck_assert_int_eq(memcmp(lp + 6, e, n), 0);
    ck_assert_uint_eq(lp[total - 1], 0xFF);
    ck_assert_int_eq(lp_validate(lp, total), 0);
}

/* ---- encodings ---- */

typedef struct { const char *s; unsigned char e[10]; size_t n; long long v; } int_case;

static const int_case int_cases[] = {
    {"0", {0x00, 0x01}, 2, 0},
    {"1", {0x01, 0x01}, 2, 1},
    {"127", {0x7F, 0x01}, 2, 127},
    {"128", {0xC0, 0x80, 0x02}, 3, 128},
    {"-1", {0xDF, 0xFF, 0x02}, 3, -1},
    {"-4096", {0xD0, 0x00, 0x02}, 3, -4096},
    {"4095", {0xCF, 0xFF, 0x02}, 3, 4095},
    {"4096", {0xF1, 0x00, 0x10, 0x03}, 4, 4096},
    {"-4097", {0xF1, 0xFF, 0xEF, 0x03}, 4, -4097},
    {"32767", {0xF1, 0xFF, 0x7F, 0x03}, 4, 32767},
    {"-32768", {0xF1, 0x00, 0x80, 0x03}, 4, -32768},
    {"32768", {0xF2, 0x00, 0x80, 0x00, 0x04}, 5, 32768},
    {"-32769", {0xF2, 0xFF, 0x7F, 0xFF, 0x04}, 5, -32769},
    {"8388607", {0xF2, 0xFF, 0xFF, 0x7F, 0x04}, 5, 8388607},
    {"-8388608", {0xF2, 0x00, 0x00, 0x80, 0x04}, 5, -8388608},
    {"8388608", {0xF3, 0x00, 0x00, 0x80, 0x00, 0x05}, 6, 8388608},
    {"2147483647", {0xF3, 0xFF, 0xFF, 0xFF, 0x7F, 0x05}, 6, 2147483647LL},
    {"-2147483648", {0xF3, 0x00, 0x00, 0x00, 0x80, 0x05}, 6, -2147483648LL},
    {"2147483648", {0xF4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09}, 10, 2147483648LL},
    {"-2147483649", {0xF4, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x09},
     10, -2147483649LL},
    {"9223372036854775807", {0xF4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x09},
     10, LLONG_MAX},
    {"-9223372036854775808", {0xF4, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x09}, 10, LLONG_MIN},
};

START_TEST(test_int_encodings)
{
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
        const int_case *c = &int_cases[i];
        unsigned char *lp = app(lp_new(&A), c->s), *lp2;
        long long v = 12345;
        size_t len = 999;
        expect_single(lp, c->e, c->n);
        ck_assert_ptr_null(lp_get(lp_first(lp), &len, &v));
        ck_assert_int_eq(v, c->v);
        lp2 = lp_insert_int(&A, lp_new(&A), c->v, NULL, LP_AFTER, NULL);
        expect_single(lp2, c->e, c->n);
        lp_free(&A, lp);
        lp_free(&A, lp2);
    }
}
END_TEST

/* Expected header and backlen for a string of n bytes (spelled out). */
typedef struct { size_t n; unsigned char h[5]; size_t hn; unsigned char b[3]; size_t bn; } str_case;

static const str_case str_cases[] = {
    {0, {0x80}, 1, {0x01}, 1},
    {1, {0x81}, 1, {0x02}, 1},
    {63, {0xBF}, 1, {0x40}, 1},
    {64, {0xE0, 0x40}, 2, {0x42}, 1},
    {125, {0xE0, 0x7D}, 2, {0x7F}, 1},
    {126, {0xE0, 0x7E}, 2, {0x01, 0x80}, 2},
    {4095, {0xEF, 0xFF}, 2, {0x20, 0x81}, 2},
    {4096, {0xF0, 0x00, 0x10, 0x00, 0x00}, 5, {0x20, 0x85}, 2},
    {16377, {0xF0, 0xF9, 0x3F, 0x00, 0x00}, 5, {0x7F, 0xFE}, 2},
    {16378, {0xF0, 0xFA, 0x3F, 0x00, 0x00}, 5, {0x00, 0xFF, 0xFF}, 3},
};

START_TEST(test_str_encodings)
{
    for (size_t i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
        const str_case *c = &str_cases[i];
        unsigned char *s = malloc(c->n + 1), *e = malloc(c->n + 8), *lp;
        const unsigned char *d;
        size_t len = 0;
        memset(s, 'x', c->n);
        memcpy(e, c->h, c->hn);
        memcpy(e + c->hn, s, c->n);
        memcpy(e + c->hn + c->n, c->b, c->bn);
        lp = lp_append(&A, lp_new(&A), s, c->n);
        expect_single(lp, e, c->hn + c->n + c->bn);
        d = lp_get(lp_first(lp), &len, NULL);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(len, c->n);
        ck_assert_int_eq(memcmp(d, s, c->n), 0);
        ck_assert_ptr_eq(lp_prev(lp, lp + lp_bytes(lp) - 1), lp_first(lp));
        lp_free(&A, lp);
        free(s);
        free(e);
    }
}
END_TEST

START_TEST(test_noncanonical_stay_strings)
{
    static const char *const v[] = {
        "-0", "01", "+1", " 1", "1 ", "-", "", "1a", "0x10", "00",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "123456789012345678901", "-01",
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        unsigned char *lp = app(lp_new(&A), v[i]);
        size_t len = 0;
        const unsigned char *d = lp_get(lp_first(lp), &len, NULL);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(len, strlen(v[i]));
        ck_assert_int_eq(memcmp(d, v[i], len), 0);
        ck_assert_uint_eq(lp[6], 0x80 | strlen(v[i]));
        lp_free(&A, lp);
    }
}
END_TEST

START_TEST(test_empty)
{
    static const unsigned char bytes[] = {7, 0, 0, 0, 0, 0, 0xFF};
    unsigned char *lp = lp_new(&A), *d;
    ck_assert_int_eq(memcmp(lp, bytes, 7), 0);
    ck_assert_uint_eq(lp_bytes(lp), 7);
    ck_assert_uint_eq(lp_count(lp), 0);
    ck_assert_ptr_null(lp_first(lp));
    ck_assert_ptr_null(lp_last(lp));
    ck_assert_ptr_null(lp_seek(lp, 0));
    ck_assert_ptr_null(lp_seek(lp, -1));
    ck_assert_ptr_null(lp_find(lp, lp_first(lp), "a", 1, 0));
    ck_assert_int_eq(lp_validate(lp, 7), 0);
    lp = lp_delete_range(&A, lp, 0, 5);
    ck_assert_uint_eq(lp_bytes(lp), 7);
    d = lp_dup(&A, lp);
    ck_assert_int_eq(memcmp(d, bytes, 7), 0);
    lp_free(&A, d);
    lp_free(&A, lp);
    lp_free(&A, NULL);
}
END_TEST

/* ---- round trip ---- */

/* A random int64 of random magnitude. */
static long long rand_ll(void)
{
    uint64_t u = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 2 ^ (uint64_t)rand();
    return (long long)(u >> (rand() % 64));
}

/* A random value: an integer of random magnitude or a random string. */
static size_t rand_value(unsigned char *buf, size_t cap)
{
    int kind = rand() % 4;
    if (kind == 0) {
        long long v = rand_ll();
        return (size_t)snprintf((char *)buf, cap, "%lld", rand() % 2 ? v : -v);
    }
    size_t n = kind == 1 ? (size_t)(rand() % 70) : kind == 2 ? (size_t)(rand() % 5000)
                                                            : (size_t)(rand() % 20);
    if (n > cap) n = cap;
    for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)rand();
    return n;
}

/* True if entry p holds s[0..n) (integers compared by decimal form). */
static int holds(const unsigned char *p, const unsigned char *s, size_t n)
{
    char num[32];
    size_t len;
    long long v;
    const unsigned char *d = lp_get(p, &len, &v);
    if (!d) {
        len = (size_t)snprintf(num, sizeof num, "%lld", v);
        d = (const unsigned char *)num;
    }
    return len == n && memcmp(d, s, n) == 0;
}

START_TEST(test_roundtrip_random)
{
    enum { N = 1500 };
    static unsigned char vals[N][5000];
    static size_t lens[N];
    unsigned char *lp = lp_new(&A), *p;
    srand(1234);
    for (int i = 0; i < N; i++) {
        lens[i] = rand_value(vals[i], sizeof vals[i]);
        lp = lp_append(&A, lp, vals[i], lens[i]);
    }
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp)), 0);
    ck_assert_uint_eq(lp_count(lp), N);
    p = lp_first(lp);
    for (int i = 0; i < N; i++, p = lp_next(lp, p)) ck_assert(holds(p, vals[i], lens[i]));
    ck_assert_ptr_null(p);
    p = lp_last(lp);
    for (int i = N - 1; i >= 0; i--, p = lp_prev(lp, p)) ck_assert(holds(p, vals[i], lens[i]));
    ck_assert_ptr_null(p);
    for (int i = 0; i < N; i += 7) {
        ck_assert(holds(lp_seek(lp, i), vals[i], lens[i]));
        ck_assert(holds(lp_seek(lp, i - N), vals[i], lens[i]));
    }
    lp_free(&A, lp);
}
END_TEST

/* ---- insert, replace, delete ---- */

START_TEST(test_insert_positions)
{
    unsigned char *lp = app(lp_new(&A), "c"), *p, *np;
    lp = lp_insert(&A, lp, "a", 1, NULL, LP_BEFORE, &np);        /* prepend */
    ck_assert_ptr_eq(np, lp_first(lp));
    lp = lp_insert(&A, lp, "e", 1, NULL, LP_AFTER, &np);         /* append */
    ck_assert_ptr_eq(np, lp_last(lp));
    p = lp_seek(lp, 1);
    lp = lp_insert(&A, lp, "b", 1, p, LP_BEFORE, &np);           /* middle */
    ck_assert_ptr_eq(np, lp_seek(lp, 1));
    p = lp_seek(lp, 2);
    lp = lp_insert(&A, lp, "4000", 4, p, LP_AFTER, &np);
    ck_assert_ptr_eq(np, lp_seek(lp, 3));
    p = lp_first(lp);
    lp = lp_insert(&A, lp, "x", 1, p, LP_BEFORE, NULL);          /* head */
    p = lp_last(lp);
    lp = lp_insert(&A, lp, "-9", 2, p, LP_AFTER, NULL);          /* tail */
    {
        static const char *const want[] = {"x", "a", "b", "c", "4000", "e", "-9"};
        expect(lp, want, 7);
    }
    ck_assert_ptr_null(lp_insert(&A, lp, "z", 1, NULL, LP_REPLACE, NULL));
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_replace)
{
    static const char *const v[] = {"1", "two", "3"};
    unsigned char *lp = build(v, 3), *np;
    char big[6000];
    memset(big, 'q', sizeof big);
    lp = lp_insert(&A, lp, big, 5000, lp_first(lp), LP_REPLACE, &np);   /* grow head */
    ck_assert_ptr_eq(np, lp_first(lp));
    ck_assert(holds(np, (unsigned char *)big, 5000));
    lp = lp_insert(&A, lp, "77", 2, lp_first(lp), LP_REPLACE, &np);     /* shrink head */
    lp = lp_insert(&A, lp, big, 100, lp_seek(lp, 1), LP_REPLACE, &np);  /* middle */
    ck_assert(holds(np, (unsigned char *)big, 100));
    lp = lp_insert(&A, lp, "mid", 3, lp_seek(lp, 1), LP_REPLACE, NULL);
    lp = lp_insert(&A, lp, "-70000", 6, lp_last(lp), LP_REPLACE, &np);  /* tail */
    ck_assert_ptr_eq(np, lp_last(lp));
    {
        static const char *const want[] = {"77", "mid", "-70000"};
        expect(lp, want, 3);
    }
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_delete)
{
    static const char *const v[] = {"a", "1000", "c", "d", "e"};
    unsigned char *lp = build(v, 5), *np;
    lp = lp_delete(&A, lp, lp_first(lp), &np);             /* head */
    ck_assert_ptr_eq(np, lp_first(lp));
    lp = lp_delete(&A, lp, lp_seek(lp, 1), &np);           /* middle */
    ck_assert_ptr_eq(np, lp_seek(lp, 1));
    {
        static const char *const want[] = {"1000", "d", "e"};
        expect(lp, want, 3);
    }
    lp = lp_delete(&A, lp, lp_last(lp), &np);              /* tail */
    ck_assert_ptr_null(np);
    lp = lp_delete(&A, lp, lp_first(lp), NULL);
    lp = lp_delete(&A, lp, lp_first(lp), &np);
    ck_assert_ptr_null(np);
    expect(lp, NULL, 0);
    ck_assert_uint_eq(lp_bytes(lp), 7);
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_delete_range)
{
    static const char *const v[] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    unsigned char *lp = build(v, 8);
    lp = lp_delete_range(&A, lp, 2, 0);
    expect(lp, v, 8);
    lp = lp_delete_range(&A, lp, 8, 1);                    /* out of range */
    lp = lp_delete_range(&A, lp, -9, 1);
    expect(lp, v, 8);
    lp = lp_delete_range(&A, lp, 1, 2);
    {
        static const char *const w[] = {"0", "3", "4", "5", "6", "7"};
        expect(lp, w, 6);
    }
    lp = lp_delete_range(&A, lp, -2, 100);                 /* past the end */
    {
        static const char *const w[] = {"0", "3", "4", "5"};
        expect(lp, w, 4);
    }
    lp = lp_delete_range(&A, lp, 0, 1);
    {
        static const char *const w[] = {"3", "4", "5"};
        expect(lp, w, 3);
    }
    lp = lp_delete_range(&A, lp, -3, 3);
    expect(lp, NULL, 0);
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_insert_aliasing)
{
    static const char *const v[] = {"hello world", "x"};
    unsigned char *lp = build(v, 2);
    size_t len;
    const unsigned char *s = lp_get(lp_first(lp), &len, NULL);
    lp = lp_append(&A, lp, s, len);           /* s points into lp */
    s = lp_get(lp_last(lp), &len, NULL);
    lp = lp_insert(&A, lp, s, len, lp_first(lp), LP_BEFORE, NULL);
    {
        static const char *const want[] = {"hello world", "hello world", "x", "hello world"};
        expect(lp, want, 4);
    }
    lp_free(&A, lp);
}
END_TEST

/* ---- seek, find, count ---- */

START_TEST(test_seek)
{
    static const char *const v[] = {"a", "b", "c", "d", "e"};
    unsigned char *lp = build(v, 5);
    char buf[16];
    for (long i = 0; i < 5; i++) {
        ck_assert_str_eq(text(lp_seek(lp, i), buf, sizeof buf), v[i]);
        ck_assert_str_eq(text(lp_seek(lp, i - 5), buf, sizeof buf), v[i]);
    }
    ck_assert_ptr_eq(lp_seek(lp, -1), lp_last(lp));
    ck_assert_ptr_eq(lp_seek(lp, -5), lp_first(lp));
    ck_assert_ptr_null(lp_seek(lp, 5));
    ck_assert_ptr_null(lp_seek(lp, -6));
    ck_assert_ptr_null(lp_seek(lp, LONG_MAX));
    ck_assert_ptr_null(lp_seek(lp, LONG_MIN));
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_find_skip)
{
    /* key/value pairs: keys k1, 5, 7, k2; values 5, k2, v, -0 */
    static const char *const v[] = {"k1", "5", "5", "k2", "7", "v", "k2", "-0"};
    unsigned char *lp = build(v, 8);
    unsigned char *f = lp_first(lp);
    ck_assert_ptr_eq(lp_find(lp, f, "k2", 2, 1), lp_seek(lp, 6));     /* keys only */
    ck_assert_ptr_eq(lp_find(lp, f, "k2", 2, 0), lp_seek(lp, 3));     /* every entry */
    ck_assert_ptr_eq(lp_find(lp, f, "5", 1, 1), lp_seek(lp, 2));      /* int key */
    ck_assert_ptr_eq(lp_find(lp, f, "5", 1, 0), lp_seek(lp, 1));
    ck_assert_ptr_eq(lp_find(lp, lp_seek(lp, 1), "v", 1, 1), lp_seek(lp, 5));
    ck_assert_ptr_null(lp_find(lp, f, "v", 1, 1));                    /* a value */
    ck_assert_ptr_null(lp_find(lp, f, "05", 2, 0));                   /* not canonical */
    ck_assert_ptr_null(lp_find(lp, f, "0", 1, 0));
    ck_assert_ptr_eq(lp_find(lp, f, "-0", 2, 0), lp_seek(lp, 7));     /* string "-0" */
    ck_assert_ptr_eq(lp_find(lp, f, "7", 1, 3), lp_seek(lp, 4));
    ck_assert_ptr_null(lp_find(lp, f, "k1", 3, 0));
    ck_assert_ptr_null(lp_find(lp, NULL, "k1", 2, 0));
    ck_assert_ptr_eq(lp_find(lp, lp_seek(lp, 2), "k2", 2, 1), lp_seek(lp, 6));
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_count_unknown)
{
    static const char *const v[] = {"a", "b", "c"};
    unsigned char *lp = build(v, 3);
    lp[4] = lp[5] = 0xFF;
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp)), 0);
    lp = lp_delete(&A, lp, lp_first(lp), NULL);
    ck_assert_uint_eq(lp[4] | lp[5] << 8, 65535);              /* stays unknown */
    ck_assert_uint_eq(lp_count(lp), 2);
    ck_assert_uint_eq(lp[4] | lp[5] << 8, 2);                  /* written back */
    lp[4] = 5;
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp)), -1);       /* wrong count */
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_count_over_65535)
{
    unsigned char *lp = lp_new(&A);
    for (int i = 0; i < 65540; i++) lp = lp_insert_int(&A, lp, i, NULL, LP_AFTER, NULL);
    ck_assert_uint_eq(lp[4] | lp[5] << 8, 65535);
    ck_assert_uint_eq(lp_count(lp), 65540);
    ck_assert_int_eq(lp_validate(lp, lp_bytes(lp)), 0);
    lp = lp_delete_range(&A, lp, 0, 10);
    ck_assert_uint_eq(lp_count(lp), 65530);
    ck_assert_uint_eq(lp[4] | lp[5] << 8, 65530);
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_dup)
{
    static const char *const v[] = {"a", "12345", "c"};
    unsigned char *lp = build(v, 3), *d = lp_dup(&A, lp);
    ck_assert_int_eq(memcmp(lp, d, lp_bytes(lp)), 0);
    d = lp_delete(&A, d, lp_first(d), NULL);
    expect(lp, v, 3);
    lp_free(&A, lp);
    lp_free(&A, d);
}
END_TEST

/* ---- validation ---- */

/* A listpack with entries of every encoding. */
static unsigned char *varied(void)
{
    static const char *const v[] = {"1", "300", "-5000", "40000", "9000000",
                                    "3000000000", "s", "-0"};
    unsigned char *lp = build(v, 8);
    char s[5000];
    memset(s, 'z', sizeof s);
    lp = lp_append(&A, lp, s, 100);
    lp = lp_append(&A, lp, s, 5000);
    return lp;
}

START_TEST(test_validate_truncations)
{
    unsigned char *lp = varied(), *buf;
    size_t size = lp_bytes(lp);
    ck_assert_int_eq(lp_validate(lp, size), 0);
    buf = malloc(size);
    for (size_t k = 0; k < size; k++) {
        ck_assert_int_eq(lp_validate(lp, k), -1);
        memcpy(buf, lp, k);
        if (k >= 4) buf[0] = k & 0xFF, buf[1] = (k >> 8) & 0xFF, buf[2] = 0, buf[3] = 0;
        ck_assert_int_eq(lp_validate(buf, k), -1);
        if (k > 0) {                              /* keep a terminator */
            buf[k - 1] = 0xFF;
            ck_assert_int_eq(lp_validate(buf, k), -1);
        }
    }
    free(buf);
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_validate_bad)
{
    static const unsigned char ok[] = {10, 0, 0, 0, 1, 0, 0x81, 'a', 2, 0xFF};
    unsigned char b[32];
    ck_assert_int_eq(lp_validate(ok, sizeof ok), 0);
    ck_assert_int_eq(lp_validate(NULL, 10), -1);
#define BAD(i, val) do { memcpy(b, ok, sizeof ok); b[i] = (val); \
        ck_assert_int_eq(lp_validate(b, sizeof ok), -1); } while (0)
    BAD(0, 11);          /* total bytes */
    BAD(3, 1);
    BAD(4, 2);           /* count */
    BAD(4, 0);
    BAD(8, 3);           /* backlen */
    BAD(8, 0x82);
    BAD(9, 0x00);        /* terminator */
    BAD(6, 0xF5);        /* invalid encodings */
    BAD(6, 0xFE);
    BAD(6, 0xFF);        /* early EOF */
    BAD(6, 0x82);        /* string longer than the blob */
    BAD(6, 0xF0);
    BAD(6, 0xE0);
#undef BAD
    memcpy(b, ok, sizeof ok);                    /* trailing byte after EOF */
    b[0] = 11;
    b[10] = 0xFF;
    ck_assert_int_eq(lp_validate(b, 11), -1);
    {   /* backlen wider than Redis writes: rejected */
        static const unsigned char wide[] = {11, 0, 0, 0, 1, 0, 0x81, 'a', 0x00, 0x82, 0xFF};
        ck_assert_int_eq(lp_validate(wide, sizeof wide), -1);
    }
}
END_TEST

/* Walk a listpack that passed validation every way the API can. */
static void walk_all(unsigned char *lp)
{
    unsigned long n = 0, c = lp_count(lp);
    size_t len;
    long long v;
    unsigned char *p;
    for (p = lp_first(lp); p; p = lp_next(lp, p), n++) lp_get(p, &len, &v);
    ck_assert_uint_eq(n, c);
    for (p = lp_last(lp); p; p = lp_prev(lp, p)) n--;
    ck_assert_uint_eq(n, 0);
    lp_find(lp, lp_first(lp), "zz", 2, 1);
    lp_seek(lp, -1);
}

START_TEST(test_validate_fuzz)
{
    unsigned char *lp = varied(), *buf, *c;
    size_t size = lp_bytes(lp), n;
    int accepted = 0;
    buf = malloc(size + 64);
    srand(42);
    for (int it = 0; it < 10000; it++) {
        memcpy(buf, lp, size);
        n = size;
        for (int k = rand() % 4 + 1; k > 0; k--) buf[rand() % n] = (unsigned char)rand();
        if (rand() % 4 == 0) n = (size_t)rand() % size + 1;          /* truncate */
        if (rand() % 8 == 0) { memset(buf + n, rand(), 16); n += 16; } /* extend */
        if (rand() % 2) buf[0] = n & 0xFF, buf[1] = (n >> 8) & 0xFF, buf[2] = buf[3] = 0;
        if (rand() % 2) buf[n - 1] = 0xFF;
        if (lp_validate(buf, n) == 0) {
            accepted++;
            c = malloc(n);
            memcpy(c, buf, n);
            walk_all(c);
            free(c);
        }
        lp_free(&A, lp_from_ziplist(&A, buf, n));
        lp_free(&A, lp_from_zipmap(&A, buf, n));
    }
    ck_assert_int_gt(accepted, 0);      /* some mutations keep a valid blob */
    free(buf);
    lp_free(&A, lp);
}
END_TEST

/* ---- legacy encodings ---- */

/* A ziplist: 10-byte header, the entry bytes, 0xFF; zltail and zllen
 * as given (tail = offset of the last entry). */
static size_t make_zl(unsigned char *zl, const unsigned char *ent, size_t n,
                      uint32_t tail, uint16_t count)
{
    size_t total = 10 + n + 1;
    zl[0] = total & 0xFF; zl[1] = (total >> 8) & 0xFF; zl[2] = (total >> 16) & 0xFF;
    zl[3] = total >> 24;
    zl[4] = tail & 0xFF; zl[5] = (tail >> 8) & 0xFF; zl[6] = zl[7] = 0;
    zl[8] = count & 0xFF; zl[9] = count >> 8;
    if (n) memcpy(zl + 10, ent, n);
    zl[10 + n] = 0xFF;
    return total;
}

/* Entries with every ziplist encoding; raw sizes in the comments, each
 * prevlen the size of the entry before. */
static const unsigned char zl_ents[] = {
    0x00, 0x05, 'h', 'e', 'l', 'l', 'o',              /* 7: 6-bit string */
    0x07, 0x40, 0x03, 'a', 'b', 'c',                  /* 6: 14-bit string */
    0x06, 0x80, 0, 0, 0, 2, 'x', 'y',                 /* 8: 32-bit string */
    0x08, 0xFE, 0xFB,                                 /* 3: int8 -5 */
    0x03, 0xC0, 0xE8, 0x03,                           /* 4: int16 1000 */
    0x04, 0xF0, 0xA0, 0x86, 0x01,                     /* 5: int24 100000 */
    0x05, 0xD0, 0x00, 0x6C, 0xCA, 0x88,               /* 6: int32 -2000000000 */
    0x06, 0xE0, 0, 0, 0, 0, 0, 1, 0, 0,               /* 10: int64 2^40 */
    0x0A, 0xF1,                                       /* 2: immediate 0 */
    0xFE, 0x02, 0, 0, 0, 0xFD,                        /* 6: long prevlen, imm 12 */
    0x06, 0x03, '1', '2', '3',                        /* 5: "123" as a string */
};
#define ZL_TAIL (10 + sizeof zl_ents - 5)
static const char *const zl_want[] = {"hello", "abc", "xy", "-5", "1000", "100000",
                                      "-2000000000", "1099511627776", "0", "12", "123"};

START_TEST(test_ziplist_convert)
{
    unsigned char zl[256], *lp, *ref;
    size_t n = make_zl(zl, zl_ents, sizeof zl_ents, ZL_TAIL, 11);
    lp = lp_from_ziplist(&A, zl, n);
    ck_assert_ptr_nonnull(lp);
    expect(lp, zl_want, 11);
    ref = build(zl_want, 11);
    ck_assert_uint_eq(lp_bytes(lp), lp_bytes(ref));
    ck_assert_int_eq(memcmp(lp, ref, lp_bytes(ref)), 0);   /* same as appending */
    lp_free(&A, lp);
    lp_free(&A, ref);
    n = make_zl(zl, zl_ents, sizeof zl_ents, ZL_TAIL, 65535);   /* count unknown */
    lp = lp_from_ziplist(&A, zl, n);
    expect(lp, zl_want, 11);
    lp_free(&A, lp);
    n = make_zl(zl, NULL, 0, 10, 0);                             /* empty */
    lp = lp_from_ziplist(&A, zl, n);
    expect(lp, NULL, 0);
    lp_free(&A, lp);
}
END_TEST

START_TEST(test_ziplist_invalid)
{
    unsigned char zl[256], bad[256];
    size_t n = make_zl(zl, zl_ents, sizeof zl_ents, ZL_TAIL, 11);
    ck_assert_ptr_null(lp_from_ziplist(&A, zl, n - 1));
    for (size_t k = 0; k < n; k++) {            /* every truncation, fixed up */
        memcpy(bad, zl, k);
        if (k >= 4) bad[0] = (unsigned char)k;
        if (k > 0) bad[k - 1] = 0xFF;
        ck_assert_ptr_null(lp_from_ziplist(&A, bad, k));
    }
#define ZBAD(i, val) do { memcpy(bad, zl, n); bad[i] = (val); \
        ck_assert_ptr_null(lp_from_ziplist(&A, bad, n)); } while (0)
    ZBAD(0, 0x10);                 /* zlbytes */
    ZBAD(4, ZL_TAIL - 1);          /* zltail */
    ZBAD(8, 10);                   /* zllen */
    ZBAD(10, 1);                   /* first prevlen must be 0 */
    ZBAD(17, 0x08);                /* second entry's prevlen */
    ZBAD(11, 0x06);                /* string length changed */
    ZBAD(11, 0x3F);                /* string past the end */
    ZBAD(31, 0xC1);                /* invalid int encoding */
    ZBAD(31, 0xFF);                /* end marker as encoding */
    ZBAD(n - 1, 0x00);             /* no end marker */
#undef ZBAD
    ck_assert_ptr_null(lp_from_ziplist(&A, NULL, 0));
}
END_TEST

/* A zipmap: {"foo": "bar" (2 free bytes), "n": "12", <300 x 'k'>: "v"}. */
static size_t make_zm(unsigned char *zm, unsigned char zmlen)
{
    size_t o = 0;
    zm[o++] = zmlen;
    zm[o++] = 3; memcpy(zm + o, "foo", 3); o += 3;
    zm[o++] = 3; zm[o++] = 2; memcpy(zm + o, "bar", 3); o += 3;
    zm[o++] = '?'; zm[o++] = '?';
    zm[o++] = 1; zm[o++] = 'n';
    zm[o++] = 2; zm[o++] = 0; zm[o++] = '1'; zm[o++] = '2';
    zm[o++] = 254; zm[o++] = 0x2C; zm[o++] = 0x01; zm[o++] = 0; zm[o++] = 0;
    memset(zm + o, 'k', 300); o += 300;
    zm[o++] = 1; zm[o++] = 0; zm[o++] = 'v';
    zm[o++] = 0xFF;
    return o;
}

START_TEST(test_zipmap_convert)
{
    unsigned char zm[400], *lp;
    char key[301];
    size_t n = make_zm(zm, 3), len;
    memset(key, 'k', 300);
    key[300] = 0;
    lp = lp_from_zipmap(&A, zm, n);
    ck_assert_ptr_nonnull(lp);
    {
        const char *const want[] = {"foo", "bar", "n", "12", key, "v"};
        expect(lp, want, 6);
    }
    ck_assert_ptr_null(lp_get(lp_seek(lp, 3), &len, NULL));    /* "12" is an int */
    lp_free(&A, lp);
    n = make_zm(zm, 254);                                      /* count unknown */
    lp = lp_from_zipmap(&A, zm, n);
    ck_assert_uint_eq(lp_count(lp), 6);
    lp_free(&A, lp);
    {
        static const unsigned char empty[] = {0, 0xFF};
        lp = lp_from_zipmap(&A, empty, 2);
        expect(lp, NULL, 0);
        lp_free(&A, lp);
    }
}
END_TEST

START_TEST(test_zipmap_invalid)
{
    unsigned char zm[400], bad[400];
    size_t n = make_zm(zm, 3);
    for (size_t k = 0; k < n; k++) {            /* every truncation */
        memcpy(bad, zm, k);
        if (k > 0) bad[k - 1] = 0xFF;
        ck_assert_ptr_null(lp_from_zipmap(&A, bad, k));
    }
#define MBAD(i, val) do { memcpy(bad, zm, n); bad[i] = (val); \
        ck_assert_ptr_null(lp_from_zipmap(&A, bad, n)); } while (0)
    MBAD(0, 2);            /* pair count */
    MBAD(5, 255);          /* value length 255 */
    MBAD(6, 200);          /* free bytes past the end */
    MBAD(1, 200);          /* key past the end */
    MBAD(n - 1, 0);        /* no end marker */
#undef MBAD
    ck_assert_ptr_null(lp_from_zipmap(&A, NULL, 0));
}
END_TEST

/* ---- Redis byte comparison ---- */

/* A listpack Redis 7 wrote for HSET h a 1 b hello (from its DUMP). */
START_TEST(test_redis_golden)
{
    static const unsigned char redis[] = {
        0x16, 0, 0, 0, 0x04, 0, 0x81, 'a', 0x02, 0x01, 0x01, 0x81, 'b', 0x02,
        0x85, 'h', 'e', 'l', 'l', 'o', 0x06, 0xFF};
    static const char *const v[] = {"a", "1", "b", "hello"};
    unsigned char *lp = build(v, 4);
    ck_assert_uint_eq(lp_bytes(lp), sizeof redis);
    ck_assert_int_eq(memcmp(lp, redis, sizeof redis), 0);
    lp_free(&A, lp);
}
END_TEST

/*
 * Live comparison: start redis-server on port 7655 (or use the one already
 * answering there), build hashes with HSET, and compare the listpack in
 * each DUMP payload (type 16, RDB-string-encoded, rdbcompression off so
 * there is no LZF) with what lp_append makes of the same field/values.
 * Skipped, with a note, when no server answers.
 */
#define RPORT 7655

static int r_connect(void)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(RPORT);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) return fd;
    close(fd);
    return -1;
}

static pid_t r_start(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        FILE *nul = freopen("/dev/null", "w", stdout);
        (void)nul;
        nul = freopen("/dev/null", "w", stderr);
        execlp("redis-server", "redis-server", "--port", "7655", "--save", "",
               "--appendonly", "no", "--bind", "127.0.0.1", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int r_send(int fd, int argc, const char *const *argv, const size_t *lens)
{
    char hdr[64];
    int n = snprintf(hdr, sizeof hdr, "*%d\r\n", argc);
    if (write(fd, hdr, (size_t)n) != n) return -1;
    for (int i = 0; i < argc; i++) {
        n = snprintf(hdr, sizeof hdr, "$%zu\r\n", lens[i]);
        if (write(fd, hdr, (size_t)n) != n) return -1;
        if (write(fd, argv[i], lens[i]) != (ssize_t)lens[i]) return -1;
        if (write(fd, "\r\n", 2) != 2) return -1;
    }
    return 0;
}

static int r_read_exact(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* Read one reply; a bulk's bytes go to *out (malloc'd), else *out = NULL.
 * Returns the type byte, or -1 on error. */
static int r_reply(int fd, unsigned char **out, size_t *len)
{
    char line[128];
    size_t i = 0;
    *out = NULL;
    for (;;) {
        if (i == sizeof line - 1 || r_read_exact(fd, (unsigned char *)line + i, 1) < 0) return -1;
        if (line[i] == '\n') break;
        i++;
    }
    line[i] = 0;
    if (line[0] == '$' && atol(line + 1) >= 0) {
        *len = (size_t)atol(line + 1);
        *out = malloc(*len + 2);
        if (r_read_exact(fd, *out, *len + 2) < 0) return -1;
    }
    return line[0];
}

static int r_cmd(int fd, int argc, const char *const *argv, const size_t *lens,
                 unsigned char **out, size_t *len)
{
    if (r_send(fd, argc, argv, lens) < 0) return -1;
    return r_reply(fd, out, len);
}

static int r_cmd_str(int fd, const char *a, const char *b, const char *c)
{
    const char *v[3] = {a, b, c};
    size_t l[3] = {strlen(a), b ? strlen(b) : 0, c ? strlen(c) : 0};
    unsigned char *out;
    size_t len;
    int t = r_cmd(fd, c ? 3 : b ? 2 : 1, v, l, &out, &len);
    free(out);
    return t;
}

/* CONFIG SET name value; 0 if +OK. */
static int r_config(int fd, const char *name, const char *value)
{
    const char *v[4] = {"CONFIG", "SET", name, value};
    size_t l[4] = {6, 3, strlen(name), strlen(value)};
    unsigned char *o;
    size_t ol;
    int t = r_cmd(fd, 4, v, l, &o, &ol);
    free(o);
    return t == '+' ? 0 : 1;
}

/* The listpack inside a DUMP payload of a listpack hash, or NULL. */
static const unsigned char *dump_listpack(const unsigned char *d, size_t n, size_t *lpn)
{
    size_t h, l;
    if (n < 12 || d[0] != 16) return NULL;
    if (d[1] >> 6 == 0) { h = 2; l = d[1] & 0x3F; }
    else if (d[1] >> 6 == 1) { h = 3; l = (size_t)(d[1] & 0x3F) << 8 | d[2]; }
    else if (d[1] == 0x80) { h = 6; l = (size_t)d[2] << 24 | d[3] << 16 | d[4] << 8 | d[5]; }
    else return NULL;
    if (h + l + 10 != n) return NULL;
    *lpn = l;
    return d + h;
}

/* HSET the pairs into a fresh key, DUMP it, compare with lp_append. 0 if
 * equal, -1 on a mismatch or a failed exchange. */
static int compare_hash(int fd, const char *const *v, const size_t *lens, int n)
{
    const char *argv[1024];
    size_t argl[1024], dn, lpn;
    unsigned char *dump, *lp = lp_new(&A);
    const unsigned char *rl;
    int rc = -1;
    r_cmd_str(fd, "DEL", "lp:test", NULL);
    argv[0] = "HSET"; argl[0] = 4;
    argv[1] = "lp:test"; argl[1] = 7;
    for (int i = 0; i < n; i++) {
        argv[2 + i] = v[i];
        argl[2 + i] = lens[i];
        lp = lp_append(&A, lp, v[i], lens[i]);
    }
    if (r_cmd(fd, n + 2, argv, argl, &dump, &dn) != ':') goto out;
    argv[0] = "DUMP"; argl[0] = 4;
    if (r_cmd(fd, 2, argv, argl, &dump, &dn) != '$') goto out;
    rl = dump_listpack(dump, dn, &lpn);
    if (rl && lpn == lp_bytes(lp) && memcmp(rl, lp, lpn) == 0) rc = 0;
    else fprintf(stderr, "listpack differs from Redis's (%d values, first %.20s)\n", n, v[0]);
    free(dump);
out:
    lp_free(&A, lp);
    return rc;
}

static int cmp_strs(int fd, const char *const *v, int n)
{
    size_t l[512];
    for (int i = 0; i < n; i++) l[i] = strlen(v[i]);
    return compare_hash(fd, v, l, n);
}

/* The cases, run against one server; number of mismatches. */
static int redis_cases(int fd)
{
    static const char *const basic[] = {"a", "1", "b", "hello"};
    static const char *const odd[] = {"-0", "01", "+1", " 1", "x", "9223372036854775808",
                                      "5", "-9223372036854775809", "00", "-"};
    static char ints[2 * 200][32], strs[2][20000];
    const char *v[512];
    size_t l[512];
    static const size_t sizes[] = {0, 63, 64, 100, 125, 126, 4095, 4096, 16377, 16378};
    int bad = 0, n = 0;
    bad += cmp_strs(fd, basic, 4) != 0;
    bad += cmp_strs(fd, odd, 10) != 0;
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
        snprintf(ints[n], 32, "f%zu", i);
        v[n] = ints[n]; n++;
        v[n++] = int_cases[i].s;
    }
    bad += cmp_strs(fd, v, n) != 0;
    srand(7);
    for (n = 0; n < 400; n += 2) {
        long long x = rand_ll();
        snprintf(ints[n], 32, "k%d", n);
        snprintf(ints[n + 1], 32, "%lld", rand() % 2 ? x : -x);
        v[n] = ints[n]; v[n + 1] = ints[n + 1];
    }
    bad += cmp_strs(fd, v, n) != 0;
    memset(strs[1], 'x', sizeof strs[1]);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        v[0] = "f"; l[0] = 1;
        v[1] = strs[1]; l[1] = sizes[i];
        v[2] = strs[1]; l[2] = sizes[i] ? sizes[i] : 1;    /* as a field too */
        v[3] = "7"; l[3] = 1;
        bad += compare_hash(fd, v, l, 4) != 0;
    }
    return bad;
}

START_TEST(test_redis_live)
{
    pid_t pid = r_start();
    int fd = -1, bad, status;
    for (int i = 0; i < 60 && fd < 0; i++) {
        usleep(50000);
        fd = r_connect();
    }
    if (fd < 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        /* Only a machine without Redis may skip the comparison. */
        ck_assert_msg(access("/usr/bin/redis-server", X_OK) != 0,
                      "redis-server is installed but did not answer on port %d", RPORT);
        fprintf(stderr, "test_redis_live: redis-server not installed, skipped\n");
        return;
    }
    bad = r_config(fd, "rdbcompression", "no") + r_config(fd, "hash-max-listpack-value", "100000")
        + r_config(fd, "hash-max-listpack-entries", "1000");
    if (bad == 0) bad = redis_cases(fd);
    r_cmd_str(fd, "DEL", "lp:test", NULL);
    if (waitpid(pid, &status, WNOHANG) == 0) {          /* ours: stop it */
        r_cmd_str(fd, "SHUTDOWN", "NOSAVE", NULL);
        waitpid(pid, NULL, 0);
    }
    close(fd);
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---- suite ---- */

static Suite *listpack_suite(void)
{
    Suite *s = suite_create("listpack");
    TCase *tc = tcase_create("encoding");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_int_encodings);
    tcase_add_test(tc, test_str_encodings);
    tcase_add_test(tc, test_noncanonical_stay_strings);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_roundtrip_random);
    tcase_add_test(tc, test_redis_golden);
    suite_add_tcase(s, tc);

    tc = tcase_create("change");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_insert_positions);
    tcase_add_test(tc, test_replace);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_delete_range);
    tcase_add_test(tc, test_insert_aliasing);
    tcase_add_test(tc, test_seek);
    tcase_add_test(tc, test_find_skip);
    tcase_add_test(tc, test_count_unknown);
    tcase_add_test(tc, test_count_over_65535);
    tcase_add_test(tc, test_dup);
    suite_add_tcase(s, tc);

    tc = tcase_create("validate");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_validate_truncations);
    tcase_add_test(tc, test_validate_bad);
    tcase_add_test(tc, test_validate_fuzz);
    suite_add_tcase(s, tc);

    tc = tcase_create("legacy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ziplist_convert);
    tcase_add_test(tc, test_ziplist_invalid);
    tcase_add_test(tc, test_zipmap_convert);
    tcase_add_test(tc, test_zipmap_invalid);
    suite_add_tcase(s, tc);

    tc = tcase_create("redis");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_redis_live);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(listpack_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
