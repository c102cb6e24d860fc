/*
 * zsets_range.c — the range commands: ZRANGE (BYSCORE, BYLEX, REV,
 * LIMIT, WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREMRANGEBYRANK,
 * ZREMRANGEBYSCORE, ZREMRANGEBYLEX, with Redis 7.4's argument rules and
 * errors in its order: options, then conflicting options, then the range,
 * then the key.
 *
 * One walk serves every range command: the elements go to a sink that
 * either replies them (RESP2: a flat array, with scores interleaved;
 * RESP3: [member, score] pairs) or adds them to a new sorted set for
 * ZRANGESTORE (created as Redis's zsetTypeCreate would for the known
 * length, converted on growth as ZADD does; never converted back).
 */
#include "zsets_range.h"
#include "zsets.h"

enum { RT_AUTO, RT_RANK, RT_SCORE, RT_LEX };
enum { DIR_AUTO, DIR_FWD, DIR_REV };

typedef struct range_args {
    int type, rev, withscores;
    long long offset, limit;        /* LIMIT; limit -1: none */
    long long start, end;           /* RT_RANK */
    zrange_t score;                 /* RT_SCORE */
    zlex_t lex;                     /* RT_LEX */
} range_args_t;

/* ------------------------------------------------------------------ */
/* Sinks                                                               */
/* ------------------------------------------------------------------ */

typedef struct sink {
    md_ctx_t *c;
    int store, withscores, pairs;
    void *dst;              /* store: the set being built */
    void *defer;            /* reply: the deferred length, or NULL */
    long n;
} sink_t;

/* length >= 0 when known before the walk. */
static void sink_begin(sink_t *s, long length)
{
    s->n = 0;
    s->defer = NULL;
    if (s->store) {
        s->dst = zv_new(length > 0 ? (size_t)length : 0, 0);
    } else if (length > 0) {
        zs_reply_elems_header(s->c, length, s->withscores);
    } else {
        s->defer = md_reply_defer(s->c);
    }
}

static void sink_emit(sink_t *s, const zelem_t *e)
{
    s->n++;
    if (s->store) {
        char buf[ZE_BUF];
        md_arg_t m = ze_member(e, buf);
        int out;
        zv_add(&s->dst, e->score, m.ptr, m.len, 0, &out, NULL);
        return;
    }
    zs_reply_elem(s->c, e, s->withscores, s->pairs);
}

static void sink_end(sink_t *s, md_arg_t dstkey)
{
    if (s->store) {
        zkey_t zk = {s->c, dstkey, md_key_open(s->c, dstkey, MD_WRITE), NULL, NULL};
        md_reply_int(s->c, zk_replace(&zk, s->dst, "zrangestore"));
        return;
    }
    if (s->defer)
        md_reply_defer_set(s->c, s->defer, MD_DEFER_ARRAY,
                           s->withscores && !s->pairs ? 2 * s->n : s->n);
}

/* ------------------------------------------------------------------ */
/* The walks                                                           */
/* ------------------------------------------------------------------ */

static void walk_rank(sink_t *s, void *z, const range_args_t *a)
{
    long long len = (long long)zv_len(z), start = a->start, end = a->end;
    zv_iter_t it;

    if (!md_range(&start, &end, len, MD_RANGE_LIST)) {
        sink_begin(s, 0);
        return;
    }
    sink_begin(s, (long)(end - start + 1));
    zv_iter_rank(&it, z, (unsigned long)start, a->rev);
    for (long long i = start; i <= end; i++, zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        sink_emit(s, &e);
    }
}

/* Still in range on the far side (the side the walk moves to)? */
static int in_far_side(const zv_iter_t *it, const zelem_t *e, const range_args_t *a)
{
    if (a->type == RT_LEX) return zv_iter_lex_ok(it, &a->lex);
    return a->rev ? zr_gte_min(e->score, &a->score) : zr_lte_max(e->score, &a->score);
}

/* BYSCORE and BYLEX with LIMIT: a negative offset skips everything (as
 * Redis's `while (offset--)`), a negative count means no limit. */
static void walk_bounds(sink_t *s, void *z, const range_args_t *a)
{
    long long limit = a->limit;
    zv_iter_t it;
    int ok;

    if (a->type == RT_SCORE && a->offset > 0 && a->offset >= (long long)zv_len(z)) {
        sink_begin(s, 0);
        return;
    }
    sink_begin(s, -1);
    if (a->type == RT_SCORE)
        ok = zv_iter_score(&it, z, &a->score, a->rev);
    else
        ok = zv_iter_lex(&it, z, &a->lex, a->rev);
    if (ok) ok = a->offset < 0 ? 0 : zv_iter_skip(&it, (unsigned long)a->offset);
    for (; ok && limit != 0; ok = zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        if (!in_far_side(&it, &e, a)) break;
        sink_emit(s, &e);
        if (limit > 0) limit--;
    }
}

/* ------------------------------------------------------------------ */
/* The generic command                                                 */
/* ------------------------------------------------------------------ */

