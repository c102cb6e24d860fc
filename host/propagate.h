/*
 * propagate.h — what a write command leaves behind for the AOF and
 * replicas: by default the command as called, or what the command asked
 * for through md_replicate(). Commands collected during a call are handed
 * to every registered sink, in order, after the call returns.
 *
 * Execution units, as Redis 7: what calls nested inside another call (the
 * commands of EXEC) record is held until the outermost call ends; a unit
 * that propagates more than one command reaches the sinks wrapped in
 * MULTI ... EXEC, so a replica or the AOF applies it atomically. Nothing
 * is propagated while loading (srv.loading).
 */
#ifndef MODIS_PROPAGATE_H
#define MODIS_PROPAGATE_H

#include "sdk_host.h"

/* A sink receives each command with the db it applies to; dbid -1 means
 * "no db" (the EXEC closing a unit: no SELECT needed). */
typedef void (*prop_sink_fn)(int dbid, int argc, const md_arg_t *argv);

/* Register a sink (AOF, replication backlog). */
void prop_add_sink(prop_sink_fn fn);
/* Record argv (copied) for the current call, in the call's db. */
void prop_record(int argc, const md_arg_t *argv);
/* Record argv in db `dbid` as a side effect (a key expired or evicted
 * during the call): it does not replace the call's default verbatim
 * propagation. */
void prop_record_also(int dbid, int argc, const md_arg_t *argv);
/* Mark that the call's own argv must be propagated. */
void prop_record_verbatim(void);
/* After a call: hand records to the sinks (if any) and clear them; inside
 * a nested call, keep them for the outermost one. `argv` is the call's
 * own argv, used for verbatim records; `dbid` the db it ran in. */
void prop_flush(int dbid, int argc, const md_arg_t *argv, int dirty);
/* Whether any sink is registered (skip the work when none). */
int prop_active(void);

#endif
