/*
 * zsets_setops.c — ZUNION, ZINTER, ZDIFF, their STORE forms and
 * ZINTERCARD, as Redis's zunionInterDiffGenericCommand: inputs are
 * sorted sets and plain sets (every member scoring 1, read through
 * "set.v1"), a missing key is an empty input, WEIGHTS multiply
 * the scores (a NaN product counts as 0), AGGREGATE SUM|MIN|MAX combines
 * them (a NaN sum counts as 0).
 *
 * Order of checks, as Redis: numkeys, the key count, the input types
 * (WRONGTYPE before any option error), then the options. Union and
 * intersection take the inputs from the smallest to the largest (a
 * stable sort, so scores are summed in Redis's order); the result is a
 * skiplist, replied in rank order or stored — converted back to a
 * listpack when it fits, as Redis's zsetConvertToListpackIfNeeded.
 */
#include <stdio.h>
#include "zsets_setops.h"
#include "zsets.h"
#include "zsets_source.h"

enum { OP_UNION, OP_INTER, OP_DIFF };
enum { AGG_SUM, AGG_MIN, AGG_MAX };

typedef struct setop {
    md_ctx_t *c;
    const char *name;           /* for the numkeys error */
    int op, card_only, store;
    int aggregate, withscores;
    long long limit;            /* ZINTERCARD LIMIT; 0: none */
    int nsrc;
    zsrc_t *src;
    zsl_t *dst;                 /* the result (not for ZINTERCARD) */
    size_t maxlen, totlen;      /* of the result's members */
    unsigned long card;         /* ZINTERCARD */
} setop_t;

static void aggregate(double *target, double v, int how)
{
    if (how == AGG_SUM) {
        *target += v;
        if (*target != *target) *target = 0.0;
    } else if (how == AGG_MIN) {
        *target = v < *target ? v : *target;
    } else {
        *target = v > *target ? v : *target;
    }
}

static double weighted(double score, double weight)
{
    double v = score * weight;
    return v != v ? 0.0 : v;
}

static void note_member(setop_t *s, size_t n)
{
    s->totlen += n;
    if (n > s->maxlen) s->maxlen = n;
}

/* ------------------------------------------------------------------ */
/* The three operations                                                */
/* ------------------------------------------------------------------ */

typedef struct visit {
    setop_t *s;
    int i;                      /* the source being walked */
} visit_t;

/* Union: accumulate into table-only nodes of the result, then link. */
static int union_one(void *priv, const char *m, size_t n, double score)
{
    visit_t *v = priv;
    setop_t *s = v->s;
    double w = weighted(score, s->src[v->i].weight);
    zsl_node_t *x = zsl_find(s->dst, m, n);

    if (x) {
        aggregate(&x->score, w, s->aggregate);
    } else {
        zsl_ht_add(s->dst, w, m, n);
        note_member(s, n);
    }
    return 1;
}

static void do_union(setop_t *s)
{
    md_ht_iter_t it;
    zsl_node_t *x;

    for (int i = 0; i < s->nsrc; i++) {
        visit_t v = {s, i};
        zsrc_each(&s->src[i], union_one, &v);
    }
    md_ht_iter_init(&it, s->dst->ht);
    while ((x = md_ht_iter_next(&it)) != NULL) zsl_link(s->dst, x);
}

/* Intersection: each member of the smallest input present in all. */
static int inter_one(void *priv, const char *m, size_t n, double score)
{
    setop_t *s = ((visit_t *)priv)->s;
    double total = weighted(score, s->src[0].weight);

    for (int j = 1; j < s->nsrc; j++) {
        double v;
        if (s->src[j].value == s->src[0].value && s->src[j].value) {
            v = score;
        } else if (!zsrc_find(&s->src[j], m, n, &v)) {
            return 1;
        }
        aggregate(&total, v * s->src[j].weight, s->aggregate);
    }
    if (s->card_only) {
        s->card++;
        return !(s->limit && s->card >= (unsigned long)s->limit);
    }
    zsl_insert(s->dst, total, m, n);
    note_member(s, n);
    return 1;
}

/* Difference: the members of the first input in no other one, with
 * their scores in the first. */
static int diff_one(void *priv, const char *m, size_t n, double score)
{
    setop_t *s = ((visit_t *)priv)->s;
    for (int j = 1; j < s->nsrc; j++) {
        double v;
        if (s->src[j].value == s->src[0].value || zsrc_find(&s->src[j], m, n, &v))
            return 1;
    }
    zsl_insert(s->dst, score, m, n);
    note_member(s, n);
    return 1;
}

