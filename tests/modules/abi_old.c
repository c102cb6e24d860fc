/*
 * abi_old.c — test module built as with an older SDK header (1.0): its
 * hand-written manifest says abi_minor 0 and has no 1.2 fields, its
 * command table uses the shorter 1.0 stride, and its type's ops size
 * stops before the 1.2 fields. A trap sits in aux_save past that size:
 * the host must copy only `size` bytes (zero-filling the rest), or the
 * load would fail ("aux callbacks but no Redis module type"). A 1.2 host
 * loads it and runs ABIOLD.PING.
 */
#include <modis.h>

/* md_command_t as the 1.0 header had it: the fields up to `subcommands`. */
typedef struct old_command {
    const char *name;
    md_cmd_fn handler;
    int arity;
    const char *flags;
    int first_key, last_key, step;
    const char *acl;
    const char *summary;
    const char *since;
    const char *complexity;
    const struct md_command *subcommands;
} old_command_t;
_Static_assert(sizeof(old_command_t) == offsetof(md_command_t, group),
               "old_command_t is a prefix of md_command_t");

static const md_api_t *api;

static int old_ping(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return api->reply_simple(c, "OLDPONG");
}

static const old_command_t old_commands[] = {
    {.name = "abiold.ping", .handler = old_ping, .arity = 1, .flags = "fast",
     .summary = "Replies OLDPONG (test module).", .since = "1.0.0", .complexity = "O(1)"},
    {.name = NULL}};

static void old_free(void *v) { (void)v; }
static int old_trap(md_rdb_t *r, int when) { (void)r, (void)when; __builtin_trap(); }

static const md_type_ops_t old_ops = {
    .size = offsetof(md_type_ops_t, aux_save), /* a 1.0/1.1 ops table */
    .free = old_free,
    .aux_save = old_trap, /* beyond `size`: never seen by the host */
};

static const char *const old_types[] = {"oldtype", NULL};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = MD_MANIFEST_MAGIC,
    .abi_major = MD_ABI_MAJOR,
    .abi_minor = 0,
    .name = "abi_old",
    .version = 1,
    .description = "test: a module built with SDK 1.0",
    .types = old_types,
    .command_size = sizeof(old_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *a, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    api = a;
    if (!a->type_register(m, "oldtype", &old_ops)) return MD_ERR;
    return a->commands_register(m, (const md_command_t *)old_commands);
}
