/*
 * test_quicklist.c — the lists module's node list (modules/lists/
 * quicklist.c): Redis's fill rules (byte limits and element counts), the
 * listpack <-> quicklist conversion rules, node splitting and merging on
 * inserts, plain nodes, LZF compression of inner nodes with raw windows at
 * both ends, iterators that delete and insert, range deletion, copies,
 * and a randomized model test against a plain array for many fill /
 * compress-depth combinations, checking the structure's invariants
 * (ql_check) after every operation. Every test must free every block.
 *
 * The module only reaches the host through md__api, so this test supplies
 * a malloc-backed md_api_t whose listpack entries are the host's own
 * listpack.c (the code the server hands modules) and whose LZF hooks are
 * liblzf, and compiles quicklist.c directly into itself.
 */
#include "../../modules/lists/quicklist.c"
#include "listpack.h"

#include <check.h>
#include <liblzf/lzf.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_alloc.h"

static void t_log(md_module_t *m, int level, const char *fmt, va_list ap)
{
    (void)m;
    (void)level;
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* The listpack allocator: the same counting malloc. */
static void *la_alloc(void *ud, size_t n) { return t_alloc(ud, n); }
static void *la_realloc(void *ud, void *p, size_t n) { return t_realloc(ud, p, n); }
static void la_free(void *ud, void *p) { t_free(ud, p); }
static const lp_alloc_t LA = {la_alloc, la_realloc, la_free, NULL};

static md_lp_t *w_new(md_module_t *m) { (void)m; return lp_new(&LA); }
static void w_free(md_module_t *m, md_lp_t *lp) { (void)m; lp_free(&LA, lp); }
static md_lp_t *w_insert(md_module_t *m, md_lp_t *lp, const void *s, size_t n,
                         unsigned char *p, int where, unsigned char **newp)
{
    (void)m;
    return lp_insert(&LA, lp, s, n, p, where, newp);
}
static md_lp_t *w_delete(md_module_t *m, md_lp_t *lp, unsigned char *p,
                         unsigned char **nextp)
{
    (void)m;
    return lp_delete(&LA, lp, p, nextp);
}
static md_lp_t *w_delete_range(md_module_t *m, md_lp_t *lp, long index,
                               unsigned long num)
{
    (void)m;
    return lp_delete_range(&LA, lp, index, num);
}
static md_lp_t *w_dup(md_module_t *m, const md_lp_t *lp) { (void)m; return lp_dup(&LA, lp); }
static int w_validate(const unsigned char *b, size_t n) { return lp_validate(b, n) == 0 ? MD_OK : MD_ERR; }

static size_t z_compress(const void *in, size_t n, void *out, size_t cap)
{
    return lzf_compress(in, (unsigned)n, out, (unsigned)cap);
}

static size_t z_decompress(const void *in, size_t n, void *out, size_t cap)
{
    return lzf_decompress(in, (unsigned)n, out, (unsigned)cap);
}

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
    test_api.log = t_log;
    test_api.lp_new = w_new;
    test_api.lp_free = w_free;
    test_api.lp_bytes = lp_bytes;
    test_api.lp_count = lp_count;
    test_api.lp_first = lp_first;
    test_api.lp_last = lp_last;
    test_api.lp_next = lp_next;
    test_api.lp_prev = lp_prev;
    test_api.lp_seek = lp_seek;
    test_api.lp_get = lp_get;
    test_api.lp_insert = w_insert;
    test_api.lp_delete = w_delete;
    test_api.lp_delete_range = w_delete_range;
    test_api.lp_find = lp_find;
    test_api.lp_validate = w_validate;
    test_api.lp_dup = w_dup;
    md__api = &test_api;
    md__self = NULL;
    live_blocks = 0;
    ql_lzf.compress = z_compress;
    ql_lzf.decompress = z_decompress;
}

static void teardown(void)
{
    ck_assert_int_eq(live_blocks, 0);
}

/* ------------------------------------------------------------------ */
/* A model list: an array of owned strings                             */
/* ------------------------------------------------------------------ */

typedef struct model {
    char **v;
    size_t *len;
    size_t n, cap;
} model_t;

