/*
 * save.h — RDB persistence as the running server uses it: the load at
 * start-up, SAVE, BGSAVE [SCHEDULE], LASTSAVE, the save points checked
 * from cron, DEBUG RELOAD, the save on shutdown and after FLUSHALL, the
 * MISCONF guard on writes after a failed background save, and the figures
 * INFO persistence prints.
 *
 * Invariants: at most one RDB child runs (persist/child.c); srv.dirty and
 * srv.lastsave change only after a save that reached the disk; the
 * dataset on disk is only ever replaced by a rename of a complete file.
 */
#ifndef PERSIST_SAVE_H
#define PERSIST_SAVE_H

#include "host/sdk_host.h"

/* The RDB state INFO reports. */
typedef struct save_info {
    long long saves;               /* rdb_saves: SAVE and background saves */
    int last_bgsave_ok;            /* rdb_last_bgsave_status */
    long long last_bgsave_secs;    /* rdb_last_bgsave_time_sec, -1 = none */
    long long bgsave_start;        /* unix seconds of the running BGSAVE, -1 */
    long long load_keys_loaded;    /* rdb_last_load_keys_loaded */
    long long load_keys_expired;   /* rdb_last_load_keys_expired */
} save_info_t;
void save_info_get(save_info_t *out);

/*
 * Load `dbfilename` from the working directory (`dir`) at start-up, with
 * srv.loading set. A missing file is not an error; an unreadable or
 * corrupt one (or a value no loaded module claims) logs the file, the
 * offset, the cause and what the operator can do, and exits with status 1.
 */
void save_load_startup(void);

/* Start save points' and scheduled BGSAVEs when due. From cron
 * (persist_cron). */
void save_cron(void);

/*
 * The RDB part of shutting down: kill a running BGSAVE child, then save
 * when `save` is set, or when save points exist and `nosave` is not set.
 * Returns 0, or -1 (logged) when that save failed.
 */
int save_on_shutdown(int save, int nosave);

/*
 * What FLUSHALL does to RDB persistence, after the databases were emptied
 * (as Redis 7): kill a running BGSAVE child, and with save points
 * configured save the empty dataset. Returns 1 when that save succeeded
 * (srv.dirty is then 0 and the command must not add to it), else 0.
 */
int save_after_flushall(void);

/* The MISCONF error for write commands (and PING) while the last
 * background save failed, stop-writes-on-bgsave-error is on and save
 * points exist; NULL when writes are allowed (see persist_write_error). */
const char *save_write_error(void);

/*
 * DEBUG RELOAD: save first when `save` (as SAVE does), then load the file
 * again; with `flush` the dataset is replaced (and comes back if the load
 * fails), without it merged. `flags` are rdb_load_file()'s (persist/rdb.h).
 * Returns 0, or what failed (logged).
 */
enum { SAVE_RELOAD_SAVE_FAILED = 1, SAVE_RELOAD_LOAD_FAILED };
int save_reload(int save, int flush, int flags);

/* SAVE: save now, in this process. 0, -1 when it failed (logged), or
 * SAVE_BUSY while a BGSAVE child runs. */
enum { SAVE_BUSY = -2 };
int save_foreground(void);

/* BGSAVE [SCHEDULE]; `in_exec`: called inside EXEC, where a fork would
 * split the transaction (the save is scheduled instead). */
enum {
    SAVE_BG_STARTED,         /* the child runs */
    SAVE_BG_SCHEDULED,       /* cron starts it once no child runs */
    SAVE_BG_IN_PROGRESS,     /* a BGSAVE child runs already */
    SAVE_BG_OTHER_CHILD,     /* an AOF rewrite runs and no SCHEDULE */
    SAVE_BG_FAILED           /* fork failed (logged) */
};
int save_background(int schedule, int in_exec);

/*
 * A BGSAVE for a full resynchronisation (disk-based replication): the
 * same child and file as BGSAVE; `done` runs in the parent once the child
 * ended, ok = the file is complete. 0 when the child runs, -1 when a child
 * runs already or fork failed (logged).
 */
typedef void (*save_done_fn)(int ok);
int save_background_then(save_done_fn done);

#endif
