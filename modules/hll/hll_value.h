/*
 * hll_value.h — HyperLogLog values at keys: opening a key as a
 * HyperLogLog (with Redis's two error replies), a private working copy
 * that updates go to (growing, and turning dense when the sparse form
 * cannot hold an update), and storing the result back.
 *
 * Updates of a sparse value are made on the copy and stored only when the
 * command succeeds, so a corrupt value answers INVALIDOBJ with the key
 * untouched. Dense values never fail and are updated in place.
 */
#ifndef HLL_VALUE_H
#define HLL_VALUE_H

#include <stdint.h>
#include "modis.h"

#define HLL_ERR_NOT_HLL "WRONGTYPE Key is not a valid HyperLogLog string value."
#define HLL_ERR_CORRUPT "INVALIDOBJ Corrupted HLL object detected"

/* A key opened as a HyperLogLog: its bytes (valid until the key
 * changes), or p NULL when the key is empty. */
typedef struct hll_view {
    md_key_t *key;
    const uint8_t *p;
    size_t len;
    char buf[32];
} hll_view_t;

/* Open `name` with `mode` into *v: 1 when it holds a HyperLogLog, 0 when
 * it is empty, -1 after replying WRONGTYPE (another type, or a string
 * that is not a HyperLogLog). */
int hll_open(md_ctx_t *c, md_arg_t name, int mode, hll_view_t *v) MD_HIDDEN;

/* A working copy of a HyperLogLog (md_alloc'd; owned by the caller). */
typedef struct hll_work {
    uint8_t *p;
    size_t len, cap;
} hll_work_t;

/* Start from a copy of the value at v, or a fresh sparse value when the
 * key is empty. */
void hll_work_init(hll_work_t *w, const hll_view_t *v) MD_HIDDEN;
void hll_work_free(hll_work_t *w) MD_HIDDEN;
/* Convert the copy to dense: 0, or -1 when it is a corrupt sparse. */
int hll_work_to_dense(hll_work_t *w) MD_HIDDEN;
/* Raise register `reg` to `count`: 1 changed, 0 not, -1 corrupt. */
int hll_work_set(hll_work_t *w, long reg, unsigned count) MD_HIDDEN;

/* Store bytes p[0..len) as the string at v's key (created when empty,
 * else rewritten in place keeping its TTL). */
void hll_store(const hll_view_t *v, const uint8_t *p, size_t len) MD_HIDDEN;

/* The writable bytes of the HyperLogLog at v's key, which must hold one
 * (opened for writing); same length, made raw if needed. */
uint8_t *hll_writable(const hll_view_t *v) MD_HIDDEN;

#endif /* HLL_VALUE_H */
