/*
 * aof_rewrite.h — rebuilding the AOF: a new base file holding the whole
 * dataset, either an RDB preamble (aof-use-rdb-preamble yes, the default)
 * or commands: per db a SELECT, per key what its type's aof_rewrite
 * callback emits (md_aof_emit), then PEXPIREAT for a key TTL.
 *
 * Redis 7's design, no rewrite buffer: when a background rewrite starts,
 * the parent switches appending to a new incr file and forks; the child
 * writes temp-rewriteaof-bg-<pid>.aof from its snapshot. When it succeeds,
 * the parent renames that file to the next base name, turns the incr
 * files older than the rewrite into history, saves the manifest
 * atomically and deletes the history files.
 *
 * Invariants: at most one rewrite child (persist/child.c); a rewrite never
 * starts inside EXEC (the snapshot would split the transaction); the temp
 * files of a finished or killed child are always removed.
 */
#ifndef PERSIST_AOF_REWRITE_H
#define PERSIST_AOF_REWRITE_H

#include "host/sdk_host.h"

/* Write the dataset as an AOF base to `path` (through a temp file in the
 * working directory, fsynced, then renamed). 0, or -1 (logged). */
int aof_rewrite_file(const char *path);
/* Start a background rewrite. 0, or -1 (logged; status recorded). */
int aof_rewrite_background(void);
/* Kill a running rewrite child (its completion runs as a failure). */
void aof_rewrite_kill(void);
/* From cron: a scheduled rewrite, or an automatic one on growth
 * (auto-aof-rewrite-percentage / auto-aof-rewrite-min-size). */
void aof_rewrite_cron(void);
/* BGREWRITEAOF; `in_exec`: called inside EXEC, where a fork would split
 * the transaction (the rewrite is scheduled instead). */
enum {
    AOF_REWRITE_STARTED,     /* the child runs */
    AOF_REWRITE_SCHEDULED,   /* cron starts it once no child runs */
    AOF_REWRITE_IN_PROGRESS, /* a rewrite child runs already */
    AOF_REWRITE_FAILED       /* logged; status recorded */
};
int aof_rewrite_request(int in_exec);
/* The host side of md_aof_emit(). */
int aof_rewrite_emit(md_aof_t *a, int argc, const md_arg_t *argv);

#endif
