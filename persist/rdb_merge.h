/*
 * rdb_merge.h — moving a loaded dataset into the live databases, for
 * DEBUG RELOAD NOFLUSH: the file is loaded into empty databases set aside,
 * and only a complete load is merged, so a file that fails half-way
 * changes nothing.
 *
 * Invariant: the move is all-or-nothing — every conflict is found before
 * the first key moves.
 */
#ifndef PERSIST_RDB_MERGE_H
#define PERSIST_RDB_MERGE_H

#include <stddef.h>

#include "host/ks.h"

/*
 * Move every key of from[0..srv.databases) into srv.db with its value,
 * TTL, sub-key TTL tracking and LRU/LFU data. With `replace` a key
 * already live is replaced; without it, any such key fails the whole move
 * before anything moved. Returns 0, or -1 with the first conflict in err
 * (from is then unchanged).
 */
int rdb_merge_dbs(ks_db_t *from, int replace, char *err, size_t cap);

#endif
