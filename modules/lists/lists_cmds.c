/*
 * lists_cmds.c — the non-blocking list commands with Redis 7.4 semantics:
 * same replies, same error texts in the same order of checks, same
 * keyspace events, the same encoding conversions (listpack <-> quicklist,
 * Redis's listTypeTryConversion rules), same propagation (LMPOP as
 * "LPOP key n").
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call (errors included);
 *  - nothing changes before the last possible error;
 *  - an emptied list is deleted at once (no empty list is ever stored);
 *  - after a change: md_key_modified(), md_notify() with Redis's event
 *    name, md_dirty(); a command that changed nothing calls none of them,
 *    so the host does not propagate it;
 *  - a key created by a push is signalled with md_key_ready(), which is
 *    what wakes clients blocked on it (a blocked client only waits on
 *    keys that do not hold a list).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "lists_cmds.h"
#include "lists.h"
#include "quicklist.h"

#define INT_BUF 32

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Open a key; *list is its list or NULL. Returns MD_ERR (after a
 * WRONGTYPE reply) when the key holds another type. */
static int open_list(md_ctx_t *c, md_arg_t name, int mode, md_key_t **kp,
                     ql_t **list)
{
    md_key_t *k = md_key_open(c, name, mode);
    const md_type_t *t = md_key_type(k);

    *kp = k;
    *list = NULL;
    if (t == NULL) return MD_OK;
    if (t != lists_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    *list = md_key_value(k);
    return MD_OK;
}

static void reply_entry(md_ctx_t *c, const ql_entry_t *e)
{
    if (e->s != NULL) md_reply_bulk(c, e->s, e->len);
    else md_reply_bulk_ll(c, e->ll);
}

/* Reply a range of the list as an array, Redis's addListRangeReply():
 * start/end may be negative; reverse = from end down to start. */
static void reply_range(md_ctx_t *c, ql_t *ql, long long start, long long end,
                        int reverse)
{
    long long n;
    ql_iter_t it;
    ql_entry_t e;

    if (!md_range(&start, &end, (long long)ql->count, MD_RANGE_LIST)) {
        md_reply_array(c, 0);
        return;
    }
    n = end - start + 1;
    md_reply_array(c, n);
    ql_iter_init(&it, ql, reverse ? end : start, !reverse);
    while (n-- > 0 && ql_iter_next(&it, &e)) reply_entry(c, &e);
    ql_iter_done(&it);
}

/* Redis's listElementsRemoved(): after `count` elements left the list at
 * `where` (event lpop/rpop) or by another command (`event`). */
static void after_remove(md_ctx_t *c, md_key_t *k, md_arg_t key, ql_t *ql,
                         const char *event, long long count)
{
    md_notify(c, MD_NOTIFY_LIST, event, key);
    if (ql->count == 0) {
        md_key_delete(k);
        md_notify(c, MD_NOTIFY_GENERIC, "del", key);
    } else {
        ql_conv_shrink(ql, lists_max_listpack_size, 1);
    }
    md_key_modified(c, k);
    md_dirty(c, count);
}

static const char *pop_event(int where)
{
    return where == LIST_HEAD ? "lpop" : "rpop";
}

/* Redis getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX, NULL). */
static int parse_signed(md_ctx_t *c, md_arg_t a, long long *v)
{
    if (md_parse_ll(c, a, v) != MD_OK) return MD_ERR;
    if (*v == LLONG_MIN) {
        md_reply_error(c, "ERR value is out of range, value must between "
                          "-9223372036854775807 and 9223372036854775807");
        return MD_ERR;
    }
    return MD_OK;
}

/* Redis getRangeLongFromObjectOrReply(min, LONG_MAX, msg): any failure,
 * parse or range, replies msg. */
static int parse_min(md_ctx_t *c, md_arg_t a, long long min, const char *msg,
                     long long *v)
{
    if (md_arg_ll(a, v) != MD_OK || *v < min) {
        md_reply_error(c, msg);
        return MD_ERR;
    }
    return MD_OK;
}

int lists_parse_where(md_ctx_t *c, md_arg_t a, int *where)
{
    if (md_arg_eq(a, "right")) *where = LIST_TAIL;
    else if (md_arg_eq(a, "left")) *where = LIST_HEAD;
    else {
        md_reply_syntax(c);
        return MD_ERR;
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Pushes                                                              */
/* ------------------------------------------------------------------ */

/* LPUSH/RPUSH/LPUSHX/RPUSHX (xx: only when the list exists). */
static int push_generic(md_ctx_t *c, int argc, const md_arg_t *argv,
                        int where, int xx)
{
    md_key_t *k;
    ql_t *ql;
    size_t add = 0;
    int j, created = 0;

    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) {
        if (xx) return md_reply_int(c, 0);
        ql = lists_new();
        md_key_set(k, lists_type, ql, 0);
        created = 1;
    }
    for (j = 2; j < argc; j++) add += argv[j].len;
    ql_conv_grow(ql, lists_max_listpack_size, add, (unsigned long)(argc - 2));
    for (j = 2; j < argc; j++) ql_push(ql, argv[j].ptr, argv[j].len, where);
    md_reply_int(c, (long long)ql->count);
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_LIST, where == LIST_HEAD ? "lpush" : "rpush", argv[1]);
    md_dirty(c, argc - 2);
    if (created) md_key_ready(c, argv[1]);
    return MD_OK;
}

int lists_cmd_lpush(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return push_generic(c, argc, argv, LIST_HEAD, 0);
}

int lists_cmd_rpush(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return push_generic(c, argc, argv, LIST_TAIL, 0);
}

int lists_cmd_lpushx(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return push_generic(c, argc, argv, LIST_HEAD, 1);
}

int lists_cmd_rpushx(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return push_generic(c, argc, argv, LIST_TAIL, 1);
}

/* ------------------------------------------------------------------ */
/* Pops                                                                */
/* ------------------------------------------------------------------ */

/* Pop up to count elements from `where` of ql, replying them as an array
 * (in pop order), then delete them. Returns the number popped. */
static long long pop_range_reply(md_ctx_t *c, ql_t *ql, int where,
                                 long long count)
{
    long long llen = (long long)ql->count;
    long long n = count > llen ? llen : count;

    if (where == LIST_HEAD) {
        reply_range(c, ql, 0, n - 1, 0);
        ql_del_range(ql, 0, (unsigned long)n);
    } else {
        reply_range(c, ql, -n, -1, 1);
        ql_del_range(ql, -n, (unsigned long)n);
    }
    return n;
}

/* LPOP/RPOP key [count]. */
static int pop_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int where)
{
    md_key_t *k;
    ql_t *ql;
    long long count = 0;
    int hascount = argc == 3;

    if (argc > 3) {
        char msg[80];
        snprintf(msg, sizeof msg,
                 "ERR wrong number of arguments for '%s' command",
                 where == LIST_HEAD ? "lpop" : "rpop");
        return md_reply_error(c, msg);
    }
    if (hascount && parse_min(c, argv[2], 0, "ERR value is out of range, "
                              "must be positive", &count) != MD_OK)
        return MD_OK;
    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL)
        return hascount ? md_reply_null_array(c) : md_reply_null(c);
    if (hascount && count == 0) return md_reply_array(c, 0);
    if (!hascount) {
        ql_entry_t e;
        ql_peek(ql, where, &e);
        reply_entry(c, &e);
        ql_pop_discard(ql, where);
        count = 1;
    } else {
        count = pop_range_reply(c, ql, where, count);
    }
    after_remove(c, k, argv[1], ql, pop_event(where), count);
    return MD_OK;
}

