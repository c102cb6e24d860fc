/*
 * sdk_call.h — what md_call() needs from above the SDK layer: the
 * function that runs a command nested in the current one (call.c's
 * call_run_md, installed by hooks.c).
 */
#ifndef MODIS_SDK_CALL_H
#define MODIS_SDK_CALL_H

#include "reply.h"
#include "sdk_host.h"

struct client;

/* Run argv as `caller` with md_call's MD_CALL_* flags, the reply (or the
 * refusal) in protocol `resp` appended to `out`; 0 ran, -1 refused. */
typedef int (*sdk_call_fn)(struct client *caller, unsigned md_flags, int resp, int argc,
                           const md_arg_t *argv, reply_t *out);
void sdk_call_set_runner(sdk_call_fn fn);

#endif
