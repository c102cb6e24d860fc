/*
 * zsets_cmds.c — the key helper and the element commands of the sorted
 * sets, with Redis 7.4 semantics: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE,
 * ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZSCAN, ZRANDMEMBER.
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call (errors included);
 *  - every argument is checked before anything changes, in Redis's order
 *    of checks (so the same error wins);
 *  - the key never holds an empty set: the last removal deletes it;
 *  - after a change: WATCH (md_key_modified), the keyspace event of class
 *    z, the dirty counter; a call that changed nothing does none of it,
 *    so the host does not propagate it. Writes propagate verbatim.
 */
#include <limits.h>
#include <string.h>
#include "zsets_cmds.h"
#include "zsets.h"

#define LD_BUF 64 /* room for %.17Lg */

/* ------------------------------------------------------------------ */
/* The key helper                                                      */
/* ------------------------------------------------------------------ */

int zk_open(md_ctx_t *c, md_arg_t name, int mode, zkey_t *zk)
{
    const md_type_t *t;

    zk->c = c;
    zk->name = name;
    zk->k = md_key_open(c, name, mode);
    zk->z = zk->stored = NULL;
    t = md_key_type(zk->k);
    if (t == NULL) return MD_OK;
    if (t != zsets_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    zk->z = zk->stored = md_key_value(zk->k);
    return MD_OK;
}

void zk_store(zkey_t *zk)
{
    if (zk->z == zk->stored) return;
    if (zk->stored == NULL)
        md_key_set(zk->k, zsets_type, zk->z, 0);
    else
        md_key_replace_value(zk->k, zk->z);
    zk->stored = zk->z;
}

int zk_removed(zkey_t *zk, const char *event, long long n)
{
    int deleted = zv_len(zk->z) == 0;

    if (deleted) {
        /* The keyspace frees the word it holds; a newer word is the same
         * set moved, so only one of them is live. */
        if (zk->z != zk->stored) md_key_replace_value(zk->k, zk->z);
        md_key_delete(zk->k);
        zk->z = zk->stored = NULL;
    } else {
        zk_store(zk);
    }
    md_key_modified(zk->c, zk->k);
    md_notify(zk->c, MD_NOTIFY_ZSET, event, zk->name);
    if (deleted) md_notify(zk->c, MD_NOTIFY_GENERIC, "del", zk->name);
    md_dirty(zk->c, n);
    return deleted;
}

long long zk_replace(zkey_t *zk, void *z, const char *event)
{
    long long len = z ? (long long)zv_len(z) : 0;

    if (len) {
        md_key_set(zk->k, zsets_type, z, 0);
        zk->z = zk->stored = z;
        md_key_modified(zk->c, zk->k);
        md_notify(zk->c, MD_NOTIFY_ZSET, event, zk->name);
        md_dirty(zk->c, 1);
        md_key_ready(zk->c, zk->name);
        return len;
    }
    if (z) zv_free(z);
    if (md_key_delete(zk->k) == MD_OK) {
        md_key_modified(zk->c, zk->k);
        md_notify(zk->c, MD_NOTIFY_GENERIC, "del", zk->name);
        md_dirty(zk->c, 1);
    }
    zk->z = zk->stored = NULL;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Shared parsers and replies                                          */
/* ------------------------------------------------------------------ */

int zs_parse_range(md_ctx_t *c, md_arg_t min, md_arg_t max, zrange_t *r)
{
    if (md_arg_score_bound(min, &r->min, &r->minex) != MD_OK ||
        md_arg_score_bound(max, &r->max, &r->maxex) != MD_OK) {
        md_reply_error(c, MD_ERR_MIN_MAX_FLOAT);
        return MD_ERR;
    }
    return MD_OK;
}

int zs_parse_lex(md_ctx_t *c, md_arg_t min, md_arg_t max, zlex_t *r)
{
    if (md_arg_lex_bound(min, &r->min) != MD_OK ||
        md_arg_lex_bound(max, &r->max) != MD_OK) {
        md_reply_error(c, MD_ERR_LEX_RANGE);
        return MD_ERR;
    }
    return MD_OK;
}

void zs_reply_member(md_ctx_t *c, const zelem_t *e)
{
    if (e->p)
        md_reply_bulk(c, e->p, e->n);
    else
        md_reply_bulk_ll(c, e->ll);
}

void zs_reply_elem(md_ctx_t *c, const zelem_t *e, int withscores, int pairs)
{
    if (withscores && pairs) md_reply_array(c, 2);
    zs_reply_member(c, e);
    if (withscores) md_reply_double(c, e->score);
}

void zs_reply_elems_header(md_ctx_t *c, long n, int withscores)
{
    md_reply_array(c, withscores && !zs_pairs(c) ? 2 * n : n);
}

/* "ERR wrong number of arguments for '<cmd>' command". */
static int reply_arity(md_ctx_t *c, const char *cmd)
{
    char msg[96];
    size_t n = strlen(cmd);
    memcpy(msg, "ERR wrong number of arguments for '", 35);
    memcpy(msg + 35, cmd, n);
    memcpy(msg + 35 + n, "' command", 10);
    return md_reply_error(c, msg);
}

/* ------------------------------------------------------------------ */
/* ZADD / ZINCRBY                                                      */
/* ------------------------------------------------------------------ */

/* The leading ZADD options from argv[2] on; returns the index of the
 * first score. */
static int zadd_options(int argc, const md_arg_t *argv, int *flags, int *ch)
{
    int i = 2;
    for (; i < argc; i++) {
        if (md_arg_eq(argv[i], "nx")) *flags |= ZADD_IN_NX;
        else if (md_arg_eq(argv[i], "xx")) *flags |= ZADD_IN_XX;
        else if (md_arg_eq(argv[i], "ch")) *ch = 1;
        else if (md_arg_eq(argv[i], "incr")) *flags |= ZADD_IN_INCR;
        else if (md_arg_eq(argv[i], "gt")) *flags |= ZADD_IN_GT;
        else if (md_arg_eq(argv[i], "lt")) *flags |= ZADD_IN_LT;
        else break;
    }
    return i;
}

/* Redis's option rules, in its order; MD_OK or an error replied. */
static int zadd_check(md_ctx_t *c, int flags, int elements)
{
    int nx = flags & ZADD_IN_NX, xx = flags & ZADD_IN_XX;
    int gt = flags & ZADD_IN_GT, lt = flags & ZADD_IN_LT;

    if (nx && xx) {
        md_reply_error(c, "ERR XX and NX options at the same time are not compatible");
        return MD_ERR;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        md_reply_error(c, "ERR GT, LT, and/or NX options at the same time are not "
                          "compatible");
        return MD_ERR;
    }
    if ((flags & ZADD_IN_INCR) && elements > 1) {
        md_reply_error(c, "ERR INCR option supports a single increment-element pair");
        return MD_ERR;
    }
    return MD_OK;
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...];
 * ZINCRBY key increment member is this with INCR. */
static int zadd_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int flags)
{
    int ch = 0, first = zadd_options(argc, argv, &flags, &ch);
    int elements = argc - first, incr = flags & ZADD_IN_INCR;
    long long added = 0, updated = 0, processed = 0;
    double *scores, score = 0;
    size_t maxlen = 0;
    int created;
    zkey_t zk;

    if (elements % 2 || elements == 0) return md_reply_syntax(c);
    elements /= 2;
    if (zadd_check(c, flags, elements) != MD_OK) return MD_OK;
    scores = md_alloc((size_t)elements * sizeof *scores);
    for (int j = 0; j < elements; j++) {
        if (md_parse_double(c, argv[first + 2 * j], &scores[j]) != MD_OK) goto done;
        if (argv[first + 2 * j + 1].len > maxlen) maxlen = argv[first + 2 * j + 1].len;
    }
    if (zk_open(c, argv[1], MD_WRITE, &zk) != MD_OK) goto done;
    if (zk.z == NULL && !(flags & ZADD_IN_XX)) zk.z = zv_new((size_t)elements, maxlen);
    for (int j = 0; zk.z && j < elements; j++) {
        const md_arg_t *m = &argv[first + 2 * j + 1];
        int out;
        if (!zv_add(&zk.z, scores[j], m->ptr, m->len, flags, &out, &score)) {
            md_reply_error(c, MD_ERR_NAN_SCORE);
            goto changed;
        }
        added += (out & ZADD_OUT_ADDED) != 0;
        updated += (out & ZADD_OUT_UPDATED) != 0;
        processed += !(out & ZADD_OUT_NOP);
    }
    if (incr && processed)
        md_reply_double(c, score);
    else if (incr)
        md_reply_null(c);
    else
        md_reply_int(c, ch ? added + updated : added);
changed:
    if (zk.z && zv_len(zk.z) == 0) {
        zv_free(zk.z);          /* never stored: nothing was added */
        zk.z = NULL;
    }
    created = zk.z && zk.stored == NULL;
    if (zk.z) zk_store(&zk);
    if (added || updated) {
        md_key_modified(c, zk.k);
        md_notify(c, MD_NOTIFY_ZSET, incr ? "zincr" : "zadd", argv[1]);
        md_dirty(c, added + updated);
        if (created) md_key_ready(c, argv[1]);
    }
done:
    md_free(scores);
    return MD_OK;
}

int zsets_cmd_zadd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return zadd_generic(c, argc, argv, 0);
}

