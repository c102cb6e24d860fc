/*
 * cmd_docs.c — COMMAND DOCS data of one command: a recursive-descent
 * parser for Redis's syntax notation with annotations,
 *
 *     seq   := item*
 *     item  := core annot? | '...'
 *     core  := '[' alts ']' | '<' alts '>' | '(' seq ')'
 *            | TOKEN ( '(' seq ')' | '<' alts '>' | word )? | word
 *     alts  := seq ('|' seq)*
 *     annot := '{' ( '=' name | '@' since | '-' deprecated_since | '#' n
 *                  | '"' display '"' | type )* '}'
 *
 * into an owned argument tree, and the replies for the tree, the history
 * and the doc flags. TOKEN is an upper-case word (or one of the symbols
 * = ~ * $ >); "x [x ...]" makes x
 * multiple, "a b [a b ...]" a multiple block (the token of a moves to the
 * block; spelled again in the repeat, it makes the argument
 * multiple_token). Invariants: every node's children
 * are indexes into the same node array; a parsed tree is never changed.
 */
#include "cmd_docs.h"
#include "mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_STRING, T_INTEGER, T_DOUBLE, T_KEY, T_PATTERN, T_UNIX_TIME, T_PURE_TOKEN,
       T_ONEOF, T_BLOCK, T_UNSET };
static const char *const type_names[] = {"string", "integer", "double", "key", "pattern",
                                         "unix-time", "pure-token", "oneof", "block", NULL};

#define AF_OPTIONAL 1
#define AF_MULTIPLE 2
#define AF_MULTIPLE_TOKEN 4
#define MAX_DEPTH 16

typedef struct dnode {
    char *name, *display, *token, *since, *deprecated; /* owned, NULL = absent */
    int type;
    int flags;        /* AF_* */
    int dots;         /* made multiple by a following "..." */
    int ksi;          /* key spec index; -1 = assign in order */
    int *kids, nkids; /* owned */
} dnode_t;

struct cmd_docs {
    dnode_t *n;
    int used, cap;
    int root;
};

typedef struct parser {
    const char *s, *start;
    cmd_docs_t *d;
    int depth, bad;
    char *err;
    size_t errcap;
} parser_t;

#define N(p, i) ((p)->d->n[i])

static void fail(parser_t *p, const char *fmt, ...)
{
    if (p->bad) return;
    p->bad = 1;
    char what[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (p->start) /* still reading the text: say where */
        snprintf(p->err, p->errcap, "syntax: %s at offset %d", what, (int)(p->s - p->start));
    else
        snprintf(p->err, p->errcap, "syntax: %s", what);
}

static int new_node(parser_t *p, int type)
{
    cmd_docs_t *d = p->d;
    if (d->used == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->n = mem_realloc(d->n, (size_t)d->cap * sizeof(dnode_t));
    }
    memset(&d->n[d->used], 0, sizeof(dnode_t));
    d->n[d->used].type = type;
    d->n[d->used].ksi = -1;
    return d->used++;
}

static void add_kid(parser_t *p, int parent, int kid)
{
    dnode_t *x = &N(p, parent);
    x->kids = mem_realloc(x->kids, (size_t)(x->nkids + 1) * sizeof(int));
    x->kids[x->nkids++] = kid;
}

static char *lower_dup(const char *s, size_t n)
{
    char *d = mem_strndup(s, n);
    for (char *q = d; *q; q++) *q = (char)tolower((unsigned char)*q);
    return d;
}

static void skip_ws(parser_t *p)
{
    while (*p->s == ' ') p->s++;
}

/* One-character tokens of Redis's docs (XADD's "=", "~" and "*", XREAD's
 * "$", XREADGROUP's ">"): each is a word, and a token. */
#define SYMBOL_TOKENS "=~*$>"

/* The length of the word at p->s ([A-Za-z0-9_:-]+ or one symbol token),
 * not consumed. */
static size_t word_len(const parser_t *p)
{
    size_t n = 0;
    if (p->s[0] && strchr(SYMBOL_TOKENS, p->s[0])) return 1;
    while (isalnum((unsigned char)p->s[n]) || p->s[n] == '-' || p->s[n] == '_' ||
           p->s[n] == ':')
        n++;
    return n;
}

static int is_upper_word(const char *w, size_t n)
{
    int letters = 0;
    if (n == 1 && strchr(SYMBOL_TOKENS, w[0])) return 1;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)w[i])) return 0;
        if (isupper((unsigned char)w[i])) letters++;
    }
    return letters > 0;
}

