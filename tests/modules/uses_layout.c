/*
 * uses_layout.c — test module for MODULE UPGRADE of a provider
 * (tests/integration/test_module_upgrade.py): it requires the service
 * "layout.v1" of tests/modules/layout.c, imports it in md_init and again
 * on every MD_EVENT_MODULE "loaded" event (which MODULE UPGRADE fires), and
 *
 *   USES_LAYOUT.BUILD  -> the build number the imported table reports
 */
#include <modis.h>

typedef struct lay_service {
    long long (*build)(void);
} lay_service_t;

static const lay_service_t *lay;

static void on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    const lay_service_t *s =
        e->sub == MD_SUB_MODULE_LOADED ? md_service_import("layout.v1", 1) : NULL;
    if (s != NULL) lay = s;
}

static int cmd_build(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_int(c, lay->build());
}

static const md_command_t uses_commands[] = {
    {.name = "uses_layout.build", .handler = cmd_build, .arity = 1, .flags = "fast",
     .acl = "@connection", .summary = "The build of the imported layout.v1 (test).",
     .since = "1.0.0", .complexity = "O(1)"},
    {.name = NULL}};

static int uses_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    lay = md_service_import("layout.v1", 1);
    if (lay == NULL || md_event_subscribe(MD_EVENT_MODULE, on_module) != MD_OK)
        return MD_ERR;
    return md_commands_register(uses_commands);
}

static const md_service_ref_t uses_requires[] = {{"layout.v1", 1}, {NULL, 0}};

MD_MODULE(uses_on_load,
          .name = "uses_layout",
          .version = 1,
          .description = "test: a dependent of the layout module",
          .requires = uses_requires)