int zsets_cmd_zincrby(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return zadd_generic(c, argc, argv, ZADD_IN_INCR);
}

/* ------------------------------------------------------------------ */
/* ZREM, ZCARD, ZSCORE, ZMSCORE                                        */
/* ------------------------------------------------------------------ */

int zsets_cmd_zrem(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long deleted = 0;
    zkey_t zk;

    if (zk_open(c, argv[1], MD_WRITE, &zk) != MD_OK) return MD_OK;
    if (zk.z) {
        for (int i = 2; i < argc && zv_len(zk.z); i++)
            deleted += zv_del(&zk.z, argv[i].ptr, argv[i].len);
        if (deleted) zk_removed(&zk, "zrem", deleted);
    }
    return md_reply_int(c, deleted);
}

int zsets_cmd_zcard(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    zkey_t zk;
    (void)argc;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    return md_reply_int(c, zk.z ? (long long)zv_len(zk.z) : 0);
}

int zsets_cmd_zscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    zkey_t zk;
    double s;
    (void)argc;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    if (zk.z && zv_score(zk.z, argv[2].ptr, argv[2].len, &s)) return md_reply_double(c, s);
    return md_reply_null(c);
}

int zsets_cmd_zmscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    zkey_t zk;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        double s;
        if (zk.z && zv_score(zk.z, argv[i].ptr, argv[i].len, &s))
            md_reply_double(c, s);
        else
            md_reply_null(c);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* ZRANK / ZREVRANK                                                    */
