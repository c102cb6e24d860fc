/*
 * lists.c — the lists module: Redis lists as a Modis data type.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key positions, ACL categories, docs) and md_init, which
 * registers the list parameters, the "list" type and the commands. The
 * manifest and md_init are the only exported symbols; the encoding lives
 * in quicklist.c, the handlers in lists_cmds.c and lists_block.c, the type
 * callbacks in lists_rdb.c.
 */
#include <limits.h>
#include "modis.h"
#include "lists.h"
#include "lists_cmds.h"
#include "lists_rdb.h"

md_type_t *lists_type;
long long lists_max_listpack_size = -2;
long long lists_compress_depth = 0;

ql_t *lists_new(void)
{
    long long fill = lists_max_listpack_size, depth = lists_compress_depth;

    if (fill < -5) fill = -5;
    if (fill > QL_FILL_MAX) fill = QL_FILL_MAX;
    if (depth > QL_COMPRESS_MAX) depth = QL_COMPRESS_MAX;
    return ql_new((int)fill, (int)depth);
}

/* One list command; every field but the handler is Redis's metadata. The
 * arguments after the positional ones are designated initializers of the
 * docs fields (.syntax, .key_specs, .history, ...). */
#define CMD(nm, fn, ar, fl, fk, lk, st, acls, sum, snc, cx, ...)          \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = st, .acl = acls,           \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "list", __VA_ARGS__}

#define PUSH_CX                                                           \
    "O(1) for each element added, so O(N) to add N elements when the "   \
    "command is called with multiple arguments."
#define MPOP_CX                                                           \
    "O(N+M) where N is the number of provided keys and M is the number " \
    "of elements returned."

