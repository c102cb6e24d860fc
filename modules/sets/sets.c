/*
 * sets.c — the sets module: Redis sets as a Modis data type.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key positions, ACL categories, docs) and md_init, which
 * registers the three encoding parameters, the "set" type, the commands
 * and the "set.v1" service. The manifest and md_init are the only
 * exported symbols. Layout of the rest: set_value.c (the value word and
 * the conversions) over intset.c and set_table.c (the encodings; the
 * listpack is the SDK's), sets_cmds.c, sets_random.c and sets_algebra.c
 * (the handlers), sets_rdb.c (the type callbacks), sets_service.c.
 */
#include <limits.h>
#include "modis.h"
#include "sets.h"
#include "sets_cmds.h"
#include "sets_rdb.h"
#include "sets_service.h"
#include "set_value.h"

md_type_t *sets_type;

#define ON_ALL "O(N) where N is the total number of elements in all given sets."
#define ON_INTER "O(N*M) worst case where N is the cardinality of the smallest set " \
                 "and M is the number of sets."

/* One set command; every field but the handler is Redis's metadata. The
 * arguments after the positional ones are designated initializers of the
 * docs fields (.syntax, .key_specs, .tips, .history). */
#define CMD(nm, fn, ar, fl, fk, lk, acls, sum, snc, cx, ...)             \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = (fk) ? 1 : 0, .acl = acls, \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "set", __VA_ARGS__}

#define W_FAST "@write @set @fast"
#define W_SLOW "@write @set @slow"
#define R_FAST "@read @set @fast"
#define R_SLOW "@read @set @slow"
/* The key specs of the commands over any number of sets, and of their
 * STORE forms (the destination first). */
#define KS_SOURCES "RO access index:1 range:-1"
#define KS_STORE(dst) dst " index:1; RO access index:2 range:-1"

static const md_command_t sets_commands[] = {
    CMD("sadd", sets_cmd_sadd, -3, "write denyoom fast", 1, 1, W_FAST,
        "Adds one or more members to a set. Creates the key if it doesn't exist.",
        "1.0.0", "O(1) for each element added, so O(N) to add N elements when the "
        "command is called with multiple arguments.",
        .syntax = "key member [member ...]", .key_specs = "RW insert index:1",
        .history = "2.4.0: Accepts multiple `member` arguments."),
    CMD("srem", sets_cmd_srem, -3, "write fast", 1, 1, W_FAST,
        "Removes one or more members from a set. Deletes the set if the last member "
        "was removed.", "1.0.0", "O(N) where N is the number of members to be removed.",
        .syntax = "key member [member ...]", .key_specs = "RW delete index:1",
        .history = "2.4.0: Accepts multiple `member` arguments."),
    CMD("scard", sets_cmd_scard, 2, "readonly fast", 1, 1, R_FAST,
        "Returns the number of members in a set.", "1.0.0", "O(1)",
        .syntax = "key", .key_specs = "RO index:1"),
    CMD("sismember", sets_cmd_sismember, 3, "readonly fast", 1, 1, R_FAST,
        "Determines whether a member belongs to a set.", "1.0.0", "O(1)",
        .syntax = "key member", .key_specs = "RO index:1"),
    CMD("smismember", sets_cmd_smismember, -3, "readonly fast", 1, 1, R_FAST,
        "Determines whether multiple members belong to a set.", "6.2.0",
        "O(N) where N is the number of elements being checked for membership",
        .syntax = "key member [member ...]", .key_specs = "RO access index:1"),
    CMD("smembers", sets_cmd_smembers, 2, "readonly", 1, 1, R_SLOW,
        "Returns all members of a set.", "1.0.0", "O(N) where N is the set cardinality.",
        .syntax = "key", .key_specs = "RO access index:1",
        .tips = "nondeterministic_output_order"),
    CMD("smove", sets_cmd_smove, 4, "write fast", 1, 2, W_FAST,
        "Moves a member from one set to another.", "1.0.0", "O(1)",
        .syntax = "source destination member",
        .key_specs = "RW access delete index:1; RW insert index:2"),
    CMD("spop", sets_cmd_spop, -2, "write fast", 1, 1, W_FAST,
        "Returns one or more random members from a set after removing them. Deletes "
        "the set if the last member was popped.", "1.0.0",
        "Without the count argument O(1), otherwise O(N) where N is the value of the "
        "passed count.",
        .syntax = "key [count{@3.2.0}]", .key_specs = "RW access delete index:1",
        .tips = "nondeterministic_output",
        .history = "3.2.0: Added the `count` argument."),
    CMD("srandmember", sets_cmd_srandmember, -2, "readonly", 1, 1, R_SLOW,
        "Get one or multiple random members from a set", "1.0.0",
        "Without the count argument O(1), otherwise O(N) where N is the absolute value "
        "of the passed count.",
        .syntax = "key [count{@2.6.0}]", .key_specs = "RO access index:1",
        .tips = "nondeterministic_output",
        .history = "2.6.0: Added the optional `count` argument."),
    CMD("sinter", sets_cmd_sinter, -2, "readonly", 1, -1, R_SLOW,
        "Returns the intersect of multiple sets.", "1.0.0", ON_INTER,
        .syntax = "key [key ...]", .key_specs = KS_SOURCES,
        .tips = "nondeterministic_output_order"),
    CMD("sintercard", sets_cmd_sintercard, -3, "readonly movablekeys", 0, 0, R_SLOW,
        "Returns the number of members of the intersect of multiple sets.", "7.0.0",
        ON_INTER,
        .syntax = "numkeys key [key ...] [LIMIT limit{integer}]",
        .key_specs = "RO access index:1 keynum:0:1:1"),
    CMD("sinterstore", sets_cmd_sinterstore, -3, "write denyoom", 1, -1, W_SLOW,
        "Stores the intersect of multiple sets in a key.", "1.0.0", ON_INTER,
        .syntax = "destination key [key ...]", .key_specs = KS_STORE("RW update")),
    CMD("sunion", sets_cmd_sunion, -2, "readonly", 1, -1, R_SLOW,
        "Returns the union of multiple sets.", "1.0.0", ON_ALL,
        .syntax = "key [key ...]", .key_specs = KS_SOURCES,
        .tips = "nondeterministic_output_order"),
    CMD("sunionstore", sets_cmd_sunionstore, -3, "write denyoom", 1, -1, W_SLOW,
        "Stores the union of multiple sets in a key.", "1.0.0", ON_ALL,
        .syntax = "destination key [key ...]", .key_specs = KS_STORE("OW update")),
    CMD("sdiff", sets_cmd_sdiff, -2, "readonly", 1, -1, R_SLOW,
        "Returns the difference of multiple sets.", "1.0.0", ON_ALL,
        .syntax = "key [key ...]", .key_specs = KS_SOURCES,
        .tips = "nondeterministic_output_order"),
    CMD("sdiffstore", sets_cmd_sdiffstore, -3, "write denyoom", 1, -1, W_SLOW,
        "Stores the difference of multiple sets in a key.", "1.0.0", ON_ALL,
        .syntax = "destination key [key ...]", .key_specs = KS_STORE("OW update")),
    CMD("sscan", sets_cmd_sscan, -3, "readonly", 1, 1, R_SLOW,
        "Iterates over members of a set.", "2.8.0",
        "O(1) for every call. O(N) for a complete iteration, including enough command "
        "calls for the cursor to return back to 0. N is the number of elements inside "
        "the collection..", /* sic, as Redis's sscan.json */
        .syntax = "key cursor [MATCH pattern] [COUNT count]",
        .key_specs = "RO access index:1", .tips = "nondeterministic_output"),
    {.name = NULL}};

