/*
 * acl_cmd.c — the ACL subcommands with Redis 7.4's replies and errors:
 * SETUSER, DELUSER, GETUSER, LIST, USERS, CAT, GENPASS, LOG, DRYRUN,
 * LOAD, SAVE, HELP (WHOAMI, which needs the calling client, is in
 * cmd_acl.c with the command table). Arity is the dispatcher's.
 */
#include "acl_internal.h"
#include "acl_cmd.h"
#include "cmd.h"
#include "mem.h"
#include "server.h"

#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GENPASS_MAX_BITS 4096

static const char no_aclfile[] =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

static void reply_errorf(md_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_errorf(md_ctx_t *ctx, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    md_reply_error(ctx, msg);
}

static void reply_cstr(md_ctx_t *ctx, const char *s) { md_reply_bulk(ctx, s, strlen(s)); }

/* A subcommand called with more arguments than it takes. */
static int reply_sub_syntax(md_ctx_t *ctx, md_arg_t sub)
{
    reply_errorf(ctx, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try ACL "
                 "HELP.", (int)(sub.len > 128 ? 128 : sub.len), sub.ptr);
    return MD_OK;
}

static void reply_owned(md_ctx_t *ctx, char *s)
{
    reply_cstr(ctx, s);
    mem_free(s);
}

int acl_cmd_setuser(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_arg_t name = argv[2];
    if (acl_has_spaces(name.ptr, name.len)) {
        md_reply_error(ctx, "ERR Usernames can't contain spaces or null characters");
        return MD_OK;
    }
    acl_str_t *w = mem_alloc((size_t)argc * sizeof(*w));
    for (int i = 3; i < argc; i++) {
        w[i - 3].p = (char *)argv[i].ptr;
        w[i - 3].len = argv[i].len;
    }
    char err[1024];
    acl_user_t *u = acl_user_find(name.ptr, name.len);
    if (acl_setuser(u, name.ptr, name.len, w, argc - 3, err, sizeof(err)) == 0) {
        md_reply_ok(ctx);
    } else {
        char msg[1100];
        snprintf(msg, sizeof(msg), "ERR %s", err);
        md_reply_error(ctx, msg);
    }
    mem_free(w);
    return MD_OK;
}

int acl_cmd_deluser(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    for (int j = 2; j < argc; j++) {
        if (argv[j].len == 7 && !memcmp(argv[j].ptr, "default", 7)) {
            md_reply_error(ctx, "ERR The 'default' user cannot be removed");
            return MD_OK;
        }
    }
    long long deleted = 0;
    for (int j = 2; j < argc; j++) {
        acl_user_t *u = acl_user_find(argv[j].ptr, argv[j].len);
        if (!u) continue;
        acl_users_unlink(u);
        acl_kill_user_clients(u);
        acl_user_free(u);
        deleted++;
    }
    md_reply_int(ctx, deleted);
    return MD_OK;
}

/* commands, keys and channels of one selector (3 map entries). */
static void reply_selector(md_ctx_t *ctx, const acl_selector_t *s)
{
    reply_cstr(ctx, "commands");
    reply_owned(ctx, acl_describe_rules(s));
    reply_cstr(ctx, "keys");
    reply_owned(ctx, acl_describe_keys(s));
    reply_cstr(ctx, "channels");
    reply_owned(ctx, acl_describe_channels(s));
}

int acl_cmd_getuser(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    static const char *const flags[] = {"on", "off", "nopass", "skip-sanitize-payload",
                                        "sanitize-payload"};
    const acl_user_t *u = acl_user_find(argv[2].ptr, argv[2].len);
    if (!u) {
        md_reply_null(ctx);
        return MD_OK;
    }
    int nf = 0;
    for (int i = 0; i < 5; i++) nf += (u->flags >> i) & 1;
    md_reply_map(ctx, 6);
    reply_cstr(ctx, "flags");
    md_reply_set(ctx, nf);
    for (int i = 0; i < 5; i++)
        if (u->flags & (1u << i)) reply_cstr(ctx, flags[i]);
    reply_cstr(ctx, "passwords");
    md_reply_array(ctx, u->npass);
    for (int i = 0; i < u->npass; i++) md_reply_bulk(ctx, u->pass[i], ACL_HASH_LEN);
    reply_selector(ctx, u->sel[0]);
    reply_cstr(ctx, "selectors");
    md_reply_array(ctx, u->nsel - 1);
    for (int i = 1; i < u->nsel; i++) {
        md_reply_map(ctx, 3);
        reply_selector(ctx, u->sel[i]);
    }
    return MD_OK;
}

static int list_users(md_ctx_t *ctx, int names_only)
{
    md_reply_array(ctx, acl_users_count());
    for (int i = 0; i < acl_users_count(); i++) {
        const acl_user_t *u = acl_users_at(i);
        if (names_only) {
            md_reply_bulk(ctx, u->name.p, u->name.len);
            continue;
        }
        char *d = acl_describe_user(u);
        size_t n = u->name.len + strlen(d) + 7;
        char *line = mem_alloc(n);
        int k = snprintf(line, n, "user %.*s %s", (int)u->name.len, u->name.p, d);
        md_reply_bulk(ctx, line, (size_t)k);
        mem_free(line);
        mem_free(d);
    }
    return MD_OK;
}

int acl_cmd_list(md_ctx_t *ctx, int argc, const md_arg_t *argv) { return list_users(ctx, 0); }
int acl_cmd_users(md_ctx_t *ctx, int argc, const md_arg_t *argv) { return list_users(ctx, 1); }

typedef struct cat_list {
    md_ctx_t *ctx;
    const char *cat;
    long n;
} cat_list_t;

static void cat_visit(cmd_t *c, void *priv)
{
    cat_list_t *l = priv;
    const char *cats[32];
    int n = cmd_acl_categories(c, cats, 32);
    for (int i = 0; i < n; i++) {
        if (strcmp(cats[i], l->cat)) continue;
        reply_cstr(l->ctx, c->fullname);
        l->n++;
        break;
    }
    for (int i = 0; i < c->nsubs; i++) cat_visit(c->subs[i], priv);
}

int acl_cmd_cat(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (argc > 3) return reply_sub_syntax(ctx, argv[1]);
    if (argc == 2) {
        int n = 0;
        while (acl_categories[n]) n++;
        md_reply_array(ctx, n);
        for (int i = 0; i < n; i++) reply_cstr(ctx, acl_categories[i]);
        return MD_OK;
    }
    const char *cat = NULL;
    for (int i = 0; acl_categories[i] && !cat; i++)
        if (md_arg_eq(argv[2], acl_categories[i])) cat = acl_categories[i];
    if (!cat) {
        reply_errorf(ctx, "ERR Unknown category '%.*s'",
                     (int)(argv[2].len > 128 ? 128 : argv[2].len), argv[2].ptr);
        return MD_OK;
    }
    cat_list_t l = {ctx, cat, 0};
    void *h = md_reply_defer(ctx);
    cmd_foreach(cat_visit, &l);
    md_reply_defer_set(ctx, h, '*', l.n);
    return MD_OK;
}

int acl_cmd_genpass(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    static const char hex[] = "0123456789abcdef";
    long long bits = 256;
    if (argc > 3) return reply_sub_syntax(ctx, argv[1]);
    if (argc == 3 && md_arg_ll(argv[2], &bits) != MD_OK) {
        md_reply_error(ctx, MD_ERR_NOT_INT);
        return MD_OK;
    }
    if (bits <= 0 || bits > GENPASS_MAX_BITS) {
        reply_errorf(ctx, "ERR ACL GENPASS argument must be the number of bits for the output "
                     "password, a positive number up to %d", GENPASS_MAX_BITS);
        return MD_OK;
    }
    unsigned char raw[GENPASS_MAX_BITS / 8];
    char pass[GENPASS_MAX_BITS / 4];
    size_t chars = (size_t)(bits + 3) / 4;
    if (RAND_bytes(raw, (int)((chars + 1) / 2)) != 1) {
        md_reply_error(ctx, "ERR Failed to generate random bytes");
        return MD_OK;
    }
    for (size_t i = 0; i < chars; i++) pass[i] = hex[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    md_reply_bulk(ctx, pass, chars);
    return MD_OK;
}

int acl_cmd_log(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    long long count = 10;
    if (argc > 3) return reply_sub_syntax(ctx, argv[1]);
    if (argc == 3 && md_arg_eq(argv[2], "reset")) {
        acl_log_reset();
        md_reply_ok(ctx);
        return MD_OK;
    }
    if (argc == 3 && md_arg_ll(argv[2], &count) != MD_OK) {
        md_reply_error(ctx, MD_ERR_NOT_INT);
        return MD_OK;
    }
    acl_log_reply(ctx, count);
    return MD_OK;
}

/* The command argv[0..] names (its subcommand for a container), as
 * Redis's lookupCommand. */
static cmd_t *lookup_call(int argc, const md_arg_t *argv)
{
    cmd_t *c = cmd_lookup(argv[0].ptr, argv[0].len);
    if (!c || argc == 1 || !c->nsubs) return c;
    return cmd_lookup_sub(c, argv[1].ptr, argv[1].len);
}

int acl_cmd_dryrun(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    const acl_user_t *u = acl_user_find(argv[2].ptr, argv[2].len);
    if (!u) {
        reply_errorf(ctx, "ERR User '%.*s' not found", (int)argv[2].len, argv[2].ptr);
        return MD_OK;
    }
    const md_arg_t *call = argv + 3;
    int n = argc - 3;
    cmd_t *c = lookup_call(n, call);
    if (!c) {
        reply_errorf(ctx, "ERR Command '%.*s' not found", (int)call[0].len, call[0].ptr);
        return MD_OK;
    }
    if ((c->arity > 0 && c->arity != n) || n < -c->arity) {
        reply_errorf(ctx, "ERR wrong number of arguments for '%s' command", c->fullname);
        return MD_OK;
    }
    int pos;
    int r = acl_check(u, c, n, call, &pos);
    if (r == ACL_OK) {
        md_reply_ok(ctx);
        return MD_OK;
    }
    char text[600];
    acl_denial_text(r, u, c, call[pos], 1, text, sizeof(text));
    reply_cstr(ctx, text);
    return MD_OK;
}

int acl_cmd_load(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (!srv.aclfile || !srv.aclfile[0]) {
        md_reply_error(ctx, no_aclfile);
        return MD_OK;
    }
    char *errors = acl_load_file();
    if (!errors) {
        md_reply_ok(ctx);
        return MD_OK;
    }
    reply_errorf(ctx, "ERR %s", errors);
    mem_free(errors);
    return MD_OK;
}

int acl_cmd_save(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    if (!srv.aclfile || !srv.aclfile[0]) md_reply_error(ctx, no_aclfile);
    else if (acl_save_file() == 0) md_reply_ok(ctx);
    else md_reply_error(ctx, "ERR There was an error trying to save the ACLs. Please check the "
                             "server logs for more information");
    return MD_OK;
}

int acl_cmd_help(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Print this help."};
    int n = (int)(sizeof(lines) / sizeof(lines[0]));
    md_reply_array(ctx, n);
    for (int i = 0; i < n; i++) md_reply_simple(ctx, lines[i]);
    return MD_OK;
}
