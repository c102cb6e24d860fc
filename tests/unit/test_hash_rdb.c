/*
 * test_hash_rdb.c — the hashes module's RDB payloads, through the real
 * RDB stream layer (persist/rdb_io): the bytes Redis 7.0 DUMPs for a small
 * hash, round trips of every encoding (types 16, 25, 4, 24) with field
 * TTLs, hand-built 7.4 payloads (24, 25, and the pre-GA 22/23), the old
 * zipmap/ziplist encodings from the fixture files in tests/fixtures/rdb, fields whose TTL
 * passed dropped at load and payloads left without fields reported as
 * valid but empty (md_rdb_load_empty), and corrupt or truncated payloads,
 * which must fail cleanly without leaking.
 *
 * A stand-in API table (hash_stub.h) serves memory and listpacks; the
 * md_rdb_* entries below wrap rdb_io. The module's sources are compiled
 * in, except hashes.c (its MD_MODULE would define the API pointer again).
 */
#include "hash_stub.h"
#include "persist/rdb_io.h"

struct md_rdb {
    rdb_io_t io;
    int empty;
};

#include "../../modules/hashes/hash_listpack.c"
#include "../../modules/hashes/hash_table.c"
#include "../../modules/hashes/hash_value.c"
#include "../../modules/hashes/hashes_cmds.c"
#include "../../modules/hashes/hashes_expire.c"
#include "../../modules/hashes/hashes_rdb.c"

#include <check.h>
#include <stdio.h>

#ifndef RDB_FIXTURE_DIR
#define RDB_FIXTURE_DIR "tests/fixtures/rdb"
#endif

md_type_t *hashes_type;
long long hashes_expired_subkeys;

static void *ra_alloc(void *ctx, size_t n) { return t_alloc(ctx, n); }
static void ra_free(void *ctx, void *p) { t_free(ctx, p); }
static const rdb_alloc_t RA = {ra_alloc, ra_free, NULL};

static int s_len(md_rdb_t *r, uint64_t len) { return rdb_save_len(&r->io, len) ? MD_ERR : MD_OK; }
static int s_string(md_rdb_t *r, const void *p, size_t n)
{
    return rdb_save_string(&r->io, p, n) ? MD_ERR : MD_OK;
}
static int s_raw(md_rdb_t *r, const void *p, size_t n)
{
    return rdb_save_raw(&r->io, p, n) ? MD_ERR : MD_OK;
}
static int l_len(md_rdb_t *r, uint64_t *len)
{
    return rdb_load_len(&r->io, len, NULL) ? MD_ERR : MD_OK;
}
static void *l_string(md_rdb_t *r, size_t *len) { return rdb_load_string(&r->io, len, &RA); }
static int l_raw(md_rdb_t *r, void *p, size_t n)
{
    return rdb_load_raw(&r->io, p, n) ? MD_ERR : MD_OK;
}
static void r_error(md_rdb_t *r, const char *what) { rdb_io_fail(&r->io, "%s", what); }
static void r_empty(md_rdb_t *r) { r->empty = 1; }

/* The load time md_mstime() gives (unix ms). */
static int64_t now_ms;
static int64_t t_mstime(void) { return now_ms; }

static void setup(void)
{
    stub_install();
    stub_api.rdb_save_len = s_len;
    stub_api.rdb_save_string = s_string;
    stub_api.rdb_save_raw = s_raw;
    stub_api.rdb_load_len = l_len;
    stub_api.rdb_load_string = l_string;
    stub_api.rdb_load_raw = l_raw;
    stub_api.rdb_error = r_error;
    stub_api.rdb_load_empty = r_empty;
    stub_api.mstime = t_mstime;
    now_ms = 1700000000000;
    hv_max_entries = 512;
    hv_max_value = 64;
}

static void teardown(void) { ck_assert_int_eq(live_blocks, 0); }

/* type byte + payload of h, in a malloc'd buffer. */
static unsigned char *save(void *h, size_t *n)
{
    md_rdb_t w;
    unsigned char *out;
    rdb_io_mem_writer(&w.io, NULL);
    w.io.compress = 1;
    uint8_t t = hashes_rdb_type(h);
    ck_assert_int_eq(rdb_save_raw(&w.io, &t, 1), 0);
    ck_assert_int_eq(hashes_rdb_save(&w, h), MD_OK);
    out = rdb_io_mem_take(&w.io, n);
    rdb_io_release(&w.io);
    return out;
}

