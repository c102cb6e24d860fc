/*
 * aof_load.c — reading the AOF files at start-up. See aof_load.h. Log
 * lines follow Redis 7's, with the offset added where Redis has none.
 */
#include "persist/aof_load.h"

#include "host/events.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/aof_internal.h"
#include "persist/persist_hooks.h"
#include "persist/rdb.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Redis reads the "*<argc>" and "$<len>" lines with a buffer this big. */
#define LINE_MAX_LEN 1024
/* Error replies of replayed commands logged per file. */
#define MAX_ERRORS_LOGGED 10

/* What reading one command found. */
enum { RD_OK, RD_EOF, RD_TRUNCATED, RD_FORMAT, RD_IOERR };

typedef struct loader {
    FILE *fp;
    const char *name;        /* the file, for logs */
    long long size;          /* the file's size */
    char line[LINE_MAX_LEN];
    char *arena;             /* the current command's argument bytes */
    size_t arena_cap;
    size_t *offs;            /* argument offsets into arena */
    size_t offs_cap;
    md_arg_t *argv;          /* the current command, pointing into arena */
    int argc, argv_cap;
    persist_replay_t *r;     /* where the commands run (persist_hooks) */
    int errors;              /* commands that replied an error */
} loader_t;

/* Check the line fgets() just read: complete and CRLF-terminated. */
static int check_line(loader_t *L)
{
    size_t n = strlen(L->line);
    if (n == 0 || L->line[n - 1] != '\n') return feof(L->fp) ? RD_TRUNCATED : RD_FORMAT;
    if (n < 2 || L->line[n - 2] != '\r') return RD_FORMAT;
    L->line[n - 2] = '\0';
    return RD_OK;
}

/* Read one CRLF-terminated line. */
static int read_line(loader_t *L)
{
    if (!fgets(L->line, sizeof(L->line), L->fp)) return feof(L->fp) ? RD_EOF : RD_IOERR;
    return check_line(L);
}

/* Read the next line that is not an annotation ("#TS:..."). */
static int read_first_line(loader_t *L)
{
    for (;;) {
        if (!fgets(L->line, sizeof(L->line), L->fp)) return feof(L->fp) ? RD_EOF : RD_IOERR;
        if (L->line[0] != '#') return check_line(L);
        size_t n = strlen(L->line);
        if (n && L->line[n - 1] == '\n') continue;
        int ch;
        while ((ch = fgetc(L->fp)) != EOF && ch != '\n') {}
    }
}

/* The decimal after the line's type mark; -1 when it is not one. */
static long long line_number(const loader_t *L)
{
    long long v;
    const char *s = L->line + 1;
    if (util_str2ll(s, strlen(s), &v) != 0 || v < 0) return -1;
    return v;
}

static void arena_reserve(loader_t *L, size_t need)
{
    if (L->arena_cap >= need) return;
    size_t cap = L->arena_cap ? L->arena_cap : 4096;
    while (cap < need) cap *= 2;
    L->arena = mem_realloc(L->arena, cap);
    L->arena_cap = cap;
}

/* Read one command into L->argv. */
static int read_command(loader_t *L)
{
    int r = read_first_line(L);
    if (r != RD_OK) return r;
    long long argc = L->line[0] == '*' ? line_number(L) : -1;
    if (argc < 1 || argc > INT32_MAX) return RD_FORMAT;
    size_t used = 0;
    for (long long j = 0; j < argc; j++) {
        r = read_line(L);
        if (r == RD_EOF) return RD_TRUNCATED;
        if (r != RD_OK) return r;
        long long len = L->line[0] == '$' ? line_number(L) : -1;
        if (len < 0) return RD_FORMAT;
        /* More than the file holds: it was cut short (or the length is
         * garbage); either way no allocation of that size. */
        if (len + 2 > L->size - (long long)ftello(L->fp)) return RD_TRUNCATED;
        arena_reserve(L, used + (size_t)len + 2);
        if (fread(L->arena + used, 1, (size_t)len + 2, L->fp) != (size_t)len + 2)
            return feof(L->fp) ? RD_TRUNCATED : RD_IOERR;
        if (L->arena[used + len] != '\r' || L->arena[used + len + 1] != '\n') return RD_FORMAT;
        if ((size_t)j == L->offs_cap) {
            L->offs_cap = L->offs_cap ? L->offs_cap * 2 : 16;
            L->offs = mem_realloc(L->offs, L->offs_cap * sizeof(size_t));
        }
        L->offs[j] = used;
        used += (size_t)len + 2;
    }
    if (argc > L->argv_cap) {
        L->argv_cap = (int)argc;
        L->argv = mem_realloc(L->argv, (size_t)argc * sizeof(md_arg_t));
    }
    for (int j = 0; j < argc; j++) {
        size_t end = j + 1 < argc ? L->offs[j + 1] : used;
        L->argv[j].ptr = L->arena + L->offs[j];
        L->argv[j].len = end - L->offs[j] - 2;
    }
    L->argc = (int)argc;
    return RD_OK;
}

