/*
 * hll_repr.h — Redis's HyperLogLog representation, byte for byte, so a
 * value written by Redis works here and the other way round.
 *
 * A HyperLogLog is a Redis string: a 16-byte header, then the registers.
 *   header: "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, and the
 *           cached cardinality as 8 little-endian bytes whose top bit
 *           (bit 7 of byte 15) set means "stale";
 *   dense:  16384 registers of 6 bits, register i at bit 6*i counted from
 *           the least significant bit of byte 0 (12288 bytes);
 *   sparse: opcodes covering the 16384 registers in order:
 *             00xxxxxx           ZERO:  xxxxxx+1 registers (1..64) at 0
 *             01xxxxxx yyyyyyyy  XZERO: 14-bit length+1 (1..16384) at 0
 *             1vvvvvxx           VAL:   xx+1 registers (1..4) at vvvvv+1
 * An element is hashed with MurmurHash64A (seed 0xadc83b19): the low 14
 * bits pick the register, the run of zero bits above them (plus one) is
 * the value. The count uses Ertl's improved estimator on the register
 * histogram, as Redis does since 5.0.
 *
 * Everything here works on caller-owned bytes and never allocates or
 * reads past a length it was given (a sparse value whose last XZERO lost
 * its second byte reads that byte as 0, as Redis reads its string's NUL
 * terminator). Corrupt sparse values are reported, never trusted: a
 * sparse value is valid when its opcodes cover exactly 16384 registers.
 */
#ifndef HLL_REPR_H
#define HLL_REPR_H

#include <stddef.h>
#include <stdint.h>
#include "modis.h"

#define HLL_P 14
#define HLL_Q (64 - HLL_P)
#define HLL_REGISTERS (1 << HLL_P)
#define HLL_REGISTER_MAX 63
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * 6 + 7) / 8)
#define HLL_DENSE 0
#define HLL_SPARSE 1
#define HLL_SPARSE_VAL_MAX 32
/* A fresh sparse value: the header and one XZERO of 16384 registers. */
#define HLL_SPARSE_INIT_SIZE (HLL_HDR_SIZE + 2)
/* Room hll_sparse_update() may need beyond the current length. */
#define HLL_SPARSE_SLACK 3
/* hll_sparse_update(): the sparse form cannot hold the update. */
#define HLL_PROMOTE 2

/* MurmurHash64A over key[0..len) (Austin Appleby's 64-bit hash, as Redis
 * uses it: little-endian word loads). */
uint64_t hll_murmur64a(const void *key, size_t len, uint64_t seed) MD_HIDDEN;

/* Hash an element: *reg = its register, returns its value (1..51). */
unsigned hll_pattern(const void *ele, size_t len, long *reg) MD_HIDDEN;

/* Redis's isHLLObject(): at least a header, "HYLL", a known encoding,
 * and exactly HLL_DENSE_SIZE bytes when dense. 1 or 0. */
int hll_is_hll(const uint8_t *s, size_t len) MD_HIDDEN;

/* Write a fresh sparse HyperLogLog (HLL_SPARSE_INIT_SIZE bytes, cached
 * cardinality 0 and valid). */
void hll_init_sparse(uint8_t *s) MD_HIDDEN;

/* The cached cardinality: 1 and *card when valid, else 0. */
int hll_cache_get(const uint8_t *s, uint64_t *card) MD_HIDDEN;
void hll_cache_set(uint8_t *s, uint64_t card) MD_HIDDEN;
void hll_cache_invalidate(uint8_t *s) MD_HIDDEN;

/* Dense registers (`regs` = the bytes after the header). */
unsigned hll_dense_get(const uint8_t *regs, long i) MD_HIDDEN;
void hll_dense_set(uint8_t *regs, long i, unsigned v) MD_HIDDEN;
/* Raise register i to count if that is more: 1 when it changed. */
int hll_dense_update(uint8_t *regs, long i, unsigned count) MD_HIDDEN;

/*
 * Raise register i of the sparse value s[0..*len) to count, in place, as
 * Redis's hllSparseSet() does (same opcode splits and merges, so the same
 * bytes). The buffer must have room for *len + HLL_SPARSE_SLACK bytes;
 * *len is updated. Returns 0 (no change), 1 (changed), HLL_PROMOTE (count
 * is over 32, or the value would grow past max_bytes: s is unchanged and
 * the caller converts to dense), or -1 (corrupt: i is not covered).
 */
int hll_sparse_update(uint8_t *s, size_t *len, size_t max_bytes, long i,
                      unsigned count) MD_HIDDEN;

/* Convert the sparse value s[0..len) into the dense value `dense`
 * (HLL_DENSE_SIZE bytes; the header is copied, cache included). 0, or -1
 * when s is corrupt (then dense is garbage). */
int hll_sparse_to_dense(const uint8_t *s, size_t len, uint8_t *dense) MD_HIDDEN;

/* max[i] = MAX(max[i], register i of the HyperLogLog s) for one value
 * per byte (HLL_REGISTERS bytes). 0, or -1 when s is a corrupt sparse
 * value. */
int hll_merge_max(const uint8_t *s, size_t len, uint8_t *max) MD_HIDDEN;

/* The register histogram (64 counters, zeroed here) of s, or of raw
 * one-byte registers. hll_histogram returns -1 for a corrupt sparse. */
int hll_histogram(const uint8_t *s, size_t len, int *histo) MD_HIDDEN;
void hll_raw_histogram(const uint8_t *raw, int *histo) MD_HIDDEN;

/* The cardinality estimate of a register histogram (Ertl's estimator,
 * rounded as Redis rounds it). */
uint64_t hll_estimate(const int *histo) MD_HIDDEN;

/* PFDEBUG DECODE's text for the sparse value s: "Z:16384", "z:3",
 * "v:2,1" separated by spaces. `out` needs HLL_DECODE_CAP(len) bytes;
 * returns the length written. */
#define HLL_DECODE_CAP(len) (8 * (len) + 8)
size_t hll_sparse_decode(const uint8_t *s, size_t len, char *out) MD_HIDDEN;

#endif /* HLL_REPR_H */
