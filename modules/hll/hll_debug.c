/*
 * hll_debug.c — PFDEBUG (GETREG, DECODE, ENCODING, TODENSE) and
 * PFSELFTEST, Redis's internal HyperLogLog commands, with its replies and
 * error texts. GETREG and TODENSE turn a sparse value dense in place, as
 * Redis does (counted as a change, so it propagates). PFSELFTEST checks
 * the dense register packing on random values, then adds ten million
 * elements to a dense and a sparse HyperLogLog side by side, comparing
 * their counts with each other and with the true cardinality at every
 * power of ten.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "hll.h"
#include "hll_debug.h"
#include "hll_repr.h"
#include "hll_value.h"

/* Turn the sparse value at v's key dense, in place. Replies INVALIDOBJ
 * and returns MD_ERR when it is corrupt. */
static int to_dense(md_ctx_t *c, hll_view_t *v)
{
    hll_work_t w;

    hll_work_init(&w, v);
    if (hll_work_to_dense(&w) != 0) {
        hll_work_free(&w);
        md_reply_error(c, HLL_ERR_CORRUPT);
        return MD_ERR;
    }
    hll_store(v, w.p, w.len);
    hll_work_free(&w);
    md_key_modified(c, v->key);
    md_dirty(c, 1);
    /* The stored bytes replaced the view's. */
    v->len = HLL_DENSE_SIZE;
    v->p = hll_writable(v);
    return MD_OK;
}

static void reply_registers(md_ctx_t *c, const uint8_t *s)
{
    md_reply_array(c, HLL_REGISTERS);
    for (long i = 0; i < HLL_REGISTERS; i++)
        md_reply_int(c, hll_dense_get(s + HLL_HDR_SIZE, i));
}

static void reply_decode(md_ctx_t *c, const hll_view_t *v)
{
    char *out;

    if (v->p[4] != HLL_SPARSE) {
        md_reply_error(c, "ERR HLL encoding is not sparse");
        return;
    }
    out = md_alloc(HLL_DECODE_CAP(v->len));
    md_reply_bulk(c, out, hll_sparse_decode(v->p, v->len, out));
    md_free(out);
}

/* Redis's "Unknown PFDEBUG subcommand '%s'": the name up to a NUL byte,
 * line breaks turned into spaces. */
static void reply_unknown(md_ctx_t *c, md_arg_t sub)
{
    char msg[160];
    size_t n = 0;
    int len;

    while (n < sub.len && n < 100 && sub.ptr[n]) n++;
    len = snprintf(msg, sizeof(msg), "ERR Unknown PFDEBUG subcommand '%.*s'",
                   (int)n, sub.ptr);
    for (int i = 0; i < len; i++)
        if (msg[i] == '\r' || msg[i] == '\n') msg[i] = ' ';
    md_reply_error(c, msg);
}

/* PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key */
int hll_cmd_pfdebug(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t sub = argv[1];
    hll_view_t v;
    int st;

    (void)argc;
    st = hll_open(c, argv[2], MD_WRITE, &v);
    if (st <= 0) {
        if (st == 0) md_reply_error(c, "ERR The specified key does not exist");
        return MD_OK;
    }
    if (md_arg_eq(sub, "getreg")) {
        if (v.p[4] == HLL_SPARSE && to_dense(c, &v) != MD_OK) return MD_OK;
        reply_registers(c, v.p);
    } else if (md_arg_eq(sub, "decode")) {
        reply_decode(c, &v);
    } else if (md_arg_eq(sub, "encoding")) {
        md_reply_simple(c, v.p[4] == HLL_DENSE ? "dense" : "sparse");
    } else if (md_arg_eq(sub, "todense")) {
        int conv = v.p[4] == HLL_SPARSE;
        if (conv && to_dense(c, &v) != MD_OK) return MD_OK;
        md_reply_int(c, conv);
    } else {
        reply_unknown(c, sub);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* PFSELFTEST                                                          */
/* ------------------------------------------------------------------ */

#define SELFTEST_CYCLES 1000
#define SELFTEST_ELEMENTS 10000000

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Test 1: registers set to random values read back unchanged. */
static int test_registers(md_ctx_t *c, uint8_t *regs, uint8_t *bytes,
                          uint64_t *seed)
{
    char msg[128];

    for (int j = 0; j < SELFTEST_CYCLES; j++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            bytes[i] = (uint8_t)(next_random(seed) & HLL_REGISTER_MAX);
            hll_dense_set(regs, i, bytes[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++) {
            unsigned v = hll_dense_get(regs, i);
            if (v != bytes[i]) {
                snprintf(msg, sizeof(msg),
                         "TESTFAILED Register %ld should be %d but is %u", i,
                         bytes[i], v);
                md_reply_error(c, msg);
                return MD_ERR;
            }
        }
    }
    return MD_OK;
}

static uint64_t count_of(const uint8_t *s, size_t len)
{
    int histo[64];
    hll_histogram(s, len, histo);
    return hll_estimate(histo);
}

/* At a checkpoint: the sparse copy is still sparse while small, both
 * agree, and the error is within six standard errors (one at 10). */
static int check_point(md_ctx_t *c, const uint8_t *dense, const hll_work_t *w,
                       uint64_t card)
{
    char msg[128];
    uint64_t est = count_of(dense, HLL_DENSE_SIZE);
    double relerr = 1.04 / sqrt(HLL_REGISTERS);
    int64_t abserr = (int64_t)card - (int64_t)est;
    uint64_t maxerr = (uint64_t)ceil(relerr * 6 * (double)card);

    if (card < (uint64_t)hll_sparse_max_bytes / 2 && w->p[4] != HLL_SPARSE) {
        md_reply_error(c, "TESTFAILED sparse encoding not used");
        return MD_ERR;
    }
    if (est != count_of(w->p, w->len)) {
        md_reply_error(c, "TESTFAILED dense/sparse disagree");
        return MD_ERR;
    }
    if (card == 10) maxerr = 1;
    if (abserr < 0) abserr = -abserr;
    if (abserr > (int64_t)maxerr) {
        snprintf(msg, sizeof(msg), "TESTFAILED Too big error. card:%llu abserr:%llu",
                 (unsigned long long)card, (unsigned long long)abserr);
        md_reply_error(c, msg);
        return MD_ERR;
    }
    return MD_OK;
}

/* Test 2: the same elements into a dense and a sparse HyperLogLog. */
static int test_estimates(md_ctx_t *c, uint8_t *dense, uint64_t *seed)
{
    hll_view_t none = {0};
    hll_work_t w;
    uint64_t base = next_random(seed), checkpoint = 1;
    long reg;
    int rc = MD_OK;

    memset(dense + HLL_HDR_SIZE, 0, HLL_DENSE_SIZE - HLL_HDR_SIZE);
    hll_work_init(&w, &none);
    for (uint64_t j = 1; j <= SELFTEST_ELEMENTS && rc == MD_OK; j++) {
        uint64_t ele = j ^ base;
        unsigned count = hll_pattern(&ele, sizeof(ele), &reg);
        hll_dense_update(dense + HLL_HDR_SIZE, reg, count);
        hll_work_set(&w, reg, count);
        if (j == checkpoint) {
            rc = check_point(c, dense, &w, checkpoint);
            checkpoint *= 10;
        }
    }
    hll_work_free(&w);
    return rc;
}

/* PFSELFTEST */
int hll_cmd_pfselftest(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    uint8_t *dense = md_calloc(HLL_DENSE_SIZE);
    uint8_t *bytes = md_alloc(HLL_REGISTERS);
    uint64_t seed = (uint64_t)md_mstime() | 1;

    (void)argc, (void)argv;
    memcpy(dense, "HYLL", 4);
    if (test_registers(c, dense + HLL_HDR_SIZE, bytes, &seed) == MD_OK &&
        test_estimates(c, dense, &seed) == MD_OK)
        md_reply_ok(c);
    md_free(bytes);
    md_free(dense);
    return MD_OK;
}
