/*
 * cmd_docs.c — a small recursive-descent parser for Redis's syntax
 * notation:  seq  := item*
 *            item := '[' alts ']' | UPPER [lower] | lower | '...'
 *            alts := seq ('|' seq)*
 * An UPPER word followed by a lower word is one argument with a token
 * (EX seconds); "x [x ...]" marks x multiple. The parse tree is built in
 * a fixed node array (syntax strings are short) and then replied.
 */
#include "cmd_docs.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_NODES 96

typedef struct node {
    char name[48];
    char token[48];
    const char *type;        /* "key", "string", "integer", ... */
    int optional, multiple;
    int kids[24];
    int nkids;
} node_t;

typedef struct parser {
    const char *s;
    node_t n[MAX_NODES];
    int used;
    int bad;
} parser_t;

static int new_node(parser_t *p, const char *type)
{
    if (p->used == MAX_NODES) {
        p->bad = 1;
        return 0;
    }
    node_t *x = &p->n[p->used];
    memset(x, 0, sizeof(*x));
    x->type = type;
    return p->used++;
}

static void skip_ws(parser_t *p)
{
    while (*p->s == ' ') p->s++;
}

/* Read one word ([A-Za-z0-9_:-]+); returns its length. */
static size_t word(parser_t *p, char *out, size_t cap)
{
    size_t n = 0;
    while (isalnum((unsigned char)p->s[n]) || p->s[n] == '-' || p->s[n] == '_' ||
           p->s[n] == ':')
        n++;
    snprintf(out, cap, "%.*s", (int)n, p->s);
    p->s += n;
    return n;
}

static int is_upper_word(const char *w)
{
    int letters = 0;
    for (; *w; w++) {
        if (islower((unsigned char)*w)) return 0;
        if (isupper((unsigned char)*w)) letters++;
    }
    return letters > 0;
}

/* The docs type implied by an argument's name. */
static const char *type_of(const char *name)
{
    static const char *const ints[] = {"count", "offset", "start", "end", "index", "seconds",
                                       "milliseconds", "numkeys", "db", "destination-db",
                                       "timeout", "len", "rank", "numfields", "increment",
                                       "cursor", "min-match-len", "integer", NULL};
    if (strstr(name, "key")) return "key";
    if (!strncmp(name, "unix-time", 9)) return "unix-time";
    if (!strcmp(name, "pattern")) return "pattern";
    if (!strcmp(name, "float") || !strcmp(name, "score")) return "double";
    for (int i = 0; ints[i]; i++)
        if (!strcmp(name, ints[i])) return "integer";
    return "string";
}

static int parse_seq(parser_t *p, int parent);

/* Add child to parent, or report overflow. */
static void add_kid(parser_t *p, int parent, int kid)
{
    node_t *x = &p->n[parent];
    if (x->nkids == (int)(sizeof(x->kids) / sizeof(x->kids[0]))) {
        p->bad = 1;
        return;
    }
    x->kids[x->nkids++] = kid;
}

/* A block is named after its first argument. */
static void name_from_first(parser_t *p, int block)
{
    node_t *b = &p->n[block];
    memcpy(b->name, p->n[b->kids[0]].name, sizeof(b->name));
}

/* '[' alts ']': one optional argument, a oneof, or an optional block. */
static void parse_bracket(parser_t *p, int parent)
{
    int alts = new_node(p, "oneof");
    int first_seq = new_node(p, "block");
    parse_seq(p, first_seq);
    add_kid(p, alts, first_seq);
    while (*p->s == '|' && !p->bad) {
        p->s++;
        int seq = new_node(p, "block");
        parse_seq(p, seq);
        add_kid(p, alts, seq);
    }
    if (*p->s != ']') {
        p->bad = 1;
        return;
    }
    p->s++;
    node_t *a = &p->n[alts];
    /* "[x ...]" after x: the previous argument repeats. */
    if (a->nkids == 1 && p->n[first_seq].nkids == 0) {
        node_t *par = &p->n[parent];
        if (par->nkids) p->n[par->kids[par->nkids - 1]].multiple = 1;
        return;
    }
    /* "x [x ...]": the bracket repeats the plain argument just before it,
     * which becomes one multiple argument (as Redis documents MGET). */
    if (a->nkids == 1 && p->n[first_seq].nkids == 1 && p->n[parent].nkids) {
        node_t *rep = &p->n[p->n[first_seq].kids[0]];
        node_t *prev = &p->n[p->n[parent].kids[p->n[parent].nkids - 1]];
        if (rep->multiple && !rep->nkids && !prev->nkids && !prev->optional &&
            !prev->multiple && !strcmp(prev->name, rep->name) &&
            !strcmp(prev->token, rep->token)) {
            prev->multiple = 1;
            return;
        }
    }
    int result;
    if (a->nkids == 1) {
        node_t *seq = &p->n[first_seq];
        result = seq->nkids == 1 ? seq->kids[0] : first_seq;
        if (seq->nkids > 1) name_from_first(p, first_seq);
    } else {
        for (int i = 0; i < a->nkids; i++) {
            node_t *seq = &p->n[a->kids[i]];
            if (seq->nkids == 1) a->kids[i] = seq->kids[0];
            else if (seq->nkids) name_from_first(p, a->kids[i]);
        }
        snprintf(a->name, sizeof(a->name), "%s", "condition");
        result = alts;
    }
    /* A repeated group inside brackets: [field value ...]. */
    p->n[result].optional = 1;
    add_kid(p, parent, result);
}

