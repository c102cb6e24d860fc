/*
 * lists_block.c — the blocking list commands: BLPOP, BRPOP, BLMOVE,
 * BRPOPLPUSH, BLMPOP, on the SDK's blocking model (docs/sdk.md §12):
 *
 *  - when a key can serve the command, it runs as its non-blocking form
 *    and is propagated as that form ("LPOP key", "LPOP key n",
 *    "LMOVE src dst LEFT RIGHT", "RPOPLPUSH src dst");
 *  - otherwise md_block_on_keys() blocks the client; the host re-runs the
 *    same argv, in FIFO order per key, when a push signals one of the
 *    keys with md_key_ready() (after the command, or after EXEC for
 *    pushes inside MULTI/EXEC or a script); a re-run that still finds
 *    nothing blocks again and keeps its place;
 *  - where blocking is impossible (MULTI, scripts) md_block_on_keys()
 *    fails and the command replies what its non-blocking form would for
 *    an empty list: a null array (BLPOP, BRPOP, BLMPOP) or a null
 *    (BLMOVE, BRPOPLPUSH);
 *  - on timeout the host replies that same null.
 *
 * Arguments are checked in Redis's order: BLPOP/BRPOP the timeout, BLMOVE
 * the directions then the timeout, BLMPOP numkeys/direction/COUNT then
 * the timeout; then the key types.
 */
#include "lists_cmds.h"
#include "lists.h"

/* BLPOP/BRPOP/BLMPOP once the arguments are parsed; count < 0: the
 * BLPOP/BRPOP reply shape. */
static void blocking_pop(md_ctx_t *c, const md_arg_t *keys, int nkeys,
                         int where, md_arg_t timeout, long long count)
{
    int64_t ms;

    if (md_parse_timeout(c, timeout, &ms) != MD_OK) return;
    if (lists_pop_first(c, keys, nkeys, where, count) != 0) return;
    if (md_block_on_keys(c, nkeys, keys, ms, MD_BLOCK_NULL_ARRAY) != MD_OK)
        md_reply_null_array(c);
}

/* BLPOP key [key ...] timeout */
int lists_cmd_blpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    blocking_pop(c, argv + 1, argc - 2, LIST_HEAD, argv[argc - 1], -1);
    return MD_OK;
}

/* BRPOP key [key ...] timeout */
int lists_cmd_brpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    blocking_pop(c, argv + 1, argc - 2, LIST_TAIL, argv[argc - 1], -1);
    return MD_OK;
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
int lists_cmd_blmpop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_mpop_args_t m;

    if (md_parse_mpop(c, argc, argv, 2, "LEFT", "RIGHT", &m) != MD_OK)
        return MD_OK;
    blocking_pop(c, argv + 3, m.nkeys, m.which, argv[1], m.count);
    return MD_OK;
}

/* BLMOVE/BRPOPLPUSH once the arguments are parsed. `rep` is the
 * non-blocking command to propagate when an element moved. */
static void blocking_move(md_ctx_t *c, const md_arg_t *argv, int from, int to,
                          int64_t ms, int repc, const md_arg_t *rep)
{
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    const md_type_t *t = md_key_type(k);

    if (t != NULL && t != lists_type) {
        md_reply_wrongtype(c);
        return;
    }
    if (t == NULL) {
        if (md_block_on_keys(c, 1, argv + 1, ms, MD_BLOCK_NULL) != MD_OK)
            md_reply_null(c);
        return;
    }
    if (lists_move(c, argv[1], argv[2], from, to) == MD_OK)
        md_replicate(c, repc, rep);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
int lists_cmd_blmove(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int from, to;
    int64_t ms;
    md_arg_t rep[5];

    (void)argc;
    if (lists_parse_where(c, argv[3], &from) != MD_OK ||
        lists_parse_where(c, argv[4], &to) != MD_OK ||
        md_parse_timeout(c, argv[5], &ms) != MD_OK)
        return MD_OK;
    rep[0] = md_str("LMOVE");
    rep[1] = argv[1];
    rep[2] = argv[2];
    rep[3] = argv[3];
    rep[4] = argv[4];
    blocking_move(c, argv, from, to, ms, 5, rep);
    return MD_OK;
}

/* BRPOPLPUSH source destination timeout */
int lists_cmd_brpoplpush(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t ms;
    md_arg_t rep[3];

    (void)argc;
    if (md_parse_timeout(c, argv[3], &ms) != MD_OK) return MD_OK;
    rep[0] = md_str("RPOPLPUSH");
    rep[1] = argv[1];
    rep[2] = argv[2];
    blocking_move(c, argv, LIST_TAIL, LIST_HEAD, ms, 3, rep);
    return MD_OK;
}
