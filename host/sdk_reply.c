/*
 * sdk_reply.c — the SDK's reply section: RESP2/RESP3-aware builders that
 * write into the calling client's output buffer, and error accounting.
 */
#include "client.h"
#include "cmd.h"
#include "resp.h"
#include "sdk_ctx.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static inline reply_t *out(md_ctx_t *c) { return c->client->out; }
static inline int proto(md_ctx_t *c) { return c->client->resp; }

static int r_simple(md_ctx_t *c, const char *s)
{
    resp_add_simple(out(c), s, strlen(s));
    return MD_OK;
}

static int r_error(md_ctx_t *c, const char *s)
{
    size_t n = strlen(s);
    resp_add_error(out(c), s, n);
    if (c->thread) sdk_thread_error(c->thread, s, n);
    else cmd_count_error(s, n);
    c->failed = 1;
    return MD_OK;
}

static int r_int(md_ctx_t *c, long long v)
{
    resp_add_int(out(c), v);
    return MD_OK;
}

static int r_bulk(md_ctx_t *c, const void *p, size_t n)
{
    resp_add_bulk(out(c), p, n);
    return MD_OK;
}

static int r_null(md_ctx_t *c)
{
    resp_add_null(out(c), proto(c));
    return MD_OK;
}

static int r_null_array(md_ctx_t *c)
{
    resp_add_null_array(out(c), proto(c));
    return MD_OK;
}

static int r_array(md_ctx_t *c, long n)
{
    resp_add_agg(out(c), proto(c), '*', n);
    return MD_OK;
}

static int r_map(md_ctx_t *c, long n)
{
    resp_add_agg(out(c), proto(c), '%', n);
    return MD_OK;
}

static int r_set(md_ctx_t *c, long n)
{
    resp_add_agg(out(c), proto(c), '~', n);
    return MD_OK;
}

static int r_double(md_ctx_t *c, double d)
{
    resp_add_double(out(c), proto(c), d);
    return MD_OK;
}

static int r_bool(md_ctx_t *c, int b)
{
    resp_add_bool(out(c), proto(c), b);
    return MD_OK;
}

static int r_bulk_ll(md_ctx_t *c, long long v)
{
    resp_add_bulk_ll(out(c), v);
    return MD_OK;
}

static int r_bulk_ld(md_ctx_t *c, long double v)
{
    char buf[5600];
    int n = util_ld2str(buf, sizeof(buf), v, 1);
    resp_add_bulk(out(c), buf, (size_t)n);
    return MD_OK;
}

static int r_human_ld(md_ctx_t *c, long double v)
{
    char buf[5600];
    int n = util_ld2str(buf, sizeof(buf), v, 1);
    resp_add_double_text(out(c), proto(c), buf, (size_t)n);
    return MD_OK;
}

static void *r_defer(md_ctx_t *c) { return reply_defer(out(c)); }

static void r_defer_set(md_ctx_t *c, void *h, int kind, long n)
{
    char buf[32];
    int k = resp_agg_header(buf, proto(c), (char)kind, n);
    reply_fill(out(c), h, buf, (size_t)k);
}

static int r_verbatim(md_ctx_t *c, const char *fmt3, const void *p, size_t n)
{
    resp_add_verbatim(out(c), proto(c), fmt3, p, n);
    return MD_OK;
}

static int r_wrongtype(md_ctx_t *c) { return r_error(c, MD_ERR_WRONGTYPE); }
static int r_syntax(md_ctx_t *c) { return r_error(c, MD_ERR_SYNTAX); }

int sdk_reply_help(md_ctx_t *c, const char *const *lines)
{
    long n = 0;
    while (lines[n]) n++;
    r_array(c, n);
    for (long i = 0; i < n; i++) r_simple(c, lines[i]);
    return MD_OK;
}

void sdk_api_fill_reply(md_api_t *a)
{
    a->reply_simple = r_simple;
    a->reply_error = r_error;
    a->reply_int = r_int;
    a->reply_bulk = r_bulk;
    a->reply_null = r_null;
    a->reply_null_array = r_null_array;
    a->reply_array = r_array;
    a->reply_map = r_map;
    a->reply_set = r_set;
    a->reply_double = r_double;
    a->reply_bool = r_bool;
    a->reply_bulk_ll = r_bulk_ll;
    a->reply_bulk_ld = r_bulk_ld;
    a->reply_human_ld = r_human_ld;
    a->reply_defer = r_defer;
    a->reply_defer_set = r_defer_set;
    a->reply_verbatim = r_verbatim;
    a->reply_wrongtype = r_wrongtype;
    a->reply_syntax = r_syntax;
}