/* Parameters first (so a config file can set them), then the type, the
 * commands and the service. Any failure aborts the load; the host undoes
 * partial registration. */
static int sets_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "sets: module arguments are ignored");
    /* Redis's names, defaults and ranges (all three are counts). */
    if (md_config_register_ll("set-max-intset-entries", &sv_max_intset_entries, 512, 0,
                              LLONG_MAX) != MD_OK ||
        md_config_register_ll("set-max-listpack-entries", &sv_max_listpack_entries, 128,
                              0, LLONG_MAX) != MD_OK ||
        md_config_register_ll("set-max-listpack-value", &sv_max_listpack_value, 64, 0,
                              LLONG_MAX) != MD_OK)
        return MD_ERR;
    sets_type = md_type_register("set", &sets_type_ops);
    if (sets_type == NULL) return MD_ERR;
    if (md_commands_register(sets_commands) != MD_OK) return MD_ERR;
    sets_service.type = sets_type;
    if (md_service_export(MD_SERVICE_SET, 1, &sets_service) != MD_OK) return MD_ERR;
    return MD_OK;
}

static const char *const sets_types[] = {"set", NULL};
static const uint8_t sets_rdb_bytes[] = {2, 11, 20};
static const md_type_rdb_t sets_rdb[] = {
    {.type = "set", .bytes = sets_rdb_bytes, .n_bytes = sizeof sets_rdb_bytes},
    {.type = NULL}};
static const md_service_ref_t sets_provides[] = {{MD_SERVICE_SET, 1}, {NULL, 0}};
static const md_service_ref_t sets_requires[] = {{NULL, 0}};

MD_MODULE(sets_on_load,
          .name = "sets",
          .version = 10000,
          .description = "Redis sets (intset, listpack, hashtable): SADD, SREM, SPOP, "
                         "SINTER, SUNION, SDIFF, SSCAN ... and the set.v1 service",
          .types = sets_types,
          .type_rdb = sets_rdb,
          .provides = sets_provides,
          .requires = sets_requires)
