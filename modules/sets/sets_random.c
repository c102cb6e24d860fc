/*
 * sets_random.c — SRANDMEMBER and SPOP with Redis 7.4's cases, replies,
 * events and propagation, and uniform draws:
 *
 *  - one member, or a negative count (repetitions allowed): independent
 *    uniform draws (md_rand_below over the intset or listpack, the SDK
 *    table's exact md_ht_random);
 *  - a count at least the size: the whole set (SPOP then deletes the key
 *    and propagates DEL, or UNLINK with lazyfree-lazy-server-del);
 *  - fewer distinct members than the size: a uniform sample without
 *    repetition — selection sampling in listpack order for a listpack (as
 *    Redis answers), in ascending order for an intset, the SDK table's
 *    md_ht_random_distinct (random order) for a hash table.
 *
 * SPOP with a count keeps Redis's strategies, which decide the reply order
 * and the encoding left behind: when more than count/5 members remain, the
 * popped members are drawn; otherwise the members that remain are drawn
 * into a new set (an intset, or a listpack, converted as needed) that
 * replaces the old one, and what is left of the old one is the reply. The
 * popped members are propagated as SREM commands of at most 1024 members
 * (several commands go out as one MULTI/EXEC unit, by the host's rule).
 */
#include <limits.h>
#include <string.h>
#include "sets_cmds.h"
#include "sets.h"
#include "set_table.h"

#define SPOP_MOVE_STRATEGY_MUL 5   /* Redis's SPOP_MOVE_STRATEGY_MUL */
#define SREM_BATCH 1024            /* members per propagated SREM */

/* ------------------------------------------------------------------ */
/* Propagating popped members as SREM batches                          */
/* ------------------------------------------------------------------ */

typedef struct srem_batch {
    md_ctx_t *c;
    md_arg_t *argv;   /* "SREM", key, then copies of members (md_alloc) */
    int n, cap;
} srem_batch_t;

static void batch_init(srem_batch_t *b, md_ctx_t *c, md_arg_t key, unsigned long count)
{
    b->c = c;
    b->cap = count < SREM_BATCH ? (int)count : SREM_BATCH;
    b->argv = md_alloc(sizeof(md_arg_t) * (size_t)(2 + b->cap));
    b->argv[0] = md_str("SREM");
    b->argv[1] = key;
    b->n = 0;
}

static void batch_flush(srem_batch_t *b)
{
    if (b->n == 0) return;
    md_replicate(b->c, 2 + b->n, b->argv);
    for (int i = 0; i < b->n; i++) md_free((void *)b->argv[2 + i].ptr);
    b->n = 0;
}

/* Copy m into the batch (the set may free it right after). */
static void batch_add(srem_batch_t *b, const sm_t *m)
{
    char buf[SM_BUF];
    md_arg_t a = sm_bytes(m, buf);
    char *copy = md_alloc(a.len ? a.len : 1);
    memcpy(copy, a.ptr, a.len);
    b->argv[2 + b->n].ptr = copy;
    b->argv[2 + b->n].len = a.len;
    if (++b->n == b->cap) batch_flush(b);
}

static void batch_done(srem_batch_t *b)
{
    batch_flush(b);
    md_free(b->argv);
}

/* Reply m and queue it for the SREM. */
static void pop_out(srem_batch_t *b, const sm_t *m)
{
    sets_reply_member(b->c, m);
    batch_add(b, m);
}

/* ------------------------------------------------------------------ */
/* SPOP                                                                */
/* ------------------------------------------------------------------ */

/* Put `ns` in place of the key's set, keeping the TTL. */
static void sk_replace(skey_t *sk, void *ns)
{
    if (sk->s != sk->stored) md_key_replace_value(sk->k, sk->s);
    md_key_set(sk->k, sets_type, ns, 1);
    sk->s = sk->stored = ns;
}

/* Case 1: everything. The reply is SUNION's of the one set (its order
 * for compact sets), the key goes, DEL/UNLINK is propagated. */
static void spop_all(md_ctx_t *c, skey_t *sk)
{
    long long lazy = 0;
    sv_iter_t it;
    sm_t m;
    void *u = sv_enc(sk->s) == SV_HT ? sk->s : sets_union(&sk->s, 1);

    md_reply_set(c, (long)sv_len(u));
    sv_iter_init(&it, u);
    while (sv_iter_next(&it, &m)) sets_reply_member(c, &m);
    if (u != sk->s) sv_free(u);
    sk_delete(sk);
    md_notify(c, MD_NOTIFY_GENERIC, "del", sk->name);
    md_config_get_ll("lazyfree-lazy-server-del", &lazy);
    md_arg_t del[2] = {md_str(lazy ? "UNLINK" : "DEL"), sk->name};
    md_replicate(c, 2, del);
}