/* Whether the last load() said "valid but empty" (md_rdb_load_empty). */
static int last_empty;

/* Load a type byte + payload; NULL on error (*err gets the message, ""
 * when the payload was valid but empty). */
static void *load(const unsigned char *p, size_t n, char *err)
{
    md_rdb_t r;
    void *h;
    rdb_io_mem_reader(&r.io, p + 1, n - 1, NULL);
    r.empty = 0;
    h = hashes_rdb_load(&r, p[0]);
    last_empty = r.empty;
    if (h == NULL && err)
        snprintf(err, 200, "%s", rdb_io_error(&r.io) ? rdb_io_error(&r.io) : "");
    if (h) ck_assert_int_eq(r.io.pos, n - 1); /* consumed exactly */
    rdb_io_release(&r.io);
    return h;
}

static void check_field(void *h, const char *f, const char *v, int64_t ttl)
{
    hx_t x;
    int64_t at;
    char ib[HX_BUF];
    ck_assert_msg(hv_get(h, f, strlen(f), &x, &at), "field %s missing", f);
    md_arg_t a = hx_bytes(&x, ib);
    ck_assert_int_eq(a.len, strlen(v));
    ck_assert(memcmp(a.ptr, v, a.len) == 0);
    ck_assert_int_eq(at, ttl);
}

static void set(void **hp, const char *f, const char *v)
{
    hv_set(hp, f, strlen(f), v, strlen(v), 0);
}

START_TEST(listpack_bytes_as_redis)
{
    /* redis-server 7.0: HSET h a 1 b hello 123 -7; DUMP h (footer cut). */
    static const unsigned char redis[] =
        "\x10\x1b\x1b\x00\x00\x00\x06\x00\x81" "a\x02\x01\x01\x81" "b\x02\x85"
        "hello\x06{\x01\xdf\xf9\x02\xff";
    void *h = hv_new();
    size_t n;
    set(&h, "a", "1");
    set(&h, "b", "hello");
    set(&h, "123", "-7");
    unsigned char *out = save(h, &n);
    ck_assert_int_eq(n, sizeof redis - 1);
    ck_assert(memcmp(out, redis, n) == 0);
    free(out);
    hv_free(h);

    /* And Redis's bytes load as that hash. */
    h = load(redis, sizeof redis - 1, NULL);
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(hv_encoding_name(h), "listpack");
    check_field(h, "a", "1", 0);
    check_field(h, "b", "hello", 0);
    check_field(h, "123", "-7", 0);
    hv_free(h);
}
END_TEST

/* Save h, load it back, compare every field, value and TTL. */
static void round_trip(void *h, uint8_t type, const char *enc)
{
    size_t n;
    unsigned char *out = save(h, &n);
    ck_assert_int_eq(out[0], type);
    void *g = load(out, n, NULL);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(hv_encoding_name(g), enc);
    ck_assert_int_eq(hv_len(g), hv_len(h));
    hv_iter_t it;
    hx_t f, v;
    int64_t ttl;
    hv_iter_init(&it, h);
    while (hv_iter_next(&it, &f, &v, &ttl)) {
        char fb[HX_BUF], vb[HX_BUF], fs[200], vs[200];
        md_arg_t fa = hx_bytes(&f, fb), va = hx_bytes(&v, vb);
        memcpy(fs, fa.ptr, fa.len);
        fs[fa.len] = 0;
        memcpy(vs, va.ptr, va.len);
        vs[va.len] = 0;
        check_field(g, fs, vs, ttl);
    }
    ck_assert_int_eq(hv_min_ttl(g), hv_min_ttl(h));
    hv_free(g);
    free(out);
}

START_TEST(round_trip_every_encoding)
{
    void *h = hv_new();
    char f[32], v[80];
    for (int i = 0; i < 20; i++) {
        snprintf(f, sizeof f, "field:%d", i);
        snprintf(v, sizeof v, i % 2 ? "%d" : "value-%d-xxxxxxxxxxxxxxxxxxxx", i * 31);
        set(&h, f, v);
    }
    round_trip(h, 16, "listpack");
    hv_set_ttl(&h, "field:3", 7, 4000000000123);
    hv_set_ttl(&h, "field:4", 7, 4000000000001);
    round_trip(h, 25, "listpackex");
    hv_to_table(&h);
    round_trip(h, 24, "listpackex"); /* small enough to load compact */
    hv_max_entries = 10;
    round_trip(h, 24, "hashtable");
    hv_set_ttl(&h, "field:3", 7, 0);
    hv_set_ttl(&h, "field:4", 7, 0);
    round_trip(h, 4, "hashtable");
    hv_max_entries = 512;
    round_trip(h, 4, "listpack");
    hv_free(h);

    /* A long value makes the loaded hash a hashtable. */
    h = hv_new();
    memset(v, 'x', 70);
    v[70] = 0;
    set(&h, "a", "1");
    hv_max_value = 100;
    set(&h, "long", v);
    hv_max_value = 64;
    round_trip(h, 16, "hashtable");
    hv_free(h);
}
END_TEST

