/*
 * lists_debug.c — what DEBUG asks of the lists module: the subcommand
 * QUICKLIST-PACKED-THRESHOLD <size> (registered with md_debug_register)
 * and the type's debug_repr for DEBUG LISTPACK <key> (a list in the
 * "listpack" encoding) and DEBUG QUICKLIST <key> [<0|1>] (a "quicklist"
 * one: Redis's quicklistRepr() text, with every node's content at level
 * 1). Texts are md_alloc'd; compressed nodes are shown through a
 * decompressed copy, the list itself is never changed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "modis.h"
#include "lists.h"
#include "lists_debug.h"

/* A growing md_alloc'd text. */
typedef struct text {
    char *p;
    size_t len, cap;
} text_t;

static void text_add(text_t *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1) cap *= 2;
        t->p = md_realloc(t->p, cap);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void text_printf(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text_t *t, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0) text_add(t, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* A node's uncompressed bytes: its data, or a decompressed copy (*copy
 * set, to be freed). NULL when the blob does not decompress. */
static const unsigned char *node_bytes(const ql_node_t *nd, unsigned char **copy)
{
    *copy = NULL;
    if (!nd->lzf) return nd->data;
    size_t clen;
    const void *blob = ql_node_lzf(nd, &clen);
    *copy = md_alloc(nd->sz);
    if (!ql_lzf.decompress || ql_lzf.decompress(blob, clen, *copy, nd->sz) != nd->sz) {
        md_free(*copy);
        *copy = NULL;
    }
    return *copy;
}

/* One node, and at level 1 its content. */
static void repr_node(text_t *t, const ql_node_t *nd, int index, int full)
{
    text_printf(t, "{quicklist node(%d)\n", index);
    text_printf(t, "{container : %s, encoding: %s, size: %zu, count: %u, recompress: %d}\n",
                nd->container == QL_PLAIN ? "PLAIN" : "PACKED", nd->lzf ? "LZF" : "RAW",
                nd->sz, nd->count, nd->recompress);
    if (!full) return;
    unsigned char *copy;
    const unsigned char *bytes = node_bytes(nd, &copy);
    if (!bytes) {
        text_printf(t, "{ undecompressable node }\n}\n");
        return;
    }
    if (nd->container == QL_PACKED) {
        char *lp = md_lp_repr(bytes);
        text_printf(t, "{ listpack:\n");
        text_add(t, lp, strlen(lp));
        text_printf(t, "}\n");
        md_free(lp);
    } else {
        text_printf(t, "{ entry : ");
        text_add(t, (const char *)bytes, nd->sz);
        text_printf(t, " }\n");
    }
    text_printf(t, "}\n");
    md_free(copy);
}

static char *repr_quicklist(const ql_t *ql, int full)
{
    text_t t = {NULL, 0, 0};
    text_printf(&t, "{count : %lu}\n{len : %lu}\n{fill : %d}\n{compress : %d}\n"
                    "{bookmark_count : 0}\n", ql->count, ql->len, ql->fill, ql->compress);
    int i = 0;
    for (const ql_node_t *nd = ql->head; nd; nd = nd->next) repr_node(&t, nd, i++, full);
    return t.p;
}

char *lists_debug_repr(const void *value, const char *what, int detail)
{
    const ql_t *ql = value;
    if (!strcmp(what, "listpack"))
        return ql->lpenc && ql->head ? md_lp_repr(ql->head->data) : NULL;
    if (!strcmp(what, "quicklist")) return ql->lpenc ? NULL : repr_quicklist(ql, detail);
    return NULL;
}

/* A size as Redis's memtoull() reads it: digits and an optional unit. */
static int parse_size(md_arg_t a, unsigned long long *out)
{
    static const struct { const char *unit; unsigned long long mul; } units[] = {
        {"", 1}, {"b", 1}, {"k", 1000}, {"kb", 1024}, {"m", 1000000}, {"mb", 1048576},
        {"g", 1000000000}, {"gb", 1073741824}};
    size_t d = 0;
    unsigned long long n = 0;
    while (d < a.len && a.ptr[d] >= '0' && a.ptr[d] <= '9') {
        if (n > (~0ULL - 9) / 10) return -1;
        n = n * 10 + (unsigned long long)(a.ptr[d++] - '0');
    }
    md_arg_t unit = {a.ptr + d, a.len - d};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (unit.len != strlen(units[i].unit) || (unit.len && !md_arg_eq(unit, units[i].unit)))
            continue;
        if (n > ~0ULL / units[i].mul) return -1;
        *out = n * units[i].mul;
        return 0;
    }
    return -1;
}

/* DEBUG QUICKLIST-PACKED-THRESHOLD <size>: elements of this size or more
 * get plain nodes from now on (0 restores 1 GB), as Redis. */
static int debug_packed_threshold(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned long long sz;
    if (parse_size(argv[2], &sz) != 0 || ql_set_packed_threshold(sz) != 0)
        return md_reply_error(c, "ERR argument must be a memory value bigger than 1 and "
                                 "smaller than 4gb");
    return md_reply_ok(c);
}

static const md_command_t debug_subs[] = {
    {.name = "quicklist-packed-threshold", .handler = debug_packed_threshold, .arity = 3,
     .syntax = "<size>",
     .summary = "Sets the threshold for elements to be inserted as plain vs packed nodes\n"
                "Default value is 1GB, allows values up to 4GB. Setting to 0 restores to "
                "default."},
    {.name = NULL}};

int lists_debug_register(void) { return md_debug_register(debug_subs); }
