/*
 * test_rdb_io.c — the RDB stream layer: every length-encoding boundary,
 * integer-encoded strings, LZF, doubles and times against known bytes,
 * DUMP payloads byte for byte as Redis 7.0.15 wrote them, truncation at
 * every offset on every reader kind, corrupt input, allocator accounting,
 * and the header of a real Redis 7.0 RDB file.
 *
 * Run under valgrind with CK_FORK=no to check for over-reads: truncated
 * inputs are copied into exactly-sized heap buffers.
 */
#include "persist/rdb_io.h"
#include "persist/crc64.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RDB_FIXTURE_DIR
#define RDB_FIXTURE_DIR "tests/fixtures/rdb"
#endif

/* ---- helpers ------------------------------------------------------------ */

static size_t unhex(const char *h, unsigned char *out)
{
    size_t n = 0;

    for (; h[0] && h[1]; h += 2) {
        unsigned int b;
        sscanf(h, "%2x", &b);
        out[n++] = (unsigned char)b;
    }
    return n;
}

/* Asserts that a memory writer holds exactly the bytes spelled by hex. */
static void assert_bytes(rdb_io_t *io, const char *hex)
{
    unsigned char want[4096];
    size_t n = unhex(hex, want), len;
    const unsigned char *got = rdb_io_mem_data(io, &len);

    ck_assert_ptr_null(rdb_io_error(io));
    ck_assert_uint_eq(len, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %zu: got %02x want %02x (%s)",
                      i, got[i], want[i], hex);
}

/* A counting allocator: every byte handed out must come back. */
typedef struct {
    long live, calls;
    size_t biggest;
    int fail_after;             /* fail the allocation after this many, or -1 */
} counter_t;

static void *count_alloc(void *ctx, size_t n)
{
    counter_t *c = ctx;
    size_t *p;

    if (c->fail_after >= 0 && c->calls >= c->fail_after)
        return NULL;
    c->calls++;
    if (!(p = malloc(n + sizeof(size_t))))
        return NULL;
    *p = n;
    c->live += (long)n;
    if (n > c->biggest)
        c->biggest = n;
    return p + 1;
}

static void count_free(void *ctx, void *q)
{
    counter_t *c = ctx;
    size_t *p = (size_t *)q - 1;

    c->live -= (long)*p;
    free(p);
}

/* A source over a buffer that hands out at most 3 bytes per call and does
 * not announce its size, like a socket. */
typedef struct { const unsigned char *p; size_t len, at; } trickle_t;

static ssize_t trickle_read(void *cookie, void *p, size_t n)
{
    trickle_t *t = cookie;
    size_t k = t->len - t->at;

    if (k > n)
        k = n;
    if (k > 3)
        k = 3;
    memcpy(p, t->p + t->at, k);
    t->at += k;
    return (ssize_t)k;
}

static int sink_write(void *cookie, const void *p, size_t n)
{
    rdb_io_t *inner = cookie;
    return rdb_save_raw(inner, p, n);
}

/* ---- lengths ------------------------------------------------------------ */

static const struct { uint64_t v; const char *hex; } lens[] = {
    { 0, "00" },
    { 1, "01" },
    { 63, "3f" },
    { 64, "4040" },
    { 300, "412c" },
    { 16383, "7fff" },
    { 16384, "8000004000" },
    { 4294967295ULL, "80ffffffff" },
    { 4294967296ULL, "810000000100000000" },
    { UINT64_MAX, "81ffffffffffffffff" },
};

START_TEST(test_len_boundaries)
{
    rdb_io_t w, r;
    size_t n;
    const void *buf;
    uint64_t got;
    int enc;

    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_len(&w, lens[_i].v), 0);
    assert_bytes(&w, lens[_i].hex);
    buf = rdb_io_mem_data(&w, &n);
    rdb_io_mem_reader(&r, buf, n, NULL);
    ck_assert_int_eq(rdb_load_len(&r, &got, &enc), 0);
    ck_assert_uint_eq(got, lens[_i].v);
    ck_assert_int_eq(enc, 0);
    ck_assert_uint_eq(r.pos, n);
    rdb_io_mem_reader(&r, buf, n, NULL);
    ck_assert_int_eq(rdb_load_len(&r, &got, NULL), 0);
    ck_assert_uint_eq(got, lens[_i].v);
    rdb_io_release(&r);
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_len_nonminimal_and_bad)
{
    static const unsigned char five14[] = { 0x40, 0x05 };
    static const unsigned char five32[] = { 0x80, 0, 0, 0, 5 };
    static const unsigned char bad[] = { 0x82, 0, 0, 0, 5 };
    static const unsigned char special[] = { 0xc3 };
    rdb_io_t r;
    uint64_t v;
    int enc;

    rdb_io_mem_reader(&r, five14, sizeof(five14), NULL);
    ck_assert_int_eq(rdb_load_len(&r, &v, NULL), 0);
    ck_assert_uint_eq(v, 5);
    rdb_io_mem_reader(&r, five32, sizeof(five32), NULL);
    ck_assert_int_eq(rdb_load_len(&r, &v, NULL), 0);
    ck_assert_uint_eq(v, 5);

    rdb_io_mem_reader(&r, bad, sizeof(bad), NULL);
    ck_assert_int_eq(rdb_load_len(&r, &v, &enc), -1);
    ck_assert_str_eq(rdb_io_error(&r),
                     "length at offset 0: unknown length encoding 0x82");

    rdb_io_mem_reader(&r, special, 1, NULL);
    ck_assert_int_eq(rdb_load_len(&r, &v, &enc), 0);
    ck_assert_int_eq(enc, 1);
    ck_assert_uint_eq(v, RDB_ENC_LZF);
    rdb_io_mem_reader(&r, special, 1, NULL);
    ck_assert_int_eq(rdb_load_len(&r, &v, NULL), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "where a length"));
}
END_TEST

/* ---- strings ------------------------------------------------------------ */

