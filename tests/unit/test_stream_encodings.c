/*
 * test_stream_encodings.c — the streams module's storage: the radix tree
 * of IDs (insert, remove, find and the four ordered seeks, checked
 * against a sorted array in a randomized model test), and the stream
 * value over listpack nodes (master-entry field compression, node
 * splitting by entries and bytes, iteration both ways over ranges,
 * deletion, MAXLEN/MINID trimming exact and approximate, copies, and
 * the validation of untrusted nodes), checked against a model array;
 * consumer groups (PELs shared with consumers, copies, lag).
 *
 * The module only reaches the host through md__api, so the test installs
 * the stand-in table of hash_stub.h and compiles the sources in.
 */
#include "hash_stub.h"
#include "../../modules/streams/stream_rax.c"
#include "../../modules/streams/stream_value.c"
#include "../../modules/streams/stream_cg.c"

#include <check.h>
#include <stdio.h>

static void setup(void)
{
    stub_install();
    sv_node_max_bytes = 4096;
    sv_node_max_entries = 100;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

static uint64_t rnd(uint64_t n) { return md_rand_below(n); }

/* ------------------------------------------------------------------ */
/* The radix tree                                                      */
/* ------------------------------------------------------------------ */

static int cmp_sid(const void *a, const void *b) { return sid_cmp(a, b); }

/* The model's answer to a seek: index into sorted keys[0..n), or -1. */
static long model_seek(const sid_t *keys, long n, const sid_t *k, int op)
{
    long best = -1;
    for (long i = 0; i < n; i++) {
        int c = sid_cmp(&keys[i], k);
        int ok = op == SRAX_GE ? c >= 0 : op == SRAX_GT ? c > 0 : op == SRAX_LE ? c <= 0 : c < 0;
        if (!ok) continue;
        if (op == SRAX_GE || op == SRAX_GT) return i;
        best = i;
    }
    return best;
}

static sid_t random_key(void)
{
    sid_t k;
    /* Clustered values, with the extremes now and then. */
    k.ms = rnd(4) == 0 ? UINT64_MAX - rnd(3) : 1000 + rnd(64);
    k.seq = rnd(5) == 0 ? UINT64_MAX - rnd(3) : rnd(16);
    return k;
}

START_TEST(rax_model)
{
    srax_t t;
    sid_t keys[600];
    long n = 0;

    srax_init(&t);
    for (int step = 0; step < 4000; step++) {
        sid_t k = random_key();
        long at = model_seek(keys, n, &k, SRAX_GE);
        int present = at >= 0 && sid_cmp(&keys[at], &k) == 0;
        if (rnd(3) && n < 600) {
            srax_leaf_t *old = NULL, *l = srax_insert(&t, &k, (void *)(uintptr_t)(k.ms ^ k.seq), &old);
            ck_assert_int_eq(l == NULL, present);
            if (present) ck_assert(sid_cmp(&old->key, &k) == 0);
            else {
                keys[n++] = k;
                qsort(keys, (size_t)n, sizeof *keys, cmp_sid);
            }
        } else {
            void *v = NULL;
            ck_assert_int_eq(srax_remove(&t, &k, &v), present);
            if (present) {
                ck_assert_ptr_eq(v, (void *)(uintptr_t)(k.ms ^ k.seq));
                memmove(keys + at, keys + at + 1, (size_t)(n - at - 1) * sizeof *keys);
                n--;
            }
        }
        ck_assert_uint_eq(t.count, (size_t)n);
        for (int op = SRAX_GE; op <= SRAX_LT; op++) {
            sid_t q = random_key();
            long want = model_seek(keys, n, &q, op);
            srax_leaf_t *got = srax_seek(&t, &q, op);
            if (want < 0) ck_assert_ptr_null(got);
            else ck_assert(got && sid_cmp(&got->key, &keys[want]) == 0);
        }
        ck_assert_int_eq(srax_find(&t, &k) != NULL, model_seek(keys, n, &k, SRAX_GE) >= 0 &&
                         sid_cmp(&keys[model_seek(keys, n, &k, SRAX_GE)], &k) == 0);
    }
    /* In-order walk both ways. */
    {
        long i = 0;
        for (srax_leaf_t *l = srax_first(&t); l; l = srax_seek(&t, &l->key, SRAX_GT), i++)
            ck_assert(sid_cmp(&l->key, &keys[i]) == 0);
        ck_assert_int_eq(i, n);
        for (srax_leaf_t *l = srax_last(&t); l; l = srax_seek(&t, &l->key, SRAX_LT)) i--;
        ck_assert_int_eq(i, 0);
    }
    srax_clear(&t, NULL);
    ck_assert_ptr_null(srax_first(&t));
}
END_TEST

START_TEST(rax_edges)
{
    srax_t t;
    sid_t zero = {0, 0}, max = {UINT64_MAX, UINT64_MAX}, mid = {5, 5};
    srax_init(&t);
    ck_assert_ptr_null(srax_seek(&t, &mid, SRAX_GE));
    srax_insert(&t, &zero, NULL, NULL);
    srax_insert(&t, &max, NULL, NULL);
    ck_assert_ptr_null(srax_seek(&t, &zero, SRAX_LT));
    ck_assert_ptr_null(srax_seek(&t, &max, SRAX_GT));
    ck_assert(sid_cmp(&srax_seek(&t, &mid, SRAX_GE)->key, &max) == 0);
    ck_assert(sid_cmp(&srax_seek(&t, &mid, SRAX_LE)->key, &zero) == 0);
    ck_assert_int_eq(sid_incr(&max), -1);
    ck_assert_int_eq(sid_decr(&zero), -1);
    srax_clear(&t, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The stream value                                                    */
/* ------------------------------------------------------------------ */

typedef struct model_entry {
    sid_t id;
    int nf;
    char f[3][8], v[3][24];
    int live;
} model_entry_t;

/* Add entry i: fields "a","b" mostly (compressed), sometimes others. */
static void add_entry(stream_t *s, model_entry_t *m, sid_t id, int i)
{
    md_arg_t fv[6];
    m->id = id;
    m->live = 1;
    m->nf = i % 7 == 3 ? 3 : 2;
    for (int j = 0; j < m->nf; j++) {
        snprintf(m->f[j], sizeof m->f[j], i % 7 == 3 ? "x%d" : "%c", i % 7 == 3 ? j : 'a' + j);
        if (j == 1) snprintf(m->v[j], sizeof m->v[j], "%d", i * 10 - 5);   /* integers */
        else snprintf(m->v[j], sizeof m->v[j], "value-%d", i);
        fv[2 * j] = md_str(m->f[j]);
        fv[2 * j + 1] = md_str(m->v[j]);
    }
    sv_append(s, &id, fv, m->nf);
}

/* The stream's entries in [lo, hi] (rev: backwards) equal the model's. */
static void check_range(const stream_t *s, const model_entry_t *m, long n, sid_t lo, sid_t hi,
                        int rev)
{
    sv_iter_t it;
    long i = rev ? n - 1 : 0, seen = 0;
    sv_iter_start(&it, s, &lo, &hi, rev);
    while (sv_iter_next(&it)) {
        while (i >= 0 && i < n && (!m[i].live || sid_cmp(&m[i].id, &lo) < 0 ||
                                   sid_cmp(&m[i].id, &hi) > 0))
            i += rev ? -1 : 1;
        ck_assert(i >= 0 && i < n);
        ck_assert(sid_cmp(&it.e.id, &m[i].id) == 0);
        ck_assert_int_eq(it.e.nf, m[i].nf);
        for (int j = 0; j < m[i].nf; j++) {
            ck_assert_mem_eq(it.e.fv[2 * j].ptr, m[i].f[j], strlen(m[i].f[j]));
            ck_assert_mem_eq(it.e.fv[2 * j + 1].ptr, m[i].v[j], strlen(m[i].v[j]));
            ck_assert_uint_eq(it.e.fv[2 * j + 1].len, strlen(m[i].v[j]));
        }
        seen++;
        i += rev ? -1 : 1;
    }
    sv_iter_done(&it);
    for (; i >= 0 && i < n; i += rev ? -1 : 1)
        ck_assert(!m[i].live || sid_cmp(&m[i].id, &lo) < 0 || sid_cmp(&m[i].id, &hi) > 0);
    (void)seen;
}

/* Every node passes validation and the counts add up to the length. */
static void check_nodes(const stream_t *s)
{
    uint64_t total = 0;
    for (srax_leaf_t *l = srax_first(&s->rax); l; l = srax_seek(&s->rax, &l->key, SRAX_GT)) {
        uint64_t live;
        ck_assert_int_eq(sv_node_check(l->val, &l->key, &live), MD_OK);
        total += live;
    }
    ck_assert_uint_eq(total, s->length);
}

static long model_live(const model_entry_t *m, long n)
{
    long c = 0;
    for (long i = 0; i < n; i++) c += m[i].live;
    return c;
}

START_TEST(value_model)
{
    static model_entry_t m[700];
    stream_t *s = sv_new();
    sid_t all_lo = {0, 0}, all_hi = {UINT64_MAX, UINT64_MAX}, id = {100, 0};
    long n = 0;

    sv_node_max_entries = 7;
    for (int step = 0; step < 2500 && n < 700; step++) {
        int op = (int)rnd(10);
        if (op < 6) {
            id.ms += rnd(3);
            id.seq = rnd(2) ? id.seq + 1 : 0;
            if (sid_cmp(&id, &s->last_id) <= 0) { id = s->last_id; sid_incr(&id); }
            add_entry(s, &m[n], id, (int)n);
            n++;
        } else if (op < 8 && n) {
            long i = (long)rnd((uint64_t)n);
            ck_assert_int_eq(sv_delete(s, &m[i].id), m[i].live);
            m[i].live = 0;
        } else if (op == 8 && n) {
            sv_trim_t t = {.strategy = SV_TRIM_MAXLEN, .approx = (int)rnd(2),
                           .maxlen = (long long)rnd(40) + 20};
            long long before = (long long)s->length, removed = sv_trim(s, &t);
            ck_assert_int_eq((long long)s->length, before - removed);
            if (!t.approx) ck_assert_int_eq((long long)s->length, before < t.maxlen ? before : t.maxlen);
            /* The model loses its oldest live entries. */
            for (long i = 0; i < n && removed; i++)
                if (m[i].live) { m[i].live = 0; removed--; }
        } else if (n) {
            sv_trim_t t = {.strategy = SV_TRIM_MINID, .minid = m[rnd((uint64_t)n)].id};
            sv_trim(s, &t);
            for (long i = 0; i < n && sid_cmp(&m[i].id, &t.minid) < 0; i++) m[i].live = 0;
        }
        ck_assert_uint_eq(s->length, (uint64_t)model_live(m, n));
        if (step % 50 == 0) {
            check_nodes(s);
            check_range(s, m, n, all_lo, all_hi, 0);
            check_range(s, m, n, all_lo, all_hi, 1);
            if (n) {
                sid_t a = m[rnd((uint64_t)n)].id, b = m[rnd((uint64_t)n)].id;
                if (sid_cmp(&a, &b) > 0) { sid_t x = a; a = b; b = x; }
                check_range(s, m, n, a, b, 0);
                check_range(s, m, n, a, b, 1);
            }
        }
    }
    {
        stream_t *d = sv_dup(s);
        check_range(d, m, n, all_lo, all_hi, 0);
        ck_assert_uint_eq(sv_mem(d), sv_mem(s));
        sv_free(d);
    }
    sv_free(s);
}
END_TEST

START_TEST(value_compression_and_split)
{
    stream_t *s = sv_new();
    model_entry_t m[3];
    sid_t id = {1, 1};
    md_lp_t *lp;
    long mnf;
    unsigned char *p;

    add_entry(s, &m[0], id, 0);
    id.seq = 2;
    add_entry(s, &m[1], id, 1);
    id.ms = 2;
    id.seq = 0;
    add_entry(s, &m[2], id, 3);   /* other fields: not compressed */
    ck_assert_uint_eq(s->rax.count, 1);
    lp = srax_first(&s->rax)->val;
    p = first_entry(lp, &mnf);
    ck_assert_int_eq(mnf, 2);
    ck_assert_int_eq(lp_ll(p), SV_FLAG_SAMEFIELDS);             /* entry 0 */
    p = entry_skip(lp, entry_head(lp, p, &srax_first(&s->rax)->key, &(int){0}, &id),
                   SV_FLAG_SAMEFIELDS, mnf);
    ck_assert_int_eq(lp_ll(p), SV_FLAG_SAMEFIELDS);             /* entry 1 */
    p = entry_skip(lp, entry_head(lp, p, &srax_first(&s->rax)->key, &(int){0}, &id),
                   SV_FLAG_SAMEFIELDS, mnf);
    ck_assert_int_eq(lp_ll(p), 0);                              /* entry 2 */
    /* seq delta below the master's: stored as a wrapped delta */
    entry_head(lp, p, &srax_first(&s->rax)->key, &(int){0}, &id);
    ck_assert(id.ms == 2 && id.seq == 0);
    check_nodes(s);
    /* A byte limit splits nodes too. */
    sv_node_max_bytes = 60;
    id.ms = 3;
    add_entry(s, &m[0], id, 4);
    ck_assert_uint_eq(s->rax.count, 2);
    sv_free(s);
}
END_TEST

START_TEST(node_check_rejects)
{
    stream_t *s = sv_new();
    model_entry_t m[2];
    sid_t id = {10, 0};
    srax_leaf_t *l;
    uint64_t live;
    md_lp_t *bad;

    add_entry(s, &m[0], id, 0);
    id.seq = 1;
    add_entry(s, &m[1], id, 1);
    l = srax_first(&s->rax);
    ck_assert_int_eq(sv_node_check(l->val, &l->key, &live), MD_OK);
    ck_assert_uint_eq(live, 2);
    /* flags that are not Redis's */
    bad = md_lp_dup(l->val);
    bad = lp_replace_ll(bad, md_lp_seek(bad, 6), 8, NULL);
    ck_assert_int_eq(sv_node_check(bad, &l->key, &live), MD_ERR);
    md_lp_free(bad);
    /* a wrong lp-count */
    bad = md_lp_dup(l->val);
    bad = lp_replace_ll(bad, md_lp_last(bad), 99, NULL);
    ck_assert_int_eq(sv_node_check(bad, &l->key, &live), MD_ERR);
    md_lp_free(bad);
    /* a wrong live count */
    bad = md_lp_dup(l->val);
    bad = lp_replace_ll(bad, md_lp_first(bad), 3, NULL);
    ck_assert_int_eq(sv_node_check(bad, &l->key, &live), MD_ERR);
    md_lp_free(bad);
    /* truncated: the last element dropped */
    bad = md_lp_dup(l->val);
    bad = md_lp_delete(bad, md_lp_last(bad), NULL);
    ck_assert_int_eq(sv_node_check(bad, &l->key, &live), MD_ERR);
    md_lp_free(bad);
    sv_free(s);
}
END_TEST

START_TEST(groups_copy)
{
    stream_t *s = sv_new(), *d;
    sid_t id = {1, 0}, id2 = {2, 0};
    scg_t *g = scg_create(s, "g", 1, &id, 1);
    scg_consumer_t *c = scg_consumer_create(g, "alice", 5, 10, 20);
    scg_nack_t *n = md_calloc(sizeof *n);

    ck_assert_ptr_null(scg_create(s, "g", 1, &id, 1));
    ck_assert_ptr_nonnull(scg_create(s, "a", 1, &id2, SCG_ENTRIES_READ_UNKNOWN));
    ck_assert_str_eq(s->groups[0]->name, "a");
    ck_assert_ptr_null(scg_consumer_create(g, "alice", 5, 0, 0));
    n->consumer = c;
    n->delivery_count = 3;
    srax_insert(&g->pel, &id, n, NULL);
    srax_insert(&c->pel, &id, n, NULL);
    d = sv_dup(s);
    ck_assert_uint_eq(d->ngroups, 2);
    {
        scg_t *dg = d->groups[1];
        scg_nack_t *dn = srax_first(&dg->pel)->val;
        ck_assert_ptr_ne(dn, n);
        ck_assert_ptr_eq(dn->consumer, dg->cons[0]);
        ck_assert_ptr_eq(srax_first(&dg->cons[0]->pel)->val, dn);
        ck_assert_int_eq(dn->delivery_count, 3);
    }
    ck_assert_uint_eq(sv_mem(d), sv_mem(s));
    sv_free(d);
    sv_free(s);
}
END_TEST

START_TEST(groups_pel_and_lag)
{
    stream_t *s = sv_new();
    model_entry_t m[4];
    sid_t ids[4] = {{1, 0}, {2, 0}, {3, 0}, {4, 0}}, zero = {0, 0};
    scg_t *g;
    scg_consumer_t *a, *b;

    for (int i = 0; i < 4; i++) add_entry(s, &m[i], ids[i], i);
    g = scg_create(s, "g", 1, &zero, 0);
    a = scg_consumer_create(g, "a", 1, 0, -1);
    b = scg_consumer_create(g, "b", 1, 0, -1);
    ck_assert_ptr_eq(scg_find(s, "g", 1), g);
    ck_assert_ptr_null(scg_find(s, "h", 1));
    ck_assert_ptr_eq(scg_consumer_find(g, "b", 1), b);
    /* a new NACK starts at one delivery; reassigning moves it between PELs */
    ck_assert_int_eq(scg_nack_assign(g, &ids[0], a)->delivery_count, 1);
    scg_nack_assign(g, &ids[1], a);
    scg_nack_assign(g, &ids[2], a);
    scg_nack_assign(g, &ids[1], b);
    ck_assert_uint_eq(a->pel.count, 2);
    ck_assert_uint_eq(b->pel.count, 1);
    ck_assert_uint_eq(g->pel.count, 3);
    ck_assert_int_eq(scg_nack_remove(g, &ids[0]), 1);
    ck_assert_int_eq(scg_nack_remove(g, &ids[0]), 0);
    ck_assert_uint_eq(a->pel.count, 1);
    /* deleting a consumer drops its entries from the group's PEL */
    ck_assert_uint_eq(scg_consumer_delete(g, a), 1);
    ck_assert_uint_eq(g->pel.count, 1);
    ck_assert_uint_eq(g->ncons, 1);
    /* lag: exact without tombstones, estimated or unknown with them */
    g->last_id = ids[1];
    g->entries_read = 2;
    ck_assert_int_eq(scg_lag(s, g), 2);
    sv_delete(s, &ids[2]);
    ck_assert_int_eq(scg_range_has_tombstones(s, &g->last_id), 1);
    ck_assert_int_eq(scg_lag(s, g), -1);
    g->last_id = ids[3];
    ck_assert_int_eq(scg_lag(s, g), 2);            /* the counter is trusted */
    g->entries_read = SCG_ENTRIES_READ_UNKNOWN;
    ck_assert_int_eq(scg_lag(s, g), 0);            /* at the last ID: estimated */
    scg_destroy(s, g);
    ck_assert_uint_eq(s->ngroups, 0);
    sv_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stream_encodings");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rax_model);
    tcase_add_test(tc, rax_edges);
    tcase_add_test(tc, value_model);
    tcase_add_test(tc, value_compression_and_split);
    tcase_add_test(tc, node_check_rejects);
    tcase_add_test(tc, groups_copy);
    tcase_add_test(tc, groups_pel_and_lag);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
