/*
 * module_internal.h — what module.c shares with module_upgrade.c only:
 * the manifest checks, the service list and the park/commit/rollback
 * hooks of the other subsystems. Nothing outside the module loader
 * includes it.
 */
#ifndef MODIS_MODULE_INTERNAL_H
#define MODIS_MODULE_INTERNAL_H

#include "module.h"

/* Magic, ABI and name of a manifest; 0, or -1 with the reason in err. */
int manifest_check(const md_manifest_t *mf, char *err, size_t cap);
/* Whether loaded modules provide every service mf requires. */
int requires_met(const md_manifest_t *mf, char *err, size_t cap);
/* Record that m uses a service of provider (no-op for itself). */
void add_dep(module_t *m, module_t *provider);
module_service_t *service_find(const char *name);
/* The first provided service (then ->next). */
module_service_t *service_first(void);
/* Add a service provided by m (the name must be free). */
void service_add(module_t *m, const char *name, uint32_t version, const void *table);
/* Why dlopen() failed, from dlerror(). */
void dlopen_error(char *err, size_t cap);
/* Run every subsystem's stash hook (MODULE_PARK/COMMIT/ROLLBACK). */
void module_stash_run(module_t *m, int op);

/* MODULE UPGRADE (module_upgrade.c): registration while the new build's md_init runs (m->stage set); errors
 * go to m->err as for a load. */
md_type_t *module_stage_type(module_t *m, const char *name, const md_type_ops_t *ops);
int module_stage_commands(module_t *m, const md_command_t *cmds);
int module_stage_service(module_t *m, const char *name, uint32_t version, const void *table);

#endif