static const struct { const char *s; const char *hex; } strs[] = {
    { "-128", "c080" },
    { "127", "c07f" },
    { "128", "c18000" },
    { "-129", "c17fff" },
    { "-32768", "c10080" },
    { "32767", "c1ff7f" },
    { "32768", "c200800000" },
    { "2147483647", "c2ffffff7f" },
    { "-2147483648", "c200000080" },
    { "0", "c000" },
    { "-1", "c0ff" },
    { "2147483648", "0a32313437343833363438" },
    { "-2147483649", "0b2d32313437343833363439" },
    { "0123", "0430313233" },
    { "+1", "022b31" },
    { "-0", "022d30" },
    { "00", "023030" },
    { " 1", "022031" },
    { "1 ", "023120" },
    { "-", "012d" },
    { "12a", "03313261" },
    { "", "00" },
    { "hello", "0568656c6c6f" },
};

START_TEST(test_string_encodings)
{
    rdb_io_t w, r;
    const void *buf;
    size_t n, len;
    char *got;

    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_string(&w, strs[_i].s, strlen(strs[_i].s)), 0);
    assert_bytes(&w, strs[_i].hex);
    buf = rdb_io_mem_data(&w, &n);
    rdb_io_mem_reader(&r, buf, n, NULL);
    got = rdb_load_string(&r, &len, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, strlen(strs[_i].s));
    ck_assert_mem_eq(got, strs[_i].s, len);
    ck_assert_int_eq(got[len], '\0');
    ck_assert_uint_eq(r.pos, n);
    free(got);
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_ll_string)
{
    static const long long vals[] = {
        0, 1, -1, 127, -128, 128, -129, 32767, -32768, 32768, -32769,
        2147483647LL, -2147483647LL - 1, 2147483648LL, -2147483649LL,
        9223372036854775807LL, -9223372036854775807LL - 1,
    };

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        rdb_io_t a, b, r;
        char text[32], *got;
        const void *pa, *pb;
        size_t na, nb, len;

        snprintf(text, sizeof(text), "%lld", vals[i]);
        rdb_io_mem_writer(&a, NULL);
        rdb_io_mem_writer(&b, NULL);
        ck_assert_int_eq(rdb_save_ll_string(&a, vals[i]), 0);
        ck_assert_int_eq(rdb_save_string(&b, text, strlen(text)), 0);
        pa = rdb_io_mem_data(&a, &na);
        pb = rdb_io_mem_data(&b, &nb);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(pa, pb, na);
        rdb_io_mem_reader(&r, pa, na, NULL);
        got = rdb_load_string(&r, &len, NULL);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, text);
        free(got);
        rdb_io_release(&a);
        rdb_io_release(&b);
    }
}
END_TEST

START_TEST(test_lzf_roundtrip)
{
    char plain[1024], *got;
    rdb_io_t w, r;
    const unsigned char *buf;
    size_t n, len;

    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = "The quick brown fox "[i % 20];
    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_string(&w, plain, sizeof(plain)), 0);
    buf = rdb_io_mem_data(&w, &n);
    ck_assert_uint_eq(buf[0], 0xc3);
    ck_assert_uint_lt(n, 200);
    rdb_io_mem_reader(&r, buf, n, NULL);
    got = rdb_load_string(&r, &len, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, sizeof(plain));
    ck_assert_mem_eq(got, plain, len);
    ck_assert_uint_eq(r.pos, n);
    free(got);

    /* compression off: stored verbatim with a 14-bit length */
    rdb_io_release(&w);
    rdb_io_mem_writer(&w, NULL);
    w.compress = 0;
    ck_assert_int_eq(rdb_save_string(&w, plain, sizeof(plain)), 0);
    buf = rdb_io_mem_data(&w, &n);
    ck_assert_uint_eq(n, 2 + sizeof(plain));
    ck_assert_uint_eq(buf[0], 0x44);
    ck_assert_uint_eq(buf[1], 0x00);
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_lzf_incompressible)
{
    unsigned char plain[1024];
    rdb_io_t w;
    const unsigned char *buf;
    size_t n;

    srand(7);
    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (unsigned char)rand();
    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_string(&w, plain, sizeof(plain)), 0);
    buf = rdb_io_mem_data(&w, &n);
    ck_assert_uint_eq(n, 2 + sizeof(plain));
    ck_assert_mem_eq(buf + 2, plain, sizeof(plain));
    rdb_io_release(&w);
}
END_TEST

/* Large strings bypass the kept scratch buffer; still round trip. */
START_TEST(test_lzf_large)
{
    size_t big = 300 * 1000;
    char *plain = malloc(big), *got;
    rdb_io_t w, r;
    const unsigned char *buf;
    size_t n, len;

    for (size_t i = 0; i < big; i++)
        plain[i] = (char)('a' + (i * 7 % 13));
    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_string(&w, plain, big), 0);
    buf = rdb_io_mem_data(&w, &n);
    ck_assert_uint_eq(buf[0], 0xc3);
    rdb_io_mem_reader(&r, buf, n, NULL);
    got = rdb_load_string(&r, &len, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, big);
    ck_assert_mem_eq(got, plain, big);
    free(got);
    free(plain);
    rdb_io_release(&w);
}
END_TEST

/* ---- DUMP payloads from redis-server 7.0.15 (SET k v; DUMP k) ------------ */

static char abc1024[1025];