/* ------------------------------------------------------------------ */

/* ZRANK key member [WITHSCORE] (WITHSCORE: Redis 7.2). */
static int rank_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int rev)
{
    int withscore = 0;
    long long rank;
    double s;
    zkey_t zk;

    if (argc > 4) return reply_arity(c, rev ? "zrevrank" : "zrank");
    if (argc == 4) {
        if (!md_arg_eq(argv[3], "withscore")) return md_reply_syntax(c);
        withscore = 1;
    }
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    rank = zk.z ? zv_rank(zk.z, argv[2].ptr, argv[2].len, rev, &s) : -1;
    if (rank < 0) return withscore ? md_reply_null_array(c) : md_reply_null(c);
    if (!withscore) return md_reply_int(c, rank);
    md_reply_array(c, 2);
    md_reply_int(c, rank);
    return md_reply_double(c, s);
}

int zsets_cmd_zrank(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return rank_generic(c, argc, argv, 0);
}

int zsets_cmd_zrevrank(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return rank_generic(c, argc, argv, 1);
}

/* ------------------------------------------------------------------ */
/* ZCOUNT / ZLEXCOUNT                                                  */
/* ------------------------------------------------------------------ */

/* Elements from the iterator's position on (forward) while in range:
 * O(log N) on a skiplist through ranks, a walk on a listpack. */
