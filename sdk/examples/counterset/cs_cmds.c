/*
 * cs_cmds.c — CS.INCR, CS.GET, CS.TOP, CS.WAIT and CS.INCRFROM.
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call, errors included (or none while blocked:
 *    the host replies for CS.WAIT later);
 *  - every argument is checked before anything changes, so an error
 *    leaves the key as it was;
 *  - after a change: md_key_modified() (WATCH), md_notify() (keyspace
 *    event "cs.incr", class 'd'), md_dirty(), md_key_ready() (clients
 *    blocked in CS.WAIT); the change is propagated in a deterministic
 *    form with md_replicate() (CS.INCR key member increment, and CAPACITY
 *    when it created the key, because replicas and the AOF may run with
 *    another countset-capacity);
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

/*
 * Add `by` to member of the set at key (created with capacity `cap` when
 * empty), then propagate, signal and reply the new count. Arguments are
 * checked already.
 */
static int incr_member(md_ctx_t *c, md_arg_t key, md_arg_t member, long long by,
                       long long cap)
{
    long long count;
    int created = 0, evicted;
    cs_value_t *v;

    md_key_t *k = md_key_open(c, key, MD_WRITE);
    if (open_set(c, k, &v) != MD_OK) return MD_OK;
    if (v == NULL) {
        v = cs_new((uint32_t)cap);
        created = 1;
    }
    if (cs_incr(v, member.ptr, member.len, by, &count, &evicted) != MD_OK) {
        if (created) cs_free(v);
        return md_reply_error(c, MD_ERR_OVERFLOW);
    }
    if (created && md_key_set(k, cs_type, v, 0) != MD_OK) {
        cs_free(v);
        return md_reply_error(c, "ERR could not store the value");
    }
    cs_evictions += evicted;

    char bybuf[32], capbuf[32];
    md_arg_t rep[6] = {md_str("CS.INCR"), key, member, {bybuf, 0},
                       md_str("CAPACITY"), {capbuf, 0}};
    rep[3].len = (size_t)md_ll2str(bybuf, sizeof bybuf, by);
    rep[5].len = (size_t)md_ll2str(capbuf, sizeof capbuf, v->cap);
    md_replicate(c, created ? 6 : 4, rep);

    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_MODULE, "cs.incr", key);
    md_dirty(c, 1);
    md_key_ready(c, key); /* CS.WAIT clients re-run after this command */
    return md_reply_int(c, count);
}

/* CS.INCR key member [increment] [CAPACITY capacity] */
int cs_cmd_incr(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long by = 1, cap = cs_default_capacity;
    int j = 3;

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
    return incr_member(c, argv[1], argv[2], by, cap);
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

/* The private data of a blocked CS.WAIT: its target, parsed once. */
typedef struct cs_wait {
    long long target;
} cs_wait_t;

/* Timed out: null, as BLPOP replies (a timeout callback may reply
 * anything; the host runs it with the client's context). */
static int wait_timeout(md_ctx_t *c, void *priv)
{
    (void)priv;
    return md_reply_null(c);
}

static void wait_free(void *priv) { md_free(priv); }

/*
 * CS.WAIT key member count timeout: the member's count once it reaches
 * `count`, or null when `timeout` seconds (0 = forever) pass first. While
 * short, the client blocks on the key; CS.INCR signals the key and the
 * host re-runs CS.WAIT, which finds its target in the private data
 * (md_block_priv) and blocks again, keeping its place, until served.
 * Inside MULTI (or md_call) it cannot block: it replies null at once.
 */
int cs_cmd_wait(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    cs_wait_t *w = md_block_priv(c);
    long long target;
    int64_t ms = 0;
    cs_value_t *v;

    (void)argc;
    if (w != NULL) {
        target = w->target;
    } else {
        if (md_parse_ll(c, argv[3], &target) != MD_OK) return MD_OK;
        if (md_parse_timeout(c, argv[4], &ms) != MD_OK) return MD_OK;
    }
    if (open_set(c, md_key_open(c, argv[1], MD_READ), &v) != MD_OK) return MD_OK;
    long i = v == NULL ? -1 : cs_find(v, argv[2].ptr, argv[2].len);
    if (i >= 0 && v->e[i]->count >= target) return md_reply_int(c, v->e[i]->count);

    int rerun = w != NULL;
    if (!rerun) {
        w = md_alloc(sizeof(*w));
        w->target = target;
    }
    md_block_t b = {.size = sizeof b, .timeout_ms = ms, .on_timeout = wait_timeout,
                    .free_priv = wait_free, .priv = w};
    if (md_block_on_keys_ex(c, 1, argv + 1, &b) != MD_OK) {
        if (!rerun) md_free(w);
        return md_reply_null(c);
    }
    return MD_OK; /* blocked: the host replies later */
}

/*
 * CS.INCRFROM key source member: CS.INCR key member N, where N is the
 * integer held by the string key `source`, read with md_call("GET") — the
 * strings module's command, reached without a service. GET's own errors
 * (WRONGTYPE, or an unknown command when strings is not loaded) are
 * passed on as they are. Propagated as the CS.INCR it amounts to.
 */
int cs_cmd_incrfrom(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t get[2] = {md_str("GET"), argv[2]};
    md_reply_t *r = md_call(c, MD_CALL_NO_WRITES, 2, get);
    long long by;
    int ok = 0;
    size_t n;
    const char *s;

    (void)argc;
    switch (md_call_reply_type(r)) {
    case MD_REPLY_ERROR:
        md_reply_call_reply(c, r);
        break;
    case MD_REPLY_STRING:
        s = md_call_reply_str(r, &n);
        if (md_arg_ll((md_arg_t){s, n}, &by) != MD_OK) md_reply_error(c, MD_ERR_NOT_INT);
        else if (by < 1) md_reply_error(c, ERR_POSITIVE);
        else ok = 1;
        break;
    default:
        md_reply_error(c, "ERR no such key");
    }
    md_call_reply_free(r);
    return ok ? incr_member(c, argv[1], argv[3], by, cs_default_capacity) : MD_OK;
}
