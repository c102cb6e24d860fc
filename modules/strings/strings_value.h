/*
 * strings_value.h — the in-memory encodings of a Redis string value.
 *
 * A string value is one machine word (a void *, never NULL) that the host
 * stores in the key's slot. Its low bits say what it is:
 *
 *   ....01  immediate integer: the word is (v << 2) | 1, no allocation.
 *           Used for integers in [SV_IMM_MIN, SV_IMM_MAX] (62 bits).
 *   ....11  inline string of at most SV_INLINE_MAX (7) bytes: the length
 *           in bits 2-4, the bytes in bits 8 and up; no allocation.
 *   ...000  embstr: pointer to [uint8 len][len bytes], len <= 44.
 *   ...010  raw: pointer to [uint32 len][bytes...], capacity from usable().
 *   ...100  boxed integer: pointer to an int64 (integers outside 62 bits).
 *   ...110  raw64: pointer to [uint64 len][bytes...] once a length passed
 *           4 GiB (sv_resize() may cut it shorter later; the tag stays).
 *
 * Inline strings and embstr both report OBJECT ENCODING "embstr".
 *
 * Invariants:
 *  - an integer encoding (immediate or boxed) holds exactly the integers
 *    whose canonical decimal form was stored, i.e. Redis's "int" rule:
 *    string2ll() accepts the bytes (no sign '+', no leading zeros, no
 *    spaces, "-0" is not an int, at most 20 bytes);
 *  - embstr is only produced by SET-like creation for len <= 44 and is never
 *    modified in place; APPEND/SETRANGE and the string.v1 writers
 *    (SETBIT, PFADD...) turn any value into raw;
 *  - strings have no NUL terminator; lengths are explicit;
 *  - every allocation comes from md_alloc() (8-byte aligned at least, which
 *    leaves the three tag bits free).
 *
 * OBJECT ENCODING reports "int", "embstr" and "raw" as Redis does.
 */
#ifndef STRINGS_VALUE_H
#define STRINGS_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

#define SV_EMBSTR_MAX 44          /* Redis OBJ_ENCODING_EMBSTR_SIZE_LIMIT */
#define SV_INT_BUF 32             /* room for any long long in decimal */
#define SV_LONG_STR_SIZE 21       /* Redis LONG_STR_SIZE */

#define SV_IMM_MAX ((long long)(INTPTR_MAX >> 2))
#define SV_IMM_MIN ((long long)(INTPTR_MIN >> 2))
#define SV_INLINE_MAX ((int)sizeof(uintptr_t) - 1)

enum sv_enc {
    SV_ENC_INT = 0,
    SV_ENC_EMBSTR = 1,
    SV_ENC_RAW = 2
};

/* ---- creation (all return a new value owned by the caller) ---- */

/* Redis tryObjectEncoding(): "int" when the bytes are a canonical integer,
 * else "embstr" when n <= 44, else "raw" with no spare capacity. */
void *sv_from_arg(const void *p, size_t n) MD_HIDDEN;
/* Redis createStringObject(): "embstr" when n <= 44, else "raw". */
void *sv_new_str(const void *p, size_t n) MD_HIDDEN;
/* A "raw" value of exactly n bytes copied from p (zeros when p is NULL). */
void *sv_new_raw(const void *p, size_t n) MD_HIDDEN;
/* An "int" value. */
void *sv_from_ll(long long v) MD_HIDDEN;
/* Like sv_from_arg() but takes ownership of `buf` (an md_alloc()'d block
 * holding n bytes, as md_rdb_load_string() returns): it is either reused
 * for a raw value or freed. */
void *sv_from_buf(void *buf, size_t n) MD_HIDDEN;

/* ---- inspection ---- */
void sv_free(void *v) MD_HIDDEN;
void *sv_dup(const void *v) MD_HIDDEN;            /* same encoding */
int sv_encoding(const void *v) MD_HIDDEN;         /* enum sv_enc */
const char *sv_encoding_name(const void *v) MD_HIDDEN;
/* The bytes of v. Integer and inline values are formatted into buf
 * (>= SV_INT_BUF bytes) and the result points there; otherwise it points
 * into v's block and is valid until v changes. */
md_arg_t sv_bytes(const void *v, char *buf) MD_HIDDEN;
size_t sv_len(const void *v) MD_HIDDEN;
/* 1 and *out set when v is int-encoded. */
int sv_int_value(const void *v, long long *out) MD_HIDDEN;
/* The integer a value holds by Redis's string2ll() rules: MD_OK or MD_ERR. */
int sv_get_ll(const void *v, long long *out) MD_HIDDEN;
/* Bytes allocated for v (0 for an immediate integer or inline string). */
size_t sv_mem_usage(const void *v) MD_HIDDEN;

/* ---- mutation (these consume *vp / v and may move it) ---- */

/* Make *vp a raw value of at least minlen bytes (new bytes are zero) and
 * return its writable bytes; *len receives the length after the call.
 * Any other encoding is converted (its block freed); growing a raw value
 * reallocates greedily like sds. *vp is updated; the caller stores the new
 * word in the key when it changed. */
char *sv_make_raw(void **vp, size_t minlen, size_t *len) MD_HIDDEN;
/* Make *vp a raw value of exactly len bytes: zero-padded when it grows,
 * cut when it shrinks (the capacity is kept, as sdsIncrLen() does), and
 * return its writable bytes. Consumes *vp like sv_make_raw(). */
char *sv_resize(void **vp, size_t len) MD_HIDDEN;
/* Append p[0..n) to v (turning it raw) and return the new value; v must
 * not be used afterwards. */
void *sv_append(void *v, const void *p, size_t n) MD_HIDDEN;

/* ---- number helpers (Redis util.c semantics) ---- */
/* Redis string2ll(): strict, canonical decimal; 1 on success. */
int sv_string2ll(const char *s, size_t n, long long *out) MD_HIDDEN;

#endif /* STRINGS_VALUE_H */