static long long count_from(zv_iter_t *first, zv_iter_t *last)
{
    long long n = 1;
    if (first->enc == ZV_SL)
        return (long long)(zsl_rank(first->zsl, last->node) - zsl_rank(first->zsl, first->node)) + 1;
    while (first->ep != last->ep && zv_iter_next(first)) n++;
    return n;
}

int zsets_cmd_zcount(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    zrange_t r;
    zkey_t zk;
    zv_iter_t first, last;

    (void)argc;
    if (zs_parse_range(c, argv[2], argv[3], &r) != MD_OK) return MD_OK;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    if (zk.z == NULL || !zv_iter_score(&first, zk.z, &r, 0)) return md_reply_int(c, 0);
    zv_iter_score(&last, zk.z, &r, 1);
    return md_reply_int(c, count_from(&first, &last));
}

int zsets_cmd_zlexcount(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    zlex_t r;
    zkey_t zk;
    zv_iter_t first, last;

    (void)argc;
    if (zs_parse_lex(c, argv[2], argv[3], &r) != MD_OK) return MD_OK;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    if (zk.z == NULL || !zv_iter_lex(&first, zk.z, &r, 0)) return md_reply_int(c, 0);
    zv_iter_lex(&last, zk.z, &r, 1);
    return md_reply_int(c, count_from(&first, &last));
}

/* ------------------------------------------------------------------ */
/* ZSCAN                                                               */
/* ------------------------------------------------------------------ */

typedef struct scan_acc {
    zelem_t *v;
    size_t n, cap;
} scan_acc_t;

static void scan_collect(void *priv, const zelem_t *e)
{
    scan_acc_t *a = priv;
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->v = md_realloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = *e;
}

/* A listpack answers whole, its scores as stored (Redis replies the
 * listpack entry); a skiplist's scores as Redis's scan callback prints
 * them (ld2string's LD_STR_AUTO, "%.17Lg": 0.1 is 0.10000000000000001). */
static void scan_reply(md_ctx_t *c, void *z, const scan_acc_t *a,
                       const md_scan_opts_t *o)
{
    void *h = md_reply_defer(c);
    long n = 0;
    md_lp_t *lp = zv_enc(z) == ZV_LP ? zv_lp(z) : NULL;
    unsigned char *ep = lp ? md_lp_first(lp) : NULL;

    for (size_t i = 0; i < a->n; i++) {
        char buf[ZE_BUF], sb[LD_BUF];
        md_arg_t m = ze_member(&a->v[i], buf);
        unsigned char *sp = lp ? md_lp_next(lp, ep) : NULL;
        if (lp) ep = md_lp_next(lp, sp);
        if (!md_scan_match(o, m.ptr, m.len)) continue;
        md_reply_bulk(c, m.ptr, m.len);
        if (sp) {
            size_t sn;
            long long ll;
            const unsigned char *s = md_lp_get(sp, &sn, &ll);
            if (s) md_reply_bulk(c, s, sn);
            else md_reply_bulk_ll(c, ll);
        } else {
            int len = md_ld2str(sb, sizeof sb, (long double)a->v[i].score, 0);
            md_reply_bulk(c, sb, (size_t)len);
        }
        n += 2;
    }
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
}

