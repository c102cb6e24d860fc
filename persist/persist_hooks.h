/*
 * persist_hooks.h — what persistence needs from the rest of the server,
 * as a table of functions the server fills at start-up (host/hooks.c):
 * persist/ includes no client, command or dispatcher header. As with the
 * keyspace's ks_hooks.h, the dependency points down only.
 */
#ifndef PERSIST_PERSIST_HOOKS_H
#define PERSIST_PERSIST_HOOKS_H

#include <stddef.h>

#include "host/sdk_host.h"

struct md_module;

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
    /* In a freshly forked child, before its work: close what the child
     * must not keep (the listening sockets). */
    void (*in_child)(void);
    /* The name of the module that owns a type slot (for messages). */
    const char *(*module_name)(const struct md_module *m);
    /* Who provides Redis module type `name` (9 characters), for the
     * remedy of a file holding values no loaded module reads; NULL when
     * unknown. */
    const char *(*module_type_provider)(const char *name);
    /* Functions (FUNCTION2 opcode, FUNCTION LOAD in the AOF): call cb
     * with each library's code, in load order (stops at a non-zero
     * return, which it returns); load one library's code (`replace`: it
     * may take the place of one of the same name), 0 or -1 with the error
     * text in err; forget every library (a load that replaces the
     * dataset). */
    int (*functions_each)(int (*cb)(void *priv, const char *code, size_t len), void *priv);
    int (*functions_load)(const char *code, size_t len, int replace, char *err, size_t cap);
    void (*functions_flush)(void);
} persist_hooks_t;

extern persist_hooks_t persist_hooks;

#endif
