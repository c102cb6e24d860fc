/*
 * zsets.c — the sorted sets module: Redis sorted sets as a Modis data
 * type, and the "zset.v1" service other modules (geo, SORT) use.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key positions, ACL categories, docs) and md_init, which
 * registers the two encoding parameters (and their ziplist aliases), the
 * "zset" type, the commands and the service. The manifest and md_init are
 * the only exported symbols. Layout of the rest: zset_value.c (the value
 * word and the conversions) over zset_listpack.c and zset_skiplist.c (the
 * encodings); zsets_cmds.c, zsets_range.c, zsets_pop.c and
 * zsets_setops.c (the handlers); zsets_rdb.c (the type callbacks);
 * zsets_service.c (zset.v1).
 */
#include <limits.h>
#include "modis.h"
#include "zsets.h"
#include "zsets_cmds.h"
#include "zsets_pop.h"
#include "zsets_range.h"
#include "zsets_rdb.h"
#include "zsets_service.h"
#include "zsets_setops.h"
#include "zsets_source.h"

md_type_t *zsets_type;

/* One sorted-set command; every field but the handler is Redis's
 * metadata. The arguments after the positional ones are designated
 * initializers of the docs fields (.syntax, .key_specs, .history...). */
#define CMD(nm, fn, ar, fl, fk, lk, st, acls, sum, snc, cx, ...)         \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = st, .acl = acls,           \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "sorted-set", .getkeys = NULL, __VA_ARGS__}

#define W_FAST "@write @sortedset @fast"
#define W_SLOW "@write @sortedset @slow"
#define R_FAST "@read @sortedset @fast"
#define R_SLOW "@read @sortedset @slow"

#define LOGN_COUNT "O(log(N)) with N being the number of elements in the sorted set."
#define RANGE_CX                                                            \
    "O(log(N)+M) with N being the number of elements in the sorted set and " \
    "M the number of elements returned."
#define BYRANGE_CX                                                          \
    "O(log(N)+M) with N being the number of elements in the sorted set and " \
    "M the number of elements being returned. If M is constant (e.g. always " \
    "asking for the first 10 elements with LIMIT), you can consider it "     \
    "O(log(N))."
#define REMRANGE_CX                                                         \
    "O(log(N)+M) with N being the number of elements in the sorted set and " \
    "M the number of elements removed by the operation."
#define POP_CX                                                              \
    "O(log(N)*M) with N being the number of elements in the sorted set, "   \
    "and M being the number of elements popped."
#define MPOP_CX                                                             \
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being "   \
    "the number of elements in the sorted set, and M being the number of "  \
    "elements popped."
#define INTER_CX                                                            \
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted " \
    "set, K being the number of input sorted sets and M being the number "  \
    "of elements in the resulting sorted set."
#define DIFF_CX                                                             \
    "O(L + (N-K)log(N)) worst case where L is the total number of elements " \
    "in all the sets, N is the size of the first set, and K is the size of " \
    "the result set."
#define LIMIT_SYN "[LIMIT (offset count)]{=offset_count}"
#define SETOP_OPTS                                                          \
    "[WEIGHTS weight [weight ...]]{integer} "                               \
    "[AGGREGATE <SUM | MIN | MAX>{=aggregate}]"
#define STORE_SPECS "OW update index:1; RO access index:2 keynum:0:1:1"
#define BZPOP_HIST "6.0.0: `timeout` is interpreted as a double instead of an integer."
#define RANK_HIST "7.2.0: Added the optional `WITHSCORE` argument."