/* Read an annotation value up to a space or '}'. */
static char *annot_value(parser_t *p)
{
    size_t n = strcspn(p->s, " }");
    if (!n) {
        fail(p, "empty annotation");
        return NULL;
    }
    char *v = mem_strndup(p->s, n);
    p->s += n;
    return v;
}

static void set_str(char **slot, char *v)
{
    mem_free(*slot);
    *slot = v;
}

/* One attribute of an annotation block. */
static void parse_attr(parser_t *p, int node)
{
    char c = *p->s;
    if (c == '=' || c == '@' || c == '-' || c == '#') {
        p->s++;
        char *v = annot_value(p);
        if (!v) return;
        if (c == '=') set_str(&N(p, node).name, v);
        else if (c == '@') set_str(&N(p, node).since, v);
        else if (c == '-') set_str(&N(p, node).deprecated, v);
        else {
            char *end;
            long k = strtol(v, &end, 10);
            if (*end || k < 0 || k > 255) fail(p, "bad key spec index '%s'", v);
            N(p, node).ksi = (int)k;
            mem_free(v);
        }
        return;
    }
    if (c == '"') {
        const char *q = strchr(p->s + 1, '"');
        if (!q) return fail(p, "unterminated display text");
        set_str(&N(p, node).display, mem_strndup(p->s + 1, (size_t)(q - p->s - 1)));
        p->s = q + 1;
        return;
    }
    size_t n = strcspn(p->s, " }");
    for (int t = 0; t < T_ONEOF; t++) {
        if (strlen(type_names[t]) == n && !strncmp(type_names[t], p->s, n)) {
            N(p, node).type = t;
            p->s += n;
            return;
        }
    }
    fail(p, "unknown annotation '%.*s'", (int)n, p->s);
}

/* An optional "{...}" after an item. */
static void parse_annot(parser_t *p, int node)
{
    const char *save = p->s;
    skip_ws(p);
    if (*p->s != '{') {
        p->s = save;
        return;
    }
    p->s++;
    for (;;) {
        skip_ws(p);
        if (p->bad || *p->s == '}') break;
        if (!*p->s) return fail(p, "missing '}'");
        parse_attr(p, node);
    }
    p->s++;
}

static void parse_seq(parser_t *p, int parent);

/* '[' or '<' alternatives up to `close`: a oneof node with one block per
 * alternative. */
static int parse_alts(parser_t *p, char close)
{
    int alts = new_node(p, T_ONEOF);
    do {
        p->s++;
        int seq = new_node(p, T_BLOCK);
        parse_seq(p, seq);
        if (!p->bad && N(p, seq).nkids == 0) fail(p, "empty alternative");
        add_kid(p, alts, seq);
    } while (!p->bad && *p->s == '|');
    if (!p->bad && *p->s != close) fail(p, "expected '%c'", close);
    else if (!p->bad) p->s++;
    return alts;
}

/* Default name of a block: its token, else its first argument's name. */
static void name_block(parser_t *p, int b)
{
    if (N(p, b).name || !N(p, b).nkids) return;
    const char *src = N(p, b).token ? N(p, b).token : N(p, N(p, b).kids[0]).name;
    N(p, b).name = lower_dup(src, strlen(src));
}

