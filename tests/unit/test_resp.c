/*
 * test_resp.c — host/resp.c and host/reply.c: the incremental request
 * parser (multibulk and inline, Redis's exact protocol error texts, the same
 * result however the bytes are split across reads, garbage never crashing
 * it), the RESP2/RESP3 encoders checked byte for byte after a real write
 * through reply_write, and the output buffer (spilling into blocks,
 * deferred headers, partial writes to a full non-blocking socket).
 *
 * The simulated client below mirrors client.c: a query buffer, a parse
 * position, and the unconsumed bytes moved to the front after each read.
 * Its buffer is always exactly as large as the bytes it holds, so a read
 * past the end is reported when the suite runs under valgrind:
 *   CK_FORK=no valgrind --error-exitcode=1 tests/unit/test_resp
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "resp.h"
#include "reply.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define L(s) s, (sizeof(s) - 1)

/* ---- small helpers: a growable byte string, a PRNG ---- */

typedef struct bytes {
    char *p;
    size_t len, cap;
} bytes_t;

static void b_add(bytes_t *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void b_printf(bytes_t *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    b_add(b, tmp, (size_t)n);
}

static void b_free(bytes_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static uint64_t rng_state = 88172645463325252ULL;

static void rng_seed(uint64_t s) { rng_state = s ? s : 88172645463325252ULL; }

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t rnd(size_t n) { return n ? (size_t)(rng() % n) : 0; }

/* ---- the simulated client ---- */

typedef struct sim {
    resp_parser_t p;
    char *buf;          /* exactly len bytes (NULL when empty) */
    size_t len;
    bytes_t log;        /* transcript: one line per command or error */
    int closed;
    const char *last_err;
    char errcopy[80];
    int ncmds;
} sim_t;

static void sim_init(sim_t *s)
{
    memset(s, 0, sizeof(*s));
    resp_parser_init(&s->p);
    b_add(&s->log, "", 0);
}

static void sim_free(sim_t *s)
{
    resp_parser_free(&s->p);
    free(s->buf);
    b_free(&s->log);
}

static const char *const known_errors[] = {
    "invalid multibulk length",  "invalid bulk length",
    "too big inline request",    "too big mbulk count string",
    "too big bulk count string", "unbalanced quotes in request",
    "unauthenticated multibulk length", "unauthenticated bulk length",
};

static void check_err_text(const char *e)
{
    ck_assert_ptr_nonnull(e);
    for (size_t i = 0; i < sizeof(known_errors) / sizeof(known_errors[0]); i++)
        if (strcmp(e, known_errors[i]) == 0) return;
    /* "expected '$', got 'x'" (cut short at a NUL byte, as in Redis) */
    ck_assert_msg(strncmp(e, "expected '$', got '", 19) == 0, "unknown error text \"%s\"", e);
    size_t n = strlen(e);
    ck_assert_msg(n == 19 || (n == 21 && e[20] == '\''), "bad error text \"%s\"", e);
}

/* Log one finished command; its spans must lie inside the command. */
static void sim_log_command(sim_t *s, const char *base, size_t consumed)
{
    if (s->p.inline_empty) {
        ck_assert_int_eq(s->p.nargs, 0);
        b_add(&s->log, "Z\n", 2);
        return;
    }
    ck_assert_int_gt(s->p.nargs, 0);
    b_printf(&s->log, "C%d", s->p.nargs);
    for (int i = 0; i < s->p.nargs; i++) {
        resp_span_t a = s->p.args[i];
        ck_assert_msg(a.off <= consumed && a.len <= consumed - a.off,
                      "arg %d span %zu+%zu outside command of %zu bytes", i, a.off,
                      a.len, consumed);
        b_printf(&s->log, "|%zu:", a.len);
        b_add(&s->log, base + a.off, a.len);
    }
    b_add(&s->log, "\n", 1);
    s->ncmds++;
}

/* One read: append the bytes, run every complete command, then move the
 * unconsumed tail to the front of the buffer (client_process_input). */
static void sim_feed(sim_t *s, const char *data, size_t n)
{
    if (s->closed || n == 0) return;
    char *nb = malloc(s->len + n);
    if (s->len) memcpy(nb, s->buf, s->len);
    memcpy(nb + s->len, data, n);
    free(s->buf);
    s->buf = nb;
    s->len += n;

    size_t qpos = 0;
    while (qpos < s->len) {
        size_t consumed = (size_t)-1, want = (size_t)-1;
        char *base = s->buf + qpos;
        int r = resp_parse(&s->p, base, s->len - qpos, &consumed, &want);
        ck_assert_msg(r == RESP_READY || r == RESP_NEED_MORE || r == RESP_ERROR,
                      "resp_parse returned %d", r);
        if (r == RESP_NEED_MORE) break;
        if (r == RESP_ERROR) {
            check_err_text(s->p.err);
            snprintf(s->errcopy, sizeof(s->errcopy), "%s", s->p.err);
            s->last_err = s->errcopy;
            b_printf(&s->log, "E:%s\n", s->p.err);
            s->closed = 1;
            return;
        }
        ck_assert_msg(consumed > 0 && consumed <= s->len - qpos,
                      "consumed %zu of %zu", consumed, s->len - qpos);
        sim_log_command(s, base, consumed);
        qpos += consumed;
        resp_parser_reset(&s->p);
    }
    memmove(s->buf, s->buf + qpos, s->len - qpos);
    s->len -= qpos;
}

/* Transcript of a stream fed whole, or cut at the given points. */
static void run_cuts(bytes_t *out, size_t *left, const char *d, size_t n,
                     const size_t *cuts, int ncuts)
{
    sim_t s;
    sim_init(&s);
    size_t at = 0;
    for (int i = 0; i < ncuts; i++) {
        sim_feed(&s, d + at, cuts[i] - at);
        at = cuts[i];
    }
    sim_feed(&s, d + at, n - at);
    b_add(out, s.log.p, s.log.len);
    if (left) *left = s.closed ? (size_t)-1 : s.len;
    sim_free(&s);
}

static void run_chunks(bytes_t *out, size_t *left, const char *d, size_t n,
                       size_t maxchunk, long long max_bulk, long long max_mbulk)
{
    sim_t s;
    sim_init(&s);
    if (max_bulk) s.p.max_bulk = max_bulk;
    if (max_mbulk) s.p.max_mbulk = max_mbulk;
    size_t at = 0;
    while (at < n) {
        size_t k = maxchunk ? 1 + rnd(maxchunk) : n - at;
        if (k > n - at) k = n - at;
        sim_feed(&s, d + at, k);
        at += k;
    }
    b_add(out, s.log.p, s.log.len);
    if (left) *left = s.closed ? (size_t)-1 : s.len;
    sim_free(&s);
}

/* Feed a whole string and return the error text, or NULL if none. */
static const char *err_of(const char *d, size_t n)
{
    static char e[80];
    sim_t s;
    sim_init(&s);
    sim_feed(&s, d, n);
    const char *r = NULL;
    if (s.closed) {
        snprintf(e, sizeof(e), "%s", s.last_err);
        r = e;
    }
    sim_free(&s);
    return r;
}

/* Variadic so that L("...") expands to the (data, length) pair first. */
#define ck_assert_err(...) ck_assert_err_(__VA_ARGS__)
#define ck_assert_no_err(...) ck_assert_no_err_(__VA_ARGS__)
#define ck_assert_err_(d, n, text)                                 \
    do {                                                           \
        const char *e_ = err_of((d), (n));                         \
        ck_assert_msg(e_ != NULL, "no error, want \"%s\"", text); \
        ck_assert_str_eq(e_, text);                                \
    } while (0)

#define ck_assert_no_err_(d, n) ck_assert_ptr_null(err_of((d), (n)))

/* ---- one direct resp_parse call ---- */

typedef struct one {
    resp_parser_t p;
    char *buf;
    int r;
    size_t consumed, want;
} one_t;

static void one_parse(one_t *o, const char *s, size_t n)
{
    resp_parser_init(&o->p);
    o->buf = malloc(n ? n : 1);
    memcpy(o->buf, s, n);
    o->consumed = 12345;
    o->want = 12345;
    o->r = resp_parse(&o->p, o->buf, n, &o->consumed, &o->want);
}

static void one_free(one_t *o)
{
    resp_parser_free(&o->p);
    free(o->buf);
}

#define ARG_EQ(o, i, lit)                                                  \
    do {                                                                   \
        ck_assert_uint_eq((o)->p.args[i].len, sizeof(lit) - 1);            \
        ck_assert_mem_eq((o)->buf + (o)->p.args[i].off, lit, sizeof(lit) - 1); \
    } while (0)

/* ==== parser: multibulk ==== */

START_TEST(test_parse_mbulk_whole)
{
    one_t o;
    one_parse(&o, L("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"));
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_uint_eq(o.consumed, 33);
    ck_assert_uint_eq(o.want, 0);
    ck_assert_int_eq(o.p.nargs, 3);
    ck_assert_int_eq(o.p.inline_empty, 0);
    ARG_EQ(&o, 0, "SET");
    ARG_EQ(&o, 1, "key");
    ARG_EQ(&o, 2, "value");
    ck_assert_uint_eq(o.p.args[0].off, 8);
    ck_assert_uint_eq(o.p.args[1].off, 17);
    ck_assert_uint_eq(o.p.args[2].off, 26);

    /* The parser is reusable after a reset. */
    resp_parser_reset(&o.p);
    memcpy(o.buf, "*1\r\n$4\r\nPING\r\n", 14);
    ck_assert_int_eq(resp_parse(&o.p, o.buf, 14, &o.consumed, &o.want), RESP_READY);
    ck_assert_uint_eq(o.consumed, 14);
    ck_assert_int_eq(o.p.nargs, 1);
    ARG_EQ(&o, 0, "PING");
    one_free(&o);
}
END_TEST

/* A partial command: NEED_MORE with the missing byte count when known. */
START_TEST(test_parse_need_more_and_want)
{
    static const char cmd[] = "*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n";
    size_t n = sizeof(cmd) - 1;
    for (size_t k = 0; k < n; k++) {
        one_t o;
        one_parse(&o, cmd, k);
        ck_assert_msg(o.r == RESP_NEED_MORE, "prefix %zu: %d", k, o.r);
        one_free(&o);
    }
    one_t o;
    one_parse(&o, cmd, 20); /* "...$5\r\nhel": "lo" and the CRLF missing */
    ck_assert_int_eq(o.r, RESP_NEED_MORE);
    ck_assert_uint_eq(o.want, 4);
    one_free(&o);
    one_parse(&o, cmd, 9); /* "...$3\r\nG": GET plus CRLF */
    ck_assert_int_eq(o.r, RESP_NEED_MORE);
    ck_assert_uint_eq(o.want, 4);
    one_free(&o);
    one_parse(&o, L("*1\r\n$1000000\r\n"));
    ck_assert_int_eq(o.r, RESP_NEED_MORE);
    ck_assert_uint_eq(o.want, 1000002);
    one_free(&o);
    one_parse(&o, L("*1\r\n$10"));
    ck_assert_int_eq(o.r, RESP_NEED_MORE);
    ck_assert_uint_eq(o.want, 0); /* header incomplete: unknown */
    one_free(&o);
}
END_TEST

START_TEST(test_parse_pipelined)
{
    char buf[] = "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nECHO hi\r\n"
                 "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nPI";
    size_t len = sizeof(buf) - 1, qpos = 0, consumed, want;
    resp_parser_t p;
    resp_parser_init(&p);

    static const size_t sizes[] = {14, 20, 9, 27};
    static const int nargs[] = {1, 2, 2, 3};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(resp_parse(&p, buf + qpos, len - qpos, &consumed, &want), RESP_READY);
        ck_assert_uint_eq(consumed, sizes[i]);
        ck_assert_int_eq(p.nargs, nargs[i]);
        if (i == 2) {
            ck_assert_uint_eq(p.args[1].len, 2);
            ck_assert_mem_eq(buf + qpos + p.args[1].off, "hi", 2);
        }
        if (i == 3) {
            ck_assert_uint_eq(p.args[2].len, 1);
            ck_assert_mem_eq(buf + qpos + p.args[2].off, "v", 1);
        }
        qpos += consumed;
        resp_parser_reset(&p);
    }
    ck_assert_int_eq(resp_parse(&p, buf + qpos, len - qpos, &consumed, &want), RESP_NEED_MORE);
    ck_assert_uint_eq(want, 4);
    resp_parser_free(&p);

    /* Through the client model: the same four commands, the tail left over. */
    sim_t s;
    sim_init(&s);
    sim_feed(&s, buf, len);
    ck_assert_str_eq(s.log.p, "C1|4:PING\nC2|3:GET|1:k\nC2|4:ECHO|2:hi\nC3|3:SET|1:k|1:v\n");
    ck_assert_uint_eq(s.len, 10);
    ck_assert_mem_eq(s.buf, "*1\r\n$4\r\nPI", 10);
    sim_feed(&s, L("NG\r\n"));
    ck_assert_uint_eq(s.len, 0);
    ck_assert_int_eq(s.ncmds, 5);
    sim_free(&s);
}
END_TEST

START_TEST(test_parse_binary_args)
{
    one_t o;
    one_parse(&o, L("*3\r\n$3\r\nSET\r\n$4\r\nk\r\nk\r\n$8\r\n\r\n\0$*\r\n\xff\r\n"));
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_int_eq(o.p.nargs, 3);
    ARG_EQ(&o, 1, "k\r\nk");
    ARG_EQ(&o, 2, "\r\n\0$*\r\n\xff");
    one_free(&o);

    /* A 1 MB argument of every byte value. */
    size_t big = 1 << 20;
    bytes_t cmd = {0};
    b_printf(&cmd, "*2\r\n$4\r\nECHO\r\n$%zu\r\n", big);
    size_t data_at = cmd.len;
    for (size_t i = 0; i < big; i++) {
        char c = (char)(i * 7 + (i >> 8));
        b_add(&cmd, &c, 1);
    }
    b_add(&cmd, "\r\n", 2);
    one_parse(&o, cmd.p, cmd.len);
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_uint_eq(o.consumed, cmd.len);
    ck_assert_uint_eq(o.p.args[1].off, data_at);
    ck_assert_uint_eq(o.p.args[1].len, big);
    ck_assert_int_eq(memcmp(o.buf + data_at, cmd.p + data_at, big), 0);
    one_free(&o);
    b_free(&cmd);
}
END_TEST

START_TEST(test_parse_zero_length_args)
{
    one_t o;
    one_parse(&o, L("*3\r\n$0\r\n\r\n$0\r\n\r\n$1\r\nx\r\n"));
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_uint_eq(o.consumed, 23);
    ck_assert_int_eq(o.p.nargs, 3);
    ck_assert_uint_eq(o.p.args[0].len, 0);
    ck_assert_uint_eq(o.p.args[1].len, 0);
    ARG_EQ(&o, 2, "x");
    one_free(&o);
}
END_TEST

/* Like Redis, the two bytes after a bulk payload are skipped unchecked. */
START_TEST(test_parse_bulk_trailer_not_checked)
{
    one_t o;
    one_parse(&o, L("*1\r\n$3\r\nfooXY*1\r\n"));
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_uint_eq(o.consumed, 13);
    ARG_EQ(&o, 0, "foo");
    one_free(&o);
}
END_TEST

/* *0 and negative counts: an empty command, skipped; the next one parses. */
START_TEST(test_parse_empty_multibulk)
{
    static const char *const hdrs[] = {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-9223372036854775808\r\n"};
    for (size_t i = 0; i < 4; i++) {
        one_t o;
        one_parse(&o, hdrs[i], strlen(hdrs[i]));
        ck_assert_int_eq(o.r, RESP_READY);
        ck_assert_uint_eq(o.consumed, strlen(hdrs[i]));
        ck_assert_int_eq(o.p.inline_empty, 1);
        ck_assert_int_eq(o.p.nargs, 0);
        one_free(&o);
    }
    sim_t s;
    sim_init(&s);
    sim_feed(&s, L("*0\r\n*-5\r\n*1\r\n$4\r\nPING\r\n"));
    ck_assert_str_eq(s.log.p, "Z\nZ\nC1|4:PING\n");
    ck_assert_uint_eq(s.len, 0);
    sim_free(&s);
}
END_TEST

/* ==== parser: the same result however the stream is cut ==== */

typedef struct sample {
    const char *data;
    size_t len;
    const char *transcript;
    size_t tlen;
} sample_t;

#define SAMPLE(d, t) {d, sizeof(d) - 1, t, sizeof(t) - 1}

static const sample_t samples[] = {
    SAMPLE("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
           "C3|3:SET|3:key|5:value\n"),
    SAMPLE("*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n",
           "C1|4:PING\nC1|4:PING\nC2|3:GET|0:\n"),
    SAMPLE("*2\r\n$4\r\nECHO\r\n$8\r\na\r\n\0$*\r\n\r\n*1\r\n$2\r\n\r\n\r\n",
           "C2|4:ECHO|8:a\r\n\0$*\r\n\nC1|2:\r\n\n"),
    SAMPLE("SET \"a b\" 'c d'\r\n\r\nGET\tx\n  \r\n*0\r\n*-1\r\nECHO \"\\x41\\n\"\r\n",
           "C3|3:SET|3:a b|3:c d\nZ\nC2|3:GET|1:x\nZ\nZ\nZ\nC2|4:ECHO|2:A\n\n"),
    SAMPLE("*2\r\n$0\r\n\r\n$0\r\n\r\n*1\r\n$10\r\n0123456789\r\n",
           "C2|0:|0:\nC1|10:0123456789\n"),
    SAMPLE("PING\r\n*1\r\n$3\r\nfoo\r\n*2\r\nxx\r\n",
           "C1|4:PING\nC1|3:foo\nE:expected '$', got 'x'\n"),
    SAMPLE("PING\n*1\r\n$-3\r\n", "C1|4:PING\nE:invalid bulk length\n"),
    SAMPLE("*1\r\n$1\r\na\r\n*abc\r\n", "C1|1:a\nE:invalid multibulk length\n"),
    SAMPLE("ECHO ok\r\nECHO \"unterminated\r\nPING\r\n",
           "C2|4:ECHO|2:ok\nE:unbalanced quotes in request\n"),
    SAMPLE("*12\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"
           "$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n11\r\n",
           "C12|1:0|1:1|1:2|1:3|1:4|1:5|1:6|1:7|1:8|1:9|2:10|2:11\n"),
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

START_TEST(test_split_whole_matches_expected)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        bytes_t t = {0};
        run_cuts(&t, NULL, samples[i].data, samples[i].len, NULL, 0);
        size_t want = samples[i].tlen; /* transcripts may hold NULs */
        ck_assert_msg(t.len == want && memcmp(t.p, samples[i].transcript, want) == 0,
                      "sample %zu: transcript \"%s\"", i, t.p);
        b_free(&t);
    }
}
END_TEST

/* One cut anywhere, and two cuts at every pair of positions. */
START_TEST(test_split_every_boundary)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        const sample_t *sm = &samples[i];
        bytes_t whole = {0};
        size_t whole_left;
        run_cuts(&whole, &whole_left, sm->data, sm->len, NULL, 0);
        for (size_t a = 0; a <= sm->len; a++) {
            for (size_t b = a; b <= sm->len; b++) {
                size_t cuts[2] = {a, b}, left;
                bytes_t t = {0};
                run_cuts(&t, &left, sm->data, sm->len, cuts, 2);
                ck_assert_msg(t.len == whole.len && memcmp(t.p, whole.p, t.len) == 0,
                              "sample %zu cut at %zu,%zu: \"%s\" vs \"%s\"", i, a, b,
                              t.p, whole.p);
                ck_assert_uint_eq(left, whole_left);
                b_free(&t);
            }
        }
        b_free(&whole);
    }
}
END_TEST

