/*
 * sets_cmds.c — the key helper and the single-key set commands (SADD SREM
 * SCARD SISMEMBER SMISMEMBER SMEMBERS SSCAN) and SMOVE, with Redis 7.4
 * semantics: same replies, same errors in the same order of checks, same
 * keyspace events in the same order, same propagation (verbatim, only
 * when something changed).
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call (errors included);
 *  - nothing changes before the last possible error;
 *  - a key never holds an empty set: the last member's removal deletes
 *    the key (and sends `del` after the command's own event);
 *  - after a change: md_key_modified, the event, md_dirty; commands that
 *    changed nothing call none of it, so the host does not propagate them.
 */
#include <limits.h>
#include "sets_cmds.h"
#include "sets.h"
#include "set_table.h"

/* ------------------------------------------------------------------ */
/* The key helper                                                      */
/* ------------------------------------------------------------------ */

int sk_lookup(md_ctx_t *c, md_arg_t name, int mode, skey_t *sk)
{
    const md_type_t *t;
    sk->c = c;
    sk->name = name;
    sk->k = md_key_open(c, name, mode);
    sk->s = sk->stored = NULL;
    t = md_key_type(sk->k);
    if (t == NULL) return MD_OK;
    if (t != sets_type) return MD_ERR;
    sk->s = sk->stored = md_key_value(sk->k);
    return MD_OK;
}

int sk_open(md_ctx_t *c, md_arg_t name, int mode, skey_t *sk)
{
    if (sk_lookup(c, name, mode, sk) == MD_OK) return MD_OK;
    md_reply_wrongtype(c);
    return MD_ERR;
}

void sk_store(skey_t *sk)
{
    if (sk->s == sk->stored) return;
    if (sk->stored == NULL)
        md_key_set(sk->k, sets_type, sk->s, 0);
    else
        md_key_replace_value(sk->k, sk->s);
    sk->stored = sk->s;
}

void sk_delete(skey_t *sk)
{
    /* The keyspace frees the stored word; a newer word is the same set
     * moved, so only one of them is live. */
    if (sk->stored == NULL) {
        if (sk->s) sv_free(sk->s); /* never stored */
    } else {
        if (sk->s != sk->stored) md_key_replace_value(sk->k, sk->s);
        md_key_delete(sk->k);
    }
    sk->s = sk->stored = NULL;
}

void sets_reply_member(md_ctx_t *c, const sm_t *m)
{
    if (m->p) md_reply_bulk(c, m->p, m->n);
    else md_reply_bulk_ll(c, m->ll);
}

/* ------------------------------------------------------------------ */
/* SADD / SREM                                                         */
/* ------------------------------------------------------------------ */

int sets_cmd_sadd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long added = 0;
    skey_t sk;

    if (sk_open(c, argv[1], MD_WRITE, &sk) != MD_OK) return MD_OK;
    if (sk.s == NULL) sk.s = sv_create(argv[2], (size_t)(argc - 2));
    else sv_maybe_convert(&sk.s, (size_t)(argc - 2));
    for (int j = 2; j < argc; j++) {
        sm_t m = sm_of(argv[j]);
        added += sv_add(&sk.s, &m);
    }
    sk_store(&sk);
    if (added) {
        md_key_modified(c, sk.k);
        md_notify(c, MD_NOTIFY_SET, "sadd", argv[1]);
        md_dirty(c, added);
    }
    md_reply_int(c, added);
    return MD_OK;
}

