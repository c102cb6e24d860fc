/*
 * module_rdb.h — what a module's manifest says about RDB: which built-in
 * Redis type bytes each of its types reads and writes, and which types
 * are written as Redis module types (9-character name, encoding version).
 * Checked before any module code runs, applied to the type slots once
 * md_init succeeded, printed by --module-info; and the memory of which
 * module provides a module type name, for errors about files holding
 * values no loaded module can read.
 *
 * Invariants: a type byte and a module type name each belong to at most
 * one loaded type slot; a type has byte claims or a module type name,
 * never both.
 */
#ifndef MODIS_MODULE_RDB_H
#define MODIS_MODULE_RDB_H

#include <stddef.h>

#include "sdk_host.h"

/* The manifest's per-type declarations, or NULL (modules built before 1.2,
 * whose manifest has no such field, or none given). */
const md_type_rdb_t *module_rdb_decls(const md_manifest_t *mf);

/* Check a manifest's RDB declarations against itself and the loaded
 * modules, ignoring the claims of `replacing` (the module a MODULE
 * UPGRADE replaces; NULL for a load). Returns 0, or -1 with the reason
 * in err. No module code runs. */
int module_rdb_check(const md_manifest_t *mf, const struct md_module *replacing, char *err,
                     size_t cap);
/* MODULE UPGRADE: whether the new manifest gives every type of the old
 * one the same RDB identity (the same type bytes, the same Redis module
 * type name with an encoding version not lower). 0, or -1 with the
 * reason in err. */
int module_rdb_same(const md_manifest_t *old, const md_manifest_t *mf, char *err, size_t cap);

/* After md_init of module `modname` with manifest mf: give its type slots
 * (types[0..ntypes), the manifest's order) their byte claims and module
 * type names, and check that aux callbacks belong to a type with a module
 * type name. Returns 0, or -1 with the reason in err (the caller rolls the
 * module back, which releases whatever was given). */
int module_rdb_apply(const md_manifest_t *mf, const char *modname, md_type_t *const *types,
                     int ntypes, char *err, size_t cap);

/* The --module-info lines "rdb-types: ..." and "rdb-module-types: ...". */
void module_rdb_print(const md_manifest_t *mf);

/* Who provides Redis module type `name` (9 characters): a module loaded
 * earlier in this process that declared it, else a well-known Redis
 * module; NULL when unknown. */
const char *module_rdb_provider(const char *name);

#endif