static const md_command_t zsets_commands[] = {
    CMD("zadd", zsets_cmd_zadd, -4, "write denyoom fast", 1, 1, 1, W_FAST,
        "Adds one or more members to a sorted set, or updates their scores. "
        "Creates the key if it doesn't exist.", "1.2.0",
        "O(log(N)) for each item added, where N is the number of elements in "
        "the sorted set.",
        .syntax = "key [NX | XX]{=condition @3.0.2} [GT | LT]{=comparison @6.2.0} "
                  "[CH{=change @3.0.2}] [INCR{=increment @3.0.2}] "
                  "score member [score member ...]{=score_member}",
        .key_specs = "RW update index:1",
        .history = "2.4.0: Accepts multiple elements.\n"
                   "3.0.2: Added the `XX`, `NX`, `CH` and `INCR` options.\n"
                   "6.2.0: Added the `GT` and `LT` options."),
    CMD("zincrby", zsets_cmd_zincrby, 4, "write denyoom fast", 1, 1, 1, W_FAST,
        "Increments the score of a member in a sorted set.", "1.2.0",
        "O(log(N)) where N is the number of elements in the sorted set.",
        .syntax = "key increment member", .key_specs = "RW access update index:1"),
    CMD("zrem", zsets_cmd_zrem, -3, "write fast", 1, 1, 1, W_FAST,
        "Removes one or more members from a sorted set. Deletes the sorted set "
        "if all members were removed.", "1.2.0",
        "O(M*log(N)) with N being the number of elements in the sorted set and "
        "M the number of elements to be removed.",
        .syntax = "key member [member ...]", .key_specs = "RW delete index:1",
        .history = "2.4.0: Accepts multiple elements."),
    CMD("zcard", zsets_cmd_zcard, 2, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the number of members in a sorted set.", "1.2.0", "O(1)",
        .syntax = "key", .key_specs = "RO index:1"),
    CMD("zscore", zsets_cmd_zscore, 3, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the score of a member in a sorted set.", "1.2.0", "O(1)",
        .syntax = "key member", .key_specs = "RO access index:1"),
    CMD("zmscore", zsets_cmd_zmscore, -3, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the score of one or more members in a sorted set.", "6.2.0",
        "O(N) where N is the number of members being requested.",
        .syntax = "key member [member ...]", .key_specs = "RO access index:1"),
    CMD("zrank", zsets_cmd_zrank, -3, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the index of a member in a sorted set ordered by ascending "
        "scores.", "2.0.0", "O(log(N))",
        .syntax = "key member [WITHSCORE{@7.2.0}]", .key_specs = "RO access index:1",
        .history = RANK_HIST),
    CMD("zrevrank", zsets_cmd_zrevrank, -3, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the index of a member in a sorted set ordered by descending "
        "scores.", "2.0.0", "O(log(N))",
        .syntax = "key member [WITHSCORE{@7.2.0}]", .key_specs = "RO access index:1",
        .history = RANK_HIST),
    CMD("zcount", zsets_cmd_zcount, 4, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the count of members in a sorted set that have scores within a "
        "range.", "2.0.0", LOGN_COUNT,
        .syntax = "key min{double} max{double}", .key_specs = "RO access index:1"),
    CMD("zlexcount", zsets_cmd_zlexcount, 4, "readonly fast", 1, 1, 1, R_FAST,
        "Returns the number of members in a sorted set within a lexicographical "
        "range.", "2.8.9", LOGN_COUNT,
        .syntax = "key min max", .key_specs = "RO access index:1"),
    CMD("zscan", zsets_cmd_zscan, -3, "readonly", 1, 1, 1, R_SLOW,
        "Iterates over members and scores of a sorted set.", "2.8.0",
        "O(1) for every call. O(N) for a complete iteration, including enough "
        "command calls for the cursor to return back to 0. N is the number of "
        "elements inside the collection..",
        .syntax = "key cursor [MATCH pattern] [COUNT count]",
        .key_specs = "RO access index:1", .tips = "nondeterministic_output"),
    CMD("zrandmember", zsets_cmd_zrandmember, -2, "readonly", 1, 1, 1, R_SLOW,
        "Returns one or more random members from a sorted set.", "6.2.0",
        "O(N) where N is the number of elements returned",
        .syntax = "key [count [WITHSCORES]]{=options}",
        .key_specs = "RO access index:1", .tips = "nondeterministic_output"),
    CMD("zrange", zsets_cmd_zrange, -4, "readonly", 1, 1, 1, R_SLOW,
        "Returns members in a sorted set within a range of indexes.", "1.2.0",
        RANGE_CX,
        .syntax = "key start{string} stop{string} [BYSCORE | BYLEX]{=sortby @6.2.0} "
                  "[REV{@6.2.0}] [LIMIT (offset count)]{=offset_count @6.2.0} "
                  "[WITHSCORES]",
        .key_specs = "RO access index:1",
        .history = "6.2.0: Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."),
    CMD("zrangestore", zsets_cmd_zrangestore, -5, "write denyoom", 1, 2, 1, W_SLOW,
        "Stores a range of members from sorted set in a key.", "6.2.0",
        "O(log(N)+M) with N being the number of elements in the sorted set and "
        "M the number of elements stored into the destination key.",
        .syntax = "dst{key} src{key} min max [BYSCORE | BYLEX]{=sortby} [REV] " LIMIT_SYN,
        .key_specs = "OW update index:1; RO access index:2"),
    CMD("zrevrange", zsets_cmd_zrevrange, -4, "readonly", 1, 1, 1, R_SLOW,
        "Returns members in a sorted set within a range of indexes in reverse "
        "order.", "1.2.0", RANGE_CX,
        .syntax = "key start stop [WITHSCORES]", .key_specs = "RO access index:1",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`ZRANGE` with the `REV` argument"),
    CMD("zrangebyscore", zsets_cmd_zrangebyscore, -4, "readonly", 1, 1, 1, R_SLOW,
        "Returns members in a sorted set within a range of scores.", "1.0.5",
        BYRANGE_CX,
        .syntax = "key min{double} max{double} [WITHSCORES{@2.0.0}] " LIMIT_SYN,
        .key_specs = "RO access index:1",
        .history = "2.0.0: Added the `WITHSCORES` modifier.",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`ZRANGE` with the `BYSCORE` argument"),
    CMD("zrevrangebyscore", zsets_cmd_zrevrangebyscore, -4, "readonly", 1, 1, 1,
        R_SLOW,
        "Returns members in a sorted set within a range of scores in reverse "
        "order.", "2.2.0", BYRANGE_CX,
        .syntax = "key max{double} min{double} [WITHSCORES] " LIMIT_SYN,
        .key_specs = "RO access index:1",
        .history = "2.1.6: `min` and `max` can be exclusive.",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments"),
    CMD("zrangebylex", zsets_cmd_zrangebylex, -4, "readonly", 1, 1, 1, R_SLOW,
        "Returns members in a sorted set within a lexicographical range.",
        "2.8.9", BYRANGE_CX,
        .syntax = "key min max " LIMIT_SYN, .key_specs = "RO access index:1",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`ZRANGE` with the `BYLEX` argument"),
    CMD("zrevrangebylex", zsets_cmd_zrevrangebylex, -4, "readonly", 1, 1, 1,
        R_SLOW,
        "Returns members in a sorted set within a lexicographical range in "
        "reverse order.", "2.8.9", BYRANGE_CX,
        .syntax = "key max min " LIMIT_SYN, .key_specs = "RO access index:1",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments"),
    CMD("zremrangebyrank", zsets_cmd_zremrangebyrank, 4, "write", 1, 1, 1, W_SLOW,
        "Removes members in a sorted set within a range of indexes. Deletes the "
        "sorted set if all members were removed.", "2.0.0", REMRANGE_CX,
        .syntax = "key start stop", .key_specs = "RW delete index:1"),
    CMD("zremrangebyscore", zsets_cmd_zremrangebyscore, 4, "write", 1, 1, 1,
        W_SLOW,
        "Removes members in a sorted set within a range of scores. Deletes the "
        "sorted set if all members were removed.", "1.2.0", REMRANGE_CX,
        .syntax = "key min{double} max{double}", .key_specs = "RW delete index:1"),
    CMD("zremrangebylex", zsets_cmd_zremrangebylex, 4, "write", 1, 1, 1, W_SLOW,
        "Removes members in a sorted set within a lexicographical range. "
        "Deletes the sorted set if all members were removed.", "2.8.9",
        REMRANGE_CX, .syntax = "key min max", .key_specs = "RW delete index:1"),
    CMD("zpopmin", zsets_cmd_zpopmin, -2, "write fast", 1, 1, 1, W_FAST,
        "Returns the lowest-scoring members from a sorted set after removing "
        "them. Deletes the sorted set if the last member was popped.", "5.0.0",
        POP_CX, .syntax = "key [count]", .key_specs = "RW access delete index:1"),
    CMD("zpopmax", zsets_cmd_zpopmax, -2, "write fast", 1, 1, 1, W_FAST,
        "Returns the highest-scoring members from a sorted set after removing "
        "them. Deletes the sorted set if the last member was popped.", "5.0.0",
        POP_CX, .syntax = "key [count]", .key_specs = "RW access delete index:1"),
    CMD("zmpop", zsets_cmd_zmpop, -4, "write movablekeys", 0, 0, 0, W_SLOW,
        "Returns the highest- or lowest-scoring members from one or more sorted "
        "sets after removing them. Deletes the sorted set if the last member "
        "was popped.", "7.0.0", MPOP_CX,
        .syntax = "numkeys key [key ...] <MIN | MAX>{=where} [COUNT count]",
        .key_specs = "RW access delete index:1 keynum:0:1:1"),
    CMD("bzpopmin", zsets_cmd_bzpopmin, -3, "write fast blocking", 1, -2, 1,
        "@write @sortedset @fast @blocking",
        "Removes and returns the member with the lowest score from one or more "
        "sorted sets. Blocks until a member is available otherwise. Deletes the "
        "sorted set if the last element was popped.", "5.0.0", LOGN_COUNT,
        .syntax = "key [key ...] timeout",
        .key_specs = "RW access delete index:1 range:-2", .history = BZPOP_HIST),
    CMD("bzpopmax", zsets_cmd_bzpopmax, -3, "write fast blocking", 1, -2, 1,
        "@write @sortedset @fast @blocking",
        "Removes and returns the member with the highest score from one or more "
        "sorted sets. Blocks until a member available otherwise.  Deletes the "
        "sorted set if the last element was popped.", "5.0.0", LOGN_COUNT,
        .syntax = "key [key ...] timeout",
        .key_specs = "RW access delete index:1 range:-2", .history = BZPOP_HIST),
    CMD("bzmpop", zsets_cmd_bzmpop, -5, "write blocking movablekeys", 0, 0, 0,
        "@write @sortedset @slow @blocking",
        "Removes and returns a member by score from one or more sorted sets. "
        "Blocks until a member is available otherwise. Deletes the sorted set "
        "if the last element was popped.", "7.0.0", MPOP_CX,
        .syntax = "timeout numkeys key [key ...] <MIN | MAX>{=where} [COUNT count]",
        .key_specs = "RW access delete index:2 keynum:0:1:1"),
    CMD("zunion", zsets_cmd_zunion, -3, "readonly movablekeys", 0, 0, 0, R_SLOW,
        "Returns the union of multiple sorted sets.", "6.2.0",
        "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted "
        "sets, and M being the number of elements in the resulting sorted set.",
        .syntax = "numkeys key [key ...] " SETOP_OPTS " [WITHSCORES]",
        .key_specs = "RO access index:1 keynum:0:1:1"),
    CMD("zinter", zsets_cmd_zinter, -3, "readonly movablekeys", 0, 0, 0, R_SLOW,
        "Returns the intersect of multiple sorted sets.", "6.2.0", INTER_CX,
        .syntax = "numkeys key [key ...] " SETOP_OPTS " [WITHSCORES]",
        .key_specs = "RO access index:1 keynum:0:1:1"),
    CMD("zdiff", zsets_cmd_zdiff, -3, "readonly movablekeys", 0, 0, 0, R_SLOW,
        "Returns the difference between multiple sorted sets.", "6.2.0", DIFF_CX,
        .syntax = "numkeys key [key ...] [WITHSCORES]",
        .key_specs = "RO access index:1 keynum:0:1:1"),
    CMD("zunionstore", zsets_cmd_zunionstore, -4, "write denyoom movablekeys", 1, 1,
        1, W_SLOW, "Stores the union of multiple sorted sets in a key.", "2.0.0",
        "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted "
        "sets, and M being the number of elements in the resulting sorted set.",
        .syntax = "destination numkeys key [key ...] " SETOP_OPTS,
        .key_specs = STORE_SPECS),
    CMD("zinterstore", zsets_cmd_zinterstore, -4, "write denyoom movablekeys", 1, 1,
        1, W_SLOW, "Stores the intersect of multiple sorted sets in a key.",
        "2.0.0", INTER_CX,
        .syntax = "destination numkeys key [key ...] " SETOP_OPTS,
        .key_specs = STORE_SPECS),
    CMD("zdiffstore", zsets_cmd_zdiffstore, -4, "write denyoom movablekeys", 1, 1,
        1, W_SLOW, "Stores the difference of multiple sorted sets in a key.",
        "6.2.0", DIFF_CX, .syntax = "destination numkeys key [key ...]",
        .key_specs = STORE_SPECS),
    CMD("zintercard", zsets_cmd_zintercard, -3, "readonly movablekeys", 0, 0, 0,
        R_SLOW,
        "Returns the number of members of the intersect of multiple sorted "
        "sets.", "7.0.0",
        "O(N*K) worst case with N being the smallest input sorted set, K being "
        "the number of input sorted sets.",
        .syntax = "numkeys key [key ...] [LIMIT limit{integer}]",
        .key_specs = "RO access index:1 keynum:0:1:1"),
    {.name = NULL}};

/* A module was loaded or upgraded: drop the imported set.v1 table. */
static void zsets_on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    if (e->sub == MD_SUB_MODULE_LOADED) zsrc_rebind();
}

/* Parameters first (so a config file can set them), then the type, the
 * commands and the service. Any failure aborts the load; the host undoes
 * partial registration. */
static int zsets_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "zsets: module arguments are ignored");
    /* Redis's defaults: 128 entries, 64 bytes; and their old names. */
    if (md_config_register_ll("zset-max-listpack-entries", &zv_max_entries, 128, 0,
                              LLONG_MAX) != MD_OK ||
        md_config_register_mem("zset-max-listpack-value", &zv_max_value, 64, 0,
                               LLONG_MAX) != MD_OK ||
        md_config_register_alias("zset-max-ziplist-entries",
                                 "zset-max-listpack-entries") != MD_OK ||
        md_config_register_alias("zset-max-ziplist-value",
                                 "zset-max-listpack-value") != MD_OK)
        return MD_ERR;
    zsets_type = md_type_register("zset", &zsets_type_ops);
    if (zsets_type == NULL) return MD_ERR;
    if (md_commands_register(zsets_commands) != MD_OK ||
        md_event_subscribe(MD_EVENT_MODULE, zsets_on_module) != MD_OK)
        return MD_ERR;
    return zsets_service_export();
}

static const char *const zsets_types[] = {"zset", NULL};
static const uint8_t zsets_rdb_bytes[] = {3, 5, 12, 17};
static const md_type_rdb_t zsets_rdb[] = {
    {.type = "zset", .bytes = zsets_rdb_bytes, .n_bytes = sizeof zsets_rdb_bytes},
    {.type = NULL}};
static const md_service_ref_t zsets_provides[] = {{MD_SERVICE_ZSET, 1}, {NULL, 0}};
static const md_service_ref_t zsets_requires[] = {{NULL, 0}};

MD_MODULE(zsets_on_load,
          .name = "zsets",
          .version = 10000,
          .description = "Redis sorted sets: ZADD, ZRANGE, ZUNIONSTORE, ZPOPMIN, "
                         "the blocking BZPOPMIN family; the zset.v1 service",
          .types = zsets_types,
          .type_rdb = zsets_rdb,
          .provides = zsets_provides,
          .requires = zsets_requires)
