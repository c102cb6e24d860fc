/*
 * test_hash_encodings.c — the hashes module's encodings: the listpack and
 * listpackex layouts (order, TTL sorting, expiry, validation of untrusted
 * blobs), the hash table (growth and shrinking, the TTL heap, full scans
 * across resizes, random picks, copies), the conversions between them
 * (thresholds, one-way), and a randomized model test that runs a random
 * mix of operations on both encodings against a plain in-test dictionary.
 *
 * The module only reaches the host through md__api, so the test installs
 * a stand-in table (hash_stub.h) and compiles the encoding files in.
 */
#include "hash_stub.h"
#include "../../modules/hashes/hash_listpack.c"
#include "../../modules/hashes/hash_table.c"
#include "../../modules/hashes/hash_value.c"

#include <check.h>
#include <stdio.h>

static void setup(void)
{
    stub_install();
    hv_max_entries = 512;
    hv_max_value = 64;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

/* The bytes of an element as a NUL-terminated string in buf. */
static const char *str(const hx_t *x, char *buf)
{
    char ib[HX_BUF];
    md_arg_t a = hx_bytes(x, ib);
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = '\0';
    return buf;
}

static const char *get(void *h, const char *f, char *buf)
{
    hx_t v;
    if (!hv_get(h, f, strlen(f), &v, NULL)) return NULL;
    return str(&v, buf);
}

static void set(void **hp, const char *f, const char *v)
{
    hv_set(hp, f, strlen(f), v, strlen(v), 0);
}

/* ------------------------------------------------------------------ */
/* listpack                                                            */
/* ------------------------------------------------------------------ */

START_TEST(lp_pairs_in_order)
{
    void *h = hv_new();
    char buf[128];
    int ins;

    ck_assert_int_eq(hv_set(&h, "a", 1, "1", 1, 0), 1);
    ck_assert_int_eq(hv_set(&h, "b", 1, "hello", 5, 0), 1);
    ck_assert_int_eq(hv_set(&h, "123", 3, "-7", 2, 0), 1);
    ck_assert_int_eq(hv_set(&h, "a", 1, "one", 3, 0), 0);
    ck_assert_int_eq(hv_enc(h), HV_LP);
    ck_assert_int_eq(hv_len(h), 3);
    ck_assert_str_eq(get(h, "a", buf), "one");
    ck_assert_str_eq(get(h, "123", buf), "-7");
    ck_assert_ptr_null(get(h, "zz", buf));

    /* Iteration is insertion order, integers come back as integers. */
    hv_iter_t it;
    hx_t f, v;
    const char *order[] = {"a", "b", "123"};
    int i = 0;
    hv_iter_init(&it, h);
    while (hv_iter_next(&it, &f, &v, NULL)) ck_assert_str_eq(str(&f, buf), order[i++]);
    ck_assert_int_eq(i, 3);
    hv_iter_init(&it, h);
    hv_iter_next(&it, &f, &v, NULL);
    hv_iter_next(&it, &f, &v, NULL);
    hv_iter_next(&it, &f, &v, NULL);
    ck_assert_ptr_null(f.p);
    ck_assert_int_eq(f.ll, 123);

    ck_assert_int_eq(hv_del(&h, "b", 1), 1);
    ck_assert_int_eq(hv_del(&h, "b", 1), 0);
    ck_assert_int_eq(hv_len(h), 2);
    (void)ins;
    hv_free(h);
}
END_TEST

/* The TTL entry of each triplet, in listpack order. */
static int ttl_order(md_lp_t *lp, int64_t *out, int max)
{
    int n = 0;
    unsigned char *p = md_lp_first(lp);
    while (p && n < max) {
        out[n++] = hlp_ttl(lp, p);
        p = md_lp_next(lp, md_lp_next(lp, md_lp_next(lp, p)));
    }
    return n;
}

START_TEST(lpex_sorted_by_ttl)
{
    void *h = hv_new();
    int64_t t[8];
    char buf[64];

    set(&h, "a", "1");
    set(&h, "b", "2");
    set(&h, "c", "3");
    set(&h, "d", "4");
    hv_set_ttl(&h, "c", 1, 3000);
    ck_assert_int_eq(hv_enc(h), HV_LPEX);
    hv_set_ttl(&h, "a", 1, 5000);
    hv_set_ttl(&h, "d", 1, 1000);
    ck_assert_int_eq(ttl_order(hv_listpack(h), t, 8), 4);
    ck_assert_int_eq(t[0], 1000);
    ck_assert_int_eq(t[1], 3000);
    ck_assert_int_eq(t[2], 5000);
    ck_assert_int_eq(t[3], 0);
    ck_assert_int_eq(hv_min_ttl(h), 1000);

    /* HSET drops the TTL and moves the field to the end; HINCRBY-style
     * keepttl keeps both. */
    set(&h, "d", "40");
    ck_assert_int_eq(hv_min_ttl(h), 3000);
    hv_set(&h, "c", 1, "30", 2, 1);
    int64_t at;
    hx_t v;
    ck_assert(hv_get(h, "c", 1, &v, &at));
    ck_assert_int_eq(at, 3000);
    ck_assert_str_eq(str(&v, buf), "30");
    /* Persist moves to the end. */
    hv_set_ttl(&h, "c", 1, 0);
    ck_assert_int_eq(hv_min_ttl(h), 5000);
    ttl_order(hv_listpack(h), t, 8);
    ck_assert_int_eq(t[0], 5000);
    ck_assert_int_eq(t[3], 0);
    ck_assert_int_eq(hv_len(h), 4);
    hv_free(h);
}
END_TEST

static int expired_seen;
static void count_cb(void *priv, const hx_t *f)
{
    (void)priv;
    (void)f;
    expired_seen++;
}

START_TEST(lpex_expire_leading)
{
    void *h = hv_new();
    char buf[16];
    for (int i = 0; i < 10; i++) {
        snprintf(buf, sizeof buf, "f%d", i);
        set(&h, buf, "v");
        if (i % 2 == 0) hv_set_ttl(&h, buf, strlen(buf), 1000 + i);
    }
    expired_seen = 0;
    ck_assert_int_eq(hv_expire(&h, 1004, 0, 100, count_cb, NULL), 2); /* 1000, 1002 */
    ck_assert_int_eq(expired_seen, 2);
    ck_assert_int_eq(hv_expire(&h, 1004, 1, 100, NULL, NULL), 1);     /* 1004 */
    ck_assert_int_eq(hv_expire(&h, 9999, 1, 1, NULL, NULL), 1);       /* quota */
    ck_assert_int_eq(hv_len(h), 6);
    ck_assert_int_eq(hv_min_ttl(h), 1008);
    ck_assert_int_eq(hv_expire(&h, 9999, 1, 100, NULL, NULL), 1);
    ck_assert_int_eq(hv_min_ttl(h), -1);
    ck_assert_int_eq(hv_len(h), 5);
    hv_free(h);
}
END_TEST

START_TEST(lp_check_untrusted)
{
    md_lp_t *lp = md_lp_new();
    size_t maxlen;
    int sorted;

    lp = md_lp_append(lp, "a", 1);
    ck_assert_int_eq(hlp_check(lp, 2, NULL, &maxlen), MD_ERR); /* odd */
    lp = md_lp_append(lp, "xyz", 3);
    ck_assert_int_eq(hlp_check(lp, 2, NULL, &maxlen), MD_OK);
    ck_assert_int_eq(maxlen, 3);
    lp = md_lp_append(lp, "a", 1);
    lp = md_lp_append(lp, "b", 1);
    ck_assert_int_eq(hlp_check(lp, 2, NULL, &maxlen), MD_ERR); /* dup */
    md_lp_free(lp);

    /* Triplets: TTLs must be integers >= 0; order is reported. */
    lp = md_lp_new();
    const char *tri[] = {"f1", "v", "0", "f2", "v", "500", "f3", "v", "100"};
    for (int i = 0; i < 9; i++) lp = md_lp_append(lp, tri[i], strlen(tri[i]));
    ck_assert_int_eq(hlp_check(lp, 3, &sorted, &maxlen), MD_OK);
    ck_assert_int_eq(sorted, 0);
    lp = hlp_sort_ex(lp);
    ck_assert_int_eq(hlp_check(lp, 3, &sorted, &maxlen), MD_OK);
    ck_assert_int_eq(sorted, 1);
    ck_assert_int_eq(hlp_min_ttl(lp), 100);
    lp = md_lp_append(lp, "f4", 2);
    lp = md_lp_append(lp, "v", 1);
    lp = md_lp_append(lp, "soon", 4);
    ck_assert_int_eq(hlp_check(lp, 3, &sorted, &maxlen), MD_ERR);
    md_lp_free(lp);
}
END_TEST

/* ------------------------------------------------------------------ */
/* hash table                                                          */
/* ------------------------------------------------------------------ */

START_TEST(ht_grow_shrink_find)
{
    ht_t *t = ht_new(0);
    char k[32], v[32];
    size_t vn;

    for (int i = 0; i < 20000; i++) {
        int kn = snprintf(k, sizeof k, "key:%d", i);
        int n = snprintf(v, sizeof v, "val:%d", i * 7);
        ck_assert_int_eq(ht_set(t, k, (size_t)kn, v, (size_t)n, 0), 1);
    }
    ck_assert_int_eq(ht_len(t), 20000);
    for (int i = 0; i < 20000; i += 3) {
        int kn = snprintf(k, sizeof k, "key:%d", i);
        ht_entry_t *e = ht_find(t, k, (size_t)kn);
        ck_assert_ptr_nonnull(e);
        snprintf(v, sizeof v, "val:%d", i * 7);
        const char *got = ht_value(e, &vn);
        ck_assert_int_eq(vn, strlen(v));
        ck_assert(memcmp(got, v, vn) == 0);
    }
    /* Updates: shorter, much longer. */
    ck_assert_int_eq(ht_set(t, "key:5", 5, "x", 1, 0), 0);
    char big[1000];
    memset(big, 'b', sizeof big);
    ck_assert_int_eq(ht_set(t, "key:6", 5, big, sizeof big, 0), 0);
    ck_assert_int_eq(ht_value(ht_find(t, "key:6", 5), &vn)[999], 'b');
    ck_assert_int_eq(vn, 1000);
    for (int i = 0; i < 19990; i++) {
        int kn = snprintf(k, sizeof k, "key:%d", i);
        ck_assert_int_eq(ht_delete(t, k, (size_t)kn), 1);
    }
    ck_assert_int_eq(ht_delete(t, "key:1", 5), 0);
    ck_assert_int_eq(ht_len(t), 10);
    /* Shrunk: lookups finish any pending incremental rehash. */
    for (int i = 0; i < 1000; i++) ck_assert_ptr_nonnull(ht_find(t, "key:19995", 9));
    ck_assert_uint_lt(ht_mem(t), 2048);
    ht_free(t);
}
END_TEST

START_TEST(ht_ttl_heap_matches_model)
{
    enum { N = 500 };
    ht_t *t = ht_new(0);
    int64_t model[N];
    int present[N];
    char k[16];

    srand(7);
    memset(model, 0, sizeof model);
    memset(present, 0, sizeof present);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N, op = rand() % 5;
        int kn = snprintf(k, sizeof k, "k%d", i);
        if (op == 0) {
            ht_set(t, k, (size_t)kn, "v", 1, rand() % 2);
            if (!present[i] || ht_ttl(ht_find(t, k, (size_t)kn)) == 0) model[i] = 0;
            present[i] = 1;
        } else if (op == 1 && present[i]) {
            int64_t at = 1 + rand() % 100000;
            ht_set_ttl(t, k, (size_t)kn, at);
            model[i] = at;
        } else if (op == 2 && present[i]) {
            ht_set_ttl(t, k, (size_t)kn, 0);
            model[i] = 0;
        } else if (op == 3) {
            ck_assert_int_eq(ht_delete(t, k, (size_t)kn), present[i]);
            present[i] = 0;
            model[i] = 0;
        } else if (op == 4 && present[i]) {
            char val[300];
            int vn = rand() % 300;
            memset(val, 'a' + step % 26, (size_t)vn);
            ht_set(t, k, (size_t)kn, val, (size_t)vn, 1); /* keep the TTL */
        }
        if (step % 97 == 0) {
            int64_t min = 0;
            size_t withttl = 0;
            for (int j = 0; j < N; j++) {
                if (!present[j] || !model[j]) continue;
                withttl++;
                if (min == 0 || model[j] < min) min = model[j];
                kn = snprintf(k, sizeof k, "k%d", j);
                ck_assert_int_eq(ht_ttl(ht_find(t, k, (size_t)kn)), model[j]);
            }
            ck_assert_int_eq(ht_ttl_count(t), withttl);
            ht_entry_t *e = ht_min_ttl_entry(t);
            ck_assert_int_eq(e ? ht_ttl(e) : 0, min);
        }
    }
    ht_free(t);
}
END_TEST

