/*
 * sort.h — what the SORT module's files share: the services it reads
 * values through. string.v1 and list.v1 are required by the manifest (a
 * SORT result is a list; BY and GET patterns read strings); zset.v1,
 * set.v1 and hash.v1 are imported when first needed, since keys of those
 * types can only exist while their modules are loaded (a module loaded
 * after this one is found then).
 */
#ifndef SORT_H
#define SORT_H

#include "modis.h"

extern const md_string_v1_t *sort_strings MD_HIDDEN;
extern const md_list_v1_t *sort_lists MD_HIDDEN;

/* The optional services, or NULL while no loaded module provides them.
 * Importing records the dependency: the provider cannot be unloaded
 * while this module is loaded. */
const md_zset_v1_t *sort_zsets(void) MD_HIDDEN;
const md_set_v1_t *sort_sets(void) MD_HIDDEN;
const md_hash_v1_t *sort_hashes(void) MD_HIDDEN;

#endif /* SORT_H */
