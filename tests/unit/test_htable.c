/*
 * test_htable.c — Check suite for the SDK hash table (host/sdk_htable.c)
 * and the random generator it draws from (host/sdk_random.c), served
 * through a stand-in md_api_t whose allocator counts live blocks (every
 * test ends with none) and whose hash can be switched to a bad one that
 * piles elements into a few long chains.
 *
 * What is checked: insert/find/delete/replace against a model, growth and
 * shrinking with incremental rehashing, the SCAN guarantee across resizes
 * (also when a scan starts mid-rehash), deletion of the current element
 * while iterating, exact uniformity of random elements and of distinct
 * samples (chi-square, with long chains too), and memory accounting.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "modis.h"
#include "stub_alloc.h"
#include "../../host/sdk_htable.c"
#include "../../host/sdk_random.c"

/* ------------------------------------------------------------------ */
/* Stand-ins                                                           */
/* ------------------------------------------------------------------ */

static int bad_hash;   /* 1: hash = number in the key % 7 (long chains) */

static uint64_t t_hash(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    if (bad_hash) {
        unsigned v = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] >= '0' && s[i] <= '9') v = v * 10 + (unsigned)(s[i] - '0');
        return v % 7;
    }
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

static md_api_t api_stub;

static void setup(void)
{
    memset(&api_stub, 0, sizeof api_stub);
    api_stub.size = sizeof api_stub;
    api_stub.alloc = t_alloc;
    api_stub.calloc = t_calloc;
    api_stub.realloc = t_realloc;
    api_stub.free = t_free;
    api_stub.usable = t_usable;
    api_stub.hash = t_hash;
    sdk_api_fill_htable(&api_stub);
    sdk_api_fill_random(&api_stub);
    sdk_random_seed(1234);
    md__api = &api_stub;
    md__self = NULL;
    live_blocks = 0;
    bad_hash = 0;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

/* An element: a number and its key "e<num>", the link in the middle to
 * exercise link_offset. */
typedef struct elem {
    int num;
    md_ht_link_t link;
    char key[16];
    size_t klen;
} elem_t;

static md_arg_t test_elem_key(const void *p)
{
    const elem_t *e = p;
    md_arg_t a = {e->key, e->klen};
    return a;
}

static void test_elem_free(void *p) { md_free(p); }

static const md_ht_type_t elem_type = {
    .size = sizeof(md_ht_type_t),
    .link_offset = offsetof(elem_t, link),
    .key = test_elem_key,
    .free = test_elem_free,
};

static elem_t *mk(int num)
{
    elem_t *e = md_calloc(sizeof(*e));
    e->num = num;
    e->klen = (size_t)snprintf(e->key, sizeof e->key, "e%d", num);
    return e;
}

static elem_t *find(md_ht_t *t, int num)
{
    char k[16];
    int n = snprintf(k, sizeof k, "e%d", num);
    return md_ht_find(t, k, (size_t)n);
}

static int del(md_ht_t *t, int num)
{
    char k[16];
    int n = snprintf(k, sizeof k, "e%d", num);
    return md_ht_delete(t, k, (size_t)n);
}

static md_ht_t *filled(int n)
{
    md_ht_t *t = md_ht_new(&elem_type, 0);
    for (int i = 0; i < n; i++) ck_assert_int_eq(md_ht_add(t, mk(i)), 1);
    return t;
}

/* Chi-square of counts[0..n) against a uniform expectation. */
static double chi_square(const long *counts, int n, long total)
{
    double expect = (double)total / n, chi = 0;
    for (int i = 0; i < n; i++) chi += (counts[i] - expect) * (counts[i] - expect) / expect;
    return chi;
}

/* Wilson-Hilferty: the chi-square value a uniform sampler exceeds with
 * probability 1e-4 for `dof` degrees of freedom. */
static double chi_bound(int dof)
{
    double k = dof, z = 3.719, a = 2.0 / (9.0 * k), c = 1 - a + z * sqrt(a);
    return k * c * c * c;
}

/* ------------------------------------------------------------------ */
/* Basics                                                              */
/* ------------------------------------------------------------------ */

START_TEST(add_find_delete_replace)
{
    md_ht_t *t = filled(5000);
    ck_assert_uint_eq(md_ht_len(t), 5000);
    elem_t *dup = mk(42), *stray = mk(9999);
    ck_assert_int_eq(md_ht_add(t, dup), 0);        /* key exists: not taken */
    for (int i = 0; i < 5000; i++) ck_assert_int_eq(find(t, i)->num, i);
    ck_assert_ptr_null(find(t, 5000));
    /* replace: a new block for the same key takes the old one's place */
    elem_t *old = find(t, 42);
    ck_assert_int_eq(md_ht_replace(t, old, dup), MD_OK);
    ck_assert_ptr_eq(find(t, 42), dup);
    ck_assert_int_eq(md_ht_replace(t, old, stray), MD_ERR);
    md_free(old);
    md_free(stray);
    for (int i = 0; i < 5000; i += 2) ck_assert_int_eq(del(t, i), 1);
    ck_assert_int_eq(del(t, 0), 0);
    ck_assert_uint_eq(md_ht_len(t), 2500);
    for (int i = 0; i < 5000; i++) {
        elem_t *e = find(t, i);
        if (i % 2) ck_assert_int_eq(e->num, i);
        else ck_assert_ptr_null(e);
    }
    elem_t *u = md_ht_unlink(t, "e1", 2);
    ck_assert_int_eq(u->num, 1);
    md_free(u);
    ck_assert_ptr_null(md_ht_unlink(t, "e1", 2));
    md_ht_free(t);
}
END_TEST

/* Every operation in the middle of a rehash sees every element: grow
 * step by step, checking all elements after each insert, then shrink. */
START_TEST(incremental_rehash_keeps_everything)
{
    md_ht_t *t = md_ht_new(&elem_type, 0);
    int rehash_seen = 0;
    for (int i = 0; i < 600; i++) {
        md_ht_add_new(t, mk(i));
        rehash_seen |= t->rehashidx >= 0;
        for (int j = 0; j <= i; j += 7) ck_assert_ptr_nonnull(find(t, j));
    }
    ck_assert(rehash_seen);
    ck_assert_uint_eq(md_ht_len(t), 600);
    size_t big = t->mask[0] + 1;
    for (int i = 0; i < 590; i++) {
        ck_assert_int_eq(del(t, i), 1);
        for (int j = i + 1; j < 600; j += 11) ck_assert_ptr_nonnull(find(t, j));
    }
    for (int i = 0; i < 200; i++) find(t, 595);     /* lets a rehash finish */
    ck_assert_uint_lt(t->mask[0] + 1, big);
    ck_assert_int_lt(t->rehashidx, 0);
    /* md_ht_expand pre-sizes, and never shrinks */
    md_ht_expand(t, 5000);
    for (int i = 0; i < 2000; i++) find(t, 595);
    ck_assert_uint_ge(t->mask[0] + 1, 5000);
    md_ht_expand(t, 10);
    ck_assert_uint_ge(t->mask[0] + 1, 5000);
    md_ht_free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SCAN                                                                */
/* ------------------------------------------------------------------ */

static void mark(void *priv, void *p)
{
    unsigned char *seen = priv;
    seen[((elem_t *)p)->num]++;
}

/* Scan 1,000 stable elements while others come and go: growth to 16x,
 * shrinking back, scans that start or resume mid-rehash. */
static void scan_with_churn(int start_mid_rehash)
{
    static unsigned char seen[24000]; /* numbers reach 2000 + 360 * 50 + 499 */
    md_ht_t *t = filled(1000);
    uint64_t cursor = 0;
    int calls = 0, during_rehash = 0;

    memset(seen, 0, sizeof seen);
    if (start_mid_rehash) {
        for (int i = 1000; i < 1100; i++) md_ht_add(t, mk(i));
        ck_assert_int_ge(t->rehashidx, 0);
    }
    do {
        cursor = md_ht_scan(t, cursor, mark, seen);
        during_rehash += t->rehashidx >= 0;
        calls++;
        if (calls % 40 == 0 && calls < 400)          /* grow, a bit at a time */
            for (int i = 0; i < 500; i++) md_ht_add(t, mk(2000 + calls * 50 + i));
        if (calls >= 400 && calls % 40 == 0)         /* then shrink */
            for (int i = 0; i < 500; i++) del(t, 2000 + (calls - 360) * 50 + i);
    } while (cursor != 0);
    for (int i = 0; i < 1000; i++) ck_assert_msg(seen[i] >= 1, "e%d not returned", i);
    ck_assert_int_gt(during_rehash, 0);
    md_ht_free(t);
}

START_TEST(scan_guarantee_across_resizes) { scan_with_churn(0); }
END_TEST

START_TEST(scan_guarantee_from_mid_rehash) { scan_with_churn(1); }
END_TEST

START_TEST(scan_empty_and_static)
{
    static unsigned char seen[300];
    md_ht_t *t = md_ht_new(&elem_type, 0);
    ck_assert_uint_eq(md_ht_scan(t, 0, mark, seen), 0);
    for (int i = 0; i < 300; i++) md_ht_add(t, mk(i));
    for (int i = 0; i < 3000; i++) find(t, 1);  /* no rehash pending */
    memset(seen, 0, sizeof seen);
    uint64_t cursor = 0;
    do cursor = md_ht_scan(t, cursor, mark, seen);
    while (cursor);
    for (int i = 0; i < 300; i++) ck_assert_int_eq(seen[i], 1); /* exactly once */
    md_ht_free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

START_TEST(iterate_deleting_current)
{
    static unsigned char seen[3000];
    md_ht_t *t = filled(2000);
    md_ht_iter_t it;
    elem_t *e;
    int n = 0;

    for (int i = 2000; i < 2100; i++) md_ht_add(t, mk(i));  /* mid-rehash */
    ck_assert_int_ge(t->rehashidx, 0);
    memset(seen, 0, sizeof seen);
    md_ht_iter_init(&it, t);
    while ((e = md_ht_iter_next(&it)) != NULL) {
        seen[e->num]++;
        n++;
        if (e->num % 3 == 0) ck_assert_int_eq(del(t, e->num), 1);
        else ck_assert_ptr_eq(find(t, e->num), e);  /* lookups are fine */
    }
    ck_assert_int_eq(n, 2100);
    for (int i = 0; i < 2100; i++) ck_assert_int_eq(seen[i], 1);
    ck_assert_uint_eq(md_ht_len(t), 2100 - 700);
    ck_assert_uint_eq(t->paused, 0);
    /* leaving early: md_ht_iter_done unpauses (twice is harmless) */
    md_ht_iter_init(&it, t);
    md_ht_iter_next(&it);
    ck_assert_uint_eq(t->paused, 1);
    md_ht_iter_done(&it);
    md_ht_iter_done(&it);
    ck_assert_uint_eq(t->paused, 0);
    ck_assert_ptr_null(md_ht_iter_next(&it));
    /* the paused rehash resumes */
    for (int i = 0; i < 5000 && t->rehashidx >= 0; i++) find(t, 1);
    ck_assert_int_lt(t->rehashidx, 0);
    md_ht_free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Random elements                                                     */
/* ------------------------------------------------------------------ */

/* `draws` random elements of t (elements 0..n-1 present) into counts. */
static double random_chi(md_ht_t *t, int n, long draws)
{
    static long counts[1000];
    memset(counts, 0, sizeof counts);
    for (long i = 0; i < draws; i++) counts[((elem_t *)md_ht_random(t))->num]++;
    return chi_square(counts, n, draws);
}

START_TEST(random_is_uniform)
{
    md_ht_t *t = md_ht_new(&elem_type, 0);
    ck_assert_ptr_null(md_ht_random(t));
    for (int i = 0; i < 100; i++) md_ht_add(t, mk(i));
    double chi = random_chi(t, 100, 200000);
    ck_assert_msg(chi < chi_bound(99), "chi-square %.1f", chi);
    /* mid-rehash: both tables are drawn from */
    for (int i = 100; i < 129; i++) md_ht_add(t, mk(i));
    ck_assert_int_ge(t->rehashidx, 0);
    t->paused++;                 /* hold the rehash while drawing */
    chi = random_chi(t, 129, 200000);
    t->paused--;
    ck_assert_msg(chi < chi_bound(128), "chi-square mid-rehash %.1f", chi);
    md_ht_free(t);
}
END_TEST

/* A hash that puts everything in 7 buckets: chains of very different
 * lengths, where picking a bucket then a chain member would favour the
 * short chains' elements by far. */
START_TEST(random_is_uniform_with_long_chains)
{
    bad_hash = 1;
    md_ht_t *t = md_ht_new(&elem_type, 0);
    for (int i = 0; i < 60; i++)
        if (i % 7 != 3 || i < 10) md_ht_add(t, mk(i));   /* uneven chains */
    for (int i = 0; i < 60; i++)
        if (i % 7 == 3 && i >= 10) md_ht_add(t, mk(i));
    for (int i = 0; i < 60; i += 7) del(t, i);           /* one chain thinned */
    int n = 0;
    static long counts[100];
    int ids[100];
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < 60; i++)
        if (find(t, i)) ids[n++] = i;
    ck_assert_uint_eq(md_ht_len(t), (size_t)n);
    for (long d = 0; d < 100000; d++) counts[((elem_t *)md_ht_random(t))->num]++;
    long packed[100];
    for (int i = 0; i < n; i++) packed[i] = counts[ids[i]];
    double chi = chi_square(packed, n, 100000);
    ck_assert_msg(chi < chi_bound(n - 1), "chi-square %.1f", chi);
    md_ht_free(t);
}
END_TEST

/* md_ht_random_distinct: distinct, from the table, each element equally
 * often over many samples, for both strategies (a walk when count is a
 * large share, fair draws when small). */
static void distinct_case(int n, size_t count, long rounds)
{
    static long counts[1000];
    void *out[1000];
    md_ht_t *t = filled(n);
    memset(counts, 0, sizeof counts);
    for (long r = 0; r < rounds; r++) {
        size_t got = md_ht_random_distinct(t, out, count);
        ck_assert_uint_eq(got, count < (size_t)n ? count : (size_t)n);
        unsigned char seen[1000] = {0};
        for (size_t i = 0; i < got; i++) {
            int num = ((elem_t *)out[i])->num;
            ck_assert_int_eq(seen[num], 0);
            seen[num] = 1;
            counts[num]++;
        }
    }
    if (count < (size_t)n) {
        double chi = chi_square(counts, n, (long)count * rounds);
        /* Without replacement the variance shrinks by (1 - count/n): the
         * plain bound is conservative. */
        ck_assert_msg(chi < chi_bound(n - 1), "n %d count %zu chi %.1f", n, count, chi);
    }
    md_ht_free(t);
}

START_TEST(random_distinct_is_uniform)
{
    distinct_case(50, 5, 20000);     /* draws */
    distinct_case(50, 20, 5000);     /* walk */
    distinct_case(300, 10, 5000);
    distinct_case(50, 50, 10);       /* all of them */
    distinct_case(50, 80, 10);
}
END_TEST

/* The first element of a full sample is uniform too (random order). */
START_TEST(random_distinct_order_is_random)
{
    static long first[50];
    void *out[50];
    md_ht_t *t = filled(50);
    for (long r = 0; r < 50000; r++) {
        md_ht_random_distinct(t, out, 50);
        first[((elem_t *)out[0])->num]++;
    }
    double chi = chi_square(first, 50, 50000);
    ck_assert_msg(chi < chi_bound(49), "chi %.1f", chi);
    md_ht_free(t);
}
END_TEST

START_TEST(rand_below_is_unbiased)
{
    static long counts[7];
    for (long i = 0; i < 700000; i++) counts[md_rand_below(7)]++;
    ck_assert_msg(chi_square(counts, 7, 700000) < chi_bound(6), "chi");
    for (int i = 0; i < 1000; i++) {
        double d = md_rand_double();
        ck_assert(d >= 0 && d < 1);
        ck_assert_uint_lt(md_rand_below(3), 3);
    }
    /* a module-owned generator repeats with its seed */
    md_rng_t a, b;
    md_rng_seed(&a, 99);
    md_rng_seed(&b, 99);
    for (int i = 0; i < 100; i++) ck_assert_uint_eq(md_rng_next(&a), md_rng_next(&b));
    md_rng_seed(&b, 100);
    ck_assert_uint_ne(md_rng_next(&a), md_rng_next(&b));
    ck_assert_uint_lt(md_rng_below(&a, 10), 10);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

START_TEST(memory_accounting)
{
    md_ht_t *t = filled(100);
    size_t elems = 0;
    md_ht_iter_t it;
    void *e;
    md_ht_iter_init(&it, t);
    while ((e = md_ht_iter_next(&it)) != NULL) elems += t_usable(e);
    size_t m = md_ht_mem(t);
    ck_assert_uint_eq(m, t_usable(t) + t_usable(t->b[0]) +
                             (t->b[1] ? t_usable(t->b[1]) : 0) + elems);
    md_ht_free(t);
    /* over 1024 elements: extrapolated from the first 1024 */
    t = filled(5000);
    m = md_ht_mem(t);
    ck_assert_uint_gt(m, 5000 * sizeof(elem_t));
    ck_assert_uint_lt(m, 5000 * (sizeof(elem_t) + 64) + 64 * 1024);
    md_ht_free(t);
}
END_TEST

static Suite *htable_suite(void)
{
    Suite *s = suite_create("htable");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, add_find_delete_replace);
    tcase_add_test(tc, incremental_rehash_keeps_everything);
    tcase_add_test(tc, scan_guarantee_across_resizes);
    tcase_add_test(tc, scan_guarantee_from_mid_rehash);
    tcase_add_test(tc, scan_empty_and_static);
    tcase_add_test(tc, iterate_deleting_current);
    tcase_add_test(tc, random_is_uniform);
    tcase_add_test(tc, random_is_uniform_with_long_chains);
    tcase_add_test(tc, random_distinct_is_uniform);
    tcase_add_test(tc, random_distinct_order_is_random);
    tcase_add_test(tc, rand_below_is_unbiased);
    tcase_add_test(tc, memory_accounting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(htable_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
