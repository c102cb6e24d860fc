/*
 * config.h — redis.conf-compatible configuration: the parameter table
 * (names, types, defaults, limits), config file and command-line parsing,
 * and the CONFIG command (GET, SET, RESETSTAT, REWRITE).
 */
#ifndef MODIS_CONFIG_H
#define MODIS_CONFIG_H

#include <stddef.h>

#include "sdk_host.h"

/* Set every parameter to its default. */
void config_init(void);
/* Parse config text (file contents + command-line overrides). Returns 0,
 * or -1 with line number and reason filled in. */
int config_load_text(const char *text, int *errline, char *err, size_t errcap,
                     char *badline, size_t badcap);
/* Read `path` (may be NULL) and append `overrides`; exits on error with
 * Redis's FATAL CONFIG FILE ERROR report. */
void config_load_or_die(const char *path, const char *overrides);
/* Apply the lines config_load_or_die() kept because they named no known
 * parameter (module parameters: the modules load later); call once the
 * `loadmodule`s are loaded. A name still unknown, or a bad value, exits
 * with the FATAL CONFIG FILE ERROR report of its line. */
void config_apply_deferred_or_die(void);
/* Build override text from argv (as redis-server does). */
char *config_args_to_text(int argc, char **argv);

/* Set one parameter by name (used by CONFIG SET and tests).
 * Returns 0 or -1 with the reason. */
int config_set_one(const char *name, const char *value, char *err, size_t cap);
/* Current value as text (NULL when unknown). Caller frees. */
char *config_get_value(const char *name);
/* Is `name` a parameter whose value is a secret (requirepass, the TLS key
 * passphrases): MONITOR and SLOWLOG redact it. */
int config_is_sensitive(const char *name);

/* May `client` run the protected command `name` ("debug", "module")
 * under enable-debug-command / enable-module-command, or set protected
 * parameters ("config") under enable-protected-configs? */
struct client;
int config_protected_allowed(const char *name, struct client *c);

/* Command handlers. */
int config_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv);
/* CONFIG SET; protected_ok: may the client set protected parameters (dir,
 * dbfilename) under enable-protected-configs? */
int config_cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv, int protected_ok);
int config_cmd_resetstat(md_ctx_t *c, int argc, const md_arg_t *argv);
int config_cmd_rewrite(md_ctx_t *c, int argc, const md_arg_t *argv);
/* CONFIG REWRITE of the config file: the file's own lines updated, then
 * the parameters it lacks that differ from their defaults (with force_all,
 * every parameter: DEBUG CONFIG-REWRITE-FORCE-ALL). 0, or -1 with errno
 * set (ENOENT: no config file). */
int config_rewrite(int force_all);
int config_cmd_help(md_ctx_t *c, int argc, const md_arg_t *argv);

/* Module-registered parameters (hash-max-listpack-entries...), removed
 * again when their owner is unloaded. */
int config_register_ll(const void *owner, const char *name, long long *var,
                       long long def, long long min, long long max);
/* The same for a byte size taking memory units (hash-max-listpack-value). */
int config_register_mem(const void *owner, const char *name, long long *var,
                        long long def, long long min, long long max);
/* String, yes/no and enum parameters of modules (1.2). A string's *var
 * points at a host-owned copy of the value, replaced on every change and
 * freed when the owner is unregistered; `names` (NULL-terminated) must
 * live as long as the parameter. -1 when the name is taken (or, for an
 * enum, def is not an index of names). */
int config_register_str(const void *owner, const char *name, const char **var,
                        const char *def);
int config_register_bool(const void *owner, const char *name, int *var, int def);
int config_register_enum(const void *owner, const char *name, int *var,
                         const char *const *names, int def);
void config_unregister_owner(const void *owner);
/* MODULE UPGRADE (module.h's stash ops): PARK takes owner's parameters
 * out of the table; COMMIT gives each value to the new parameter of the
 * same name (registered meanwhile) and frees the parked ones; ROLLBACK
 * drops what owner registered meanwhile and puts the parked ones back. */
enum { CONFIG_STASH_PARK, CONFIG_STASH_COMMIT, CONFIG_STASH_ROLLBACK };
void config_stash_owner(const void *owner, int op);
/* A second name for the parameter `name` that `owner` registered: 0, or
 * -1 when it is not owner's, already has an alias, or `alias` is taken. */
int config_register_alias(const void *owner, const char *alias, const char *name);

#endif
