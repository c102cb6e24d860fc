/*
 * sets_algebra.c — SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE,
 * SDIFF and SDIFFSTORE with Redis 7.4's algorithms, which decide the
 * reply order and the encoding of a stored result:
 *
 *  - intersection: the sources sorted by size (stable), the smallest one
 *    walked and each member looked up in the others. A stored result
 *    starts as an intset when the smallest source is one, else as a
 *    listpack; members that are integers go in as integers; a result of
 *    integers only becomes an intset when it fits set-max-intset-entries;
 *  - union and difference: the result starts as an empty intset and is
 *    built by adds (so it converts as any set does); the difference picks
 *    Redis's algorithm 1 (walk the first set, look members up in the
 *    others, sorted by decreasing size) or 2 (add the first set, remove
 *    the others) from the same work estimate.
 *
 * A missing key is an empty set; every key is type-checked before any
 * work (the first wrong type answers WRONGTYPE). A STORE command replaces
 * the destination whatever it held (TTL cleared), or deletes it when the
 * result is empty; events: sinterstore / sunionstore / sdiffstore on the
 * destination, or del when it was deleted.
 */
#include "sets_cmds.h"
#include "sets.h"

enum { OP_UNION, OP_DIFF };

/* ------------------------------------------------------------------ */
/* Sources and destination                                             */
/* ------------------------------------------------------------------ */

/* The sets at keys[0..n) into sets[] (NULL for a missing key). MD_ERR
 * after replying WRONGTYPE. */
static int open_sets(md_ctx_t *c, int n, const md_arg_t *keys, void **sets)
{
    for (int j = 0; j < n; j++) {
        skey_t sk;
        if (sk_open(c, keys[j], MD_READ, &sk) != MD_OK) return MD_ERR;
        sets[j] = sk.s;
    }
    return MD_OK;
}

/* Store a result at dst (or delete dst for an empty one) and reply the
 * size; takes `res`. */
static void store_result(md_ctx_t *c, md_arg_t dst, void *res, const char *event)
{
    skey_t sk;
    size_t n = sv_len(res);

    sk_lookup(c, dst, MD_WRITE, &sk);
    if (n > 0) {
        md_key_set(sk.k, sets_type, res, 0);
        md_reply_int(c, (long long)n);
        md_key_modified(c, sk.k);
        md_notify(c, MD_NOTIFY_SET, event, dst);
        md_dirty(c, 1);
        return;
    }
    sv_free(res);
    md_reply_int(c, 0);
    if (md_key_type(sk.k) != NULL) {
        md_key_delete(sk.k);
        md_dirty(c, 1);
        md_key_modified(c, sk.k);
        md_notify(c, MD_NOTIFY_GENERIC, "del", dst);
    }
}

/* Reply a computed set as a set reply and free it. */
static void reply_result(md_ctx_t *c, void *res)
{
    sv_iter_t it;
    sm_t m;
    md_reply_set(c, (long)sv_len(res));
    sv_iter_init(&it, res);
    while (sv_iter_next(&it, &m)) sets_reply_member(c, &m);
    sv_free(res);
}

/* Stable sort of sets[0..n) by size, ascending (dir 1) or descending
 * (dir -1); NULL counts as empty. Insertion sort: n is the number of keys
 * of one command. */
static void sort_by_size(void **sets, int n, int dir)
{
    for (int i = 1; i < n; i++) {
        void *x = sets[i];
        size_t xs = x ? sv_len(x) : 0;
        int j = i - 1;
        while (j >= 0) {
            size_t js = sets[j] ? sv_len(sets[j]) : 0;
            if (dir > 0 ? js <= xs : js >= xs) break;
            sets[j + 1] = sets[j];
            j--;
        }
        sets[j + 1] = x;
    }
}

/* ------------------------------------------------------------------ */
/* Intersection                                                        */
/* ------------------------------------------------------------------ */

typedef struct inter {
    md_ctx_t *c;
    md_arg_t *dst;          /* STORE destination, or NULL */
    int card_only;          /* SINTERCARD */
    unsigned long long limit;
} inter_t;

