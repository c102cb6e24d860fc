/*
 * reply_tree.c — see reply_tree.h. The same recursive parser runs twice:
 * first to check the bytes and count the nodes, then over the tree's own
 * copy of the bytes to fill the nodes, so strings point into the copy.
 */
#include "reply_tree.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

typedef struct parser {
    const char *p;
    size_t n, pos;
    int proto;
    size_t count;            /* nodes seen (first pass) */
    md_reply_t *next;        /* the next free node (second pass) */
    const char *err;
} parser_t;

static int fail(parser_t *ps, const char *err)
{
    if (!ps->err) ps->err = err;
    return -1;
}

/* The line at pos (without CRLF); pos moves past it. */
static int line(parser_t *ps, const char **s, size_t *len)
{
    const char *start = ps->p + ps->pos;
    size_t left = ps->n - ps->pos;
    const char *cr = memchr(start, '\r', left);
    if (!cr || (size_t)(cr - start) + 1 >= left || cr[1] != '\n')
        return fail(ps, "incomplete reply");
    *s = start;
    *len = (size_t)(cr - start);
    ps->pos += *len + 2;
    return 0;
}

static int to_ll(const char *s, size_t len, long long *out)
{
    char buf[32];
    char *end;
    if (len == 0 || len >= sizeof(buf)) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtoll(buf, &end, 10);
    return errno || *end ? -1 : 0;
}

/* `len` payload bytes and their CRLF at pos. */
static int payload(parser_t *ps, long long len, const char **s)
{
    if (len < 0 || (size_t)len > ps->n - ps->pos || ps->n - ps->pos - (size_t)len < 2 ||
        memcmp(ps->p + ps->pos + len, "\r\n", 2) != 0)
        return fail(ps, "incomplete reply");
    *s = ps->p + ps->pos;
    ps->pos += (size_t)len + 2;
    return 0;
}

static int node(parser_t *ps, md_reply_t *r, int depth);

/* The elements of an aggregate of `n` (2n for a map) nodes. */
static int elements(parser_t *ps, md_reply_t *r, long long n, int depth)
{
    md_reply_t *kids = NULL;
    if (r) {
        kids = ps->next;
        ps->next += n;
        r->elems = kids;
    } else {
        ps->count += (size_t)n;
    }
    for (long long i = 0; i < n; i++)
        if (node(ps, kids ? &kids[i] : NULL, depth + 1) != 0) return -1;
    return 0;
}

/* Fill r (when given) from the type byte t and its line s[0..len). */
static int typed(parser_t *ps, md_reply_t *r, char t, const char *s, size_t len, int depth)
{
    md_reply_t tmp;
    long long v = 0;
    if (!r) r = &tmp;
    r->str = s;
    r->len = len;
    switch (t) {
    case '+': r->type = MD_REPLY_STATUS; return 0;
    case '-': r->type = MD_REPLY_ERROR; return 0;
    case '(': r->type = MD_REPLY_BIG_NUMBER; return 0;
    }
    r->str = NULL;
    r->len = 0;
    switch (t) {
    case '_': r->type = MD_REPLY_NULL; return 0;
    case ':':
        r->type = MD_REPLY_INTEGER;
        return to_ll(s, len, &r->ll) == 0 ? 0 : fail(ps, "bad integer");
    case '#':
        r->type = MD_REPLY_BOOL;
        r->ll = len == 1 && s[0] == 't';
        return len == 1 && (s[0] == 't' || s[0] == 'f') ? 0 : fail(ps, "bad boolean");
    case ',': {
        char buf[64];
        if (len == 0 || len >= sizeof(buf)) return fail(ps, "bad double");
        memcpy(buf, s, len);
        buf[len] = '\0';
        r->type = MD_REPLY_DOUBLE;
        r->d = strtod(buf, NULL);
        r->str = s;
        r->len = len;
        return 0;
    }
    }
    if (to_ll(s, len, &v) != 0 || v < -1 || v > (long long)ps->n)
        return fail(ps, "bad length");
    switch (t) {
    case '$': case '!': case '=':
        if (v == -1 && t == '$') {
            r->type = MD_REPLY_NULL;
            return 0;
        }
        if (payload(ps, v, &r->str) != 0) return -1;
        r->len = (size_t)v;
        r->type = t == '$' ? MD_REPLY_STRING : t == '!' ? MD_REPLY_ERROR : MD_REPLY_VERBATIM;
        if (t == '=') {
            if (v < 4 || r->str[3] != ':') return fail(ps, "bad verbatim string");
            r->str += 4;
            r->len -= 4;
        }
        return 0;
    case '*': case '~': case '>': case '%':
        if (v == -1 && t == '*') {
            r->type = MD_REPLY_NULL;
            return 0;
        }
        r->type = t == '~' ? MD_REPLY_SET : t == '%' ? MD_REPLY_MAP : MD_REPLY_ARRAY;
        r->len = (size_t)v;
        return elements(ps, r == &tmp ? NULL : r, t == '%' ? 2 * v : v, depth);
    }
    return fail(ps, "unknown reply type");
}

static int node(parser_t *ps, md_reply_t *r, int depth)
{
    const char *s;
    size_t len;
    if (depth > MAX_DEPTH) return fail(ps, "reply nested too deeply");
    if (ps->pos >= ps->n) return fail(ps, "incomplete reply");
    size_t start = ps->pos;
    char t = ps->p[ps->pos++];
    if (line(ps, &s, &len) != 0) return -1;
    if (t == '|') { /* an attribute: read it, keep what follows */
        long long pairs;
        if (to_ll(s, len, &pairs) != 0 || pairs < 0 || pairs > (long long)ps->n)
            return fail(ps, "bad length");
        parser_t skip = *ps;
        skip.next = NULL;
        if (elements(&skip, NULL, 2 * pairs, depth) != 0) return fail(ps, skip.err);
        ps->pos = skip.pos;
        return node(ps, r, depth);
    }
    if (r) {
        memset(r, 0, sizeof(*r));
        r->proto = ps->proto;
    }
    if (typed(ps, r, t, s, len, depth) != 0) return -1;
    if (r) {
        r->resp = ps->p + start;
        r->resplen = ps->pos - start;
    }
    return 0;
}

md_reply_t *reply_tree_parse(const char *p, size_t n, int proto, reply_tree_alloc_fn alloc,
                             void *arg, const char **err)
{
    parser_t ps = {.p = p, .n = n, .proto = proto, .count = 1};
    if (node(&ps, NULL, 0) != 0) {
        *err = ps.err;
        return NULL;
    }
    size_t used = ps.pos, nodes = ps.count * sizeof(md_reply_t);
    char *block = alloc(arg, nodes + used);
    md_reply_t *root = (md_reply_t *)block;
    char *copy = block + nodes;
    memcpy(copy, p, used);
    parser_t fill = {.p = copy, .n = used, .proto = proto, .next = root + 1};
    node(&fill, root, 0);
    root->owner = arg;
    return root;
}
