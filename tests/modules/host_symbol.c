/*
 * host_symbol.c — test module that references a symbol of the server
 * itself (`srv`, the host's global state) instead of going through the
 * SDK API table. The server exports no symbol, so dlopen() fails and the
 * load error must name `srv`. Its code never runs.
 */
#include <modis.h>

extern char srv[]; /* deliberately undeclared by the SDK */

static int peek(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_int(c, srv[0]);
}

static const md_command_t peek_commands[] = {
    {.name = "hostsym.peek", .handler = peek, .arity = 1, .flags = "readonly",
     .summary = "Reads the host's state directly (test module).", .since = "1.0.0",
     .complexity = "O(1)"},
    {.name = NULL}};

static const char *const peek_types[] = {NULL};

static int peek_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(peek_commands);
}

MD_MODULE(peek_on_load,
          .name = "host_symbol",
          .version = 1,
          .description = "test: references a host symbol",
          .types = peek_types)
