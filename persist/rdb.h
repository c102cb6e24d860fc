/*
 * rdb.h — the dataset layer of the RDB format: values, keys, databases and
 * whole files, on top of the byte-stream primitives of rdb_io.h. A value is
 * saved and loaded by the type slot that owns it (its module's rdb_save /
 * rdb_load callbacks); which slot loads a given type byte is decided by the
 * modules' manifest claims (types_by_rdb).
 *
 * Version policy: what we write is what Redis 7.4 writes, but the version
 * number in a file header or DUMP footer is the lowest one that can hold
 * every type byte in it (10 unless a value needs a newer encoding, such as
 * hash field TTLs, 12). Redis 7.0 therefore loads our files and payloads
 * whenever their content is expressible in its format.
 *
 * Invariants: loading never leaves a half-loaded value in the keyspace; on
 * any error the stream's error message says what and at which offset.
 */
#ifndef PERSIST_RDB_H
#define PERSIST_RDB_H

#include <stddef.h>
#include <stdint.h>

#include "persist/rdb_io.h"

struct md_type;
struct ks_entry;

/* The lowest RDB version we write, and the first able to hold each type. */
#define RDB_WRITE_VERSION_MIN 10
int rdb_type_min_version(uint8_t rdbtype);

/* Can values of slot t be written to RDB (and DUMPed)? */
int rdb_type_savable(const struct md_type *t);
/* The type byte for a value of slot t: 7 (RDB_TYPE_MODULE_2) for a type
 * with a Redis module type name, else what its rdb_type callback says
 * (0 when it has none; rdb_save_object then fails). */
uint8_t rdb_object_type(const struct md_type *t, const void *value);
/* Write the payload of a value (everything after the type byte, and after
 * the key in a file). */
int rdb_save_object(rdb_io_t *io, const struct md_type *t, const void *value);
/*
 * Read the payload of a value of type byte `rdbtype`. Returns the new value
 * and its slot in *t; or NULL with *empty = 1 when the payload was valid but
 * held no elements (the caller skips the key); or NULL with an error on the
 * stream (including "no loaded module claims this type byte").
 */
void *rdb_load_object(rdb_io_t *io, uint8_t rdbtype, struct md_type **t,
                      int *empty);
/* What a load found, for INFO and the log. */
typedef struct rdb_load_stats {
    long long keys_loaded;
    long long keys_expired;      /* already past their TTL: not loaded */
    long long keys_empty;        /* empty values: skipped */
    int version;                 /* the file's RDB version */
} rdb_load_stats_t;

/* Flags for rdb_save_dataset. */
#define RDB_SAVE_AOF_PREAMBLE 1  /* aux "aof-base" = 1 */

/*
 * Write the whole dataset: header, aux fields, the modules' aux records
 * meant to precede the keyspace, every db (SELECTDB, RESIZEDB, then each
 * key with its TTL and, under an LRU/LFU maxmemory policy, its idle time
 * or frequency), the aux records meant to follow it, EOF and the CRC64.
 */
int rdb_save_dataset(rdb_io_t *io, int flags);
/*
 * Read a whole RDB stream (header to checksum) into the databases, which
 * the caller has emptied. Keys whose TTL has passed are dropped (counted),
 * except in an AOF base (aux field "aof-base" or "aof-preamble" set), whose
 * following commands ran while those keys still existed. A key already in
 * its db is an error. Logs the producer's version and the key counts. On
 * error returns -1 with the stream's message; the keys loaded before the
 * error stay (the caller decides whether to flush them).
 */
int rdb_load_dataset(rdb_io_t *io, rdb_load_stats_t *st);

/*
 * Save to `path` (relative to the working directory, which is `dir`)
 * atomically: write "temp-<pid>.rdb" in the working directory, fflush +
 * fsync, rename over `path`, fsync the directory. Returns 0, or -1 with a
 * message in err (the temp file is removed).
 */
int rdb_save_file(const char *path, int flags, char *err, size_t errcap);

/* Flags for rdb_load_file. */
#define RDB_LOAD_ALLOW_DUP 1     /* a key already present is replaced
                                    (DEBUG RELOAD MERGE) */
/*
 * Load `path` into the databases as rdb_load_dataset() does (with
 * RDB_LOAD_ALLOW_DUP, duplicates replace the keys present). Returns 0 on
 * success, 1 when the file does not exist (nothing loaded), -1 with a
 * message "RDB file <path>: <cause> at offset <n>" when it is unreadable
 * or corrupt.
 */
int rdb_load_file(const char *path, int flags, rdb_load_stats_t *st, char *err,
                  size_t errcap);

#endif
