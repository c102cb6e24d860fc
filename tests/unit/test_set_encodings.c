/*
 * test_set_encodings.c — the sets module's value word and its three
 * encodings: Redis 7.2+'s conversion rules (creation by size hint,
 * intset -> listpack or hashtable on a non-integer member, thresholds of
 * set-max-intset-entries / set-max-listpack-entries /
 * set-max-listpack-value, the integer lengths counted against the
 * listpack value limit, SADD's pre-conversion, SINTERSTORE's way back to
 * an intset), membership across encodings (canonical integers only),
 * iteration order, copies, uniform random members (chi-square), and a
 * randomized model test of adds and removes under several parameter
 * settings against a plain in-test set.
 *
 * The module only reaches the host through md__api: the test installs the
 * stand-in table of hash_stub.h (host listpack, SDK hash table, seeded
 * random) plus Redis's string2ll for md_arg_ll, and compiles the value
 * files in.
 */
#include "hash_stub.h"
#include "../../modules/sets/intset.c"
#include "../../modules/sets/set_table.c"
#include "../../modules/sets/set_value.c"

#include <check.h>
#include <math.h>
#include <stdio.h>

static int s_arg_ll(md_arg_t a, long long *v)
{
    return lp_str2ll(a.ptr, a.len, v) ? MD_OK : MD_ERR;
}

static void setup(void)
{
    stub_install();
    stub_api.arg_ll = s_arg_ll;
    sv_max_intset_entries = 512;
    sv_max_listpack_entries = 128;
    sv_max_listpack_value = 64;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

static int add(void **sp, const char *m)
{
    sm_t x = {m, strlen(m), 0};
    return sv_add(sp, &x);
}

static int add_int(void **sp, long long v)
{
    sm_t x = {NULL, 0, v};
    return sv_add(sp, &x);
}

static int has(const void *s, const char *m)
{
    sm_t x = {m, strlen(m), 0};
    return sv_contains(s, &x);
}

static int rem(void **sp, const char *m)
{
    sm_t x = {m, strlen(m), 0};
    return sv_remove(sp, &x);
}

static const char *enc(const void *s) { return sv_encoding_name(s); }

/* A set created as SADD creates it, with members "<prefix><i>". */
static void *make(const char *prefix, int from, int to)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s%d", prefix, from);
    void *s = sv_create(md_str(buf), (size_t)(to - from + 1));
    for (int i = from; i <= to; i++) {
        snprintf(buf, sizeof buf, "%s%d", prefix, i);
        add(&s, buf);
    }
    return s;
}

/* The members in iteration order, space-separated, into out. */
static const char *members(const void *s, char *out, size_t cap)
{
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];
    size_t len = 0;
    out[0] = '\0';
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        md_arg_t a = sm_bytes(&m, buf);
        len += (size_t)snprintf(out + len, cap - len, "%s%.*s", len ? " " : "", (int)a.len,
                                a.ptr);
    }
    return out;
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

START_TEST(create_by_hint)
{
    void *a = sv_create(md_str("12"), 512), *b = sv_create(md_str("12"), 513);
    void *c = sv_create(md_str("x"), 128), *d = sv_create(md_str("x"), 129);
    void *e = sv_create(md_str("012"), 3);  /* not canonical: a string */
    ck_assert_str_eq(enc(a), "intset");
    ck_assert_str_eq(enc(b), "hashtable"); /* 513: over both limits */
    sv_free(a);
    sv_free(b);
    ck_assert_str_eq(enc(c), "listpack");
    ck_assert_str_eq(enc(d), "hashtable");
    ck_assert_str_eq(enc(e), "listpack");
    sv_free(c);
    sv_free(d);
    sv_free(e);
}
END_TEST

