/*
 * tiny.c — the smallest valid test module: one type slot ("tinytype", no
 * command creates values of it) and one command, TINYPING [message],
 * which replies TINYPONG or echoes the message. The positive path of the
 * load-error tests; bad_init.c registers the same names and fails, so a
 * successful load of tiny afterwards proves the rollback freed them.
 */
#include <modis.h>

static void tiny_free(void *value) { (void)value; }

static const md_type_ops_t tiny_ops = {
    .size = sizeof(md_type_ops_t),
    .free = tiny_free,
};

static int tiny_ping(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (argc == 2) return md_reply_bulk(ctx, argv[1].ptr, argv[1].len);
    return md_reply_simple(ctx, "TINYPONG");
}

static const md_command_t tiny_commands[] = {
    {.name = "tinyping", .handler = tiny_ping, .arity = -1, .flags = "fast",
     .acl = "@connection", .summary = "Replies TINYPONG (test module).",
     .since = "1.0.0", .complexity = "O(1)", .syntax = "[message]"},
    {0}};

static const char *const tiny_types[] = {"tinytype", NULL};

static int tiny_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (!md_type_register("tinytype", &tiny_ops)) return MD_ERR;
    return md_commands_register(tiny_commands);
}

MD_MODULE(tiny_on_load,
          .name = "tiny",
          .version = 7,
          .description = "test: a valid module with one command",
          .types = tiny_types)
