/*
 * debugsub.c — a test module with a DEBUG subcommand of its own:
 * DEBUG DEBUGSUB-ECHO <word> replies the word. Loaded with the argument
 * "clash" it also tries to take DEBUG OBJECT, which the host has, and must
 * fail to load (tests/integration/test_debug.py).
 */
#include <modis.h>

static int echo(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc;
    return md_reply_bulk(ctx, argv[2].ptr, argv[2].len);
}

static const md_command_t subs[] = {
    {.name = "debugsub-echo", .handler = echo, .arity = 3, .syntax = "<word>",
     .summary = "Reply <word> (test module).\nA second line of help."},
    {.name = NULL}};

static const md_command_t clash[] = {
    {.name = "object", .handler = echo, .arity = 3, .summary = "Takes a host name."},
    {.name = NULL}};

static int debugsub_on_load(int argc, const md_arg_t *argv)
{
    if (md_debug_register(subs) != MD_OK) return MD_ERR;
    if (argc == 1 && md_arg_eq(argv[0], "clash")) return md_debug_register(clash);
    return MD_OK;
}

MD_MODULE(debugsub_on_load,
          .name = "debugsub",
          .version = 1,
          .description = "test: a module with its own DEBUG subcommand")
