/*
 * abi_compat.c — test module built with this header but declaring that it
 * needs less (MD_ABI_MINOR_MIN 1): before calling a 1.2 entry it checks
 * MD_API_HAS. COMPAT.HAS replies 1 when the host's table has
 * md_rdb_write_unsigned (1.2), else 0. Real 1.1 hosts predate the ABI
 * rule and refuse it by its abi_minor; tests/unit/test_abi.c hands md_init
 * a 1.1-sized table instead, which stands for any host older than a
 * module's header that the module declares it runs on.
 */
#define MD_ABI_MINOR_MIN 1
#include <modis.h>

static int compat_has(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_int(c, MD_API_HAS(rdb_write_unsigned) ? 1 : 0);
}

static const md_command_t compat_commands[] = {
    {.name = "compat.has", .handler = compat_has, .arity = 1, .flags = "fast",
     .summary = "Whether the host has the 1.2 RDB fields (test module).",
     .since = "1.0.0", .complexity = "O(1)"},
    {.name = NULL}};

static const char *const compat_types[] = {NULL};

static int compat_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(compat_commands);
}

MD_MODULE(compat_on_load,
          .name = "abi_compat",
          .version = 1,
          .description = "test: built for 1.2, runs on 1.1",
          .types = compat_types)