/* Default name of a oneof: its alternatives' names joined with '_'. */
static void name_oneof(parser_t *p, int o)
{
    size_t len = 1;
    for (int i = 0; i < N(p, o).nkids; i++) len += strlen(N(p, N(p, o).kids[i]).name) + 1;
    char *s = mem_calloc(len);
    for (int i = 0; i < N(p, o).nkids; i++) {
        if (i) strcat(s, "_");
        strcat(s, N(p, N(p, o).kids[i]).name);
    }
    if (!N(p, o).name) N(p, o).name = s;
    else mem_free(s);
}

/* The argument a parsed alternatives node stands for: the only item of a
 * one-item alternative, a block of several items, or the oneof. */
static int build_alts(parser_t *p, int alts)
{
    for (int i = 0; i < N(p, alts).nkids; i++) {
        int seq = N(p, alts).kids[i];
        if (N(p, seq).nkids == 1) N(p, alts).kids[i] = N(p, seq).kids[0];
        else name_block(p, seq);
    }
    if (N(p, alts).nkids == 1) return N(p, alts).kids[0];
    name_oneof(p, alts);
    return alts;
}

/* Whether b (in "[... ...]") repeats a; b may lack a's token when
 * tok_optional (the token is then given once). */
static int same_arg(const dnode_t *a, const dnode_t *b, int tok_optional)
{
    if (a->nkids || b->nkids || a->type != b->type || strcmp(a->name, b->name) || a->flags ||
        (b->flags & ~AF_MULTIPLE))
        return 0;
    if (!b->token) return !a->token || tok_optional;
    return a->token && !strcmp(a->token, b->token);
}

/*
 * "[a b ...]" after the same plain items: they repeat. One item becomes
 * multiple, several a multiple block that replaces them in the parent (the
 * first item's token moves to the block). When the repeat spells the
 * token again, the argument is multiple_token too. Returns the repeated
 * node or -1.
 */
static int try_repeat(parser_t *p, int parent, int alts)
{
    if (N(p, alts).nkids != 1) return -1;
    int seq = N(p, alts).kids[0], k = N(p, seq).nkids, have = N(p, parent).nkids;
    if (!k || !N(p, N(p, seq).kids[k - 1]).dots || have < k) return -1;
    for (int i = 0; i < k; i++)
        if (!same_arg(&N(p, N(p, parent).kids[have - k + i]), &N(p, N(p, seq).kids[i]), i == 0))
            return -1;
    int first = N(p, parent).kids[have - k];
    int tokflag = N(p, N(p, seq).kids[0]).token ? AF_MULTIPLE_TOKEN : 0;
    if (k == 1) {
        N(p, first).flags |= AF_MULTIPLE | tokflag;
        return first;
    }
    int b = new_node(p, T_BLOCK);
    for (int i = 0; i < k; i++) add_kid(p, b, N(p, parent).kids[have - k + i]);
    N(p, parent).nkids -= k;
    N(p, b).token = N(p, first).token;
    N(p, first).token = NULL;
    N(p, b).flags = AF_MULTIPLE | tokflag;
    name_block(p, b);
    add_kid(p, parent, b);
    return b;
}

/* A group: '[' alts ']' (optional), '<' alts '>' or '(' seq ')'. Returns
 * the node; *added is set when it already sits in the parent. */
static int parse_group(parser_t *p, int parent, const char *token, int *added)
{
    char open = *p->s;
    int node;
    *added = 0;
    if (++p->depth > MAX_DEPTH) {
        fail(p, "nested too deep");
        return 0;
    }
    if (open == '(') {
        p->s++;
        node = new_node(p, T_BLOCK);
        parse_seq(p, node);
        if (!p->bad && !N(p, node).nkids) fail(p, "empty group");
        if (!p->bad && *p->s != ')') fail(p, "expected ')'");
        else if (!p->bad) p->s++;
    } else {
        int alts = parse_alts(p, open == '[' ? ']' : '>');
        if (p->bad) {   /* an alternative may be empty: build nothing */
            p->depth--;
            return alts;
        }
        node = open == '[' && !token ? try_repeat(p, parent, alts) : -1;
        *added = node >= 0;
        if (node < 0) node = build_alts(p, alts);
        if (open == '[' && !*added) N(p, node).flags |= AF_OPTIONAL;
    }
    if (token) set_str(&N(p, node).token, mem_strdup(token));
    if (N(p, node).type == T_BLOCK) name_block(p, node);
    p->depth--;
    return node;
}