static void m_insert(model_t *m, size_t at, const char *s, size_t len)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = realloc(m->v, m->cap * sizeof *m->v);
        m->len = realloc(m->len, m->cap * sizeof *m->len);
    }
    memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof *m->v);
    memmove(m->len + at + 1, m->len + at, (m->n - at) * sizeof *m->len);
    m->v[at] = malloc(len ? len : 1);
    memcpy(m->v[at], s, len);
    m->len[at] = len;
    m->n++;
}

static void m_delete(model_t *m, size_t at, size_t k)
{
    for (size_t i = at; i < at + k; i++) free(m->v[i]);
    memmove(m->v + at, m->v + at + k, (m->n - at - k) * sizeof *m->v);
    memmove(m->len + at, m->len + at + k, (m->n - at - k) * sizeof *m->len);
    m->n -= k;
}

static void m_free(model_t *m)
{
    m_delete(m, 0, m->n);
    free(m->v);
    free(m->len);
    memset(m, 0, sizeof *m);
}

/* The list must hold exactly the model, read both ways, and be sound. */
static void check_same(ql_t *ql, const model_t *m)
{
    ql_iter_t it;
    ql_entry_t e;
    char buf[32];
    size_t i = 0, len;
    const unsigned char *s;

    ck_assert_int_eq(ql_check(ql), 0);
    ck_assert_uint_eq(ql->count, m->n);
    ql_iter_init(&it, ql, 0, 1);
    while (ql_iter_next(&it, &e)) {
        ck_assert_uint_lt(i, m->n);
        s = ql_entry_bytes(&e, buf, &len);
        ck_assert_uint_eq(len, m->len[i]);
        ck_assert(memcmp(s, m->v[i], len) == 0);
        i++;
    }
    ql_iter_done(&it);
    ck_assert_uint_eq(i, m->n);
    ql_iter_init(&it, ql, -1, 0);
    while (ql_iter_next(&it, &e)) {
        ck_assert_uint_gt(i, 0);
        i--;
        s = ql_entry_bytes(&e, buf, &len);
        ck_assert_uint_eq(len, m->len[i]);
        ck_assert(memcmp(s, m->v[i], len) == 0);
    }
    ql_iter_done(&it);
    ck_assert_uint_eq(i, 0);
    ck_assert_int_eq(ql_check(ql), 0);
}

/* A random element: integers, short strings, or longer compressible
 * runs, so that listpacks get integer and string encodings. */
static size_t rand_elem(char *buf, size_t cap)
{
    int kind = rand() % 6;
    size_t n, i;

    if (kind == 0) return (size_t)snprintf(buf, cap, "%d", rand() % 1000 - 500);
    if (kind == 1) return (size_t)snprintf(buf, cap, "%lld", (long long)rand() * rand());
    if (kind == 2) return (size_t)snprintf(buf, cap, "0%d", rand() % 100); /* not an int */
    n = kind == 5 ? (size_t)(rand() % 700) : (size_t)(rand() % 40);
    if (n > cap) n = cap;
    for (i = 0; i < n; i++) buf[i] = (char)('a' + (i / 7 + rand() % 2) % 26);
    return n;
}

/* ------------------------------------------------------------------ */
/* Limits and conversions                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_exceeds_limit)
{
    /* Negative fills: byte limits 4k..64k, counts do not matter. */
    ck_assert(!ql_exceeds_limit(-1, 4096, 100000));
    ck_assert(ql_exceeds_limit(-1, 4097, 1));
    ck_assert(!ql_exceeds_limit(-2, 8192, 1));
    ck_assert(ql_exceeds_limit(-2, 8193, 1));
    ck_assert(!ql_exceeds_limit(-3, 16384, 1));
    ck_assert(!ql_exceeds_limit(-4, 32768, 1));
    ck_assert(!ql_exceeds_limit(-5, 65536, 1));
    ck_assert(ql_exceeds_limit(-5, 65537, 1));
    ck_assert(!ql_exceeds_limit(-100, 65536, 1)); /* clamped to -5 */
    /* Positive fills: counts, with the 8k safety limit. */
    ck_assert(!ql_exceeds_limit(5, 100, 5));
    ck_assert(ql_exceeds_limit(5, 100, 6));
    ck_assert(ql_exceeds_limit(1000, 8193, 2));
    ck_assert(!ql_exceeds_limit(0, 10, 1)); /* 0 means 1 */
    ck_assert(ql_exceeds_limit(0, 10, 2));
}
END_TEST

