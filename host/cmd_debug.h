/*
 * cmd_debug.h — what the two halves of DEBUG share: cmd_debug.c (the
 * dispatcher, HELP, the dataset and the protocol) and cmd_debug_proc.c
 * (the process: crashes, restarts, allocator, the test knobs).
 */
#ifndef MODIS_CMD_DEBUG_H
#define MODIS_CMD_DEBUG_H

#include "sdk_host.h"

/* One subcommand: its handler gets DEBUG's whole argv; arity counts it
 * (negative: at least), max is the most arguments (0: no limit). */
typedef struct debug_sub {
    const char *name;
    md_cmd_fn fn;
    int arity, max;
} debug_sub_t;

/* cmd_debug_proc.c's subcommands (NULL-name-terminated). */
extern const debug_sub_t debug_proc_subs[];
/* Reply an error built from a format. */
void debug_reply_errorf(md_ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
