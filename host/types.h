/*
 * types.h — the host-owned type slots. A key entry records a slot id; the
 * slot holds the module's callbacks (copied, so a module can be upgraded by
 * swapping them), the display name TYPE shows, and a live key count used to
 * refuse MODULE UNLOAD.
 */
#ifndef MODIS_TYPES_H
#define MODIS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

struct md_module;

struct md_type {
    char name[32];
    uint8_t id;
    md_type_ops_t ops;       /* zero-filled past the module's ops size */
    struct md_module *owner;
    const char *owner_name;  /* the owner's name (set by the loader) */
    size_t nkeys;            /* live keys of this type, all dbs */
    char rdb_module[10];     /* Redis module type name (9 chars), "" = none */
    uint16_t rdb_encver;     /* its encoding version, when rdb_module is set */
};

#define TYPES_MAX 255

/* The slot with `id`, or NULL. */
md_type_t *types_by_id(uint8_t id);
/* Look up a slot by display name (case-insensitive). */
md_type_t *types_by_name(const char *name, size_t len);
/* Copy a module's callback table (ops->size bytes of it) into dst, zero
 * past that size; dst->size becomes the host's size. */
void types_copy_ops(md_type_ops_t *dst, const md_type_ops_t *ops);
/* Claim a new slot; NULL when the name is taken or slots ran out. */
md_type_t *types_add(struct md_module *owner, const char *name,
                     const md_type_ops_t *ops);
/* The slot that loads RDB type byte `b`, or NULL when no module claims it. */
md_type_t *types_by_rdb(uint8_t b);
/* Give byte `b` to slot t. Returns -1 when another slot holds it. */
int types_rdb_claim(md_type_t *t, uint8_t b);
/* The slot written as Redis module type `name` (9 characters), or NULL. */
md_type_t *types_by_module_type(const char *name);
/* Give slot t the Redis module type `name` (9 characters) and encoding
 * version. Returns -1 when another slot has that name. */
int types_set_module_type(md_type_t *t, const char *name, uint16_t encver);
/* Release a slot (only when nkeys == 0); its RDB bytes become free. */
void types_remove(md_type_t *t);

#endif
