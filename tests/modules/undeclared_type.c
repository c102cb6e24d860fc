/*
 * undeclared_type.c — test module registering a command (UNDECL_CMD), then
 * a type ("undeclared_t") its manifest does not list. Init ignores the
 * failed registration and returns MD_OK: the loader must still refuse the
 * module ("type 'undeclared_t' is not declared in the manifest") and drop
 * UNDECL_CMD.
 */
#include <modis.h>

static void undeclared_free(void *value) { (void)value; }

static const md_type_ops_t undeclared_ops = {
    .size = sizeof(md_type_ops_t),
    .free = undeclared_free,
};

static int undeclared_reply(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "SHOULD-NOT-BE-REACHABLE");
}

static const md_command_t undeclared_commands[] = {
    {.name = "undecl_cmd", .handler = undeclared_reply, .arity = 1, .flags = "fast"},
    {0}};

static const char *const undeclared_types[] = {NULL};

static int undeclared_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (md_commands_register(undeclared_commands) != MD_OK) return MD_ERR;
    (void)md_type_register("undeclared_t", &undeclared_ops); /* fails */
    return MD_OK;
}

MD_MODULE(undeclared_on_load,
          .name = "undeclared_type",
          .version = 1,
          .description = "test: registers a type missing from its manifest",
          .types = undeclared_types)