static const struct { const char *val; const char *hex; } dumps[] = {
    { "hello", "000568656c6c6f0a006372df766534200a" },
    { "-128", "00c0800a009966326d2f0c5bd9" },
    { "127", "00c07f0a000db5eb315254c514" },
    { "128", "00c180000a00eb7ab3b510cf4b65" },
    { "-32768", "00c100800a00b540064753bb1ace" },
    { "32767", "00c1ff7f0a00495a37da17f4d52b" },
    { "2147483647", "00c2ffffff7f0a002c74e59ee02eada1" },
    { "-2147483648", "00c2000000800a00c74f873e33558187" },
    { "2147483648", "000a323134373438333634380a00e7b129a34c1d76ee" },
    { "0123", "0004303132330a000ae40c929e3b6422" },
    { "+1", "00022b310a00c286f0d7439aee6f" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "00c3094040016161e033000161610a00c3659612ce1cc46c" },
    { NULL /* abc1024 */,
      "00c31b44000a6162636465666768696a61e0ff09e1ff0de2ff11e2d211016364"
      "0a00733199d81995aeb6" },
    { "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "00c3094064017878e057000178780a005db7f663bb08625f" },
    { "123456789012345678901234567890",
      "00c30f1e0a3132333435363738393031e00a090a00085587831d9c54b4" },
    { "", "00000a005d9b5c400f7fa2da" },
    { "-0", "00022d300a00d5411fd9d6d050cc" },
    { "0", "00c0000a009840a778f8500308" },
    { "xxxxxxxxxxxxxxxxxxxxx", "00c30615017878e00a000a00941a83676017192f" },
    { "abcdefghijklmnopqrstuvwxyz",
      "001a6162636465666768696a6b6c6d6e6f707172737475767778797a0a009e1b3f3"
      "4abfc5f79" },
};

START_TEST(test_dump_bytes_match_redis)
{
    const char *val = dumps[_i].val;
    unsigned char want[256];
    rdb_io_t w, r;
    size_t wn, n, len;
    unsigned char *payload;
    char err[128], *got;
    uint8_t type;
    int ver;

    if (!val) {
        for (int i = 0; i < 1024; i++)
            abc1024[i] = "abcdefghij"[i % 10];
        val = abc1024;
    }
    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_save_type(&w, RDB_TYPE_STRING), 0);
    ck_assert_int_eq(rdb_save_string(&w, val, strlen(val)), 0);
    ck_assert_int_eq(rdb_save_dump_footer(&w, 10), 0);
    assert_bytes(&w, dumps[_i].hex);

    /* and read Redis's own bytes back */
    wn = unhex(dumps[_i].hex, want);
    payload = malloc(wn);
    memcpy(payload, want, wn);
    ck_assert_int_eq(rdb_verify_dump_payload(payload, wn, 1, &ver, err,
                                             sizeof(err)), 0);
    ck_assert_int_eq(ver, 10);
    rdb_io_mem_reader(&r, payload, wn - RDB_DUMP_FOOTER_LEN, NULL);
    ck_assert_int_eq(rdb_load_type(&r, &type), 0);
    ck_assert_uint_eq(type, RDB_TYPE_STRING);
    got = rdb_load_string(&r, &len, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, strlen(val));
    ck_assert_mem_eq(got, val, len);
    ck_assert_uint_eq(rdb_io_remaining(&r), 0);
    free(got);
    free(payload);
    (void)n;
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_dump_footer)
{
    rdb_io_t w;
    unsigned char *p;
    size_t n;
    char err[128];
    int ver = -1;

    rdb_io_mem_writer(&w, NULL);
    rdb_save_type(&w, RDB_TYPE_STRING);
    rdb_save_string(&w, "value", 5);
    ck_assert_int_eq(rdb_save_dump_footer(&w, RDB_VERSION), 0);
    p = rdb_io_mem_take(&w, &n);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(n, 1 + 6 + 10);
    ck_assert_uint_eq(p[n - 10], RDB_VERSION);
    ck_assert_uint_eq(p[n - 9], 0);
    ck_assert_int_eq(rdb_verify_dump_payload(p, n, 1, &ver, err,
                                             sizeof(err)), 0);
    ck_assert_int_eq(ver, RDB_VERSION);

    p[3] ^= 1;                              /* corrupt the value */
    ck_assert_int_eq(rdb_verify_dump_payload(p, n, 1, &ver, err,
                                             sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "checksum mismatch"));
    ck_assert_int_eq(rdb_verify_dump_payload(p, n, 0, &ver, err,
                                             sizeof(err)), 0);
    p[3] ^= 1;

    p[n - 10] = RDB_VERSION + 1;            /* from the future */
    ck_assert_int_eq(rdb_verify_dump_payload(p, n, 0, &ver, err,
                                             sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "newer"));

    ck_assert_int_eq(rdb_verify_dump_payload(p, 9, 1, &ver, err,
                                             sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "too short"));
    free(p);
    ck_assert_ptr_null(rdb_io_mem_take(&w, &n));
    ck_assert_uint_eq(n, 0);
    rdb_io_release(&w);
}
END_TEST

/* ---- doubles and times -------------------------------------------------- */

