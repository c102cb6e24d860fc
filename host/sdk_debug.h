/*
 * sdk_debug.h — the SDK's DEBUG section (sdk_debug.c, 1.2): DEBUG
 * subcommands that modules register (md_debug_register) and the module
 * side of DEBUG LISTPACK (md_lp_repr, in sdk_listpack.c). The DEBUG
 * command itself is cmd_debug.c, which asks here for the subcommands it
 * does not have.
 */
#ifndef MODIS_SDK_DEBUG_H
#define MODIS_SDK_DEBUG_H

#include "sdk_host.h"

/* A module's DEBUG subcommand: a full-size copy of its declaration (fields
 * past the module's md_command_t are zero), whose strings and handler are
 * in the module. */
typedef struct sdk_debug_sub {
    md_command_t decl;
    md_module_t *owner;
} sdk_debug_sub_t;

/* The host's own subcommand names (NULL-terminated, static): a module may
 * not take one. Set once at start-up. */
void sdk_debug_host_names(const char *const *names);
/* The module subcommand called `name`, or NULL. Valid until the module's
 * next unload. */
const sdk_debug_sub_t *sdk_debug_find(const char *name, size_t len);
/* Every module subcommand, in registration order (DEBUG HELP). */
typedef void (*sdk_debug_fn)(const sdk_debug_sub_t *sub, void *priv);
void sdk_debug_foreach(sdk_debug_fn fn, void *priv);
/* Drop m's subcommands (module_on_forget). */
void sdk_debug_forget(md_module_t *m);
/* MODULE UPGRADE: park, drop or restore m's subcommands (module.h). */
void sdk_debug_stash(md_module_t *m, int op);
/* Fill the DEBUG section's entries. */
void sdk_api_fill_debug(md_api_t *a);

#endif
