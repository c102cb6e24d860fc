/*
 * aof.h — the append-only file of the running server (Redis 7's
 * multi-part layout) as the rest of the server sees it: what INFO
 * persistence prints, and the write of the buffered commands before
 * replies leave. Switching it on and off, loading it at start-up and
 * shutting it down are persist.h's; its state and the helpers the
 * persist/ files share are aof_internal.h; the manifest is aof_manifest.h,
 * loading aof_load.h, rewriting aof_rewrite.h.
 */
#ifndef PERSIST_AOF_H
#define PERSIST_AOF_H

#include <stddef.h>

/* What INFO persistence prints. */
typedef struct aof_info {
    int enabled;
    int rewrite_in_progress;
    int rewrite_scheduled;
    long long last_rewrite_secs;     /* -1: none yet */
    long long current_rewrite_secs;  /* -1: none running */
    int last_bgrewrite_ok;
    long long rewrites;
    long long rewrite_failures;
    int last_write_ok;
    long long current_size;
    long long base_size;
    size_t buffer_length;
    size_t buffer_cap;               /* mem_aof_buffer */
    unsigned long pending_bio_fsync;
    unsigned long delayed_fsync;
} aof_info_t;
void aof_info_get(aof_info_t *out);

/* Write (and with appendfsync always, fsync) what the buffer holds. Call
 * before replies are written to clients. */
void aof_flush_before_reply(void);

/*
 * WAITAOF: the caller's position (the replication offset) that every
 * write to the AOF stands for. fn is read when buffered commands are
 * written; aof_fsynced_position() is the highest value whose writes are
 * fsynced, or -1 while the AOF is not on.
 */
void aof_set_position_source(long long (*fn)(void));
long long aof_fsynced_position(void);

#endif