/* Append RDB primitives to a buffer through a writer. */
typedef struct wbuf {
    md_rdb_t w;
} wbuf_t;

static unsigned char *finish(wbuf_t *b, size_t *n)
{
    unsigned char *p = rdb_io_mem_take(&b->w.io, n);
    rdb_io_release(&b->w.io);
    return p;
}

START_TEST(redis74_metadata_and_listpack_ex)
{
    wbuf_t b;
    size_t n;
    unsigned char t = 24;
    char err[256];

    /* 24: min 1000, then (ttl - min + 1) per field, 0 = none. */
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_millis(&b.w.io, 4000000000000);
    rdb_save_len(&b.w.io, 3);
    rdb_save_len(&b.w.io, 1);
    rdb_save_string(&b.w.io, "a", 1);
    rdb_save_string(&b.w.io, "1", 1);
    rdb_save_len(&b.w.io, 0);
    rdb_save_string(&b.w.io, "b", 1);
    rdb_save_string(&b.w.io, "2", 1);
    rdb_save_len(&b.w.io, 501);
    rdb_save_string(&b.w.io, "c", 1);
    rdb_save_string(&b.w.io, "three", 5);
    unsigned char *p = finish(&b, &n);
    void *h = load(p, n, err);
    ck_assert_ptr_nonnull(h);
    check_field(h, "a", "1", 4000000000000);
    check_field(h, "b", "2", 0);
    check_field(h, "c", "three", 4000000000500);
    ck_assert_str_eq(hv_encoding_name(h), "listpackex");
    hv_free(h);
    free(p);

    /* 22 (pre-GA): absolute TTLs, no min. */
    t = 22;
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_len(&b.w.io, 1);
    rdb_save_len(&b.w.io, 4000000000007);
    rdb_save_string(&b.w.io, "a", 1);
    rdb_save_string(&b.w.io, "1", 1);
    p = finish(&b, &n);
    h = load(p, n, err);
    ck_assert_ptr_nonnull(h);
    check_field(h, "a", "1", 4000000000007);
    hv_free(h);
    free(p);

    /* 25 and 23: listpack-ex blobs; an unsorted one is sorted on load. */
    md_lp_t *lp = md_lp_new();
    const char *tri[] = {"x", "1", "0", "y", "2", "4000000000900", "z", "3", "4000000000100"};
    for (int i = 0; i < 9; i++) lp = md_lp_append(lp, tri[i], strlen(tri[i]));
    for (int pass = 0; pass < 2; pass++) {
        t = pass ? 23 : 25;
        rdb_io_mem_writer(&b.w.io, NULL);
        rdb_save_raw(&b.w.io, &t, 1);
        if (t == 25) rdb_save_millis(&b.w.io, 4000000000100);
        rdb_save_string(&b.w.io, lp, md_lp_bytes(lp));
        p = finish(&b, &n);
        h = load(p, n, err);
        ck_assert_ptr_nonnull(h);
        ck_assert_str_eq(hv_encoding_name(h), "listpackex");
        check_field(h, "x", "1", 0);
        check_field(h, "y", "2", 4000000000900);
        check_field(h, "z", "3", 4000000000100);
        ck_assert_int_eq(hv_min_ttl(h), 4000000000100);
        int sorted;
        size_t maxlen;
        ck_assert_int_eq(hlp_check(hv_listpack(h), 3, &sorted, &maxlen), MD_OK);
        ck_assert_int_eq(sorted, 1);
        hv_free(h);
        free(p);
    }
    md_lp_free(lp);
}
END_TEST

