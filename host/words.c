/*
 * words.c — Redis's word syntax (splitting and quoting): see words.h.
 * Splitting works in place: unescaping only ever shortens a word, so each
 * word is written over its own bytes, and nothing is allocated.
 */
#include "words.h"
#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char unescape(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
    }
}

/* After a closing quote at line[i - 1]: the word must end there. */
static int closed(const char *line, size_t len, size_t i)
{
    return i < len && !isspace((unsigned char)line[i]) ? -1 : 0;
}

/* The rest of a "..." part, from line[*i] (after the quote); the bytes go
 * to line[*out...]. 0 at the closing quote, -1 when unbalanced. */
static int scan_double(char *line, size_t len, size_t *i, size_t *out)
{
    for (;;) {
        size_t k = *i;
        if (k >= len) return -1;
        if (line[k] == '\\' && k + 3 < len && line[k + 1] == 'x' && hexval(line[k + 2]) >= 0 &&
            hexval(line[k + 3]) >= 0) {
            line[(*out)++] = (char)(hexval(line[k + 2]) * 16 + hexval(line[k + 3]));
            *i = k + 4;
        } else if (line[k] == '\\' && k + 1 < len) {
            line[(*out)++] = unescape(line[k + 1]);
            *i = k + 2;
        } else if (line[k] == '"') {
            *i = k + 1;
            return closed(line, len, *i);
        } else {
            line[(*out)++] = line[k];
            *i = k + 1;
        }
    }
}

/* The rest of a '...' part: as scan_double(), with \' as the only escape. */
static int scan_single(char *line, size_t len, size_t *i, size_t *out)
{
    for (;;) {
        size_t k = *i;
        if (k >= len) return -1;
        if (line[k] == '\\' && k + 1 < len && line[k + 1] == '\'') {
            line[(*out)++] = '\'';
            *i = k + 2;
        } else if (line[k] == '\'') {
            *i = k + 1;
            return closed(line, len, *i);
        } else {
            line[(*out)++] = line[k];
            *i = k + 1;
        }
    }
}

/* One word from line[*i]: plain bytes up to a blank, or up to a quoted
 * part, which ends the word. 0, or -1 when a quote is unbalanced. */
static int scan_word(char *line, size_t len, size_t *i, size_t *out)
{
    for (;;) {
        size_t k = *i;
        if (k >= len) return 0;
        char c = line[k];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') return 0;
        *i = k + 1;
        if (c == '"') return scan_double(line, len, i, out);
        if (c == '\'') return scan_single(line, len, i, out);
        line[(*out)++] = c;
    }
}

int words_split_inplace(char *line, size_t len, words_fn fn, void *priv)
{
    size_t i = 0;
    int n = 0;
    len = strnlen(line, len);
    for (;;) {
        while (i < len && isspace((unsigned char)line[i])) i++;
        if (i >= len) return n;
        size_t start = i, out = i;
        if (scan_word(line, len, &i, &out) != 0) return -1;
        fn(priv, start, out - start);
        n++;
    }
}

typedef struct collected {
    const char *line;
    char **words;
    int n;
} collected_t;

static void collect(void *priv, size_t off, size_t len)
{
    collected_t *c = priv;
    c->words = mem_realloc(c->words, (size_t)(c->n + 1) * sizeof(char *));
    c->words[c->n++] = mem_strndup(c->line + off, len);
}

int words_split(const char *line, char ***out)
{
    char *copy = mem_strdup(line);
    collected_t c = {copy, NULL, 0};
    int n = words_split_inplace(copy, strlen(copy), collect, &c);
    mem_free(copy);
    if (n < 0) {
        words_free(c.words, c.n);
        return -1;
    }
    *out = c.words;
    return n;
}

void words_free(char **words, int n)
{
    for (int i = 0; i < n; i++) mem_free(words[i]);
    mem_free(words);
}

int words_need_repr(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"' || !isprint(c) || isspace(c)) return 1;
    }
    return 0;
}

size_t words_repr(char *out, const char *s, size_t n)
{
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': case '"': out[k++] = '\\'; out[k++] = (char)c; break;
        case '\n': out[k++] = '\\'; out[k++] = 'n'; break;
        case '\r': out[k++] = '\\'; out[k++] = 'r'; break;
        case '\t': out[k++] = '\\'; out[k++] = 't'; break;
        case '\a': out[k++] = '\\'; out[k++] = 'a'; break;
        case '\b': out[k++] = '\\'; out[k++] = 'b'; break;
        default:
            if (isprint(c)) out[k++] = (char)c;
            else k += (size_t)sprintf(out + k, "\\x%02x", c);
        }
    }
    out[k++] = '"';
    out[k] = '\0';
    return k;
}
