/*
 * bad_magic.c — test module: a hand-written manifest with a wrong magic
 * number, as a shared object that merely happens to export the two symbol
 * names would have. Refused from the manifest ("bad manifest magic");
 * md_init traps if ever called.
 */
#include <modis.h>

static const char *const bad_magic_types[] = {NULL};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = 0x0123456789abcdefULL,
    .abi_major = MD_ABI_MAJOR,
    .abi_minor = MD_ABI_MINOR,
    .name = "bad_magic",
    .version = 1,
    .description = "test: wrong manifest magic",
    .types = bad_magic_types,
    .command_size = sizeof(md_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *api, int argc, const md_arg_t *argv)
{
    (void)m, (void)api, (void)argc, (void)argv;
    __builtin_trap();
}