START_TEST(test_binary_double_float)
{
    rdb_io_t w, r;
    const void *buf;
    size_t n;
    double d;
    float f;

    rdb_io_mem_writer(&w, NULL);
    rdb_save_double(&w, 1.5);
    rdb_save_double(&w, -0.0);
    rdb_save_double(&w, INFINITY);
    rdb_save_double(&w, NAN);
    rdb_save_float(&w, 1.5f);
    rdb_save_millis(&w, 1700000000123LL);
    rdb_save_millis(&w, -2);
    assert_bytes(&w, "000000000000f83f" "0000000000000080"
                     "000000000000f07f" "000000000000f87f" "0000c03f"
                     "7b68e5cf8b010000" "feffffffffffffff");
    buf = rdb_io_mem_data(&w, &n);
    rdb_io_mem_reader(&r, buf, n, NULL);
    ck_assert_int_eq(rdb_load_double(&r, &d), 0);
    ck_assert(d == 1.5);
    ck_assert_int_eq(rdb_load_double(&r, &d), 0);
    ck_assert(d == 0.0 && signbit(d));
    ck_assert_int_eq(rdb_load_double(&r, &d), 0);
    ck_assert(isinf(d) && d > 0);
    ck_assert_int_eq(rdb_load_double(&r, &d), 0);
    ck_assert(isnan(d));
    ck_assert_int_eq(rdb_load_float(&r, &f), 0);
    ck_assert(f == 1.5f);
    {
        int64_t ms;
        ck_assert_int_eq(rdb_load_millis(&r, &ms), 0);
        ck_assert_int_eq(ms, 1700000000123LL);
        ck_assert_int_eq(rdb_load_millis(&r, &ms), 0);
        ck_assert_int_eq(ms, -2);
    }
    ck_assert_uint_eq(rdb_io_remaining(&r), 0);
    ck_assert_int_eq(rdb_load_double(&r, &d), -1);
    ck_assert_str_eq(rdb_io_error(&r), "double at offset 52: input truncated:"
                     " 8 bytes needed at offset 52, 0 left");
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_text_double)
{
    static const struct { double d; const char *hex; } tv[] = {
        { 3.0, "0133" },
        { -12.0, "032d3132" },
        { 0.0, "0130" },
        { 1.5, "03312e35" },
        { 0.1, "13302e3130303030303030303030303030303031" },
        { 4503599627370496.0, "1034353033353939363237333730343936" },
        { 1e300, "17312e30303030303030303030303030303031652b333030" },
    };
    rdb_io_t w, r;
    const void *buf;
    size_t n;
    double d;

    for (size_t i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
        rdb_io_mem_writer(&w, NULL);
        ck_assert_int_eq(rdb_save_text_double(&w, tv[i].d), 0);
        assert_bytes(&w, tv[i].hex);
        buf = rdb_io_mem_data(&w, &n);
        rdb_io_mem_reader(&r, buf, n, NULL);
        ck_assert_int_eq(rdb_load_text_double(&r, &d), 0);
        ck_assert(d == tv[i].d);
        rdb_io_release(&w);
    }

    rdb_io_mem_writer(&w, NULL);
    rdb_save_text_double(&w, NAN);
    rdb_save_text_double(&w, INFINITY);
    rdb_save_text_double(&w, -INFINITY);
    assert_bytes(&w, "fdfeff");
    buf = rdb_io_mem_data(&w, &n);
    rdb_io_mem_reader(&r, buf, n, NULL);
    ck_assert_int_eq(rdb_load_text_double(&r, &d), 0);
    ck_assert(isnan(d));
    ck_assert_int_eq(rdb_load_text_double(&r, &d), 0);
    ck_assert(isinf(d) && d > 0);
    ck_assert_int_eq(rdb_load_text_double(&r, &d), 0);
    ck_assert(isinf(d) && d < 0);
    rdb_io_release(&w);

    {
        static const unsigned char empty[] = { 0 }, junk[] = { 2, 'x', 'y' };
        rdb_io_mem_reader(&r, empty, 1, NULL);
        ck_assert_int_eq(rdb_load_text_double(&r, &d), -1);
        rdb_io_mem_reader(&r, junk, 3, NULL);
        ck_assert_int_eq(rdb_load_text_double(&r, &d), -1);
        ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "not a number"));
    }
}
END_TEST

START_TEST(test_seconds)
{
    static const unsigned char b[] = { 0x00, 0xf1, 0x53, 0x65 };
    rdb_io_t r;
    int32_t s;

    rdb_io_mem_reader(&r, b, 4, NULL);
    ck_assert_int_eq(rdb_load_seconds(&r, &s), 0);
    ck_assert_int_eq(s, 0x6553f100);
}
END_TEST

/* ---- a stream with every primitive, and its truncations ----------------- */

static char lzf_plain[512];

static void fill_lzf_plain(void)
{
    for (size_t i = 0; i < sizeof(lzf_plain); i++)
        lzf_plain[i] = "abcabcabd"[i % 9];
}

/* Writes the reference stream; returns the malloc'd bytes. */
static unsigned char *build_stream(size_t *n)
{
    rdb_io_t w;
    unsigned char *p;

    fill_lzf_plain();
    rdb_io_mem_writer(&w, NULL);
    rdb_save_header(&w, 10);
    rdb_save_aux(&w, "redis-ver", "7.4.0", 5);
    rdb_save_aux_ll(&w, "redis-bits", 64);
    rdb_save_aux_ll(&w, "ctime", 1700000000);
    rdb_save_type(&w, RDB_OPCODE_SELECTDB);
    rdb_save_len(&w, 0);
    rdb_save_type(&w, RDB_OPCODE_RESIZEDB);
    rdb_save_len(&w, 16384);
    rdb_save_len(&w, 4294967296ULL);
    rdb_save_type(&w, RDB_OPCODE_EXPIRETIME_MS);
    rdb_save_millis(&w, 1700000000123LL);
    rdb_save_type(&w, RDB_TYPE_STRING);
    rdb_save_string(&w, "key", 3);
    rdb_save_string(&w, lzf_plain, sizeof(lzf_plain));
    rdb_save_ll_string(&w, -40000);
    rdb_save_ll_string(&w, 1LL << 40);
    rdb_save_double(&w, 2.25);
    rdb_save_float(&w, -0.5f);
    rdb_save_text_double(&w, 0.1);
    rdb_save_raw(&w, "RAW", 3);
    rdb_save_type(&w, RDB_OPCODE_EOF);
    rdb_save_checksum(&w);
    ck_assert_ptr_null(rdb_io_error(&w));
    p = rdb_io_mem_take(&w, n);
    rdb_io_release(&w);
    return p;
}

static int expect_str(rdb_io_t *r, const char *want, size_t wlen)
{
    size_t len;
    char *s = rdb_load_string(r, &len, NULL);
    int ok;

    if (!s)
        return -1;
    ok = len == wlen && memcmp(s, want, len) == 0;
    free(s);
    ck_assert_msg(ok, "string mismatch");
    return 0;
}

/* Parses the reference stream; returns 0 only if all of it is there and
 * right. Every failure must leave an error message. */
