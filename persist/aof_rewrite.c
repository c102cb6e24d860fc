/*
 * aof_rewrite.c — writing a new AOF base, in the foreground or in a fork
 * child, and switching the manifest over to it. See aof_rewrite.h; log
 * lines and replies are Redis 7's.
 */
#include "persist/aof_rewrite.h"

#include "host/ks.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/server.h"
#include "host/types.h"
#include "host/util.h"
#include "persist/aof_internal.h"
#include "persist/child.h"
#include "persist/persist_hooks.h"
#include "persist/rdb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* After this many failed rewrites in a row, automatic ones back off. */
#define LIMIT_THRESHOLD 3
#define LIMIT_MAX_MINUTES 60

/* The sink handed to the types' aof_rewrite callbacks. */
struct md_aof {
    rdb_io_t *io;
    aof_buf_t scratch;
};

static long long now_sec(void) { return util_mstime() / 1000; }

/* ---- writing a base file ------------------------------------------------- */

int aof_rewrite_emit(md_aof_t *a, int argc, const md_arg_t *argv)
{
    a->scratch.len = 0;
    aof_buf_cat(&a->scratch, argc, argv);
    return rdb_save_raw(a->io, a->scratch.p, a->scratch.len) == 0 ? MD_OK : MD_ERR;
}

static int rewrite_entry(void *priv, ks_entry_t *e)
{
    md_aof_t *a = priv;
    const md_type_t *t = types_by_id(e->type);
    md_arg_t key = {e->key, e->keylen};
    int shown = (int)(e->keylen > 64 ? 64 : e->keylen);
    if (!t->ops.aof_rewrite) {
        rdb_io_fail(a->io, "values of type '%s' (key '%.*s') cannot be written as commands: "
                    "set aof-use-rdb-preamble yes", t->name, shown, e->key);
        return -1;
    }
    if (t->ops.aof_rewrite(a, key, e->value) != MD_OK) {
        rdb_io_fail(a->io, "the '%s' type failed to rewrite key '%.*s'", t->name, shown, e->key);
        return -1;
    }
    if (e->expire) {
        char ms[24];
        md_arg_t pe[3] = {{"PEXPIREAT", 9}, key, {ms, (size_t)util_ll2str(ms, sizeof(ms), e->expire)}};
        if (aof_rewrite_emit(a, 3, pe) != MD_OK) return -1;
    }
    return 0;
}

/* One function library as FUNCTION LOAD. */
static int rewrite_function(void *priv, const char *code, size_t len)
{
    md_arg_t argv[3] = {{"FUNCTION", 8}, {"LOAD", 4}, {code, len}};
    return aof_rewrite_emit(priv, 3, argv) != MD_OK ? -1 : 0;
}

/* The function libraries and every db as commands (aof-use-rdb-preamble no). */
static int write_commands(rdb_io_t *io)
{
    md_aof_t a = {.io = io};
    int rc = 0;
    if (srv.aof_timestamp_enabled) {
        aof_buf_timestamp(&a.scratch, now_sec());
        rc = rdb_save_raw(io, a.scratch.p, a.scratch.len);
    }
    if (!rc && persist_hooks.functions_each) rc = persist_hooks.functions_each(rewrite_function, &a);
    for (int i = 0; i < srv.databases && !rc; i++) {
        if (ks_size(&srv.db[i]) == 0) continue;
        char n[24];
        md_arg_t sel[2] = {{"SELECT", 6}, {n, (size_t)util_ll2str(n, sizeof(n), i)}};
        if (aof_rewrite_emit(&a, 2, sel) != MD_OK) rc = -1;
        else rc = ks_each(&srv.db[i], rewrite_entry, &a) ? -1 : 0;
    }
    mem_free(a.scratch.p);
    return rc || rdb_io_error(io) ? -1 : 0;
}