/* Options after <src> <min> <max>; an error is replied. */
static int parse_options(md_ctx_t *c, int argc, const md_arg_t *argv, int j,
                         int store, int *dir, range_args_t *a)
{
    for (; j < argc; j++) {
        int left = argc - j - 1;
        if (!store && md_arg_eq(argv[j], "withscores")) {
            a->withscores = 1;
        } else if (md_arg_eq(argv[j], "limit") && left >= 2) {
            if (md_parse_ll(c, argv[j + 1], &a->offset) != MD_OK ||
                md_parse_ll(c, argv[j + 2], &a->limit) != MD_OK)
                return MD_ERR;
            j += 2;
        } else if (*dir == DIR_AUTO && md_arg_eq(argv[j], "rev")) {
            *dir = DIR_REV;
        } else if (a->type == RT_AUTO && md_arg_eq(argv[j], "bylex")) {
            a->type = RT_LEX;
        } else if (a->type == RT_AUTO && md_arg_eq(argv[j], "byscore")) {
            a->type = RT_SCORE;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* Redis's zrangeGenericCommand: argv[first] is the source key, followed
 * by the range and the options; `type` and `dir` are fixed by the old
 * command names (ZREVRANGEBYSCORE...) or RT_AUTO / DIR_AUTO (ZRANGE,
 * ZRANGESTORE). `store` is ZRANGESTORE (destination argv[1]). */
static void range_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int first,
                          int store, int type, int dir)
{
    range_args_t a = {.type = type, .limit = -1};
    int minidx = first + 1, maxidx = first + 2;
    sink_t s = {c, store, 0, zs_pairs(c), NULL, NULL, 0};
    zkey_t zk;

    if (parse_options(c, argc, argv, first + 3, store, &dir, &a) != MD_OK) return;
    a.rev = dir == DIR_REV;
    if (a.type == RT_AUTO) a.type = RT_RANK;
    if (a.limit != -1 && a.type == RT_RANK) {
        md_reply_error(c, "ERR syntax error, LIMIT is only supported in combination "
                          "with either BYSCORE or BYLEX");
        return;
    }
    if (a.withscores && a.type == RT_LEX) {
        md_reply_error(c, "ERR syntax error, WITHSCORES not supported in combination "
                          "with BYLEX");
        return;
    }
    if (a.rev && a.type != RT_RANK) {       /* given as max min */
        minidx = first + 2;
        maxidx = first + 1;
    }
    if (a.type == RT_RANK) {
        if (md_parse_ll(c, argv[minidx], &a.start) != MD_OK ||
            md_parse_ll(c, argv[maxidx], &a.end) != MD_OK)
            return;
    } else if (a.type == RT_SCORE) {
        if (zs_parse_range(c, argv[minidx], argv[maxidx], &a.score) != MD_OK) return;
    } else if (zs_parse_lex(c, argv[minidx], argv[maxidx], &a.lex) != MD_OK) {
        return;
    }
    s.withscores = a.withscores;
    if (zk_open(c, argv[first], MD_READ, &zk) != MD_OK) return;
    if (zk.z == NULL) {
        if (!store) {
            md_reply_array(c, 0);
            return;
        }
        sink_begin(&s, -1);
    } else if (a.type == RT_RANK) {
        walk_rank(&s, zk.z, &a);
    } else {
        walk_bounds(&s, zk.z, &a);
    }
    sink_end(&s, argv[1]);
}

int zsets_cmd_zrange(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_AUTO, DIR_AUTO);
    return MD_OK;
}

int zsets_cmd_zrangestore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 2, 1, RT_AUTO, DIR_AUTO);
    return MD_OK;
}

int zsets_cmd_zrevrange(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_RANK, DIR_REV);
    return MD_OK;
}

int zsets_cmd_zrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_SCORE, DIR_FWD);
    return MD_OK;
}

int zsets_cmd_zrevrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_SCORE, DIR_REV);
    return MD_OK;
}

int zsets_cmd_zrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_LEX, DIR_FWD);
    return MD_OK;
}

int zsets_cmd_zrevrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    range_generic(c, argc, argv, 1, 0, RT_LEX, DIR_REV);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* ZREMRANGEBY*                                                        */
/* ------------------------------------------------------------------ */

static void remrange(md_ctx_t *c, const md_arg_t *argv, int type)
{
    static const char *const events[] = {NULL, "zremrangebyrank",
                                         "zremrangebyscore", "zremrangebylex"};
    range_args_t a = {.type = type};
    unsigned long deleted;
    zkey_t zk;

    if (type == RT_RANK) {
        if (md_parse_ll(c, argv[2], &a.start) != MD_OK ||
            md_parse_ll(c, argv[3], &a.end) != MD_OK)
            return;
    } else if (type == RT_SCORE) {
        if (zs_parse_range(c, argv[2], argv[3], &a.score) != MD_OK) return;
    } else if (zs_parse_lex(c, argv[2], argv[3], &a.lex) != MD_OK) {
        return;
    }
    if (zk_open(c, argv[1], MD_WRITE, &zk) != MD_OK) return;
    if (zk.z == NULL) {
        md_reply_int(c, 0);
        return;
    }
    if (type == RT_RANK) {
        if (!md_range(&a.start, &a.end, (long long)zv_len(zk.z), MD_RANGE_LIST)) {
            md_reply_int(c, 0);
            return;
        }
        deleted = zv_del_range_rank(&zk.z, (unsigned long)a.start, (unsigned long)a.end);
    } else if (type == RT_SCORE) {
        deleted = zv_del_range_score(&zk.z, &a.score);
    } else {
        deleted = zv_del_range_lex(&zk.z, &a.lex);
    }
    if (deleted) zk_removed(&zk, events[type], (long long)deleted);
    md_reply_int(c, (long long)deleted);
}

int zsets_cmd_zremrangebyrank(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    remrange(c, argv, RT_RANK);
    return MD_OK;
}

int zsets_cmd_zremrangebyscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    remrange(c, argv, RT_SCORE);
    return MD_OK;
}

int zsets_cmd_zremrangebylex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    remrange(c, argv, RT_LEX);
    return MD_OK;
}