/* Read an RDB file and load the first value (a hash); returns it. */
static void *load_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", RDB_FIXTURE_DIR, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) return NULL;
    md_rdb_t r;
    int version;
    void *h = NULL;
    rdb_io_file_reader(&r.io, fp, NULL);
    ck_assert_int_eq(rdb_load_header(&r.io, &version), 0);
    for (;;) {
        uint8_t type;
        uint64_t len;
        size_t n;
        ck_assert_int_eq(rdb_load_type(&r.io, &type), 0);
        if (type == RDB_OPCODE_AUX) {
            free(rdb_load_string(&r.io, &n, NULL));
            free(rdb_load_string(&r.io, &n, NULL));
        } else if (type == RDB_OPCODE_SELECTDB) {
            rdb_load_len(&r.io, &len, NULL);
        } else if (type == RDB_OPCODE_RESIZEDB) {
            rdb_load_len(&r.io, &len, NULL);
            rdb_load_len(&r.io, &len, NULL);
        } else {
            free(rdb_load_string(&r.io, &n, NULL)); /* the key */
            h = hashes_rdb_load(&r, type);
            break;
        }
    }
    rdb_io_release(&r.io);
    fclose(fp);
    return h;
}

START_TEST(old_zipmap_and_ziplist_files)
{
    const char *files[] = {"old-hash-zipmap.rdb", "old-hash-ziplist.rdb"};
    for (int i = 0; i < 2; i++) {
        void *h = load_fixture(files[i]);
        if (h == NULL) {
            fprintf(stderr, "note: fixture %s not found, skipped\n", files[i]);
            continue;
        }
        ck_assert_str_eq(hv_encoding_name(h), "listpack");
        ck_assert_int_eq(hv_len(h), 2);
        check_field(h, "f1", "v1", 0);
        check_field(h, "f2", "v2", 0);
        hv_free(h);
    }
}
END_TEST

START_TEST(corrupt_payloads_fail_cleanly)
{
    char err[256];
    size_t n;
    void *h = hv_new();
    set(&h, "a", "1");
    set(&h, "b", "2");
    unsigned char *good = save(h, &n);
    hv_free(h);

    /* Every truncation fails. */
    for (size_t cut = 1; cut < n; cut++)
        ck_assert_ptr_null(load(good, cut, err));
    /* A flipped byte inside the listpack is caught by validation. */
    unsigned char bad[64];
    memcpy(bad, good, n);
    bad[4] ^= 0x40;
    ck_assert_ptr_null(load(bad, n, err));
    free(good);

    /* Duplicate fields: type 4 and type 16. */
    wbuf_t b;
    unsigned char t = 4;
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_len(&b.w.io, 2);
    for (int i = 0; i < 2; i++) {
        rdb_save_string(&b.w.io, "dup", 3);
        rdb_save_string(&b.w.io, "v", 1);
    }
    unsigned char *p = finish(&b, &n);
    ck_assert_ptr_null(load(p, n, err));
    ck_assert_ptr_nonnull(strstr(err, "duplicate"));
    free(p);

    md_lp_t *lp = md_lp_new();
    const char *items[] = {"dup", "1", "dup", "2"};
    for (int i = 0; i < 4; i++) lp = md_lp_append(lp, items[i], strlen(items[i]));
    t = 16;
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_string(&b.w.io, lp, md_lp_bytes(lp));
    p = finish(&b, &n);
    ck_assert_ptr_null(load(p, n, err));
    free(p);
    /* An odd count. */
    lp = md_lp_append(lp, "x", 1);
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_string(&b.w.io, lp, md_lp_bytes(lp));
    p = finish(&b, &n);
    ck_assert_ptr_null(load(p, n, err));
    free(p);
    md_lp_free(lp);

    /* An unknown type. */
    unsigned char unk[] = {99, 0};
    ck_assert_ptr_null(load(unk, 2, err));
    ck_assert(err[0] != '\0' && !last_empty);
}
END_TEST

/* A type-24 payload: min TTL, then fields with their relative TTLs. */
static unsigned char *metadata_payload(int64_t min, int n, const int64_t *ttls, size_t *len)
{
    wbuf_t b;
    unsigned char t = 24;
    char f[16];
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_millis(&b.w.io, min);
    rdb_save_len(&b.w.io, (uint64_t)n);
    for (int i = 0; i < n; i++) {
        rdb_save_len(&b.w.io, ttls[i] ? (uint64_t)(ttls[i] - min + 1) : 0);
        snprintf(f, sizeof f, "f%d", i);
        rdb_save_string(&b.w.io, f, strlen(f));
        rdb_save_string(&b.w.io, "v", 1);
    }
    return finish(&b, len);
}

