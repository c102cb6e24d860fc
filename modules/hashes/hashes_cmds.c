/*
 * hashes_cmds.c — the hash command handlers with Redis 7.4 semantics:
 * same replies, same error texts in the same order of checks, same
 * keyspace events, same propagation (HINCRBYFLOAT as HSET with the final
 * value; fields that expired lazily as HDEL before the command).
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call (errors included);
 *  - nothing changes before the last possible error (lazy expiry of
 *    fields already due excepted: that is a state the active expiry could
 *    have produced just before the command);
 *  - the key never holds an empty hash: the last field's deletion deletes
 *    the key;
 *  - after a change: hk_changed() (WATCH, event, dirty); commands that
 *    changed nothing call none of it, so the host does not propagate them.
 */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "hashes_cmds.h"
#include "hashes.h"
#include "hash_listpack.h"
#include "hash_value.h"

#define LD_BUF 5120 /* MAX_LONG_DOUBLE_CHARS */

/* ------------------------------------------------------------------ */
/* The key helper                                                      */
/* ------------------------------------------------------------------ */

static void hdel_propagate(void *priv, const hx_t *field)
{
    hkey_t *hk = priv;
    char buf[HX_BUF];
    md_arg_t argv[3] = {md_str("HDEL"), hk->name, hx_bytes(field, buf)};
    md_replicate(hk->c, 3, argv);
}

void hk_untrack_if_done(hkey_t *hk)
{
    if (!hk->had_ttl || hk->h == NULL || hv_min_ttl(hk->h) >= 0) return;
    md_key_subexpire_track(hk->k, 0);
    hk->had_ttl = 0;
}

size_t hk_expire_fields(hkey_t *hk, int64_t now, int inclusive, size_t max)
{
    size_t n = hv_expire(&hk->h, now, inclusive, max, hdel_propagate, hk);
    if (n == 0) return 0;
    hashes_expired_subkeys += (long long)n;
    hk->purged = 1;
    md_notify(hk->c, MD_NOTIFY_HASH, "hexpired", hk->name);
    if (hv_len(hk->h) == 0) {
        hk_delete(hk);
        md_notify(hk->c, MD_NOTIFY_GENERIC, "del", hk->name);
    } else {
        hk_store(hk);
        hk_untrack_if_done(hk);
    }
    md_key_modified(hk->c, hk->k);
    return n;
}