/* A word item: a plain argument, TOKEN value, a pure TOKEN, or a TOKEN
 * heading a group. Returns the node; *added as for parse_group. */
static int parse_word_item(parser_t *p, int parent, int *added)
{
    size_t n = word_len(p);
    const char *w = p->s;
    *added = 0;
    p->s += n;
    if (!is_upper_word(w, n)) {
        int k = new_node(p, T_UNSET);
        N(p, k).name = mem_strndup(w, n);
        N(p, k).display = mem_strndup(w, n);
        return k;
    }
    char token[64];
    snprintf(token, sizeof(token), "%.*s", (int)n, w);
    const char *save = p->s;
    skip_ws(p);
    if (*p->s == '(' || *p->s == '<') return parse_group(p, parent, token, added);
    size_t vn = word_len(p);
    if (vn && !is_upper_word(p->s, vn)) {
        int k = new_node(p, T_UNSET);
        N(p, k).name = mem_strndup(p->s, vn);
        N(p, k).display = mem_strndup(p->s, vn);
        N(p, k).token = mem_strdup(token);
        p->s += vn;
        return k;
    }
    p->s = save;
    int k = new_node(p, T_PURE_TOKEN);
    N(p, k).name = lower_dup(w, n);
    N(p, k).token = mem_strdup(token);
    return k;
}

/* Mark the parent's last argument as repeated ("x ..."). */
static void parse_dots(parser_t *p, int parent)
{
    p->s += 3;
    if (!N(p, parent).nkids) return fail(p, "'...' without an argument");
    int last = N(p, parent).kids[N(p, parent).nkids - 1];
    N(p, last).flags |= AF_MULTIPLE;
    N(p, last).dots = 1;
}

/* Parse items into parent until the end, ']', '>', ')' or '|'. */
static void parse_seq(parser_t *p, int parent)
{
    while (!p->bad) {
        skip_ws(p);
        char c = *p->s;
        if (!c || c == ']' || c == '>' || c == ')' || c == '|') break;
        if (!strncmp(p->s, "...", 3)) {
            parse_dots(p, parent);
            continue;
        }
        int added = 0, node;
        if (c == '[' || c == '<' || c == '(') node = parse_group(p, parent, NULL, &added);
        else if (word_len(p)) node = parse_word_item(p, parent, &added);
        else {
            fail(p, "unexpected '%c'", c);
            break;
        }
        if (p->bad) break;
        parse_annot(p, node);
        if (!added) add_kid(p, parent, node);
    }
}

/* The type an argument's name implies (annotate {type} otherwise). */
static int type_of(const char *name)
{
    static const char *const ints[] = {
        "count", "offset", "start", "end", "stop", "index", "seconds", "milliseconds",
        "numkeys", "db", "destination-db", "len", "rank", "numfields", "increment",
        "decrement", "cursor", "min-match-len", "num-matches", "ttl", "frequency",
        "client-id", "maxage", "protover", "numlocal", NULL};
    static const char *const doubles[] = {"timeout", "score", "float", NULL};
    for (int i = 0; ints[i]; i++)
        if (!strcmp(name, ints[i])) return T_INTEGER;
    for (int i = 0; doubles[i]; i++)
        if (!strcmp(name, doubles[i])) return T_DOUBLE;
    if (strstr(name, "key") || !strcmp(name, "source") || !strcmp(name, "destination"))
        return T_KEY;
    if (!strncmp(name, "unix-time", 9)) return T_UNIX_TIME;
    if (!strcmp(name, "pattern")) return T_PATTERN;
    return T_STRING;
}

