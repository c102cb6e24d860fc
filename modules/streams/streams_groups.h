/*
 * streams_groups.h — the consumer-group commands: XGROUP (CREATE, SETID,
 * DESTROY, CREATECONSUMER, DELCONSUMER), XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM; and the propagation helpers XREADGROUP shares.
 */
#ifndef STREAMS_GROUPS_H
#define STREAMS_GROUPS_H

#include "modis.h"
#include "stream_cg.h"

/* Propagate a pending entry's state as Redis does (streamPropagateXCLAIM):
 * XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID
 * <group's last ID>; a NACK about to be freed propagates the same (its
 * entry is gone, so the replica drops it too). */
void sx_propagate_xclaim(md_ctx_t *c, md_arg_t key, const scg_t *g, const sid_t *id,
                         const scg_nack_t *n);
/* XGROUP SETID key group last-id ENTRIESREAD n (streamPropagateGroupID). */
void sx_propagate_setid(md_ctx_t *c, md_arg_t key, const scg_t *g);
/* XGROUP CREATECONSUMER key group consumer. */
void sx_propagate_createconsumer(md_ctx_t *c, md_arg_t key, const scg_t *g,
                                 const scg_consumer_t *cons);
/* The consumer named name (its seen time now), created with the
 * xgroup-createconsumer event when missing. */
scg_consumer_t *sx_consumer(md_ctx_t *c, md_arg_t key, scg_t *g, md_arg_t name);
/* Reply -NOGROUP No such key '<key>' or consumer group '<group>'<tail>. */
void sx_reply_nogroup(md_ctx_t *c, md_arg_t key, md_arg_t group, const char *tail);

extern const md_command_t sx_xgroup_subcommands[];
int sx_cmd_xack(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xpending(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xclaim(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xautoclaim(md_ctx_t *c, int argc, const md_arg_t *argv);

#endif /* STREAMS_GROUPS_H */
