/*
 * sdk_args.c — the SDK's argument section: strict number parsers and the
 * SET/GETEX option parser, replying Redis's exact error texts.
 */
#include "cmd.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>

static int arg_ll(md_arg_t a, long long *out)
{
    return util_str2ll(a.ptr, a.len, out) == 0 ? MD_OK : MD_ERR;
}

static int arg_ld(md_arg_t a, long double *out)
{
    return util_str2ld(a.ptr, a.len, out) == 0 ? MD_OK : MD_ERR;
}

static int arg_double(md_arg_t a, double *out)
{
    return util_str2d(a.ptr, a.len, out) == 0 ? MD_OK : MD_ERR;
}

static int parse_ll(md_ctx_t *c, md_arg_t a, long long *out)
{
    if (arg_ll(a, out) == MD_OK) return MD_OK;
    md_reply_error(c, MD_ERR_NOT_INT);
    return MD_ERR;
}

static int parse_double(md_ctx_t *c, md_arg_t a, double *out)
{
    if (arg_double(a, out) == MD_OK) return MD_OK;
    md_reply_error(c, MD_ERR_NOT_FLOAT);
    return MD_ERR;
}

static int arg_eq(md_arg_t a, const char *word)
{
    return util_eq_nocase(a.ptr, a.len, word);
}

static int expire_error(md_ctx_t *c)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "ERR invalid expire time in '%s' command",
             c->cmd ? cmd_fullname(c->cmd) : "set");
    md_reply_error(c, msg);
    return MD_ERR;
}

#define EXPIRE_OPTS (MD_OPT_EX | MD_OPT_PX | MD_OPT_EXAT | MD_OPT_PXAT)

static int parse_set_opts(md_ctx_t *c, int argc, const md_arg_t *argv,
                          int start, unsigned allowed, md_set_opts_t *out)
{
    unsigned f = 0;
    int expire_idx = -1;
    out->flags = 0;
    out->expire_at_ms = 0;
    for (int j = start; j < argc; j++) {
        md_arg_t o = argv[j];
        int has_next = j + 1 < argc;
        unsigned opt = 0;
        if (arg_eq(o, "NX") && !(f & MD_OPT_XX)) opt = MD_OPT_NX;
        else if (arg_eq(o, "XX") && !(f & MD_OPT_NX)) opt = MD_OPT_XX;
        else if (arg_eq(o, "GET")) opt = MD_OPT_GET;
        else if (arg_eq(o, "KEEPTTL") && !(f & (MD_OPT_PERSIST | EXPIRE_OPTS))) opt = MD_OPT_KEEPTTL;
        else if (arg_eq(o, "PERSIST") && !(f & (MD_OPT_KEEPTTL | EXPIRE_OPTS))) opt = MD_OPT_PERSIST;
        else if (has_next) {
            /* An expire option excludes the others (repeating one is fine:
             * the last value wins, as in Redis). */
            unsigned want = arg_eq(o, "EX") ? MD_OPT_EX : arg_eq(o, "PX") ? MD_OPT_PX :
                            arg_eq(o, "EXAT") ? MD_OPT_EXAT : arg_eq(o, "PXAT") ? MD_OPT_PXAT : 0;
            if (want && !(f & (MD_OPT_KEEPTTL | MD_OPT_PERSIST | (EXPIRE_OPTS & ~want)))) {
                opt = want;
                expire_idx = ++j;
            }
        }
        if (!opt || !(opt & allowed)) {
            md_reply_error(c, MD_ERR_SYNTAX);
            return MD_ERR;
        }
        f |= opt;
    }
    if (expire_idx >= 0) {
        long long v;
        if (parse_ll(c, argv[expire_idx], &v) != MD_OK) return MD_ERR;
        int seconds = (f & (MD_OPT_EX | MD_OPT_EXAT)) != 0;
        if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) return expire_error(c);
        if (seconds) v *= 1000;
        if (f & (MD_OPT_EX | MD_OPT_PX)) {
            if (v > LLONG_MAX - srv.cmd_time_ms) return expire_error(c);
            v += srv.cmd_time_ms;
        }
        out->expire_at_ms = v;
    }
    out->flags = f;
    return MD_OK;
}

/*
 * "numkeys key [key ...] WORD0|WORD1 [COUNT count]" from argv[idx] on, as
 * Redis's LMPOP/ZMPOP parse it: numkeys must leave room for the keys and
 * the word; COUNT at most once, and at least 1.
 */
static int parse_mpop(md_ctx_t *c, int argc, const md_arg_t *argv, int idx,
                      const char *word0, const char *word1, md_mpop_args_t *out)
{
    long long numkeys;
    int j, where;

    if (arg_ll(argv[idx], &numkeys) != MD_OK || numkeys < 1) {
        md_reply_error(c, "ERR numkeys should be greater than 0");
        return MD_ERR;
    }
    if (numkeys >= argc - idx - 1) {
        md_reply_error(c, MD_ERR_SYNTAX);
        return MD_ERR;
    }
    where = idx + (int)numkeys + 1;
    if (arg_eq(argv[where], word0)) out->which = 0;
    else if (arg_eq(argv[where], word1)) out->which = 1;
    else {
        md_reply_error(c, MD_ERR_SYNTAX);
        return MD_ERR;
    }
    out->nkeys = (int)numkeys;
    out->count = -1;
    for (j = where + 1; j < argc; j++) {
        if (out->count == -1 && arg_eq(argv[j], "COUNT") && j + 1 < argc) {
            j++;
            if (arg_ll(argv[j], &out->count) != MD_OK || out->count < 1) {
                md_reply_error(c, "ERR count should be greater than 0");
                return MD_ERR;
            }
        } else {
            md_reply_error(c, MD_ERR_SYNTAX);
            return MD_ERR;
        }
    }
    if (out->count == -1) out->count = 1;
    return MD_OK;
}

void sdk_api_fill_args(md_api_t *a)
{
    a->parse_mpop = parse_mpop;
    a->arg_ll = arg_ll;
    a->arg_ld = arg_ld;
    a->arg_double = arg_double;
    a->parse_ll = parse_ll;
    a->parse_double = parse_double;
    a->parse_set_opts = parse_set_opts;
    a->arg_eq = arg_eq;
}
