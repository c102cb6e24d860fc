/*
 * zsets_pop.c — popping the lowest or highest scores: ZPOPMIN, ZPOPMAX,
 * ZMPOP, and the blocking BZPOPMIN, BZPOPMAX, BZMPOP on the SDK's
 * blocking model (the host re-runs a blocked command, FIFO per key, when
 * a key is signalled with md_key_ready(); ZADD and the *STORE commands
 * signal the keys they create).
 *
 * Reply shapes, as Redis 7.4:
 *  - ZPOPMIN/ZPOPMAX: a flat [member, score, ...] array; in RESP3 with a
 *    count, [member, score] pairs;
 *  - BZPOPMIN/BZPOPMAX: [key, member, score];
 *  - ZMPOP/BZMPOP: [key, [[member, score], ...]], a null array when no
 *    key has elements (and on a blocking timeout).
 * Propagation: ZPOPMIN/ZPOPMAX verbatim; ZMPOP and BZMPOP as "ZPOPMIN|
 * ZPOPMAX key count", BZPOPMIN/BZPOPMAX as "ZPOPMIN|ZPOPMAX key". The
 * keyspace event (zpopmin / zpopmax) fires once per call, then "del"
 * when the set is emptied. Inside MULTI or a script the blocking forms
 * answer as the non-blocking ones would for empty keys.
 */
#include "zsets_pop.h"
#include "zsets.h"

enum { POP_FLAT, POP_PAIRS, POP_BKEY, POP_MKEY }; /* reply shapes */

/* The first key among keys[] that exists: 1 and *zk; 0 when none; -1
 * after replying WRONGTYPE (the first existing key is of another type). */
static int first_key(md_ctx_t *c, const md_arg_t *keys, int nkeys, zkey_t *zk)
{
    for (int j = 0; j < nkeys; j++) {
        if (zk_open(c, keys[j], MD_WRITE, zk) != MD_OK) return -1;
        if (zk->z) return 1;
    }
    return 0;
}

/* Pop up to `count` elements from zk's set, replying in `shape`. */
static void pop_reply(md_ctx_t *c, zkey_t *zk, int max, long long count, int shape)
{
    long long len = (long long)zv_len(zk->z), n = count < len ? count : len;
    zv_iter_t it;

    switch (shape) {
    case POP_FLAT: md_reply_array(c, 2 * n); break;
    case POP_PAIRS: md_reply_array(c, n); break;
    case POP_BKEY:
        md_reply_array(c, 2 * n + 1);
        md_reply_bulk(c, zk->name.ptr, zk->name.len);
        break;
    default:
        md_reply_array(c, 2);
        md_reply_bulk(c, zk->name.ptr, zk->name.len);
        md_reply_array(c, n);
    }
    zv_iter_rank(&it, zk->z, 0, max);
    for (long long i = 0; i < n; i++, zv_iter_next(&it)) {
        zelem_t e;
        zv_iter_get(&it, &e);
        zs_reply_elem(c, &e, 1, shape == POP_PAIRS || shape == POP_MKEY);
    }
    if (max)
        zv_del_range_rank(&zk->z, (unsigned long)(len - n), (unsigned long)(len - 1));
    else
        zv_del_range_rank(&zk->z, 0, (unsigned long)(n - 1));
    zk_removed(zk, max ? "zpopmax" : "zpopmin", n);
}

/* Propagate as ZPOPMIN/ZPOPMAX key [count]. */
static void replicate_pop(md_ctx_t *c, md_arg_t key, int max, long long count)
{
    char buf[MD_LL_BUF];
    md_arg_t rep[3] = {md_str(max ? "ZPOPMAX" : "ZPOPMIN"), key, {buf, 0}};
    if (count < 0) {
        md_replicate(c, 2, rep);
        return;
    }
    rep[2].len = md_ll2str_inline(buf, count);
    md_replicate(c, 3, rep);
}

/* ZPOPMIN/ZPOPMAX key [count] */
static int zpop_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int max)
{
    long long count = -1;
    zkey_t zk;
    int found;

    if (argc > 3) return md_reply_syntax(c);
    if (argc == 3) {
        if (md_arg_ll(argv[2], &count) != MD_OK || count < 0)
            return md_reply_error(c, "ERR value is out of range, must be positive");
    }
    found = first_key(c, argv + 1, 1, &zk);
    if (found < 0) return MD_OK;
    if (found == 0 || count == 0) return md_reply_array(c, 0);
    pop_reply(c, &zk, max, count < 0 ? 1 : count,
              zs_pairs(c) && count >= 0 ? POP_PAIRS : POP_FLAT);
    return MD_OK;
}

int zsets_cmd_zpopmin(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return zpop_generic(c, argc, argv, 0);
}

int zsets_cmd_zpopmax(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return zpop_generic(c, argc, argv, 1);
}

/* Pop from the first non-empty key, or block on all of them (or reply a
 * null array where blocking is impossible). count < 0: BZPOPMIN's shape. */
static void blocking_pop(md_ctx_t *c, const md_arg_t *keys, int nkeys, int max,
                         long long count, int64_t ms)
{
    zkey_t zk;
    int found = first_key(c, keys, nkeys, &zk);

    if (found < 0) return;
    if (found) {
        pop_reply(c, &zk, max, count < 0 ? 1 : count, count < 0 ? POP_BKEY : POP_MKEY);
        replicate_pop(c, zk.name, max, count);
        return;
    }
    if (md_block_on_keys(c, nkeys, keys, ms, MD_BLOCK_NULL_ARRAY) != MD_OK)
        md_reply_null_array(c);
}

/* BZPOPMIN/BZPOPMAX key [key ...] timeout */
static int bzpop_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int max)
{
    int64_t ms;
    if (md_parse_timeout(c, argv[argc - 1], &ms) != MD_OK) return MD_OK;
    blocking_pop(c, argv + 1, argc - 2, max, -1, ms);
    return MD_OK;
}

int zsets_cmd_bzpopmin(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return bzpop_generic(c, argc, argv, 0);
}

int zsets_cmd_bzpopmax(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return bzpop_generic(c, argc, argv, 1);
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
int zsets_cmd_zmpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_mpop_args_t m;
    int found;
    zkey_t zk;

    if (md_parse_mpop(c, argc, argv, 1, "MIN", "MAX", &m) != MD_OK) return MD_OK;
    found = first_key(c, argv + 2, m.nkeys, &zk);
    if (found < 0) return MD_OK;
    if (found == 0) return md_reply_null_array(c);
    pop_reply(c, &zk, m.which, m.count, POP_MKEY);
    replicate_pop(c, zk.name, m.which, m.count);
    return MD_OK;
}

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
int zsets_cmd_bzmpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_mpop_args_t m;
    int64_t ms;

    if (md_parse_mpop(c, argc, argv, 2, "MIN", "MAX", &m) != MD_OK ||
        md_parse_timeout(c, argv[1], &ms) != MD_OK)
        return MD_OK;
    blocking_pop(c, argv + 3, m.nkeys, m.which, m.count, ms);
    return MD_OK;
}
