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
    struct md_module *next;
};

typedef struct md_module module_t;

/* Load a module; on failure returns -1 with a message in err. */
int module_load(const char *path, int argc, char **argv, char *err, size_t errcap);
/* Load the queued `loadmodule` directives, ordered by service needs. */
void module_queue(const char *path, int argc, char **argv);
int module_load_queued(char *err, size_t errcap);
/* Unload by name; refuses (with the reason) while keys, dependants exist. */
int module_unload(const char *name, char *err, size_t errcap);
module_t *module_find(const char *name);
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
/* Print the manifest of a .so without running its code (--module-info). */
int module_print_info(const char *path);

#endif