START_TEST(test_split_byte_by_byte)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        const sample_t *sm = &samples[i];
        bytes_t whole = {0}, t = {0};
        size_t lw, lt;
        run_cuts(&whole, &lw, sm->data, sm->len, NULL, 0);
        run_chunks(&t, &lt, sm->data, sm->len, 1, 0, 0);
        ck_assert_uint_eq(t.len, whole.len);
        ck_assert_mem_eq(t.p, whole.p, t.len);
        ck_assert_uint_eq(lt, lw);
        b_free(&whole);
        b_free(&t);
    }
}
END_TEST

START_TEST(test_split_random_chunks)
{
    /* All samples back to back, valid ones only (errors end the stream). */
    bytes_t all = {0}, whole = {0};
    for (size_t i = 0; i < NSAMPLES; i++)
        if (!memmem(samples[i].transcript, samples[i].tlen, "E:", 2)) b_add(&all, samples[i].data, samples[i].len);
    size_t lw;
    run_cuts(&whole, &lw, all.p, all.len, NULL, 0);
    ck_assert_uint_eq(lw, 0);
    rng_seed(2024);
    for (int it = 0; it < 3000; it++) {
        bytes_t t = {0};
        size_t lt;
        run_chunks(&t, &lt, all.p, all.len, 1 + rnd(40), 0, 0);
        ck_assert_uint_eq(t.len, whole.len);
        ck_assert_mem_eq(t.p, whole.p, t.len);
        ck_assert_uint_eq(lt, 0);
        b_free(&t);
    }
    b_free(&all);
    b_free(&whole);
}
END_TEST

