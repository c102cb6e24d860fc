/*
 * bad_init.c — test module whose init registers a type ("tinytype"), a
 * command (TINYPING) and a config parameter ("bad-init-param"), then
 * returns MD_ERR. The loader must roll all three back: afterwards TINYPING
 * is unknown, CONFIG GET bad-init-param is empty, and tiny.so (which
 * registers the same names) loads.
 */
#include <modis.h>

static long long bad_init_param;

static void bad_init_free(void *value) { (void)value; }

static const md_type_ops_t bad_init_ops = {
    .size = sizeof(md_type_ops_t),
    .free = bad_init_free,
};

static int bad_init_ping(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "SHOULD-NOT-BE-REACHABLE");
}

static const md_command_t bad_init_commands[] = {
    {.name = "tinyping", .handler = bad_init_ping, .arity = 1, .flags = "fast",
     .summary = "Registered, then rolled back (test module)."},
    {0}};

static const char *const bad_init_types[] = {"tinytype", NULL};

static int bad_init_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    if (!md_type_register("tinytype", &bad_init_ops)) return MD_ERR;
    if (md_commands_register(bad_init_commands) != MD_OK) return MD_ERR;
    if (md_config_register_ll("bad-init-param", &bad_init_param, 5, 0, 100) != MD_OK)
        return MD_ERR;
    md_log(MD_LOG_WARNING, "bad_init: failing on purpose after registering");
    return MD_ERR;
}

MD_MODULE(bad_init_on_load,
          .name = "bad_init",
          .version = 1,
          .description = "test: init fails after registering",
          .types = bad_init_types)
