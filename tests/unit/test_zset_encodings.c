/*
 * test_zset_encodings.c — the zsets module's encodings: the skiplist with
 * spans (order, ranks, ranges, range deletion, score updates, the
 * invariants checked after every step by zsl_check), the listpack (sorted
 * insertion, ranges, validation of untrusted blobs), the value word
 * (ZADD's flag rules, the conversions and their thresholds, random
 * samples, SCAN coverage), the SDK's lexicographic bound parser, and a
 * randomized model test that runs a random mix of operations on both
 * encodings against a sorted array kept by the test.
 *
 * The module only reaches the host through md__api, so the test installs
 * a stand-in table (hash_stub.h, plus the host's dtoa.c and sdk_lex.c)
 * and compiles the encoding files in.
 */
#include "hash_stub.h"
#include "../../host/dtoa.c"
#include "../../host/sdk_lex.c"
#include "../../modules/zsets/zset_listpack.c"
#include "../../modules/zsets/zset_skiplist.c"
#include "../../modules/zsets/zset_value.c"

#include <check.h>
#include <math.h>
#include <stdio.h>

static int t_d2str(char *buf, size_t cap, double v) { return dtoa_redis(v, buf, cap); }

static void setup(void)
{
    stub_install();
    stub_api.d2str = t_d2str;
    sdk_api_fill_lex(&stub_api);
    zv_max_entries = 128;
    zv_max_value = 64;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

/* The member of e as a NUL-terminated string in buf. */
static const char *mstr(const zelem_t *e, char *buf)
{
    char ib[ZE_BUF];
    md_arg_t a = ze_member(e, ib);
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = '\0';
    return buf;
}

static int add(void **zp, double score, const char *m, int flags, double *newscore)
{
    int out;
    ck_assert_int_eq(zv_add(zp, score, m, strlen(m), flags, &out, newscore), 1);
    return out;
}

/* The whole set in rank order as "m:score m:score ...". */
static const char *dump(void *z, char *buf, size_t cap)
{
    zv_iter_t it;
    size_t pos = 0;
    int ok = zv_iter_rank(&it, z, 0, 0);
    buf[0] = '\0';
    for (; ok; ok = zv_iter_next(&it)) {
        zelem_t e;
        char mb[256];
        zv_iter_get(&it, &e);
        pos += (size_t)snprintf(buf + pos, cap - pos, "%s%s:%g", pos ? " " : "",
                                mstr(&e, mb), e.score);
    }
    return buf;
}

/* ------------------------------------------------------------------ */
/* skiplist                                                            */
/* ------------------------------------------------------------------ */

START_TEST(zsl_order_ranks_and_spans)
{
    zsl_t *zsl = zsl_new(0);
    char m[32];

    for (int i = 0; i < 1000; i++) {
        int v = (i * 7919) % 1000;
        snprintf(m, sizeof m, "m%04d", v);
        zsl_insert(zsl, (double)(v / 10), m, strlen(m));
        if (i % 97 == 0) ck_assert_int_eq(zsl_check(zsl), 0);
    }
    ck_assert_int_eq(zsl_check(zsl), 0);
    ck_assert_uint_eq(zsl->length, 1000);
    /* Equal scores order by member bytes: rank = the number value + 1. */
    for (int v = 0; v < 1000; v += 37) {
        snprintf(m, sizeof m, "m%04d", v);
        zsl_node_t *x = zsl_find(zsl, m, strlen(m));
        ck_assert_ptr_nonnull(x);
        ck_assert_uint_eq(zsl_rank(zsl, x), (unsigned long)v + 1);
        ck_assert_ptr_eq(zsl_by_rank(zsl, (unsigned long)v + 1), x);
    }
    ck_assert_ptr_null(zsl_by_rank(zsl, 0));
    ck_assert_ptr_null(zsl_by_rank(zsl, 1001));
    ck_assert_ptr_null(zsl_find(zsl, "nope", 4));
    zsl_free(zsl);
}
END_TEST

START_TEST(zsl_update_and_delete)
{
    zsl_t *zsl = zsl_new(0);
    char m[32];

    for (int i = 0; i < 200; i++) {
        snprintf(m, sizeof m, "k%d", i);
        zsl_insert(zsl, i, m, strlen(m));
    }
    /* In place (between its neighbours), then moved to the far end. */
    zsl_node_t *x = zsl_find(zsl, "k50", 3);
    zsl_update_score(zsl, x, 50.5);
    ck_assert_ptr_eq(zsl_find(zsl, "k50", 3), x);
    ck_assert_uint_eq(zsl_rank(zsl, x), 51);
    zsl_update_score(zsl, x, 1000);
    ck_assert_uint_eq(zsl_rank(zsl, x), 200);
    ck_assert_ptr_eq(zsl->tail, x);
    zsl_update_score(zsl, x, -1);
    ck_assert_ptr_eq(zsl_first(zsl), x);
    ck_assert_int_eq(zsl_check(zsl), 0);
    for (int i = 0; i < 200; i += 2) {
        snprintf(m, sizeof m, "k%d", i);
        zsl_delete(zsl, zsl_find(zsl, m, strlen(m)));
    }
    ck_assert_uint_eq(zsl->length, 100);
    ck_assert_int_eq(zsl_check(zsl), 0);
    zsl_free(zsl);
}
END_TEST

START_TEST(zsl_ranges)
{
    zsl_t *zsl = zsl_new(0);
    char m[8];
    for (int i = 0; i < 10; i++) {
        m[0] = (char)('a' + i);
        zsl_insert(zsl, i, m, 1);
    }
    zrange_t r = {2, 5, 0, 0};
    ck_assert_double_eq(zsl_first_in_range(zsl, &r)->score, 2);
    ck_assert_double_eq(zsl_last_in_range(zsl, &r)->score, 5);
    r.minex = r.maxex = 1;
    ck_assert_double_eq(zsl_first_in_range(zsl, &r)->score, 3);
    ck_assert_double_eq(zsl_last_in_range(zsl, &r)->score, 4);
    zrange_t none = {5, 5, 1, 0};
    ck_assert_ptr_null(zsl_first_in_range(zsl, &none));
    zrange_t above = {20, 30, 0, 0};
    ck_assert_ptr_null(zsl_last_in_range(zsl, &above));

    zlex_t lx;
    ck_assert_int_eq(md_arg_lex_bound(md_str("(c"), &lx.min), MD_OK);
    ck_assert_int_eq(md_arg_lex_bound(md_str("[f"), &lx.max), MD_OK);
    size_t n;
    ck_assert_int_eq(zsl_member(zsl_first_in_lex(zsl, &lx), &n)[0], 'd');
    ck_assert_int_eq(zsl_member(zsl_last_in_lex(zsl, &lx), &n)[0], 'f');
    ck_assert_uint_eq(zsl_delete_range_lex(zsl, &lx), 3);
    ck_assert_uint_eq(zsl_delete_range_score(zsl, &r), 0); /* (2,5): 3 4 5 gone, 2..: none */
    zrange_t r2 = {0, 1, 0, 0};
    ck_assert_uint_eq(zsl_delete_range_score(zsl, &r2), 2);
    ck_assert_uint_eq(zsl_delete_range_rank(zsl, 2, 3), 2);
    ck_assert_uint_eq(zsl->length, 3);
    ck_assert_int_eq(zsl_check(zsl), 0);
    zsl_free(zsl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* listpack                                                            */
/* ------------------------------------------------------------------ */

START_TEST(zlp_sorted_insert_and_find)
{
    md_lp_t *lp = md_lp_new();
    double s;
    char buf[256];

    lp = zlp_insert(lp, 2, "b", 1);
    lp = zlp_insert(lp, 1, "z", 1);
    lp = zlp_insert(lp, 2, "a", 1);
    lp = zlp_insert(lp, 0.5, "123", 3);
    lp = zlp_insert(lp, 1e300, "big", 3);
    void *z = zv_from_listpack(lp);
    ck_assert_str_eq(dump(z, buf, sizeof buf), "123:0.5 z:1 a:2 b:2 big:1e+300");
    ck_assert_ptr_nonnull(zlp_find(lp, "123", 3, &s));
    ck_assert_double_eq(s, 0.5);
    ck_assert_ptr_null(zlp_find(lp, "12", 2, NULL));
    /* The integer member is an integer entry; the score 1 too. */
    zelem_t e;
    zlp_get(lp, md_lp_first(lp), &e);
    ck_assert_ptr_null(e.p);
    ck_assert_int_eq(e.ll, 123);
    size_t maxlen;
    ck_assert_int_eq(zlp_check(lp, &maxlen), MD_OK);
    ck_assert_uint_eq(maxlen, 3);
    lp = zlp_delete(lp, zlp_find(lp, "a", 1, NULL));
    ck_assert_uint_eq(zlp_len(lp), 4);
    md_lp_free(lp);
}
END_TEST

START_TEST(zlp_check_refuses_bad_blobs)
{
    size_t maxlen;
    md_lp_t *lp = md_lp_new();
    lp = md_lp_append(lp, "a", 1);
    ck_assert_int_eq(zlp_check(lp, &maxlen), MD_ERR);         /* odd */
    lp = md_lp_append(lp, "nan", 3);
    ck_assert_int_eq(zlp_check(lp, &maxlen), MD_ERR);         /* NaN score */
    md_lp_free(lp);

    lp = md_lp_new();
    lp = md_lp_append(lp, "b", 1);
    lp = md_lp_append(lp, "1", 1);
    lp = md_lp_append(lp, "a", 1);
    lp = md_lp_append(lp, "1", 1);
    ck_assert_int_eq(zlp_check(lp, &maxlen), MD_ERR);         /* unsorted */
    md_lp_free(lp);

    lp = md_lp_new();
    lp = md_lp_append(lp, "7", 1);
    lp = md_lp_append(lp, "1", 1);
    lp = md_lp_append(lp, "x", 1);
    lp = md_lp_append(lp, "2", 1);
    lp = md_lp_append(lp, "7", 1);
    lp = md_lp_append(lp, "3", 1);
    ck_assert_int_eq(zlp_check(lp, &maxlen), MD_ERR);         /* duplicate */
    md_lp_free(lp);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the value word                                                      */
/* ------------------------------------------------------------------ */

START_TEST(zadd_flag_rules)
{
    for (int enc = 0; enc < 2; enc++) {
        void *z = zv_new(enc ? 1000 : 1, 1);
        double ns = 0;
        ck_assert_int_eq(zv_enc(z), enc);
        ck_assert_int_eq(add(&z, 5, "a", 0, &ns), ZADD_OUT_ADDED);
        ck_assert_int_eq(add(&z, 6, "a", ZADD_IN_NX, NULL), ZADD_OUT_NOP);
        ck_assert_int_eq(add(&z, 1, "b", ZADD_IN_XX, NULL), ZADD_OUT_NOP);
        ck_assert_int_eq(add(&z, 4, "a", ZADD_IN_GT, NULL), ZADD_OUT_NOP);
        ck_assert_int_eq(add(&z, 6, "a", ZADD_IN_LT, NULL), ZADD_OUT_NOP);
        ck_assert_int_eq(add(&z, 5, "a", 0, &ns), 0);       /* same score */
        ck_assert_int_eq(add(&z, 7, "a", ZADD_IN_GT, &ns), ZADD_OUT_UPDATED);
        ck_assert_int_eq(add(&z, 2, "a", ZADD_IN_INCR, &ns), ZADD_OUT_UPDATED);
        ck_assert_double_eq(ns, 9);
        ck_assert_int_eq(add(&z, -1, "a", ZADD_IN_INCR | ZADD_IN_GT, NULL), ZADD_OUT_NOP);
        ck_assert_int_eq(add(&z, INFINITY, "a", 0, NULL), ZADD_OUT_UPDATED);
        int out;
        ck_assert_int_eq(zv_add(&z, -INFINITY, "a", 1, ZADD_IN_INCR, &out, NULL), 0);
        ck_assert_int_eq(out, ZADD_OUT_NAN);
        ck_assert_int_eq(zv_add(&z, NAN, "c", 1, 0, &out, NULL), 0);
        double s;
        ck_assert_int_eq(zv_score(z, "a", 1, &s), 1);
        ck_assert(isinf(s) && s > 0);
        ck_assert_int_eq(zv_len(z), 1);
        zv_free(z);
    }
}
END_TEST

START_TEST(conversions_and_thresholds)
{
    char buf[64];
    void *z = zv_new(0, 0);

    zv_max_entries = 4;
    zv_max_value = 5;
    for (int i = 0; i < 4; i++) {
        snprintf(buf, sizeof buf, "m%d", i);
        add(&z, i, buf, 0, NULL);
    }
    ck_assert_str_eq(zv_encoding_name(z), "listpack");
    add(&z, 9, "m9", 0, NULL);
    ck_assert_str_eq(zv_encoding_name(z), "skiplist");
    zv_del(&z, "m9", 2);
    ck_assert_str_eq(zv_encoding_name(z), "skiplist");   /* never back by removal */
    zv_maybe_to_listpack(&z, 2, 8);
    ck_assert_str_eq(zv_encoding_name(z), "listpack");
    add(&z, 1, "longer", 0, NULL);                       /* 6 bytes > 5 */
    ck_assert_str_eq(zv_encoding_name(z), "skiplist");
    zv_maybe_to_listpack(&z, 6, 14);
    ck_assert_str_eq(zv_encoding_name(z), "skiplist");
    void *c = zv_dup(z);
    char a[256], b[256];
    ck_assert_str_eq(dump(c, a, sizeof a), dump(z, b, sizeof b));
    ck_assert_int_eq(zsl_check(zv_sl(c)), 0);
    zv_free(c);
    zv_free(z);
    ck_assert_str_eq(zv_encoding_name(z = zv_new(5, 1)), "skiplist");
    zv_free(z);
    ck_assert_str_eq(zv_encoding_name(z = zv_new(4, 6)), "skiplist");
    zv_free(z);
}
END_TEST

START_TEST(random_samples_are_distinct)
{
    for (int enc = 0; enc < 2; enc++) {
        void *z = zv_new(enc ? 1000 : 0, 0);
        char m[16];
        for (int i = 0; i < 50; i++) {
            snprintf(m, sizeof m, "%d", i);
            add(&z, i, m, 0, NULL);
        }
        for (size_t count = 1; count < 50; count += 7) {
            zelem_t v[50];
            int seen[50] = {0};
            zv_random_distinct(z, v, count);
            for (size_t i = 0; i < count; i++) {
                char b[32];
                int k = atoi(mstr(&v[i], b));
                ck_assert_int_eq(seen[k], 0);
                ck_assert_double_eq(v[i].score, k);
                seen[k] = 1;
            }
        }
        zv_free(z);
    }
}
END_TEST

typedef struct seen {
    int count[600];
} seen_t;

static void scan_mark(void *priv, const zelem_t *e)
{
    seen_t *s = priv;
    char b[32];
    s->count[atoi(mstr(e, b))]++;
}

START_TEST(scan_visits_everything_across_growth)
{
    void *z = zv_new(1000, 0);
    seen_t s = {{0}};
    uint64_t cursor = 0;
    char m[16];
    int added = 0;

    for (; added < 100; added++) {
        snprintf(m, sizeof m, "%d", added);
        add(&z, added, m, 0, NULL);
    }
    do {
        cursor = zv_scan(z, cursor, scan_mark, &s);
        for (int i = 0; i < 20 && added < 600; i++, added++) {
            snprintf(m, sizeof m, "%d", added);
            add(&z, added, m, 0, NULL);
        }
    } while (cursor);
    for (int i = 0; i < 100; i++) ck_assert_int_ge(s.count[i], 1);
    zv_free(z);
}
END_TEST

START_TEST(lex_bounds)
{
    md_lex_bound_t b;
    ck_assert_int_eq(md_arg_lex_bound(md_str("[abc"), &b), MD_OK);
    ck_assert_int_eq(b.kind, MD_LEX_INCL);
    ck_assert_uint_eq(b.value.len, 3);
    ck_assert_int_eq(md_arg_lex_bound(md_str("("), &b), MD_OK);
    ck_assert_int_eq(b.kind, MD_LEX_EXCL);
    ck_assert_uint_eq(b.value.len, 0);
    ck_assert_int_eq(md_arg_lex_bound(md_str("-"), &b), MD_OK);
    ck_assert_int_eq(b.kind, MD_LEX_NEG_INF);
    ck_assert_int_eq(md_arg_lex_bound(md_str("+"), &b), MD_OK);
    ck_assert_int_eq(b.kind, MD_LEX_POS_INF);
    md_arg_t minus_nul = {"-\0x", 3};
    ck_assert_int_eq(md_arg_lex_bound(minus_nul, &b), MD_OK);
    ck_assert_int_eq(b.kind, MD_LEX_NEG_INF);
    ck_assert_int_eq(md_arg_lex_bound(md_str(""), &b), MD_ERR);
    ck_assert_int_eq(md_arg_lex_bound(md_str("+a"), &b), MD_ERR);
    ck_assert_int_eq(md_arg_lex_bound(md_str("abc"), &b), MD_ERR);

    md_lex_bound_t lo, hi;
    md_arg_lex_bound(md_str("[b"), &lo);
    md_arg_lex_bound(md_str("(b"), &hi);
    ck_assert(md_lex_range_empty(&lo, &hi));
    md_arg_lex_bound(md_str("[b"), &hi);
    ck_assert(!md_lex_range_empty(&lo, &hi));
    md_arg_lex_bound(md_str("+"), &lo);
    ck_assert(md_lex_range_empty(&lo, &hi));
    md_arg_lex_bound(md_str("-"), &lo);
    md_arg_lex_bound(md_str("-"), &hi);
    ck_assert(md_lex_range_empty(&lo, &hi));
    ck_assert(md_lex_gte_min("b", 1, &(md_lex_bound_t){MD_LEX_INCL, {"b", 1}}));
    ck_assert(!md_lex_gte_min("b", 1, &(md_lex_bound_t){MD_LEX_EXCL, {"b", 1}}));
    ck_assert(md_lex_lte_max("b", 1, &(md_lex_bound_t){MD_LEX_EXCL, {"ba", 2}}));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Randomized model test                                               */
/* ------------------------------------------------------------------ */

typedef struct mel {
    char m[8];
    double s;
} mel_t;

typedef struct model {
    mel_t v[64];
    int n;
} model_t;

static int mel_cmp(const void *a, const void *b)
{
    const mel_t *x = a, *y = b;
    return zs_cmp(x->s, x->m, strlen(x->m), y->s, y->m, strlen(y->m));
}

static int model_find(const model_t *md, const char *m)
{
    for (int i = 0; i < md->n; i++)
        if (strcmp(md->v[i].m, m) == 0) return i;
    return -1;
}

static void model_check(const model_t *md, void *z)
{
    mel_t sorted[64];
    zv_iter_t it;
    int i = 0, ok;

    memcpy(sorted, md->v, sizeof sorted);
    qsort(sorted, (size_t)md->n, sizeof *sorted, mel_cmp);
    ck_assert_uint_eq(zv_len(z), (size_t)md->n);
    for (ok = zv_iter_rank(&it, z, 0, 0); ok; ok = zv_iter_next(&it), i++) {
        zelem_t e;
        char b[32];
        zv_iter_get(&it, &e);
        ck_assert_str_eq(mstr(&e, b), sorted[i].m);
        ck_assert_double_eq(e.score, sorted[i].s);
        ck_assert_int_eq(zv_rank(z, sorted[i].m, strlen(sorted[i].m), 0, NULL), i);
    }
    if (zv_enc(z) == ZV_SL) ck_assert_int_eq(zsl_check(zv_sl(z)), 0);
}

START_TEST(random_model)
{
    md_rng_t rng;
    model_t md = {.n = 0};
    void *z = zv_new(0, 0);

    md_rng_seed(&rng, 1234 + (uint64_t)_i);
    zv_max_entries = _i ? 1000 : 16;
    for (int step = 0; step < 3000; step++) {
        char m[8];
        snprintf(m, sizeof m, "%c%d", 'a' + (int)md_rng_below(&rng, 3),
                 (int)md_rng_below(&rng, 20));
        double s = (double)((int)md_rng_below(&rng, 11) - 5) / 2;
        int op = (int)md_rng_below(&rng, 10), i = model_find(&md, m);
        if (op < 6) {
            add(&z, s, m, 0, NULL);
            if (i < 0) {
                i = md.n++;
                strcpy(md.v[i].m, m);
            }
            md.v[i].s = s;
        } else if (op < 8) {
            ck_assert_int_eq(zv_del(&z, m, strlen(m)), i >= 0);
            if (i >= 0) md.v[i] = md.v[--md.n];
        } else if (md.n > 0) {
            zrange_t r = {s, s + 1, 0, (int)md_rng_below(&rng, 2)};
            unsigned long want = 0;
            for (int k = 0; k < md.n; k++)
                if (zr_gte_min(md.v[k].s, &r) && zr_lte_max(md.v[k].s, &r)) want++;
            if (op == 8) {
                ck_assert_uint_eq(zv_del_range_score(&z, &r), want);
                for (int k = 0; k < md.n;)
                    if (zr_gte_min(md.v[k].s, &r) && zr_lte_max(md.v[k].s, &r))
                        md.v[k] = md.v[--md.n];
                    else
                        k++;
            } else {
                zv_iter_t it;
                unsigned long got = 0;
                int ok = zv_iter_score(&it, z, &r, 0);
                for (; ok; ok = zv_iter_next(&it)) {
                    zelem_t e;
                    zv_iter_get(&it, &e);
                    if (!zr_lte_max(e.score, &r)) break;
                    got++;
                }
                ck_assert_uint_eq(got, want);
            }
        }
        if (zv_len(z) == 0) {
            zv_free(z);
            z = zv_new(0, 0);
        }
        model_check(&md, z);
    }
    zv_free(z);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("zset_encodings");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, zsl_order_ranks_and_spans);
    tcase_add_test(tc, zsl_update_and_delete);
    tcase_add_test(tc, zsl_ranges);
    tcase_add_test(tc, zlp_sorted_insert_and_find);
    tcase_add_test(tc, zlp_check_refuses_bad_blobs);
    tcase_add_test(tc, zadd_flag_rules);
    tcase_add_test(tc, conversions_and_thresholds);
    tcase_add_test(tc, random_samples_are_distinct);
    tcase_add_test(tc, scan_visits_everything_across_growth);
    tcase_add_test(tc, lex_bounds);
    tcase_add_loop_test(tc, random_model, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
