/*
 * dup_cmd.c — test module registering a type ("dupcmdtype") and a command
 * (DUPCMD_FIRST) that succeed, then a second table with DUPCMD_SECOND and
 * GET, which the strings module already has. The whole load must fail
 * ("command 'get' already exists"), DUPCMD_FIRST/SECOND must be gone and
 * the strings module's GET untouched.
 */
#include <modis.h>

static void dup_cmd_free(void *value) { (void)value; }

static const md_type_ops_t dup_cmd_ops = {
    .size = sizeof(md_type_ops_t),
    .free = dup_cmd_free,
};

static int dup_cmd_reply(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "SHOULD-NOT-BE-REACHABLE");
}

static const md_command_t dup_cmd_first[] = {
    {.name = "dupcmd_first", .handler = dup_cmd_reply, .arity = 1, .flags = "fast"},
    {0}};

static const md_command_t dup_cmd_second[] = {
    {.name = "dupcmd_second", .handler = dup_cmd_reply, .arity = 1, .flags = "fast"},
    {.name = "get", .handler = dup_cmd_reply, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1},
    {0}};

static const char *const dup_cmd_types[] = {"dupcmdtype", NULL};

static int dup_cmd_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (!md_type_register("dupcmdtype", &dup_cmd_ops)) return MD_ERR;
    if (md_commands_register(dup_cmd_first) != MD_OK) return MD_ERR;
    if (md_commands_register(dup_cmd_second) != MD_OK) return MD_ERR;
    return MD_OK;
}

MD_MODULE(dup_cmd_on_load,
          .name = "dup_cmd",
          .version = 1,
          .description = "test: registers a command name that exists (get)",
          .types = dup_cmd_types)
