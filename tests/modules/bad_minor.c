/*
 * bad_minor.c — test module: a hand-written manifest of a module built
 * against a newer SDK minor (MD_ABI_MINOR + 1) that also needs it
 * (abi_minor_min): the host's API table may lack entries the module
 * calls, so the loader refuses it ("needs SDK ABI 1.<host minor + 1>").
 * md_init traps if ever called.
 */
#include <modis.h>

static const char *const bad_minor_types[] = {NULL};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = MD_MANIFEST_MAGIC,
    .abi_major = MD_ABI_MAJOR,
    .abi_minor = MD_ABI_MINOR + 1,
    .abi_minor_min = MD_ABI_MINOR + 1,
    .name = "bad_minor",
    .version = 1,
    .description = "test: needs a newer SDK ABI minor than the host has",
    .types = bad_minor_types,
    .command_size = sizeof(md_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *api, int argc, const md_arg_t *argv)
{
    (void)m, (void)api, (void)argc, (void)argv;
    __builtin_trap();
}
