/*
 * hashes_expire.h — hash field expiration (Redis 7.4): the HEXPIRE, HTTL
 * and HPERSIST families, and the type's active-expiry callbacks that the
 * host calls for keys marked with md_key_subexpire_track().
 */
#ifndef HASHES_EXPIRE_H
#define HASHES_EXPIRE_H

#include "modis.h"

int hashes_cmd_hexpire(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hpexpire(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hexpireat(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hpexpireat(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_httl(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hpttl(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hexpiretime(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hpexpiretime(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hpersist(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

/* The earliest field TTL of a hash value, or -1 (type subexpire_next). */
int64_t hashes_subexpire_next(const void *value) MD_HIDDEN;
/* Delete the fields of the hash at `key` due at now_ms, propagating HDEL;
 * the key goes when it empties (type subexpire_run). */
void hashes_subexpire_run(md_ctx_t *ctx, md_key_t *key, int64_t now_ms) MD_HIDDEN;

#endif /* HASHES_EXPIRE_H */