/* The number in a key "k<n>" (keys are not NUL-terminated). */
static int key_num(const ht_entry_t *e)
{
    char buf[32];
    size_t n;
    const char *k = ht_key(e, &n);
    memcpy(buf, k, n);
    buf[n] = '\0';
    return atoi(buf + 1);
}

static void scan_mark(void *priv, const ht_entry_t *e)
{
    unsigned char *seen = priv;
    seen[key_num(e)] = 1;
}

START_TEST(ht_scan_covers_across_resizes)
{
    ht_t *t = ht_new(0);
    static unsigned char seen[5000];
    char k[16];
    uint64_t cursor = 0;
    int calls = 0;

    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 1000; i++) {
        int kn = snprintf(k, sizeof k, "k%d", i);
        ht_set(t, k, (size_t)kn, "", 0, 0);
    }
    do {
        cursor = ht_scan(t, cursor, scan_mark, seen);
        /* Grow the table mid-scan, then shrink it. */
        if (++calls == 50)
            for (int i = 1000; i < 5000; i++) {
                int kn = snprintf(k, sizeof k, "k%d", i);
                ht_set(t, k, (size_t)kn, "", 0, 0);
            }
        if (calls == 2000)
            for (int i = 1000; i < 5000; i++) {
                int kn = snprintf(k, sizeof k, "k%d", i);
                ht_delete(t, k, (size_t)kn);
            }
    } while (cursor != 0);
    for (int i = 0; i < 1000; i++) ck_assert_msg(seen[i], "k%d not returned", i);
    ht_free(t);
}
END_TEST

