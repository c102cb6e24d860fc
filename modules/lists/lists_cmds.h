/*
 * lists_cmds.h — the list command handlers (lists_cmds.c: the
 * non-blocking ones; lists_block.c: BLPOP and friends) and the pieces the
 * blocking forms share with the non-blocking ones. Each handler follows
 * the md_cmd_fn contract: the host did arity/ACL/OOM checks, the handler
 * replies exactly once and returns MD_OK.
 */
#ifndef LISTS_CMDS_H
#define LISTS_CMDS_H

#include "modis.h"

#define LIST_HEAD 0
#define LIST_TAIL 1

#define LISTS_HANDLER(name) \
    int name(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN

LISTS_HANDLER(lists_cmd_lpush);
LISTS_HANDLER(lists_cmd_rpush);
LISTS_HANDLER(lists_cmd_lpushx);
LISTS_HANDLER(lists_cmd_rpushx);
LISTS_HANDLER(lists_cmd_lpop);
LISTS_HANDLER(lists_cmd_rpop);
LISTS_HANDLER(lists_cmd_llen);
LISTS_HANDLER(lists_cmd_lindex);
LISTS_HANDLER(lists_cmd_lset);
LISTS_HANDLER(lists_cmd_lrange);
LISTS_HANDLER(lists_cmd_ltrim);
LISTS_HANDLER(lists_cmd_lrem);
LISTS_HANDLER(lists_cmd_linsert);
LISTS_HANDLER(lists_cmd_lpos);
LISTS_HANDLER(lists_cmd_lmove);
LISTS_HANDLER(lists_cmd_rpoplpush);
LISTS_HANDLER(lists_cmd_lmpop);
LISTS_HANDLER(lists_cmd_blpop);
LISTS_HANDLER(lists_cmd_brpop);
LISTS_HANDLER(lists_cmd_blmove);
LISTS_HANDLER(lists_cmd_brpoplpush);
LISTS_HANDLER(lists_cmd_blmpop);

/* ---- shared by lists_cmds.c and lists_block.c ---- */

/* LEFT/RIGHT (case-insensitive) into LIST_HEAD/LIST_TAIL; replies a
 * syntax error and returns MD_ERR otherwise. */
int lists_parse_where(md_ctx_t *c, md_arg_t a, int *where) MD_HIDDEN;

/* The LMOVE family once the source is known to hold a list: check the
 * destination's type, move one element from `from` of src to `to` of
 * dst, reply it, notify, signal. MD_OK when moved, MD_ERR after an error
 * reply. */
int lists_move(md_ctx_t *c, md_arg_t src, md_arg_t dst, int from, int to) MD_HIDDEN;

/*
 * Pop from the first of keys[0..nkeys) that holds a list, as BLPOP/BRPOP
 * (count < 0: reply [key, element], replicate "LPOP key") or LMPOP/BLMPOP
 * (count >= 1: reply [key, [elements]], replicate "LPOP key n").
 * Returns 1 when served, 0 when every key is empty (nothing replied), -1
 * after a WRONGTYPE reply.
 */
int lists_pop_first(md_ctx_t *c, const md_arg_t *keys, int nkeys, int where,
                    long long count) MD_HIDDEN;

#endif /* LISTS_CMDS_H */
