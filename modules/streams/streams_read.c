/*
 * streams_read.c — XREAD [COUNT n] [BLOCK ms] STREAMS key... id... with
 * Redis 7.4 semantics: "$" (after the last ID now) and "+" (the last
 * entry, 7.4), one reply entry per stream that has entries above its ID
 * (an array of [key, entries] pairs in RESP2, a map in RESP3), a null
 * array when none has and there is no BLOCK.
 *
 * Blocking follows the SDK's re-run model: the client blocks on all the
 * keys and the host re-runs the command when one is signalled (XADD
 * calls md_key_ready), FIFO per key. The first run rewrites "$" and "+"
 * into the IDs they meant then (md_block_on_keys_ex's argv), so a re-run
 * compares against those and never spins on a moving "$". Inside MULTI
 * or a script the command answers as if it had timed out.
 */
#include <limits.h>
#include <string.h>
#include "streams_read.h"
#include "streams_cmds.h"
#include "streams.h"

typedef struct xread_args {
    long long count;        /* 0: all */
    int64_t block_ms;       /* -1: no BLOCK; 0: forever */
    int streams_arg;        /* argv index of the first key */
    int nstreams;
} xread_args_t;

/* BLOCK's milliseconds (Redis's getTimeoutFromObjectOrReply with
 * UNIT_MILLISECONDS): MD_ERR after the error reply. */
static int parse_block(md_ctx_t *c, md_arg_t a, int64_t *ms)
{
    long long v;
    if (md_arg_ll(a, &v) != MD_OK) {
        md_reply_error(c, "ERR timeout is not an integer or out of range");
        return MD_ERR;
    }
    if (v < 0) {
        md_reply_error(c, "ERR timeout is negative");
        return MD_ERR;
    }
    if (v > 0 && v > LLONG_MAX - md_mstime()) {
        md_reply_error(c, "ERR timeout is out of range");
        return MD_ERR;
    }
    *ms = v;
    return MD_OK;
}

