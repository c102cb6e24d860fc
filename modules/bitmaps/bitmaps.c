/*
 * bitmaps.c — the bitmaps module: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP
 * and BITFIELD over Redis strings, written against the SDK like any third
 * party module.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata;
 * BITOP also takes Redis 8.2's DIFF, DIFF1, ANDOR and ONE) and md_init,
 * which imports the strings module's "string.v1" service and registers
 * the commands. The module registers no type: its values are strings, so
 * the manifest requires string.v1 (loading fails without the strings
 * module, and the strings module cannot be unloaded while this one is
 * loaded). Layout: bitmaps_ops.c (bit kernels), bitmaps_cmds.c (the
 * handlers), bitmaps_field.c (BITFIELD).
 */
#include <stddef.h>
#include "modis.h"
#include "bitmaps.h"
#include "bitmaps_cmds.h"
#include "bitmaps_field.h"

const md_string_v1_t *bitmaps_str;

/* One bitmap command; every field but the handler is Redis's metadata.
 * The arguments after the positional ones are designated initializers of
 * the docs fields (.syntax, .key_specs, .history, ...). */
#define CMD(nm, fn, ar, fl, fk, lk, acls, sum, snc, cx, ...)             \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = 1, .acl = acls,            \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "bitmap", .getkeys = NULL, __VA_ARGS__}

#define UNIT_HISTORY "7.0.0: Added the `BYTE|BIT` option."

/* BITFIELD's argument tree: any number of GETs and writes, each write
 * optionally preceded by its OVERFLOW mode. */
#define BITFIELD_SYNTAX                                                  \
    "key [GET (encoding offset){=get-block} | ([OVERFLOW <WRAP | SAT | " \
    "FAIL>{=overflow-block}] <SET (encoding offset value{integer})"      \
    "{=set-block} | INCRBY (encoding offset increment){=incrby-block}>"  \
    "{=write-operation}){=write}]{=operation} ..."

static const md_command_t bitmaps_commands[] = {
    CMD("setbit", bitmaps_cmd_setbit, 4, "write denyoom", 1, 1,
        "@write @bitmap @slow",
        "Sets or clears the bit at offset of the string value. Creates the "
        "key if it doesn't exist.",
        "2.2.0", "O(1)",
        .syntax = "key offset value{integer}",
        .key_specs = "RW access update index:1"),
    CMD("getbit", bitmaps_cmd_getbit, 3, "readonly fast", 1, 1,
        "@read @bitmap @fast", "Returns a bit value by offset.",
        "2.2.0", "O(1)",
        .syntax = "key offset",
        .key_specs = "RO access index:1"),
    CMD("bitcount", bitmaps_cmd_bitcount, -2, "readonly", 1, 1,
        "@read @bitmap @slow",
        "Counts the number of set bits (population counting) in a string.",
        "2.6.0", "O(N)",
        .syntax = "key [start end [BYTE | BIT]{=unit @7.0.0}]{=range}",
        .key_specs = "RO access index:1",
        .history = UNIT_HISTORY),
    CMD("bitpos", bitmaps_cmd_bitpos, -3, "readonly", 1, 1,
        "@read @bitmap @slow",
        "Finds the first set (1) or clear (0) bit in a string.",
        "2.8.7", "O(N)",
        .syntax = "key bit{integer} [start [end [BYTE | BIT]{=unit @7.0.0}]"
                  "{=end-unit-block}]{=range}",
        .key_specs = "RO access index:1",
        .history = UNIT_HISTORY),
    CMD("bitop", bitmaps_cmd_bitop, -4, "write denyoom", 2, -1,
        "@write @bitmap @slow",
        "Performs bitwise operations on multiple strings, and stores the "
        "result.",
        "2.6.0", "O(N)",
        /* Redis 8.2's DIFF, DIFF1, ANDOR and ONE are documented like the
         * first four, without a since of their own (as Redis's docs). */
        .syntax = "<AND | OR | XOR | NOT | DIFF | DIFF1 | ANDOR | ONE>{=operation} "
                  "destkey key [key ...]",
        .key_specs = "OW update index:2; RO access index:3 range:-1"),
    CMD("bitfield", bitmaps_cmd_bitfield, -2, "write denyoom", 1, 1,
        "@write @bitmap @slow",
        "Performs arbitrary bitfield integer operations on strings.",
        "3.2.0", "O(1) for each subcommand specified",
        .syntax = BITFIELD_SYNTAX,
        .key_specs = "RW access update variable_flags index:1 # This command "
                     "allows both access and modification of the key",
        .getkeys_flags = bitmaps_bitfield_keys),
    CMD("bitfield_ro", bitmaps_cmd_bitfield_ro, -2, "readonly fast", 1, 1,
        "@read @bitmap @fast",
        "Performs arbitrary read-only bitfield integer operations on "
        "strings.",
        "6.0.0", "O(1) for each subcommand specified",
        .syntax = "key [GET encoding offset [GET encoding offset ...]]{=get-block}",
        .key_specs = "RO access index:1"),
    {.name = NULL}};

/* A module was loaded or upgraded: take string.v1's current table (MODULE
 * UPGRADE of the strings module replaces it). */
static void bitmaps_on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    const md_string_v1_t *s =
        e->sub == MD_SUB_MODULE_LOADED ? md_service_import(MD_SERVICE_STRING, 1) : NULL;
    if (s != NULL) bitmaps_str = s;
}

/* Import string.v1 (revision 1 has all this module uses), then register
 * the commands. */
static int bitmaps_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "bitmaps: module arguments are ignored");
    bitmaps_str = md_service_import(MD_SERVICE_STRING, 1);
    if (bitmaps_str == NULL ||
        bitmaps_str->size < offsetof(md_string_v1_t, writable) +
                                sizeof(bitmaps_str->writable) ||
        md_event_subscribe(MD_EVENT_MODULE, bitmaps_on_module) != MD_OK)
        return MD_ERR;
    return md_commands_register(bitmaps_commands);
}

static const char *const bitmaps_types[] = {NULL};
static const md_service_ref_t bitmaps_provides[] = {{NULL, 0}};
static const md_service_ref_t bitmaps_requires[] = {
    {MD_SERVICE_STRING, 1}, {NULL, 0}};

MD_MODULE(bitmaps_on_load,
          .name = "bitmaps",
          .version = 10000,
          .description = "Redis bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, "
                         "BITOP, BITFIELD over string.v1",
          .types = bitmaps_types,
          .rdb_types = NULL,
          .n_rdb_types = 0,
          .provides = bitmaps_provides,
          .requires = bitmaps_requires)