int lists_cmd_lpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return pop_generic(c, argc, argv, LIST_HEAD);
}

int lists_cmd_rpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return pop_generic(c, argc, argv, LIST_TAIL);
}

int lists_pop_first(md_ctx_t *c, const md_arg_t *keys, int nkeys, int where,
                    long long count)
{
    int j;

    for (j = 0; j < nkeys; j++) {
        md_key_t *k;
        ql_t *ql;
        char buf[INT_BUF];
        md_arg_t rep[3];

        if (open_list(c, keys[j], MD_WRITE, &k, &ql) != MD_OK) return -1;
        if (ql == NULL || ql->count == 0) continue;
        rep[0] = md_str(where == LIST_HEAD ? "LPOP" : "RPOP");
        rep[1] = keys[j];
        md_reply_array(c, 2);
        md_reply_bulk(c, keys[j].ptr, keys[j].len);
        if (count < 0) {
            ql_entry_t e;
            ql_peek(ql, where, &e);
            reply_entry(c, &e);
            ql_pop_discard(ql, where);
            after_remove(c, k, keys[j], ql, pop_event(where), 1);
            md_replicate(c, 2, rep);
        } else {
            long long n = pop_range_reply(c, ql, where, count);
            after_remove(c, k, keys[j], ql, pop_event(where), n);
            rep[2].ptr = buf;
            rep[2].len = (size_t)snprintf(buf, sizeof buf, "%lld", n);
            md_replicate(c, 3, rep);
        }
        return 1;
    }
    return 0;
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
int lists_cmd_lmpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_mpop_args_t m;

    if (md_parse_mpop(c, argc, argv, 1, "LEFT", "RIGHT", &m) != MD_OK)
        return MD_OK;
    if (lists_pop_first(c, argv + 2, m.nkeys, m.which, m.count) == 0)
        md_reply_null_array(c);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

int lists_cmd_llen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;

    (void)argc;
    if (open_list(c, argv[1], MD_READ, &k, &ql) != MD_OK) return MD_OK;
    return md_reply_int(c, ql ? (long long)ql->count : 0);
}

