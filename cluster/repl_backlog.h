/*
 * repl_backlog.h — the replication backlog: a circular buffer holding the
 * last `repl-backlog-size` bytes of the replication stream, so a replica
 * that lost its link for a short time continues from its offset (partial
 * resync) instead of loading the whole dataset again.
 *
 * Invariants: the buffer holds the stream bytes at offsets
 * [first, first + histlen) with first + histlen - 1 == the stream offset
 * of the last byte fed (Redis's repl_backlog_first_byte_offset and
 * repl_backlog_histlen); histlen <= size.
 */
#ifndef CLUSTER_REPL_BACKLOG_H
#define CLUSTER_REPL_BACKLOG_H

#include <stddef.h>

struct reply;

/* Create an empty backlog of `size` bytes whose next byte has stream
 * offset `next_offset` (master_repl_offset + 1). Replaces any backlog. */
void backlog_create(long long size, long long next_offset);
/* Free the backlog (backlog_active() is then 0). */
void backlog_free(void);
int backlog_active(void);
/* Change the size, keeping the newest bytes that fit. */
void backlog_resize(long long size);
/* Append stream bytes (the caller advances master_repl_offset). */
void backlog_feed(const char *p, size_t n);
long long backlog_first_offset(void);
long long backlog_histlen(void);
/* Memory the backlog takes (INFO mem_replication_backlog). */
size_t backlog_memory(void);
/* Whether the bytes from stream offset `from` to the last one are held
 * (from may be one past the last byte: nothing to send). */
int backlog_covers(long long from);
/* Append the bytes from stream offset `from` to the end to `out`; the
 * count appended. backlog_covers(from) must hold. */
long long backlog_copy(long long from, struct reply *out);

#endif