START_TEST(create_hint_over_both)
{
    /* 513 integers: over the intset limit, and over the listpack one. */
    sv_max_listpack_entries = 600;
    void *a = sv_create(md_str("1"), 513);
    ck_assert_str_eq(enc(a), "listpack");
    sv_free(a);
    sv_max_listpack_entries = 128;
    a = sv_create(md_str("1"), 513);
    ck_assert_str_eq(enc(a), "hashtable");
    sv_free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* intset conversions                                                  */
/* ------------------------------------------------------------------ */

START_TEST(intset_to_listpack_on_string)
{
    char out[256];
    void *s = make("", 1, 3);
    ck_assert_str_eq(enc(s), "intset");
    ck_assert_int_eq(add(&s, "a"), 1);
    ck_assert_str_eq(enc(s), "listpack");
    ck_assert_str_eq(members(s, out, sizeof out), "1 2 3 a");
    ck_assert_int_eq(add(&s, "2"), 0);
    sv_free(s);
}
END_TEST

START_TEST(intset_to_table_when_too_many_for_listpack)
{
    void *s = make("", 1, 128); /* 128 = set-max-listpack-entries */
    ck_assert_str_eq(enc(s), "intset");
    add(&s, "a");
    ck_assert_str_eq(enc(s), "hashtable");
    ck_assert_uint_eq(sv_len(s), 129);
    sv_free(s);
    s = make("", 1, 127);
    add(&s, "a");
    ck_assert_str_eq(enc(s), "listpack");
    sv_free(s);
}
END_TEST

START_TEST(intset_to_table_on_long_string)
{
    char big[66];
    memset(big, 'x', 65);
    big[65] = '\0';
    void *s = make("", 1, 2);
    add(&s, big);
    ck_assert_str_eq(enc(s), "hashtable");
    sv_free(s);
    big[64] = '\0'; /* exactly 64 bytes: fits */
    s = make("", 1, 2);
    add(&s, big);
    ck_assert_str_eq(enc(s), "listpack");
    sv_free(s);
}
END_TEST

START_TEST(intset_integer_lengths_count)
{
    /* -12345 has 6 characters: over a value limit of 5, so a string
     * member sends the intset to a hash table, not to a listpack. */
    sv_max_listpack_value = 5;
    void *s = make("", 1, 2);
    add(&s, "-12345");
    ck_assert_str_eq(enc(s), "intset");
    add(&s, "a");
    ck_assert_str_eq(enc(s), "hashtable");
    sv_free(s);
    s = make("", 1, 2);
    add(&s, "12345");
    add(&s, "a");
    ck_assert_str_eq(enc(s), "listpack");
    sv_free(s);
}
END_TEST

START_TEST(intset_grows_into_table)
{
    void *s = make("", 1, 512);
    ck_assert_str_eq(enc(s), "intset");
    add_int(&s, 513);
    ck_assert_str_eq(enc(s), "hashtable"); /* never a listpack */
    ck_assert_uint_eq(sv_len(s), 513);
    ck_assert(has(s, "513") && has(s, "1"));
    sv_free(s);
}
END_TEST

START_TEST(intset_cap_is_two_to_the_30)
{
    sv_max_intset_entries = 1LL << 40;
    ck_assert_uint_eq(intset_cap(), (size_t)1 << 30);
}
END_TEST

/* ------------------------------------------------------------------ */
/* listpack conversions                                                */
/* ------------------------------------------------------------------ */

START_TEST(listpack_limits)
{
    void *s = make("m", 1, 128);
    ck_assert_str_eq(enc(s), "listpack");
    add(&s, "m129");
    ck_assert_str_eq(enc(s), "hashtable");
    sv_free(s);
    char big[66];
    memset(big, 'y', 65);
    big[65] = '\0';
    s = make("m", 1, 3);
    add(&s, big);
    ck_assert_str_eq(enc(s), "hashtable");
    ck_assert(has(s, big) && has(s, "m2"));
    sv_free(s);
}
END_TEST

START_TEST(listpack_integers_and_strings)
{
    char out[256];
    void *s = sv_create(md_str("a"), 4);
    add(&s, "a");
    add(&s, "10");
    add(&s, "010");
    add(&s, "-3");
    ck_assert_str_eq(members(s, out, sizeof out), "a 10 010 -3");
    ck_assert(has(s, "10") && has(s, "010") && !has(s, "+10") && !has(s, "1"));
    ck_assert_int_eq(add(&s, "10"), 0);
    ck_assert_int_eq(add_int(&s, 10), 0);
    ck_assert_int_eq(rem(&s, "010"), 1);
    ck_assert_int_eq(rem(&s, "010"), 0);
    ck_assert_str_eq(members(s, out, sizeof out), "a 10 -3");
    sv_free(s);
}
END_TEST

START_TEST(maybe_convert_by_hint)
{
    void *s = make("m", 1, 3), *i = make("", 1, 3);
    sv_maybe_convert(&s, 128);
    sv_maybe_convert(&i, 512);
    ck_assert_str_eq(enc(s), "listpack");
    ck_assert_str_eq(enc(i), "intset");
    sv_maybe_convert(&s, 129);
    sv_maybe_convert(&i, 513);
    ck_assert_str_eq(enc(s), "hashtable");
    ck_assert_str_eq(enc(i), "hashtable");
    ck_assert_uint_eq(sv_len(s), 3);
    ck_assert_uint_eq(sv_len(i), 3);
    sv_free(s);
    sv_free(i);
}
END_TEST

START_TEST(zero_limits)
{
    sv_max_intset_entries = 0;
    sv_max_listpack_entries = 0;
    void *s = sv_create(md_str("1"), 1);
    ck_assert_str_eq(enc(s), "hashtable");
    sv_free(s);
    sv_max_listpack_entries = 1;
    s = sv_create(md_str("1"), 1);
    ck_assert_str_eq(enc(s), "listpack");
    add(&s, "1");
    add(&s, "2");
    ck_assert_str_eq(enc(s), "hashtable");
    sv_free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Back to an intset                                                   */
/* ------------------------------------------------------------------ */

START_TEST(maybe_to_intset)
{
    char out[256];
    void *s = sv_new(SV_LP, 0);
    add(&s, "30");
    add(&s, "-1");
    add(&s, "7");
    sv_maybe_to_intset(&s);
    ck_assert_str_eq(enc(s), "intset");
    ck_assert_str_eq(members(s, out, sizeof out), "-1 7 30");
    sv_free(s);

    s = sv_new(SV_HT, 4);
    add(&s, "5");
    add(&s, "6");
    sv_maybe_to_intset(&s);
    ck_assert_str_eq(enc(s), "intset");
    sv_free(s);

    s = sv_new(SV_LP, 0);
    add(&s, "5");
    add(&s, "x");
    sv_maybe_to_intset(&s);
    ck_assert_str_eq(enc(s), "listpack"); /* not all integers */
    sv_free(s);

    sv_max_intset_entries = 1;
    s = sv_new(SV_LP, 0);
    add(&s, "5");
    add(&s, "6");
    sv_maybe_to_intset(&s);
    ck_assert_str_eq(enc(s), "listpack"); /* too many */
    sv_free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Membership, iteration, copies                                       */
/* ------------------------------------------------------------------ */

START_TEST(intset_membership_is_canonical)
{
    void *s = make("", 1, 3);
    ck_assert(has(s, "1") && !has(s, "01") && !has(s, " 1") && !has(s, "1.0"));
    ck_assert_int_eq(rem(&s, "01"), 0);
    ck_assert_int_eq(rem(&s, "1"), 1);
    ck_assert_uint_eq(sv_len(s), 2);
    sv_free(s);
}
END_TEST

START_TEST(table_membership_and_dup)
{
    void *s = make("k", 1, 300);
    void *d = sv_dup(s);
    ck_assert_str_eq(enc(d), "hashtable");
    ck_assert_int_eq(rem(&s, "k7"), 1);
    ck_assert(!has(s, "k7") && has(d, "k7"));
    ck_assert_uint_eq(sv_len(d), 300);
    ck_assert_uint_eq(sv_mem(d) > 300 * 16, 1);
    sv_free(s);
    sv_free(d);
}
END_TEST

START_TEST(binary_members)
{
    void *s = sv_new(SV_HT, 0);
    sm_t a = {"a\0b", 3, 0}, b = {"a\0c", 3, 0}, e = {"", 0, 0};
    char big[300];
    memset(big, 'z', sizeof big);
    sm_t l = {big, sizeof big, 0};
    ck_assert_int_eq(sv_add(&s, &a), 1);
    ck_assert_int_eq(sv_add(&s, &b), 1);
    ck_assert_int_eq(sv_add(&s, &e), 1);
    ck_assert_int_eq(sv_add(&s, &l), 1);
    ck_assert_int_eq(sv_add(&s, &l), 0);
    ck_assert(sv_contains(s, &a) && sv_contains(s, &e) && sv_contains(s, &l));
    ck_assert_int_eq(sv_remove(&s, &e), 1);
    ck_assert_uint_eq(sv_len(s), 3);
    sv_free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Random members                                                      */
/* ------------------------------------------------------------------ */

/* Chi-square of `draws` sv_random picks over a set of n members "<i>",
 * each expected draws/n times. */
static double chi_square(void *s, int n, int draws)
{
    int *count = calloc((size_t)n, sizeof(int));
    for (int i = 0; i < draws; i++) {
        sm_t m;
        char buf[SM_BUF];
        sv_random(s, &m);
        md_arg_t a = sm_bytes(&m, buf);
        long long v;
        ck_assert_int_eq(lp_str2ll(a.ptr[0] == 'k' ? a.ptr + 1 : a.ptr,
                                   a.ptr[0] == 'k' ? a.len - 1 : a.len, &v), 1);
        count[v - 1]++;
    }
    double e = (double)draws / n, chi = 0;
    for (int i = 0; i < n; i++) chi += (count[i] - e) * (count[i] - e) / e;
    free(count);
    return chi;
}

START_TEST(random_is_uniform)
{
    /* 49 degrees of freedom: P(chi2 > 85) < 0.001. */
    void *sets[3] = {make("", 1, 50), make("k", 1, 50), make("k", 1, 50)};
    sv_convert(&sets[2], SV_HT, 50);
    ck_assert_str_eq(enc(sets[0]), "intset");
    ck_assert_str_eq(enc(sets[1]), "listpack");
    ck_assert_str_eq(enc(sets[2]), "hashtable");
    for (int i = 0; i < 3; i++) {
        double chi = chi_square(sets[i], 50, 50000);
        ck_assert_msg(chi < 85, "%s: chi-square %.1f", enc(sets[i]), chi);
        sv_free(sets[i]);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Model test                                                          */
/* ------------------------------------------------------------------ */

#define MODEL_N 400

/* The member for key index i: integers, short strings and long ones. */
static const char *model_member(int i, char *buf)
{
    if (i % 3 == 0) snprintf(buf, 128, "%d", i - 200);
    else if (i % 3 == 1) snprintf(buf, 128, "s%d", i);
    else snprintf(buf, 128, "long-%d-%0*d", i, 60, i);
    return buf;
}

static void model_run(unsigned seed, int only_ints)
{
    char in[MODEL_N] = {0}, buf[128];
    void *s = NULL;
    size_t n = 0;
    for (int step = 0; step < 6000; step++) {
        seed = seed * 1103515245u + 12345u;
        int i = (int)((seed >> 8) % MODEL_N);
        if (only_ints) i -= i % 3;
        const char *m = model_member(i, buf);
        if (s == NULL) s = sv_create(md_str(m), 1 + (seed >> 20) % 4);
        if ((seed >> 4) % 3 != 0) {
            ck_assert_int_eq(add(&s, m), !in[i]);
            n += !in[i];
            in[i] = 1;
        } else {
            ck_assert_int_eq(rem(&s, m), in[i]);
            n -= in[i];
            in[i] = 0;
        }
        ck_assert_uint_eq(sv_len(s), n);
        if (step % 211 == 0) {
            for (int k = 0; k < MODEL_N; k++) ck_assert_int_eq(has(s, model_member(k, buf)), in[k]);
        }
    }
    sv_free(s);
}

START_TEST(model_default_limits)
{
    model_run(1, 0);
    model_run(2, 1);
}
END_TEST

START_TEST(model_small_limits)
{
    sv_max_intset_entries = 20;
    sv_max_listpack_entries = 10;
    sv_max_listpack_value = 8;
    model_run(3, 0);
    model_run(4, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("set_encodings");
    TCase *tc = tcase_create("encodings");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_by_hint);
    tcase_add_test(tc, create_hint_over_both);
    tcase_add_test(tc, intset_to_listpack_on_string);
    tcase_add_test(tc, intset_to_table_when_too_many_for_listpack);
    tcase_add_test(tc, intset_to_table_on_long_string);
    tcase_add_test(tc, intset_integer_lengths_count);
    tcase_add_test(tc, intset_grows_into_table);
    tcase_add_test(tc, intset_cap_is_two_to_the_30);
    tcase_add_test(tc, listpack_limits);
    tcase_add_test(tc, listpack_integers_and_strings);
    tcase_add_test(tc, maybe_convert_by_hint);
    tcase_add_test(tc, zero_limits);
    tcase_add_test(tc, maybe_to_intset);
    tcase_add_test(tc, intset_membership_is_canonical);
    tcase_add_test(tc, table_membership_and_dup);
    tcase_add_test(tc, binary_members);
    tcase_add_test(tc, random_is_uniform);
    tcase_add_test(tc, model_default_limits);
    tcase_add_test(tc, model_small_limits);
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
