/*
 * strings.c — the strings module: Redis strings as a Modis data type.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key positions, ACL categories, docs) and md_init, which
 * registers the "string" type, the commands and the "string.v1" service
 * that the bitmaps and HyperLogLog modules use. The manifest and md_init
 * are the only exported symbols; the value encodings live in
 * strings_value.c, the handlers in strings_cmds.c and strings_lcs.c, the
 * type callbacks in strings_rdb.c.
 */
#include "modis.h"
#include "strings.h"
#include "strings_cmds.h"
#include "strings_lcs.h"
#include "strings_rdb.h"
#include "strings_value.h"

md_type_t *strings_type;

long long strings_max_bulk_len(void)
{
    long long v;

    if (MD_API_HAS(config_get_ll) &&
        md_config_get_ll("proto-max-bulk-len", &v) == MD_OK && v > 0)
        return v;
    return 512LL * 1024 * 1024;
}

#define RANGE_COMPLEXITY                                                    \
    "O(N) where N is the length of the returned string. The complexity is " \
    "ultimately determined by the returned length, but because creating a " \
    "substring from an existing string is very cheap, it can be considered " \
    "O(1) for small strings."

/* One string command; every field but the handler is Redis's metadata.
 * The arguments after the positional ones are designated initializers of
 * the docs fields (.syntax, .key_specs, .history, ...). */
#define CMD(nm, fn, ar, fl, fk, lk, st, acls, sum, snc, cx, ...)          \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = st, .acl = acls,           \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "string", .getkeys = NULL, __VA_ARGS__}

/* SET's key: read too ("RW access update") only when GET asks for the old
 * value, else overwritten ("OW update"), as the variable_flags spec says. */
static int strings_set_keys(int argc, const md_arg_t *argv, md_keyref_t *out, int cap)
{
    if (cap < 1 || argc < 3) return 0;
    out[0].pos = 1;
    out[0].flags = MD_KSF_OW | MD_KSF_UPDATE;
    for (int i = 3; i < argc; i++)
        if (md_arg_eq(argv[i], "GET"))
            out[0].flags = MD_KSF_RW | MD_KSF_ACCESS | MD_KSF_UPDATE;
    return 1;
}