static int parse_stream(rdb_io_t *r)
{
    uint8_t t;
    uint64_t v;
    int64_t ms;
    double d;
    float f;
    char raw[3];
    int ver;

    if (rdb_load_header(r, &ver)) return -1;
    ck_assert_int_eq(ver, 10);
    for (int i = 0; i < 3; i++) {
        static const char *kv[][2] = {
            { "redis-ver", "7.4.0" }, { "redis-bits", "64" },
            { "ctime", "1700000000" },
        };
        if (rdb_load_type(r, &t)) return -1;
        ck_assert_uint_eq(t, RDB_OPCODE_AUX);
        if (expect_str(r, kv[i][0], strlen(kv[i][0]))) return -1;
        if (expect_str(r, kv[i][1], strlen(kv[i][1]))) return -1;
    }
    if (rdb_load_type(r, &t)) return -1;
    ck_assert_uint_eq(t, RDB_OPCODE_SELECTDB);
    if (rdb_load_len(r, &v, NULL)) return -1;
    ck_assert_uint_eq(v, 0);
    if (rdb_load_type(r, &t)) return -1;
    ck_assert_uint_eq(t, RDB_OPCODE_RESIZEDB);
    if (rdb_load_len(r, &v, NULL)) return -1;
    ck_assert_uint_eq(v, 16384);
    if (rdb_load_len(r, &v, NULL)) return -1;
    ck_assert_uint_eq(v, 4294967296ULL);
    if (rdb_load_type(r, &t)) return -1;
    ck_assert_uint_eq(t, RDB_OPCODE_EXPIRETIME_MS);
    if (rdb_load_millis(r, &ms)) return -1;
    ck_assert_int_eq(ms, 1700000000123LL);
    if (rdb_load_type(r, &t)) return -1;
    ck_assert_uint_eq(t, RDB_TYPE_STRING);
    if (expect_str(r, "key", 3)) return -1;
    if (expect_str(r, lzf_plain, sizeof(lzf_plain))) return -1;
    if (expect_str(r, "-40000", 6)) return -1;
    if (expect_str(r, "1099511627776", 13)) return -1;
    if (rdb_load_double(r, &d)) return -1;
    ck_assert(d == 2.25);
    if (rdb_load_float(r, &f)) return -1;
    ck_assert(f == -0.5f);
    if (rdb_load_text_double(r, &d)) return -1;
    ck_assert(d == 0.1);
    if (rdb_load_raw(r, raw, 3)) return -1;
    ck_assert_mem_eq(raw, "RAW", 3);
    if (rdb_load_type(r, &t)) return -1;
    ck_assert_uint_eq(t, RDB_OPCODE_EOF);
    if (rdb_load_checksum(r)) return -1;
    return 0;
}

START_TEST(test_stream_roundtrip)
{
    size_t n;
    unsigned char *p = build_stream(&n);
    rdb_io_t r;

    /* the LZF string really is compressed in there */
    ck_assert_ptr_nonnull(memchr(p, 0xc3, n));
    ck_assert_uint_lt(n, sizeof(lzf_plain));
    rdb_io_mem_reader(&r, p, n, NULL);
    ck_assert_int_eq(parse_stream(&r), 0);
    ck_assert_ptr_null(rdb_io_error(&r));
    ck_assert_uint_eq(r.pos, n);
    free(p);
}
END_TEST

START_TEST(test_truncated_memory)
{
    size_t n;
    unsigned char *p = build_stream(&n);

    for (size_t cut = 0; cut < n; cut++) {
        unsigned char *q = malloc(cut ? cut : 1);   /* exact size */
        rdb_io_t r;

        memcpy(q, p, cut);
        rdb_io_mem_reader(&r, q, cut, NULL);
        ck_assert_msg(parse_stream(&r) == -1, "cut %zu parsed", cut);
        ck_assert_ptr_nonnull(rdb_io_error(&r));
        ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), " at offset "));
        ck_assert_uint_le(r.pos, cut);
        rdb_io_release(&r);
        free(q);
    }
    free(p);
}
END_TEST

START_TEST(test_truncated_unknown_size)
{
    size_t n;
    unsigned char *p = build_stream(&n);

    for (size_t cut = 0; cut <= n; cut++) {
        trickle_t t = { p, cut, 0 };
        rdb_io_t r;

        rdb_io_cb_reader(&r, trickle_read, &t, RDB_SIZE_UNKNOWN, NULL);
        if (cut < n) {
            ck_assert_msg(parse_stream(&r) == -1, "cut %zu parsed", cut);
            ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "end of input"));
        } else {
            ck_assert_int_eq(parse_stream(&r), 0);
        }
        rdb_io_release(&r);
    }
    free(p);
}
END_TEST

START_TEST(test_file_roundtrip_and_truncation)
{
    size_t n;
    unsigned char *p = build_stream(&n);
    FILE *fp = tmpfile();
    rdb_io_t w, r;

    ck_assert_ptr_nonnull(fp);
    /* the file writer produces the same bytes, checksum included */
    {
        rdb_io_t m;
        size_t mn;
        unsigned char *mp;
        rdb_io_file_writer(&w, fp, NULL);
        rdb_save_raw(&w, p, n);
        ck_assert_ptr_null(rdb_io_error(&w));
        ck_assert_uint_eq(w.pos, n);
        rdb_io_mem_writer(&m, NULL);
        rdb_save_raw(&m, p, n - 8);
        ck_assert_uint_eq(m.crc, crc64(0, p, n - 8));
        mp = rdb_io_mem_take(&m, &mn);
        free(mp);
    }
    fflush(fp);
    for (size_t cut = 0; cut <= n; cut += (cut < 64 ? 1 : 17)) {
        rewind(fp);
        ck_assert_int_eq(ftruncate(fileno(fp), 0), 0);
        ck_assert_uint_eq(fwrite(p, 1, cut, fp), cut);
        fflush(fp);
        rewind(fp);
        rdb_io_file_reader(&r, fp, NULL);
        ck_assert_uint_eq(r.size, cut);
        ck_assert_int_eq(parse_stream(&r), -1);
        rdb_io_release(&r);
    }
    rewind(fp);
    ck_assert_int_eq(ftruncate(fileno(fp), 0), 0);
    ck_assert_uint_eq(fwrite(p, 1, n, fp), n);
    fflush(fp);
    rewind(fp);
    rdb_io_file_reader(&r, fp, NULL);
    ck_assert_uint_eq(r.size, n);
    ck_assert_int_eq(parse_stream(&r), 0);
    ck_assert_ptr_null(rdb_io_error(&r));
    fclose(fp);
    free(p);
}
END_TEST

