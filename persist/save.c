/*
 * save.c — RDB persistence in the running server: see save.h. The file
 * format itself is persist/rdb.c; the fork child is persist/child.c.
 * Texts of replies and log lines are Redis 7's.
 */
#include "persist/save.h"

#include "host/events.h"
#include "host/ks.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/notify.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/child.h"
#include "persist/rdb.h"
#include "persist/rdb_merge.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* After a failed background save, automatic ones wait this long (s). */
#define SAVE_RETRY_DELAY 5

static save_info_t save_info = {.last_bgsave_ok = 1, .last_bgsave_secs = -1, .bgsave_start = -1};

void save_info_get(save_info_t *out) { *out = save_info; }

static long long dirty_before_bgsave; /* srv.dirty when the child forked */
static time_t last_bgsave_try;        /* when the last BGSAVE was attempted */
static int bgsave_scheduled;          /* BGSAVE SCHEDULE / in EXEC: run when free */
static pid_t bgsave_pid = -1;         /* for its temp file after a kill */

/* ---- save points ------------------------------------------------------- */

typedef struct save_point {
    long long secs, changes;
} save_point_t;

/* The parsed form of srv.save_params, refreshed when the text changes. */
static char *points_text;
static save_point_t *points;
static int npoints;

static void points_refresh(void)
{
    const char *text = srv.save_params ? srv.save_params : "";
    if (points_text && strcmp(points_text, text) == 0) return;
    mem_free(points_text);
    mem_free(points);
    points_text = mem_strdup(text);
    /* config.c validated it: pairs of non-negative integers. */
    int words = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        words++;
        while (*p && *p != ' ') p++;
    }
    npoints = words / 2;
    points = mem_calloc((size_t)(npoints ? npoints : 1) * sizeof(save_point_t));
    char *end;
    const char *p = text;
    for (int i = 0; i < npoints; i++) {
        points[i].secs = strtoll(p, &end, 10);
        points[i].changes = strtoll(end, &end, 10);
        p = end;
    }
}

/* True when `save` lists at least one save point. */
static int save_points_active(void)
{
    points_refresh();
    return npoints > 0;
}

/* ---- saving ------------------------------------------------------------ */

/* Write the file and log the outcome (in the server or in the child). */
static int write_rdb(void)
{
    char err[1024];
    if (rdb_save_file(srv.dbfilename, 0, err, sizeof(err)) != 0) {
        log_msg(LOG_WARNING, "%s", err);
        return -1;
    }
    log_msg(LOG_NOTICE, "DB saved on disk");
    return 0;
}

/* Save synchronously in this process (SAVE, SHUTDOWN, FLUSHALL, DEBUG
 * RELOAD). On success resets srv.dirty, sets srv.lastsave and marks the
 * last save status ok (as Redis's rdbSave). Returns 0 or -1 (logged). */
static int save_sync(void)
{
    events_fire(MD_EVENT_PERSISTENCE, MD_SUB_PERSISTENCE_SYNC_RDB_START, NULL);
    if (write_rdb() != 0) {
        events_fire(MD_EVENT_PERSISTENCE, MD_SUB_PERSISTENCE_FAILED, NULL);
        return -1;
    }
    events_fire(MD_EVENT_PERSISTENCE, MD_SUB_PERSISTENCE_ENDED, NULL);
    srv.dirty = 0;
    srv.lastsave = time(NULL);
    save_info.last_bgsave_ok = 1;
    return 0;
}

static int bgsave_child(void *arg)
{
    (void)arg;
    return write_rdb();
}

/* The temp file a killed child may have left. */
static void remove_child_temp(pid_t pid)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)pid);
    unlink(tmp);
}

/* Who waits for the running BGSAVE (save_background_then), or NULL. */
static save_done_fn bgsave_waiter;

