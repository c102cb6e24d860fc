/*
 * resp.c — RESP parsing and encoding. Error texts match Redis's exactly
 * (they follow "-ERR Protocol error: ").
 */
#include "resp.h"
#include "dtoa.h"
#include "mem.h"
#include "util.h"
#include "words.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define INLINE_MAX (64 * 1024)

void resp_parser_init(resp_parser_t *p)
{
    memset(p, 0, sizeof(*p));
    p->bulk_len = -1;
    p->max_bulk = 512LL * 1024 * 1024;
    p->max_mbulk = INT_MAX; /* Redis: any count an int holds, within the query buffer limit */
}

void resp_parser_free(resp_parser_t *p)
{
    mem_free(p->args);
    p->args = NULL;
    p->cap = 0;
}

void resp_parser_reset(resp_parser_t *p)
{
    p->kind = 0;
    p->mb_left = 0;
    p->bulk_len = -1;
    p->pos = 0;
    p->nargs = 0;
    p->inline_empty = 0;
}

static void push_arg(resp_parser_t *p, size_t off, size_t len)
{
    if (p->nargs == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->args = mem_realloc(p->args, (size_t)p->cap * sizeof(*p->args));
    }
    p->args[p->nargs].off = off;
    p->args[p->nargs].len = len;
    p->nargs++;
}

static int fail(resp_parser_t *p, const char *msg)
{
    p->err = msg;
    return RESP_ERROR;
}

/* words_split_inplace() reports each inline word here. */
static void push_word(void *p, size_t off, size_t len) { push_arg(p, off, len); }

static int parse_inline(resp_parser_t *p, char *buf, size_t len,
                        size_t *consumed)
{
    char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (len > INLINE_MAX) return fail(p, "too big inline request");
        return RESP_NEED_MORE;
    }
    size_t linelen = (size_t)(nl - buf);
    if (linelen && buf[linelen - 1] == '\r') linelen--;
    p->nargs = 0;
    if (words_split_inplace(buf, linelen, push_word, p) < 0)
        return fail(p, "unbalanced quotes in request");
    *consumed = (size_t)(nl - buf) + 1;
    p->inline_empty = p->nargs == 0;
    return RESP_READY;
}

/* Parse a "<c>N\r\n" header at buf+pos. Returns 1 done, 0 need more,
 * -1 bad number, -2 line too long. */
static int parse_header(const char *buf, size_t len, size_t pos,
                        long long *out, size_t *next)
{
    const char *start = buf + pos + 1;
    size_t avail = len - pos - 1;
    const char *cr = memchr(start, '\r', avail);
    if (!cr) return len - pos > INLINE_MAX ? -2 : 0;
    if ((size_t)(cr - start) + 1 >= avail) return 0; /* need the \n */
    if (util_str2ll(start, (size_t)(cr - start), out) != 0) return -1;
    *next = (size_t)(cr - buf) + 2;
    return 1;
}

int resp_parse(resp_parser_t *p, char *buf, size_t len, size_t *consumed,
               size_t *want)
{
    *want = 0;
    if (p->kind == 0) {
        if (len == 0) return RESP_NEED_MORE;
        if (buf[0] != '*') {
            p->kind = 'i';
        } else {
            long long n;
            size_t next;
            int r = parse_header(buf, len, 0, &n, &next);
            if (r == 0) return RESP_NEED_MORE;
            if (r == -2) return fail(p, "too big mbulk count string");
            if (r < 0 || n > p->max_mbulk) return fail(p, "invalid multibulk length");
            if (p->unauth && n > 10) return fail(p, "unauthenticated multibulk length");
            p->kind = '*';
            p->pos = next;
            p->nargs = 0;
            if (n <= 0) {
                *consumed = next;
                p->inline_empty = 1;
                return RESP_READY;
            }
            p->mb_left = n;
        }
    }
    if (p->kind == 'i') return parse_inline(p, buf, len, consumed);

    while (p->mb_left > 0) {
        if (p->bulk_len < 0) {
            if (p->pos >= len) return RESP_NEED_MORE;
            if (buf[p->pos] != '$') {
                snprintf(p->errbuf, sizeof(p->errbuf), "expected '$', got '%c'",
                         buf[p->pos]);
                return fail(p, p->errbuf);
            }
            long long n;
            size_t next;
            int r = parse_header(buf, len, p->pos, &n, &next);
            if (r == 0) return RESP_NEED_MORE;
            if (r == -2) return fail(p, "too big bulk count string");
            if (r < 0 || n < 0 || n > p->max_bulk) return fail(p, "invalid bulk length");
            if (p->unauth && n > 16384) return fail(p, "unauthenticated bulk length");
            p->bulk_len = n;
            p->pos = next;
        }
        size_t need = p->pos + (size_t)p->bulk_len + 2;
        if (len < need) {
            *want = need - len;
            return RESP_NEED_MORE;
        }
        push_arg(p, p->pos, (size_t)p->bulk_len);
        p->pos = need;
        p->bulk_len = -1;
        p->mb_left--;
    }
    *consumed = p->pos;
    return RESP_READY;
}

