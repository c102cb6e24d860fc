/*
 * aof_load.h — loading the multi-part AOF at start-up: the base file (an
 * RDB preamble, possibly followed by commands, or commands only), then
 * each incr file in manifest order. Commands run through the server's
 * ordinary dispatcher as a client without socket (persist_hooks'
 * replay), with srv.loading set, so nothing is propagated and no key
 * expires while loading.
 *
 * A problem is never passed over silently: an incomplete last command of
 * the last file (or an unfinished MULTI block there) is cut off, with a
 * warning, when aof-load-truncated is yes — the file is truncated to the
 * last complete command; anything else (truncation elsewhere, a malformed
 * command, an unknown command, a corrupt RDB preamble, a missing file)
 * refuses to load, logging the file, the offset and what the operator can
 * do (redis-check-aof --fix on the manifest).
 */
#ifndef PERSIST_AOF_LOAD_H
#define PERSIST_AOF_LOAD_H

#include "persist/aof_manifest.h"

enum {
    AOF_LOAD_OK,             /* loaded */
    AOF_LOAD_NOT_EXIST,      /* the manifest lists no file */
    AOF_LOAD_EMPTY,          /* every file is empty */
    AOF_LOAD_TRUNCATED,      /* loaded after cutting off an incomplete tail */
    AOF_LOAD_FAILED          /* logged; the server must not start */
};

/* Load the files of `am` (names relative to the AOF directory) into the
 * empty databases. Returns an AOF_LOAD_* value. */
int aof_load_all(const aof_manifest_t *am);

#endif