int lists_cmd_lindex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long index;
    ql_iter_t it;
    ql_entry_t e;

    (void)argc;
    if (open_list(c, argv[1], MD_READ, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_null(c);
    if (md_parse_ll(c, argv[2], &index) != MD_OK) return MD_OK;
    ql_iter_init(&it, ql, index, 1);
    if (ql_iter_next(&it, &e)) reply_entry(c, &e);
    else md_reply_null(c);
    ql_iter_done(&it);
    return MD_OK;
}

int lists_cmd_lrange(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long start, end;

    (void)argc;
    if (md_parse_ll(c, argv[2], &start) != MD_OK ||
        md_parse_ll(c, argv[3], &end) != MD_OK)
        return MD_OK;
    if (open_list(c, argv[1], MD_READ, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_array(c, 0);
    reply_range(c, ql, start, end, 0);
    return MD_OK;
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
int lists_cmd_lpos(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long rank = 1, count = -1, maxlen = 0, sll = 0;
    long long index = 0, matches = 0, matchindex = -1, arraylen = 0, llen;
    int j, fwd = 1, sint;
    void *deferred = NULL;
    ql_iter_t it;
    ql_entry_t e;

    for (j = 3; j < argc; j++) {
        int more = j + 1 < argc;
        if (md_arg_eq(argv[j], "rank") && more) {
            if (parse_signed(c, argv[++j], &rank) != MD_OK) return MD_OK;
            if (rank == 0)
                return md_reply_error(c,
                    "ERR RANK can't be zero: use 1 to start from the first "
                    "match, 2 from the second ... or use negative to start "
                    "from the end of the list");
        } else if (md_arg_eq(argv[j], "count") && more) {
            if (parse_min(c, argv[++j], 0, "ERR COUNT can't be negative",
                          &count) != MD_OK)
                return MD_OK;
        } else if (md_arg_eq(argv[j], "maxlen") && more) {
            if (parse_min(c, argv[++j], 0, "ERR MAXLEN can't be negative",
                          &maxlen) != MD_OK)
                return MD_OK;
        } else {
            return md_reply_syntax(c);
        }
    }
    if (rank < 0) {
        rank = -rank;
        fwd = 0;
    }
    if (open_list(c, argv[1], MD_READ, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL)
        return count != -1 ? md_reply_array(c, 0) : md_reply_null(c);
    if (count != -1) deferred = md_reply_defer(c);
    sint = ql_str2ll(argv[2].ptr, argv[2].len, &sll);
    llen = (long long)ql->count;
    ql_iter_init(&it, ql, fwd ? 0 : -1, fwd);
    while ((maxlen == 0 || index < maxlen) && ql_iter_next(&it, &e)) {
        if (ql_entry_eq(&e, argv[2].ptr, argv[2].len, sint, sll)) {
            matches++;
            matchindex = fwd ? index : llen - index - 1;
            if (matches >= rank) {
                if (deferred == NULL) break;
                arraylen++;
                md_reply_int(c, matchindex);
                if (count && matches - rank + 1 >= count) break;
            }
        }
        index++;
        matchindex = -1;
    }
    ql_iter_done(&it);
    if (deferred != NULL) md_reply_defer_set(c, deferred, MD_DEFER_ARRAY, arraylen);
    else if (matchindex != -1) md_reply_int(c, matchindex);
    else md_reply_null(c);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Changing elements in place                                          */
/* ------------------------------------------------------------------ */

int lists_cmd_lset(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long index;

    (void)argc;
    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_error(c, "ERR no such key");
    if (md_parse_ll(c, argv[2], &index) != MD_OK) return MD_OK;
    ql_conv_grow(ql, lists_max_listpack_size, argv[3].len, 1);
    if (!ql_replace(ql, index, argv[3].ptr, argv[3].len))
        return md_reply_error(c, "ERR index out of range");
    ql_conv_shrink(ql, lists_max_listpack_size, 1);
    md_reply_ok(c);
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_LIST, "lset", argv[1]);
    md_dirty(c, 1);
    return MD_OK;
}

/* LINSERT key BEFORE|AFTER pivot element */
int lists_cmd_linsert(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    int after, sint, inserted = 0;
    long long sll = 0;
    ql_iter_t it;
    ql_entry_t e;

    (void)argc;
    if (md_arg_eq(argv[2], "after")) after = 1;
    else if (md_arg_eq(argv[2], "before")) after = 0;
    else return md_reply_syntax(c);
    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_int(c, 0);
    /* Redis converts before looking for the pivot, found or not. */
    ql_conv_grow(ql, lists_max_listpack_size, argv[4].len, 1);
    sint = ql_str2ll(argv[3].ptr, argv[3].len, &sll);
    ql_iter_init(&it, ql, 0, 1);
    while (ql_iter_next(&it, &e)) {
        if (ql_entry_eq(&e, argv[3].ptr, argv[3].len, sint, sll)) {
            ql_iter_insert(&it, argv[4].ptr, argv[4].len, after);
            inserted = 1;
            break;
        }
    }
    ql_iter_done(&it);
    if (!inserted) return md_reply_int(c, -1);
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_LIST, "linsert", argv[1]);
    md_dirty(c, 1);
    return md_reply_int(c, (long long)ql->count);
}

/* ------------------------------------------------------------------ */
/* Removing                                                            */
/* ------------------------------------------------------------------ */

int lists_cmd_ltrim(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long start, end, llen, ltrim, rtrim;

    (void)argc;
    if (md_parse_ll(c, argv[2], &start) != MD_OK ||
        md_parse_ll(c, argv[3], &end) != MD_OK)
        return MD_OK;
    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_ok(c);
    llen = (long long)ql->count;
    if (md_range(&start, &end, llen, MD_RANGE_LIST)) {
        ltrim = start;
        rtrim = llen - end - 1;
    } else {
        ltrim = llen;
        rtrim = 0;
    }
    ql_del_range(ql, 0, (unsigned long)ltrim);
    ql_del_range(ql, -rtrim, (unsigned long)rtrim);
    md_notify(c, MD_NOTIFY_LIST, "ltrim", argv[1]);
    if (ql->count == 0) {
        md_key_delete(k);
        md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
    } else {
        ql_conv_shrink(ql, lists_max_listpack_size, 1);
    }
    md_key_modified(c, k);
    md_dirty(c, ltrim + rtrim);
    return md_reply_ok(c);
}

/* LREM key count element */
int lists_cmd_lrem(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    ql_t *ql;
    long long toremove, removed = 0, sll = 0;
    int sint, fwd = 1;
    ql_iter_t it;
    ql_entry_t e;

    (void)argc;
    if (parse_signed(c, argv[2], &toremove) != MD_OK) return MD_OK;
    if (open_list(c, argv[1], MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL) return md_reply_int(c, 0);
    if (toremove < 0) {
        toremove = -toremove;
        fwd = 0;
    }
    sint = ql_str2ll(argv[3].ptr, argv[3].len, &sll);
    ql_iter_init(&it, ql, fwd ? 0 : -1, fwd);
    while (ql_iter_next(&it, &e)) {
        if (ql_entry_eq(&e, argv[3].ptr, argv[3].len, sint, sll)) {
            ql_iter_delete(&it);
            removed++;
            if (toremove && removed == toremove) break;
        }
    }
    ql_iter_done(&it);
    if (removed) {
        md_notify(c, MD_NOTIFY_LIST, "lrem", argv[1]);
        if (ql->count == 0) {
            md_key_delete(k);
            md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
        } else {
            ql_conv_shrink(ql, lists_max_listpack_size, 1);
        }
        md_key_modified(c, k);
        md_dirty(c, removed);
    }
    return md_reply_int(c, removed);
}

/* ------------------------------------------------------------------ */
/* Moving                                                              */
/* ------------------------------------------------------------------ */

int lists_move(md_ctx_t *c, md_arg_t src, md_arg_t dst, int from, int to)
{
    md_key_t *ks, *kd;
    ql_t *sql, *dql;
    ql_entry_t e;
    char small[128], ibuf[INT_BUF];
    const unsigned char *bytes;
    unsigned char *val;
    size_t len;
    int created = 0;

    if (open_list(c, src, MD_WRITE, &ks, &sql) != MD_OK) return MD_ERR;
    if (open_list(c, dst, MD_WRITE, &kd, &dql) != MD_OK) return MD_ERR;
    /* Copy the element out: src and dst may be the same list. */
    ql_peek(sql, from, &e);
    bytes = ql_entry_bytes(&e, ibuf, &len);
    val = len <= sizeof small ? (unsigned char *)small : md_alloc(len);
    memcpy(val, bytes, len);
    ql_pop_discard(sql, from);
    if (dql == NULL) {
        dql = lists_new();
        md_key_set(kd, lists_type, dql, 0);
        created = 1;
    }
    ql_conv_grow(dql, lists_max_listpack_size, len, 1);
    ql_push(dql, val, len, to);
    md_key_modified(c, kd);
    md_notify(c, MD_NOTIFY_LIST, to == LIST_HEAD ? "lpush" : "rpush", dst);
    md_reply_bulk(c, val, len);
    if (val != (unsigned char *)small) md_free(val);
    after_remove(c, ks, src, sql, pop_event(from), 1);
    if (created) md_key_ready(c, dst);
    return MD_OK;
}

/* LMOVE and RPOPLPUSH: a missing source replies null. */
static int move_generic(md_ctx_t *c, md_arg_t src, md_arg_t dst, int from, int to)
{
    md_key_t *k;
    ql_t *ql;

    if (open_list(c, src, MD_WRITE, &k, &ql) != MD_OK) return MD_OK;
    if (ql == NULL || ql->count == 0) return md_reply_null(c);
    lists_move(c, src, dst, from, to);
    return MD_OK;
}

/* LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
int lists_cmd_lmove(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int from, to;

    (void)argc;
    if (lists_parse_where(c, argv[3], &from) != MD_OK ||
        lists_parse_where(c, argv[4], &to) != MD_OK)
        return MD_OK;
    return move_generic(c, argv[1], argv[2], from, to);
}

int lists_cmd_rpoplpush(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    return move_generic(c, argv[1], argv[2], LIST_TAIL, LIST_HEAD);
}
