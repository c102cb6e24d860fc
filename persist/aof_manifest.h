/*
 * aof_manifest.h — the manifest of Redis 7's multi-part append-only file:
 * which files under `appenddirname` make up the dataset, and in which
 * order. One line per file, exactly as Redis writes it:
 *
 *     file appendonly.aof.1.base.rdb seq 1 type b
 *     file appendonly.aof.1.incr.aof seq 1 type i
 *
 * (type b = base, h = history, i = incremental; a name that needs quoting
 * is written as a C-style quoted string). Names: `<appendfilename>.<seq>.
 * base.rdb` (.base.aof without an RDB preamble), `<appendfilename>.<seq>.
 * incr.aof`; while AOF is being switched on, new commands go to
 * `temp-<appendfilename>.incr` until the first rewrite completes.
 *
 * Invariants: at most one base; incr files in strictly increasing seq
 * order; base_seq/incr_seq are the highest sequence numbers handed out,
 * so a name is never reused. The manifest on disk is only ever replaced
 * by renaming a complete, fsynced temp file.
 */
#ifndef PERSIST_AOF_MANIFEST_H
#define PERSIST_AOF_MANIFEST_H

#include <stddef.h>

#define AOF_TYPE_BASE 'b'
#define AOF_TYPE_HIST 'h'
#define AOF_TYPE_INCR 'i'

typedef struct aof_file {
    char *name;              /* a plain file name inside the AOF dir */
    long long seq;
    char type;               /* AOF_TYPE_* */
} aof_file_t;

typedef struct aof_manifest {
    aof_file_t *base;        /* NULL when there is none */
    aof_file_t *incr;        /* oldest first */
    int nincr;
    aof_file_t *hist;        /* files to delete */
    int nhist;
    long long base_seq;      /* highest base seq handed out */
    long long incr_seq;      /* highest incr seq handed out */
} aof_manifest_t;

aof_manifest_t *aof_manifest_new(void);
void aof_manifest_free(aof_manifest_t *am);
aof_manifest_t *aof_manifest_dup(const aof_manifest_t *am);

/*
 * Parse manifest text. Returns the manifest, or NULL with *errline (1-based,
 * 0 when the problem is not one line) and a message in err, with Redis's
 * texts ("Invalid AOF manifest file format", "Found duplicate base file
 * information", ...).
 */
aof_manifest_t *aof_manifest_parse(const char *text, size_t len, int *errline,
                                   char *err, size_t errcap);
/* The manifest as text (base, history, incr); caller frees with mem_free. */
char *aof_manifest_format(const aof_manifest_t *am, size_t *len);

/*
 * Read `dir/name`: 0 with *out set, 1 when the directory or the manifest
 * does not exist (*out = empty manifest), -1 with a message (for a parse
 * error: the line number and the line itself) when it cannot be used.
 */
int aof_manifest_load(const char *dir, const char *name, aof_manifest_t **out,
                      char *err, size_t errcap);
/*
 * Write the manifest to `dir/name` atomically: temp-<name> in dir, fsync,
 * rename, fsync the directory. 0, or -1 after logging why.
 */
int aof_manifest_save(const aof_manifest_t *am, const char *dir, const char *name);

/*
 * A new base name (`prefix`.<seq>.base.rdb or .aof) with the next seq; the
 * previous base, if any, becomes history. Returns the new name (owned by am).
 */
const char *aof_manifest_new_base(aof_manifest_t *am, const char *prefix, int rdb);
/* Append a new incr file with the next seq; returns its name (owned by am). */
const char *aof_manifest_new_incr(aof_manifest_t *am, const char *prefix);
/* The last incr file's name, appending a new one when there is none. */
const char *aof_manifest_last_incr(aof_manifest_t *am, const char *prefix);
/* After a rewrite: every incr file becomes history, except the newest one
 * when `keep_last` (the file the server is appending to). */
void aof_manifest_retire_incr(aof_manifest_t *am, int keep_last);
/* Forget the history files (after they were deleted). */
void aof_manifest_clear_history(aof_manifest_t *am);

#endif
