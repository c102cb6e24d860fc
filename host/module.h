/*
 * module.h — loading, validating, listing and unloading data-type modules.
 *
 * A load is all-or-nothing: the manifest is validated before any module
 * code runs (magic, ABI, name, required services), then md_init registers
 * types, commands and services; on any failure everything the module
 * registered is removed again and the .so is closed.
 */
#ifndef MODIS_MODULE_H
#define MODIS_MODULE_H

#include <stddef.h>

#include "sdk_host.h"

#define MODULE_MAX_TYPES 16
#define MODULE_MAX_DEPS 16
#define MODULE_MAX_FORGET 8

struct module_stage; /* an upgrade's registrations, until it commits */

typedef struct module_service {
    struct module_service *next;
    char *name;
    uint32_t version;
    const void *table;
    struct md_module *provider;
} module_service_t;

struct md_module {
    char *name;
    char *path;
    void *dl;
    const md_manifest_t *manifest;
    int argc;
    char **argv;
    size_t mem_used;
    int in_init;                          /* registration allowed */
    md_type_t *types[MODULE_MAX_TYPES];
    int ntypes;
    struct md_module *deps[MODULE_MAX_DEPS]; /* modules whose services we use */
    int ndeps;
    char err[256];                        /* first registration error */
    md_unload_fn on_unload;               /* md_on_unload(): may refuse */
    size_t detached_blocks;               /* md_block_client() handles whose
                                             client went, md_unblock() due */
    struct module_stage *stage;           /* MODULE UPGRADE: the new build's
                                             md_init registers here */
    void **retired;                       /* builds replaced by MODULE UPGRADE
                                             and still mapped (closed with
                                             the module, see module_upgrade.h) */
    int nretired;
    struct md_module *next;
};

typedef struct md_module module_t;

/* Load a module; on failure returns -1 with a message in err. */
int module_load(const char *path, int argc, char **argv, char *err, size_t errcap);
/* Load the queued `loadmodule` directives, ordered by service needs. */
void module_queue(const char *path, int argc, char **argv);
int module_load_queued(char *err, size_t errcap);
/* Unload by name; refuses (with the exact reason) while keys of its types,
 * clients blocked in its commands, one of its commands running or modules
 * using its services exist, or when its md_on_unload hook refuses. With
 * `flush`, keys do not refuse it: once every other check passed, flush(m)
 * deletes them (MODULE UNLOAD ... FLUSHTYPE). Values being freed in the
 * background are waited for. */
int module_unload(const char *name, void (*flush)(module_t *m), char *err, size_t errcap);
module_t *module_find(const char *name);
/* Keys of type t in db `dbid` (a scan of that db). */
size_t module_type_keys_in(const md_type_t *t, int dbid);
/* The first loaded module that uses a service of m (or requires one it
 * provides), or NULL. */
const module_t *module_user_of(const module_t *m);
/* Whether m must stay as it is now: keys of its types (when check_keys),
 * clients blocked in its commands (when check_blocked), or one of its
 * commands running. Returns 0, or -1 with the exact reason in err. */
int module_busy(module_t *m, int check_keys, int check_blocked, char *err, size_t cap);
module_t *module_first(void);
/* The lowest host ABI minor a manifest needs: its abi_minor_min when it was
 * built with a 1.2 or newer header (the field exists), else abi_minor. */
unsigned module_abi_min(const md_manifest_t *mf);
/*
 * What other subsystems keep per module (configuration parameters, cron
 * and INFO hooks) is dropped through these when the module is unloaded or
 * its load fails; registered once at start-up (hooks.c). The command
 * table and the type slots are cleaned by module.c itself.
 */
typedef void (*module_forget_fn)(md_module_t *m);
void module_on_forget(module_forget_fn fn);
/*
 * MODULE UPGRADE runs the new build's md_init against the same md_module_t.
 * What a subsystem keeps per module and looks up by name (parameters,
 * DEBUG subcommands) or calls (cron, INFO and event hooks) is first parked
 * (MODULE_PARK: out of sight, kept), then either dropped (MODULE_COMMIT:
 * the new build's registrations stay; a parameter passes its current value
 * to the new one of the same name) or put back (MODULE_ROLLBACK: the new
 * build's registrations are forgotten first). Registered at start-up.
 */
enum { MODULE_PARK, MODULE_COMMIT, MODULE_ROLLBACK };
typedef void (*module_stash_fn)(md_module_t *m, int op);
void module_on_stash(module_stash_fn fn);
/* Print the manifest of a .so without running its code (--module-info). */
int module_print_info(const char *path);

#endif
