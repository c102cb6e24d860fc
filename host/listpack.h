/*
 * listpack.h — Redis's listpack byte format, written byte for byte as Redis
 * writes it, so a blob can go to RDB/DUMP as is and a Redis blob can be used
 * in place. Also the converters from Redis's legacy ziplist and zipmap
 * encodings found in old RDB files.
 *
 * Layout: total bytes (uint32 LE), element count (uint16 LE, 65535 =
 * unknown, count by walking), entries, terminator 0xFF. An entry is
 * encoding+data followed by its "backlen" (the length of encoding+data in
 * 1..5 bytes of 7 bits, readable backwards), so the list walks both ways.
 *
 * Invariants of every listpack these functions return: total bytes equal
 * the allocation's content, the count is exact unless it is 65535, every
 * string that is a canonical integer (Redis's string2ll rules) is stored
 * with the smallest integer encoding, every backlen uses Redis's size.
 *
 * This file does not depend on the SDK: memory comes from the lp_alloc_t
 * the caller passes (sdk_listpack.c adapts it to md_alloc accounting).
 * Allocation failure is the allocator's business (the host's aborts).
 */
#ifndef MODIS_LISTPACK_H
#define MODIS_LISTPACK_H

#include <stddef.h>

/* The allocator a listpack function uses; `ud` is passed back as is. */
typedef struct lp_alloc {
    void *(*alloc)(void *ud, size_t n);
    void *(*realloc)(void *ud, void *p, size_t n);
    void (*free)(void *ud, void *p);
    void *ud;
} lp_alloc_t;

#define LP_BEFORE 0     /* same values as MD_LP_BEFORE/AFTER/REPLACE */
#define LP_AFTER 1
#define LP_REPLACE 2

#define LP_HDR_SIZE 6
#define LP_EOF 0xFF
#define LP_COUNT_UNKNOWN 65535

/* An empty listpack (7 bytes). */
unsigned char *lp_new(const lp_alloc_t *a);
/* Free lp (NULL is fine). */
void lp_free(const lp_alloc_t *a, unsigned char *lp);
/* Total bytes of lp (header, entries, terminator). */
size_t lp_bytes(const unsigned char *lp);
/* Number of entries. When the header says 65535 (unknown) this walks the
 * listpack and, as Redis does, stores the result back if it is below
 * 65535 — the only write done through a const listpack. */
unsigned long lp_count(const unsigned char *lp);

/* Iteration. Entry pointers stay valid until lp is next changed. first and
 * last return NULL on an empty listpack; next returns NULL after the last
 * entry and prev before the first; prev of the terminator is the last. */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
/* Entry at index, negative counting from the end (-1 = last); NULL when
 * out of range. */
unsigned char *lp_seek(unsigned char *lp, long index);

/* Value of the entry at p. An integer entry returns NULL and sets *ival; a
 * string entry returns its bytes (inside lp) and sets *len. Either out
 * pointer may be NULL. */
const unsigned char *lp_get(const unsigned char *p, size_t *len, long long *ival);

/*
 * Insert the string s[0..n) before/after p (where = LP_BEFORE/LP_AFTER) or
 * replace the entry at p (LP_REPLACE). p NULL with LP_AFTER appends, with
 * LP_BEFORE prepends. Returns the (possibly moved) listpack; *newp (if
 * newp) is the new entry. s may point into lp itself. Returns NULL, with lp
 * unchanged and still the caller's, if the result would exceed 4 GiB - 1,
 * or for LP_REPLACE with p NULL.
 */
unsigned char *lp_insert(const lp_alloc_t *a, unsigned char *lp, const void *s,
                         size_t n, unsigned char *p, int where,
                         unsigned char **newp);
unsigned char *lp_append(const lp_alloc_t *a, unsigned char *lp, const void *s,
                         size_t n);
/* As lp_insert for the integer v (smallest integer encoding). */
unsigned char *lp_insert_int(const lp_alloc_t *a, unsigned char *lp,
                             long long v, unsigned char *p, int where,
                             unsigned char **newp);

/* Delete the entry at p; *nextp (if nextp) = the entry that followed it,
 * NULL if p was the last. Returns the (possibly moved) listpack. */
unsigned char *lp_delete(const lp_alloc_t *a, unsigned char *lp,
                         unsigned char *p, unsigned char **nextp);
/* Delete num entries from index on (negative from the end); fewer if the
 * listpack ends first; nothing if index is out of range. */
unsigned char *lp_delete_range(const lp_alloc_t *a, unsigned char *lp,
                               long index, unsigned long num);

/* From p on, the first entry equal to s[0..n), comparing every (skip+1)-th
 * entry; an integer entry equals s when s is its canonical decimal form.
 * NULL if none (or p is NULL). */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const void *s,
                       size_t n, unsigned skip);

/* Check an untrusted blob completely: header total == size, every entry's
 * encoding, length and backlen consistent and in bounds, terminator last,
 * count equal to the header's unless that says 65535. 0 if valid, -1. */
int lp_validate(const unsigned char *blob, size_t size);

/* A copy of lp. */
unsigned char *lp_dup(const lp_alloc_t *a, const unsigned char *lp);

/* Convert (and fully validate) a Redis ziplist / zipmap blob. The zipmap
 * becomes alternating field, value entries. NULL if the blob is invalid. */
unsigned char *lp_from_ziplist(const lp_alloc_t *a, const unsigned char *zl,
                               size_t size);
unsigned char *lp_from_zipmap(const lp_alloc_t *a, const unsigned char *zm,
                              size_t size);

/* Redis's string2ll rules, as the listpack applies them: 1 and *v set if
 * s[0..n) is a canonical int64 (no sign but '-', no leading zero, no "-0",
 * no spaces, in range), else 0. */
int lp_str2ll(const void *s, size_t n, long long *v);

#endif
