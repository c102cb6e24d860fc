/*
 * words.h — Redis's word syntax, one implementation for every place that
 * reads or writes it: inline commands (resp.c), redis.conf lines and the
 * command line (config.c), the AOF manifest (persist/aof_manifest.c),
 * CONFIG REWRITE.
 *
 * Splitting follows Redis's sdssplitargs(): blanks separate words; a
 * "double-quoted" part understands \xHH, \n, \r, \t, \b, \a and \<any>;
 * a 'single-quoted' part understands \' only; a quote may start inside a
 * word (foo"bar baz" is one word, foobar baz); a closing quote must be
 * followed by a blank or the end of the line; a NUL byte ends the line.
 * Quoting follows sdscatrepr(), so a quoted word splits back to itself.
 */
#ifndef MODIS_WORDS_H
#define MODIS_WORDS_H

#include <stddef.h>

/* Receives each word words_split_inplace() finds: line[off, off + len). */
typedef void (*words_fn)(void *priv, size_t off, size_t len);

/*
 * Split line[0, len) in place: each word is unescaped over its own bytes
 * and reported to fn in order. Returns the number of words, or -1 when a
 * quote is unbalanced (words before it were reported already).
 */
int words_split_inplace(char *line, size_t len, words_fn fn, void *priv);

/*
 * Split a NUL-terminated line into NUL-terminated words. On success *out
 * is a mem_alloc'd array of mem_alloc'd words (NULL when there are none),
 * freed with words_free(); returns the count. On unbalanced quotes returns
 * -1 and allocates nothing.
 */
int words_split(const char *line, char ***out);
void words_free(char **words, int n);

/* Does s[0, n) need quoting to read back as one word (sdsneedsrepr: a
 * blank, a double quote, a backslash or a byte isprint() refuses)? */
int words_need_repr(const char *s, size_t n);

/* Write s[0, n) double-quoted with sdscatrepr()'s escapes to out, which
 * must have room for 4 * n + 3 bytes; NUL-terminated; returns the length
 * without the NUL. */
size_t words_repr(char *out, const char *s, size_t n);

#endif
