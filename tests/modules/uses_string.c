/*
 * uses_string.c — test module requiring the "string.v1" service of the
 * strings module. It loads fine; while it is loaded MODULE UNLOAD strings
 * must be refused ("used by module 'uses_string'"). USESTR.LEN key returns
 * the length of a string key through the service (0 when missing).
 */
#include <modis.h>

static const md_string_v1_t *uses_string_svc;

static int uses_string_len(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(ctx, argv[1], MD_READ);
    const md_type_t *t = md_key_type(k);
    if (!t) return md_reply_int(ctx, 0);
    if (t != uses_string_svc->type) return md_reply_wrongtype(ctx);
    char buf[32];
    md_arg_t b = uses_string_svc->bytes(md_key_value(k), buf);
    return md_reply_int(ctx, (long long)b.len);
}

static const md_command_t uses_string_commands[] = {
    {.name = "usestr.len", .handler = uses_string_len, .arity = 2,
     .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
     .acl = "@read @string", .summary = "Length of a string key via string.v1 (test module).",
     .since = "1.0.0", .complexity = "O(1)", .syntax = "key"},
    {0}};

static const md_service_ref_t uses_string_requires[] = {{MD_SERVICE_STRING, 1}, {NULL, 0}};
static const char *const uses_string_types[] = {NULL};

static int uses_string_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    uses_string_svc = md_service_import(MD_SERVICE_STRING, 1);
    if (!uses_string_svc) return MD_ERR;
    return md_commands_register(uses_string_commands);
}

MD_MODULE(uses_string_on_load,
          .name = "uses_string",
          .version = 1,
          .description = "test: requires string.v1",
          .types = uses_string_types,
          .requires = uses_string_requires)
