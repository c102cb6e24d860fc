/*
 * digest.h — DEBUG DIGEST / DIGEST-VALUE: an order-independent digest of
 * the dataset built from order-dependent per-value digests, in the spirit
 * of Redis's (the bytes differ from Redis's; only equality matters).
 */
#ifndef MODIS_DIGEST_H
#define MODIS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "ks.h"
#include "sdk_host.h"

struct md_digest {
    unsigned char seq[20];   /* running digest of the current sequence */
    unsigned char value[20]; /* digest of one value (xor of sequences) */
};

void digest_add(md_digest_t *d, const void *p, size_t n);
void digest_end_seq(md_digest_t *d);
/* Digest of one key's value, as 40 hex chars + NUL in out. */
void digest_value(ks_entry_t *e, char out[41]);
/* Digest of the whole dataset (all dbs), 40 hex chars + NUL. */
void digest_dataset(char out[41]);

#endif