START_TEST(ht_random_and_dup)
{
    ht_t *t = ht_new(0), *d;
    char k[16];
    int hits[100] = {0};

    for (int i = 0; i < 100; i++) {
        int kn = snprintf(k, sizeof k, "k%d", i);
        ht_add_new(t, k, (size_t)kn, k, (size_t)kn, i % 3 ? 0 : 1000 + i);
    }
    for (int i = 0; i < 10000; i++) {
        hits[key_num(ht_random(t))]++;
    }
    for (int i = 0; i < 100; i++) ck_assert_int_gt(hits[i], 0);
    d = ht_dup(t);
    ck_assert_int_eq(ht_len(d), 100);
    ck_assert_int_eq(ht_ttl_count(d), 34);
    ck_assert_int_eq(ht_ttl(ht_min_ttl_entry(d)), 1000);
    ht_iter_t it;
    ht_entry_t *e;
    ht_iter_init(&it, t);
    while ((e = ht_iter_next(&it)) != NULL) {
        size_t kn, vn, vn2;
        const char *key = ht_key(e, &kn);
        ht_entry_t *o = ht_find(d, key, kn);
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(ht_ttl(o), ht_ttl(e));
        const char *a = ht_value(o, &vn), *b = ht_value(e, &vn2);
        ck_assert_int_eq(vn, vn2);
        ck_assert(memcmp(a, b, vn) == 0);
    }
    ht_free(t);
    ht_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* conversions                                                         */
/* ------------------------------------------------------------------ */

START_TEST(convert_on_entries_and_value)
{
    void *h = hv_new();
    char f[16], buf[128];

    hv_max_entries = 4;
    hv_max_value = 8;
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "f%d", i);
        set(&h, f, "v");
    }
    ck_assert_str_eq(hv_encoding_name(h), "listpack");
    set(&h, "f4", "v");
    ck_assert_str_eq(hv_encoding_name(h), "hashtable");
    /* One-way: deleting does not go back. */
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "f%d", i);
        hv_del(&h, f, strlen(f));
    }
    ck_assert_str_eq(hv_encoding_name(h), "hashtable");
    ck_assert_str_eq(get(h, "f4", buf), "v");
    hv_free(h);

    h = hv_new();
    set(&h, "a", "12345678");
    ck_assert_str_eq(hv_encoding_name(h), "listpack");
    set(&h, "b", "123456789");
    ck_assert_str_eq(hv_encoding_name(h), "hashtable");
    ck_assert_str_eq(get(h, "a", buf), "12345678");
    hv_free(h);

    /* HSET's up-front check: too many pairs converts even if they repeat. */
    h = hv_new();
    md_arg_t argv[12];
    for (int i = 0; i < 12; i++) argv[i] = (md_arg_t){"x", 1};
    hv_try_convert(&h, argv, 0, 11);
    ck_assert_str_eq(hv_encoding_name(h), "hashtable");
    hv_free(h);
    h = hv_new();
    hv_try_convert(&h, argv, 0, 7);
    ck_assert_str_eq(hv_encoding_name(h), "listpack");
    hv_free(h);
}
END_TEST