int hk_open(md_ctx_t *c, md_arg_t name, int mode, hkey_t *hk)
{
    const md_type_t *t;
    int64_t min;

    hk->c = c;
    hk->name = name;
    hk->k = md_key_open(c, name, mode);
    hk->h = hk->stored = NULL;
    hk->purged = 0;
    hk->had_ttl = 0;
    t = md_key_type(hk->k);
    if (t == NULL) return MD_OK;
    if (t != hashes_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    hk->h = hk->stored = md_key_value(hk->k);
    if (hv_enc(hk->h) == HV_LP) return MD_OK;
    min = hv_min_ttl(hk->h);
    if (min < 0) return MD_OK;
    hk->had_ttl = 1;
    if (min < md_mstime()) {
        if (mode != MD_WRITE) hk->k = md_key_open(c, name, MD_WRITE);
        hk_expire_fields(hk, md_mstime(), 0, (size_t)-1);
    }
    return MD_OK;
}

void hk_store(hkey_t *hk)
{
    if (hk->h == hk->stored) return;
    if (hk->stored == NULL)
        md_key_set(hk->k, hashes_type, hk->h, 0);
    else
        md_key_replace_value(hk->k, hk->h);
    hk->stored = hk->h;
}

void hk_delete(hkey_t *hk)
{
    /* The keyspace frees the stored word; a newer word is the same hash
     * moved, so only one of them is live. */
    if (hk->stored == NULL) {
        if (hk->h) hv_free(hk->h); /* never stored */
    } else {
        if (hk->h != hk->stored) md_key_replace_value(hk->k, hk->h);
        md_key_delete(hk->k);
    }
    hk->h = hk->stored = NULL;
}

void hk_changed(hkey_t *hk, const char *event, long long n)
{
    hk_untrack_if_done(hk);
    md_key_modified(hk->c, hk->k);
    md_notify(hk->c, MD_NOTIFY_HASH, event, hk->name);
    md_dirty(hk->c, n);
    if (hk->purged) md_replicate_verbatim(hk->c);
}

/* ------------------------------------------------------------------ */
/* Replies                                                             */
/* ------------------------------------------------------------------ */

static void reply_hx(md_ctx_t *c, const hx_t *x)
{
    if (x->p)
        md_reply_bulk(c, x->p, x->n);
    else
        md_reply_bulk_ll(c, x->ll);
}

static size_t hx_len(const hx_t *x)
{
    char buf[HX_BUF];
    return x->p ? x->n : md_ll2str_inline(buf, x->ll);
}

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
/* HSET / HMSET / HSETNX                                               */
/* ------------------------------------------------------------------ */

static int too_large(md_ctx_t *c, int argc, const md_arg_t *argv, int start)
{
    for (int i = start; i < argc; i += 2) {
        if (argv[i].len > HT_MAX_KEY || argv[i + 1].len > HT_MAX_VALUE) {
            md_reply_error(c, "ERR hash field or value is too large");
            return 1;
        }
    }
    return 0;
}

int hashes_cmd_hset(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int hmset = argv[0].len > 1 && (argv[0].ptr[1] == 'm' || argv[0].ptr[1] == 'M');
    long long created = 0;
    hkey_t hk;

    if (argc % 2 == 1) return reply_arity(c, hmset ? "hmset" : "hset");
    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (too_large(c, argc, argv, 2)) return MD_OK;
    if (hk.h == NULL) hk.h = hv_new();
    hv_try_convert(&hk.h, argv, 2, argc - 1);
    for (int i = 2; i < argc; i += 2)
        created += hv_set(&hk.h, argv[i].ptr, argv[i].len, argv[i + 1].ptr,
                          argv[i + 1].len, 0) == 1;
    hk_store(&hk);
    if (hmset)
        md_reply_ok(c);
    else
        md_reply_int(c, created);
    hk_changed(&hk, "hset", (argc - 2) / 2);
    return MD_OK;
}

int hashes_cmd_hsetnx(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;

    (void)argc;
    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, NULL, NULL)) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    if (too_large(c, argc, argv, 2)) return MD_OK;
    if (hk.h == NULL) hk.h = hv_new();
    hv_try_convert(&hk.h, argv, 2, 3);
    hv_set(&hk.h, argv[2].ptr, argv[2].len, argv[3].ptr, argv[3].len, 0);
    hk_store(&hk);
    md_reply_int(c, 1);
    hk_changed(&hk, "hset", 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Reads                                                               */
/* ------------------------------------------------------------------ */

int hashes_cmd_hget(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;
    hx_t v;

    (void)argc;
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    if (hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, &v, NULL))
        reply_hx(c, &v);
    else
        md_reply_null(c);
    return MD_OK;
}

int hashes_cmd_hmget(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;

    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        hx_t v;
        if (hk.h && hv_get(hk.h, argv[i].ptr, argv[i].len, &v, NULL))
            reply_hx(c, &v);
        else
            md_reply_null(c);
    }
    return MD_OK;
}

int hashes_cmd_hlen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;

    (void)argc;
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    md_reply_int(c, hk.h ? (long long)hv_len(hk.h) : 0);
    return MD_OK;
}

int hashes_cmd_hstrlen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;
    hx_t v;

    (void)argc;
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    if (hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, &v, NULL))
        md_reply_int(c, (long long)hx_len(&v));
    else
        md_reply_int(c, 0);
    return MD_OK;
}

int hashes_cmd_hexists(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;

    (void)argc;
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    md_reply_int(c, hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, NULL, NULL));
    return MD_OK;
}

enum { WANT_KEYS = 1, WANT_VALUES = 2 };

static void getall_generic(md_ctx_t *c, md_arg_t key, int what)
{
    hkey_t hk;
    hv_iter_t it;
    hx_t f, v;

    if (hk_open(c, key, MD_READ, &hk) != MD_OK) return;
    long n = hk.h ? (long)hv_len(hk.h) : 0;
    if (what == (WANT_KEYS | WANT_VALUES))
        md_reply_map(c, n);
    else
        md_reply_array(c, n);
    if (hk.h == NULL) return;
    hv_iter_init(&it, hk.h);
    while (hv_iter_next(&it, &f, &v, NULL)) {
        if (what & WANT_KEYS) reply_hx(c, &f);
        if (what & WANT_VALUES) reply_hx(c, &v);
    }
}