START_TEST(test_conversion_rules)
{
    ql_t *ql = ql_new(-2, 0);
    char elem[100];
    int i;

    memset(elem, 'x', sizeof elem);
    ck_assert_str_eq(ql_encoding_name(ql), "listpack");
    /* A 100-byte entry takes 103 bytes; Redis checks the listpack's
     * bytes plus the new strings' lengths against 8192: 7 + 103 * 79 + 100
     * is over, so the 80th push converts. */
    for (i = 0; i < 100; i++) {
        ql_conv_grow(ql, -2, sizeof elem, 1);
        if (!ql->lpenc) break;
        ql_push(ql, elem, sizeof elem, 1);
    }
    ck_assert_int_eq(i, 79);
    ck_assert_uint_eq(ql->len, 1);
    ck_assert_uint_eq(ql->head->sz, 7 + 103 * 79);
    ck_assert_str_eq(ql_encoding_name(ql), "quicklist");
    ql_push(ql, elem, sizeof elem, 1);
    for (i = 0; i < 200; i++) ql_push(ql, elem, sizeof elem, 1);
    ck_assert_uint_gt(ql->len, 2);
    for (const ql_node_t *nd = ql->head; nd; nd = nd->next)
        ck_assert_uint_le(nd->sz, 8192);
    ck_assert_int_eq(ql_check(ql), 0);
    /* Shrinking converts back only under half the limit. */
    ql_del_range(ql, 0, ql->count - 60); /* 60 * 102 > 4096 */
    ql_conv_shrink(ql, -2, 1);
    ck_assert_str_eq(ql_encoding_name(ql), "quicklist");
    ql_del_range(ql, 0, 25);
    ql_conv_shrink(ql, -2, 1);
    if (ql->len == 1) ck_assert_str_eq(ql_encoding_name(ql), "listpack");
    ck_assert_int_eq(ql_check(ql), 0);
    ql_free(ql);

    /* Count-limited fill: exactly fill elements per node. */
    ql = ql_new(4, 0);
    ql_conv_grow(ql, 4, 10, 10);
    ck_assert_str_eq(ql_encoding_name(ql), "quicklist");
    for (i = 0; i < 10; i++) ql_push(ql, "a", 1, 1);
    ck_assert_uint_eq(ql->len, 3);
    ck_assert_uint_eq(ql->head->count, 4);
    ck_assert_uint_eq(ql->tail->count, 2);
    ql_free(ql);

    /* Back to listpack: half the limit when shrinking, the full limit for
     * a freshly built list (Redis's LIST_CONV_AUTO after loading). */
    ql = ql_new(6, 0);
    ql_conv_grow(ql, 6, 10, 10);
    for (i = 0; i < 10; i++) ql_push(ql, "a", 1, 1);
    ck_assert_uint_eq(ql->len, 2);
    ql_del_range(ql, 0, 6);
    ck_assert_uint_eq(ql->len, 1);
    ql_conv_shrink(ql, 6, 1); /* 4 > 6 / 2 */
    ck_assert_str_eq(ql_encoding_name(ql), "quicklist");
    ql_conv_shrink(ql, 6, 0);
    ck_assert_str_eq(ql_encoding_name(ql), "listpack");
    ql_free(ql);
}
END_TEST

START_TEST(test_push_pop_ints)
{
    ql_t *ql = ql_new(-2, 0);
    ql_entry_t e;
    char buf[32];
    size_t len;

    ql_push(ql, "12345", 5, 1);
    ql_push(ql, "-7", 2, 0);
    ql_push(ql, "007", 3, 1);
    ck_assert(ql_peek(ql, 0, &e));
    ck_assert_ptr_null(e.s);
    ck_assert_int_eq(e.ll, -7);
    ck_assert(ql_peek(ql, 1, &e));
    ck_assert_ptr_nonnull(e.s);
    ck_assert_uint_eq(e.len, 3);
    ql_pop_discard(ql, 1);
    ck_assert(ql_peek(ql, 1, &e));
    ck_assert(memcmp(ql_entry_bytes(&e, buf, &len), "12345", 5) == 0);
    ck_assert(ql_entry_eq(&e, "12345", 5, 1, 12345));
    ck_assert(!ql_entry_eq(&e, "012345", 6, 0, 0));
    ql_pop_discard(ql, 1);
    ql_pop_discard(ql, 0);
    ck_assert_uint_eq(ql->count, 0);
    ck_assert_ptr_null(ql->head);
    ck_assert(!ql_peek(ql, 0, &e));
    ql_free(ql);
}
END_TEST