/* "appendonlydir/appendonly.aof.manifest", for the redis-check-aof hint. */
static void manifest_path(char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s.manifest", srv.aof_dirname, srv.aof_filename);
}

/*
 * The end of the file came inside a command (at `off`), or inside a MULTI
 * block whose last complete command ends at `valid`. Cut it off when that
 * is allowed; otherwise explain and fail.
 */
static int cut_tail(loader_t *L, const char *path, long long off, long long valid, int last)
{
    char mp[512];
    manifest_path(mp, sizeof(mp));
    if (!last) {
        log_msg(LOG_WARNING, "Unexpected end of file reading the append only file %s: the "
                "command at offset %lld is incomplete. Make a backup of your AOF directory, "
                "then use redis-check-aof --fix %s", L->name, off, mp);
        log_msg(LOG_WARNING, "Fatal error: the truncated file is not the last file");
        return AOF_LOAD_FAILED;
    }
    if (srv.aof_load_truncated) {
        log_msg(LOG_WARNING, "!!! Warning: short read while loading the AOF file %s!!!", L->name);
        log_msg(LOG_WARNING, "!!! Truncating the AOF %s at offset %llu !!!", L->name,
                (unsigned long long)valid);
        if (truncate(path, valid) == 0) {
            log_msg(LOG_WARNING, "AOF %s loaded anyway because aof-load-truncated is enabled",
                    L->name);
            return AOF_LOAD_TRUNCATED;
        }
        log_msg(LOG_WARNING, "Error truncating the AOF file %s: %s", L->name, strerror(errno));
    }
    log_msg(LOG_WARNING, "Unexpected end of file reading the append only file %s: the command "
            "at offset %lld is incomplete (the last complete one ends at offset %lld). You can: "
            "1) Make a backup of your AOF file, then use redis-check-aof --fix %s. "
            "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes "
            "and restart the server.", L->name, off, valid, mp);
    return AOF_LOAD_FAILED;
}

/* An RDB preamble at the start of the file; leaves fp after it. */
static int load_preamble(loader_t *L, long long *valid)
{
    int old_style = strcmp(L->name, srv.aof_filename) == 0;
    log_msg(LOG_NOTICE, old_style ? "Reading RDB preamble from AOF file..."
                                  : "Reading RDB base file on AOF loading...");
    rdb_io_t io;
    rdb_load_stats_t st;
    rdb_io_file_reader(&io, L->fp, NULL);
    io.checksum = !srv.skip_checksum_validation; /* DEBUG SET-SKIP-CHECKSUM-VALIDATION */
    int rc = rdb_load_dataset(&io, &st);
    if (rc != 0) {
        log_msg(LOG_WARNING, old_style ? "Error reading the RDB preamble of the AOF file %s, "
                "AOF loading aborted: %s" : "Error reading the RDB base file %s, AOF loading "
                "aborted: %s", L->name, rdb_io_error(&io));
        rdb_io_release(&io);
        return -1;
    }
    *valid = (long long)io.pos;
    rdb_io_release(&io);
    if (fseeko(L->fp, *valid, SEEK_SET) != 0) return -1;
    if (old_style) log_msg(LOG_NOTICE, "Reading the remaining AOF tail...");
    return 0;
}

/*
 * A replayed command replied an error. Only commands that worked are
 * propagated, so this means the file and the server disagree (a module
 * missing a feature, a db out of range): say so, as Redis would not,
 * without stopping (Redis replays on) unless propagation-error-behavior
 * is panic (then the process panics, as Redis). The first few are logged.
 */
static void report_error_reply(loader_t *L, const char *name, const char *e, size_t n,
                               long long off)
{
    if (srv.repl.prop_err == PROP_ERR_PANIC)
        log_panic(__FILE__, __LINE__, "This server panicked sending an error to its "
                  "AOF-loading-client after processing the command '%s': %.*s", name,
                  (int)(n > 200 ? 200 : n), e);
    if (++L->errors > MAX_ERRORS_LOGGED) return;
    log_msg(LOG_WARNING, "Replaying '%s' at offset %lld of the append only file %s failed: "
            "%.*s%s", name, off, L->name, (int)(n > 200 ? 200 : n), e,
            L->errors == MAX_ERRORS_LOGGED ? " (further errors in this file are not logged)"
                                           : "");
}

