/*
 * cmd_command.c — the COMMAND command: COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS, HELP, and the bare form listing every command. The
 * metadata comes from each command's declaration (host or module).
 */
#include "cmd.h"
#include "cmd_docs.h"
#include "client.h"
#include "hostcmds.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* Flags as COMMAND INFO lists them; may_replicate and protected are
 * internal and hidden, as in Redis. */
static const struct { uint64_t f; const char *name; } flag_names[] = {
    {CMD_WRITE, "write"}, {CMD_READONLY, "readonly"}, {CMD_DENYOOM, "denyoom"},
    {CMD_MODULE, "module"}, {CMD_ADMIN, "admin"}, {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"}, {CMD_BLOCKING, "blocking"}, {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"}, {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"}, {CMD_ASKING, "asking"}, {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"}, {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_ASYNC_LOADING, "no_async_loading"}, {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"}, {CMD_ALLOW_BUSY, "allow_busy"}, {0, NULL}};

/* ACL categories: the declared ones, then those implied by the flags. */
static int acl_list(const cmd_t *c, const char **out, int cap)
{
    int n = 0;
    static const struct { uint64_t f; const char *cat; } implied[] = {
        {CMD_WRITE, "write"}, {CMD_READONLY, "read"}, {CMD_ADMIN, "admin"},
        {CMD_ADMIN, "dangerous"}, {CMD_PUBSUB, "pubsub"}, {CMD_FAST, "fast"},
        {CMD_BLOCKING, "blocking"}, {0, NULL}};
    for (char **a = c->acl; a && *a && n < cap; a++) out[n++] = *a;
    for (int i = 0; implied[i].cat && n < cap; i++) {
        if (!(c->flags & implied[i].f)) continue;
        int have = 0;
        for (int j = 0; j < n; j++) have |= strcmp(out[j], implied[i].cat) == 0;
        if (!have) out[n++] = implied[i].cat;
    }
    if (!(c->flags & CMD_FAST) && n < cap) {
        int have = 0;
        for (int j = 0; j < n; j++) have |= strcmp(out[j], "slow") == 0;
        if (!have) out[n++] = "slow";
    }
    return n;
}

static void reply_str(md_ctx_t *ctx, const char *s) { md_reply_bulk(ctx, s, strlen(s)); }

static void reply_status_set(md_ctx_t *ctx, const char **items, int n, const char *prefix)
{
    md_reply_set(ctx, n);
    for (int i = 0; i < n; i++) {
        char buf[128];
        snprintf(buf, sizeof(buf), "%s%s", prefix, items[i]);
        md_reply_simple(ctx, buf);
    }
}

/* Tips: a set of bulk strings, one per space-separated word. */
static void reply_tips(md_ctx_t *ctx, const char *tips)
{
    int n = 0;
    for (const char *t = tips; t && *t; t += strcspn(t, " ")) {
        t += strspn(t, " ");
        n += *t != '\0';
    }
    md_reply_set(ctx, n);
    for (const char *t = tips; t && *t;) {
        t += strspn(t, " ");
        size_t k = strcspn(t, " ");
        if (k) md_reply_bulk(ctx, t, k);
        t += k;
    }
}

static void reply_info(md_ctx_t *ctx, const cmd_t *c)
{
    const char *flags[24], *acl[32];
    int nf = 0;
    for (int i = 0; flag_names[i].name; i++)
        if (c->flags & flag_names[i].f) flags[nf++] = flag_names[i].name;
    int na = acl_list(c, acl, 32);
    md_reply_array(ctx, 10);
    reply_str(ctx, c->fullname);
    md_reply_int(ctx, c->arity);
    reply_status_set(ctx, flags, nf, "");
    md_reply_int(ctx, c->first_key);
    md_reply_int(ctx, c->last_key);
    md_reply_int(ctx, c->step);
    reply_status_set(ctx, acl, na, "@");
    reply_tips(ctx, c->decl->tips);
    cmd_keyspecs_reply(ctx, &c->keyspecs);
    /* As Redis: an empty set without subcommands, else an array. */
    if (c->nsubs) md_reply_array(ctx, c->nsubs);
    else md_reply_set(ctx, 0);
    for (int i = 0; i < c->nsubs; i++) reply_info(ctx, c->subs[i]);
}

static void reply_opt_field(md_ctx_t *ctx, const char *name, const char *v)
{
    if (!v) return;
    reply_str(ctx, name);
    reply_str(ctx, v);
}

/* COMMAND DOCS of one command, in Redis's field order. */
static void reply_docs(md_ctx_t *ctx, const cmd_t *c)
{
    const md_command_t *d = c->decl;
    int fields = 1 + !!d->summary + !!d->since + !!d->complexity + !!c->owner +
                 !!d->doc_flags + !!d->deprecated_since + !!d->replaced_by +
                 !!cmd_docs_history_len(d->history) + !!c->docs + !!c->nsubs;
    md_reply_map(ctx, fields);
    reply_opt_field(ctx, "summary", d->summary);
    reply_opt_field(ctx, "since", d->since);
    reply_opt_field(ctx, "group", c->group ? c->group : "module");
    reply_opt_field(ctx, "complexity", d->complexity);
    if (c->owner) reply_opt_field(ctx, "module", c->owner->name);
    if (d->doc_flags) {
        reply_str(ctx, "doc_flags");
        cmd_docs_reply_doc_flags(ctx, d->doc_flags);
    }
    reply_opt_field(ctx, "deprecated_since", d->deprecated_since);
    reply_opt_field(ctx, "replaced_by", d->replaced_by);
    if (cmd_docs_history_len(d->history)) {
        reply_str(ctx, "history");
        cmd_docs_reply_history(ctx, d->history);
    }
    if (c->docs) {
        reply_str(ctx, "arguments");
        cmd_docs_reply_args(ctx, c->docs);
    }
    if (c->nsubs) {
        reply_str(ctx, "subcommands");
        md_reply_map(ctx, c->nsubs);
        for (int i = 0; i < c->nsubs; i++) {
            reply_str(ctx, c->subs[i]->fullname);
            reply_docs(ctx, c->subs[i]);
        }
    }
}

typedef struct collect {
    cmd_t **v;
    int n, cap;
} collect_t;

static void collect_cb(cmd_t *c, void *priv)
{
    collect_t *col = priv;
    if (col->n == col->cap) {
        col->cap = col->cap ? col->cap * 2 : 256;
        col->v = mem_realloc(col->v, (size_t)col->cap * sizeof(cmd_t *));
    }
    col->v[col->n++] = c;
}

static collect_t collect_all(void)
{
    collect_t col = {0};
    cmd_foreach(collect_cb, &col);
    return col;
}

static int command_bare(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    collect_t col = collect_all();
    md_reply_array(ctx, col.n);
    for (int i = 0; i < col.n; i++) reply_info(ctx, col.v[i]);
    mem_free(col.v);
    return MD_OK;
}

static int command_count(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_reply_int(ctx, (long long)cmd_count());
    return MD_OK;
}

/* Find "name" or "parent|sub". */
static cmd_t *find_full(md_arg_t a)
{
    const char *bar = memchr(a.ptr, '|', a.len);
    if (!bar) return cmd_lookup(a.ptr, a.len);
    cmd_t *p = cmd_lookup(a.ptr, (size_t)(bar - a.ptr));
    if (!p) return NULL;
    return cmd_lookup_sub(p, bar + 1, a.len - (size_t)(bar - a.ptr) - 1);
}

static int command_info(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (argc == 2) return command_bare(ctx, argc, argv);
    md_reply_array(ctx, argc - 2);
    for (int i = 2; i < argc; i++) {
        cmd_t *c = find_full(argv[i]);
        if (c) reply_info(ctx, c);
        else md_reply_null(ctx);
    }
    return MD_OK;
}

static int command_docs(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (argc == 2) {
        collect_t col = collect_all();
        md_reply_map(ctx, col.n);
        for (int i = 0; i < col.n; i++) {
            reply_str(ctx, col.v[i]->fullname);
            reply_docs(ctx, col.v[i]);
        }
        mem_free(col.v);
        return MD_OK;
    }
    int found = 0;
    for (int i = 2; i < argc; i++) found += find_full(argv[i]) != NULL;
    md_reply_map(ctx, found);
    for (int i = 2; i < argc; i++) {
        cmd_t *c = find_full(argv[i]);
        if (!c) continue;
        reply_str(ctx, c->fullname);
        reply_docs(ctx, c);
    }
    return MD_OK;
}

static int list_match(const cmd_t *c, int mode, md_arg_t arg)
{
    if (mode == 0) return 1;
    if (mode == 1) return c->owner && util_eq_nocase(arg.ptr, arg.len, c->owner->name);
    if (mode == 2) {
        const char *acl[32];
        int n = acl_list(c, acl, 32);
        md_arg_t cat = arg;
        if (cat.len && cat.ptr[0] == '@') cat.ptr++, cat.len--;
        for (int i = 0; i < n; i++)
            if (util_eq_nocase(cat.ptr, cat.len, acl[i])) return 1;
        return 0;
    }
    return util_glob(arg.ptr, arg.len, c->fullname, strlen(c->fullname), 1);
}

static int command_list(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    int mode = 0;
    md_arg_t arg = {0};
    if (argc == 5 && md_arg_eq(argv[2], "FILTERBY")) {
        arg = argv[4];
        if (md_arg_eq(argv[3], "MODULE")) mode = 1;
        else if (md_arg_eq(argv[3], "ACLCAT")) mode = 2;
        else if (md_arg_eq(argv[3], "PATTERN")) mode = 3;
        else {
            md_reply_syntax(ctx);
            return MD_OK;
        }
    } else if (argc != 2) {
        md_reply_syntax(ctx);
        return MD_OK;
    }
    collect_t col = collect_all();
    void *h = md_reply_defer(ctx);
    long n = 0;
    for (int i = 0; i < col.n; i++) {
        cmd_t *c = col.v[i];
        if (list_match(c, mode, arg)) {
            reply_str(ctx, c->fullname);
            n++;
        }
        for (int s = 0; s < c->nsubs; s++) {
            if (list_match(c->subs[s], mode, arg)) {
                reply_str(ctx, c->subs[s]->fullname);
                n++;
            }
        }
    }
    md_reply_defer_set(ctx, h, MD_DEFER_ARRAY, n);
    mem_free(col.v);
    return MD_OK;
}

/* The command argv names, as Redis's lookupCommand: a subcommand when the
 * command has subcommands and argv has a second word. */
static cmd_t *getkeys_lookup(int argc, const md_arg_t *argv)
{
    cmd_t *c = cmd_lookup(argv[0].ptr, argv[0].len);
    if (!c || argc == 1 || !c->nsubs) return c;
    return cmd_lookup_sub(c, argv[1].ptr, argv[1].len);
}

/* Whether a key spec names real keys (not only not_key ones). */
static int has_keys(const cmd_t *c)
{
    if (c->decl->getkeys || c->decl->getkeys_flags) return 1;
    for (int i = 0; i < c->keyspecs.n; i++)
        if (!(c->keyspecs.v[i].flags & KSF_NOT_KEY)) return 1;
    return 0;
}

static int getkeys(md_ctx_t *ctx, int argc, const md_arg_t *argv, int with_flags)
{
    int n = argc - 2;
    cmd_t *c = getkeys_lookup(n, argv + 2);
    const char *err = !c ? "ERR Invalid command specified"
                      : !has_keys(c) ? "ERR The command has no key arguments"
                      : ((c->arity > 0 && c->arity != n) || n < -c->arity)
                          ? "ERR Invalid number of arguments specified for command"
                          : NULL;
    if (err) {
        md_reply_error(ctx, err);
        return MD_OK;
    }
    cmd_keyref_t *keys = mem_alloc((size_t)n * sizeof(cmd_keyref_t));
    int k = cmd_get_keys(c, n, argv + 2, keys, n);
    if (k <= 0) {
        if (c->flags & CMD_NO_MANDATORY_KEYS) md_reply_array(ctx, 0);
        else md_reply_error(ctx, "ERR Invalid arguments specified for command");
    } else {
        md_reply_array(ctx, k);
        for (int i = 0; i < k; i++) {
            const md_arg_t *key = &argv[2 + keys[i].pos];
            if (with_flags) {
                md_reply_array(ctx, 2);
                md_reply_bulk(ctx, key->ptr, key->len);
                cmd_keyspecs_reply_flags(ctx, keys[i].flags);
            } else {
                md_reply_bulk(ctx, key->ptr, key->len);
            }
        }
    }
    mem_free(keys);
    return MD_OK;
}

static int command_getkeys(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    return getkeys(ctx, argc, argv, 0);
}

static int command_getkeysandflags(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    return getkeys(ctx, argc, argv, 1);
}

static int command_help(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    static const char *lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Print this help."};
    int n = (int)(sizeof(lines) / sizeof(lines[0]));
    md_reply_array(ctx, n);
    for (int i = 0; i < n; i++) md_reply_simple(ctx, lines[i]);
    return MD_OK;
}

/* COMMAND with no subcommand is dispatched here (arity -1 parent). */
static int command_cmd(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    return command_bare(ctx, argc, argv);
}

static const md_command_t command_subs[] = {
    {.name = "count", .handler = command_count, .arity = 2, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns a count of commands.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server"},
    {.name = "info", .handler = command_info, .arity = -2, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns information about one, multiple or all commands.",
     .since = "2.8.13", .complexity = "O(N) where N is the number of commands to look up",
     .group = "server",
     .syntax = "[command-name [command-name ...]]",
     .tips = "nondeterministic_output_order",
     .history = "7.0.0: Allowed to be called with no argument to get info on all commands."},
    {.name = "docs", .handler = command_docs, .arity = -2, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns documentary information about one, multiple or all commands.",
     .since = "7.0.0", .complexity = "O(N) where N is the number of commands to look up",
     .group = "server",
     .syntax = "[command-name [command-name ...]]",
     .tips = "nondeterministic_output_order"},
    {.name = "list", .handler = command_list, .arity = -2, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns a list of command names.", .since = "7.0.0",
     .complexity = "O(N) where N is the total number of Redis commands", .group = "server",
     .syntax = "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>{=filterby}]",
     .tips = "nondeterministic_output_order"},
    {.name = "getkeys", .handler = command_getkeys, .arity = -3, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Extracts the key names from an arbitrary command.",
     .since = "2.8.13", .complexity = "O(N) where N is the number of arguments to the command",
     .group = "server",
     .syntax = "command [arg [arg ...]]"},
    {.name = "getkeysandflags", .handler = command_getkeysandflags, .arity = -3,
     .flags = "loading stale", .acl = "@slow @connection",
     .summary = "Extracts the key names and access flags for an arbitrary command.",
     .since = "7.0.0", .complexity = "O(N) where N is the number of arguments to the command",
     .group = "server",
     .syntax = "command [arg [arg ...]]"},
    {.name = "help", .handler = command_help, .arity = 2, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns helpful text about the different subcommands.",
     .since = "5.0.0", .complexity = "O(1)", .group = "server"},
    {0}};

const md_command_t hostcmds_command[] = {
    {.name = "command", .handler = command_cmd, .arity = -1, .flags = "loading stale",
     .acl = "@slow @connection", .summary = "Returns detailed information about all commands.",
     .since = "2.8.13", .complexity = "O(N) where N is the total number of Redis commands",
     .subcommands = command_subs, .group = "server",
     .tips = "nondeterministic_output_order"},
    {0}};
