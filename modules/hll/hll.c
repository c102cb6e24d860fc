/*
 * hll.c — the HyperLogLog module: PFADD, PFCOUNT, PFMERGE, PFDEBUG and
 * PFSELFTEST over Redis strings, in Redis's exact representation,
 * written against the SDK like any third party module.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata)
 * and md_init, which imports the strings module's "string.v1" service
 * (revision 2: resize()), registers hll-sparse-max-bytes (Redis's name,
 * default and memory units) and the commands. The module registers no
 * type: a HyperLogLog is a string, so GET, TYPE, DUMP/RESTORE and RDB
 * files see Redis's bytes. Layout: hll_repr.c (the encodings and the
 * estimator), hll_value.c (values at keys), hll_cmds.c and hll_debug.c
 * (the handlers).
 */
#include <limits.h>
#include <stddef.h>
#include "modis.h"
#include "hll.h"
#include "hll_cmds.h"
#include "hll_debug.h"

const md_string_v1_t *hll_str;
long long hll_sparse_max_bytes;

#define SERVICE_REVISION 2 /* resize() */

/* One HyperLogLog command; every field but the handler is Redis's
 * metadata. The arguments after the positional ones are designated
 * initializers of the docs fields (.syntax, .key_specs, .doc_flags). */
#define CMD(nm, fn, ar, fl, fk, lk, acls, sum, cx, ...)                  \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = fk ? 1 : 0, .acl = acls,   \
     .summary = sum, .since = "2.8.9", .complexity = cx,                 \
     .subcommands = NULL, .group = "hyperloglog", .getkeys = NULL,       \
     __VA_ARGS__}

static const md_command_t hll_commands[] = {
    CMD("pfadd", hll_cmd_pfadd, -2, "write denyoom fast", 1, 1,
        "@write @hyperloglog @fast",
        "Adds elements to a HyperLogLog key. Creates the key if it doesn't "
        "exist.",
        "O(1) to add every element.",
        .syntax = "key [element [element ...]]",
        .key_specs = "RW insert index:1"),
    /* readonly, yet its keys are RW: the count is cached in the value. */
    CMD("pfcount", hll_cmd_pfcount, -2, "readonly", 1, -1,
        "@read @hyperloglog @slow",
        "Returns the approximated cardinality of the set(s) observed by the "
        "HyperLogLog key(s).",
        "O(1) with a very small average constant time when called with a "
        "single key. O(N) with N being the number of keys, and much bigger "
        "constant times, when called with multiple keys.",
        .syntax = "key [key ...]",
        .key_specs = "RW access index:1 range:-1 # RW because it may change the "
                     "internal representation of the key, and propagate to "
                     "replicas"),
    CMD("pfmerge", hll_cmd_pfmerge, -2, "write denyoom", 1, -1,
        "@write @hyperloglog @slow",
        "Merges one or more HyperLogLog values into a single key.",
        "O(N) to merge N HyperLogLogs, but with high constant times.",
        .syntax = "destkey [sourcekey [sourcekey ...]]",
        .key_specs = "RW access insert index:1; RO access index:2 range:-1"),
    CMD("pfdebug", hll_cmd_pfdebug, 3, "write denyoom admin", 2, 2,
        "@write @hyperloglog @admin @slow @dangerous",
        "Internal commands for debugging HyperLogLog values.", "N/A",
        .syntax = "subcommand key",
        .key_specs = "RW access index:2",
        .doc_flags = "syscmd"),
    CMD("pfselftest", hll_cmd_pfselftest, 1, "admin", 0, 0,
        "@hyperloglog @admin @slow @dangerous",
        "An internal command for testing HyperLogLog values.", "N/A",
        .doc_flags = "syscmd"),
    {.name = NULL}};

/* A module was loaded or upgraded: take string.v1's current table (MODULE
 * UPGRADE of the strings module replaces it). */
static void hll_on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    const md_string_v1_t *s = e->sub == MD_SUB_MODULE_LOADED
                                  ? md_service_import(MD_SERVICE_STRING, SERVICE_REVISION)
                                  : NULL;
    if (s != NULL) hll_str = s;
}

/* Import string.v1 at revision 2, register the parameter and the
 * commands; any failure aborts the load. */
static int hll_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "hll: module arguments are ignored");
    hll_str = md_service_import(MD_SERVICE_STRING, SERVICE_REVISION);
    if (hll_str == NULL ||
        hll_str->size < offsetof(md_string_v1_t, resize) + sizeof(hll_str->resize) ||
        md_event_subscribe(MD_EVENT_MODULE, hll_on_module) != MD_OK)
        return MD_ERR;
    if (md_config_register_mem("hll-sparse-max-bytes", &hll_sparse_max_bytes,
                               3000, 0, LONG_MAX) != MD_OK)
        return MD_ERR;
    return md_commands_register(hll_commands);
}

static const char *const hll_types[] = {NULL};
static const md_service_ref_t hll_provides[] = {{NULL, 0}};
static const md_service_ref_t hll_requires[] = {
    {MD_SERVICE_STRING, SERVICE_REVISION}, {NULL, 0}};

MD_MODULE(hll_on_load,
          .name = "hll",
          .version = 10000,
          .description = "Redis HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG, "
                         "PFSELFTEST over string.v1, Redis's representation",
          .types = hll_types,
          .rdb_types = NULL,
          .n_rdb_types = 0,
          .provides = hll_provides,
          .requires = hll_requires)
