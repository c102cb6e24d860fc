/*
 * missing_type.c — test module whose manifest declares a type
 * ("missing_t") that init never registers; it registers only a command
 * (MISSING_CMD) and returns MD_OK. The loader must refuse it ("type
 * 'missing_t' declared in the manifest was not registered") and drop
 * MISSING_CMD.
 */
#include <modis.h>

static int missing_reply(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "SHOULD-NOT-BE-REACHABLE");
}

static const md_command_t missing_commands[] = {
    {.name = "missing_cmd", .handler = missing_reply, .arity = 1, .flags = "fast"},
    {0}};

static const char *const missing_types[] = {"missing_t", NULL};

static int missing_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(missing_commands);
}

MD_MODULE(missing_on_load,
          .name = "missing_type",
          .version = 1,
          .description = "test: declares a type it never registers",
          .types = missing_types)
