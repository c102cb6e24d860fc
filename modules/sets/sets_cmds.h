/*
 * sets_cmds.h — the set command handlers (Redis 7.4 semantics) and the
 * key helper they share.
 *
 * Handlers: sets_cmds.c (SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS
 * SMOVE SSCAN), sets_random.c (SRANDMEMBER SPOP), sets_algebra.c (SINTER
 * SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE).
 */
#ifndef SETS_CMDS_H
#define SETS_CMDS_H

#include "modis.h"
#include "set_value.h"

/*
 * An opened key and the set being worked on. `stored` is the word the key
 * holds (NULL: the key is empty); `s` is the set as changed by the
 * command (NULL: none), which sk_store() puts back into the key.
 */
typedef struct skey {
    md_ctx_t *c;
    md_arg_t name;
    md_key_t *k;
    void *s;
    void *stored;
} skey_t;

/* Open `name`: MD_OK with sk->s the set or NULL, or MD_ERR when the key
 * holds another type (nothing replied). */
int sk_lookup(md_ctx_t *c, md_arg_t name, int mode, skey_t *sk) MD_HIDDEN;
/* sk_lookup, replying WRONGTYPE on MD_ERR. */
int sk_open(md_ctx_t *c, md_arg_t name, int mode, skey_t *sk) MD_HIDDEN;
/* Put sk->s into the key (creating it, or replacing a word that moved);
 * the TTL stays. */
void sk_store(skey_t *sk) MD_HIDDEN;
/* Delete the key (the set in it is freed); sk->s becomes NULL. */
void sk_delete(skey_t *sk) MD_HIDDEN;

/* Reply one member as a bulk string. */
void sets_reply_member(md_ctx_t *c, const sm_t *m) MD_HIDDEN;

int sets_cmd_sadd(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_srem(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_scard(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sismember(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_smismember(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_smembers(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_smove(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sscan(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

int sets_cmd_srandmember(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_spop(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

int sets_cmd_sinter(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sintercard(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sinterstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sunion(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sunionstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sdiff(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int sets_cmd_sdiffstore(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

/* The union of n sets (NULL entries are empty sets) as SUNION builds it:
 * a new set starting as an empty intset, members added set by set, in
 * each set's order. Never NULL; may be empty. */
void *sets_union(void *const *sets, int n) MD_HIDDEN;

#endif /* SETS_CMDS_H */