/* A large argument arriving in pieces of every size. */
START_TEST(test_split_big_bulk)
{
    bytes_t cmd = {0}, whole = {0};
    size_t big = 300000;
    b_printf(&cmd, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%zu\r\n", big);
    for (size_t i = 0; i < big; i++) {
        char c = (char)("\r\n$*ab"[i % 6]);
        b_add(&cmd, &c, 1);
    }
    b_add(&cmd, "\r\n*1\r\n$4\r\nPING\r\n", 16);
    run_cuts(&whole, NULL, cmd.p, cmd.len, NULL, 0);
    ck_assert_int_eq(memcmp(whole.p, "C3|3:SET|1:k|300000:\r\n$*ab", 26), 0);
    rng_seed(77);
    for (int it = 0; it < 20; it++) {
        bytes_t t = {0};
        run_chunks(&t, NULL, cmd.p, cmd.len, 1 + rnd(70000), 0, 0);
        ck_assert_uint_eq(t.len, whole.len);
        ck_assert_mem_eq(t.p, whole.p, t.len);
        b_free(&t);
    }
    b_free(&cmd);
    b_free(&whole);
}
END_TEST

/* ==== parser: inline commands ==== */

/* Asserts in the macro so a failure names the caller's line. */
#define INLINE_IS(line, transcript)                                              \
    do {                                                                         \
        bytes_t t_ = {0};                                                        \
        run_cuts(&t_, NULL, line, sizeof(line) - 1, NULL, 0);                    \
        ck_assert_msg(t_.len == sizeof(transcript) - 1 &&                        \
                          memcmp(t_.p, transcript, sizeof(transcript) - 1) == 0, \
                      "inline \"%s\": got \"%s\" want \"%s\"", line, t_.p,       \
                      transcript);                                               \
        b_free(&t_);                                                             \
    } while (0)

START_TEST(test_inline_splitting)
{
    INLINE_IS("PING\r\n", "C1|4:PING\n");
    INLINE_IS("PING\n", "C1|4:PING\n");
    INLINE_IS("SET key value\r\n", "C3|3:SET|3:key|5:value\n");
    INLINE_IS("  SET   key    value   \r\n", "C3|3:SET|3:key|5:value\n");
    INLINE_IS("SET\tkey\t\tvalue\r\n", "C3|3:SET|3:key|5:value\n");
    INLINE_IS("\t GET \t k \t\r\n", "C2|3:GET|1:k\n");
    INLINE_IS("GET k\r\r\n", "C2|3:GET|1:k\n"); /* a stray CR is a blank */
    INLINE_IS("a\rb\r\n", "C2|1:a|1:b\n");
    INLINE_IS("x$3 *1\r\n", "C2|3:x$3|2:*1\n");
    INLINE_IS("PING\r\nECHO a\nECHO b\r\n", "C1|4:PING\nC2|4:ECHO|1:a\nC2|4:ECHO|1:b\n");
}
END_TEST

START_TEST(test_inline_quotes)
{
    INLINE_IS("SET \"a b\" c\r\n", "C3|3:SET|3:a b|1:c\n");
    INLINE_IS("ECHO \"\\x41\\x62\\x7a\"\r\n", "C2|4:ECHO|3:Abz\n");
    INLINE_IS("ECHO \"\\xFF\\x00\"\r\n", "C2|4:ECHO|2:\xff\0\n");
    INLINE_IS("ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n", "C2|4:ECHO|8:\n\r\t\b\a\\\"q\n");
    INLINE_IS("ECHO \"\\x4g\"\r\n", "C2|4:ECHO|3:x4g\n"); /* not a hex escape */
    INLINE_IS("ECHO \"\\x4\"\r\n", "C2|4:ECHO|2:x4\n");
    INLINE_IS("ECHO \"\"\r\n", "C2|4:ECHO|0:\n");
    INLINE_IS("ECHO '' ''\r\n", "C3|4:ECHO|0:|0:\n");
    INLINE_IS("ECHO 'it\\'s'\r\n", "C2|4:ECHO|4:it's\n");
    INLINE_IS("ECHO 'a\\nb'\r\n", "C2|4:ECHO|4:a\\nb\n"); /* no escapes in '' */
    INLINE_IS("ECHO 'say \"hi\"'\r\n", "C2|4:ECHO|8:say \"hi\"\n");
    INLINE_IS("ECHO \"it's\"\r\n", "C2|4:ECHO|4:it's\n");
    INLINE_IS("ECHO a\"b c\"d\r\n", "E:unbalanced quotes in request\n");
    INLINE_IS("ECHO a\"b c\" d\r\n", "C3|4:ECHO|4:ab c|1:d\n");
    INLINE_IS("ECHO \"a\"\t\"b\"\r\n", "C3|4:ECHO|1:a|1:b\n");
    INLINE_IS("ECHO \"x\"\r\n", "C2|4:ECHO|1:x\n");
    INLINE_IS("\"SET\" \"k\" \"v\"\n", "C3|3:SET|1:k|1:v\n");
}
END_TEST

START_TEST(test_inline_empty)
{
    INLINE_IS("\r\n", "Z\n");
    INLINE_IS("\n", "Z\n");
    INLINE_IS("   \r\n", "Z\n");
    INLINE_IS("\t\t\n", "Z\n");
    INLINE_IS("\r\n\r\n\nPING\r\n", "Z\nZ\nZ\nC1|4:PING\n");

    one_t o;
    one_parse(&o, L("\r\nPING\r\n"));
    ck_assert_int_eq(o.r, RESP_READY);
    ck_assert_int_eq(o.p.inline_empty, 1);
    ck_assert_int_eq(o.p.nargs, 0);
    ck_assert_uint_eq(o.consumed, 2);
    one_free(&o);

    one_parse(&o, L("PING"));
    ck_assert_int_eq(o.r, RESP_NEED_MORE);
    one_free(&o);
}
END_TEST

/*
 * sdssplitargs ends an unquoted token only at ' ', '\n', '\r', '\t' or NUL:
 * a vertical tab or form feed inside a token is part of it (isspace is used
 * only to skip blanks between tokens and after a closing quote).
 */
START_TEST(test_inline_vt_ff_inside_token)
{
    INLINE_IS("ECHO a\vb\r\n", "C2|4:ECHO|3:a\vb\n");
    INLINE_IS("ECHO a\fb\r\n", "C2|4:ECHO|3:a\fb\n");
}
END_TEST

/*
 * Parse one buffer in a child process with 2 s and 256 MB to spare, so a
 * parser that loops or allocates without end fails the test instead of
 * taking the machine down. Returns the resp_parse status, -100 for a
 * timeout, -(100 + signal) if the child died, -2 for a span outside the
 * command.
 */
static int parse_contained(const char *d, size_t n, int *nargs)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        struct rlimit rl = {256u << 20, 256u << 20};
        setrlimit(RLIMIT_AS, &rl);
        resp_parser_t p;
        resp_parser_init(&p);
        char *buf = malloc(n);
        memcpy(buf, d, n);
        size_t consumed = 0, want;
        int res[2];
        res[0] = resp_parse(&p, buf, n, &consumed, &want);
        res[1] = p.nargs;
        if (res[0] == RESP_READY) {
            if (consumed == 0 || consumed > n) res[0] = -2;
            for (int i = 0; i < p.nargs; i++)
                if (p.args[i].off > consumed || p.args[i].len > consumed - p.args[i].off)
                    res[0] = -2;
        }
        if (write(fds[1], res, sizeof(res)) != sizeof(res)) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status, result = -100;
    for (;;) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec >= 2) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            close(fds[0]);
            return -100;
        }
        usleep(1000);
    }
    int res[2];
    if (WIFSIGNALED(status)) result = -(100 + WTERMSIG(status));
    else if (read(fds[0], res, sizeof(res)) == sizeof(res)) {
        result = res[0];
        *nargs = res[1];
    }
    close(fds[0]);
    return result;
}