static const md_command_t strings_commands[] = {
    CMD("get", strings_cmd_get, 2, "readonly fast", 1, 1, 1,
        "@read @string @fast", "Returns the string value of a key.",
        "1.0.0", "O(1)",
        .syntax = "key"),
    CMD("set", strings_cmd_set, -3, "write denyoom", 1, 1, 1,
        "@write @string @slow",
        "Sets the string value of a key, ignoring its type. The key is created "
        "if it doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key value [NX | XX]{=condition @2.6.12} [GET{@6.2.0}] [EX seconds{@2.6.12} "
                  "| PX milliseconds{@2.6.12} | EXAT unix-time-seconds{@6.2.0} | PXAT "
                  "unix-time-milliseconds{@6.2.0} | KEEPTTL{@6.0.0}]{=expiration}",
        .key_specs = "RW access update variable_flags index:1 # RW and ACCESS due to the "
                     "optional `GET` argument",
        .history = "2.6.12: Added the `EX`, `PX`, `NX` and `XX` options.\n"
                   "6.0.0: Added the `KEEPTTL` option.\n"
                   "6.2.0: Added the `GET`, `EXAT` and `PXAT` option.\n"
                   "7.0.0: Allowed the `NX` and `GET` options to be used together.",
        .getkeys_flags = strings_set_keys),
    CMD("setnx", strings_cmd_setnx, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Sets the string value of a key only when the key doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key value",
        .key_specs = "OW insert index:1"),
    CMD("setex", strings_cmd_setex, 4, "write denyoom", 1, 1, 1,
        "@write @string @slow",
        "Sets the string value and expiration time of a key. Creates the key if "
        "it doesn't exist.",
        "2.0.0", "O(1)",
        .syntax = "key seconds value",
        .key_specs = "OW update index:1"),
    CMD("psetex", strings_cmd_psetex, 4, "write denyoom", 1, 1, 1,
        "@write @string @slow",
        "Sets both string value and expiration time in milliseconds of a key. "
        "The key is created if it doesn't exist.",
        "2.6.0", "O(1)",
        .syntax = "key milliseconds value",
        .key_specs = "OW update index:1"),
    CMD("getex", strings_cmd_getex, -2, "write fast", 1, 1, 1,
        "@write @string @fast",
        "Returns the string value of a key after setting its expiration time.",
        "6.2.0", "O(1)",
        .syntax = "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT "
                  "unix-time-milliseconds | PERSIST]{=expiration}",
        .key_specs = "RW access update index:1 # RW and UPDATE because it changes the TTL"),
    CMD("getdel", strings_cmd_getdel, 2, "write fast", 1, 1, 1,
        "@write @string @fast",
        "Returns the string value of a key after deleting the key.",
        "6.2.0", "O(1)",
        .syntax = "key",
        .key_specs = "RW access delete index:1"),
    CMD("getset", strings_cmd_getset, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Returns the previous string value of a key after setting it to a new "
        "value.",
        "1.0.0", "O(1)",
        .syntax = "key value",
        .doc_flags = "deprecated",
        .deprecated_since = "6.2.0",
        .replaced_by = "`SET` with the `!GET` argument"),
    CMD("mget", strings_cmd_mget, -2, "readonly fast", 1, -1, 1,
        "@read @string @fast",
        "Atomically returns the string values of one or more keys.",
        "1.0.0", "O(N) where N is the number of keys to retrieve.",
        .syntax = "key [key ...]",
        .tips = "request_policy:multi_shard"),
    CMD("mset", strings_cmd_mset, -3, "write denyoom", 1, -1, 2,
        "@write @string @slow",
        "Atomically creates or modifies the string values of one or more keys.",
        "1.0.1", "O(N) where N is the number of keys to set.",
        .syntax = "key value [key value ...]{=data}",
        .key_specs = "OW update index:1 range:-1:2",
        .tips = "request_policy:multi_shard response_policy:all_succeeded"),
    CMD("msetnx", strings_cmd_msetnx, -3, "write denyoom", 1, -1, 2,
        "@write @string @slow",
        "Atomically modifies the string values of one or more keys only when "
        "all keys don't exist.",
        "1.0.1", "O(N) where N is the number of keys to set.",
        .syntax = "key value [key value ...]{=data}",
        .key_specs = "OW insert index:1 range:-1:2",
        .tips = "request_policy:multi_shard response_policy:agg_min"),
    CMD("append", strings_cmd_append, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Appends a string to the value of a key. Creates the key if it doesn't "
        "exist.",
        "2.0.0",
        "O(1). The amortized time complexity is O(1) assuming the appended "
        "value is small and the already present value is of any size, since the "
        "dynamic string library used by Redis will double the free space "
        "available on every reallocation.",
        .syntax = "key value",
        .key_specs = "RW insert index:1"),
    CMD("strlen", strings_cmd_strlen, 2, "readonly fast", 1, 1, 1,
        "@read @string @fast", "Returns the length of a string value.",
        "2.2.0", "O(1)",
        .syntax = "key",
        .key_specs = "RO index:1"),
    CMD("incr", strings_cmd_incr, 2, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Increments the integer value of a key by one. Uses 0 as initial value "
        "if the key doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key"),
    CMD("decr", strings_cmd_decr, 2, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Decrements the integer value of a key by one. Uses 0 as initial value "
        "if the key doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key"),
    CMD("incrby", strings_cmd_incrby, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Increments the integer value of a key by a number. Uses 0 as initial "
        "value if the key doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key increment"),
    CMD("decrby", strings_cmd_decrby, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Decrements a number from the integer value of a key. Uses 0 as "
        "initial value if the key doesn't exist.",
        "1.0.0", "O(1)",
        .syntax = "key decrement"),
    CMD("incrbyfloat", strings_cmd_incrbyfloat, 3, "write denyoom fast", 1, 1, 1,
        "@write @string @fast",
        "Increment the floating point value of a key by a number. Uses 0 as "
        "initial value if the key doesn't exist.",
        "2.6.0", "O(1)",
        .syntax = "key increment{double}"),
    CMD("getrange", strings_cmd_getrange, 4, "readonly", 1, 1, 1,
        "@read @string @slow", "Returns a substring of the string stored at a key.",
        "2.4.0", RANGE_COMPLEXITY,
        .syntax = "key start end"),
    CMD("setrange", strings_cmd_setrange, 4, "write denyoom", 1, 1, 1,
        "@write @string @slow",
        "Overwrites a part of a string value with another by an offset. Creates "
        "the key if it doesn't exist.",
        "2.2.0",
        "O(1), not counting the time taken to copy the new string in place. "
        "Usually, this string is very small so the amortized complexity is "
        "O(1). Otherwise, complexity is O(M) with M being the length of the "
        "value argument.",
        .syntax = "key offset value",
        .key_specs = "RW update index:1"),
    CMD("substr", strings_cmd_getrange, 4, "readonly", 1, 1, 1,
        "@read @string @slow", "Returns a substring from a string value.",
        "1.0.0", RANGE_COMPLEXITY,
        .syntax = "key start end",
        .doc_flags = "deprecated",
        .deprecated_since = "2.0.0",
        .replaced_by = "`GETRANGE`"),
    CMD("lcs", strings_cmd_lcs, -3, "readonly", 1, 2, 1,
        "@read @string @slow", "Finds the longest common substring.",
        "7.0.0",
        "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        .syntax = "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]"),
    {.name = NULL}};

/* The string.v1 service, revision 2 (resize); `type` is filled in by
 * md_init. */
#define STRINGS_SERVICE_REVISION 2
static md_string_v1_t strings_service = {
    sizeof(md_string_v1_t), NULL, sv_bytes, sv_new_raw, strings_svc_writable,
    strings_svc_resize};

/* Register the type, then the commands, then the service. Any failure
 * aborts the load (the host undoes partial registration). */
static int strings_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0)
           md_log(MD_LOG_WARNING, "strings: module arguments are ignored");
    strings_type = md_type_register("string", &strings_type_ops);
    if (strings_type == NULL) return MD_ERR;
    if (md_commands_register(strings_commands) != MD_OK) return MD_ERR;
    strings_service.type = strings_type;
    if (md_service_export(MD_SERVICE_STRING, STRINGS_SERVICE_REVISION,
                          &strings_service) != MD_OK)
           return MD_ERR;
    return MD_OK;
}

static const char *const strings_types[] = {"string", NULL};
static const uint8_t strings_rdb_types[] = {0};
static const md_service_ref_t strings_provides[] = {
    {MD_SERVICE_STRING, STRINGS_SERVICE_REVISION}, {NULL, 0}};
static const md_service_ref_t strings_requires[] = {{NULL, 0}};

MD_MODULE(strings_on_load,
             .name = "strings",
             .version = 10000,
             .description = "Redis strings: GET, SET, INCR, APPEND, LCS and the "
                            "string.v1 service",
             .types = strings_types,
             .rdb_types = strings_rdb_types,
             .n_rdb_types = 1,
             .provides = strings_provides,
             .requires = strings_requires)