START_TEST(test_str2ll)
{
    long long v;

    ck_assert(ql_str2ll("0", 1, &v) && v == 0);
    ck_assert(ql_str2ll("-1", 2, &v) && v == -1);
    ck_assert(ql_str2ll("9223372036854775807", 19, &v) && v == LLONG_MAX);
    ck_assert(ql_str2ll("-9223372036854775808", 20, &v) && v == LLONG_MIN);
    ck_assert(!ql_str2ll("9223372036854775808", 19, &v));
    ck_assert(!ql_str2ll("-0", 2, &v));
    ck_assert(!ql_str2ll("01", 2, &v));
    ck_assert(!ql_str2ll("+1", 2, &v));
    ck_assert(!ql_str2ll("", 0, &v));
    ck_assert(!ql_str2ll("-", 1, &v));
    ck_assert(!ql_str2ll("1 ", 2, &v));
    /* Same rule as the listpack's own. */
    {
        const char *cases[] = {"0", "-0", "12", "0012", "-5", "99999999999999999999",
                               "abc", "18446744073709551615", "-9223372036854775808"};
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            long long a, b;
            size_t n = strlen(cases[i]);
            int x = ql_str2ll(cases[i], n, &a), y = lp_str2ll(cases[i], n, &b);
            ck_assert_int_eq(x, y);
            if (x) ck_assert(a == b);
        }
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Structure                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_insert_splits_and_merges)
{
    ql_t *ql = ql_new(4, 0);
    model_t m = {0};
    ql_iter_t it;
    ql_entry_t e;
    char s[8];
    int i;

    ql->lpenc = 0;
    for (i = 0; i < 8; i++) {
        int n = snprintf(s, sizeof s, "e%d", i);
        ql_push(ql, s, (size_t)n, 1);
        m_insert(&m, m.n, s, (size_t)n);
    }
    ck_assert_uint_eq(ql->len, 2);
    /* Insert in the middle of a full node: split. */
    ql_iter_init(&it, ql, 1, 1);
    ck_assert(ql_iter_next(&it, &e));
    ql_iter_insert(&it, "X", 1, 1);
    ql_iter_done(&it);
    m_insert(&m, 2, "X", 1);
    check_same(ql, &m);
    /* Before the first entry of a full node with a full previous node. */
    ql_iter_init(&it, ql, 0, 1);
    ck_assert(ql_iter_next(&it, &e));
    ql_iter_insert(&it, "Y", 1, 0);
    ql_iter_done(&it);
    m_insert(&m, 0, "Y", 1);
    check_same(ql, &m);
    /* After the last entry. */
    ql_iter_init(&it, ql, -1, 1);
    ck_assert(ql_iter_next(&it, &e));
    ql_iter_insert(&it, "Z", 1, 1);
    ql_iter_done(&it);
    m_insert(&m, m.n, "Z", 1);
    check_same(ql, &m);
    for (const ql_node_t *nd = ql->head; nd; nd = nd->next)
        ck_assert_uint_le(nd->count, 4);
    ql_free(ql);
    m_free(&m);
}
END_TEST