/*
 * A NUL byte on an inline line (binary garbage, a client bug): the parser
 * must finish at once whatever it decides. Redis stops reading the line at
 * the NUL (sdssplitargs works on C strings).
 */
START_TEST(test_inline_nul_byte)
{
    static const struct {
        const char *in;
        size_t n;
    } cases[] = {
        {L("ECHO a\0b\r\n")}, {L("\0\r\n")},     {L("ECHO \0\r\n")},
        {L("\0 \0\n")},       {L("ECHO \"a\0b\"\n")}, {L("ECHO 'a\0b'\n")},
        {L("a\0")},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int nargs = -1;
        int r = parse_contained(cases[i].in, cases[i].n, &nargs);
        ck_assert_msg(r != -100, "case %zu: resp_parse did not return within 2 s", i);
        ck_assert_msg(r > -100, "case %zu: parser process died (signal %d: out of memory?)",
                      i, -r - 100);
        ck_assert_msg(r == RESP_READY || r == RESP_ERROR || r == RESP_NEED_MORE,
                      "case %zu: status %d", i, r);
        ck_assert_int_le(nargs, (int)cases[i].n);
    }
}
END_TEST

/* ==== parser: protocol errors, Redis's texts ==== */

START_TEST(test_err_multibulk_length)
{
    ck_assert_err(L("*abc\r\n"), "invalid multibulk length");
    ck_assert_err(L("*\r\n"), "invalid multibulk length");
    ck_assert_err(L("*1x\r\n"), "invalid multibulk length");
    ck_assert_err(L("* 1\r\n"), "invalid multibulk length");
    ck_assert_err(L("*+1\r\n"), "invalid multibulk length");
    ck_assert_err(L("*01\r\n"), "invalid multibulk length");
    ck_assert_err(L("*-0\r\n"), "invalid multibulk length");
    ck_assert_err(L("*1.0\r\n"), "invalid multibulk length");
    ck_assert_err(L("*99999999999999999999\r\n"), "invalid multibulk length");
    /* Redis 7 takes any count an int holds (the query buffer limit
     * bounds the rest): 1,048,577 and INT_MAX are fine, INT_MAX + 1 not. */
    ck_assert_err(L("*2147483648\r\n"), "invalid multibulk length");
    ck_assert_no_err(L("*2147483647\r\n"));
    ck_assert_no_err(L("*1048577\r\n"));
    ck_assert_no_err(L("*1048576\r\n"));
    ck_assert_no_err(L("*2\r\n$1\r\na\r\n"));

    /* The caller's limit (client.c uses 10 before AUTH). */
    sim_t s;
    sim_init(&s);
    s.p.max_mbulk = 10;
    sim_feed(&s, L("*10\r\n"));
    ck_assert_int_eq(s.closed, 0);
    sim_free(&s);
    sim_init(&s);
    s.p.max_mbulk = 10;
    sim_feed(&s, L("*11\r\n"));
    ck_assert_int_eq(s.closed, 1);
    ck_assert_str_eq(s.last_err, "invalid multibulk length");
    sim_free(&s);
}
END_TEST

START_TEST(test_err_bulk_length)
{
    ck_assert_err(L("*1\r\n$-1\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$-5\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$abc\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$3x\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$03\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$+3\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$536870913\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$9223372036854775807\r\n"), "invalid bulk length");
    ck_assert_err(L("*1\r\n$99999999999999999999\r\n"), "invalid bulk length");
    ck_assert_err(L("*2\r\n$1\r\na\r\n$-1\r\n"), "invalid bulk length");
    ck_assert_no_err(L("*1\r\n$536870912\r\n"));

    sim_t s;
    sim_init(&s);
    s.p.max_bulk = 16384;
    sim_feed(&s, L("*1\r\n$16384\r\n"));
    ck_assert_int_eq(s.closed, 0);
    sim_free(&s);
    sim_init(&s);
    s.p.max_bulk = 16384;
    sim_feed(&s, L("*1\r\n$16385\r\n"));
    ck_assert_str_eq(s.last_err, "invalid bulk length");
    sim_free(&s);
}
END_TEST

