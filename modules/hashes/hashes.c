/*
 * hashes.c — the hashes module: Redis hashes, with field expiration, as a
 * Modis data type.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata:
 * arity, flags, key positions, ACL categories, docs) and md_init, which
 * registers the two encoding parameters, the "hash" type, the commands and
 * the INFO stats field. The manifest and md_init are the only exported
 * symbols. Layout of the rest: hash_value.c (the value word and the
 * conversions) over hash_listpack.c and hash_table.c (the encodings),
 * hashes_cmds.c and hashes_expire.c (the handlers), hashes_rdb.c (the
 * type callbacks).
 */
#include <limits.h>
#include "modis.h"
#include "hashes.h"
#include "hashes_cmds.h"
#include "hashes_expire.h"
#include "hashes_rdb.h"
#include "hash_value.h"

md_type_t *hashes_type;
long long hashes_expired_subkeys;

#define ON_FIELDS "O(N) where N is the number of specified fields"
/* The arguments the field-expiration commands share. */
#define FIELDS_ARG "FIELDS (numfields field [field ...])"
#define CONDITION_ARG "[NX | XX | GT | LT]{=condition}"
#define ON_SIZE "O(N) where N is the size of the hash."

/* One hash command; every field but the handler is Redis's metadata. The
 * arguments after the positional ones are designated initializers of the
 * docs fields (.syntax, .key_specs, .history, ...). */
#define CMD(nm, fn, ar, fl, acls, sum, snc, cx, ...)                     \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = 1, .last_key = 1, .step = 1, .acl = acls,              \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "hash", __VA_ARGS__}

#define W_FAST "@write @hash @fast"
#define R_FAST "@read @hash @fast"
#define R_SLOW "@read @hash @slow"