int aof_rewrite_file(const char *path)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-%d.aof", (int)getpid());
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        log_msg(LOG_WARNING, "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): "
                "%s", strerror(errno));
        return -1;
    }
    rdb_io_t io;
    rdb_io_file_writer(&io, fp, NULL);
    io.autosync = srv.aof_rewrite_incremental_fsync ? RDB_AUTOSYNC_BYTES : 0;
    io.compress = srv.rdbcompression;
    int rc;
    if (srv.aof_use_rdb_preamble) {
        io.checksum = srv.rdbchecksum;
        rc = rdb_save_dataset(&io, RDB_SAVE_AOF_PREAMBLE);
    } else {
        io.checksum = 0;
        rc = write_commands(&io);
    }
    const char *why = rc ? rdb_io_error(&io) : NULL;
    if (!rc && (fflush(fp) != 0 || fsync(fileno(fp)) != 0)) rc = -1;
    if (fclose(fp) != 0) rc = -1;
    if (rc) {
        log_msg(LOG_WARNING, "Write error writing append only file on disk: %s",
                why ? why : strerror(errno));
        rdb_io_release(&io);
        unlink(tmp);
        return -1;
    }
    rdb_io_release(&io);
    if (rename(tmp, path) != 0) {
        log_msg(LOG_WARNING, "Error moving temp append only file on the final destination: %s",
                strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- the background rewrite ---------------------------------------------- */

static int child_main(void *arg)
{
    (void)arg;
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-bg-%d.aof", (int)getpid());
    if (aof_rewrite_file(tmp) != 0) return 1;
    log_msg(LOG_NOTICE, "Successfully created the temporary AOF base file %s", tmp);
    return 0;
}

/* Remove what a rewrite child may have left (Redis's aofRemoveTempFile). */
static void remove_temp_files(pid_t pid)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-bg-%d.aof", (int)pid);
    unlink(tmp);
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-%d.aof", (int)pid);
    unlink(tmp);
}

static void count_failure(void)
{
    aof.rewrite_last_ok = 0;
    aof.rewrite_failures++;
}

/*
 * The child wrote its base: make it the manifest's base (the temp incr of
 * WAIT_REWRITE becomes a real incr file), retire the older incr files and
 * save the manifest. 0, or -1 (logged) with nothing changed.
 */
static int install_base(const char *tmp)
{
    aof_manifest_t *next = aof_manifest_dup(aof.am);
    const char *base = aof_manifest_new_base(next, srv.aof_filename, srv.aof_use_rdb_preamble);
    char *base_path = aof_path(base), *incr_path = NULL;
    int rc = -1;
    if (rename(tmp, base_path) != 0) {
        log_msg(LOG_WARNING, "Error trying to rename the temporary AOF base file %s into %s: %s",
                tmp, base, strerror(errno));
        goto out;
    }
    log_msg(LOG_NOTICE, "Successfully renamed the temporary AOF base file %s into %s", tmp, base);
    if (aof.state == AOF_WAIT_REWRITE) {
        char *tname = aof_temp_incr_name(), *tpath = aof_path(tname);
        const char *incr = aof_manifest_new_incr(next, srv.aof_filename);
        incr_path = aof_path(incr);
        int ok = rename(tpath, incr_path) == 0;
        if (!ok)
            log_msg(LOG_WARNING, "Error trying to rename the temporary AOF incr file %s into "
                    "%s: %s", tname, incr, strerror(errno));
        else
            log_msg(LOG_NOTICE, "Successfully renamed the temporary AOF incr file %s into %s",
                    tname, incr);
        mem_free(tname);
        mem_free(tpath);
        if (!ok) {
            unlink(base_path);
            mem_free(incr_path);
            incr_path = NULL;
            goto out;
        }
    }
    aof_manifest_retire_incr(next, aof.fd >= 0);
    char *mname = aof_manifest_name();
    int saved = aof_manifest_save(next, srv.aof_dirname, mname);
    mem_free(mname);
    if (saved != 0) {
        unlink(base_path);
        if (incr_path) unlink(incr_path);
        goto out;
    }
    aof_manifest_free(aof.am);
    aof.am = next;
    next = NULL;
    if (aof.fd >= 0) {
        aof.current_size = aof_file_size(base) + aof.last_incr_size;
        aof.base_size = aof.current_size;
        aof.fsync_offset = aof.current_size;
        aof.last_fsync = now_sec();
    }
    rc = 0;
out:
    aof_manifest_free(next);
    mem_free(base_path);
    mem_free(incr_path);
    return rc;
}

/* The rewrite child ended (Redis's backgroundRewriteDoneHandler). */
static void rewrite_done(int ok, int bysignal, void *arg)
{
    (void)arg;
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-bg-%d.aof", (int)aof.rewrite_pid);
    if (ok) {
        log_msg(LOG_NOTICE, "Background AOF rewrite terminated with success");
        if (install_base(tmp) == 0) {
            aof_delete_history();
            aof.rewrite_last_ok = 1;
            aof.rewrite_failures = 0;
            log_msg(LOG_NOTICE, "Background AOF rewrite finished successfully");
            if (aof.state == AOF_WAIT_REWRITE) aof.state = AOF_ON;
        } else {
            count_failure();
        }
    } else if (!bysignal) {
        count_failure();
        log_msg(LOG_WARNING, "Background AOF rewrite terminated with error");
    } else {
        /* SIGUSR1 is how we kill a child on purpose: not a failure. */
        if (bysignal != SIGUSR1) count_failure();
        log_msg(LOG_WARNING, "Background AOF rewrite terminated by signal %d", bysignal);
    }
    remove_temp_files(aof.rewrite_pid);
    if (aof.state == AOF_WAIT_REWRITE) {
        /* The commands since the switch are lost with the temp incr: the
         * next rewrite takes a fresh snapshot. */
        aof.buf.len = 0;
        aof_remove_temp_incr();
        aof.rewrite_scheduled = 1;
    }
    aof.rewrite_last_secs = now_sec() - aof.rewrite_start;
    aof.rewrite_start = -1;
    aof.rewrite_pid = -1;
}

int aof_rewrite_background(void)
{
    if (child_kind() != CHILD_NONE) return -1;
    if (aof_mkdir() != 0) {
        aof.rewrite_last_ok = 0;
        return -1;
    }
    /* The new incr file starts with a SELECT. */
    aof.selected_db = -1;
    aof_flush(1);
    if (aof_open_new_incr() != 0) {
        aof.rewrite_last_ok = 0;
        return -1;
    }
    aof.rewrites++;
    if (child_start(CHILD_AOF, child_main, rewrite_done, NULL) != 0) {
        log_msg(LOG_WARNING, "Can't rewrite append only file in background: fork: %s",
                strerror(errno));
        aof.rewrite_last_ok = 0;
        return -1;
    }
    aof.rewrite_pid = child_pid();
    log_msg(LOG_NOTICE, "Background append only file rewriting started by pid %ld",
            (long)aof.rewrite_pid);
    aof.rewrite_scheduled = 0;
    aof.rewrite_start = now_sec();
    return 0;
}

void aof_rewrite_kill(void)
{
    if (child_kind() != CHILD_AOF) return;
    log_msg(LOG_NOTICE, "Killing running AOF rewrite child: %ld", (long)child_pid());
    child_kill();
}

/* After repeated failures, automatic rewrites wait 1, 2, 4 ... 60 minutes
 * (Redis's aofRewriteLimited). */
static int rewrite_limited(void)
{
    static int delay_minutes;
    static long long next_try;
    long long now = now_sec();
    if (aof.rewrite_failures < LIMIT_THRESHOLD) {
        delay_minutes = 0;
        next_try = 0;
        return 0;
    }
    if (next_try) {
        if (now < next_try) return 1;
        next_try = 0;
        return 0;
    }
    delay_minutes = delay_minutes ? delay_minutes * 2 : 1;
    if (delay_minutes > LIMIT_MAX_MINUTES) delay_minutes = LIMIT_MAX_MINUTES;
    next_try = now + delay_minutes * 60;
    log_msg(LOG_WARNING, "Background AOF rewrite has repeatedly failed and triggered the limit, "
            "will retry in %d minutes", delay_minutes);
    return 1;
}

void aof_rewrite_cron(void)
{
    if (child_kind() == CHILD_NONE && aof.rewrite_scheduled && !rewrite_limited())
        aof_rewrite_background();
    if (aof.state == AOF_ON && child_kind() == CHILD_NONE && srv.aof_rewrite_perc &&
        aof.current_size > srv.aof_rewrite_min_size) {
        long long base = aof.base_size ? aof.base_size : 1;
        long long growth = aof.current_size * 100 / base - 100;
        if (growth >= srv.aof_rewrite_perc && !rewrite_limited()) {
            log_msg(LOG_NOTICE, "Starting automatic rewriting of AOF on %lld%% growth", growth);
            aof_rewrite_background();
        }
    }
}

int aof_rewrite_request(int in_exec)
{
    if (child_kind() == CHILD_AOF) return AOF_REWRITE_IN_PROGRESS;
    if (child_kind() != CHILD_NONE || in_exec) {
        /* A BGSAVE runs, or we are inside EXEC: start from cron. A manual
         * request resets the failure count so it is not held back. */
        aof.rewrite_scheduled = 1;
        aof.rewrite_failures = 0;
        return AOF_REWRITE_SCHEDULED;
    }
    return aof_rewrite_background() == 0 ? AOF_REWRITE_STARTED : AOF_REWRITE_FAILED;
}