/* Is m in every set but the first? */
static int in_all(void *const *sets, int n, const sm_t *m)
{
    for (int j = 1; j < n; j++) {
        if (sets[j] == sets[0]) continue;
        if (!sv_contains(sets[j], m)) return 0;
    }
    return 1;
}

/* Add a common member to the result as Redis does: a string that is an
 * integer goes in as an integer while the result is compact; any other
 * string clears *only_ints. */
static void inter_add(void **res, int src_enc, sm_t m, int *only_ints)
{
    if (m.p && *only_ints) {
        long long v;
        if (src_enc == SV_HT && md_arg_ll((md_arg_t){m.p, m.n}, &v) == MD_OK) {
            if (sv_enc(*res) != SV_HT) {
                m.p = NULL;
                m.ll = v;
            }
        } else {
            *only_ints = 0;
        }
    }
    sv_add(res, &m);
}

/* Walk the smallest set: count, reply or collect the common members. */
static void inter_walk(const inter_t *x, void **sets, int n)
{
    unsigned long long card = 0;
    int only_ints = 1, enc = sv_enc(sets[0]);
    void *res = NULL, *defer = NULL;
    sv_iter_t it;
    sm_t m;

    if (x->dst) res = sv_new(enc == SV_INTSET ? SV_INTSET : SV_LP, 0);
    else if (!x->card_only) defer = md_reply_defer(x->c);
    sv_iter_init(&it, sets[0]);
    while (sv_iter_next(&it, &m)) {
        if (!in_all(sets, n, &m)) continue;
        card++;
        if (x->card_only) {
            if (x->limit && card >= x->limit) {
                sv_iter_done(&it);
                break;
            }
        } else if (x->dst) {
            inter_add(&res, enc, m, &only_ints);
        } else {
            sets_reply_member(x->c, &m);
        }
    }
    if (x->card_only) {
        md_reply_int(x->c, (long long)card);
    } else if (x->dst) {
        if (sv_len(res) > 0 && only_ints) sv_maybe_to_intset(&res);
        store_result(x->c, *x->dst, res, "sinterstore");
    } else {
        md_reply_defer_set(x->c, defer, MD_DEFER_SET, (long)card);
    }
}

static void inter_generic(const inter_t *x, int n, const md_arg_t *keys)
{
    void **sets = md_alloc(sizeof(void *) * (size_t)n);
    int empty = 0;

    if (open_sets(x->c, n, keys, sets) != MD_OK) goto done;
    for (int j = 0; j < n; j++) empty += sets[j] == NULL;
    if (empty) {
        if (x->dst) store_result(x->c, *x->dst, sv_new(SV_INTSET, 0), NULL);
        else if (x->card_only) md_reply_int(x->c, 0);
        else md_reply_set(x->c, 0);
        goto done;
    }
    sort_by_size(sets, n, 1);
    inter_walk(x, sets, n);
done:
    md_free(sets);
}

int sets_cmd_sinter(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    inter_t x = {c, NULL, 0, 0};
    inter_generic(&x, argc - 1, argv + 1);
    return MD_OK;
}

int sets_cmd_sinterstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t dst = argv[1];
    inter_t x = {c, &dst, 0, 0};
    inter_generic(&x, argc - 2, argv + 2);
    return MD_OK;
}

/* SINTERCARD numkeys: at least 1, else 0 (error). */
static long long sintercard_numkeys(const md_arg_t *argv)
{
    long long n;
    if (md_arg_ll(argv[1], &n) != MD_OK || n < 1) return 0;
    return n;
}