static void bgsave_done(int ok, int bysignal, void *arg)
{
    (void)arg;
    time_t now = time(NULL);
    if (ok) {
        log_msg(LOG_NOTICE, "Background saving terminated with success");
        srv.dirty -= dirty_before_bgsave;
        srv.lastsave = now;
        save_info.last_bgsave_ok = 1;
    } else if (!bysignal) {
        log_msg(LOG_WARNING, "Background saving error");
        save_info.last_bgsave_ok = 0;
    } else {
        log_msg(LOG_WARNING, "Background saving terminated by signal %d", bysignal);
        remove_child_temp(bgsave_pid);
        /* SIGUSR1 means killed on purpose (FLUSHALL, SHUTDOWN): no error. */
        if (bysignal != SIGUSR1) save_info.last_bgsave_ok = 0;
    }
    save_info.last_bgsave_secs = now - save_info.bgsave_start;
    save_info.bgsave_start = -1;
    bgsave_pid = -1;
    save_done_fn waiter = bgsave_waiter;
    bgsave_waiter = NULL;
    if (waiter) waiter(ok);
}

/* Fork a BGSAVE child. Returns 0, or -1 when a child runs or fork failed
 * (logged; a failed fork counts as a failed background save). */
static int bgsave_start(void)
{
    if (child_kind() != CHILD_NONE) return -1;
    save_info.saves++;
    dirty_before_bgsave = srv.dirty;
    last_bgsave_try = time(NULL);
    if (child_start(CHILD_RDB, bgsave_child, bgsave_done, NULL) != 0) {
        save_info.last_bgsave_ok = 0;
        log_msg(LOG_WARNING, "Can't save in background: fork: %s", strerror(errno));
        return -1;
    }
    bgsave_pid = child_pid();
    save_info.bgsave_start = time(NULL);
    log_msg(LOG_NOTICE, "Background saving started by pid %ld", (long)bgsave_pid);
    return 0;
}

void save_cron(void)
{
    if (child_kind() != CHILD_NONE) return;
    time_t now = time(NULL);
    int may_retry = save_info.last_bgsave_ok || now - last_bgsave_try > SAVE_RETRY_DELAY;
    points_refresh();
    for (int i = 0; i < npoints; i++) {
        const save_point_t *p = &points[i];
        if (srv.dirty >= p->changes && now - srv.lastsave > p->secs && may_retry) {
            log_msg(LOG_NOTICE, "%lld changes in %lld seconds. Saving...", p->changes, p->secs);
            bgsave_start();
            return;
        }
    }
    if (bgsave_scheduled && may_retry && bgsave_start() == 0) bgsave_scheduled = 0;
}

int save_on_shutdown(int save, int nosave)
{
    if (child_kind() == CHILD_RDB) {
        log_msg(LOG_WARNING, "There is a child saving an .rdb. Killing it!");
        child_kill();
    }
    if (!save && (nosave || !save_points_active())) return 0;
    log_msg(LOG_NOTICE, "Saving the final RDB snapshot before exiting.");
    if (save_sync() == 0) return 0;
    return -1;
}

int save_after_flushall(void)
{
    if (child_kind() == CHILD_RDB) child_kill();
    return save_points_active() && save_sync() == 0;
}

const char *save_write_error(void)
{
    if (srv.stop_writes_on_bgsave_err && !save_info.last_bgsave_ok && save_points_active())
        return "MISCONF Redis is configured to save RDB snapshots, but it's currently "
               "unable to persist to disk. Commands that may modify the data set are "
               "disabled, because this instance is configured to report errors during "
               "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). "
               "Please check the Redis logs for details about the RDB error.";
    return NULL;
}

/* ---- loading ----------------------------------------------------------- */

/* Load the file into the databases with srv.loading set. Returns what
 * rdb_load_file() returns; records the key counts on success. Messages
 * name the file by its absolute path. */
