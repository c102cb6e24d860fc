/*
 * streams_cmds.h — the stream commands of stage one (XADD, XLEN, XRANGE,
 * XREVRANGE, XDEL, XTRIM, XSETID) and the helpers later command files
 * share: the key helper, Redis's ID parsers and the entry replies.
 */
#ifndef STREAMS_CMDS_H
#define STREAMS_CMDS_H

#include "modis.h"
#include "stream_value.h"

#define SX_ERR_INVALID_ID "ERR Invalid stream ID specified as stream command argument"

/* Open name and check its type: MD_OK with *s the stream or NULL (empty
 * key), or MD_ERR after the WRONGTYPE reply. */
int sx_open(md_ctx_t *c, md_arg_t name, int mode, md_key_t **k, stream_t **s);
/* Redis's streamGenericParseIDOrReply: "-", "+" (unless strict), "ms",
 * "ms-seq", and "ms-*" when seq_given is not NULL (*seq_given = 0).
 * MD_ERR: nothing replied. */
int sx_parse_id(md_arg_t a, sid_t *id, uint64_t missing_seq, int strict, int *seq_given);
/* The same, replying the invalid-ID error on failure. */
int sx_parse_id_or_reply(md_ctx_t *c, md_arg_t a, sid_t *id, uint64_t missing_seq, int strict);
void sx_reply_id(md_ctx_t *c, const sid_t *id);
/* One entry: [id, [field, value, ...]]. */
void sx_reply_entry(md_ctx_t *c, const sv_entry_t *e);
/* Entries start..end (rev: descending), at most count (0: all); returns
 * how many were sent. */
long sx_reply_range(md_ctx_t *c, const stream_t *s, const sid_t *start, const sid_t *end,
                    long long count, int rev);

int sx_cmd_xadd(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xlen(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xrange(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xrevrange(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xdel(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xtrim(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xsetid(md_ctx_t *c, int argc, const md_arg_t *argv);

#endif /* STREAMS_CMDS_H */
