/*
 * intset.h — Redis's intset: the distinct integers of a set, ascending,
 * in one block whose bytes are exactly the ones Redis keeps in memory and
 * writes to RDB files and DUMP payloads (type 11) as they are:
 *
 *   uint32 encoding   bytes per element: 2, 4 or 8 (int16/int32/int64)
 *   uint32 length     number of elements
 *   length elements   of `encoding` bytes each, strictly ascending
 *
 * every field little-endian. The block is always exactly 8 + length *
 * encoding bytes (reallocated on every change, as Redis's intsetResize).
 *
 * Invariants: the encoding is at least the width of every element (a new
 * element wider than the encoding upgrades the whole block, which is never
 * narrowed again); an intset loaded from a file may use a wider encoding
 * than its elements need, and is kept that way (so it is saved back byte
 * for byte).
 *
 * Memory comes from md_alloc/md_realloc; only the memory part of the SDK
 * is used, so unit tests can compile this file with a stand-in API.
 */
#ifndef SETS_INTSET_H
#define SETS_INTSET_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

#define INTSET_HDR 8u

typedef unsigned char intset_t;

/* An empty intset of the 16-bit encoding (8 bytes). */
intset_t *intset_new(void) MD_HIDDEN;
void intset_free(intset_t *is) MD_HIDDEN;
intset_t *intset_dup(const intset_t *is) MD_HIDDEN;

uint32_t intset_len(const intset_t *is) MD_HIDDEN;
uint32_t intset_encoding(const intset_t *is) MD_HIDDEN;
/* The block's size: 8 + length * encoding (what RDB stores). */
size_t intset_blob_len(const intset_t *is) MD_HIDDEN;

/* Element i (0 <= i < length). */
int64_t intset_get(const intset_t *is, uint32_t i) MD_HIDDEN;
int64_t intset_min(const intset_t *is) MD_HIDDEN;  /* length > 0 */
int64_t intset_max(const intset_t *is) MD_HIDDEN;  /* length > 0 */
/* 1 when v is an element. */
int intset_find(const intset_t *is, int64_t v) MD_HIDDEN;

/* Insert v (upgrading the encoding when v needs more bytes). Returns the
 * block, which may have moved; *added is 1, or 0 when v was present. */
intset_t *intset_add(intset_t *is, int64_t v, int *added) MD_HIDDEN;
/* Remove v. Returns the block (may move); *removed is 1 or 0. */
intset_t *intset_remove(intset_t *is, int64_t v, int *removed) MD_HIDDEN;

/*
 * Redis's intsetValidateIntegrity with deep checks, for untrusted bytes
 * (RDB, RESTORE): a known encoding, a size of exactly 8 + length *
 * encoding, at least one element, strictly ascending. MD_OK or MD_ERR.
 */
int intset_validate(const unsigned char *blob, size_t n) MD_HIDDEN;

#endif /* SETS_INTSET_H */