/* Types from names, then key spec indexes in order of appearance. */
static void finish(parser_t *p, int node, int nspecs, int *nextkey)
{
    dnode_t *x = &N(p, node);
    if (x->type == T_UNSET) x->type = type_of(x->name);
    if (x->type == T_KEY) {
        if (!nspecs) return fail(p, "key argument '%s' but no key specs", x->name);
        if (x->ksi < 0) x->ksi = *nextkey < nspecs ? *nextkey : nspecs - 1;
        if (x->ksi >= nspecs) return fail(p, "key spec index of '%s' out of range", x->name);
        (*nextkey)++;
    } else if (x->ksi >= 0 && x->type != T_PATTERN) {
        /* A pattern may name keys (SORT's BY and GET): it may carry an
         * explicit key spec index, as in Redis's docs. */
        return fail(p, "'%s' is not a key", x->name);
    } else if (x->ksi >= nspecs) {
        return fail(p, "key spec index of '%s' out of range", x->name);
    }
    for (int i = 0; i < x->nkids && !p->bad; i++) finish(p, N(p, node).kids[i], nspecs, nextkey);
}

int cmd_docs_parse(const char *syntax, int nspecs, cmd_docs_t **out, char *err, size_t errcap)
{
    *out = NULL;
    if (!syntax) return 0;
    parser_t p = {.s = syntax, .start = syntax, .err = err, .errcap = errcap};
    p.d = mem_calloc(sizeof(cmd_docs_t));
    p.d->root = new_node(&p, T_BLOCK);
    parse_seq(&p, p.d->root);
    if (!p.bad && *p.s) fail(&p, "unexpected '%c'", *p.s);
    int nextkey = 0;
    p.start = NULL;
    if (!p.bad) finish(&p, p.d->root, nspecs, &nextkey);
    if (p.bad) {
        cmd_docs_free(p.d);
        return -1;
    }
    *out = p.d;
    return 0;
}

void cmd_docs_free(cmd_docs_t *d)
{
    if (!d) return;
    for (int i = 0; i < d->used; i++) {
        dnode_t *x = &d->n[i];
        mem_free(x->name);
        mem_free(x->display);
        mem_free(x->token);
        mem_free(x->since);
        mem_free(x->deprecated);
        mem_free(x->kids);
    }
    mem_free(d->n);
    mem_free(d);
}

int cmd_docs_count(const cmd_docs_t *d) { return d ? d->n[d->root].nkids : 0; }

static void reply_str(md_ctx_t *c, const char *s) { md_reply_bulk(c, s, strlen(s)); }

static void reply_field(md_ctx_t *c, const char *name, const char *v)
{
    reply_str(c, name);
    reply_str(c, v);
}

static void reply_arg_flags(md_ctx_t *c, int flags)
{
    static const char *const names[] = {"optional", "multiple", "multiple_token"};
    int n = 0;
    for (int i = 0; i < 3; i++) n += (flags >> i) & 1;
    md_reply_set(c, n);
    for (int i = 0; i < 3; i++)
        if ((flags >> i) & 1) md_reply_simple(c, names[i]);
}

static void reply_list(md_ctx_t *c, const cmd_docs_t *d, int node);

/* One argument map, in Redis 7.4's field order. */
static void reply_node(md_ctx_t *c, const cmd_docs_t *d, int i)
{
    const dnode_t *x = &d->n[i];
    int container = x->type == T_ONEOF || x->type == T_BLOCK;
    int has_ksi = x->type == T_KEY || x->ksi >= 0;  /* keys, and key patterns */
    md_reply_map(c, 3 + has_ksi + !!x->token + !!x->since + !!x->deprecated + !!x->flags);
    reply_field(c, "name", x->name);
    reply_field(c, "type", type_names[x->type]);
    if (!container) reply_field(c, "display_text", x->display ? x->display : x->name);
    if (has_ksi) {
        reply_str(c, "key_spec_index");
        md_reply_int(c, x->ksi);
    }
    if (x->token) reply_field(c, "token", x->token);
    if (x->since) reply_field(c, "since", x->since);
    if (x->deprecated) reply_field(c, "deprecated_since", x->deprecated);
    if (x->flags) {
        reply_str(c, "flags");
        reply_arg_flags(c, x->flags);
    }
    if (container) {
        reply_str(c, "arguments");
        reply_list(c, d, i);
    }
}