/* ZSCAN key cursor [MATCH pattern] [COUNT count] */
int zsets_cmd_zscan(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned long long cursor;
    md_scan_opts_t o;
    scan_acc_t a = {NULL, 0, 0};
    zkey_t zk;

    if (md_parse_scan_cursor(c, argv[2], &cursor) != MD_OK) return MD_OK;
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    if (zk.z == NULL) {
        md_reply_scan_cursor(c, 0);
        return md_reply_array(c, 0);
    }
    if (md_parse_scan_opts(c, argc, argv, 3, 0, &o) != MD_OK) return MD_OK;
    if (zv_enc(zk.z) == ZV_LP) {
        md_lp_t *lp = zv_lp(zk.z);
        for (unsigned char *ep = md_lp_first(lp); ep; ep = zlp_next(lp, ep)) {
            zelem_t e;
            zlp_get(lp, ep, &e);
            scan_collect(&a, &e);
        }
        cursor = 0;
    } else {
        long long steps = o.count * 10;
        do {
            cursor = zv_scan(zk.z, cursor, scan_collect, &a);
        } while (cursor && steps-- && (long long)a.n < o.count);
    }
    md_reply_scan_cursor(c, cursor);
    scan_reply(c, zk.z, &a, &o);
    md_free(a.v);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* ZRANDMEMBER                                                         */
/* ------------------------------------------------------------------ */

/* All elements in rank order (the count covers the whole set). */
static void randmember_all(md_ctx_t *c, void *z, int withscores)
{
    zv_iter_t it;
    int ok = zv_iter_rank(&it, z, 0, 0);
    zs_reply_elems_header(c, (long)zv_len(z), withscores);
    for (; ok; ok = zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        zs_reply_elem(c, &e, withscores, zs_pairs(c));
    }
}

static void randmember_count(md_ctx_t *c, void *z, long long l, int withscores)
{
    unsigned long long count = l < 0 ? (unsigned long long)-l : (unsigned long long)l;
    size_t size = zv_len(z);
    int pairs = zs_pairs(c);

    if (count == 0) {
        md_reply_array(c, 0);
        return;
    }
    if (l < 0 || count == 1) {
        /* Independent draws, repetitions allowed. */
        zs_reply_elems_header(c, (long)count, withscores);
        while (count--) {
            zelem_t e;
            zv_random(z, &e);
            zs_reply_elem(c, &e, withscores, pairs);
        }
        return;
    }
    if (count >= size) {
        randmember_all(c, z, withscores);
        return;
    }
    zelem_t *v = md_alloc(count * sizeof *v);
    zv_random_distinct(z, v, count);
    zs_reply_elems_header(c, (long)count, withscores);
    for (size_t i = 0; i < count; i++) zs_reply_elem(c, &v[i], withscores, pairs);
    md_free(v);
}

/* ZRANDMEMBER key [count [WITHSCORES]] */
int zsets_cmd_zrandmember(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long l = 0;
    int withscores = 0;
    zkey_t zk;
    zelem_t e;

    if (argc >= 3) {
        if (md_parse_ll(c, argv[2], &l) != MD_OK) return MD_OK;
        if (l < -LLONG_MAX) {
            return md_reply_error(c, "ERR value is out of range, value must between "
                                     "-9223372036854775807 and 9223372036854775807");
        }
        if (argc > 4 || (argc == 4 && !md_arg_eq(argv[3], "withscores")))
            return md_reply_syntax(c);
        withscores = argc == 4;
        if (withscores && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2))
            return md_reply_error(c, "ERR value is out of range");
    }
    if (zk_open(c, argv[1], MD_READ, &zk) != MD_OK) return MD_OK;
    if (argc >= 3) {
        if (zk.z == NULL) return md_reply_array(c, 0);
        randmember_count(c, zk.z, l, withscores);
        return MD_OK;
    }
    if (zk.z == NULL) return md_reply_null(c);
    zv_random(zk.z, &e);
    zs_reply_member(c, &e);
    return MD_OK;
}
