/*
 * streams_read.c — XREAD [COUNT n] [BLOCK ms] STREAMS key... id... and
 * XREADGROUP GROUP g consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS ... with
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
 *
 * XREADGROUP: ">" delivers the entries after the group's last ID to the
 * consumer (pending unless NOACK; propagated as XCLAIM and XGROUP SETID,
 * as Redis does), another ID re-delivers the consumer's pending entries
 * after it. Blocked on ">", a re-run after XGROUP DESTROY (which
 * signals the key) answers Redis's NOGROUP error.
 */
#include <limits.h>
#include <string.h>
#include "streams_read.h"
#include "streams_cmds.h"
#include "streams.h"
#include "streams_groups.h"

#define ERR_DOLLAR                                                                  \
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "  \
    "history of this consumer by specifying a proper ID, or use the > ID to get new "  \
    "messages. The $ ID would just return an empty result set."
#define ERR_PLUS                                                                    \
    "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the "  \
    "history of this consumer by specifying a proper ID, or use the > ID to get new "  \
    "messages. The + ID would just return an empty result set."

typedef struct xread_args {
    long long count;        /* 0: all */
    int64_t block_ms;       /* -1: no BLOCK; 0: forever */
    int streams_arg;        /* argv index of the first key */
    int nstreams;
    int group;              /* XREADGROUP */
    md_arg_t gname, cname;  /* GROUP group consumer */
    int have_group, noack;
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
    a->have_group = a->noack = 0;
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
                /* (Redis names XREAD and '$' for XREADGROUP too) */
                md_reply_error(c, "ERR Unbalanced XREAD list of streams: for each stream "
                                  "key an ID or '$' must be specified.");
                return MD_ERR;
            }
            a->nstreams = (argc - a->streams_arg) / 2;
            break;
        } else if (md_arg_eq(argv[i], "group") && more >= 2) {
            if (!a->group) {
                md_reply_error(c, "ERR The GROUP option is only supported by XREADGROUP. You "
                                  "called XREAD instead.");
                return MD_ERR;
            }
            a->gname = argv[i + 1];
            a->cname = argv[i + 2];
            a->have_group = 1;
            i += 2;
        } else if (md_arg_eq(argv[i], "noack")) {
            if (!a->group) {
                md_reply_error(c, "ERR The NOACK option is only supported by XREADGROUP. You "
                                  "called XREAD instead.");
                return MD_ERR;
            }
            a->noack = 1;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    if (a->streams_arg == 0) {
        md_reply_syntax(c);
        return MD_ERR;
    }
    if (a->group && !a->have_group) {
        md_reply_error(c, "ERR Missing GROUP option for XREADGROUP");
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
    if (a->group && (s == NULL || scg_find(s, a->gname.ptr, a->gname.len) == NULL)) {
        sx_reply_nogroup(c, argv[a->streams_arg + i], a->gname, " in XREADGROUP with GROUP option");
        return MD_ERR;
    }
    *rewritten = arg.len == 1 && (arg.ptr[0] == '$' || arg.ptr[0] == '+');
    if (*rewritten && a->group) {
        md_reply_error(c, arg.ptr[0] == '$' ? ERR_DOLLAR : ERR_PLUS);
        return MD_ERR;
    }
    if (arg.len == 1 && arg.ptr[0] == '>') {
        if (!a->group) {
            md_reply_error(c, "ERR The > ID can be specified only when calling XREADGROUP "
                              "using the GROUP <group> <consumer> option.");
            return MD_ERR;
        }
        id->ms = id->seq = UINT64_MAX;   /* ">": the group's new entries */
        return MD_OK;
    }
    if (!*rewritten) return sx_parse_id_or_reply(c, arg, id, 0, 1);
    id->ms = id->seq = 0;
    if (s) *id = s->last_id;
    if (s && arg.ptr[0] == '+' && sid_decr(id) != 0) {
        md_reply_error(c, "ERR the stream last element ID is 0-0");
        return MD_ERR;
    }
    return MD_OK;
}

/* XREADGROUP ">" on stream i: the entries after the group's last ID,
 * delivered to the consumer (pending unless NOACK), each propagated as
 * XCLAIM, the moved last ID as XGROUP SETID (Redis's propagation). */
static void serve_new(md_ctx_t *c, md_arg_t key, const xread_args_t *a, stream_t *s, scg_t *g,
                      scg_consumer_t *cons)
{
    sid_t start = g->last_id, end = {UINT64_MAX, UINT64_MAX};
    int64_t now = md_mstime();
    void *h = md_reply_defer(c);
    long n = 0;
    sv_iter_t it;

    sid_incr(&start);
    sv_iter_start(&it, s, &start, &end, 0);
    while ((a->count == 0 || n < a->count) && sv_iter_next(&it)) {
        if (g->entries_read != SCG_ENTRIES_READ_UNKNOWN &&
            !scg_range_has_tombstones(s, &it.e.id))
            g->entries_read++;
        else if (s->entries_added)
            g->entries_read = scg_estimate_read(s, &it.e.id);
        g->last_id = it.e.id;
        sx_reply_entry(c, &it.e);
        n++;
        if (!a->noack) {
            scg_nack_t *nack = scg_nack_assign(g, &it.e.id, cons);
            nack->delivery_time = now;
            nack->delivery_count = 1;
            cons->active_time = now;
            sx_propagate_xclaim(c, key, g, &it.e.id, nack);
        }
    }
    sv_iter_done(&it);
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
    if (n) {
        sx_propagate_setid(c, key, g);
        md_dirty(c, n);
    }
}

/* XREADGROUP with an ID: the consumer's pending entries after it, each
 * delivered again (its time and count updated); a deleted entry comes as
 * [id, nil]. */
static void serve_history(md_ctx_t *c, const xread_args_t *a, const stream_t *s,
                          scg_consumer_t *cons, sid_t start)
{
    int64_t now = md_mstime();
    void *h = md_reply_defer(c);
    long n = 0;

    if (sid_incr(&start) == 0) {
        for (srax_leaf_t *l = srax_seek(&cons->pel, &start, SRAX_GE);
             l && (a->count == 0 || n < a->count); l = srax_seek(&cons->pel, &l->key, SRAX_GT)) {
            scg_nack_t *nack = l->val;
            sv_iter_t it;
            sv_iter_start(&it, s, &l->key, &l->key, 0);
            if (sv_iter_next(&it)) {
                sx_reply_entry(c, &it.e);
            } else {
                md_reply_array(c, 2);
                sx_reply_id(c, &l->key);
                md_reply_null_array(c);
            }
            sv_iter_done(&it);
            nack->delivery_time = now;
            nack->delivery_count++;
            n++;
        }
    }
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
}

/* Can stream i be served now? For XREADGROUP ">", when it has entries
 * after the group's last ID; with a history ID, always. */
static int servable(const xread_args_t *a, const stream_t *s, const sid_t *id, scg_t **g)
{
    sid_t last;
    *g = NULL;
    if (s == NULL) return 0;
    if (a->group) {
        *g = scg_find(s, a->gname.ptr, a->gname.len);
        if (id->ms != UINT64_MAX || id->seq != UINT64_MAX) return 1;
        return sv_edge_id(s, 1, &last) && sid_cmp(&last, &(*g)->last_id) > 0;
    }
    /* Redis compares with the last live entry (streamLastValidID) */
    return sv_edge_id(s, 1, &last) && sid_cmp(&last, id) > 0;
}

/* The consumer of an XREADGROUP, created when missing (and propagated,
 * so replicas know it even when nothing becomes pending). */
static scg_consumer_t *reader(md_ctx_t *c, md_arg_t key, const xread_args_t *a, scg_t *g)
{
    scg_consumer_t *cons = scg_consumer_find(g, a->cname.ptr, a->cname.len);
    if (cons == NULL) {
        cons = sx_consumer(c, key, g, a->cname);
        sx_propagate_createconsumer(c, key, g, cons);
    }
    cons->seen_time = md_mstime();
    return cons;
}

/* Reply the streams that have entries above their IDs; returns how many
 * (nothing is replied when none has). */
static long serve(md_ctx_t *c, const md_arg_t *argv, const xread_args_t *a, const sid_t *ids)
{
    void *h = NULL;
    long n = 0;

    for (int i = 0; i < a->nstreams; i++) {
        md_arg_t key = argv[a->streams_arg + i];
        md_key_t *k;
        stream_t *s;
        scg_t *g;
        sid_t start = ids[i], end = {UINT64_MAX, UINT64_MAX};
        sx_open(c, key, a->group ? MD_WRITE : MD_READ, &k, &s);
        if (!servable(a, s, &ids[i], &g)) continue;
        if (!g && sid_incr(&start) != 0) continue;
        if (h == NULL) h = md_reply_defer(c);
        n++;
        if (md_resp_version(c) == 2) md_reply_array(c, 2);
        md_reply_bulk(c, key.ptr, key.len);
        if (g == NULL) sx_reply_range(c, s, &start, &end, a->count, 0);
        else if (ids[i].ms == UINT64_MAX && ids[i].seq == UINT64_MAX)
            serve_new(c, key, a, s, g, reader(c, key, a, g));
        else serve_history(c, a, s, reader(c, key, a, g), ids[i]);
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

/* XREAD and XREADGROUP. */
static int read_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int group)
{
    xread_args_t a;
    sid_t *ids;
    int *rewritten;

    a.group = group;
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

int sx_cmd_xread(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return read_generic(c, argc, argv, 0);
}

int sx_cmd_xreadgroup(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return read_generic(c, argc, argv, 1);
}