START_TEST(convert_lpex_keeps_ttls)
{
    void *h = hv_new();
    char f[16];
    int64_t at;

    hv_max_entries = 8;
    for (int i = 0; i < 8; i++) {
        snprintf(f, sizeof f, "f%d", i);
        set(&h, f, "v");
        hv_set_ttl(&h, f, strlen(f), 100 + (7 - i));
    }
    ck_assert_str_eq(hv_encoding_name(h), "listpackex");
    set(&h, "plain", "v");
    ck_assert_str_eq(hv_encoding_name(h), "hashtable");
    ck_assert_int_eq(hv_min_ttl(h), 100);
    ck_assert(hv_get(h, "f3", 2, NULL, &at));
    ck_assert_int_eq(at, 104);
    ck_assert(hv_get(h, "plain", 5, NULL, &at));
    ck_assert_int_eq(at, 0);
    ck_assert_int_eq(hv_expire(&h, 103, 1, 100, NULL, NULL), 4);
    ck_assert_int_eq(hv_len(h), 5);
    void *d = hv_dup(h);
    ck_assert_int_eq(hv_len(d), 5);
    ck_assert_int_eq(hv_min_ttl(d), 104);
    hv_free(d);
    hv_free(h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* randomized model test                                               */
/* ------------------------------------------------------------------ */

#define MF 60 /* field universe */

typedef struct model {
    int present[MF];
    char val[MF][80];
    int64_t ttl[MF];
} model_t;

static void field_name(int i, char *buf)
{
    /* Short names, integer-looking names and long names. */
    if (i % 3 == 0) sprintf(buf, "%d", i * 1001 - 5000);
    else if (i % 7 == 0) sprintf(buf, "long-field-name-%d-%s", i, "xxxxxxxxxxxxxxxxxxxxxxxxxx");
    else sprintf(buf, "f%d", i);
}

static void check_model(void *h, model_t *m)
{
    size_t n = 0;
    char f[128], buf[128];
    int64_t min = -1;
    for (int i = 0; i < MF; i++) {
        hx_t v;
        int64_t at;
        field_name(i, f);
        int found = hv_get(h, f, strlen(f), &v, &at);
        ck_assert_int_eq(found, m->present[i]);
        if (!found) continue;
        n++;
        ck_assert_str_eq(str(&v, buf), m->val[i]);
        ck_assert_int_eq(at, m->ttl[i]);
        if (m->ttl[i] && (min < 0 || m->ttl[i] < min)) min = m->ttl[i];
    }
    ck_assert_int_eq(hv_len(h), n);
    ck_assert_int_eq(hv_min_ttl(h), min);
    /* Iteration sees every field once. */
    hv_iter_t it;
    hx_t fx, vx;
    size_t seen = 0;
    hv_iter_init(&it, h);
    while (hv_iter_next(&it, &fx, &vx, NULL)) seen++;
    ck_assert_int_eq(seen, n);
}

static int saw_lp, saw_lpex, saw_ht;

static void run_model(unsigned seed, long long max_entries, long long max_value)
{
    model_t m;
    void *h = NULL;
    int64_t now = 1000;
    char f[128], v[80];
    hv_max_entries = max_entries;
    hv_max_value = max_value;
    memset(&m, 0, sizeof m);
    srand(seed);
    for (int step = 0; step < 6000; step++) {
        int i = rand() % MF, op = rand() % 10;
        field_name(i, f);
        if (h == NULL) h = hv_new();
        if (op <= 3) { /* HSET / HINCRBY-like keepttl */
            int len = rand() % 4 == 0 ? rand() % 70 : rand() % 6;
            if (rand() % 3 == 0) len = sprintf(v, "%d", rand() % 100000 - 50000);
            else {
                for (int j = 0; j < len; j++) v[j] = (char)('a' + rand() % 26);
                v[len] = '\0';
            }
            int keep = op == 3;
            int r = hv_set(&h, f, strlen(f), v, strlen(v), keep);
            ck_assert_int_eq(r, !m.present[i]);
            if (!m.present[i] || !keep) m.ttl[i] = 0;
            m.present[i] = 1;
            strcpy(m.val[i], v);
        } else if (op == 4) {
            ck_assert_int_eq(hv_del(&h, f, strlen(f)), m.present[i]);
            m.present[i] = 0;
        } else if (op == 5 || op == 6) {
            if (m.present[i]) {
                int64_t at = now + 1 + rand() % 50;
                hv_set_ttl(&h, f, strlen(f), at);
                m.ttl[i] = at;
            }
        } else if (op == 7) {
            if (m.present[i]) {
                hv_set_ttl(&h, f, strlen(f), 0);
                m.ttl[i] = 0;
            }
        } else if (op == 8) {
            now += rand() % 10;
            size_t expect = 0;
            for (int j = 0; j < MF; j++)
                if (m.present[j] && m.ttl[j] && m.ttl[j] < now) {
                    m.present[j] = 0;
                    expect++;
                }
            ck_assert_int_eq(hv_expire(&h, now, 0, (size_t)-1, NULL, NULL), expect);
        } else {
            /* dup round trip */
            void *d = hv_dup(h);
            hv_free(h);
            h = d;
        }
        switch (hv_enc(h)) {
        case HV_LP: saw_lp = 1; break;
        case HV_LPEX: saw_lpex = 1; break;
        default: saw_ht = 1;
        }
        if (step % 13 == 0) check_model(h, &m);
        if (hv_len(h) == 0 || step % 1500 == 1499) { /* a key deleted */
            hv_free(h);
            h = NULL;
            memset(&m, 0, sizeof m);
        }
    }
    if (h) {
        check_model(h, &m);
        hv_free(h);
    }
}

START_TEST(model_random_small_limits)
{
    saw_lp = saw_lpex = saw_ht = 0;
    for (unsigned s = 1; s <= 6; s++) run_model(s, 16, 24);
    ck_assert(saw_lp && saw_lpex && saw_ht);
}
END_TEST

START_TEST(model_random_default_limits)
{
    saw_lp = saw_lpex = saw_ht = 0;
    for (unsigned s = 11; s <= 13; s++) run_model(s, 40, 64);
    ck_assert(saw_lp && saw_lpex && saw_ht);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hash_encodings");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lp_pairs_in_order);
    tcase_add_test(tc, lpex_sorted_by_ttl);
    tcase_add_test(tc, lpex_expire_leading);
    tcase_add_test(tc, lp_check_untrusted);
    tcase_add_test(tc, ht_grow_shrink_find);
    tcase_add_test(tc, ht_ttl_heap_matches_model);
    tcase_add_test(tc, ht_scan_covers_across_resizes);
    tcase_add_test(tc, ht_random_and_dup);
    tcase_add_test(tc, convert_on_entries_and_value);
    tcase_add_test(tc, convert_lpex_keeps_ttls);
    tcase_add_test(tc, model_random_small_limits);
    tcase_add_test(tc, model_random_default_limits);
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