static const md_command_t hashes_commands[] = {
    CMD("hset", hashes_cmd_hset, -4, "write denyoom fast", W_FAST,
        "Creates or modifies the value of a field in a hash.", "2.0.0",
        "O(1) for each field/value pair added, so O(N) to add N field/value "
        "pairs when the command is called with multiple field/value pairs.",
        .syntax = "key field value [field value ...]{=data}",
        .key_specs = "RW update index:1",
        .history = "4.0.0: Accepts multiple `field` and `value` arguments."),
    CMD("hsetnx", hashes_cmd_hsetnx, 4, "write denyoom fast", W_FAST,
        "Sets the value of a field in a hash only when the field doesn't "
        "exist.", "2.0.0", "O(1)",
        .syntax = "key field value",
        .key_specs = "RW insert index:1"),
    CMD("hmset", hashes_cmd_hset, -4, "write denyoom fast", W_FAST,
        "Sets the values of multiple fields.", "2.0.0",
        "O(N) where N is the number of fields being set.",
        .syntax = "key field value [field value ...]{=data}",
        .key_specs = "RW update index:1",
        .doc_flags = "deprecated",
        .deprecated_since = "4.0.0",
        .replaced_by = "`HSET` with multiple field-value pairs"),
    CMD("hget", hashes_cmd_hget, 3, "readonly fast", R_FAST,
        "Returns the value of a field in a hash.", "2.0.0", "O(1)",
        .syntax = "key field"),
    CMD("hmget", hashes_cmd_hmget, -3, "readonly fast", R_FAST,
        "Returns the values of all fields in a hash.", "2.0.0",
        "O(N) where N is the number of fields being requested.",
        .syntax = "key field [field ...]"),
    CMD("hdel", hashes_cmd_hdel, -3, "write fast", W_FAST,
        "Deletes one or more fields and their values from a hash. Deletes "
        "the hash if no fields remain.", "2.0.0",
        "O(N) where N is the number of fields to be removed.",
        .syntax = "key field [field ...]",
        .key_specs = "RW delete index:1",
        .history = "2.4.0: Accepts multiple `field` arguments."),
    CMD("hlen", hashes_cmd_hlen, 2, "readonly fast", R_FAST,
        "Returns the number of fields in a hash.", "2.0.0", "O(1)",
        .syntax = "key",
        .key_specs = "RO index:1"),
    CMD("hstrlen", hashes_cmd_hstrlen, 3, "readonly fast", R_FAST,
        "Returns the length of the value of a field.", "3.2.0", "O(1)",
        .syntax = "key field",
        .key_specs = "RO index:1"),
    CMD("hexists", hashes_cmd_hexists, 3, "readonly fast", R_FAST,
        "Determines whether a field exists in a hash.", "2.0.0", "O(1)",
        .syntax = "key field",
        .key_specs = "RO index:1"),
    CMD("hkeys", hashes_cmd_hkeys, 2, "readonly", R_SLOW,
        "Returns all fields in a hash.", "2.0.0", ON_SIZE,
        .syntax = "key",
        .tips = "nondeterministic_output_order"),
    CMD("hvals", hashes_cmd_hvals, 2, "readonly", R_SLOW,
        "Returns all values in a hash.", "2.0.0", ON_SIZE,
        .syntax = "key",
        .tips = "nondeterministic_output_order"),
    CMD("hgetall", hashes_cmd_hgetall, 2, "readonly", R_SLOW,
        "Returns all fields and values in a hash.", "2.0.0", ON_SIZE,
        .syntax = "key",
        .tips = "nondeterministic_output_order"),
    CMD("hincrby", hashes_cmd_hincrby, 4, "write denyoom fast", W_FAST,
        "Increments the integer value of a field in a hash by a number. Uses "
        "0 as initial value if the field doesn't exist.", "2.0.0", "O(1)",
        .syntax = "key field increment"),
    CMD("hincrbyfloat", hashes_cmd_hincrbyfloat, 4, "write denyoom fast",
        W_FAST,
        "Increments the floating point value of a field by a number. Uses 0 "
        "as initial value if the field doesn't exist.", "2.6.0", "O(1)",
        .syntax = "key field increment{double}"),
    CMD("hrandfield", hashes_cmd_hrandfield, -2, "readonly", R_SLOW,
        "Returns one or more random fields from a hash.", "6.2.0",
        "O(N) where N is the number of fields returned",
        .syntax = "key [count [WITHVALUES]]{=options}",
        .tips = "nondeterministic_output"),
    CMD("hscan", hashes_cmd_hscan, -3, "readonly", R_SLOW,
        "Iterates over fields and values of a hash.", "2.8.0",
        "O(1) for every call. O(N) for a complete iteration, including "
        "enough command calls for the cursor to return back to 0. N is the "
        "number of elements inside the collection.",
        .syntax = "key cursor [MATCH pattern] [COUNT count] [NOVALUES]",
        .tips = "nondeterministic_output"),
    CMD("hexpire", hashes_cmd_hexpire, -6, "write denyoom fast", W_FAST,
        "Set expiry for hash field using relative time to expire (seconds)",
        "7.4.0", ON_FIELDS,
        .syntax = "key seconds " CONDITION_ARG " " FIELDS_ARG,
        .key_specs = "RW update index:1"),
    CMD("hpexpire", hashes_cmd_hpexpire, -6, "write denyoom fast", W_FAST,
        "Set expiry for hash field using relative time to expire "
        "(milliseconds)", "7.4.0", ON_FIELDS,
        .syntax = "key milliseconds " CONDITION_ARG " " FIELDS_ARG,
        .key_specs = "RW update index:1"),
    CMD("hexpireat", hashes_cmd_hexpireat, -6, "write denyoom fast", W_FAST,
        "Set expiry for hash field using an absolute Unix timestamp "
        "(seconds)", "7.4.0", ON_FIELDS,
        .syntax = "key unix-time-seconds " CONDITION_ARG " " FIELDS_ARG,
        .key_specs = "RW update index:1"),
    CMD("hpexpireat", hashes_cmd_hpexpireat, -6, "write denyoom fast", W_FAST,
        "Set expiry for hash field using an absolute Unix timestamp "
        "(milliseconds)", "7.4.0", ON_FIELDS,
        .syntax = "key unix-time-milliseconds " CONDITION_ARG " " FIELDS_ARG,
        .key_specs = "RW update index:1"),
    CMD("httl", hashes_cmd_httl, -5, "readonly fast", R_FAST,
        "Returns the TTL in seconds of a hash field.", "7.4.0", ON_FIELDS,
        .syntax = "key " FIELDS_ARG),
    CMD("hpttl", hashes_cmd_hpttl, -5, "readonly fast", R_FAST,
        "Returns the TTL in milliseconds of a hash field.", "7.4.0", ON_FIELDS,
        .syntax = "key " FIELDS_ARG),
    CMD("hexpiretime", hashes_cmd_hexpiretime, -5, "readonly fast", R_FAST,
        "Returns the expiration time of a hash field as a Unix timestamp, in "
        "seconds.", "7.4.0", ON_FIELDS,
        .syntax = "key " FIELDS_ARG),
    CMD("hpexpiretime", hashes_cmd_hpexpiretime, -5, "readonly fast", R_FAST,
        "Returns the expiration time of a hash field as a Unix timestamp, in "
        "msec.", "7.4.0", ON_FIELDS,
        .syntax = "key " FIELDS_ARG),
    CMD("hpersist", hashes_cmd_hpersist, -5, "write fast", W_FAST,
        "Removes the expiration time for each specified field", "7.4.0",
        ON_FIELDS,
        .syntax = "key " FIELDS_ARG,
        .key_specs = "RW update index:1"),
    {.name = NULL}};

