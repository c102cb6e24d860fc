/*
 * counterset.c — an example third-party Modis data type: "countset", a
 * bounded set of counters that keeps the most frequent members of a
 * stream (Space-Saving, see cs_value.h).
 *
 *     CS.INCR key member [increment] [CAPACITY capacity]  -> new count
 *     CS.GET key member                                    -> count | nil
 *     CS.TOP key count                                     -> top members
 *
 * This file holds what the host reads: the manifest, the command table and
 * md_init, which registers the type, the commands, the
 * `countset-capacity` parameter and an INFO section. The manifest and
 * md_init (both made by MD_MODULE) are the only exported symbols; the
 * value lives in cs_value.c, the handlers in cs_cmds.c, the type callbacks
 * in cs_type.c.
 */
#include "modis.h"
#include "counterset.h"
#include "cs_cmds.h"
#include "cs_type.h"
#include "cs_value.h"

md_type_t *cs_type;
long long cs_default_capacity;
long long cs_evictions;

/* One key at argv[1]. CS.INCR spells its key spec out (it reads, then
 * updates the value); CS.GET and CS.TOP give none and get the one the host
 * derives from first/last/step and the flags: "RO access index:1". */
#define CMD(nm, fn, ar, fl, acls, sum, cx, syn, ...)                        \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                   \
     .first_key = 1, .last_key = 1, .step = 1, .acl = acls, .summary = sum, \
     .since = "1.0.0", .complexity = cx, .subcommands = NULL,               \
     .group = NULL /* "module" */, .getkeys = NULL, .syntax = syn, __VA_ARGS__}

static const md_command_t cs_commands[] = {
    CMD("cs.incr", cs_cmd_incr, -3, "write denyoom", "@write @slow",
        "Increments the count of a member of a counterset, evicting the "
        "member with the lowest count when the set is full.",
        "O(N) where N is the capacity of the set.",
        "key member [increment] [CAPACITY capacity{integer}]",
        .key_specs = "RW access update index:1"),
    CMD("cs.get", cs_cmd_get, 3, "readonly", "@read @slow",
        "Returns the count of a member of a counterset.",
        "O(N) where N is the number of members.",
        "key member"),
    CMD("cs.top", cs_cmd_top, 3, "readonly", "@read @slow",
        "Returns the members of a counterset with the highest counts.",
        "O(M) where M is the number of members returned.",
        "key count"),
    {.name = NULL}};

/* INFO counterset */
static void cs_info(md_info_t *info)
{
    md_info_field_ll(info, "counterset_capacity", cs_default_capacity);
    md_info_field_ll(info, "counterset_evictions", cs_evictions);
}

/* Registration; any failure aborts the load and the host removes whatever
 * was registered already. */
static int cs_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) {
        md_log(MD_LOG_WARNING, "counterset: takes no module arguments");
        return MD_ERR;
    }
    cs_type = md_type_register(CS_TYPE_NAME, &cs_type_ops);
    if (cs_type == NULL) return MD_ERR;
    if (md_commands_register(cs_commands) != MD_OK) return MD_ERR;
    if (md_config_register_ll("countset-capacity", &cs_default_capacity, 100, 1,
                              CS_MAX_CAPACITY) != MD_OK) {
        md_log(MD_LOG_WARNING, "counterset: parameter countset-capacity is taken");
        return MD_ERR;
    }
    if (md_info_register("counterset", cs_info) != MD_OK) return MD_ERR;
    return MD_OK;
}

static const char *const cs_types[] = {CS_TYPE_NAME, NULL};
static const md_service_ref_t cs_none[] = {{NULL, 0}};
/* In RDB files a countset is a Redis module type value (SDK 1.2). */
static const md_type_rdb_t cs_rdb[] = {
    {.type = CS_TYPE_NAME, .module_type = CS_RDB_NAME, .encver = CS_RDB_ENCVER},
    {.type = NULL}};

MD_MODULE(cs_on_load,
          .name = "counterset",
          .version = 10000,
          .description = "countset: bounded top-k counters (CS.INCR, CS.GET, "
                         "CS.TOP)",
          .types = cs_types,
          .type_rdb = cs_rdb,
          .provides = cs_none,
          .requires = cs_none)