static const md_command_t lists_commands[] = {
    CMD("lpush", lists_cmd_lpush, -3, "write denyoom fast", 1, 1, 1,
        "@write @list @fast",
        "Prepends one or more elements to a list. Creates the key if it "
        "doesn't exist.", "1.0.0", PUSH_CX,
        .syntax = "key element [element ...]",
        .key_specs = "RW insert index:1",
        .history = "2.4.0: Accepts multiple `element` arguments."),
    CMD("rpush", lists_cmd_rpush, -3, "write denyoom fast", 1, 1, 1,
        "@write @list @fast",
        "Appends one or more elements to a list. Creates the key if it "
        "doesn't exist.", "1.0.0", PUSH_CX,
        .syntax = "key element [element ...]",
        .key_specs = "RW insert index:1",
        .history = "2.4.0: Accepts multiple `element` arguments."),
    CMD("lpushx", lists_cmd_lpushx, -3, "write denyoom fast", 1, 1, 1,
        "@write @list @fast",
        "Prepends one or more elements to a list only when the list exists.",
        "2.2.0", PUSH_CX,
        .syntax = "key element [element ...]",
        .key_specs = "RW insert index:1",
        .history = "4.0.0: Accepts multiple `element` arguments."),
    CMD("rpushx", lists_cmd_rpushx, -3, "write denyoom fast", 1, 1, 1,
        "@write @list @fast",
        "Appends an element to a list only when the list exists.",
        "2.2.0", PUSH_CX,
        .syntax = "key element [element ...]",
        .key_specs = "RW insert index:1",
        .history = "4.0.0: Accepts multiple `element` arguments."),
    CMD("lpop", lists_cmd_lpop, -2, "write fast", 1, 1, 1,
        "@write @list @fast",
        "Returns the first elements in a list after removing it. Deletes the "
        "list if the last element was popped.", "1.0.0",
        "O(N) where N is the number of elements returned",
        .syntax = "key [count{@6.2.0}]",
        .key_specs = "RW access delete index:1",
        .history = "6.2.0: Added the `count` argument."),
    CMD("rpop", lists_cmd_rpop, -2, "write fast", 1, 1, 1,
        "@write @list @fast",
        "Returns and removes the last elements of the list. Deletes the list "
        "if the last element was popped.", "1.0.0",
        "O(N) where N is the number of elements returned",
        .syntax = "key [count{@6.2.0}]",
        .key_specs = "RW access delete index:1",
        .history = "6.2.0: Added the `count` argument."),
    CMD("llen", lists_cmd_llen, 2, "readonly fast", 1, 1, 1,
        "@read @list @fast", "Returns the length of a list.", "1.0.0", "O(1)",
        .syntax = "key",
        .key_specs = "RO index:1"),
    CMD("lindex", lists_cmd_lindex, 3, "readonly", 1, 1, 1,
        "@read @list @slow", "Returns an element from a list by its index.",
        "1.0.0",
        "O(N) where N is the number of elements to traverse to get to the "
        "element at index. This makes asking for the first or the last "
        "element of the list O(1).",
        .syntax = "key index"),
    CMD("lset", lists_cmd_lset, 4, "write denyoom", 1, 1, 1,
        "@write @list @slow",
        "Sets the value of an element in a list by its index.", "1.0.0",
        "O(N) where N is the length of the list. Setting either the first or "
        "the last element of the list is O(1).",
        .syntax = "key index element",
        .key_specs = "RW update index:1"),
    CMD("lrange", lists_cmd_lrange, 4, "readonly", 1, 1, 1,
        "@read @list @slow", "Returns a range of elements from a list.",
        "1.0.0",
        "O(S+N) where S is the distance of start offset from HEAD for small "
        "lists, from nearest end (HEAD or TAIL) for large lists; and N is "
        "the number of elements in the specified range.",
        .syntax = "key start stop"),
    CMD("ltrim", lists_cmd_ltrim, 4, "write", 1, 1, 1,
        "@write @list @slow",
        "Removes elements from both ends a list. Deletes the list if all "
        "elements were trimmed.", "1.0.0",
        "O(N) where N is the number of elements to be removed by the "
        "operation.",
        .syntax = "key start stop",
        .key_specs = "RW delete index:1"),
    CMD("lrem", lists_cmd_lrem, 4, "write", 1, 1, 1,
        "@write @list @slow",
        "Removes elements from a list. Deletes the list if the last element "
        "was removed.", "1.0.0",
        "O(N+M) where N is the length of the list and M is the number of "
        "elements removed.",
        .syntax = "key count element",
        .key_specs = "RW delete index:1"),
    CMD("linsert", lists_cmd_linsert, 5, "write denyoom", 1, 1, 1,
        "@write @list @slow",
        "Inserts an element before or after another element in a list.",
        "2.2.0",
        "O(N) where N is the number of elements to traverse before seeing "
        "the value pivot. This means that inserting somewhere on the left "
        "end on the list (head) can be considered O(1) and inserting "
        "somewhere on the right end (tail) is O(N).",
        .syntax = "key <BEFORE | AFTER>{=where} pivot element",
        .key_specs = "RW insert index:1"),
    CMD("lpos", lists_cmd_lpos, -3, "readonly", 1, 1, 1,
        "@read @list @slow",
        "Returns the index of matching elements in a list.", "6.0.6",
        "O(N) where N is the number of elements in the list, for the average "
        "case. When searching for elements near the head or the tail of the "
        "list, or when the MAXLEN option is provided, the command may run in "
        "constant time.",
        .syntax = "key element [RANK rank] [COUNT num-matches] [MAXLEN len]"),
    CMD("lmove", lists_cmd_lmove, 5, "write denyoom", 1, 2, 1,
        "@write @list @slow",
        "Returns an element after popping it from one list and pushing it to "
        "another. Deletes the list if the last element was moved.", "6.2.0",
        "O(1)",
        .syntax = "source destination <LEFT | RIGHT>{=wherefrom} <LEFT | RIGHT>{=whereto}",
        .key_specs = "RW access delete index:1; RW insert index:2"),
    CMD("rpoplpush", lists_cmd_rpoplpush, 3, "write denyoom", 1, 2, 1,
        "@write @list @slow",
        "Returns the last element of a list after removing and pushing it to "
        "another list. Deletes the list if the last element was popped.",
        "1.2.0", "O(1)",
        .syntax = "source destination",
        .key_specs = "RW access delete index:1; RW insert index:2",
        .doc_flags = "deprecated",
        .deprecated_since = "6.2.0",
        .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments"),
    CMD("lmpop", lists_cmd_lmpop, -4, "write movablekeys", 0, 0, 0,
        "@write @list @slow",
        "Returns multiple elements from a list after removing them. Deletes "
        "the list if the last element was popped.", "7.0.0", MPOP_CX,
        .syntax = "numkeys key [key ...] <LEFT | RIGHT>{=where} [COUNT count]",
        .key_specs = "RW access delete index:1 keynum:0:1:1"),
    CMD("blpop", lists_cmd_blpop, -3, "write blocking", 1, -2, 1,
        "@write @list @slow @blocking",
        "Removes and returns the first element in a list. Blocks until an "
        "element is available otherwise. Deletes the list if the last element "
        "was popped.", "2.0.0",
        "O(N) where N is the number of provided keys.",
        .syntax = "key [key ...] timeout",
        .key_specs = "RW access delete index:1 range:-2",
        .history = "6.0.0: `timeout` is interpreted as a double instead of an integer."),
    CMD("brpop", lists_cmd_brpop, -3, "write blocking", 1, -2, 1,
        "@write @list @slow @blocking",
        "Removes and returns the last element in a list. Blocks until an "
        "element is available otherwise. Deletes the list if the last element "
        "was popped.", "2.0.0",
        "O(N) where N is the number of provided keys.",
        .syntax = "key [key ...] timeout",
        .key_specs = "RW access delete index:1 range:-2",
        .history = "6.0.0: `timeout` is interpreted as a double instead of an integer."),
    CMD("blmove", lists_cmd_blmove, 6, "write denyoom blocking", 1, 2, 1,
        "@write @list @slow @blocking",
        "Pops an element from a list, pushes it to another list and returns "
        "it. Blocks until an element is available otherwise. Deletes the list "
        "if the last element was moved.", "6.2.0", "O(1)",
        .syntax = "source destination <LEFT | RIGHT>{=wherefrom} <LEFT | RIGHT>{=whereto} "
                  "timeout",
        .key_specs = "RW access delete index:1; RW insert index:2"),
    CMD("brpoplpush", lists_cmd_brpoplpush, 4, "write denyoom blocking", 1, 2, 1,
        "@write @list @slow @blocking",
        "Pops an element from a list, pushes it to another list and returns "
        "it. Block until an element is available otherwise. Deletes the list "
        "if the last element was popped.", "2.2.0", "O(1)",
        .syntax = "source destination timeout",
        .key_specs = "RW access delete index:1; RW insert index:2",
        .history = "6.0.0: `timeout` is interpreted as a double instead of an integer.",
        .doc_flags = "deprecated",
        .deprecated_since = "6.2.0",
        .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
    CMD("blmpop", lists_cmd_blmpop, -5, "write blocking movablekeys", 0, 0, 0,
        "@write @list @slow @blocking",
        "Pops the first element from one of multiple lists. Blocks until an "
        "element is available otherwise. Deletes the list if the last element "
        "was popped.", "7.0.0", MPOP_CX,
        .syntax = "timeout numkeys key [key ...] <LEFT | RIGHT>{=where} [COUNT count]",
        .key_specs = "RW access delete index:2 keynum:0:1:1"),
    {.name = NULL}};

/* Register the parameters (list-max-ziplist-size is Redis's old name of
 * list-max-listpack-size), the SDK's LZF for list-compress-depth, the
 * type, then the commands. Any failure aborts the load (the host undoes
 * partial registration). */
static int lists_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "lists: module arguments are ignored");
    if (md_config_register_ll("list-max-listpack-size", &lists_max_listpack_size,
                              -2, INT_MIN, INT_MAX) != MD_OK ||
        md_config_register_alias("list-max-ziplist-size",
                                 "list-max-listpack-size") != MD_OK ||
        md_config_register_ll("list-compress-depth", &lists_compress_depth,
                              0, 0, INT_MAX) != MD_OK)
        return MD_ERR;
    ql_lzf.compress = md_lzf_compress;
    ql_lzf.decompress = md_lzf_decompress;
    lists_type = md_type_register("list", &lists_type_ops);
    if (lists_type == NULL) return MD_ERR;
    if (md_commands_register(lists_commands) != MD_OK) return MD_ERR;
    return MD_OK;
}

static const char *const lists_types[] = {"list", NULL};
static const uint8_t lists_rdb_types[] = {1, 10, 14, 18};
static const md_service_ref_t lists_provides[] = {{NULL, 0}};
static const md_service_ref_t lists_requires[] = {{NULL, 0}};

MD_MODULE(lists_on_load,
          .name = "lists",
          .version = 10000,
          .description = "Redis lists: LPUSH, LPOP, LRANGE, LMOVE, the blocking "
                         "BLPOP family",
          .types = lists_types,
          .rdb_types = lists_rdb_types,
          .n_rdb_types = 4,
          .provides = lists_provides,
          .requires = lists_requires)
