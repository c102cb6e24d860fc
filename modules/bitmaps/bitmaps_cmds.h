/*
 * bitmaps_cmds.h — the bitmap command handlers and the helpers they share
 * with BITFIELD (bitmaps_field.c): offset parsing with Redis's limits,
 * opening a string key for reading or for writing up to a bit, and the
 * bookkeeping after a change.
 */
#ifndef BITMAPS_CMDS_H
#define BITMAPS_CMDS_H

#include <stdint.h>
#include "modis.h"

/* A string key opened for a bitmap command. `p`/`len` are its bytes
 * (p NULL and len 0 when the key is empty); `buf` holds the digits of an
 * integer-encoded value, which `p` then points into. A key opened for
 * writing also has `w` (the same bytes, writable; NULL for reading) and
 * `oldlen`, its length before it grew. Valid until the key changes. */
typedef struct bm_str {
    md_key_t *key;
    const uint8_t *p;
    uint8_t *w;
    size_t len, oldlen;
    int exists;
    char buf[32];
} bm_str_t;

/* Parse a bit offset (Redis getBitOffsetFromArgument): a non-negative
 * integer whose byte is below proto-max-bulk-len; with `bits` > 0 a
 * "#N" form means N * bits (BITFIELD). Replies "ERR bit offset is not an
 * integer or out of range" and returns MD_ERR otherwise. */
int bm_parse_offset(md_ctx_t *c, md_arg_t a, int bits, uint64_t *out) MD_HIDDEN;

/* Open `name` for reading into *s. MD_ERR (WRONGTYPE replied) when it
 * holds another type; an empty key is fine (s->exists = 0). */
int bm_open_read(md_ctx_t *c, md_arg_t name, bm_str_t *s) MD_HIDDEN;

/* Open `name` for writing and make its string cover bit `maxbit`
 * (created or zero-padded as needed) into *s. MD_ERR (WRONGTYPE replied)
 * when it holds another type. */
int bm_open_write(md_ctx_t *c, md_arg_t name, uint64_t maxbit,
                  bm_str_t *s) MD_HIDDEN;

/* After a change of the string at s: the modified signal, the keyspace
 * event (class $), and `dirty` write operations counted. */
void bm_changed(md_ctx_t *c, bm_str_t *s, md_arg_t name, const char *event,
                long long dirty) MD_HIDDEN;

int bitmaps_cmd_setbit(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_cmd_getbit(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_cmd_bitcount(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_cmd_bitpos(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_cmd_bitop(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* BITMAPS_CMDS_H */