/* One pass over a listpack choosing `pick` of its entries uniformly
 * (selection sampling): chosen ones go to fn(chosen=1), the others to
 * fn(chosen=0), in listpack order. */
static void lp_select(md_lp_t *lp, unsigned long pick,
                      void (*fn)(void *priv, const sm_t *m, int chosen), void *priv)
{
    unsigned long size = md_lp_count(lp), seen = 0;
    for (unsigned char *p = md_lp_first(lp); p; p = md_lp_next(lp, p), seen++) {
        sm_t m;
        int chosen = pick && md_rand_below(size - seen) < pick;
        sv_lp_member(p, &m);
        if (chosen) pick--;
        fn(priv, &m, chosen);
    }
}

typedef struct lp_split {
    srem_batch_t *b;
    void *keep;      /* the set of the members that stay */
    int pop_chosen;  /* 1: chosen entries are popped; 0: they stay */
} lp_split_t;

static void lp_split_one(void *priv, const sm_t *m, int chosen)
{
    lp_split_t *sp = priv;
    if (chosen == sp->pop_chosen) pop_out(sp->b, m);
    else if (sp->pop_chosen) sv_lp_append(&sp->keep, m); /* the listpack as it was */
    else sv_add(&sp->keep, m);                           /* a new set, by adds */
}

/* A listpack split in one pass: `pick` entries chosen uniformly, popped
 * (pop_chosen: Redis deletes them from the listpack, which stays as it
 * was otherwise) or kept (Redis adds them to a new set, which may then
 * convert); the kept ones form the new set. */
static void spop_lp(skey_t *sk, srem_batch_t *b, unsigned long pick, int pop_chosen)
{
    lp_split_t sp = {b, sv_new(SV_LP, 0), pop_chosen};
    lp_select(sv_listpack(sk->s), pick, lp_split_one, &sp);
    sk_replace(sk, sp.keep);
}

/* Case 2 (not a listpack): draw the popped members one by one. */
static void spop_draw(skey_t *sk, srem_batch_t *b, unsigned long count)
{
    while (count--) {
        sm_t m;
        sv_random(sk->s, &m);
        pop_out(b, &m);
        sv_remove(&sk->s, &m);
    }
    sk_store(sk);
}

/* Case 3 (not a listpack): draw the members that stay into a new set,
 * then pop what is left of the old one. */
static void spop_keep(skey_t *sk, srem_batch_t *b, unsigned long remaining)
{
    void *keep = NULL;
    sv_iter_t it;
    sm_t m;
    while (remaining--) {
        sv_random(sk->s, &m);
        if (keep == NULL) keep = sv_new(m.p ? SV_LP : SV_INTSET, 0);
        sv_add(&keep, &m);
        sv_remove(&sk->s, &m);
    }
    sv_iter_init(&it, sk->s);
    while (sv_iter_next(&it, &m)) pop_out(b, &m);
    sk_replace(sk, keep);
}

static void spop_count(md_ctx_t *c, skey_t *sk, unsigned long count)
{
    unsigned long size = sv_len(sk->s), remaining;
    srem_batch_t b;

    md_notify(c, MD_NOTIFY_SET, "spop", sk->name);
    md_dirty(c, (long long)(count >= size ? size : count));
    if (count >= size) {
        spop_all(c, sk);
    } else {
        md_reply_set(c, (long)count);
        batch_init(&b, c, sk->name, count);
        remaining = size - count;
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            if (sv_enc(sk->s) == SV_LP) spop_lp(sk, &b, count, 1);
            else spop_draw(sk, &b, count);
        } else {
            if (sv_enc(sk->s) == SV_LP) spop_lp(sk, &b, remaining, 0);
            else spop_keep(sk, &b, remaining);
        }
        batch_done(&b);
    }
    md_key_modified(c, sk->k);
}

/* SPOP key: one member, propagated as SREM key member. */
static void spop_one(md_ctx_t *c, skey_t *sk)
{
    sm_t m;
    char buf[SM_BUF];
    md_arg_t rep[3];

    sv_random(sk->s, &m);
    rep[0] = md_str("SREM");
    rep[1] = sk->name;
    rep[2] = sm_bytes(&m, buf);
    md_replicate(c, 3, rep);
    sets_reply_member(c, &m);
    sv_remove(&sk->s, &m);
    md_notify(c, MD_NOTIFY_SET, "spop", sk->name);
    if (sv_len(sk->s) == 0) {
        sk_delete(sk);
        md_notify(c, MD_NOTIFY_GENERIC, "del", sk->name);
    } else {
        sk_store(sk);
    }
    md_key_modified(c, sk->k);
    md_dirty(c, 1);
}

