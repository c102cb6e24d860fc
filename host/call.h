/*
 * call.h — running a command from inside the server, nested in the
 * command (or module code) that asks: md_call() for modules, and the
 * scripting host's redis.call() to come. One path for both, the
 * dispatcher's: lookup, subcommand and arity with the client path's error
 * texts, then the caller's checks, then dispatch_call() on a client
 * without socket that cannot block (blocking commands run in their
 * non-blocking form).
 */
#ifndef MODIS_CALL_H
#define MODIS_CALL_H

#include "reply.h"
#include "sdk_host.h"

struct client;

#define CALL_NO_WRITES    (1u << 0)  /* refuse write commands */
#define CALL_SCRIPT       (1u << 1)  /* refuse noscript commands, and writes
                                        while persistence fails (MISCONF) */
#define CALL_RESPECT_OOM  (1u << 2)  /* refuse denyoom commands above maxmemory */
#define CALL_CHECK_ACL    (1u << 3)  /* the caller's ACL user: -NOPERM and an
                                        ACL LOG entry (context module) */
#define CALL_PROPAGATE    (1u << 4)  /* its effects join the caller's
                                        execution unit (AOF, replicas) */

/* Calls nest at most this deep (a command that md_calls itself). */
#define CALL_MAX_DEPTH 32

/*
 * Run argv[0..argc) (argv[0] the command's name) as `caller` would, in
 * its db, nested in what runs now; the reply in protocol `resp` (2 or 3)
 * is appended to `out` — or, when the call is refused before the command
 * runs, Redis's error reply for the refusal. Returns 0 when the command
 * ran, -1 when it was refused. argv must live until the call returns.
 */
int call_run(struct client *caller, unsigned flags, int resp, int argc, const md_arg_t *argv,
             reply_t *out);
/* call_run() with md_call()'s MD_CALL_* flags (the SDK reaches it through
 * sdk_call.h's runner). */
int call_run_md(struct client *caller, unsigned md_flags, int resp, int argc,
                const md_arg_t *argv, reply_t *out);
/* Calls in progress (0 outside call_run). */
int call_depth(void);

#endif