/* Before AUTH: Redis's tighter limits, checked after the general ones. */
START_TEST(test_err_unauthenticated)
{
    static const struct {
        const char *in;
        const char *err; /* NULL: no error */
    } cases[] = {
        {"*10\r\n", NULL},
        {"*11\r\n", "unauthenticated multibulk length"},
        {"*1000\r\n", "unauthenticated multibulk length"},
        {"*abc\r\n", "invalid multibulk length"},
        {"*1\r\n$16384\r\n", NULL},
        {"*1\r\n$16385\r\n", "unauthenticated bulk length"},
        {"*1\r\n$-1\r\n", "invalid bulk length"},
        {"*1\r\n$536870913\r\n", "invalid bulk length"},
        {"*0\r\n*-20\r\n", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sim_t s;
        sim_init(&s);
        s.p.unauth = 1;
        sim_feed(&s, cases[i].in, strlen(cases[i].in));
        if (cases[i].err) {
            ck_assert_msg(s.closed, "\"%s\": no error", cases[i].in);
            ck_assert_str_eq(s.last_err, cases[i].err);
        } else {
            ck_assert_msg(!s.closed, "\"%s\": %s", cases[i].in, s.last_err);
        }
        sim_free(&s);
    }
}
END_TEST

START_TEST(test_err_expected_dollar)
{
    ck_assert_err(L("*1\r\nx"), "expected '$', got 'x'");
    ck_assert_err(L("*1\r\n:1\r\n"), "expected '$', got ':'");
    ck_assert_err(L("*1\r\n*1\r\n"), "expected '$', got '*'");
    ck_assert_err(L("*2\r\n$3\r\nGET\r\n+k\r\n"), "expected '$', got '+'");
    ck_assert_err(L("*1\r\n\r\n"), "expected '$', got '\r'");
    ck_assert_err(L("*1\r\n $1\r\n"), "expected '$', got ' '");
}
END_TEST

START_TEST(test_err_too_big_inline)
{
    size_t n = 70000;
    char *big = malloc(n + 2);
    memset(big, 'a', n);

    ck_assert_err(big, n, "too big inline request");
    ck_assert_no_err(big, 65536);
    ck_assert_err(big, 65537, "too big inline request");

    /* Arriving in pieces: the limit trips on the byte that crosses it. */
    sim_t s;
    sim_init(&s);
    for (size_t at = 0; at < 65536; at += 4096) sim_feed(&s, big + at, 4096);
    ck_assert_int_eq(s.closed, 0);
    sim_feed(&s, "a", 1);
    ck_assert_int_eq(s.closed, 1);
    ck_assert_str_eq(s.last_err, "too big inline request");
    sim_free(&s);

    /* With its newline in the buffer a long line is accepted, as in Redis. */
    big[n] = '\r';
    big[n + 1] = '\n';
    sim_init(&s);
    sim_feed(&s, big, n + 2);
    ck_assert_int_eq(s.closed, 0);
    ck_assert_int_eq(s.ncmds, 1);
    ck_assert_int_eq(s.p.nargs, 0); /* reset after the command */
    sim_free(&s);
    free(big);
}
END_TEST

START_TEST(test_err_too_big_count_strings)
{
    size_t n = 70000;
    char *big = malloc(n + 8);

    big[0] = '*';
    memset(big + 1, '1', n - 1);
    ck_assert_err(big, n, "too big mbulk count string");

    memcpy(big, "*1\r\n$", 5);
    memset(big + 5, '1', n - 5);
    ck_assert_err(big, n, "too big bulk count string");

    /* A long count that does end in CRLF is just an invalid number. */
    memcpy(big, "*", 1);
    memset(big + 1, '1', 100);
    memcpy(big + 101, "\r\n", 2);
    ck_assert_err(big, 103, "invalid multibulk length");
    free(big);
}
END_TEST

/*
 * Redis compares the bytes from the '*' or '$' to the end of the buffer
 * (sdslen(querybuf) - qb_pos) with PROTO_INLINE_MAX_SIZE: 65536 bytes
 * without a CR are still waited for, 65537 are an error.
 */
START_TEST(test_err_too_big_count_boundary)
{
    size_t n = 65537;
    char *big = malloc(n + 4);

    big[0] = '*';
    memset(big + 1, '1', n - 1);
    ck_assert_no_err(big, 65536);
    ck_assert_err(big, 65537, "too big mbulk count string");

    memcpy(big, "*1\r\n$", 5);
    memset(big + 5, '1', n - 1);
    ck_assert_no_err(big, 4 + 65536);
    ck_assert_err(big, 4 + 65537, "too big bulk count string");
    free(big);
}
END_TEST

START_TEST(test_err_unbalanced_quotes)
{
    ck_assert_err(L("SET \"abc\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET 'abc\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET \"abc\"def\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET 'abc'def\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET \"abc\\\"\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET \"abc\\\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("SET 'abc\\'\r\n"), "unbalanced quotes in request");
    ck_assert_err(L("\"\n"), "unbalanced quotes in request");
    ck_assert_no_err(L("SET \"abc"));         /* no newline yet */
    ck_assert_no_err(L("SET \"a\\\"b\"\r\n")); /* escaped quote */
}
END_TEST

/* ==== parser: fuzz ==== */

static void gen_valid(bytes_t *b)
{
    int ncmd = 1 + (int)rnd(4);
    for (int c = 0; c < ncmd; c++) {
        int nargs = (int)rnd(5);
        if (rnd(4) == 0) {
            for (int a = 0; a < nargs + 1; a++) {
                if (a) b_add(b, " \t" + rnd(2), 1);
                size_t l = 1 + rnd(6);
                for (size_t i = 0; i < l; i++) b_add(b, "abcXYZ\"'\\x41 " + rnd(13), 1);
            }
            b_add(b, rnd(2) ? "\r\n" : "\n", rnd(2) ? 2 : 1);
        } else {
            b_printf(b, "*%d\r\n", nargs);
            for (int a = 0; a < nargs; a++) {
                size_t l = rnd(3) == 0 ? rnd(300) : rnd(8);
                b_printf(b, "$%zu\r\n", l);
                for (size_t i = 0; i < l; i++) {
                    char ch = (char)rng();
                    b_add(b, &ch, 1);
                }
                b_add(b, "\r\n", 2);
            }
        }
    }
}

static void mutate(bytes_t *b)
{
    int k = 1 + (int)rnd(5);
    static const char interesting[] = "*$\r\n-0123456789 \"'\\x\0\xff";
    for (int i = 0; i < k && b->len; i++) {
        size_t at = rnd(b->len);
        switch (rnd(5)) {
        case 0: b->p[at] = (char)rng(); break;
        case 1: b->p[at] = interesting[rnd(sizeof(interesting) - 1)]; break;
        case 2: /* delete */
            memmove(b->p + at, b->p + at + 1, b->len - at - 1);
            b->len--;
            break;
        case 3: { /* insert */
            char c = interesting[rnd(sizeof(interesting) - 1)];
            b_add(b, &c, 1);
            memmove(b->p + at + 1, b->p + at, b->len - at - 1);
            b->p[at] = c;
            break;
        }
        default: /* truncate */
            b->len = at;
            break;
        }
    }
}

static void gen_huge_lengths(bytes_t *b)
{
    static const char *const heads[] = {
        "*2147483648\r\n", "*2147483647\r\n", "*1048576\r\n", "*9223372036854775807\r\n",
        "*-9223372036854775808\r\n", "*1\r\n$536870912\r\n", "*1\r\n$536870911\r\nabc",
        "*1\r\n$9223372036854775807\r\n", "*1\r\n$18446744073709551615\r\n",
        "*3\r\n$2147483647\r\n", "*2\r\n$1\r\na\r\n$4294967296\r\n", "*1\r\n$0",
        "*1\r\n$1\r\n", "*1\r\n$-9223372036854775808\r\n", "*4294967297\r\n$1\r\nx\r\n",
    };
    const char *h = heads[rnd(sizeof(heads) / sizeof(heads[0]))];
    b_add(b, h, strlen(h));
    size_t tail = rnd(64);
    for (size_t i = 0; i < tail; i++) {
        char c = rnd(2) ? (char)rng() : "$\r\n1"[rnd(4)];
        b_add(b, &c, 1);
    }
}

START_TEST(test_fuzz_garbage)
{
    static const long long bulks[] = {0, 16384, 10, 1};
    static const long long mbulks[] = {0, 10, 1};
    int statuses_seen[3] = {0, 0, 0};
    rng_seed(0xC0FFEE);
    for (int it = 0; it < 20000; it++) {
        bytes_t in = {0};
        size_t kind = rnd(10);
        if (kind < 2) {
            size_t n = rnd(257);
            for (size_t i = 0; i < n; i++) {
                char c = (char)rng();
                b_add(&in, &c, 1);
            }
        } else if (kind < 4) {
            static const char alpha[] = "*$\r\n0123456789-+ \"'\\x\tab";
            size_t n = rnd(257);
            for (size_t i = 0; i < n; i++) b_add(&in, &alpha[rnd(sizeof(alpha) - 1)], 1);
        } else if (kind < 8) {
            gen_valid(&in);
            mutate(&in);
        } else {
            gen_huge_lengths(&in);
        }
        if (it % 500 == 0) { /* now and then something past the 64 KB limits */
            size_t n = 65530 + rnd(20);
            char c0 = "*a1$"[rnd(4)];
            if (c0 == '$') b_add(&in, "*1\r\n", 4);
            for (size_t i = 0; i < n; i++) {
                char c = i == 0 ? c0 : (c0 == 'a' ? "ab \""[rnd(4)] : '1');
                b_add(&in, &c, 1);
            }
        }
        long long mb = bulks[rnd(4)], mm = mbulks[rnd(3)];

        /* Whole, then in random pieces: the transcripts must agree. */
        bytes_t whole = {0}, t = {0};
        size_t lw, lt;
        run_chunks(&whole, &lw, in.p ? in.p : "", in.len, 0, mb, mm);
        run_chunks(&t, &lt, in.p ? in.p : "", in.len, 1 + rnd(in.len < 64 ? 4 : 64), mb, mm);
        if (in.len <= 65536) {
            ck_assert_msg(t.len == whole.len && memcmp(t.p, whole.p, t.len) == 0,
                          "case %d: chunked transcript differs", it);
            ck_assert_uint_eq(lt, lw);
        }
        statuses_seen[lw == (size_t)-1 ? 0 : lw ? 1 : 2]++;
        b_free(&whole);
        b_free(&t);
        b_free(&in);
    }
    /* The generators reach errors, partial commands and clean ends. */
    ck_assert_int_gt(statuses_seen[0], 1000);
    ck_assert_int_gt(statuses_seen[1], 1000);
    ck_assert_int_gt(statuses_seen[2], 500);
}
END_TEST

/* ==== encoders and the output buffer ==== */

static reply_t *reply_new(void)
{
    reply_t *r = malloc(sizeof(*r));
    reply_init(r);
    return r;
}

static void reply_del(reply_t *r)
{
    reply_reset(r);
    free(r);
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    ck_assert_int_ne(fcntl(fd, F_SETFL, fl | O_NONBLOCK), -1);
}

/* reply_write's writev over a plain descriptor (arg points at the fd). */
static ssize_t fd_writev(void *arg, const struct iovec *iov, int n)
{
    return writev(*(int *)arg, iov, n);
}

/* Write everything pending through a pipe and collect the bytes. */
static void drain(reply_t *r, bytes_t *out)
{
    int fds[2];
    char tmp[65536];
    ck_assert_int_eq(pipe(fds), 0);
    set_nonblock(fds[0]);
    set_nonblock(fds[1]);
    size_t expect = reply_bytes(r), got = 0, wrote = 0;
    while (reply_pending(r)) {
        ssize_t w = reply_write(r, fd_writev, &fds[1]);
        if (w < 0) ck_assert_msg(errno == EAGAIN, "reply_write: %s", strerror(errno));
        else wrote += (size_t)w;
        if (w == 0 && reply_pending(r)) ck_abort_msg("reply_write wrote nothing");
        ssize_t n;
        while ((n = read(fds[0], tmp, sizeof(tmp))) > 0) {
            b_add(out, tmp, (size_t)n);
            got += (size_t)n;
        }
        ck_assert_uint_eq(reply_bytes(r), expect - wrote);
    }
    ssize_t n;
    while ((n = read(fds[0], tmp, sizeof(tmp))) > 0) {
        b_add(out, tmp, (size_t)n);
        got += (size_t)n;
    }
    ck_assert_uint_eq(got, expect);
    ck_assert_uint_eq(reply_bytes(r), 0);
    close(fds[0]);
    close(fds[1]);
}

#define OUT_IS(r, lit)                                                   \
    do {                                                                 \
        bytes_t o_ = {0};                                                \
        drain((r), &o_);                                                 \
        b_add(&o_, "", 0);                                               \
        ck_assert_msg(o_.len == sizeof(lit) - 1 &&                       \
                          memcmp(o_.p, lit, sizeof(lit) - 1) == 0,       \
                      "wrote \"%s\" (%zu bytes), want \"%s\"", o_.p,     \
                      o_.len, lit);                                      \
        b_free(&o_);                                                     \
    } while (0)

START_TEST(test_enc_int)
{
    reply_t *r = reply_new();
    resp_add_int(r, 0);
    OUT_IS(r, ":0\r\n");
    resp_add_int(r, 1);
    OUT_IS(r, ":1\r\n");
    resp_add_int(r, -1);
    OUT_IS(r, ":-1\r\n");
    resp_add_int(r, 42);
    resp_add_int(r, 1000000);
    OUT_IS(r, ":42\r\n:1000000\r\n");
    resp_add_int(r, LLONG_MAX);
    OUT_IS(r, ":9223372036854775807\r\n");
    resp_add_int(r, LLONG_MIN);
    OUT_IS(r, ":-9223372036854775808\r\n");
    reply_del(r);
}
END_TEST

START_TEST(test_enc_bulk)
{
    reply_t *r = reply_new();
    resp_add_bulk(r, "foo", 3);
    OUT_IS(r, "$3\r\nfoo\r\n");
    resp_add_bulk(r, "", 0);
    OUT_IS(r, "$0\r\n\r\n");
    resp_add_bulk(r, "a\r\nb\0c", 6);
    OUT_IS(r, "$6\r\na\r\nb\0c\r\n");
    resp_add_bulk_cstr(r, "hello");
    OUT_IS(r, "$5\r\nhello\r\n");
    resp_add_bulk_ll(r, -123);
    resp_add_bulk_ll(r, 0);
    OUT_IS(r, "$4\r\n-123\r\n$1\r\n0\r\n");
    resp_add_bulk_ll(r, LLONG_MIN);
    OUT_IS(r, "$20\r\n-9223372036854775808\r\n");

    /* Around the inline-copy threshold and well past it. */
    static const size_t sizes[] = {63, 64, 65, 100, 16383, 16384, 16385, 100000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        char *p = malloc(n);
        for (size_t j = 0; j < n; j++) p[j] = (char)('a' + j % 26);
        bytes_t want = {0}, got = {0};
        b_printf(&want, "$%zu\r\n", n);
        b_add(&want, p, n);
        b_add(&want, "\r\n", 2);
        resp_add_bulk(r, p, n);
        drain(r, &got);
        ck_assert_uint_eq(got.len, want.len);
        ck_assert_mem_eq(got.p, want.p, got.len);
        b_free(&want);
        b_free(&got);
        free(p);
    }
    reply_del(r);
}
END_TEST

START_TEST(test_enc_null)
{
    reply_t *r = reply_new();
    resp_add_null(r, 2);
    OUT_IS(r, "$-1\r\n");
    resp_add_null(r, 3);
    OUT_IS(r, "_\r\n");
    resp_add_null_array(r, 2);
    OUT_IS(r, "*-1\r\n");
    resp_add_null_array(r, 3);
    OUT_IS(r, "_\r\n");
    reply_del(r);
}
END_TEST

START_TEST(test_enc_agg)
{
    reply_t *r = reply_new();
    resp_add_agg(r, 2, '*', 3);
    resp_add_agg(r, 3, '*', 3);
    OUT_IS(r, "*3\r\n*3\r\n");
    resp_add_agg(r, 2, '%', 2); /* a map is an array of 2n in RESP2 */
    OUT_IS(r, "*4\r\n");
    resp_add_agg(r, 3, '%', 2);
    OUT_IS(r, "%2\r\n");
    resp_add_agg(r, 2, '~', 5);
    resp_add_agg(r, 3, '~', 5);
    OUT_IS(r, "*5\r\n~5\r\n");
    resp_add_agg(r, 2, '>', 3);
    resp_add_agg(r, 3, '>', 3);
    OUT_IS(r, "*3\r\n>3\r\n");
    resp_add_agg(r, 2, '*', 0);
    resp_add_agg(r, 3, '%', 0);
    resp_add_agg(r, 2, '%', 0);
    OUT_IS(r, "*0\r\n%0\r\n*0\r\n");
    resp_add_agg(r, 3, '*', 1234567);
    OUT_IS(r, "*1234567\r\n");

    char buf[32];
    ck_assert_int_eq(resp_agg_header(buf, 3, '%', 12), 5);
    ck_assert_mem_eq(buf, "%12\r\n", 5);
    ck_assert_int_eq(resp_agg_header(buf, 2, '%', 12), 5);
    ck_assert_mem_eq(buf, "*24\r\n", 5);
    ck_assert_int_eq(resp_agg_header(buf, 2, '~', 7), 4);
    ck_assert_mem_eq(buf, "*7\r\n", 4);
    reply_del(r);
}
END_TEST

START_TEST(test_enc_double)
{
    reply_t *r = reply_new();
    resp_add_double(r, 3, 3.5);
    OUT_IS(r, ",3.5\r\n");
    resp_add_double(r, 2, 3.5);
    OUT_IS(r, "$3\r\n3.5\r\n");
    resp_add_double(r, 3, -2.25);
    OUT_IS(r, ",-2.25\r\n");
    resp_add_double(r, 3, 10.0);
    OUT_IS(r, ",10\r\n");
    resp_add_double(r, 2, 10.0);
    OUT_IS(r, "$2\r\n10\r\n");
    resp_add_double(r, 3, 0.0);
    OUT_IS(r, ",0\r\n");
    resp_add_double(r, 3, INFINITY);
    OUT_IS(r, ",inf\r\n");
    resp_add_double(r, 3, -INFINITY);
    OUT_IS(r, ",-inf\r\n");
    resp_add_double(r, 2, INFINITY);
    OUT_IS(r, "$3\r\ninf\r\n");
    resp_add_double(r, 2, -INFINITY);
    OUT_IS(r, "$4\r\n-inf\r\n");
    resp_add_double(r, 2, 1e22);
    OUT_IS(r, "$5\r\n1e+22\r\n");
    reply_del(r);
}
END_TEST

START_TEST(test_enc_bool)
{
    reply_t *r = reply_new();
    resp_add_bool(r, 3, 1);
    resp_add_bool(r, 3, 0);
    resp_add_bool(r, 3, 7);
    OUT_IS(r, "#t\r\n#f\r\n#t\r\n");
    resp_add_bool(r, 2, 1);
    resp_add_bool(r, 2, 0);
    resp_add_bool(r, 2, 7);
    OUT_IS(r, ":1\r\n:0\r\n:1\r\n");
    reply_del(r);
}
END_TEST

START_TEST(test_enc_verbatim)
{
    reply_t *r = reply_new();
    resp_add_verbatim(r, 3, "txt", "hello", 5);
    OUT_IS(r, "=9\r\ntxt:hello\r\n");
    resp_add_verbatim(r, 2, "txt", "hello", 5);
    OUT_IS(r, "$5\r\nhello\r\n");
    resp_add_verbatim(r, 3, "mkd", "", 0);
    OUT_IS(r, "=4\r\nmkd:\r\n");
    resp_add_verbatim(r, 3, "txt", "a\r\nb", 4);
    OUT_IS(r, "=8\r\ntxt:a\r\nb\r\n");

    char *p = malloc(20000);
    memset(p, 'v', 20000);
    bytes_t want = {0}, got = {0};
    b_add(&want, "=20004\r\ntxt:", 12);
    b_add(&want, p, 20000);
    b_add(&want, "\r\n", 2);
    resp_add_verbatim(r, 3, "txt", p, 20000);
    drain(r, &got);
    ck_assert_uint_eq(got.len, want.len);
    ck_assert_mem_eq(got.p, want.p, got.len);
    b_free(&want);
    b_free(&got);
    free(p);
    reply_del(r);
}
END_TEST

START_TEST(test_enc_simple_and_error)
{
    reply_t *r = reply_new();
    resp_add_simple(r, "OK", 2);
    OUT_IS(r, "+OK\r\n");
    resp_add_simple(r, "", 0);
    OUT_IS(r, "+\r\n");
    resp_add_error(r, L("ERR unknown command"));
    OUT_IS(r, "-ERR unknown command\r\n");

    /* CR and LF become spaces; the caller's bytes stay as they were. */
    char msg[] = "ERR bad\r\nthing\nhere\r";
    resp_add_error(r, msg, sizeof(msg) - 1);
    OUT_IS(r, "-ERR bad  thing here \r\n");
    ck_assert_str_eq(msg, "ERR bad\r\nthing\nhere\r");
    resp_add_simple(r, L("a\nb"));
    OUT_IS(r, "+a b\r\n");

    /* Longer than the encoder's small stack buffer. */
    char longmsg[301];
    for (int i = 0; i < 300; i++) longmsg[i] = (i % 50 == 49) ? '\n' : 'x';
    longmsg[300] = '\0';
    resp_add_error(r, longmsg, 300);
    bytes_t got = {0};
    drain(r, &got);
    ck_assert_uint_eq(got.len, 303);
    ck_assert_int_eq(got.p[0], '-');
    ck_assert_mem_eq(got.p + 301, "\r\n", 2);
    ck_assert_ptr_null(memchr(got.p, '\n', 301));
    ck_assert_ptr_null(memchr(got.p, '\r', 301));
    ck_assert_int_eq(got.p[50], ' ');
    ck_assert_int_eq(got.p[49], 'x');
    b_free(&got);
    ck_assert_int_eq(longmsg[49], '\n');

    resp_add_raw(r, L("+RAW\r\n"));
    OUT_IS(r, "+RAW\r\n");
    reply_del(r);
}
END_TEST

/* A whole RESP3 reply built from several encoders. */
START_TEST(test_enc_mixed_sequence)
{
    reply_t *r = reply_new();
    resp_add_agg(r, 3, '%', 2);
    resp_add_bulk_cstr(r, "a");
    resp_add_double(r, 3, 1.5);
    resp_add_bulk_cstr(r, "b");
    resp_add_null(r, 3);
    resp_add_agg(r, 2, '%', 2);
    resp_add_bulk_cstr(r, "a");
    resp_add_double(r, 2, 1.5);
    resp_add_bulk_cstr(r, "b");
    resp_add_null(r, 2);
    OUT_IS(r, "%2\r\n$1\r\na\r\n,1.5\r\n$1\r\nb\r\n_\r\n"
              "*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$-1\r\n");
    reply_del(r);
}
END_TEST

/* ---- the output buffer ---- */

START_TEST(test_reply_inline_then_spill)
{
    reply_t *r = reply_new();
    ck_assert_int_eq(reply_pending(r), 0);
    ck_assert_uint_eq(reply_bytes(r), 0);

    char *p = malloc(40000);
    for (int i = 0; i < 40000; i++) p[i] = (char)(i * 31 + (i >> 9));

    reply_append(r, p, 100);
    ck_assert_int_eq(reply_pending(r), 1);
    ck_assert_ptr_null(r->head);
    ck_assert_uint_eq(r->pos, 100);
    ck_assert_uint_eq(reply_bytes(r), 100);
    reply_append(r, p + 100, REPLY_INLINE_SIZE - 100);
    ck_assert_ptr_null(r->head); /* exactly full, not spilled */
    ck_assert_uint_eq(reply_bytes(r), REPLY_INLINE_SIZE);
    reply_append(r, p + REPLY_INLINE_SIZE, 1);
    ck_assert_ptr_nonnull(r->head);
    ck_assert_uint_eq(r->blocks_bytes, 1);
    ck_assert_uint_eq(reply_bytes(r), REPLY_INLINE_SIZE + 1);
    /* Many small appends fill that block and go on to new ones. */
    size_t at = REPLY_INLINE_SIZE + 1;
    while (at < 40000) {
        size_t k = 7 < 40000 - at ? 7 : 40000 - at;
        reply_append(r, p + at, k);
        at += k;
    }
    ck_assert_uint_eq(reply_bytes(r), 40000);
    ck_assert_uint_eq(r->blocks_bytes, 40000 - REPLY_INLINE_SIZE);
    bytes_t got = {0};
    drain(r, &got);
    ck_assert_uint_eq(got.len, 40000);
    ck_assert_mem_eq(got.p, p, 40000);
    b_free(&got);

    /* Emptied: the next reply goes to the inline buffer again. */
    ck_assert_int_eq(reply_pending(r), 0);
    ck_assert_ptr_null(r->head);
    ck_assert_ptr_null(r->tail);
    ck_assert_uint_eq(r->blocks_bytes, 0);
    resp_add_int(r, 5);
    ck_assert_ptr_null(r->head);
    OUT_IS(r, ":5\r\n");
    free(p);
    reply_del(r);
}
END_TEST

START_TEST(test_reply_big_single_append)
{
    reply_t *r = reply_new();
    size_t n = 1 << 20;
    char *p = malloc(n);
    for (size_t i = 0; i < n; i++) p[i] = (char)(i ^ (i >> 11));
    resp_add_int(r, 7);
    reply_append(r, p, n);
    ck_assert_uint_eq(r->pos, REPLY_INLINE_SIZE);
    ck_assert_ptr_nonnull(r->head);
    ck_assert_ptr_eq(r->head, r->tail);
    ck_assert_uint_eq(r->head->used, n + 4 - REPLY_INLINE_SIZE);
    ck_assert_uint_eq(reply_bytes(r), n + 4);
    bytes_t got = {0};
    drain(r, &got);
    ck_assert_uint_eq(got.len, n + 4);
    ck_assert_mem_eq(got.p, ":7\r\n", 4);
    ck_assert_int_eq(memcmp(got.p + 4, p, n), 0);
    b_free(&got);
    free(p);

    /* reply_reset drops everything unsent. */
    reply_append(r, "abc", 3);
    char *q = calloc(1, 50000);
    reply_append(r, q, 50000);
    free(q);
    reply_reset(r);
    ck_assert_int_eq(reply_pending(r), 0);
    ck_assert_uint_eq(reply_bytes(r), 0);
    resp_add_simple(r, "OK", 2);
    OUT_IS(r, "+OK\r\n");
    reply_del(r);
}
END_TEST

START_TEST(test_reply_defer_in_place)
{
    reply_t *r = reply_new();
    char hdr[32];

    /* After inline bytes. */
    resp_add_simple(r, "OK", 2);
    void *h = reply_defer(r);
    resp_add_bulk_cstr(r, "a");
    resp_add_bulk_cstr(r, "b");
    resp_add_bulk_cstr(r, "c");
    reply_fill(r, h, hdr, (size_t)resp_agg_header(hdr, 3, '*', 3));
    ck_assert_uint_eq(reply_bytes(r), 5 + 4 + 21);
    OUT_IS(r, "+OK\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");

    /* First thing in an empty buffer. */
    h = reply_defer(r);
    resp_add_int(r, 1);
    resp_add_int(r, 2);
    reply_fill(r, h, hdr, (size_t)resp_agg_header(hdr, 2, '%', 1));
    OUT_IS(r, "*2\r\n:1\r\n:2\r\n");

    /* Nothing after it. */
    resp_add_int(r, 9);
    h = reply_defer(r);
    reply_fill(r, h, hdr, (size_t)resp_agg_header(hdr, 3, '*', 0));
    OUT_IS(r, ":9\r\n*0\r\n");

    /* Nested, filled inner first. */
    void *outer = reply_defer(r);
    resp_add_bulk_cstr(r, "x");
    void *inner = reply_defer(r);
    resp_add_int(r, 1);
    resp_add_int(r, 2);
    reply_fill(r, inner, hdr, (size_t)resp_agg_header(hdr, 3, '*', 2));
    resp_add_bulk_cstr(r, "y");
    reply_fill(r, outer, hdr, (size_t)resp_agg_header(hdr, 3, '%', 3));
    OUT_IS(r, "%3\r\n$1\r\nx\r\n*2\r\n:1\r\n:2\r\n$1\r\ny\r\n");
    reply_del(r);
}
END_TEST

/* A deferred header inside the spilled part, and hundreds of them (more
 * blocks than one writev takes). */
START_TEST(test_reply_defer_in_blocks)
{
    reply_t *r = reply_new();
    bytes_t want = {0}, got = {0};
    char hdr[32];
    char *fill = malloc(20000);
    memset(fill, 'z', 20000);

    reply_append(r, fill, 20000);
    b_add(&want, fill, 20000);
    void *h = reply_defer(r);
    resp_add_bulk_cstr(r, "after");
    reply_fill(r, h, hdr, (size_t)resp_agg_header(hdr, 3, '~', 1));
    b_add(&want, "~1\r\n$5\r\nafter\r\n", 15);
    drain(r, &got);
    ck_assert_uint_eq(got.len, want.len);
    ck_assert_mem_eq(got.p, want.p, got.len);
    b_free(&want);
    b_free(&got);

    for (int i = 0; i < 300; i++) {
        h = reply_defer(r);
        resp_add_int(r, i);
        reply_fill(r, h, hdr, (size_t)resp_agg_header(hdr, 2, '*', 1));
        b_printf(&want, "*1\r\n:%d\r\n", i);
    }
    ck_assert_uint_eq(reply_bytes(r), want.len);
    drain(r, &got);
    ck_assert_uint_eq(got.len, want.len);
    ck_assert_mem_eq(got.p, want.p, got.len);
    b_free(&want);
    b_free(&got);
    free(fill);
    reply_del(r);
}
END_TEST

/*
 * 1 MB through a socket with a tiny send buffer: appends (plain and with
 * deferred headers) interleaved with partial writes and reads of random
 * sizes. The bytes must arrive intact and in order, and reply_bytes must
 * always equal appended minus written. Run 0 uses large and small appends;
 * run 1 mostly tiny ones with many deferred headers, so that more blocks
 * are pending than one writev takes (64).
 */
START_TEST(test_reply_partial_writes)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int small = 4096;
    ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    set_nonblock(sv[0]);
    set_nonblock(sv[1]);

    int many_blocks = _i == 1;
    size_t total = many_blocks ? 256 * 1024 : 1 << 20;
    char *want = malloc(total), *tmp = malloc(65536);
    rng_seed(31337 + (uint64_t)_i);
    for (size_t i = 0; i < total; i++) want[i] = (char)rng();

    reply_t *r = reply_new();
    size_t appended = 0, written = 0, received = 0;
    int eagain = 0, partial = 0, max_blocks = 0;
    long steps = 0;
    while (received < total) {
        ck_assert_msg(++steps < 10000000, "no progress");
        switch (rnd(4)) {
        case 0:
        case 1: {
            if (appended == total) break;
            size_t left = total - appended;
            size_t k = many_blocks ? 1 + rnd(60)
                                   : rnd(3) == 0 ? 1 + rnd(40000) : 1 + rnd(300);
            if (k > left) k = left;
            if (k > 2 && rnd(many_blocks ? 2 : 4) == 0) {
                /* a deferred header: its bytes filled after the body */
                size_t hl = 1 + rnd(k - 1 < 32 ? k - 1 : 32);
                void *h = reply_defer(r);
                reply_append(r, want + appended + hl, k - hl);
                reply_fill(r, h, want + appended, hl);
            } else {
                reply_append(r, want + appended, k);
            }
            appended += k;
            break;
        }
        case 2: {
            size_t before = reply_bytes(r);
            ssize_t w = reply_write(r, fd_writev, &sv[0]);
            if (w < 0) {
                ck_assert_msg(errno == EAGAIN, "reply_write: %s", strerror(errno));
                eagain++;
            } else {
                written += (size_t)w;
                if ((size_t)w < before) partial++;
            }
            break;
        }
        default: {
            if (many_blocks && rnd(8)) break; /* let blocks pile up */
            ssize_t n = read(sv[1], tmp, 1 + rnd(9000));
            if (n < 0) {
                ck_assert_int_eq(errno, EAGAIN);
                break;
            }
            ck_assert_int_gt(n, 0);
            ck_assert_uint_le(received + (size_t)n, written);
            ck_assert_msg(memcmp(tmp, want + received, (size_t)n) == 0,
                          "bytes %zu..%zu differ", received, received + (size_t)n);
            received += (size_t)n;
            break;
        }
        }
        ck_assert_uint_eq(reply_bytes(r), appended - written);
        ck_assert_int_eq(reply_pending(r), appended > written);
        int nb = 0;
        for (reply_block_t *b = r->head; b; b = b->next) nb++;
        if (nb > max_blocks) max_blocks = nb;
    }
    ck_assert_uint_eq(appended, total);
    ck_assert_uint_eq(written, total);
    ck_assert_int_eq(reply_pending(r), 0);
    ck_assert_int_gt(eagain, 0);
    ck_assert_int_gt(partial, 0);
    if (many_blocks) ck_assert_int_gt(max_blocks, 64);
    reply_del(r);
    free(want);
    free(tmp);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

/* A peer that has gone away: -1 and errno, nothing lost from the buffer. */
START_TEST(test_reply_write_error)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    reply_t *r = reply_new();
    resp_add_simple(r, "OK", 2);
    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(reply_write(r, fd_writev, &sv[0]), -1);
    ck_assert_int_eq(errno, EPIPE);
    ck_assert_uint_eq(reply_bytes(r), 5);
    ck_assert_int_eq(reply_pending(r), 1);
    reply_del(r);
    close(sv[0]);
}
END_TEST

static Suite *resp_suite(void)
{
    Suite *s = suite_create("resp");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_parse_mbulk_whole);
    tcase_add_test(tc, test_parse_need_more_and_want);
    tcase_add_test(tc, test_parse_pipelined);
    tcase_add_test(tc, test_parse_binary_args);
    tcase_add_test(tc, test_parse_zero_length_args);
    tcase_add_test(tc, test_parse_bulk_trailer_not_checked);
    tcase_add_test(tc, test_parse_empty_multibulk);
    suite_add_tcase(s, tc);

    tc = tcase_create("split");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_split_whole_matches_expected);
    tcase_add_test(tc, test_split_every_boundary);
    tcase_add_test(tc, test_split_byte_by_byte);
    tcase_add_test(tc, test_split_random_chunks);
    tcase_add_test(tc, test_split_big_bulk);
    suite_add_tcase(s, tc);

    tc = tcase_create("inline");
    tcase_add_test(tc, test_inline_splitting);
    tcase_add_test(tc, test_inline_quotes);
    tcase_add_test(tc, test_inline_empty);
    tcase_add_test(tc, test_inline_vt_ff_inside_token);
    tcase_add_test(tc, test_inline_nul_byte);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_err_multibulk_length);
    tcase_add_test(tc, test_err_bulk_length);
    tcase_add_test(tc, test_err_unauthenticated);
    tcase_add_test(tc, test_err_expected_dollar);
    tcase_add_test(tc, test_err_too_big_inline);
    tcase_add_test(tc, test_err_too_big_count_strings);
    tcase_add_test(tc, test_err_too_big_count_boundary);
    tcase_add_test(tc, test_err_unbalanced_quotes);
    suite_add_tcase(s, tc);

    tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_fuzz_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("encode");
    tcase_add_test(tc, test_enc_int);
    tcase_add_test(tc, test_enc_bulk);
    tcase_add_test(tc, test_enc_null);
    tcase_add_test(tc, test_enc_agg);
    tcase_add_test(tc, test_enc_double);
    tcase_add_test(tc, test_enc_bool);
    tcase_add_test(tc, test_enc_verbatim);
    tcase_add_test(tc, test_enc_simple_and_error);
    tcase_add_test(tc, test_enc_mixed_sequence);
    suite_add_tcase(s, tc);

    tc = tcase_create("reply");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_reply_inline_then_spill);
    tcase_add_test(tc, test_reply_big_single_append);
    tcase_add_test(tc, test_reply_defer_in_place);
    tcase_add_test(tc, test_reply_defer_in_blocks);
    tcase_add_loop_test(tc, test_reply_partial_writes, 0, 2);
    tcase_add_test(tc, test_reply_write_error);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * Cap the address space so that a parser bug that allocates without end
 * (a loop pushing arguments) ends in an allocation failure of this process
 * rather than in the OOM killer picking something else. Left alone under
 * AddressSanitizer, which reserves a huge shadow mapping.
 */
static void guard_memory(void)
{
#if !defined(__SANITIZE_ADDRESS__)
    struct rlimit rl;
    rlim_t cap = (rlim_t)2 << 30;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > cap)) {
        rl.rlim_cur = cap;
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
}

int main(void)
{
    guard_memory();
    SRunner *sr = srunner_create(resp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