/* Parse items until ']' '|' or the end. */
static int parse_seq(parser_t *p, int parent)
{
    while (!p->bad) {
        skip_ws(p);
        char c = *p->s;
        if (!c || c == ']' || c == '|') break;
        if (c == '[') {
            p->s++;
            parse_bracket(p, parent);
            continue;
        }
        if (!strncmp(p->s, "...", 3)) {
            p->s += 3;
            node_t *par = &p->n[parent];
            if (par->nkids) p->n[par->kids[par->nkids - 1]].multiple = 1;
            continue;
        }
        char w[48];
        if (!word(p, w, sizeof(w))) {
            p->bad = 1;
            break;
        }
        if (is_upper_word(w)) {
            /* TOKEN value  or a pure token */
            const char *save = p->s;
            skip_ws(p);
            char v[48];
            if (islower((unsigned char)*p->s) && word(p, v, sizeof(v))) {
                int k = new_node(p, type_of(v));
                snprintf(p->n[k].name, sizeof(p->n[k].name), "%s", v);
                snprintf(p->n[k].token, sizeof(p->n[k].token), "%s", w);
                add_kid(p, parent, k);
            } else {
                p->s = save;
                int k = new_node(p, "pure-token");
                for (char *q = w; *q; q++) *q = (char)tolower((unsigned char)*q);
                snprintf(p->n[k].name, sizeof(p->n[k].name), "%s", w);
                for (char *q = w; *q; q++) *q = (char)toupper((unsigned char)*q);
                snprintf(p->n[k].token, sizeof(p->n[k].token), "%s", w);
                add_kid(p, parent, k);
            }
        } else {
            int k = new_node(p, type_of(w));
            snprintf(p->n[k].name, sizeof(p->n[k].name), "%s", w);
            add_kid(p, parent, k);
        }
    }
    return 0;
}

static void reply_str(md_ctx_t *c, const char *s) { md_reply_bulk(c, s, strlen(s)); }

static void reply_node(md_ctx_t *c, parser_t *p, int i)
{
    node_t *x = &p->n[i];
    int fields = 2 + (x->token[0] ? 1 : 0) + (x->optional || x->multiple ? 1 : 0) +
                 (x->nkids ? 1 : 0) + (!strcmp(x->type, "key") ? 1 : 0);
    md_reply_map(c, fields);
    reply_str(c, "name");
    reply_str(c, x->name[0] ? x->name : "arg");
    reply_str(c, "type");
    reply_str(c, x->type);
    if (!strcmp(x->type, "key")) {
        reply_str(c, "key_spec_index");
        md_reply_int(c, 0); /* COMMAND INFO declares one key spec */
    }
    if (x->token[0]) {
        reply_str(c, "token");
        reply_str(c, x->token);
    }
    if (x->optional || x->multiple) {
        reply_str(c, "flags");
        md_reply_set(c, x->optional + x->multiple);
        if (x->optional) md_reply_simple(c, "optional");
        if (x->multiple) md_reply_simple(c, "multiple");
    }
    if (x->nkids) {
        reply_str(c, "arguments");
        md_reply_array(c, x->nkids);
        for (int k = 0; k < x->nkids; k++) reply_node(c, p, x->kids[k]);
    }
}

void cmd_docs_reply_args(md_ctx_t *ctx, const char *syntax)
{
    static parser_t p;
    memset(&p, 0, sizeof(p));
    p.s = syntax ? syntax : "";
    int root = new_node(&p, "block");
    parse_seq(&p, root);
    if (p.bad || *p.s) {
        md_reply_array(ctx, 0);
        return;
    }
    md_reply_array(ctx, p.n[root].nkids);
    for (int k = 0; k < p.n[root].nkids; k++) reply_node(ctx, &p, p.n[root].kids[k]);
}
