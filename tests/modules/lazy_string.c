/*
 * lazy_string.c — test module that declares "string.v1" in its manifest's
 * requirements but imports the service only when LAZYSTR.LEN first runs.
 * The manifest is what promises the dependency: MODULE UNLOAD strings
 * must be refused while this module is loaded, even before the import.
 */
#include <modis.h>

static int lazy_string_len(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc;
    const md_string_v1_t *svc = md_service_import(MD_SERVICE_STRING, 1);
    if (!svc) return md_reply_error(ctx, "ERR string.v1 is not available");
    md_key_t *k = md_key_open(ctx, argv[1], MD_READ);
    const md_type_t *t = md_key_type(k);
    if (!t) return md_reply_int(ctx, 0);
    if (t != svc->type) return md_reply_wrongtype(ctx);
    char buf[32];
    md_arg_t b = svc->bytes(md_key_value(k), buf);
    return md_reply_int(ctx, (long long)b.len);
}

static const md_command_t lazy_string_commands[] = {
    {.name = "lazystr.len", .handler = lazy_string_len, .arity = 2,
     .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
     .summary = "Length of a string key via string.v1, imported lazily (test module)."},
    {0}};

static const md_service_ref_t lazy_string_requires[] = {{MD_SERVICE_STRING, 1}, {NULL, 0}};
static const char *const lazy_string_types[] = {NULL};

static int lazy_string_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(lazy_string_commands);
}

MD_MODULE(lazy_string_on_load,
          .name = "lazy_string",
          .version = 1,
          .description = "test: requires string.v1, imports it lazily",
          .types = lazy_string_types,
          .requires = lazy_string_requires)