static void hashes_info_stats(md_info_t *info)
{
    md_info_field_ll(info, "expired_subkeys", hashes_expired_subkeys);
}

/* Parameters first (so a config file can set them), then the type, the
 * commands and INFO. Any failure aborts the load; the host undoes partial
 * registration. */
static int hashes_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "hashes: module arguments are ignored");
    /* Redis's defaults: 512 entries, 64 bytes. */
    if (md_config_register_ll("hash-max-listpack-entries", &hv_max_entries, 512,
                              0, LLONG_MAX) != MD_OK ||
        md_config_register_mem("hash-max-listpack-value", &hv_max_value, 64, 0,
                               LLONG_MAX) != MD_OK)
        return MD_ERR;
    /* Redis's old names for the same two parameters. */
    if (md_config_register_alias("hash-max-ziplist-entries",
                                 "hash-max-listpack-entries") != MD_OK ||
        md_config_register_alias("hash-max-ziplist-value",
                                 "hash-max-listpack-value") != MD_OK)
        return MD_ERR;
    hashes_type = md_type_register("hash", &hashes_type_ops);
    if (hashes_type == NULL) return MD_ERR;
    if (md_commands_register(hashes_commands) != MD_OK) return MD_ERR;
    if (md_info_register("stats", hashes_info_stats) != MD_OK) return MD_ERR;
    return MD_OK;
}

static const char *const hashes_types[] = {"hash", NULL};
static const uint8_t hashes_rdb_types[] = {4, 9, 13, 16, 22, 23, 24, 25};
static const md_service_ref_t hashes_provides[] = {{NULL, 0}};
static const md_service_ref_t hashes_requires[] = {{NULL, 0}};

MD_MODULE(hashes_on_load,
          .name = "hashes",
          .version = 10000,
          .description = "Redis hashes with field expiration: HSET, HGET, "
                         "HSCAN, HEXPIRE, HTTL, HPERSIST ...",
          .types = hashes_types,
          .rdb_types = hashes_rdb_types,
          .n_rdb_types = sizeof hashes_rdb_types,
          .provides = hashes_provides,
          .requires = hashes_requires)
