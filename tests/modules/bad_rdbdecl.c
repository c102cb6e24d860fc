/*
 * bad_rdbdecl.c — test module whose manifest gives its type a Redis
 * module type name that is not 9 characters of [A-Za-z0-9_-]: the loader
 * refuses it from the manifest alone ("must be 9 characters").
 * md_init traps if ever called.
 */
#include <modis.h>

static const char *const bad_types[] = {"badrdb", NULL};
static const md_type_rdb_t bad_rdb[] = {
    {.type = "badrdb", .module_type = "bad name", .encver = 1}, {.type = NULL}};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = MD_MANIFEST_MAGIC,
    .abi_major = MD_ABI_MAJOR,
    .abi_minor = MD_ABI_MINOR,
    .abi_minor_min = MD_ABI_MINOR,
    .name = "bad_rdbdecl",
    .version = 1,
    .description = "test: an invalid Redis module type name",
    .types = bad_types,
    .type_rdb = bad_rdb,
    .command_size = sizeof(md_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *api, int argc, const md_arg_t *argv)
{
    (void)m, (void)api, (void)argc, (void)argv;
    __builtin_trap();
}
