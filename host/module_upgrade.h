/*
 * module_upgrade.h — MODULE UPGRADE: replace the build of a loaded module
 * with live data, between two events.
 *
 * Protocol (docs/architecture.md, "Module upgrade"): open the new build
 * beside the old one; check its manifest (ABI, name, the same types, RDB
 * identity and services); run its md_init against the same md_module_t
 * with the registrations staged (types, commands, services here; what
 * other subsystems keep is parked through module_on_stash); then, per
 * type, swap the callbacks in place when the value layout version is
 * unchanged, or convert every live value through the old build's
 * rdb_save and the new build's rdb_load; finally swap the commands in
 * place. Any failure before the commit puts everything back and the old
 * build keeps serving.
 *
 * Invariant: the md_module_t, its type slots and its command entries keep
 * their addresses, so nothing that refers to them (values' slot ids,
 * blocked clients, queued MULTI commands, dependents' records) changes.
 * The old build's code stays mapped while anything may still point into
 * it (values kept in place, service tables dependents imported); it is
 * closed with the module (m->retired).
 */
#ifndef MODIS_MODULE_UPGRADE_H
#define MODIS_MODULE_UPGRADE_H

#include <stddef.h>

#include "module.h"

/* Upgrade module `name` to the build at `path` with args. Returns 0 with
 * a one-line summary in msg, or -1 with the exact reason in msg. */
int module_upgrade(const char *name, const char *path, int argc, char **argv, char *msg,
                   size_t cap);

#endif