int hashes_cmd_hkeys(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    getall_generic(c, argv[1], WANT_KEYS);
    return MD_OK;
}

int hashes_cmd_hvals(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    getall_generic(c, argv[1], WANT_VALUES);
    return MD_OK;
}

int hashes_cmd_hgetall(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    getall_generic(c, argv[1], WANT_KEYS | WANT_VALUES);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HDEL                                                                */
/* ------------------------------------------------------------------ */

int hashes_cmd_hdel(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hkey_t hk;
    long long deleted = 0;
    int removed = 0;

    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (hk.h == NULL) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    for (int i = 2; i < argc; i++) {
        if (hv_del(&hk.h, argv[i].ptr, argv[i].len)) {
            deleted++;
            if (hv_len(hk.h) == 0) {
                hk_delete(&hk);
                removed = 1;
                break;
            }
        }
    }
    if (deleted) {
        if (!removed) hk_store(&hk);
        hk_changed(&hk, "hdel", deleted);
        if (removed) md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
    }
    md_reply_int(c, deleted);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HINCRBY / HINCRBYFLOAT                                              */
/* ------------------------------------------------------------------ */

int hashes_cmd_hincrby(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long incr, value = 0;
    hkey_t hk;
    hx_t v;
    char buf[HX_BUF];

    (void)argc;
    if (md_parse_ll(c, argv[3], &incr) != MD_OK) return MD_OK;
    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, &v, NULL)) {
        if (v.p == NULL) {
            value = v.ll;
        } else if (md_arg_ll((md_arg_t){v.p, v.n}, &value) != MD_OK) {
            md_reply_error(c, "ERR hash value is not an integer");
            return MD_OK;
        }
    }
    if ((incr < 0 && value < 0 && incr < (LLONG_MIN - value)) ||
        (incr > 0 && value > 0 && incr > (LLONG_MAX - value))) {
        md_reply_error(c, MD_ERR_OVERFLOW);
        return MD_OK;
    }
    value += incr;
    if (hk.h == NULL) hk.h = hv_new();
    hv_set(&hk.h, argv[2].ptr, argv[2].len, buf, md_ll2str_inline(buf, value), 1);
    hk_store(&hk);
    md_reply_int(c, value);
    hk_changed(&hk, "hincrby", 1);
    return MD_OK;
}

