/*
 * strings_lcs.c — LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]
 *
 * The longest common subsequence of two string values, computed with the
 * classic dynamic-programming table as Redis 7 does, so that the chosen
 * subsequence and the reported match ranges are identical to Redis's.
 * A missing key reads as the empty string; a key of another type is an
 * error with Redis's text.
 *
 * Memory: the (alen+1)*(blen+1) table of uint32_t is transient, taken
 * from libc malloc so that an allocation failure becomes an error reply
 * (md_alloc never fails), and bounded like Redis by proto-max-bulk-len.
 */
#include <stdint.h>
#include <stdlib.h>
#include "strings_lcs.h"
#include "strings.h"
#include "strings_value.h"

struct lcs_opts {
    int getlen, getidx, withmatchlen;
    long long minmatchlen;
};

/* Parse the options from argv[3..]; replies and returns MD_ERR on error. */
static int lcs_options(md_ctx_t *c, int argc, const md_arg_t *argv,
                       struct lcs_opts *o)
{
    for (int j = 3; j < argc; j++) {
        int moreargs = argc - 1 - j;
        if (md_arg_eq(argv[j], "idx")) {
            o->getidx = 1;
        } else if (md_arg_eq(argv[j], "len")) {
            o->getlen = 1;
        } else if (md_arg_eq(argv[j], "withmatchlen")) {
            o->withmatchlen = 1;
        } else if (md_arg_eq(argv[j], "minmatchlen") && moreargs) {
            if (md_parse_ll(c, argv[j + 1], &o->minmatchlen) != MD_OK)
                return MD_ERR;
            if (o->minmatchlen < 0) o->minmatchlen = 0;
            j++;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    if (o->getidx && o->getlen) {
        md_reply_error(c, "ERR If you want both the length and indexes, "
                          "please just use IDX.");
        return MD_ERR;
    }
    return MD_OK;
}

/* Emit one IDX match: [[a_start, a_end], [b_start, b_end], (len)]. */
static void reply_range(md_ctx_t *c, int withlen, uint32_t as, uint32_t ae,
                        uint32_t bs, uint32_t be)
{
    md_reply_array(c, 2 + withlen);
    md_reply_array(c, 2);
    md_reply_int(c, as);
    md_reply_int(c, ae);
    md_reply_array(c, 2);
    md_reply_int(c, bs);
    md_reply_int(c, be);
    if (withlen) md_reply_int(c, (long long)(ae - as + 1));
}

/*
 * Walk the filled table back from (alen, blen), building the LCS string in
 * `result` (idx bytes) and, with IDX, replying the contiguous match ranges
 * from the end of the strings towards the start. Returns the number of
 * ranges replied.
 */
static long lcs_walk(md_ctx_t *c, const uint32_t *lcs, const char *a,
                     uint32_t alen, const char *b, uint32_t blen,
                     char *result, const struct lcs_opts *o)
{
#define LCS(A, B) lcs[(size_t)(B) + (size_t)(A) * ((size_t)blen + 1)]
    uint32_t i = alen, j = blen, idx = LCS(alen, blen);
    uint32_t as = alen, ae = 0, bs = 0, be = 0; /* as == alen: no range */
    long nranges = 0;

    while (i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            result[idx - 1] = a[i - 1];
            if (as == alen) {
                as = ae = i - 1;
                bs = be = j - 1;
            } else if (as == i && bs == j) {
                as--; /* the range extends backwards */
                bs--;
            } else {
                emit = 1;
            }
            if (as == 0 || bs == 0) emit = 1;
            idx--;
            i--;
            j--;
        } else {
            if (LCS(i - 1, j) > LCS(i, j - 1))
                i--;
            else
                j--;
            if (as != alen) emit = 1;
        }
        if (emit) {
            uint32_t mlen = ae - as + 1;
            if (o->getidx &&
                (o->minmatchlen == 0 || mlen >= (unsigned long long)o->minmatchlen)) {
                reply_range(c, o->withmatchlen, as, ae, bs, be);
                nranges++;
            }
            as = alen;
        }
    }
    return nranges;
#undef LCS
}

int strings_cmd_lcs(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *ka = md_key_open(c, argv[1], MD_READ);
    md_key_t *kb = md_key_open(c, argv[2], MD_READ);
    const md_type_t *ta = md_key_type(ka), *tb = md_key_type(kb);
    struct lcs_opts o = {0, 0, 0, 0};
    char bufa[SV_INT_BUF], bufb[SV_INT_BUF];
    md_arg_t a = {"", 0}, b = {"", 0};
    uint32_t alen, blen, *lcs;
    unsigned long long cells;
    char *result = NULL;

    if ((ta && ta != strings_type) || (tb && tb != strings_type)) {
        md_reply_error(c, "ERR The specified keys must contain string values");
        return MD_OK;
    }
    if (ta) a = sv_bytes(md_key_value(ka), bufa);
    if (tb) b = sv_bytes(md_key_value(kb), bufb);
    if (lcs_options(c, argc, argv, &o) != MD_OK) return MD_OK;
    if (a.len >= UINT32_MAX - 1 || b.len >= UINT32_MAX - 1) {
        md_reply_error(c, "ERR String too long for LCS");
        return MD_OK;
    }
    alen = (uint32_t)a.len;
    blen = (uint32_t)b.len;
    cells = (unsigned long long)(alen + 1ULL) * (blen + 1ULL);
    if (cells > (unsigned long long)strings_max_bulk_len() / sizeof(uint32_t)) {
        md_reply_error(c, "ERR Insufficient memory, transient memory for LCS "
                          "exceeds proto-max-bulk-len");
        return MD_OK;
    }
    lcs = malloc(cells * sizeof(uint32_t));
    if (lcs == NULL) {
        md_reply_error(c, "ERR Insufficient memory, failed allocating "
                          "transient memory for LCS");
        return MD_OK;
    }

    /* LCS(i, j) = length of the LCS of a[0..i) and b[0..j); row 0 and
     * column 0 are zero. */
    for (uint32_t j = 0; j <= blen; j++) lcs[j] = 0;
    for (uint32_t i = 1; i <= alen; i++) {
        uint32_t *row = lcs + (size_t)i * (blen + 1);
        const uint32_t *prev = row - (blen + 1);
        char ai = a.ptr[i - 1];
        row[0] = 0;
        for (uint32_t j = 1; j <= blen; j++) {
            if (ai == b.ptr[j - 1])
                row[j] = prev[j - 1] + 1;
            else
                row[j] = prev[j] > row[j - 1] ? prev[j] : row[j - 1];
        }
    }
    uint32_t total = lcs[cells - 1];

    if (o.getlen) {
        md_reply_int(c, total);
    } else {
        result = malloc((size_t)total + 1);
        if (result == NULL) {
            free(lcs);
            md_reply_error(c, "ERR Insufficient memory, failed allocating "
                              "transient memory for LCS");
            return MD_OK;
        }
        if (o.getidx) {
            md_reply_map(c, 2);
            md_reply_bulk(c, "matches", 7);
            void *h = md_reply_defer(c);
            long n = lcs_walk(c, lcs, a.ptr, alen, b.ptr, blen, result, &o);
            md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
            md_reply_bulk(c, "len", 3);
            md_reply_int(c, total);
        } else {
            lcs_walk(c, lcs, a.ptr, alen, b.ptr, blen, result, &o);
            md_reply_bulk(c, result, total);
        }
    }
    free(result);
    free(lcs);
    return MD_OK;
}
