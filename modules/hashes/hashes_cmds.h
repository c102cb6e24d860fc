/*
 * hashes_cmds.h — the hash command handlers (HSET ... HSCAN in
 * hashes_cmds.c, the field-expiration commands in hashes_expire.c) and the
 * key helper they share.
 *
 * hk_open() opens a key, checks its type and applies lazy field expiry:
 * fields whose TTL has passed are deleted (and propagated as HDEL) before
 * the command sees the hash, and the key goes when it empties. A command
 * then works on hk.h and stores it back with hk_store().
 */
#ifndef HASHES_CMDS_H
#define HASHES_CMDS_H

#include "modis.h"

typedef struct hkey {
    md_ctx_t *c;
    md_arg_t name;
    md_key_t *k;
    void *h;        /* the hash, or NULL when the key is empty */
    void *stored;   /* the word the keyspace holds (NULL: none) */
    int purged;     /* lazy expiry propagated HDELs in this call */
    int had_ttl;    /* some field had a TTL: the key may be marked for
                       active expiry (md_key_subexpire_track) */
} hkey_t;

/* Open `name` (MD_READ or MD_WRITE). MD_ERR after a WRONGTYPE reply. */
int hk_open(md_ctx_t *c, md_arg_t name, int mode, hkey_t *hk) MD_HIDDEN;
/* Store hk->h in the key (creating it) when it is not what the key holds. */
void hk_store(hkey_t *hk) MD_HIDDEN;
/* Delete the key; hk->h becomes NULL. */
void hk_delete(hkey_t *hk) MD_HIDDEN;
/* After a change: WATCH signal, keyspace event, dirty += n, and the
 * command's own propagation when lazy expiry already recorded HDELs. */
void hk_changed(hkey_t *hk, const char *event, long long n) MD_HIDDEN;
/* Unmark the key for active expiry when its last field TTL went (after
 * HPERSIST, HDEL, HSET over a field with a TTL, field expiry). */
void hk_untrack_if_done(hkey_t *hk) MD_HIDDEN;
/* Lazy/active expiry of the fields of hk->h due at now; returns how many
 * went (and deletes the key when it empties). */
size_t hk_expire_fields(hkey_t *hk, int64_t now, int inclusive, size_t max) MD_HIDDEN;

int hashes_cmd_hset(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hsetnx(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hget(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hmget(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hdel(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hlen(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hstrlen(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hexists(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hkeys(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hvals(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hgetall(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hincrby(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hincrbyfloat(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hrandfield(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int hashes_cmd_hscan(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* HASHES_CMDS_H */