int hashes_cmd_hincrbyfloat(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long double incr, value = 0;
    hkey_t hk;
    hx_t v;
    char buf[LD_BUF];
    int len;

    (void)argc;
    if (md_arg_ld(argv[3], &incr) != MD_OK) {
        md_reply_error(c, MD_ERR_NOT_FLOAT);
        return MD_OK;
    }
    if (isnan(incr) || isinf(incr)) {
        md_reply_error(c, "ERR value is NaN or Infinity");
        return MD_OK;
    }
    if (hk_open(c, argv[1], MD_WRITE, &hk) != MD_OK) return MD_OK;
    if (hk.h && hv_get(hk.h, argv[2].ptr, argv[2].len, &v, NULL)) {
        if (v.p == NULL) {
            value = (long double)v.ll;
        } else if (md_arg_ld((md_arg_t){v.p, v.n}, &value) != MD_OK) {
            md_reply_error(c, "ERR hash value is not a float");
            return MD_OK;
        }
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        md_reply_error(c, "ERR increment would produce NaN or Infinity");
        return MD_OK;
    }
    len = md_ld2str(buf, sizeof buf, value, 1);
    if (hk.h == NULL) hk.h = hv_new();
    hv_set(&hk.h, argv[2].ptr, argv[2].len, buf, (size_t)len, 1);
    hk_store(&hk);
    md_reply_bulk(c, buf, (size_t)len);
    /* Propagated as HSET with the final value (never verbatim), after any
     * HDEL that lazy expiry recorded. */
    hk.purged = 0;
    hk_changed(&hk, "hincrbyfloat", 1);
    {
        md_arg_t rep[4] = {md_str("HSET"), argv[1], argv[2], {buf, (size_t)len}};
        md_replicate(c, 4, rep);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HRANDFIELD                                                          */
/* ------------------------------------------------------------------ */

/* One field (and value) of a random pick, as a reply. */
static void reply_pick(md_ctx_t *c, const hx_t *f, const hx_t *v, int withvalues)
{
    if (withvalues && md_resp_version(c) > 2) md_reply_array(c, 2);
    reply_hx(c, f);
    if (withvalues) reply_hx(c, v);
}

static void entry_hx(const ht_entry_t *e, hx_t *f, hx_t *v)
{
    f->p = ht_key(e, &f->n);
    v->p = ht_value(e, &v->n);
}

/* Field and value at a listpack field pointer. */
static void lp_pair(md_lp_t *lp, unsigned char *fp, hx_t *f, hx_t *v)
{
    hlp_read(fp, f);
    hlp_read(hlp_value(lp, fp), v);
}

/* Negative count: `count` picks with repetitions. */
static void randfield_repeat(md_ctx_t *c, void *h, unsigned long count, int wv)
{
    hx_t f, v;
    if (hv_enc(h) == HV_HT) {
        ht_t *t = hv_table(h);
        while (count--) {
            entry_hx(ht_random(t), &f, &v);
            reply_pick(c, &f, &v, wv);
        }
        return;
    }
    md_lp_t *lp = hv_listpack(h);
    size_t n = hv_len(h);
    unsigned char **fps = md_alloc(sizeof(unsigned char *) * n);
    hlp_fields(lp, hv_enc(h) == HV_LP ? HLP_PLAIN : HLP_EX, fps);
    while (count--) {
        lp_pair(lp, fps[md_rand_below(n)], &f, &v);
        reply_pick(c, &f, &v, wv);
    }
    md_free(fps);
}

/* Positive count below the size: distinct picks. */
static void randfield_unique(md_ctx_t *c, void *h, unsigned long count, int wv)
{
    size_t size = hv_len(h);
    hx_t f, v;

    if (hv_enc(h) != HV_HT) {
        /* Selection sampling in listpack order (Redis lpRandomPairsUnique). */
        md_lp_t *lp = hv_listpack(h);
        unsigned char **fps = md_alloc(sizeof(unsigned char *) * size);
        size_t n = hlp_fields(lp, hv_enc(h) == HV_LP ? HLP_PLAIN : HLP_EX, fps);
        unsigned long need = count;
        for (size_t i = 0; i < n && need; i++) {
            if (md_rand_below(n - i) < need) {
                lp_pair(lp, fps[i], &f, &v);
                reply_pick(c, &f, &v, wv);
                need--;
            }
        }
        md_free(fps);
        return;
    }
    /* A uniform sample of distinct fields from the SDK table. */
    const ht_entry_t **picks = md_alloc(sizeof(*picks) * count);
    size_t n = ht_random_distinct(hv_table(h), picks, count);
    for (size_t i = 0; i < n; i++) {
        entry_hx(picks[i], &f, &v);
        reply_pick(c, &f, &v, wv);
    }
    md_free(picks);
}

int hashes_cmd_hrandfield(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long l = 0;
    int withvalues = 0;
    hkey_t hk;

    if (argc >= 3) {
        if (md_parse_ll(c, argv[2], &l) != MD_OK) return MD_OK;
        if (l < -LLONG_MAX) {
            md_reply_error(c, "ERR value is out of range, value must between "
                              "-9223372036854775807 and 9223372036854775807");
            return MD_OK;
        }
        if (argc > 4 || (argc == 4 && !md_arg_eq(argv[3], "withvalues"))) {
            md_reply_syntax(c);
            return MD_OK;
        }
        if (argc == 4) {
            withvalues = 1;
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                md_reply_error(c, "ERR value is out of range");
                return MD_OK;
            }
        }
    }
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    if (argc < 3) {
        hx_t f, v;
        if (hk.h == NULL) {
            md_reply_null(c);
        } else if (hv_enc(hk.h) == HV_HT) {
            entry_hx(ht_random(hv_table(hk.h)), &f, &v);
            reply_hx(c, &f);
        } else {
            md_lp_t *lp = hv_listpack(hk.h);
            int w = hv_enc(hk.h) == HV_LP ? HLP_PLAIN : HLP_EX;
            hlp_read(md_lp_seek(lp, (long)md_rand_below(hv_len(hk.h)) * w), &f);
            reply_hx(c, &f);
        }
        return MD_OK;
    }
    if (hk.h == NULL || l == 0) {
        md_reply_array(c, 0);
        return MD_OK;
    }
    unsigned long count = l < 0 ? (unsigned long)-l : (unsigned long)l;
    size_t size = hv_len(hk.h);
    if (l < 0 || count == 1) {
        md_reply_array(c, withvalues && md_resp_version(c) == 2 ? (long)count * 2
                                                                 : (long)count);
        randfield_repeat(c, hk.h, count, withvalues);
        return MD_OK;
    }
    long reply = (long)(count < size ? count : size);
    md_reply_array(c, withvalues && md_resp_version(c) == 2 ? reply * 2 : reply);
    if (count >= size) {
        hv_iter_t it;
        hx_t f, v;
        hv_iter_init(&it, hk.h);
        while (hv_iter_next(&it, &f, &v, NULL)) reply_pick(c, &f, &v, withvalues);
        return MD_OK;
    }
    randfield_unique(c, hk.h, count, withvalues);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* HSCAN                                                               */
/* ------------------------------------------------------------------ */

typedef struct scan_acc {
    const ht_entry_t **v;
    size_t n, cap;
} scan_acc_t;

static void scan_collect(void *priv, const ht_entry_t *e)
{
    scan_acc_t *a = priv;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = md_realloc(a->v, sizeof(*a->v) * a->cap);
    }
    a->v[a->n++] = e;
}

static int scan_keep(const hx_t *f, const md_scan_opts_t *o)
{
    char buf[HX_BUF];
    md_arg_t a;
    if (!o->use_pattern) return 1;
    a = hx_bytes(f, buf);
    return md_scan_match(o, a.ptr, a.len);
}

int hashes_cmd_hscan(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned long long cursor = 0;
    md_scan_opts_t o;
    hkey_t hk;

    if (md_parse_scan_cursor(c, argv[2], &cursor) != MD_OK) return MD_OK;
    if (hk_open(c, argv[1], MD_READ, &hk) != MD_OK) return MD_OK;
    if (hk.h == NULL) {
        md_reply_scan_cursor(c, 0);
        md_reply_array(c, 0);
        return MD_OK;
    }
    if (md_parse_scan_opts(c, argc, argv, 3, MD_SCAN_NOVALUES, &o) != MD_OK)
        return MD_OK;

    void *defer;
    long n = 0;
    hx_t f, v;
    if (hv_enc(hk.h) != HV_HT) {
        hv_iter_t it;
        md_reply_scan_cursor(c, 0);
        defer = md_reply_defer(c);
        hv_iter_init(&it, hk.h);
        while (hv_iter_next(&it, &f, &v, NULL)) {
            if (!scan_keep(&f, &o)) continue;
            reply_hx(c, &f);
            n++;
            if (!o.novalues) {
                reply_hx(c, &v);
                n++;
            }
        }
        md_reply_defer_set(c, defer, MD_DEFER_ARRAY, n);
        return MD_OK;
    }
    ht_t *t = hv_table(hk.h);
    scan_acc_t acc = {NULL, 0, 0};
    long long maxiter = o.count > LLONG_MAX / 10 ? LLONG_MAX : o.count * 10;
    do {
        cursor = ht_scan(t, cursor, scan_collect, &acc);
    } while (cursor && --maxiter > 0 && (long long)acc.n < o.count);
    md_reply_scan_cursor(c, cursor);
    defer = md_reply_defer(c);
    for (size_t i = 0; i < acc.n; i++) {
        entry_hx(acc.v[i], &f, &v);
        if (!scan_keep(&f, &o)) continue;
        reply_hx(c, &f);
        n++;
        if (!o.novalues) {
            reply_hx(c, &v);
            n++;
        }
    }
    md_reply_defer_set(c, defer, MD_DEFER_ARRAY, n);
    md_free(acc.v);
    return MD_OK;
}