/* Run the commands from the current position to the end. */
static int load_commands(loader_t *L, const char *path, long long valid, int last)
{
    long long before_multi = valid;
    char mp[512];
    for (;;) {
        long long off = (long long)ftello(L->fp);
        int r = read_command(L);
        if (r == RD_EOF) break;
        if (r == RD_TRUNCATED)
            return cut_tail(L, path, off,
                            persist_hooks.replay_in_multi(L->r) ? before_multi : valid, last);
        if (r == RD_IOERR) {
            log_msg(LOG_WARNING, "Unrecoverable error reading the append only file %s: %s",
                    L->name, strerror(errno));
            return AOF_LOAD_FAILED;
        }
        if (r == RD_FORMAT) {
            manifest_path(mp, sizeof(mp));
            log_msg(LOG_WARNING, "Bad file format reading the append only file %s at offset "
                    "%lld: make a backup of your AOF file, then use redis-check-aof --fix %s",
                    L->name, off, mp);
            return AOF_LOAD_FAILED;
        }
        const md_arg_t *a0 = &L->argv[0];
        const char *name, *err;
        size_t errlen;
        if (util_eq_nocase(a0->ptr, a0->len, "multi")) before_multi = valid;
        if (persist_hooks.replay_run(L->r, L->argc, L->argv, &name, &err, &errlen) ==
            PERSIST_REPLAY_UNKNOWN) {
            log_msg(LOG_WARNING, "Unknown command '%.*s' reading the append only file %s at "
                    "offset %lld (is the module that provides it loaded?)",
                    (int)(a0->len > 64 ? 64 : a0->len), a0->ptr, L->name, off);
            return AOF_LOAD_FAILED;
        }
        if (err) report_error_reply(L, name, err, errlen, off);
        valid = (long long)ftello(L->fp);
    }
    if (persist_hooks.replay_in_multi(L->r)) {
        log_msg(LOG_WARNING, "Revert incomplete MULTI/EXEC transaction in AOF file %s", L->name);
        return cut_tail(L, path, before_multi, before_multi, last);
    }
    return AOF_LOAD_OK;
}

/* Load one file of the AOF directory; `last`: the last file listed. */
static int load_file(const char *name, int last)
{
    char *path = aof_path(name);
    loader_t L = {.name = name};
    int rc = AOF_LOAD_FAILED;
    struct stat st;
    L.fp = fopen(path, "r");
    if (!L.fp) {
        log_msg(LOG_WARNING, "Fatal error: can't open the append log file %s for reading: %s",
                name, strerror(errno));
        goto out;
    }
    if (fstat(fileno(L.fp), &st) != 0) {
        log_msg(LOG_WARNING, "Unable to obtain the AOF file %s length. stat: %s", name,
                strerror(errno));
        goto out;
    }
    L.size = (long long)st.st_size;
    if (L.size == 0) {
        rc = AOF_LOAD_EMPTY;
        goto out;
    }
    L.r = persist_hooks.replay_open();
    long long valid = 0;
    char sig[5];
    int rdb = fread(sig, 1, 5, L.fp) == 5 && memcmp(sig, "REDIS", 5) == 0;
    if (fseeko(L.fp, 0, SEEK_SET) != 0 || (rdb && load_preamble(&L, &valid) != 0)) goto out;
    rc = load_commands(&L, path, valid, last);
out:
    if (L.r) persist_hooks.replay_close(L.r);
    if (L.fp) fclose(L.fp);
    mem_free(L.arena);
    mem_free(L.offs);
    mem_free(L.argv);
    mem_free(path);
    return rc;
}

/* Load one file and log the outcome as Redis does. */
static int load_logged(const char *name, const char *kind, int last)
{
    int64_t start = util_ustime();
    int rc = load_file(name, last);
    if (rc == AOF_LOAD_OK || rc == AOF_LOAD_TRUNCATED)
        log_msg(LOG_NOTICE, "DB loaded from %s file %s: %.3f seconds", kind, name,
                (double)(util_ustime() - start) / 1e6);
    return rc;
}

int aof_load_all(const aof_manifest_t *am)
{
    if (!am->base && !am->nincr) return AOF_LOAD_NOT_EXIST;
    long long total = 0;
    int nfiles = (am->base ? 1 : 0) + am->nincr;
    for (int i = am->base ? -1 : 0; i < am->nincr; i++) {
        const char *name = i < 0 ? am->base->name : am->incr[i].name;
        char *path = aof_path(name);
        struct stat st;
        int ok = stat(path, &st) == 0;
        mem_free(path);
        if (!ok) {
            log_msg(LOG_WARNING, "Unable to obtain the AOF file %s length. stat: %s", name,
                    strerror(errno));
            return AOF_LOAD_FAILED;
        }
        total += (long long)st.st_size;
    }
    if (total == 0) return AOF_LOAD_EMPTY;

    srv.loading = 1;
    events_fire(MD_EVENT_LOADING, MD_SUB_LOADING_AOF_START, NULL);
    int rc = AOF_LOAD_OK, k = 0;
    for (int i = am->base ? -1 : 0; i < am->nincr && rc != AOF_LOAD_FAILED; i++) {
        int last = ++k == nfiles;
        rc = i < 0 ? load_logged(am->base->name, "base", last)
                   : load_logged(am->incr[i].name, "incr", last);
        if (rc == AOF_LOAD_EMPTY) rc = AOF_LOAD_OK;
    }
    srv.loading = 0;
    /* Replaying is not activity: what was loaded is on disk already. */
    srv.dirty = 0;
    srv.stat_numcommands = 0;
    persist_hooks.reset_stats();
    events_fire(MD_EVENT_LOADING,
                rc == AOF_LOAD_FAILED ? MD_SUB_LOADING_FAILED : MD_SUB_LOADING_ENDED, NULL);
    return rc;
}