/* The options before STREAMS, in Redis's order of checks. */
static int parse_args(md_ctx_t *c, int argc, const md_arg_t *argv, xread_args_t *a)
{
    a->count = 0;
    a->block_ms = -1;
    a->streams_arg = 0;
    for (int i = 1; i < argc; i++) {
        int more = argc - i - 1;
        if (md_arg_eq(argv[i], "block") && more) {
            if (parse_block(c, argv[++i], &a->block_ms) != MD_OK) return MD_ERR;
        } else if (md_arg_eq(argv[i], "count") && more) {
            if (md_parse_ll(c, argv[++i], &a->count) != MD_OK) return MD_ERR;
            if (a->count < 0) a->count = 0;
        } else if (md_arg_eq(argv[i], "streams") && more) {
            a->streams_arg = i + 1;
            if ((argc - a->streams_arg) % 2) {
                md_reply_error(c, "ERR Unbalanced XREAD list of streams: for each stream "
                                  "key an ID or '$' must be specified.");
                return MD_ERR;
            }
            a->nstreams = (argc - a->streams_arg) / 2;
            break;
        } else if (md_arg_eq(argv[i], "group") && more >= 2) {
            md_reply_error(c, "ERR The GROUP option is only supported by XREADGROUP. You "
                              "called XREAD instead.");
            return MD_ERR;
        } else if (md_arg_eq(argv[i], "noack")) {
            md_reply_error(c, "ERR The NOACK option is only supported by XREADGROUP. You "
                              "called XREAD instead.");
            return MD_ERR;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    if (a->streams_arg == 0) {
        md_reply_syntax(c);
        return MD_ERR;
    }
    return MD_OK;
}

/* The ID after which stream i is read: "$", "+" or an ID. *rewritten
 * when the argument was "$" or "+". MD_ERR after an error reply. */
static int resolve_id(md_ctx_t *c, const md_arg_t *argv, const xread_args_t *a, int i,
                      sid_t *id, int *rewritten)
{
    md_arg_t arg = argv[a->streams_arg + a->nstreams + i];
    md_key_t *k;
    stream_t *s;

    if (sx_open(c, argv[a->streams_arg + i], MD_READ, &k, &s) != MD_OK) return MD_ERR;
    *rewritten = arg.len == 1 && (arg.ptr[0] == '$' || arg.ptr[0] == '+');
    if (!*rewritten) return sx_parse_id_or_reply(c, arg, id, 0, 1);
    id->ms = id->seq = 0;
    if (s) *id = s->last_id;
    if (s && arg.ptr[0] == '+' && sid_decr(id) != 0) {
        md_reply_error(c, "ERR the stream last element ID is 0-0");
        return MD_ERR;
    }
    return MD_OK;
}

/* Reply the streams that have entries above their IDs; returns how many
 * (nothing is replied when none has). */
static long serve(md_ctx_t *c, const md_arg_t *argv, const xread_args_t *a, const sid_t *ids)
{
    void *h = NULL;
    long n = 0;

    for (int i = 0; i < a->nstreams; i++) {
        md_key_t *k;
        stream_t *s;
        sid_t start = ids[i], end = {UINT64_MAX, UINT64_MAX}, last;
        sx_open(c, argv[a->streams_arg + i], MD_READ, &k, &s);
        /* Redis compares with the last live entry (streamLastValidID) */
        if (s == NULL || !sv_edge_id(s, 1, &last) || sid_cmp(&last, &ids[i]) <= 0) continue;
        if (sid_incr(&start) != 0) continue;
        if (h == NULL) h = md_reply_defer(c);
        n++;
        if (md_resp_version(c) == 2) md_reply_array(c, 2);
        md_reply_bulk(c, argv[a->streams_arg + i].ptr, argv[a->streams_arg + i].len);
        sx_reply_range(c, s, &start, &end, a->count, 0);
    }
    if (h) md_reply_defer_set(c, h, md_resp_version(c) == 2 ? MD_DEFER_ARRAY : MD_DEFER_MAP, n);
    return n;
}

/* Block on every key, re-running with "$" and "+" replaced by ids[]. */
static void block(md_ctx_t *c, int argc, const md_arg_t *argv, const xread_args_t *a,
                  const sid_t *ids, const int *rewritten)
{
    md_arg_t *nargv = md_alloc((size_t)argc * sizeof *nargv);
    char (*bufs)[SID_BUF] = md_alloc((size_t)a->nstreams * sizeof *bufs);
    md_block_t b;

    memcpy(nargv, argv, (size_t)argc * sizeof *nargv);
    for (int i = 0; i < a->nstreams; i++) {
        if (!rewritten[i]) continue;
        nargv[a->streams_arg + a->nstreams + i].ptr = bufs[i];
        nargv[a->streams_arg + a->nstreams + i].len = sid_fmt(bufs[i], &ids[i]);
    }
    memset(&b, 0, sizeof b);
    b.size = sizeof b;
    b.timeout_ms = a->block_ms;
    b.timeout_reply = MD_BLOCK_NULL_ARRAY;
    b.argc = argc;
    b.argv = nargv;
    if (md_block_on_keys_ex(c, a->nstreams, argv + a->streams_arg, &b) != MD_OK)
        md_reply_null_array(c);
    md_free(bufs);
    md_free(nargv);
}

int sx_cmd_xread(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    xread_args_t a;
    sid_t *ids;
    int *rewritten;

    if (parse_args(c, argc, argv, &a) != MD_OK) return MD_OK;
    ids = md_alloc((size_t)a.nstreams * sizeof *ids);
    rewritten = md_alloc((size_t)a.nstreams * sizeof *rewritten);
    for (int i = 0; i < a.nstreams; i++)
        if (resolve_id(c, argv, &a, i, &ids[i], &rewritten[i]) != MD_OK) goto done;
    if (serve(c, argv, &a, ids) == 0) {
        if (a.block_ms >= 0) block(c, argc, argv, &a, ids, rewritten);
        else md_reply_null_array(c);
    }
done:
    md_free(ids);
    md_free(rewritten);
    return MD_OK;
}
