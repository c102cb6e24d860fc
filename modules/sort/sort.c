/*
 * sort.c — the SORT module: SORT and SORT_RO over lists, sets and sorted
 * sets, written against the SDK like any third-party module, reading
 * values only through other modules' services.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata)
 * and md_init, which imports the required services: string.v1 (BY and
 * GET patterns read strings) and list.v1 (a SORT ... STORE result is a
 * list). Without the strings or lists module the load fails naming the
 * missing service. zset.v1, set.v1 and hash.v1 are optional and imported
 * when a key of their type is met (sort_zsets()...): without the module,
 * no such key can exist. The handlers are in sort_cmds.c, the patterns in
 * sort_pattern.c.
 */
#include "modis.h"
#include "sort.h"
#include "sort_cmds.h"

const md_string_v1_t *sort_strings;
const md_list_v1_t *sort_lists;

/* The optional services, imported once available (NULL: not yet). */
enum { OPT_ZSET, OPT_SET, OPT_HASH, OPT_N };
static const void *optional_svc[OPT_N];

static const void *optional(int which, const char *name)
{
    if (optional_svc[which] == NULL) optional_svc[which] = md_service_import(name, 1);
    return optional_svc[which];
}

const md_zset_v1_t *sort_zsets(void) { return optional(OPT_ZSET, MD_SERVICE_ZSET); }
const md_set_v1_t *sort_sets(void) { return optional(OPT_SET, MD_SERVICE_SET); }
const md_hash_v1_t *sort_hashes(void) { return optional(OPT_HASH, MD_SERVICE_HASH); }

/* A module was loaded or upgraded: take the current tables (MODULE UPGRADE
 * of a provider replaces its table; docs/sdk.md, "Services across an
 * upgrade"); the optional ones are imported again when next needed. */
static void sort_on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    if (e->sub != MD_SUB_MODULE_LOADED) return;
    const md_string_v1_t *s = md_service_import(MD_SERVICE_STRING, 1);
    const md_list_v1_t *l = md_service_import(MD_SERVICE_LIST, 1);
    if (s != NULL) sort_strings = s;
    if (l != NULL) sort_lists = l;
    for (int i = 0; i < OPT_N; i++) optional_svc[i] = NULL;
}

/* key_specs as Redis 7 declares them: the key, then the keys the BY and
 * GET patterns name (unknown), then the STORE destination (unknown). */
#define SPECS_KEY "RO access index:1; "
#define SPECS_BY_GET                                                          \
    "RO access unknown # For the optional BY/GET keyword. It is marked "       \
    "'unknown' because the key names derive from the content of the key we sort"
#define SPECS_STORE                                                           \
    "; OW update unknown # For the optional STORE keyword. It is marked "      \
    "'unknown' because the keyword can appear anywhere in the argument array"
#define SORT_SYNTAX                                                           \
    "key [BY pattern{#1}] [LIMIT (offset count)]{=offset_count} "             \
    "[GET pattern{#1} [GET pattern ...]] [ASC | DESC]{=order} [ALPHA{=sorting}]"
#define SORT_CX                                                               \
    "O(N+M*log(M)) where N is the number of elements in the list or set to "   \
    "sort, and M the number of returned elements. When the elements are not "  \
    "sorted, complexity is O(N)."

/* COMMAND GETKEYS(ANDFLAGS) of SORT: the key (RO access) and the last
 * STORE destination (OW update), skipping the arguments of LIMIT, GET and
 * BY (Redis's sortGetKeys). */
static int sort_keys(int argc, const md_arg_t *argv, md_keyref_t *out, int cap)
{
    int n = 0, store = 0;
    if (cap < 2 || argc < 2) return 0;
    out[n].pos = 1;
    out[n++].flags = MD_KSF_RO | MD_KSF_ACCESS;
    for (int i = 2; i < argc; i++) {
        if (md_arg_eq(argv[i], "limit")) i += 2;
        else if (md_arg_eq(argv[i], "get") || md_arg_eq(argv[i], "by")) i += 1;
        else if (md_arg_eq(argv[i], "store") && i + 1 < argc) store = i + 1;
    }
    if (store) {
        out[n].pos = store;
        out[n++].flags = MD_KSF_OW | MD_KSF_UPDATE;
    }
    return n;
}

/* SORT_RO: the key only. */
static int sort_ro_keys(int argc, const md_arg_t *argv, md_keyref_t *out, int cap)
{
    (void)argv;
    if (cap < 1 || argc < 2) return 0;
    out[0].pos = 1;
    out[0].flags = MD_KSF_RO | MD_KSF_ACCESS;
    return 1;
}

static const md_command_t sort_commands[] = {
    {.name = "sort", .handler = sort_cmd_sort, .arity = -2,
     .flags = "write denyoom movablekeys", .first_key = 1, .last_key = 1, .step = 1,
     .acl = "@write @set @sortedset @list @slow @dangerous",
     .summary = "Sorts the elements in a list, a set, or a sorted set, optionally "
                "storing the result.",
     .since = "1.0.0", .complexity = SORT_CX, .group = "generic",
     .getkeys_flags = sort_keys,
     .syntax = SORT_SYNTAX " [STORE destination{#2}]",
     .key_specs = SPECS_KEY SPECS_BY_GET SPECS_STORE},
    {.name = "sort_ro", .handler = sort_cmd_sort_ro, .arity = -2,
     .flags = "readonly movablekeys", .first_key = 1, .last_key = 1, .step = 1,
     .acl = "@read @set @sortedset @list @slow @dangerous",
     .summary = "Returns the sorted elements of a list, a set, or a sorted set.",
     .since = "7.0.0", .complexity = SORT_CX, .group = "generic",
     .getkeys_flags = sort_ro_keys,
     .syntax = SORT_SYNTAX, .key_specs = SPECS_KEY SPECS_BY_GET},
    {.name = NULL}};

/* Import the required services, register the commands; any failure
 * aborts the load. */
static int sort_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "sort: module arguments are ignored");
    sort_strings = md_service_import(MD_SERVICE_STRING, 1);
    sort_lists = md_service_import(MD_SERVICE_LIST, 1);
    if (sort_strings == NULL || sort_lists == NULL ||
        md_event_subscribe(MD_EVENT_MODULE, sort_on_module) != MD_OK)
        return MD_ERR;
    return md_commands_register(sort_commands);
}

static const char *const sort_types[] = {NULL};
static const md_service_ref_t sort_provides[] = {{NULL, 0}};
static const md_service_ref_t sort_requires[] = {
    {MD_SERVICE_STRING, 1}, {MD_SERVICE_LIST, 1}, {NULL, 0}};

MD_MODULE(sort_on_load,
          .name = "sort",
          .version = 10000,
          .description = "SORT and SORT_RO over lists, sets and sorted sets, "
                         "through the string.v1, list.v1, set.v1, zset.v1 and "
                         "hash.v1 services",
          .types = sort_types,
          .provides = sort_provides,
          .requires = sort_requires)
