/*
 * propagate.h — what a write command leaves behind for the AOF and
 * replicas: by default the command as called, or what the command asked
 * for through md_replicate(). Commands collected during a call are handed
 * to every registered sink, in order, after the call returns.
 *
 * Execution units, as Redis 7: calls nest (the commands of EXEC, md_call,
 * module code run by a hook or an event during a command), each between
 * prop_begin() and prop_flush(); what a nested call records joins the
 * unit of the outermost call, in the order things happened, and the unit
 * reaches the sinks when the outermost call ends. A unit that propagates
 * more than one command is wrapped in MULTI ... EXEC, so a replica or the
 * AOF applies it atomically. A call begun with `drop` (md_call without
 * MD_CALL_PROPAGATE) propagates nothing, nor do the calls nested in it.
 * Nothing is propagated while loading (srv.loading).
 */
#ifndef MODIS_PROPAGATE_H
#define MODIS_PROPAGATE_H

#include "sdk_host.h"

/* A sink receives each command with the db it applies to; dbid -1 means
 * "no db" (the EXEC closing a unit: no SELECT needed). */
typedef void (*prop_sink_fn)(int dbid, int argc, const md_arg_t *argv);

/* Register a sink (AOF, replication backlog). */
void prop_add_sink(prop_sink_fn fn);
/* A call starts (before its handler runs); `drop`: what it and the calls
 * nested in it record is discarded. Every prop_begin() is closed by one
 * prop_flush(). */
void prop_begin(int drop);
/* Record argv (copied) for the current call, in the call's db. */
void prop_record(int argc, const md_arg_t *argv);
/* Record argv in db `dbid` as a side effect (a key expired or evicted
 * during the call): it does not replace the call's default verbatim
 * propagation. Outside any call it goes to the sinks at once. */
void prop_record_also(int dbid, int argc, const md_arg_t *argv);
/* Mark that the call's own argv must be propagated. */
void prop_record_verbatim(void);
/* After a call: its records get its db and, for verbatim ones, its argv
 * (`dirty` adds its argv when it asked for nothing else); a nested call's
 * join the enclosing unit, the outermost call's unit goes to the sinks. */
void prop_flush(int dbid, int argc, const md_arg_t *argv, int dirty);
/* Whether any sink is registered (skip the work when none). */
int prop_active(void);

#endif