/* ---- encoders ---- */

void resp_add_raw(reply_t *r, const char *s, size_t n) { reply_append(r, s, n); }

static void add_line(reply_t *r, char c, const char *s, size_t n)
{
    char small[128];
    if (n + 3 <= sizeof(small)) {
        small[0] = c;
        memcpy(small + 1, s, n);
        small[n + 1] = '\r';
        small[n + 2] = '\n';
        reply_append(r, small, n + 3);
        return;
    }
    reply_append(r, &c, 1);
    reply_append(r, s, n);
    reply_append(r, "\r\n", 2);
}

/* Simple strings and errors may not hold CR/LF: replace them by spaces. */
static void add_line_safe(reply_t *r, char c, const char *s, size_t n)
{
    if (!memchr(s, '\r', n) && !memchr(s, '\n', n)) {
        add_line(r, c, s, n);
        return;
    }
    char *t = mem_strndup(s, n);
    for (size_t i = 0; i < n; i++)
        if (t[i] == '\r' || t[i] == '\n') t[i] = ' ';
    add_line(r, c, t, n);
    mem_free(t);
}

void resp_add_simple(reply_t *r, const char *s, size_t n) { add_line_safe(r, '+', s, n); }
void resp_add_error(reply_t *r, const char *s, size_t n) { add_line_safe(r, '-', s, n); }

static int header(char *buf, char c, long long n)
{
    buf[0] = c;
    int k = util_ll2str(buf + 1, 24, n);
    buf[k + 1] = '\r';
    buf[k + 2] = '\n';
    return k + 3;
}

void resp_add_int(reply_t *r, long long v)
{
    static const char *small[] = {":0\r\n", ":1\r\n"};
    if (v == 0 || v == 1) {
        reply_append(r, small[v], 4);
        return;
    }
    char buf[32];
    reply_append(r, buf, (size_t)header(buf, ':', v));
}

void resp_add_bulk(reply_t *r, const void *p, size_t n)
{
    char buf[32 + 64];
    int k = header(buf, '$', (long long)n);
    if (n <= 64) {
        memcpy(buf + k, p, n);
        buf[k + n] = '\r';
        buf[k + n + 1] = '\n';
        reply_append(r, buf, k + n + 2);
        return;
    }
    reply_append(r, buf, (size_t)k);
    reply_append(r, p, n);
    reply_append(r, "\r\n", 2);
}

void resp_add_bulk_cstr(reply_t *r, const char *s) { resp_add_bulk(r, s, strlen(s)); }

void resp_add_bulk_ll(reply_t *r, long long v)
{
    char buf[24];
    int n = util_ll2str(buf, sizeof(buf), v);
    resp_add_bulk(r, buf, (size_t)n);
}

void resp_add_null(reply_t *r, int proto)
{
    if (proto >= 3) reply_append(r, "_\r\n", 3);
    else reply_append(r, "$-1\r\n", 5);
}

void resp_add_null_array(reply_t *r, int proto)
{
    if (proto >= 3) reply_append(r, "_\r\n", 3);
    else reply_append(r, "*-1\r\n", 5);
}

int resp_agg_header(char *buf, int proto, char kind, long n)
{
    if (proto < 3) {
        if (kind == '%') n *= 2;
        kind = '*';
    }
    return header(buf, kind, n);
}

void resp_add_agg(reply_t *r, int proto, char kind, long n)
{
    char buf[32];
    reply_append(r, buf, (size_t)resp_agg_header(buf, proto, kind, n));
}

void resp_add_double(reply_t *r, int proto, double d)
{
    char buf[DTOA_BUF];
    int n = dtoa_redis(d, buf, sizeof(buf));
    if (proto >= 3) add_line(r, ',', buf, (size_t)n);
    else resp_add_bulk(r, buf, (size_t)n);
}

void resp_add_double_text(reply_t *r, int proto, const char *s, size_t n)
{
    if (proto >= 3) add_line(r, ',', s, n);
    else resp_add_bulk(r, s, n);
}

void resp_add_bool(reply_t *r, int proto, int b)
{
    if (proto >= 3) reply_append(r, b ? "#t\r\n" : "#f\r\n", 4);
    else resp_add_int(r, b ? 1 : 0);
}

void resp_add_verbatim(reply_t *r, int proto, const char *fmt3, const char *p,
                       size_t n)
{
    if (proto < 3) {
        resp_add_bulk(r, p, n);
        return;
    }
    char buf[40];
    int k = header(buf, '=', (long long)n + 4);
    memcpy(buf + k, fmt3, 3);
    buf[k + 3] = ':';
    reply_append(r, buf, (size_t)k + 4);
    reply_append(r, p, n);
    reply_append(r, "\r\n", 2);
}
