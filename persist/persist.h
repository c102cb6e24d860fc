/*
 * persist.h — the persistence subsystem (RDB snapshots and the AOF) as the
 * rest of the server drives it: the load at start-up, the cron work, its
 * part of shutting down, switching appendonly at run time, and the MISCONF
 * refusal of writes. The commands use save.h and aof_rewrite.h, INFO
 * aof.h, save.h and child.h, DUMP/RESTORE rdb.h.
 *
 * What persistence needs from the server comes through persist_hooks
 * (persist_hooks.h), a table the server fills at start-up: nothing in
 * persist/ includes a client, a command or the dispatcher.
 */
#ifndef PERSIST_PERSIST_H
#define PERSIST_PERSIST_H

#include <stddef.h>

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
/* CONFIG SET aof-disable-auto-gc: back to "no" removes the history AOF
 * files a rewrite left while it was "yes". Always 0. */
int persist_apply_aof_auto_gc(char *err, size_t cap);

/* DEBUG LOADAOF: reload the dataset from the AOF files; 0, or -1 (logged,
 * the dataset unchanged). */
int persist_debug_loadaof(void);

/* The MISCONF error for write commands (and PING) while the last
 * background save or the AOF write failed; NULL when writes are allowed. */
const char *persist_write_error(void);

#endif
