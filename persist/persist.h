/*
 * persist.h — the persistence subsystem (RDB snapshots and the AOF) as the
 * rest of the server drives it: the load at start-up, the cron work, its
 * part of shutting down, switching appendonly at run time, and the MISCONF
 * refusal of writes. The commands use save.h and aof_rewrite.h, INFO
 * aof.h, save.h and child.h, DUMP/RESTORE rdb.h.
 *
 * What persistence needs from the server comes through persist_hooks, a
 * table the server fills at start-up (host/hooks.c): nothing in persist/
 * includes a client, a command or the dispatcher.
 */
#ifndef PERSIST_PERSIST_H
#define PERSIST_PERSIST_H

#include <stddef.h>

#include "host/sdk_host.h"

/* Replaying the AOF: its commands run, one after the other, as a client
 * of the server that has no socket (a "replay"). */
typedef struct persist_replay persist_replay_t;

/* What replay_run() found. */
enum {
    PERSIST_REPLAY_OK,       /* the command ran (its reply may be an error) */
    PERSIST_REPLAY_UNKNOWN   /* no such command: nothing ran */
};

typedef struct persist_hooks {
    persist_replay_t *(*replay_open)(void);
    /* Run argv (it must outlive the call). *name gets the command's full
     * name; *err, when the reply was an error, its text up to the first
     * CR ("ERR ..."), else NULL; both stay valid until the next call. */
    int (*replay_run)(persist_replay_t *r, int argc, const md_arg_t *argv,
                      const char **name, const char **err, size_t *errlen);
    /* Inside MULTI: the replay's commands are queued, not run yet. */
    int (*replay_in_multi)(persist_replay_t *r);
    void (*replay_close)(persist_replay_t *r);
    /* After a load: forget the command statistics the replay made
     * (replaying is not activity). */
    void (*reset_stats)(void);
} persist_hooks_t;

extern persist_hooks_t persist_hooks;

/*
 * Load the dataset at start-up, after the modules (they read their
 * values): with appendonly yes the AOF (persist/aof_load.h), otherwise the
 * RDB file `dbfilename` in `dir`. The AOF manifest is read either way (a
 * bad one is fatal, as in Redis) and the AOF becomes a propagation sink.
 * Exits with status 1 on a corrupt file, after logging the file, the
 * offset and what the operator can do.
 */
void persist_load_startup(void);

/* From cron: reap a finished child, start due save points, scheduled and
 * automatic rewrites, write and fsync the AOF buffer. */
void persist_cron(void);

/*
 * The persistence part of shutting down: kill a background child, write
 * and fsync the AOF, then save when `save` is set, or when save points
 * exist and `nosave` is not. Returns 0, or -1 (logged) when the server
 * must keep running: the rewrite that switches AOF on runs, or the final
 * save failed, and `force` is not set.
 */
int persist_shutdown(int save, int nosave, int force);

/* CONFIG SET appendonly: bring the AOF in line with srv.appendonly
 * (start: a rewrite; stop: close the file). 0, or -1 with Redis's text. */
int persist_apply_appendonly(char *err, size_t cap);

/* The MISCONF error for write commands (and PING) while the last
 * background save or the AOF write failed; NULL when writes are allowed. */
const char *persist_write_error(void);

#endif
