/*
 * streams.c — the streams module: Redis streams as a Modis data type.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key specs, ACL categories, docs) and md_init, which
 * registers the node parameters (stream-node-max-bytes,
 * stream-node-max-entries), the "stream" type and the commands. Layout
 * of the rest: stream_rax.c (the radix tree of IDs), stream_value.c (the
 * value: listpack nodes, iteration, deletion, trimming), stream_cg.c
 * (consumer groups), streams_cmds.c (the handlers), streams_rdb.c (the
 * type callbacks).
 */
#include <limits.h>
#include "modis.h"
#include "streams.h"
#include "streams_cmds.h"
#include "streams_rdb.h"
#include "streams_read.h"
#include "streams_groups.h"
#include "streams_info.h"
#include "stream_value.h"

md_type_t *streams_type;

/* One stream command; every field but the handler is Redis's metadata. */
#define CMD(nm, fn, ar, fl, acls, sum, cx, ...)                              \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = 1,    \
     .last_key = 1, .step = 1, .acl = acls, .summary = sum, .since = "5.0.0", \
     .complexity = cx, .subcommands = NULL, .group = "stream", .getkeys = NULL, \
     __VA_ARGS__}

#define TRIM_SYN                                                              \
    "<MAXLEN | MINID{@6.2.0}>{=strategy} [={=equal} | ~{=approximately}]{=operator} " \
    "threshold [LIMIT count{@6.2.0}]"
#define RANGE_HIST "6.2.0: Added exclusive ranges."

static const md_command_t streams_commands[] = {
    CMD("xadd", sx_cmd_xadd, -5, "write denyoom fast", "@write @stream @fast",
        "Appends a new message to a stream. Creates the key if it doesn't exist.",
        "O(1) when adding a new entry, O(N) when trimming where N being the number "
        "of entries evicted.",
        .syntax = "key [NOMKSTREAM{@6.2.0}] [" TRIM_SYN "]{=trim} "
                  "<*{=auto_id} | id>{=id_or_auto} field value [field value ...]{=field_value}",
        .key_specs = "RW update index:1 # UPDATE instead of INSERT because of the optional "
                     "trimming feature",
        .tips = "nondeterministic_output",
        .history = "6.2.0: Added the `NOMKSTREAM` option, `MINID` trimming strategy and the "
                   "`LIMIT` option.\n"
                   "7.0.0: Added support for the `<ms>-*` explicit ID form."),
    CMD("xlen", sx_cmd_xlen, 2, "readonly fast", "@read @stream @fast",
        "Return the number of messages in a stream.", "O(1)",
        .syntax = "key", .key_specs = "RO index:1"),
    CMD("xrange", sx_cmd_xrange, -4, "readonly", "@read @stream @slow",
        "Returns the messages from a stream within a range of IDs.",
        "O(N) with N being the number of elements being returned. If N is constant "
        "(e.g. always asking for the first 10 elements with COUNT), you can consider it "
        "O(1).",
        .syntax = "key start{string} end{string} [COUNT count]", .key_specs = "RO access index:1",
        .history = RANGE_HIST),
    CMD("xrevrange", sx_cmd_xrevrange, -4, "readonly", "@read @stream @slow",
        "Returns the messages from a stream within a range of IDs in reverse order.",
        "O(N) with N being the number of elements returned. If N is constant (e.g. "
        "always asking for the first 10 elements with COUNT), you can consider it O(1).",
        .syntax = "key end{string} start{string} [COUNT count]", .key_specs = "RO access index:1",
        .history = RANGE_HIST),
    CMD("xdel", sx_cmd_xdel, -3, "write fast", "@write @stream @fast",
        "Returns the number of messages after removing them from a stream.",
        "O(1) for each single item to delete in the stream, regardless of the stream "
        "size.",
        .syntax = "key id [id ...]", .key_specs = "RW delete index:1"),
    CMD("xtrim", sx_cmd_xtrim, -4, "write", "@write @stream @slow",
        "Deletes messages from the beginning of a stream.",
        "O(N), with N being the number of evicted entries. Constant times are very small "
        "however, since entries are organized in macro nodes containing multiple entries "
        "that can be released with a single deallocation.",
        .syntax = "key (" TRIM_SYN "){=trim}",
        .key_specs = "RW delete index:1", .tips = "nondeterministic_output",
        .history = "6.2.0: Added the `MINID` trimming strategy and the `LIMIT` option."),
    CMD("xsetid", sx_cmd_xsetid, -3, "write denyoom fast", "@write @stream @fast",
        "An internal command for replicating stream values.", "O(1)",
        .syntax = "key last-id [ENTRIESADDED entries_added{integer @7.0.0}] "
                  "[MAXDELETEDID max_deleted_entry_id{@7.0.0}]",
        .key_specs = "RW update index:1",
        .history = "7.0.0: Added the `entries_added` and `max_deleted_entry_id` arguments."),
    {.name = "xread", .handler = sx_cmd_xread, .arity = -4,
     .flags = "readonly blocking movablekeys", .first_key = 0, .last_key = 0, .step = 0,
     .acl = "@read @stream @slow @blocking",
     .summary = "Returns messages from multiple streams with IDs greater than the ones "
                "requested. Blocks until a message is available otherwise.",
     .since = "5.0.0",
     .complexity = "For each stream mentioned: O(N) with N being the number of elements "
                   "being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note "
                   "that when the BLOCK option is used, XADD will pay O(M) time in order to "
                   "serve the M clients blocked on the stream getting new data.",
     .group = "stream",
     .syntax = "[COUNT count] [BLOCK milliseconds] STREAMS (key [key ...] id [id ...]){=streams}",
     .key_specs = "RO access keyword:STREAMS:1 range:-1:1:2"},
    {.name = "xreadgroup", .handler = sx_cmd_xreadgroup, .arity = -7,
     .flags = "write blocking movablekeys", .first_key = 0, .last_key = 0, .step = 0,
     .acl = "@write @stream @slow @blocking",
     .summary = "Returns new or historical messages from a stream for a consumer in a "
                "group. Blocks until a message is available otherwise.",
     .since = "5.0.0",
     .complexity = "For each stream mentioned: O(M) with M being the number of elements "
                   "returned. If M is constant (e.g. always asking for the first 10 "
                   "elements with COUNT), you can consider it O(1). On the other side when "
                   "XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N "
                   "clients blocked on the stream getting new data.",
     .group = "stream",
     .syntax = "GROUP (group consumer){=group_consumer} [COUNT count] "
               "[BLOCK milliseconds] [NOACK] STREAMS (key [key ...] id [id ...]){=streams}",
     .key_specs = "RO access keyword:STREAMS:4 range:-1:1:2"},
    {.name = "xgroup", .handler = NULL, .arity = -2, .flags = "", .first_key = 0,
     .last_key = 0, .step = 0, .acl = "@slow", .summary = "A container for consumer groups "
     "commands.", .since = "5.0.0", .complexity = "Depends on subcommand.",
     .subcommands = sx_xgroup_subcommands, .group = "stream"},
    {.name = "xinfo", .handler = NULL, .arity = -2, .flags = "", .first_key = 0,
     .last_key = 0, .step = 0, .acl = "@slow", .summary = "A container for stream "
     "introspection commands.", .since = "5.0.0", .complexity = "Depends on subcommand.",
     .subcommands = sx_xinfo_subcommands, .group = "stream"},
    CMD("xack", sx_cmd_xack, -4, "write fast", "@write @stream @fast",
        "Returns the number of messages that were successfully acknowledged by the consumer "
        "group member of a stream.", "O(1) for each message ID processed.",
        .syntax = "key group id [id ...]", .key_specs = "RW update index:1"),
    CMD("xpending", sx_cmd_xpending, -3, "readonly", "@read @stream @slow",
        "Returns the information and entries from a stream consumer group's pending entries "
        "list.",
        "O(N) with N being the number of elements returned, so asking for a small fixed "
        "number of entries per call is O(1). O(M), where M is the total number of entries "
        "scanned when used with the IDLE filter. When the command returns just the summary "
        "and the list of consumers is small, it runs in O(1) time; otherwise, an additional "
        "O(N) time for iterating every consumer.",
        .syntax = "key group [[IDLE min-idle-time{integer @6.2.0}] start{string} end{string} count "
                  "[consumer]]{=filters}",
        .key_specs = "RO access index:1", .tips = "nondeterministic_output",
        .history = "6.2.0: Added the `IDLE` option and exclusive range intervals."),
    CMD("xclaim", sx_cmd_xclaim, -6, "write fast", "@write @stream @fast",
        "Changes, or acquires, ownership of a message in a consumer group, as if the message "
        "was delivered a consumer group member.",
        "O(log N) with N being the number of messages in the PEL of the consumer group.",
        .syntax = "key group consumer min-idle-time id [id ...] [IDLE ms{integer}] "
                  "[TIME unix-time-milliseconds{=unix-time-milliseconds unix-time}] "
                  "[RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]",
        .key_specs = "RW update index:1", .tips = "nondeterministic_output"),
    {.name = "xautoclaim", .handler = sx_cmd_xautoclaim, .arity = -6, .flags = "write fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@write @stream @fast",
     .summary = "Changes, or acquires, ownership of messages in a consumer group, as if the "
                "messages were delivered to as consumer group member.",
     .since = "6.2.0", .complexity = "O(1) if COUNT is small.", .group = "stream",
     .syntax = "key group consumer min-idle-time start{string} [COUNT count] [JUSTID]",
     .key_specs = "RW delete index:1", .tips = "nondeterministic_output",
     .history = "7.0.0: Added an element to the reply array, containing deleted entries "
                "the command cleared from the PEL"},
    {.name = NULL}};