START_TEST(expired_fields_dropped_and_empty_payloads)
{
    char err[256];
    size_t n;
    wbuf_t b;
    unsigned char t, *p;
    void *h;

    /* Type 24: f0 already due, f1 without TTL, f2 in the future. */
    int64_t ttls[] = {now_ms - 5, 0, now_ms + 1000};
    p = metadata_payload(now_ms - 5, 3, ttls, &n);
    h = load(p, n, err);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(hv_len(h), 2);
    ck_assert(!hv_get(h, "f0", 2, NULL, NULL));
    check_field(h, "f1", "v", 0);
    check_field(h, "f2", "v", now_ms + 1000);
    /* Saved again (type 25 now) and loaded later: f2 goes too. */
    free(p);
    p = save(h, &n);
    hv_free(h);
    ck_assert_int_eq(p[0], 25);
    now_ms += 1001;
    h = load(p, n, err);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(hv_len(h), 1);
    check_field(h, "f1", "v", 0);
    hv_free(h);
    free(p);

    /* Every field due: valid but empty, for 24 and 25 (and a TTL equal
     * to the load time is still alive, as Redis keeps it). */
    int64_t due[] = {now_ms - 1, now_ms - 100};
    p = metadata_payload(now_ms - 100, 2, due, &n);
    ck_assert_ptr_null(load(p, n, err));
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(last_empty, 1);
    free(p);
    int64_t edge[] = {now_ms};
    p = metadata_payload(now_ms, 1, edge, &n);
    h = load(p, n, err);
    ck_assert_ptr_nonnull(h);
    hv_free(h);
    free(p);
    h = hv_new();
    set(&h, "a", "1");
    set(&h, "b", "2");
    hv_set_ttl(&h, "a", 1, now_ms + 10);
    hv_set_ttl(&h, "b", 1, now_ms + 20);
    p = save(h, &n);
    hv_free(h);
    ck_assert_int_eq(p[0], 25);
    now_ms += 21;
    ck_assert_ptr_null(load(p, n, err));
    ck_assert(err[0] == '\0' && last_empty);
    free(p);

    /* No fields at all: type 4 and 24 with length 0, an empty listpack
     * (16, 25), an empty ziplist (13), an empty zipmap (9). */
    t = 4;
    rdb_io_mem_writer(&b.w.io, NULL);
    rdb_save_raw(&b.w.io, &t, 1);
    rdb_save_len(&b.w.io, 0);
    p = finish(&b, &n);
    ck_assert_ptr_null(load(p, n, err));
    ck_assert(err[0] == '\0' && last_empty);
    free(p);
    p = metadata_payload(now_ms, 0, NULL, &n);
    ck_assert_ptr_null(load(p, n, err));
    ck_assert(err[0] == '\0' && last_empty);
    free(p);
    md_lp_t *lp = md_lp_new();
    for (int pass = 0; pass < 2; pass++) {
        t = pass ? 25 : 16;
        rdb_io_mem_writer(&b.w.io, NULL);
        rdb_save_raw(&b.w.io, &t, 1);
        if (t == 25) rdb_save_millis(&b.w.io, 0);
        rdb_save_string(&b.w.io, lp, md_lp_bytes(lp));
        p = finish(&b, &n);
        ck_assert_ptr_null(load(p, n, err));
        ck_assert_msg(err[0] == '\0' && last_empty, "type %d: %s", t, err);
        free(p);
    }
    md_lp_free(lp);
    static const unsigned char zl[] = {13, 11, 11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xff};
    ck_assert_ptr_null(load(zl, sizeof zl, err));
    ck_assert_msg(err[0] == '\0' && last_empty, "ziplist: %s", err);
    static const unsigned char zm[] = {9, 2, 0, 0xff};
    ck_assert_ptr_null(load(zm, sizeof zm, err));
    ck_assert_msg(err[0] == '\0' && last_empty, "zipmap: %s", err);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hash_rdb");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, listpack_bytes_as_redis);
    tcase_add_test(tc, round_trip_every_encoding);
    tcase_add_test(tc, redis74_metadata_and_listpack_ex);
    tcase_add_test(tc, old_zipmap_and_ziplist_files);
    tcase_add_test(tc, corrupt_payloads_fail_cleanly);
    tcase_add_test(tc, expired_fields_dropped_and_empty_payloads);
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
