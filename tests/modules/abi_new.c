/*
 * abi_new.c — test module built as with a newer SDK header (one minor
 * ahead of the host) that needs only the host's minor (abi_minor_min):
 * it loads. Its ops and command tables are longer than the host's (a
 * "future" member each, read past the host's size by nobody), and
 * ABINEW.HAS shows MD_API_HAS-style checks: 1 for the newest entry the
 * host has, 0 for the entry the newer header would add.
 */
#include <modis.h>

/* What the newer header would have: one more entry at the end. */
typedef struct future_api {
    md_api_t now;
    void (*future_entry)(void);
} future_api_t;

typedef struct future_command {
    md_command_t now;
    const void *future_field;
} future_command_t;

typedef struct future_ops {
    md_type_ops_t now;
    void (*future_callback)(void);
} future_ops_t;

static const md_api_t *api;

/* MD_API_HAS for a table type of the newer header. */
#define HAS(type, field) (offsetof(type, field) + sizeof(void *) <= api->size)

static int new_has(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    api->reply_array(c, 2);
    api->reply_int(c, HAS(future_api_t, now.rdb_read_string));
    return api->reply_int(c, HAS(future_api_t, future_entry));
}

static const future_command_t new_commands[] = {
    {.now = {.name = "abinew.has", .handler = new_has, .arity = 1, .flags = "fast",
             .summary = "Which API entries the host has (test module).",
             .since = "1.0.0", .complexity = "O(1)"}},
    {.now = {.name = NULL}}};

static void new_free(void *v) { (void)v; }
static void new_future(void) {}

static const future_ops_t new_ops = {
    .now = {.size = sizeof(future_ops_t), .free = new_free},
    .future_callback = new_future,
};

static const char *const new_types[] = {"newtype", NULL};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = MD_MANIFEST_MAGIC,
    .abi_major = MD_ABI_MAJOR,
    .abi_minor = MD_ABI_MINOR + 1,
    .abi_minor_min = MD_ABI_MINOR,
    .name = "abi_new",
    .version = 1,
    .description = "test: built with a newer SDK minor, needs the host's",
    .types = new_types,
    .command_size = sizeof(future_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *a, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    api = a;
    if (!a->type_register(m, "newtype", &new_ops.now)) return MD_ERR;
    return a->commands_register(m, (const md_command_t *)new_commands);
}
