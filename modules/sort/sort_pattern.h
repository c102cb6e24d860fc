/*
 * sort_pattern.h — BY and GET patterns (Redis's lookupKeyByPattern): "#"
 * is the element itself; otherwise the first '*' is replaced by the
 * element to name a key, whose string value is the result, or, with a
 * "->field" suffix after the '*', the field of the hash at that key.
 */
#ifndef SORT_PATTERN_H
#define SORT_PATTERN_H

#include "modis.h"

/* Scratch space a lookup writes the key name and integers into; owned by
 * the caller, grown as needed, freed with sort_scratch_free(). */
typedef struct sort_scratch {
    char *name;
    size_t cap;
    char num[32];
} sort_scratch_t;

void sort_scratch_free(sort_scratch_t *s) MD_HIDDEN;

/* The value `pattern` gives for `elem`: 1 and *out, valid until the next
 * lookup with the same scratch or the next change of the keyspace; 0 when
 * there is none (no '*', no such key, a key of another type, no such
 * field). */
int sort_lookup(md_ctx_t *c, md_arg_t pattern, md_arg_t elem, sort_scratch_t *s,
                md_arg_t *out) MD_HIDDEN;

#endif /* SORT_PATTERN_H */