/* Mutated streams must never crash or over-read; most fail cleanly. */
START_TEST(test_fuzz_mutations)
{
    size_t n;
    unsigned char *p = build_stream(&n);

    srand(1234);
    for (int round = 0; round < 3000; round++) {
        unsigned char *q = malloc(n);
        rdb_io_t r;
        int flips = 1 + rand() % 4;

        memcpy(q, p, n);
        for (int k = 0; k < flips; k++)
            q[rand() % n] ^= (unsigned char)(1 + rand() % 255);
        rdb_io_mem_reader(&r, q, n, NULL);
        r.checksum = 0;                 /* let corrupt data reach decoders */
        /* parse_stream asserts on wrong values; only decode here */
        {
            uint8_t t;
            uint64_t v;
            int enc;
            double d;
            size_t len;
            for (int step = 0; step < 64 && !rdb_io_error(&r); step++) {
                switch (step % 4) {
                case 0: rdb_load_type(&r, &t); break;
                case 1: free(rdb_load_string(&r, &len, NULL)); break;
                case 2: rdb_load_len(&r, &v, &enc); break;
                default: rdb_load_text_double(&r, &d); break;
                }
            }
        }
        ck_assert_uint_le(r.pos, n);
        rdb_io_release(&r);
        free(q);
    }
    free(p);
}
END_TEST

/* ---- corrupt input ------------------------------------------------------ */

START_TEST(test_corrupt_strings)
{
    static const struct { const char *hex; const char *msg; } bad[] = {
        { "c4", "unknown string encoding 4" },
        { "ff", "unknown string encoding 63" },
        { "82", "unknown length encoding 0x82" },
        { "0a3132", "length 10 exceeds the 2 bytes left" },
        { "81ffffffffffffffff", "too large" },
        { "810000010000000000", "exceeds the 0 bytes left" },
        { "c3000a", "zero length" },
        { "c3010a", "exceeds" },               /* clen 1, ulen 10, no data */
        { "c303412c000000", "cannot expand" }, /* 3 bytes cannot give 300 */
        { "c3030a1f6162", "invalid compressed data" },
        { "c303c0aaaa", "length at offset 2" }, /* encoded, not a length */
        { "c1ff", "input truncated" },
        { "c2", "input truncated" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char b[32];
        size_t n = unhex(bad[i].hex, b), len;
        unsigned char *q = malloc(n);
        rdb_io_t r;

        memcpy(q, b, n);
        rdb_io_mem_reader(&r, q, n, NULL);
        ck_assert_ptr_null(rdb_load_string(&r, &len, NULL));
        ck_assert_msg(rdb_io_error(&r) &&
                      strstr(rdb_io_error(&r), bad[i].msg),
                      "%s: got \"%s\", want \"%s\"", bad[i].hex,
                      rdb_io_error(&r), bad[i].msg);
        ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), " at offset "));
        /* sticky: nothing more is read */
        ck_assert_ptr_null(rdb_load_string(&r, &len, NULL));
        rdb_io_release(&r);
        free(q);
    }
}
END_TEST

/* A bogus huge length from a socket must not allocate it up front. */
START_TEST(test_unknown_size_huge_length)
{
    static const unsigned char b[] = { 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 'x' };
    counter_t c = { 0, 0, 0, -1 };
    rdb_alloc_t a = { count_alloc, count_free, &c };
    trickle_t t = { b, sizeof(b), 0 };
    rdb_io_t r;
    size_t len;

    rdb_io_cb_reader(&r, trickle_read, &t, RDB_SIZE_UNKNOWN, &a);
    ck_assert_ptr_null(rdb_load_string(&r, &len, NULL));
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "end of input"));
    ck_assert_uint_le(c.biggest, 2 * 1024 * 1024);
    ck_assert_int_eq(c.live, 0);
    rdb_io_release(&r);
}
END_TEST

/* Unknown size, a real 5 MB string: grows by doubling and arrives whole. */
START_TEST(test_unknown_size_big_string)
{
    size_t big = 5 * 1000 * 1000, n, len;
    char *plain = malloc(big), *got;
    const void *buf;
    trickle_t t;
    rdb_io_t w, r;

    srand(99);
    for (size_t i = 0; i < big; i++)
        plain[i] = (char)rand();
    rdb_io_mem_writer(&w, NULL);
    rdb_save_string(&w, plain, big);
    buf = rdb_io_mem_data(&w, &n);
    t = (trickle_t){ buf, n, 0 };
    rdb_io_cb_reader(&r, (rdb_read_cb)trickle_read, &t, RDB_SIZE_UNKNOWN,
                     NULL);
    got = rdb_load_string(&r, &len, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, big);
    ck_assert_mem_eq(got, plain, big);
    free(got);
    free(plain);
    rdb_io_release(&w);
}
END_TEST

/* ---- allocators, callbacks, misuse -------------------------------------- */

START_TEST(test_allocator_accounting)
{
    counter_t io_c = { 0, 0, 0, -1 }, mod_c = { 0, 0, 0, -1 };
    rdb_alloc_t io_a = { count_alloc, count_free, &io_c };
    rdb_alloc_t mod_a = { count_alloc, count_free, &mod_c };
    size_t n, len;
    unsigned char *p = build_stream(&n);
    rdb_io_t w, r;
    char *s;

    /* writer buffer and LZF scratch come from the stream's allocator */
    rdb_io_mem_writer(&w, &io_a);
    ck_assert_int_eq(rdb_save_string(&w, lzf_plain, sizeof(lzf_plain)), 0);
    ck_assert_int_gt(io_c.live, 0);
    rdb_io_release(&w);
    ck_assert_int_eq(io_c.live, 0);

    /* strings come from the allocator passed to load_string; the LZF input
     * temporary from the stream's */
    rdb_io_mem_writer(&w, NULL);
    rdb_save_string(&w, lzf_plain, sizeof(lzf_plain));
    {
        const void *buf = rdb_io_mem_data(&w, &len);
        rdb_io_mem_reader(&r, buf, len, &io_a);
        s = rdb_load_string(&r, &len, &mod_a);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(mod_c.live, (long)sizeof(lzf_plain) + 1);
        ck_assert_int_eq(io_c.live, 0);
        ck_assert_int_gt(io_c.calls, 0);
        count_free(&mod_c, s);
        ck_assert_int_eq(mod_c.live, 0);
    }
    rdb_io_release(&w);

    /* out of memory: an error, no leak */
    mod_c.fail_after = mod_c.calls;
    rdb_io_mem_reader(&r, p, n, NULL);
    {
        int ver;
        uint8_t t;
        rdb_load_header(&r, &ver);
        rdb_load_type(&r, &t);
    }
    ck_assert_ptr_null(rdb_load_string(&r, &len, &mod_a));
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "out of memory"));
    ck_assert_int_eq(mod_c.live, 0);

    /* a writer whose buffer cannot grow fails cleanly */
    io_c.fail_after = io_c.calls;
    rdb_io_mem_writer(&w, &io_a);
    ck_assert_int_eq(rdb_save_raw(&w, "x", 1), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&w), "out of memory"));
    rdb_io_release(&w);
    ck_assert_int_eq(io_c.live, 0);
    free(p);
}
END_TEST

