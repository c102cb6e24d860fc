/*
 * persist.c — the persistence subsystem as the rest of the server drives
 * it (see persist.h): which of the RDB file and the AOF is loaded at
 * start-up, the AOF switched on and off at run time, the cron work, and
 * shutting down. The AOF files are aof*.c, RDB snapshots save.c.
 */
#include "persist/persist.h"

#include "host/log.h"
#include "host/mem.h"
#include "host/notify.h"
#include "host/propagate.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/aof_internal.h"
#include "persist/aof_bio.h"
#include "persist/aof_load.h"
#include "persist/aof_rewrite.h"
#include "persist/child.h"
#include "persist/save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long long now_sec(void) { return util_mstime() / 1000; }

/* ---- switching on and off ------------------------------------------------ */

/* CONFIG SET appendonly yes (Redis's startAppendOnly). */
static int start_aof(void)
{
    aof.state = AOF_WAIT_REWRITE;
    if (child_kind() != CHILD_NONE && child_kind() != CHILD_AOF) {
        aof.rewrite_scheduled = 1;
        log_msg(LOG_NOTICE, "AOF was enabled but there is already another background "
                "operation. An AOF background was scheduled to start when possible.");
    } else if (srv.in_command > 1) {
        /* Inside EXEC: a snapshot now would hold half the transaction. */
        aof.rewrite_scheduled = 1;
        log_msg(LOG_NOTICE, "AOF was enabled during a transaction. An AOF background was "
                "scheduled to start when possible.");
    } else {
        if (child_kind() == CHILD_AOF) {
            log_msg(LOG_NOTICE, "AOF was enabled but there is already an AOF rewriting in "
                    "background. Stopping background AOF and starting a rewrite now.");
            aof_rewrite_kill();
        }
        if (aof_rewrite_background() != 0) {
            if (aof.fd >= 0) {
                /* The temp incr file opened before the fork failed. */
                aof_remove_temp_incr();
                aof_bio_close(aof.fd, 0);
                aof.fd = -1;
            }
            aof.state = AOF_OFF;
            log_msg(LOG_WARNING, "Modis needs to enable the AOF but can't trigger a background "
                    "AOF rewrite operation. Check the above logs for more info about the "
                    "error.");
            return -1;
        }
    }
    aof.last_fsync = now_sec();
    return 0;
}

int persist_apply_aof_auto_gc(char *err, size_t cap)
{
    (void)err;
    (void)cap;
    aof_delete_history(); /* does nothing while aof-disable-auto-gc is yes */
    return 0;
}

/* CONFIG SET appendonly no (Redis's stopAppendOnly). */
static void stop_aof(void)
{
    aof_flush(1);
    if (aof.fd >= 0 && fdatasync(aof.fd) == -1)
        log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s", strerror(errno));
    aof_rewrite_kill();
    if (aof.fd >= 0) aof_bio_close(aof.fd, 0);
    aof.fd = -1;
    aof.selected_db = -1;
    aof.state = AOF_OFF;
    aof.rewrite_scheduled = 0;
    aof.last_incr_size = 0;
    aof.last_write_errno = 0;
    aof.buf.len = 0;
    aof_bio_clear_error();
}

int persist_apply_appendonly(char *err, size_t cap)
{
    if (srv.appendonly && aof.state == AOF_OFF) {
        if (start_aof() != 0) {
            snprintf(err, cap, "Unable to turn on AOF. Check server logs.");
            return -1;
        }
    } else if (!srv.appendonly && aof.state != AOF_OFF) {
        stop_aof();
    }
    return 0;
}

/* ---- start-up ------------------------------------------------------------ */

/*
 * An AOF of Redis 6 or older (`appendfilename` in `dir` itself, no AOF
 * directory or an empty manifest) becomes the base of a new manifest,
 * moved into the directory — Redis 7's aofUpgradePrepare.
 */
static void upgrade_old_style(void)
{
    struct stat st;
    aof_manifest_t *am = aof.am;
    if (stat(srv.aof_filename, &st) != 0 || !S_ISREG(st.st_mode)) return;
    int no_dir = stat(srv.aof_dirname, &st) != 0;
    int empty = !am->base && !am->nincr;
    char *inside = aof_path(srv.aof_filename);
    int half_done = am->base && !am->nincr && !strcmp(am->base->name, srv.aof_filename) &&
                    access(inside, F_OK) != 0;
    if (!no_dir && !empty && !half_done) {
        mem_free(inside);
        return;
    }
    if (aof_mkdir() != 0) exit(1);
    aof_manifest_free(aof.am);
    aof.am = am = aof_manifest_new();
    am->base = mem_calloc(sizeof(aof_file_t));
    am->base->name = mem_strdup(srv.aof_filename);
    am->base->seq = am->base_seq = 1;
    am->base->type = AOF_TYPE_BASE;
    if (aof_save_manifest() != 0) exit(1);
    if (rename(srv.aof_filename, inside) != 0) {
        log_msg(LOG_WARNING, "Error trying to move the old AOF file %s into dir %s: %s",
                srv.aof_filename, srv.aof_dirname, strerror(errno));
        exit(1);
    }
    mem_free(inside);
    log_msg(LOG_NOTICE, "Successfully migrated an old-style AOF file (%s) into the AOF "
            "directory (%s).", srv.aof_filename, srv.aof_dirname);
}

/* Create the base on a first start, open the last incr file for appending
 * (creating one if needed) and save the manifest; exits on failure. */
