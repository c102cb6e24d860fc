/*
 * redact.c — see redact.h. The rules follow the commands' own syntax; a
 * command that is malformed (its handler refuses it) is still masked as
 * far as it can be read, so no secret leaks through an error.
 */
#include "redact.h"
#include "cmd.h"
#include "config.h"
#include "mem.h"

#include <string.h>
#include <strings.h>

static int arg_is(md_arg_t a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len == n && strncasecmp(a.ptr, lit, n) == 0;
}

/* HELLO [protover [AUTH user pass] [SETNAME name]]: the AUTH pair. */
static int redact_hello(int argc, const md_arg_t *argv, unsigned char *mask)
{
    int n = 0;
    for (int j = 2; j < argc; j++) {
        int more = argc - 1 - j;
        if (arg_is(argv[j], "auth") && more >= 2) {
            mask[j + 1] = mask[j + 2] = 1;
            n += 2;
            j += 2;
        } else if (arg_is(argv[j], "setname") && more >= 1) {
            j++;
        } else {
            break;
        }
    }
    return n;
}

/* CONFIG SET name value [name value ...]: values of sensitive names. */
static int redact_config_set(int argc, const md_arg_t *argv, unsigned char *mask)
{
    int n = 0;
    for (int j = 2; j + 1 < argc; j += 2) {
        char name[128];
        if (argv[j].len >= sizeof(name)) continue;
        memcpy(name, argv[j].ptr, argv[j].len);
        name[argv[j].len] = '\0';
        if (config_is_sensitive(name)) {
            mask[j + 1] = 1;
            n++;
        }
    }
    return n;
}

/* Set mask[i] for each secret argument; returns how many. */
static int redact_mask(const cmd_t *cmd, int argc, const md_arg_t *argv, unsigned char *mask)
{
    int from = 0; /* mask every argument from this index */
    if (!cmd->parent && !strcmp(cmd->name, "auth")) from = 1;
    else if (!cmd->parent && !strcmp(cmd->name, "hello")) return redact_hello(argc, argv, mask);
    else if (!strcmp(cmd->fullname, "config|set")) return redact_config_set(argc, argv, mask);
    else if (!strcmp(cmd->fullname, "acl|setuser"))
        from = 2;
    if (!from) return 0;
    for (int i = from; i < argc; i++) mask[i] = 1;
    return argc > from ? argc - from : 0;
}

const md_arg_t *redact_view(const cmd_t *cmd, int argc, const md_arg_t *argv)
{
    static const char text[] = "(redacted)";
    unsigned char *mask = mem_calloc((size_t)argc + 1);
    md_arg_t *view = NULL;
    if (redact_mask(cmd, argc, argv, mask) > 0) {
        view = mem_alloc(sizeof(md_arg_t) * (size_t)argc);
        for (int i = 0; i < argc; i++)
            view[i] = mask[i] ? (md_arg_t){text, sizeof(text) - 1} : argv[i];
    }
    mem_free(mask);
    return view ? view : argv;
}

void redact_free(const md_arg_t *view, const md_arg_t *argv)
{
    if (view != argv) mem_free((void *)view);
}