START_TEST(test_callback_writer)
{
    size_t n, mn;
    unsigned char *p = build_stream(&n), *mp;
    rdb_io_t inner, cw;

    /* a callback writer fed the same calls gives the same bytes and crc */
    rdb_io_mem_writer(&inner, NULL);
    rdb_io_cb_writer(&cw, sink_write, &inner, NULL);
    rdb_save_header(&cw, 10);
    rdb_save_aux(&cw, "redis-ver", "7.4.0", 5);
    ck_assert_ptr_null(rdb_io_error(&cw));
    mp = rdb_io_mem_take(&inner, &mn);
    ck_assert_uint_eq(mn, cw.pos);
    ck_assert_mem_eq(mp, p, mn);
    ck_assert_uint_eq(cw.crc, crc64(0, p, mn));
    free(mp);
    rdb_io_release(&inner);
    rdb_io_release(&cw);
    free(p);
}
END_TEST

static int refuse_write(void *cookie, const void *p, size_t n)
{
    (void)cookie; (void)p; (void)n;
    return -1;
}

START_TEST(test_misuse_and_errors)
{
    static const unsigned char b[] = { 1, 2, 3 };
    rdb_io_t w, r;
    uint8_t t;

    rdb_io_mem_reader(&r, b, 3, NULL);
    ck_assert_int_eq(rdb_save_len(&r, 1), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "not a writer"));

    rdb_io_mem_writer(&w, NULL);
    ck_assert_int_eq(rdb_load_type(&w, &t), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&w), "not a reader"));
    rdb_io_release(&w);

    rdb_io_cb_writer(&w, refuse_write, NULL, NULL);
    ck_assert_int_eq(rdb_save_len(&w, 1), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&w), "write failed"));
    /* sticky */
    ck_assert_int_eq(rdb_save_raw(&w, "", 0), -1);

    /* rdb_io_fail: offset appended, the first error kept */
    rdb_io_mem_reader(&r, b, 3, NULL);
    rdb_load_type(&r, &t);
    rdb_io_fail(&r, "bad %s", "listpack");
    ck_assert_str_eq(rdb_io_error(&r), "bad listpack at offset 1");
    rdb_io_fail(&r, "later");
    ck_assert_str_eq(rdb_io_error(&r), "bad listpack at offset 1");
    ck_assert_int_eq(rdb_load_type(&r, &t), -1);
    ck_assert_uint_eq(r.pos, 1);
}
END_TEST

START_TEST(test_header_checks)
{
    static const char *bad[] = { "REDIX0010", "REDIS00a1", "REDIS0000",
                                 "REDIS9999", "REDIS001" };
    rdb_io_t r, w;
    int ver;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rdb_io_mem_reader(&r, bad[i], strlen(bad[i]), NULL);
        ck_assert_int_eq(rdb_load_header(&r, &ver), -1);
        ck_assert_ptr_nonnull(rdb_io_error(&r));
    }
    rdb_io_mem_reader(&r, "REDIS0012", 9, NULL);
    ck_assert_int_eq(rdb_load_header(&r, &ver), 0);
    ck_assert_int_eq(ver, 12);

    rdb_io_mem_writer(&w, NULL);
    rdb_save_header(&w, 12);
    assert_bytes(&w, "524544495330303132");
    rdb_io_release(&w);
}
END_TEST

START_TEST(test_checksum_footer)
{
    size_t n;
    unsigned char *p = build_stream(&n);
    rdb_io_t r;
    uint8_t t;

    /* stored 0: written with checksums off, accepted */
    memset(p + n - 8, 0, 8);
    rdb_io_mem_reader(&r, p, n, NULL);
    ck_assert_int_eq(parse_stream(&r), 0);
    /* wrong value: refused with both values in the message */
    p[n - 1] = 1;
    rdb_io_mem_reader(&r, p, n, NULL);
    ck_assert_int_eq(parse_stream(&r), -1);
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "checksum at offset"));
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&r), "mismatch"));
    (void)t;
    free(p);

    /* a writer with checksum off writes 0 */
    {
        rdb_io_t w;
        rdb_io_mem_writer(&w, NULL);
        w.checksum = 0;
        rdb_save_type(&w, RDB_OPCODE_EOF);
        rdb_save_checksum(&w);
        assert_bytes(&w, "ff0000000000000000");
        ck_assert_int_eq(rdb_save_dump_footer(&w, 10), -1);
        rdb_io_release(&w);
    }

    /* a flipped data byte is caught by the footer */
    {
        rdb_io_t w;
        unsigned char *q, raw[5];
        size_t qn;
        rdb_io_mem_writer(&w, NULL);
        rdb_save_raw(&w, "hello", 5);
        rdb_save_type(&w, RDB_OPCODE_EOF);
        rdb_save_checksum(&w);
        q = rdb_io_mem_take(&w, &qn);
        q[1] ^= 0x20;
        rdb_io_mem_reader(&r, q, qn, NULL);
        ck_assert_int_eq(rdb_load_raw(&r, raw, 5), 0);
        ck_assert_int_eq(rdb_load_type(&r, &t), 0);
        ck_assert_int_eq(rdb_load_checksum(&r), -1);
        ck_assert_ptr_nonnull(strstr(rdb_io_error(&r),
                                     "checksum at offset 6: mismatch"));
        free(q);
        rdb_io_release(&w);
    }
}
END_TEST

/* ---- a real Redis 7.0 file: header, aux fields, selectdb, resizedb ------- */

/*
 * autosync: the file writer flushes and fdatasync()s every `autosync`
 * bytes (rdb-save-incremental-fsync). On a pipe fdatasync fails (EINVAL),
 * which shows the writer tried it exactly when the step was reached.
 */
