/*
 * aof_internal.h — the append-only file's state and the helpers aof.c
 * shares with persist.c, aof_load.c and aof_rewrite.c. Only persist/
 * includes it; the rest of the server sees aof.h and persist.h.
 *
 * Appending: a propagation sink formats what each command propagates as
 * RESP multibulk into a buffer (a SELECT first when the db changes); the
 * buffer is written to the current incr file before any reply leaves
 * (aof_flush_before_reply) and from cron, then fsynced per appendfsync:
 * always = before the replies go out, everysec = by the background thread
 * at most once a second, no = never by us.
 *
 * States, as Redis: OFF (appendonly no), ON, and WAIT_REWRITE (appendonly
 * was switched on at run time: commands go to a temp incr file while the
 * first rewrite builds the base; the switch completes when it succeeds).
 *
 * Invariants: aof.fd >= 0 exactly when state != OFF and an incr file (or
 * the temp incr) is open; bytes of the buffer are written in order and
 * never twice; the manifest on disk always names complete files.
 */
#ifndef PERSIST_AOF_INTERNAL_H
#define PERSIST_AOF_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "host/sdk_host.h"
#include "persist/aof.h"
#include "persist/aof_manifest.h"

enum { AOF_OFF, AOF_ON, AOF_WAIT_REWRITE };
/* appendfsync values, in the order config.c (and Redis) lists them. */
enum { AOF_FSYNC_EVERYSEC, AOF_FSYNC_ALWAYS, AOF_FSYNC_NO };

/* A growable byte buffer of RESP commands. */
typedef struct aof_buf {
    char *p;
    size_t len, cap;
} aof_buf_t;

/* The AOF state: owned by aof.c; aof_rewrite.c updates the rewrite fields
 * and the manifest when a rewrite starts or ends; others only read it
 * (INFO's mem_aof_buffer is buf.cap). */
typedef struct aof_server {
    int state;                   /* AOF_OFF / AOF_ON / AOF_WAIT_REWRITE */
    int fd;                      /* the incr file appended to, or -1 */
    int selected_db;             /* db of the last SELECT written, -1: none */
    aof_manifest_t *am;          /* the manifest in force */
    aof_buf_t buf;               /* commands not written yet */
    long long current_size;      /* bytes in base + incr files */
    long long base_size;         /* current_size after the last rewrite */
    long long last_incr_size;    /* bytes in the current incr file */
    long long fsync_offset;      /* current_size at the last fsync */
    long long last_fsync;        /* unix seconds of the last fsync */
    long long flush_postponed;   /* unix seconds a write waits since, or 0 */
    unsigned long delayed_fsync; /* writes that could not wait for fsync */
    int last_write_errno;        /* 0: the last write worked */

    int rewrite_scheduled;       /* start a rewrite once no child runs */
    long long rewrite_start;     /* unix seconds, -1 when none runs */
    long long rewrite_last_secs; /* duration of the last rewrite, -1 */
    int rewrite_last_ok;         /* aof_last_bgrewrite_status */
    long long rewrites;          /* rewrites started */
    long long rewrite_failures;  /* consecutive failed rewrites */
    pid_t rewrite_pid;           /* the rewrite child, for its temp file */
} aof_server_t;

extern aof_server_t aof;

/* The MISCONF error for writes while writing or fsyncing the AOF fails,
 * or NULL. */
const char *aof_write_error(void);

/* Append one command as RESP multibulk. */
void aof_buf_cat(aof_buf_t *b, int argc, const md_arg_t *argv);
/* Append the annotation "#TS:<now>" (aof-timestamp-enabled). */
void aof_buf_timestamp(aof_buf_t *b, long long now);
/* Write the buffer; force: do not postpone for a running fsync. */
void aof_flush(int force);
/* Open the next incr file (the temp incr in WAIT_REWRITE) and make it the
 * one appended to; the old one is fsynced and closed in the background.
 * 0, or -1 (logged). Nothing to do when state is OFF. */
int aof_open_new_incr(void);
/* "dir/name" in the AOF directory; caller frees. */
char *aof_path(const char *name);
/* "temp-<appendfilename>.incr" and "<appendfilename>.manifest"; caller frees. */
char *aof_temp_incr_name(void);
char *aof_manifest_name(void);
/* Create the AOF directory if missing: 0, or -1 (logged). */
int aof_mkdir(void);
/* Delete temp-<appendfilename>.incr (a switch to AOF that failed). */
void aof_remove_temp_incr(void);
/* Save the manifest in force (temp file, fsync, rename): 0, or -1 (logged). */
int aof_save_manifest(void);
/* The propagation sink: buffer a command (a SELECT first when the db
 * changes) while AOF is on or its first rewrite runs. */
void aof_feed(int dbid, int argc, const md_arg_t *argv);
/* Delete the manifest's history files and save it without them. */
void aof_delete_history(void);
/* Size of a file in the AOF dir (0 when missing). */
long long aof_file_size(const char *name);

#endif
