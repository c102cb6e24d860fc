/*
 * dup_type.c — test module registering a command (DUPTYPE_CMD), then a type
 * named "string", which the strings module owns. The load must fail
 * ("type name 'string' is already taken"), DUPTYPE_CMD must be gone and
 * string keys must keep working.
 */
#include <modis.h>

static void dup_type_free(void *value) { (void)value; }

static const md_type_ops_t dup_type_ops = {
    .size = sizeof(md_type_ops_t),
    .free = dup_type_free,
};

static int dup_type_reply(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "SHOULD-NOT-BE-REACHABLE");
}

static const md_command_t dup_type_commands[] = {
    {.name = "duptype_cmd", .handler = dup_type_reply, .arity = 1, .flags = "fast"},
    {0}};

static const char *const dup_type_types[] = {"string", NULL};

static int dup_type_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (md_commands_register(dup_type_commands) != MD_OK) return MD_ERR;
    if (!md_type_register("string", &dup_type_ops)) return MD_ERR;
    return MD_OK;
}

MD_MODULE(dup_type_on_load,
          .name = "dup_type",
          .version = 1,
          .description = "test: registers a type name that exists (string)",
          .types = dup_type_types)