int sets_cmd_sintercard(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long numkeys = sintercard_numkeys(argv), limit = 0;
    inter_t x = {c, NULL, 1, 0};

    if (numkeys == 0) {
        md_reply_error(c, "ERR numkeys should be greater than 0");
        return MD_OK;
    }
    if (numkeys > argc - 2) {
        md_reply_error(c, "ERR Number of keys can't be greater than number of args");
        return MD_OK;
    }
    for (long long j = 2 + numkeys; j < argc; j++) {
        if (md_arg_eq(argv[j], "LIMIT") && j + 1 < argc) {
            j++;
            if (md_arg_ll(argv[j], &limit) != MD_OK || limit < 0) {
                md_reply_error(c, "ERR LIMIT can't be negative");
                return MD_OK;
            }
        } else {
            md_reply_syntax(c);
            return MD_OK;
        }
    }
    x.limit = (unsigned long long)limit;
    inter_generic(&x, (int)numkeys, argv + 2);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Union and difference                                                */
/* ------------------------------------------------------------------ */

/* Add every member of s to *res; returns how many were new. */
static long add_all(void **res, const void *s)
{
    long added = 0;
    sv_iter_t it;
    sm_t m;
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) added += sv_add(res, &m);
    return added;
}

void *sets_union(void *const *sets, int n)
{
    void *res = sv_new(SV_INTSET, 0);
    for (int j = 0; j < n; j++)
        if (sets[j]) add_all(&res, sets[j]);
    return res;
}

/* Redis's choice: 1 = walk the first set, 2 = add it and remove the rest. */
static int diff_algorithm(void **sets, int n)
{
    long long one = 0, two = 0;
    for (int j = 0; j < n; j++) {
        if (sets[j] == NULL) continue;
        one += (long long)sv_len(sets[0]);
        two += (long long)sv_len(sets[j]);
    }
    one /= 2;
    return one <= two ? 1 : 2;
}

/* Algorithm 1: the members of sets[0] found in no other set. */
static void *diff_walk(void **sets, int n)
{
    void *res = sv_new(SV_INTSET, 0);
    sv_iter_t it;
    sm_t m;
    sv_iter_init(&it, sets[0]);
    while (sv_iter_next(&it, &m)) {
        int j;
        for (j = 1; j < n; j++)
            if (sets[j] && sv_contains(sets[j], &m)) break;
        if (j == n) sv_add(&res, &m);
    }
    return res;
}

/* Algorithm 2: sets[0], then every other set's members removed. */
static void *diff_remove(void **sets, int n)
{
    void *res = sv_new(SV_INTSET, 0);
    long card = add_all(&res, sets[0]);
    for (int j = 1; j < n && card > 0; j++) {
        sv_iter_t it;
        sm_t m;
        if (sets[j] == NULL) continue;
        sv_iter_init(&it, sets[j]);
        while (sv_iter_next(&it, &m)) card -= sv_remove(&res, &m);
    }
    return res;
}

static void *diff_of(void **sets, int n)
{
    int algo;
    if (sets[0] == NULL) return sv_new(SV_INTSET, 0);
    for (int j = 1; j < n; j++)
        if (sets[j] == sets[0]) return sv_new(SV_INTSET, 0); /* same key */
    algo = diff_algorithm(sets, n);
    if (algo == 1) {
        sort_by_size(sets + 1, n - 1, -1);
        return diff_walk(sets, n);
    }
    return diff_remove(sets, n);
}

static void union_diff(md_ctx_t *c, int n, const md_arg_t *keys, const md_arg_t *dst, int op)
{
    void **sets = md_alloc(sizeof(void *) * (size_t)n);
    if (open_sets(c, n, keys, sets) == MD_OK) {
        void *res = op == OP_UNION ? sets_union(sets, n) : diff_of(sets, n);
        if (dst) store_result(c, *dst, res, op == OP_UNION ? "sunionstore" : "sdiffstore");
        else reply_result(c, res);
    }
    md_free(sets);
}

int sets_cmd_sunion(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    union_diff(c, argc - 1, argv + 1, NULL, OP_UNION);
    return MD_OK;
}

int sets_cmd_sunionstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    union_diff(c, argc - 2, argv + 2, &argv[1], OP_UNION);
    return MD_OK;
}

int sets_cmd_sdiff(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    union_diff(c, argc - 1, argv + 1, NULL, OP_DIFF);
    return MD_OK;
}

int sets_cmd_sdiffstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    union_diff(c, argc - 2, argv + 2, &argv[1], OP_DIFF);
    return MD_OK;
}