static void reply_list(md_ctx_t *c, const cmd_docs_t *d, int node)
{
    md_reply_array(c, d->n[node].nkids);
    for (int k = 0; k < d->n[node].nkids; k++) reply_node(c, d, d->n[node].kids[k]);
}

void cmd_docs_reply_args(md_ctx_t *ctx, const cmd_docs_t *d)
{
    if (!d) md_reply_array(ctx, 0);
    else reply_list(ctx, d, d->root);
}

/* ---- history and doc flags ---- */

/* The version of a history line: its length before ": ", or 0. */
static size_t history_version(const char *line, size_t n)
{
    size_t v = 0;
    while (v < n && (isdigit((unsigned char)line[v]) || line[v] == '.')) v++;
    return v && v + 2 < n && line[v] == ':' && line[v + 1] == ' ' ? v : 0;
}

int cmd_docs_check_history(const char *history, char *err, size_t errcap)
{
    for (const char *s = history; s && *s;) {
        size_t n = strcspn(s, "\n");
        if (n && !history_version(s, n)) {
            snprintf(err, errcap, "history line '%.*s' is not 'version: text'", (int)n, s);
            return -1;
        }
        s += n + (s[n] == '\n');
    }
    return 0;
}

int cmd_docs_history_len(const char *history)
{
    int count = 0;
    for (const char *s = history; s && *s;) {
        size_t n = strcspn(s, "\n");
        count += n > 0;
        s += n + (s[n] == '\n');
    }
    return count;
}

void cmd_docs_reply_history(md_ctx_t *ctx, const char *history)
{
    md_reply_set(ctx, cmd_docs_history_len(history));
    for (const char *s = history; s && *s;) {
        size_t n = strcspn(s, "\n"), v = history_version(s, n);
        if (n) {
            md_reply_array(ctx, 2);
            md_reply_bulk(ctx, s, v);
            md_reply_bulk(ctx, s + v + 2, n - v - 2);
        }
        s += n + (s[n] == '\n');
    }
}

/* Call fn on each space-separated word of s; stops at a nonzero return. */
static int each_word(const char *s, int (*fn)(const char *w, size_t n, void *priv), void *priv)
{
    while (s && *s) {
        while (*s == ' ') s++;
        size_t n = strcspn(s, " ");
        if (n && fn(s, n, priv)) return -1;
        s += n;
    }
    return 0;
}

static int doc_flag_bad(const char *w, size_t n, void *priv)
{
    (void)priv;
    return !((n == 10 && !memcmp(w, "deprecated", 10)) || (n == 6 && !memcmp(w, "syscmd", 6)));
}

int cmd_docs_check_doc_flags(const char *flags, char *err, size_t errcap)
{
    if (each_word(flags, doc_flag_bad, NULL) == 0) return 0;
    snprintf(err, errcap, "doc flags '%s': only 'deprecated' and 'syscmd' exist", flags);
    return -1;
}

static int count_word(const char *w, size_t n, void *priv)
{
    (void)w, (void)n;
    (*(int *)priv)++;
    return 0;
}

static int reply_word(const char *w, size_t n, void *priv)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%.*s", (int)n, w);
    md_reply_simple(priv, buf);
    return 0;
}

void cmd_docs_reply_doc_flags(md_ctx_t *ctx, const char *flags)
{
    int n = 0;
    each_word(flags, count_word, &n);
    md_reply_set(ctx, n);
    each_word(flags, reply_word, ctx);
}