int sets_cmd_srem(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long deleted = 0;
    int removed = 0;
    skey_t sk;

    if (sk_open(c, argv[1], MD_WRITE, &sk) != MD_OK) return MD_OK;
    for (int j = 2; sk.s && j < argc; j++) {
        sm_t m = sm_of(argv[j]);
        if (!sv_remove(&sk.s, &m)) continue;
        deleted++;
        if (sv_len(sk.s) == 0) {
            sk_delete(&sk);
            removed = 1;
        }
    }
    if (deleted) {
        if (!removed) sk_store(&sk);
        md_key_modified(c, sk.k);
        md_notify(c, MD_NOTIFY_SET, "srem", argv[1]);
        if (removed) md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
        md_dirty(c, deleted);
    }
    md_reply_int(c, deleted);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Reads                                                               */
/* ------------------------------------------------------------------ */

int sets_cmd_scard(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    skey_t sk;
    (void)argc;
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    md_reply_int(c, sk.s ? (long long)sv_len(sk.s) : 0);
    return MD_OK;
}

int sets_cmd_sismember(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    skey_t sk;
    sm_t m = sm_of(argv[2]);
    (void)argc;
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    md_reply_int(c, sk.s && sv_contains(sk.s, &m));
    return MD_OK;
}

int sets_cmd_smismember(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    skey_t sk;
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    md_reply_array(c, argc - 2);
    for (int j = 2; j < argc; j++) {
        sm_t m = sm_of(argv[j]);
        md_reply_int(c, sk.s && sv_contains(sk.s, &m));
    }
    return MD_OK;
}

int sets_cmd_smembers(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    skey_t sk;
    sv_iter_t it;
    sm_t m;
    (void)argc;
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    if (sk.s == NULL) {
        md_reply_set(c, 0);
        return MD_OK;
    }
    md_reply_set(c, (long)sv_len(sk.s));
    sv_iter_init(&it, sk.s);
    while (sv_iter_next(&it, &m)) sets_reply_member(c, &m);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SMOVE                                                               */
/* ------------------------------------------------------------------ */

/* The checks of SMOVE in Redis's order: a missing source answers 0
 * before any type is checked. Returns 1 when the move should go on,
 * else 0 after replying. */
static int smove_checks(md_ctx_t *c, int src_ok, int dst_ok, skey_t *src,
                        skey_t *dst, const sm_t *m)
{
    if (src_ok == MD_OK && src->s == NULL) {
        md_reply_int(c, 0);
        return 0;
    }
    if (src_ok != MD_OK || dst_ok != MD_OK) {
        md_reply_wrongtype(c);
        return 0;
    }
    if (src->s == dst->s) {
        md_reply_int(c, sv_contains(src->s, m));
        return 0;
    }
    return 1;
}

int sets_cmd_smove(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    skey_t src, dst;
    sm_t m = sm_of(argv[3]);
    int src_ok, dst_ok;

    (void)argc;
    src_ok = sk_lookup(c, argv[1], MD_WRITE, &src);
    dst_ok = sk_lookup(c, argv[2], MD_WRITE, &dst);
    if (!smove_checks(c, src_ok, dst_ok, &src, &dst, &m)) return MD_OK;
    if (!sv_remove(&src.s, &m)) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    md_notify(c, MD_NOTIFY_SET, "srem", argv[1]);
    if (sv_len(src.s) == 0) {
        sk_delete(&src);
        md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
    } else {
        sk_store(&src);
    }
    if (dst.s == NULL) dst.s = sv_create(argv[3], 1);
    md_key_modified(c, src.k);
    md_dirty(c, 1);
    if (sv_add(&dst.s, &m)) {
        sk_store(&dst);
        md_dirty(c, 1);
        md_key_modified(c, dst.k);
        md_notify(c, MD_NOTIFY_SET, "sadd", argv[2]);
    }
    md_reply_int(c, 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SSCAN                                                               */
/* ------------------------------------------------------------------ */

typedef struct scan_acc {
    const void **v;
    size_t n, cap;
} scan_acc_t;

static void scan_collect(void *priv, void *e)
{
    scan_acc_t *a = priv;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = md_realloc(a->v, sizeof(*a->v) * a->cap);
    }
    a->v[a->n++] = e;
}

/* Reply the members passing MATCH, in a deferred array. */
static void scan_reply_compact(md_ctx_t *c, void *s, const md_scan_opts_t *o)
{
    void *defer = md_reply_defer(c);
    long n = 0;
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];

    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        md_arg_t a = sm_bytes(&m, buf);
        if (!md_scan_match(o, a.ptr, a.len)) continue;
        md_reply_bulk(c, a.ptr, a.len);
        n++;
    }
    md_reply_defer_set(c, defer, MD_DEFER_ARRAY, n);
}

int sets_cmd_sscan(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned long long cursor = 0;
    md_scan_opts_t o;
    skey_t sk;

    if (md_parse_scan_cursor(c, argv[2], &cursor) != MD_OK) return MD_OK;
    if (sk_open(c, argv[1], MD_READ, &sk) != MD_OK) return MD_OK;
    if (sk.s == NULL) {
        md_reply_scan_cursor(c, 0);
        md_reply_array(c, 0);
        return MD_OK;
    }
    if (md_parse_scan_opts(c, argc, argv, 3, 0, &o) != MD_OK) return MD_OK;
    if (sv_enc(sk.s) != SV_HT) {
        /* Compact encodings answer everything at once, cursor 0. */
        md_reply_scan_cursor(c, 0);
        scan_reply_compact(c, sk.s, &o);
        return MD_OK;
    }
    scan_acc_t acc = {NULL, 0, 0};
    long long maxiter = o.count > LLONG_MAX / 10 ? LLONG_MAX : o.count * 10;
    md_ht_t *t = sv_table(sk.s);
    do {
        cursor = md_ht_scan(t, cursor, scan_collect, &acc);
    } while (cursor && --maxiter > 0 && (long long)acc.n < o.count);
    md_reply_scan_cursor(c, cursor);
    void *defer = md_reply_defer(c);
    long n = 0;
    for (size_t i = 0; i < acc.n; i++) {
        md_arg_t a = st_member(acc.v[i]);
        if (!md_scan_match(&o, a.ptr, a.len)) continue;
        md_reply_bulk(c, a.ptr, a.len);
        n++;
    }
    md_reply_defer_set(c, defer, MD_DEFER_ARRAY, n);
    md_free(acc.v);
    return MD_OK;
}
