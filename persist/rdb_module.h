/*
 * rdb_module.h — Redis's module-type encoding in RDB files and DUMP
 * payloads, for types declared with a Redis module type name:
 *
 *   value:  type byte 7 (RDB_TYPE_MODULE_2), the key, len(id), the
 *           type's fields (opcode-tagged, see host/sdk_rdb_module.c),
 *           len(RDB_MODULE_OPCODE_EOF)
 *   aux:    RDB_OPCODE_MODULE_AUX, len(id), len(UINT opcode), len(when),
 *           the fields, len(EOF) — before and/or after the keyspace
 *
 * where id = the 9 name characters (6 bits each, index in
 * "A-Z a-z 0-9 - _") << 10 | the 10-bit encoding version. A value or aux
 * record is routed to the loaded type with the same name (Redis compares
 * the name bits only); one whose encoding version is newer than the type
 * declares is refused.
 *
 * Invariants: nothing here leaves a value half-loaded; every failure is
 * recorded on the stream with what was found and what to do.
 */
#ifndef PERSIST_RDB_MODULE_H
#define PERSIST_RDB_MODULE_H

#include <stdint.h>

#include "persist/rdb_io.h"

struct md_type;

#define RDB_MODULE_NAME_LEN 9
#define RDB_MODULE_ENCVER_MAX 1023

/* 1 when name is exactly 9 characters of [A-Za-z0-9_-]. */
int rdb_module_name_valid(const char *name);
/* The id of a valid name and an encoding version <= 1023. */
uint64_t rdb_module_id(const char *name, unsigned encver);
/* The 9-character name of an id, NUL-terminated. */
void rdb_module_name(uint64_t id, char name[RDB_MODULE_NAME_LEN + 1]);

/* Write id, the slot's rdb_save fields and the EOF opcode. */
int rdb_module_save_value(rdb_io_t *io, const struct md_type *t, const void *value);
/*
 * Read a module-type value after its type byte (and key): the id, then the
 * owning slot's rdb_load with the file's encoding version, then the EOF
 * opcode. Returns the value and its slot in *tp; or NULL with *empty = 1
 * (valid but empty: skip the key); or NULL with an error on the stream.
 */
void *rdb_module_load_value(rdb_io_t *io, struct md_type **tp, int *empty);

/* Write the aux records of every type whose aux_when has `when`
 * (MD_AUX_BEFORE_RDB or MD_AUX_AFTER_RDB); a type whose aux_save writes
 * no field writes no record. */
int rdb_module_save_aux(rdb_io_t *io, int when);
/* Read one aux record after its RDB_OPCODE_MODULE_AUX opcode. */
int rdb_module_load_aux(rdb_io_t *io);

#endif