static void run(setop_t *s)
{
    visit_t v = {s, 0};
    if (s->op == OP_UNION) do_union(s);
    else if (s->op == OP_INTER) {
        if (zsrc_len(&s->src[0]) > 0) zsrc_each(&s->src[0], inter_one, &v);
    } else {
        zsrc_each(&s->src[0], diff_one, &v);
    }
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

/* numkeys at argv[idx] and the inputs after it; errors replied. */
static int parse_sources(setop_t *s, int argc, const md_arg_t *argv, int idx)
{
    long long n;

    if (md_parse_ll(s->c, argv[idx], &n) != MD_OK) return MD_ERR;
    if (n < 1) {
        char msg[96];
        snprintf(msg, sizeof msg, "ERR at least 1 input key is needed for '%s' command",
                 s->name);
        md_reply_error(s->c, msg);
        return MD_ERR;
    }
    if (n > argc - idx - 1) {
        md_reply_syntax(s->c);
        return MD_ERR;
    }
    s->nsrc = (int)n;
    s->src = md_calloc((size_t)n * sizeof *s->src);
    for (int i = 0; i < s->nsrc; i++) {
        if (zsrc_open(s->c, argv[idx + 1 + i], &s->src[i]) != MD_OK) {
            md_reply_wrongtype(s->c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

static int parse_aggregate(setop_t *s, md_arg_t a)
{
    if (md_arg_eq(a, "sum")) s->aggregate = AGG_SUM;
    else if (md_arg_eq(a, "min")) s->aggregate = AGG_MIN;
    else if (md_arg_eq(a, "max")) s->aggregate = AGG_MAX;
    else {
        md_reply_syntax(s->c);
        return MD_ERR;
    }
    return MD_OK;
}

/* WEIGHTS, AGGREGATE, WITHSCORES, LIMIT from argv[j] on, where each is
 * allowed; errors replied. */
static int parse_options(setop_t *s, int argc, const md_arg_t *argv, int j)
{
    while (j < argc) {
        int left = argc - j;
        int sets_opts = s->op != OP_DIFF && !s->card_only;
        if (sets_opts && left >= s->nsrc + 1 && md_arg_eq(argv[j], "weights")) {
            j++;
            for (int i = 0; i < s->nsrc; i++, j++) {
                if (md_arg_double(argv[j], &s->src[i].weight) != MD_OK) {
                    md_reply_error(s->c, "ERR weight value is not a float");
                    return MD_ERR;
                }
            }
        } else if (sets_opts && left >= 2 && md_arg_eq(argv[j], "aggregate")) {
            if (parse_aggregate(s, argv[j + 1]) != MD_OK) return MD_ERR;
            j += 2;
        } else if (!s->store && !s->card_only && md_arg_eq(argv[j], "withscores")) {
            s->withscores = 1;
            j++;
        } else if (s->card_only && left >= 2 && md_arg_eq(argv[j], "limit")) {
            if (md_arg_ll(argv[j + 1], &s->limit) != MD_OK || s->limit < 0) {
                md_reply_error(s->c, "ERR LIMIT can't be negative");
                return MD_ERR;
            }
            j += 2;
        } else {
            md_reply_syntax(s->c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* Stable sort of the inputs by length (insertion sort: few inputs). */
static void sort_sources(setop_t *s)
{
    for (int i = 1; i < s->nsrc; i++) {
        zsrc_t t = s->src[i];
        int j = i;
        while (j > 0 && zsrc_len(&s->src[j - 1]) > zsrc_len(&t)) {
            s->src[j] = s->src[j - 1];
            j--;
        }
        s->src[j] = t;
    }
}

/* ------------------------------------------------------------------ */
/* The commands                                                        */
/* ------------------------------------------------------------------ */

static void reply_result(setop_t *s)
{
    zs_reply_elems_header(s->c, (long)s->dst->length, s->withscores);
    for (zsl_node_t *x = zsl_first(s->dst); x; x = x->level[0].forward) {
        zelem_t e;
        e.p = zsl_member(x, &e.n);
        e.ll = 0;
        e.score = x->score;
        zs_reply_elem(s->c, &e, s->withscores, zs_pairs(s->c));
    }
}

static void store_result(setop_t *s, md_arg_t dstkey)
{
    static const char *const events[] = {"zunionstore", "zinterstore", "zdiffstore"};
    void *z = zv_from_skiplist(s->dst);
    zkey_t zk = {s->c, dstkey, md_key_open(s->c, dstkey, MD_WRITE), NULL, NULL};

    s->dst = NULL;
    zv_maybe_to_listpack(&z, s->maxlen, s->totlen);
    md_reply_int(s->c, zk_replace(&zk, z, events[s->op]));
}

/* One of the commands: numkeys at argv[idx]; dstkey.ptr NULL unless a
 * STORE form. */
static void setop_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int idx,
                          const char *name, int op, int card_only, md_arg_t dstkey)
{
    setop_t s = {.c = c, .name = name, .op = op, .card_only = card_only,
                 .store = dstkey.ptr != NULL};

    if (parse_sources(&s, argc, argv, idx) != MD_OK ||
        parse_options(&s, argc, argv, idx + 1 + s.nsrc) != MD_OK)
        goto done;
    if (op != OP_DIFF) sort_sources(&s);
    if (!card_only) s.dst = zsl_new(op == OP_UNION && s.nsrc ? zsrc_len(&s.src[s.nsrc - 1]) : 0);
    run(&s);
    if (card_only)
        md_reply_int(c, (long long)s.card);
    else if (s.store)
        store_result(&s, dstkey);
    else
        reply_result(&s);
done:
    if (s.dst) zsl_free(s.dst);
    md_free(s.src);
}

static const md_arg_t no_key = {NULL, 0};

int zsets_cmd_zunion(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 1, "zunion", OP_UNION, 0, no_key);
    return MD_OK;
}

int zsets_cmd_zinter(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 1, "zinter", OP_INTER, 0, no_key);
    return MD_OK;
}

int zsets_cmd_zdiff(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 1, "zdiff", OP_DIFF, 0, no_key);
    return MD_OK;
}

int zsets_cmd_zunionstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 2, "zunionstore", OP_UNION, 0, argv[1]);
    return MD_OK;
}

int zsets_cmd_zinterstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 2, "zinterstore", OP_INTER, 0, argv[1]);
    return MD_OK;
}

int zsets_cmd_zdiffstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 2, "zdiffstore", OP_DIFF, 0, argv[1]);
    return MD_OK;
}

int zsets_cmd_zintercard(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    setop_generic(c, argc, argv, 1, "zintercard", OP_INTER, 1, no_key);
    return MD_OK;
}