START_TEST(test_replace_and_del_range)
{
    ql_t *ql = ql_new(3, 0);
    model_t m = {0};
    char big[5000];
    int i;

    ql->lpenc = 0;
    for (i = 0; i < 20; i++) {
        char s[8];
        int n = snprintf(s, sizeof s, "%d", i);
        ql_push(ql, s, (size_t)n, 1);
        m_insert(&m, m.n, s, (size_t)n);
    }
    ck_assert(ql_replace(ql, 5, "five", 4));
    m_delete(&m, 5, 1);
    m_insert(&m, 5, "five", 4);
    ck_assert(ql_replace(ql, -1, "last", 4));
    m_delete(&m, m.n - 1, 1);
    m_insert(&m, m.n, "last", 4);
    ck_assert(!ql_replace(ql, 20, "x", 1));
    ck_assert(!ql_replace(ql, -21, "x", 1));
    check_same(ql, &m);
    /* Replacements bigger than the node limit stay in place (Redis). */
    memset(big, 'b', sizeof big);
    ck_assert(ql_replace(ql, 7, big, 3000));
    ck_assert(ql_replace(ql, 8, big, 5000));
    m_delete(&m, 7, 2);
    m_insert(&m, 7, big, 3000);
    m_insert(&m, 8, big, 5000);
    check_same(ql, &m);
    ck_assert_uint_eq(ql_del_range(ql, 2, 10), 10);
    m_delete(&m, 2, 10);
    check_same(ql, &m);
    ck_assert_uint_eq(ql_del_range(ql, -3, 100), 3);
    m_delete(&m, m.n - 3, 3);
    check_same(ql, &m);
    ck_assert_uint_eq(ql_del_range(ql, 100, 1), 0);
    ck_assert_uint_eq(ql_del_range(ql, -100, 1), 0);
    ck_assert_uint_eq(ql_del_range(ql, 0, 0), 0);
    ck_assert_uint_eq(ql_del_range(ql, 0, 1000), m.n);
    m_delete(&m, 0, m.n);
    check_same(ql, &m);
    ck_assert_uint_eq(ql->len, 0);
    ql_free(ql);
    m_free(&m);
}
END_TEST

START_TEST(test_plain_nodes)
{
    ql_t *ql = ql_new(-2, 0);
    model_t m = {0};
    ql_iter_t it;
    ql_entry_t e;
    unsigned char *p;
    ql_t *cp;

    ql->lpenc = 0;
    ql_push(ql, "a", 1, 1);
    m_insert(&m, 0, "a", 1);
    p = md_alloc(5);
    memcpy(p, "PLAIN", 5);
    ql_append_plain(ql, p, 5);
    m_insert(&m, 1, "PLAIN", 5);
    ql_push(ql, "b", 1, 1);
    m_insert(&m, 2, "b", 1);
    check_same(ql, &m);
    ck_assert_uint_eq(ql->len, 3);
    /* Insert around the plain node: new packed nodes, or the neighbour. */
    ql_iter_init(&it, ql, 1, 1);
    ck_assert(ql_iter_next(&it, &e));
    ck_assert_uint_eq(e.len, 5);
    ql_iter_insert(&it, "before", 6, 0);
    ql_iter_done(&it);
    m_insert(&m, 1, "before", 6);
    check_same(ql, &m);
    ql_iter_init(&it, ql, 2, 1);
    ck_assert(ql_iter_next(&it, &e));
    ql_iter_insert(&it, "after", 5, 1);
    ql_iter_done(&it);
    m_insert(&m, 3, "after", 5);
    check_same(ql, &m);
    cp = ql_dup(ql);
    check_same(cp, &m);
    ql_free(cp);
    /* Replace the plain element with a small one, then delete. */
    ck_assert(ql_replace(ql, 2, "small", 5));
    m_delete(&m, 2, 1);
    m_insert(&m, 2, "small", 5);
    check_same(ql, &m);
    p = md_alloc(3);
    memcpy(p, "XYZ", 3);
    ql_append_plain(ql, p, 3);
    m_insert(&m, m.n, "XYZ", 3);
    ql_iter_init(&it, ql, -1, 0);
    ck_assert(ql_iter_next(&it, &e));
    ql_iter_delete(&it);
    ql_iter_done(&it);
    m_delete(&m, m.n - 1, 1);
    check_same(ql, &m);
    ql_free(ql);
    m_free(&m);
}
END_TEST

START_TEST(test_iter_delete_both_ways)
{
    for (int fwd = 0; fwd <= 1; fwd++) {
        ql_t *ql = ql_new(3, 0);
        model_t m = {0};
        ql_iter_t it;
        ql_entry_t e;
        size_t i, kept;

        ql->lpenc = 0;
        for (i = 0; i < 30; i++) {
            const char *s = i % 3 == 0 ? "x" : "y";
            ql_push(ql, s, 1, 1);
            m_insert(&m, m.n, s, 1);
        }
        ql_iter_init(&it, ql, fwd ? 0 : -1, fwd);
        while (ql_iter_next(&it, &e))
            if (e.s && e.s[0] == 'x') ql_iter_delete(&it);
        ql_iter_done(&it);
        for (i = 0, kept = 0; i < m.n; i++)
            if (m.v[i][0] == 'x') m_delete(&m, i--, 1);
            else kept++;
        ck_assert_uint_eq(kept, 20);
        check_same(ql, &m);
        /* Delete everything. */
        ql_iter_init(&it, ql, fwd ? 0 : -1, fwd);
        while (ql_iter_next(&it, &e)) ql_iter_delete(&it);
        ql_iter_done(&it);
        m_delete(&m, 0, m.n);
        check_same(ql, &m);
        ql_free(ql);
        m_free(&m);
    }
}
END_TEST