static int load_file(int flags, char *err, size_t errcap)
{
    rdb_load_stats_t st;
    char path[4096], cwd[2048];
    if (srv.dbfilename[0] != '/' && getcwd(cwd, sizeof(cwd)))
        snprintf(path, sizeof(path), "%s/%s", cwd, srv.dbfilename);
    else
        snprintf(path, sizeof(path), "%s", srv.dbfilename);
    srv.loading = 1;
    int rc = rdb_load_file(path, flags, &st, err, errcap);
    srv.loading = 0;
    if (rc == 0) {
        save_info.load_keys_loaded = st.keys_loaded;
        save_info.load_keys_expired = st.keys_expired;
    }
    return rc;
}

void save_load_startup(void)
{
    char err[1024];
    int64_t start = util_ustime();
    int rc = load_file(0, err, sizeof(err));
    if (rc == 1) return;
    if (rc < 0) {
        log_msg(LOG_WARNING, "Fatal error loading the DB: %s. The file was not changed: check "
                "it with redis-check-rdb, load the modules it needs, restore it from a backup, "
                "or move it away to start with an empty dataset. Exiting.", err);
        exit(1);
    }
    log_msg(LOG_NOTICE, "DB loaded from disk: %.3f seconds",
            (double)(util_ustime() - start) / 1e6);
}

/* Replace (flush) or merge the dataset with the file's. The file loads
 * into empty databases while the current ones are set aside: a failed load
 * brings them back unchanged; a merge moves the loaded keys in only when
 * the whole file loaded (persist/rdb_merge.c). */
static int reload(int flush, int flags)
{
    char err[1024];
    ks_db_t *aside = mem_calloc((size_t)srv.databases * sizeof(ks_db_t));
    notify_db_modified(-1);
    for (int i = 0; i < srv.databases; i++) {
        ks_db_init(&aside[i], i);
        ks_swap(&srv.db[i], &aside[i]);
    }
    int rc = load_file(flags, err, sizeof(err));
    if (rc == 1) log_msg(LOG_WARNING, "DEBUG RELOAD: there is no %s to load", srv.dbfilename);
    else if (rc < 0) log_msg(LOG_WARNING, "%s", err);
    if (rc != 0 || !flush) /* the old data back; aside = what was loaded */
        for (int i = 0; i < srv.databases; i++) ks_swap(&srv.db[i], &aside[i]);
    if (rc == 0 && !flush &&
        rdb_merge_dbs(aside, flags & RDB_LOAD_ALLOW_DUP, err, sizeof(err)) != 0) {
        log_msg(LOG_WARNING, "DEBUG RELOAD: %s", err);
        rc = -1;
    }
    for (int i = 0; i < srv.databases; i++) ks_flush(&aside[i], 0);
    mem_free(aside);
    return rc == 0 ? 0 : -1;
}

int save_reload(int save, int flush, int flags)
{
    if (save && save_sync() != 0) return SAVE_RELOAD_SAVE_FAILED;
    if (reload(flush, flags) != 0) return SAVE_RELOAD_LOAD_FAILED;
    log_msg(LOG_WARNING, "DB reloaded by DEBUG RELOAD");
    return 0;
}

/* ---- what the commands do ---------------------------------------------- */

int save_foreground(void)
{
    if (child_kind() == CHILD_RDB) return SAVE_BUSY;
    save_info.saves++;
    return save_sync();
}

int save_background(int schedule, int in_exec)
{
    if (child_kind() == CHILD_RDB) return SAVE_BG_IN_PROGRESS;
    if (child_kind() != CHILD_NONE || in_exec) {
        if (!schedule && !in_exec) return SAVE_BG_OTHER_CHILD;
        bgsave_scheduled = 1;
        return SAVE_BG_SCHEDULED;
    }
    return bgsave_start() == 0 ? SAVE_BG_STARTED : SAVE_BG_FAILED;
}

int save_background_then(save_done_fn done)
{
    if (bgsave_start() != 0) return -1;
    bgsave_waiter = done;
    return 0;
}
