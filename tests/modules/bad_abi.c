/*
 * bad_abi.c — test module: a hand-written manifest that claims SDK ABI
 * major MD_ABI_MAJOR + 1. The loader must refuse it from the manifest
 * alone ("built for SDK ABI 2.0"); md_init traps, so a loader that ran it
 * would crash the test server.
 */
#include <modis.h>

static const char *const bad_abi_types[] = {NULL};

MD_EXPORT const md_manifest_t md_manifest = {
    .magic = MD_MANIFEST_MAGIC,
    .abi_major = MD_ABI_MAJOR + 1,
    .abi_minor = 0,
    .name = "bad_abi",
    .version = 1,
    .description = "test: wrong SDK ABI major",
    .types = bad_abi_types,
    .command_size = sizeof(md_command_t),
};

MD_EXPORT int md_init(md_module_t *m, const md_api_t *api, int argc, const md_arg_t *argv)
{
    (void)m, (void)api, (void)argc, (void)argv;
    __builtin_trap();
}