START_TEST(test_compression_windows)
{
    ql_t *ql = ql_new(-1, 2);
    model_t m = {0};
    char s[200];
    int i, compressed = 0;
    const ql_node_t *nd;
    ql_t *cp;

    ql->lpenc = 0;
    for (i = 0; i < 1000; i++) {
        int n = snprintf(s, sizeof s, "element-%05d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i);
        ql_push(ql, s, (size_t)n, 1);
        m_insert(&m, m.n, s, (size_t)n);
    }
    ck_assert_uint_gt(ql->len, 6);
    for (nd = ql->head; nd; nd = nd->next) compressed += nd->lzf;
    ck_assert_int_eq(compressed, (int)ql->len - 4);
    check_same(ql, &m);
    /* Reading inner nodes leaves them compressed again. */
    compressed = 0;
    for (nd = ql->head; nd; nd = nd->next) compressed += nd->lzf;
    ck_assert_int_eq(compressed, (int)ql->len - 4);
    /* Persisted bytes are the raw listpack. */
    nd = ql->head->next->next->next;
    {
        unsigned char *b;
        ck_assert(nd->lzf);
        b = lzf_expand(nd);
        ck_assert_ptr_nonnull(b);
        ck_assert_int_eq(lp_validate(b, nd->sz), 0);
        md_free(b);
    }
    cp = ql_dup(ql);
    check_same(cp, &m);
    ql_free(cp);
    /* Pops move nodes into the windows: they are decompressed. */
    ql_del_range(ql, 0, 450);
    m_delete(&m, 0, 450);
    check_same(ql, &m);
    ql_free(ql);
    m_free(&m);
}
END_TEST

START_TEST(test_mem_usage)
{
    ql_t *ql = ql_new(-2, 0);
    size_t a, b;
    int i;

    a = ql_mem_usage(ql, 0);
    ck_assert_uint_gt(a, 0);
    for (i = 0; i < 1000; i++) ql_push(ql, "hello world", 11, 1);
    b = ql_mem_usage(ql, 0);
    ck_assert_uint_gt(b, a + 11000);
    ck_assert_uint_gt(ql_mem_usage(ql, 5), a);
    ql_free(ql);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Randomized model test                                               */
/* ------------------------------------------------------------------ */

static void random_ops(int fill, int compress, unsigned seed, int ops)
{
    ql_t *ql = ql_new(fill, compress);
    model_t m = {0};
    char buf[800];

    srand(seed);
    for (int op = 0; op < ops; op++) {
        int r = rand() % 100;
        size_t n;

        if (r < 30 || m.n < 5) {                    /* push */
            int tail = rand() % 2;
            n = rand_elem(buf, sizeof buf);
            ql_conv_grow(ql, fill, n, 1);
            ql_push(ql, buf, n, tail);
            m_insert(&m, tail ? m.n : 0, buf, n);
        } else if (r < 45) {                        /* pop */
            int tail = rand() % 2;
            ql_pop_discard(ql, tail);
            m_delete(&m, tail ? m.n - 1 : 0, 1);
            ql_conv_shrink(ql, fill, 1);
        } else if (r < 55) {                        /* insert via iterator */
            size_t at = (size_t)rand() % m.n;
            int after = rand() % 2;
            ql_iter_t it;
            ql_entry_t e;
            n = rand_elem(buf, sizeof buf);
            ql_conv_grow(ql, fill, n, 1);
            ql_iter_init(&it, ql, (long long)at, rand() % 2);
            ck_assert(ql_iter_next(&it, &e));
            ql_iter_insert(&it, buf, n, after);
            ql_iter_done(&it);
            m_insert(&m, at + (size_t)after, buf, n);
        } else if (r < 65) {                        /* replace */
            long long at = rand() % (long long)m.n;
            if (rand() % 2) at -= (long long)m.n;
            n = rand_elem(buf, sizeof buf);
            ql_conv_grow(ql, fill, n, 1);
            ck_assert(ql_replace(ql, at, buf, n));
            if (at < 0) at += (long long)m.n;
            m_delete(&m, (size_t)at, 1);
            m_insert(&m, (size_t)at, buf, n);
            ql_conv_shrink(ql, fill, 1);
        } else if (r < 72) {                        /* delete a range */
            size_t at = (size_t)rand() % m.n, k = (size_t)rand() % 20;
            size_t done = ql_del_range(ql, (long long)at, k);
            if (k > m.n - at) k = m.n - at;
            ck_assert_uint_eq(done, k);
            m_delete(&m, at, k);
            ql_conv_shrink(ql, fill, 1);
        } else if (r < 80) {                        /* LREM-like */
            ql_iter_t it;
            ql_entry_t e;
            int fwd = rand() % 2;
            size_t i = fwd ? 0 : m.n, limit = (size_t)rand() % 4;
            size_t removed = 0;
            ql_iter_init(&it, ql, fwd ? 0 : -1, fwd);
            while (ql_iter_next(&it, &e)) {
                if (!fwd) i--;
                /* delete entries whose model string is short */
                if (m.len[i] < 3) {
                    ql_iter_delete(&it);
                    m_delete(&m, i, 1);
                    removed++;
                    if (limit && removed == limit) break;
                } else if (fwd) {
                    i++;
                }
            }
            ql_iter_done(&it);
            ql_conv_shrink(ql, fill, 1);
        } else if (r < 83) {                        /* copy */
            ql_t *cp = ql_dup(ql);
            check_same(cp, &m);
            ql_free(ql);
            ql = cp;
        } else if (r < 85 && m.n > 300) {           /* trim */
            size_t k = m.n - 50;
            ql_del_range(ql, 0, k);
            m_delete(&m, 0, k);
            ql_conv_shrink(ql, fill, 1);
        } else {                                    /* read at an index */
            long long at = rand() % (long long)m.n;
            ql_iter_t it;
            ql_entry_t e;
            char ib[32];
            size_t len;
            const unsigned char *s;
            ql_iter_init(&it, ql, at, 1);
            ck_assert(ql_iter_next(&it, &e));
            s = ql_entry_bytes(&e, ib, &len);
            ck_assert_uint_eq(len, m.len[at]);
            ck_assert(memcmp(s, m.v[at], len) == 0);
            ql_iter_done(&it);
        }
        if (op % 16 == 0) check_same(ql, &m);
        else ck_assert_int_eq(ql_check(ql), 0);
    }
    check_same(ql, &m);
    ql_free(ql);
    m_free(&m);
}

static const struct { int fill, compress; } configs[] = {
    {-2, 0}, {-1, 0}, {-5, 0}, {1, 0}, {2, 0}, {5, 0}, {0, 0}, {128, 0},
    {-1, 1}, {-2, 2}, {3, 1}, {2, 3}, {-1, 4},
};

START_TEST(test_random_model)
{
    int i = _i;
    random_ops(configs[i].fill, configs[i].compress, 1234u + (unsigned)i, 6000);
}
END_TEST

START_TEST(test_random_model_no_lzf)
{
    ql_lzf.compress = NULL;
    ql_lzf.decompress = NULL;
    random_ops(-1, 2, 99, 3000);
}
END_TEST

static Suite *quicklist_suite(void)
{
    Suite *s = suite_create("quicklist");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_exceeds_limit);
    tcase_add_test(tc, test_conversion_rules);
    tcase_add_test(tc, test_push_pop_ints);
    tcase_add_test(tc, test_str2ll);
    tcase_add_test(tc, test_insert_splits_and_merges);
    tcase_add_test(tc, test_replace_and_del_range);
    tcase_add_test(tc, test_plain_nodes);
    tcase_add_test(tc, test_iter_delete_both_ways);
    tcase_add_test(tc, test_compression_windows);
    tcase_add_test(tc, test_mem_usage);
    tcase_add_loop_test(tc, test_random_model, 0,
                        (int)(sizeof configs / sizeof configs[0]));
    tcase_add_test(tc, test_random_model_no_lzf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(quicklist_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
