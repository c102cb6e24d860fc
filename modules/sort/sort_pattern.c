/*
 * sort_pattern.c — BY and GET patterns (see sort_pattern.h). Redis reads
 * the pattern as a C string where it searches ("#", the '*', the "->"),
 * so a NUL byte ends those searches, while the key name is built from the
 * pattern's full length; this file does the same.
 */
#include <string.h>
#include "sort_pattern.h"
#include "sort.h"

void sort_scratch_free(sort_scratch_t *s)
{
    md_free(s->name);
    s->name = NULL;
    s->cap = 0;
}

/* The bytes of p up to its first NUL (Redis's view of an sds as a C
 * string). */
static size_t c_len(md_arg_t p)
{
    const char *z = memchr(p.ptr, '\0', p.len);
    return z ? (size_t)(z - p.ptr) : p.len;
}

/* First occurrence of "->" in s[from..n), or -1. */
static long find_arrow(const char *s, size_t from, size_t n)
{
    for (size_t i = from; i + 1 < n; i++)
        if (s[i] == '-' && s[i + 1] == '>') return (long)i;
    return -1;
}

static char *scratch_name(sort_scratch_t *s, size_t n)
{
    if (n > s->cap) {
        s->cap = n < 64 ? 64 : n;
        s->name = md_realloc(s->name, s->cap);
    }
    return s->name;
}

/* The value of the key `name`: a string, or the field of a hash. */
static int key_value(md_ctx_t *c, md_arg_t name, md_arg_t field, int has_field,
                     sort_scratch_t *s, md_arg_t *out)
{
    md_key_t *k = md_key_open(c, name, MD_READ);
    const md_type_t *t = md_key_type(k);
    const md_hash_v1_t *h;

    if (t == NULL) return 0;
    if (!has_field) {
        if (t != sort_strings->type) return 0;
        *out = sort_strings->bytes(md_key_value(k), s->num);
        return 1;
    }
    h = sort_hashes();
    if (h == NULL || t != h->type) return 0;
    return h->get(md_key_value(k), field, s->num, out);
}

int sort_lookup(md_ctx_t *c, md_arg_t pattern, md_arg_t elem, sort_scratch_t *s,
                md_arg_t *out)
{
    size_t clen = c_len(pattern), prefix, postfix, fieldlen = 0;
    const char *star;
    long arrow;
    md_arg_t name, field = {NULL, 0};

    if (clen == 1 && pattern.ptr[0] == '#') {
        *out = elem;
        return 1;
    }
    star = memchr(pattern.ptr, '*', clen);
    if (star == NULL) return 0;
    prefix = (size_t)(star - pattern.ptr);
    arrow = find_arrow(pattern.ptr, prefix + 1, clen);
    if (arrow >= 0 && (size_t)arrow + 2 < clen) {
        field.ptr = pattern.ptr + arrow + 2;
        field.len = pattern.len - (size_t)arrow - 2;
        fieldlen = field.len + 2;
    }
    postfix = pattern.len - prefix - 1 - fieldlen;
    name.len = prefix + elem.len + postfix;
    name.ptr = scratch_name(s, name.len);
    memcpy((char *)name.ptr, pattern.ptr, prefix);
    if (elem.len) memcpy((char *)name.ptr + prefix, elem.ptr, elem.len);
    memcpy((char *)name.ptr + prefix + elem.len, star + 1, postfix);
    return key_value(c, name, field, fieldlen != 0, s, out);
}