START_TEST(test_file_writer_autosync)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    FILE *fp = fdopen(fds[1], "w");
    rdb_io_t w;
    rdb_io_file_writer(&w, fp, NULL);
    w.autosync = 8;
    ck_assert_int_eq(rdb_save_raw(&w, "1234567", 7), 0);   /* under the step */
    ck_assert_ptr_null(rdb_io_error(&w));
    ck_assert_int_ne(rdb_save_raw(&w, "8", 1), 0);         /* 8 bytes: sync, EINVAL */
    ck_assert_ptr_nonnull(strstr(rdb_io_error(&w), "Invalid argument"));
    rdb_io_release(&w);
    rdb_io_file_writer(&w, fp, NULL);                      /* autosync 0: never */
    for (int i = 0; i < 8; i++) ck_assert_int_eq(rdb_save_raw(&w, "12345678", 8), 0);
    ck_assert_ptr_null(rdb_io_error(&w));
    rdb_io_release(&w);
    fclose(fp);
    close(fds[0]);
}
END_TEST

START_TEST(test_redis70_header)
{
    const char *dir = getenv("MODIS_RDB_FIXTURES");
    char path[1024];
    FILE *fp;
    rdb_io_t r;
    int ver, aux = 0, seen_select = 0, seen_resize = 0;
    uint8_t t;
    char *bits = NULL, *rver = NULL;

    snprintf(path, sizeof(path), "%s/redis-7.0.rdb",
             dir ? dir : RDB_FIXTURE_DIR);
    fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "fixture %s missing (tests/fixtures/rdb)", path);
    rdb_io_file_reader(&r, fp, NULL);
    ck_assert_uint_gt(r.size, 9);
    ck_assert_int_eq(rdb_load_header(&r, &ver), 0);
    ck_assert_int_eq(ver, 10);
    for (;;) {
        ck_assert_int_eq(rdb_load_type(&r, &t), 0);
        if (t == RDB_OPCODE_AUX) {
            size_t kl, vl;
            char *k = rdb_load_string(&r, &kl, NULL);
            char *v = rdb_load_string(&r, &vl, NULL);
            ck_assert_ptr_nonnull(k);
            ck_assert_ptr_nonnull(v);
            if (!strcmp(k, "redis-bits"))
                bits = v;
            else if (!strcmp(k, "redis-ver"))
                rver = v;
            else
                free(v);
            free(k);
            aux++;
        } else if (t == RDB_OPCODE_SELECTDB) {
            uint64_t db;
            ck_assert_int_eq(rdb_load_len(&r, &db, NULL), 0);
            ck_assert_uint_eq(db, 0);
            seen_select = 1;
        } else if (t == RDB_OPCODE_RESIZEDB) {
            uint64_t keys, expires;
            ck_assert_int_eq(rdb_load_len(&r, &keys, NULL), 0);
            ck_assert_int_eq(rdb_load_len(&r, &expires, NULL), 0);
            ck_assert_uint_gt(keys, 0);
            ck_assert_uint_le(expires, keys);
            seen_resize = 1;
        } else {
            break;
        }
    }
    ck_assert_ptr_null(rdb_io_error(&r));
    ck_assert_int_eq(aux, 5);
    ck_assert(seen_select && seen_resize);
    ck_assert_uint_eq(t, RDB_TYPE_STRING);
    ck_assert_ptr_nonnull(bits);
    ck_assert_str_eq(bits, "64");
    ck_assert_ptr_nonnull(rver);
    ck_assert_str_eq(rver, "7.0.15");
    /* and the first key's name */
    {
        size_t kl;
        char *k = rdb_load_string(&r, &kl, NULL);
        ck_assert_ptr_nonnull(k);
        ck_assert_str_eq(k, "s:str:271");
        free(k);
    }
    free(bits);
    free(rver);
    rdb_io_release(&r);
    fclose(fp);
}
END_TEST

static Suite *rdb_io_suite(void)
{
    Suite *s = suite_create("rdb_io");
    TCase *enc = tcase_create("encodings");
    TCase *dump = tcase_create("dump");
    TCase *bad = tcase_create("bad input");
    TCase *misc = tcase_create("streams");

    tcase_add_loop_test(enc, test_len_boundaries, 0,
                        sizeof(lens) / sizeof(lens[0]));
    tcase_add_test(enc, test_len_nonminimal_and_bad);
    tcase_add_loop_test(enc, test_string_encodings, 0,
                        sizeof(strs) / sizeof(strs[0]));
    tcase_add_test(enc, test_ll_string);
    tcase_add_test(enc, test_lzf_roundtrip);
    tcase_add_test(enc, test_lzf_incompressible);
    tcase_add_test(enc, test_lzf_large);
    tcase_add_test(enc, test_binary_double_float);
    tcase_add_test(enc, test_text_double);
    tcase_add_test(enc, test_seconds);
    suite_add_tcase(s, enc);

    tcase_add_loop_test(dump, test_dump_bytes_match_redis, 0,
                        sizeof(dumps) / sizeof(dumps[0]));
    tcase_add_test(dump, test_dump_footer);
    suite_add_tcase(s, dump);

    tcase_set_timeout(bad, 120);
    tcase_add_test(bad, test_stream_roundtrip);
    tcase_add_test(bad, test_truncated_memory);
    tcase_add_test(bad, test_truncated_unknown_size);
    tcase_add_test(bad, test_file_roundtrip_and_truncation);
    tcase_add_test(bad, test_fuzz_mutations);
    tcase_add_test(bad, test_corrupt_strings);
    tcase_add_test(bad, test_unknown_size_huge_length);
    tcase_add_test(bad, test_unknown_size_big_string);
    suite_add_tcase(s, bad);

    tcase_add_test(misc, test_allocator_accounting);
    tcase_add_test(misc, test_callback_writer);
    tcase_add_test(misc, test_misuse_and_errors);
    tcase_add_test(misc, test_header_checks);
    tcase_add_test(misc, test_checksum_footer);
    tcase_add_test(misc, test_redis70_header);
    tcase_add_test(misc, test_file_writer_autosync);
    suite_add_tcase(s, misc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rdb_io_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
