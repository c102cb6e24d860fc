/*
 * crashy.c — a test module whose one command crashes the server the way a
 * call into an unloaded module does: CRASHY.JUMP calls through a pointer
 * to an address no mapping covers (inside the never-mapped first page).
 * tests/integration/test_crash_report.py checks that the crash report
 * still reaches the log, with the caller in the backtrace.
 */
#include <modis.h>

typedef void (*jump_fn)(void);

/* volatile: the compiler must not see through the address. */
static volatile uintptr_t unmapped_address = 16;

static int crashy_jump(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    jump_fn f = (jump_fn)unmapped_address;
    f();
    return md_reply_ok(ctx); /* not reached */
}

static const md_command_t crashy_commands[] = {
    {.name = "crashy.jump", .handler = crashy_jump, .arity = 1, .flags = "admin",
     .acl = "@admin @dangerous", .summary = "Crashes the server by a jump into unmapped code "
     "(test module).", .since = "1.0.0", .complexity = "O(1)"},
    {0}};

static int crashy_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(crashy_commands);
}

MD_MODULE(crashy_on_load,
          .name = "crashy",
          .version = 1,
          .description = "test: a command that jumps into unmapped code")