/* Parameters first (so a config file can set them), then the type and
 * the commands. Any failure aborts the load; the host undoes partial
 * registration. */
static int streams_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "streams: module arguments are ignored");
    /* Redis's defaults: 4096 bytes, 100 entries. */
    if (md_config_register_mem("stream-node-max-bytes", &sv_node_max_bytes, 4096, 0,
                               LLONG_MAX) != MD_OK ||
        md_config_register_ll("stream-node-max-entries", &sv_node_max_entries, 100, 0,
                              LLONG_MAX) != MD_OK)
        return MD_ERR;
    streams_type = md_type_register("stream", &streams_type_ops);
    if (streams_type == NULL) return MD_ERR;
    return md_commands_register(streams_commands);
}

static const char *const streams_types[] = {"stream", NULL};
static const uint8_t streams_rdb_bytes[] = {15, 19, 21};
static const md_type_rdb_t streams_rdb[] = {
    {.type = "stream", .bytes = streams_rdb_bytes, .n_bytes = sizeof streams_rdb_bytes},
    {.type = NULL}};
static const md_service_ref_t streams_provides[] = {{NULL, 0}};
static const md_service_ref_t streams_requires[] = {{NULL, 0}};

MD_MODULE(streams_on_load,
          .name = "streams",
          .version = 10000,
          .description = "Redis streams: XADD, XRANGE, XDEL, XTRIM, XSETID over a radix "
                         "tree of listpack nodes",
          .types = streams_types,
          .type_rdb = streams_rdb,
          .provides = streams_provides,
          .requires = streams_requires)
