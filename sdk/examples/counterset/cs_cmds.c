/*
 * cs_cmds.c — CS.INCR, CS.GET and CS.TOP.
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call, errors included;
 *  - every argument is checked before anything changes, so an error
 *    leaves the key as it was;
 *  - after a change: md_key_modified() (WATCH), md_notify() (keyspace
 *    event "cs.incr", class 'd'), md_dirty(); CS.INCR propagates itself
 *    in a deterministic form with md_replicate() (explicit increment, and
 *    CAPACITY when it created the key, because replicas and the AOF may
 *    run with another countset-capacity);
 *  - a value handed to md_key_set() belongs to the keyspace.
 */
#include <stdio.h>
#include "cs_cmds.h"
#include "cs_value.h"
#include "counterset.h"

#define ERR_POSITIVE "ERR value is out of range, must be positive"

/* The counterset at k, NULL when k is empty; MD_ERR after replying
 * WRONGTYPE when k holds another type. */
static int open_set(md_ctx_t *c, md_key_t *k, cs_value_t **out)
{
    const md_type_t *t = md_key_type(k);

    *out = NULL;
    if (t == NULL) return MD_OK;
    if (t != cs_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    *out = md_key_value(k);
    return MD_OK;
}

/* CS.INCR key member [increment] [CAPACITY capacity] */
int cs_cmd_incr(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long by = 1, cap = cs_default_capacity, count;
    int j = 3, created = 0, evicted;
    cs_value_t *v;

    if (j < argc && !md_arg_eq(argv[j], "CAPACITY")) {
        if (md_parse_ll(c, argv[j], &by) != MD_OK) return MD_OK;
        if (by < 1) return md_reply_error(c, ERR_POSITIVE);
        j++;
    }
    if (j < argc) {
        if (!md_arg_eq(argv[j], "CAPACITY") || j + 2 != argc) return md_reply_syntax(c);
        if (md_parse_ll(c, argv[j + 1], &cap) != MD_OK) return MD_OK;
        if (cap < 1 || cap > CS_MAX_CAPACITY) {
            char msg[80];
            snprintf(msg, sizeof msg, "ERR CAPACITY must be between 1 and %d",
                     CS_MAX_CAPACITY);
            return md_reply_error(c, msg);
        }
    }

    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    if (open_set(c, k, &v) != MD_OK) return MD_OK;
    if (v == NULL) {
        v = cs_new((uint32_t)cap);
        created = 1;
    }
    if (cs_incr(v, argv[2].ptr, argv[2].len, by, &count, &evicted) != MD_OK) {
        if (created) cs_free(v);
        return md_reply_error(c, MD_ERR_OVERFLOW);
    }
    if (created && md_key_set(k, cs_type, v, 0) != MD_OK) {
        cs_free(v);
        return md_reply_error(c, "ERR could not store the value");
    }
    cs_evictions += evicted;

    char bybuf[32], capbuf[32];
    md_arg_t rep[6] = {md_str("CS.INCR"), argv[1], argv[2], {bybuf, 0},
                       md_str("CAPACITY"), {capbuf, 0}};
    rep[3].len = (size_t)md_ll2str(bybuf, sizeof bybuf, by);
    rep[5].len = (size_t)md_ll2str(capbuf, sizeof capbuf, v->cap);
    md_replicate(c, created ? 6 : 4, rep);

    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_MODULE, "cs.incr", argv[1]);
    md_dirty(c, 1);
    return md_reply_int(c, count);
}

/* CS.GET key member: the member's count, or null. */
int cs_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    cs_value_t *v;
    long i;

    (void)argc;
    if (open_set(c, md_key_open(c, argv[1], MD_READ), &v) != MD_OK) return MD_OK;
    if (v == NULL || (i = cs_find(v, argv[2].ptr, argv[2].len)) < 0)
        return md_reply_null(c);
    return md_reply_int(c, v->e[i]->count);
}

/*
 * CS.TOP key count: the `count` members with the highest counts, highest
 * first. RESP2: a flat array member, count, member, count...; RESP3: an
 * array of [member, count] pairs (as ZRANGE ... WITHSCORES does).
 */
int cs_cmd_top(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long want;
    cs_value_t *v;

    (void)argc;
    if (md_parse_ll(c, argv[2], &want) != MD_OK) return MD_OK;
    if (want < 0) return md_reply_error(c, ERR_POSITIVE);
    if (open_set(c, md_key_open(c, argv[1], MD_READ), &v) != MD_OK) return MD_OK;

    long n = v == NULL ? 0 : (want < (long long)v->n ? (long)want : (long)v->n);
    int resp3 = md_resp_version(c) >= 3;
    md_reply_array(c, resp3 ? n : 2 * n);
    for (long i = 0; i < n; i++) {
        if (resp3) md_reply_array(c, 2);
        md_reply_bulk(c, v->e[i]->member, v->e[i]->len);
        md_reply_int(c, v->e[i]->count);
    }
    return MD_OK;
}