static void open_at_start(void)
{
    aof_manifest_t *am = aof.am;
    if (!am->base && !am->nincr) {
        if (aof_mkdir() != 0) exit(1);
        const char *base = aof_manifest_new_base(am, srv.aof_filename, srv.aof_use_rdb_preamble);
        char *path = aof_path(base);
        int rc = aof_rewrite_file(path);
        mem_free(path);
        if (rc != 0) exit(1);
        log_msg(LOG_NOTICE, "Creating AOF base file %s on server start", base);
    }
    int created = am->nincr == 0;
    const char *incr = aof_manifest_last_incr(am, srv.aof_filename);
    char *path = aof_path(incr);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    mem_free(path);
    if (fd < 0) {
        log_msg(LOG_WARNING, "Can't open the append-only file %s: %s", incr, strerror(errno));
        exit(1);
    }
    log_msg(LOG_NOTICE, "%s AOF incr file %s on server start", created ? "Creating" : "Opening",
            incr);
    if (aof_save_manifest() != 0) exit(1);
    aof.fd = fd;
    aof.last_incr_size = aof_file_size(incr);
    aof.base_size = am->base ? aof_file_size(am->base->name) : 0;
    aof.current_size = aof.base_size;
    for (int i = 0; i < am->nincr; i++) aof.current_size += aof_file_size(am->incr[i].name);
    aof.fsync_offset = aof.current_size;
    aof.last_fsync = now_sec();
}

/* The AOF part of start-up: 1 when the dataset came from the AOF. */
static int startup_aof(void)
{
    char err[1536];
    prop_add_sink(aof_feed);
    char *mname = aof_manifest_name();
    int rc = aof_manifest_load(srv.aof_dirname, mname, &aof.am, err, sizeof(err));
    mem_free(mname);
    if (rc < 0) {
        log_msg(LOG_WARNING, "%s", err);
        exit(1);
    }
    if (!srv.appendonly) {
        aof_delete_history();
        return 0;
    }
    aof.state = AOF_ON;
    upgrade_old_style();
    int64_t start = util_ustime();
    rc = aof_load_all(aof.am);
    if (rc == AOF_LOAD_FAILED) exit(1);
    if (rc != AOF_LOAD_NOT_EXIST)
        log_msg(LOG_NOTICE, "DB loaded from append only file: %.3f seconds",
                (double)(util_ustime() - start) / 1e6);
    open_at_start();
    aof_delete_history();
    return 1;
}

void persist_load_startup(void)
{
    if (startup_aof()) return; /* appendonly yes: the AOF is the dataset */
    save_load_startup();
}

/* ---- DEBUG LOADAOF --------------------------------------------------------- */

/*
 * Redis's DEBUG LOADAOF: write what the AOF buffer holds, read the
 * manifest again and load the files into empty databases. The current
 * data is set aside meanwhile and comes back when the load fails (Redis
 * empties first and keeps nothing). Returns 0, or -1 (logged).
 */
int persist_debug_loadaof(void)
{
    char err[1536];
    if (aof.state != AOF_OFF) aof_flush(1);
    aof_manifest_t *am = NULL;
    char *mname = aof_manifest_name();
    int rc = aof_manifest_load(srv.aof_dirname, mname, &am, err, sizeof(err));
    mem_free(mname);
    if (rc < 0) {
        log_msg(LOG_WARNING, "%s", err);
        return -1;
    }
    aof_manifest_free(aof.am);
    aof.am = am;
    aof_delete_history();
    ks_db_t *aside = mem_calloc((size_t)srv.databases * sizeof(ks_db_t));
    notify_db_modified(-1);
    for (int i = 0; i < srv.databases; i++) {
        ks_db_init(&aside[i], i);
        ks_swap(&srv.db[i], &aside[i]);
    }
    rc = aof_load_all(aof.am);
    int ok = rc != AOF_LOAD_FAILED && rc != AOF_LOAD_NOT_EXIST;
    if (!ok) /* the old data back; aside = what was loaded */
        for (int i = 0; i < srv.databases; i++) ks_swap(&srv.db[i], &aside[i]);
    for (int i = 0; i < srv.databases; i++) ks_flush(&aside[i], 0);
    mem_free(aside);
    if (!ok) return -1;
    srv.dirty = 0; /* nothing to propagate or save for it */
    log_msg(LOG_NOTICE, "Append Only File loaded by DEBUG LOADAOF");
    return 0;
}

/* ---- cron, shutdown, MISCONF ----------------------------------------------- */

void persist_cron(void)
{
    child_cron();
    save_cron();
    aof_rewrite_cron();
    if (aof.state != AOF_OFF) aof_flush(0);
}

/* The AOF part of shutting down: -1 (logged) to refuse. */
static int shutdown_aof(int force)
{
    if (child_kind() == CHILD_AOF) {
        /* Without its first rewrite, the AOF being switched on is empty. */
        if (aof.state == AOF_WAIT_REWRITE) {
            if (!force) {
                log_msg(LOG_WARNING, "Writing initial AOF, can't exit.");
                return -1;
            }
            log_msg(LOG_WARNING, "Writing initial AOF. Exit anyway.");
        }
        log_msg(LOG_WARNING, "There is a child rewriting the AOF. Killing it!");
        aof_rewrite_kill();
    }
    if (aof.state != AOF_OFF && aof.fd >= 0) {
        log_msg(LOG_NOTICE, "Calling fsync() on the AOF file.");
        aof_flush(1);
        if (fdatasync(aof.fd) == -1)
            log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s.", strerror(errno));
    }
    return 0;
}

int persist_shutdown(int save, int nosave, int force)
{
    if (shutdown_aof(force) != 0) return -1;
    if (save_on_shutdown(save, nosave) != 0) {
        if (!force) {
            log_msg(LOG_WARNING, "Error trying to save the DB, can't exit.");
            return -1;
        }
        log_msg(LOG_WARNING, "Error trying to save the DB. Exit anyway.");
    }
    return 0;
}

const char *persist_write_error(void)
{
    const char *e = save_write_error();
    return e ? e : aof_write_error();
}
