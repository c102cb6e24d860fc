/*
 * bad_meta.c — test module with broken SDK 1.2 command metadata. It first
 * registers BADMETA_OK (valid), then one command whose metadata is wrong
 * in the way the module argument names: "specs" (key specs that contradict
 * first/last/step), "specword" (an unknown word in a key spec), "syntax"
 * (an unbalanced bracket), "keyarg" (a key argument without key specs),
 * "history" (a line without "version: "), "docflags" (an unknown doc
 * flag). The whole load must fail with a message naming the command and
 * the problem, and BADMETA_OK must be gone.
 */
#include <modis.h>

static int bad_meta_reply(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_simple(ctx, "OK");
}

static const md_command_t bad_meta_ok[] = {
    {.name = "badmeta_ok", .handler = bad_meta_reply, .arity = 2, .flags = "readonly",
     .first_key = 1, .last_key = 1, .step = 1, .syntax = "key",
     .key_specs = "RO access index:1"},
    {0}};

#define BAD(...) \
    {.name = "badmeta", .handler = bad_meta_reply, .arity = -2, .flags = "write", __VA_ARGS__}

/* One broken table per case; each holds a single command. */
static const struct {
    const char *word;
    md_command_t cmds[2];
} bad_meta_cases[] = {
    {"specs", {BAD(.first_key = 1, .last_key = 1, .step = 1,
               .key_specs = "RW update index:1 range:1")}},
    {"specword", {BAD(.first_key = 1, .last_key = 1, .step = 1,
                  .key_specs = "RW update index:0")}},
    {"syntax", {BAD(.syntax = "value [NX | XX")}},
    {"keyarg", {BAD(.syntax = "key value")}},
    {"history", {BAD(.history = "7.0.0: fine\nnot a version")}},
    {"docflags", {BAD(.doc_flags = "deprecated hidden")}},
};

static int bad_meta_on_load(int argc, const md_arg_t *argv)
{
    if (md_commands_register(bad_meta_ok) != MD_OK) return MD_ERR;
    size_t n = sizeof(bad_meta_cases) / sizeof(bad_meta_cases[0]);
    for (size_t i = 0; argc == 1 && i < n; i++)
        if (md_arg_eq(argv[0], bad_meta_cases[i].word))
            return md_commands_register(bad_meta_cases[i].cmds);
    md_log(MD_LOG_WARNING, "bad_meta: give one of specs specword syntax keyarg history docflags");
    return MD_ERR;
}

static const char *const bad_meta_types[] = {NULL};

MD_MODULE(bad_meta_on_load,
          .name = "bad_meta",
          .version = 1,
          .description = "test: command metadata the host must refuse",
          .types = bad_meta_types)