int sets_cmd_spop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long count = 0;
    skey_t sk;

    if (argc > 3) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if (argc == 3 && (md_arg_ll(argv[2], &count) != MD_OK || count < 0)) {
        md_reply_error(c, "ERR value is out of range, must be positive");
        return MD_OK;
    }
    if (sk_open(c, argv[1], MD_WRITE, &sk) != MD_OK) return MD_OK;
    if (argc == 2) {
        if (sk.s == NULL) md_reply_null(c);
        else spop_one(c, &sk);
        return MD_OK;
    }
    if (sk.s == NULL || count == 0) {
        md_reply_set(c, 0);
        return MD_OK;
    }
    spop_count(c, &sk, (unsigned long)count);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SRANDMEMBER                                                         */
/* ------------------------------------------------------------------ */

/* `count` independent uniform draws. A listpack's entries are located
 * once, then drawn by index. */
static void rand_repeat(md_ctx_t *c, void *s, unsigned long count)
{
    sm_t m;
    md_reply_array(c, (long)count);
    if (sv_enc(s) == SV_LP && count > 1) {
        md_lp_t *lp = sv_listpack(s);
        size_t n = md_lp_count(lp), i = 0;
        unsigned char **ps = md_alloc(sizeof(*ps) * n);
        for (unsigned char *p = md_lp_first(lp); p; p = md_lp_next(lp, p)) ps[i++] = p;
        while (count--) {
            sv_lp_member(ps[md_rand_below(n)], &m);
            sets_reply_member(c, &m);
        }
        md_free(ps);
        return;
    }
    while (count--) {
        sv_random(s, &m);
        sets_reply_member(c, &m);
    }
}

static void reply_chosen(void *priv, const sm_t *m, int chosen)
{
    if (chosen) sets_reply_member(priv, m);
}

/* `count` (< size) distinct members, a uniform sample. */
static void rand_distinct(md_ctx_t *c, void *s, unsigned long count)
{
    md_reply_array(c, (long)count);
    switch (sv_enc(s)) {
    case SV_LP:
        lp_select(sv_listpack(s), count, reply_chosen, c);
        return;
    case SV_INTSET: {
        const intset_t *is = sv_intset(s);
        uint32_t size = intset_len(is);
        for (uint32_t i = 0; i < size && count; i++) {
            if (md_rand_below(size - i) >= count) continue;
            md_reply_bulk_ll(c, intset_get(is, i));
            count--;
        }
        return;
    }
    default: {
        void **picks = md_alloc(sizeof(void *) * count);
        size_t n = md_ht_random_distinct(sv_table(s), picks, count);
        for (size_t i = 0; i < n; i++) {
            md_arg_t a = st_member(picks[i]);
            md_reply_bulk(c, a.ptr, a.len);
        }
        md_free(picks);
        return;
    }
    }
}

static void srandmember_count(md_ctx_t *c, void *s, long long l)
{
    unsigned long count = l < 0 ? (unsigned long)-l : (unsigned long)l;
    size_t size = sv_len(s);
    sv_iter_t it;
    sm_t m;

    if (count == 0) {
        md_reply_array(c, 0);
    } else if (l < 0 || count == 1) {
        rand_repeat(c, s, count);
    } else if (count >= size) {
        md_reply_array(c, (long)size);
        sv_iter_init(&it, s);
        while (sv_iter_next(&it, &m)) sets_reply_member(c, &m);
    } else {
        rand_distinct(c, s, count);
    }
}

int sets_cmd_srandmember(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long l = 0;
    skey_t sk;
    sm_t m;

    if (argc > 3) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if (argc == 3) {
        if (md_parse_ll(c, argv[2], &l) != MD_OK) return MD_OK;
        if (l < -LLONG_MAX) {
            md_reply_error(c, "ERR value is out of range, value must between "
                              "-9223372036854775807 and 9223372036854775807");
            return MD_OK;
        }
    }
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    if (argc == 3) {
        if (sk.s == NULL) md_reply_array(c, 0);
        else srandmember_count(c, sk.s, l);
        return MD_OK;
    }
    if (sk.s == NULL) {
        md_reply_null(c);
        return MD_OK;
    }
    sv_random(sk.s, &m);
    sets_reply_member(c, &m);
    return MD_OK;
}
