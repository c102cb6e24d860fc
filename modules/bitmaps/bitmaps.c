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

/* One bitmap command; every field but the handler is Redis's metadata. */
#define CMD(nm, fn, ar, fl, fk, lk, acls, sum, snc, cx, syn)             \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = 1, .acl = acls,            \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "bitmap", .getkeys = NULL, .syntax = syn}

static const md_command_t bitmaps_commands[] = {
    CMD("setbit", bitmaps_cmd_setbit, 4, "write denyoom", 1, 1,
        "@write @bitmap @slow",
        "Sets or clears the bit at offset of the string value. Creates the "
        "key if it doesn't exist.",
        "2.2.0", "O(1)", "key offset value"),
    CMD("getbit", bitmaps_cmd_getbit, 3, "readonly fast", 1, 1,
        "@read @bitmap @fast", "Returns a bit value by offset.",
        "2.2.0", "O(1)", "key offset"),
    CMD("bitcount", bitmaps_cmd_bitcount, -2, "readonly", 1, 1,
        "@read @bitmap @slow",
        "Counts the number of set bits (population counting) in a string.",
        "2.6.0", "O(N)", "key [start end [BYTE | BIT]]"),
    CMD("bitpos", bitmaps_cmd_bitpos, -3, "readonly", 1, 1,
        "@read @bitmap @slow",
        "Finds the first set (1) or clear (0) bit in a string.",
        "2.8.7", "O(N)", "key bit [start [end [BYTE | BIT]]]"),
    CMD("bitop", bitmaps_cmd_bitop, -4, "write denyoom", 2, -1,
        "@write @bitmap @slow",
        "Performs bitwise operations on multiple strings, and stores the "
        "result.",
        "2.6.0", "O(N)", "operation destkey key [key ...]"),
    CMD("bitfield", bitmaps_cmd_bitfield, -2, "write denyoom", 1, 1,
        "@write @bitmap @slow",
        "Performs arbitrary bitfield integer operations on strings.",
        "3.2.0", "O(1) for each subcommand specified",
        "key [GET encoding offset] [OVERFLOW [WRAP | SAT | FAIL]] "
        "[SET encoding offset value] [INCRBY encoding offset increment]"),
    CMD("bitfield_ro", bitmaps_cmd_bitfield_ro, -2, "readonly fast", 1, 1,
        "@read @bitmap @fast",
        "Performs arbitrary read-only bitfield integer operations on "
        "strings.",
        "6.0.0", "O(1) for each subcommand specified",
        "key [GET encoding offset]"),
    {.name = NULL}};

/* Import string.v1 (revision 1 has all this module uses), then register
 * the commands. */
static int bitmaps_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "bitmaps: module arguments are ignored");
    bitmaps_str = md_service_import(MD_SERVICE_STRING, 1);
    if (bitmaps_str == NULL ||
        bitmaps_str->size < offsetof(md_string_v1_t, writable) +
                                sizeof(bitmaps_str->writable))
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
