/*
 * aof.c — the append-only file while the server runs: the propagation
 * sink, the buffer, writes and fsyncs, switching AOF on and off, start-up
 * and shutdown, and INFO. See aof.h; the log lines and error texts are
 * Redis 7's.
 */
#include "persist/aof_internal.h"

#include "host/log.h"
#include "host/mem.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/aof_bio.h"
#include "persist/child.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Redis logs a failing write at most this often (seconds). */
#define WRITE_ERROR_LOG_RATE 30
/* A buffer bigger than this is given back after a write. */
#define BUF_KEEP 4000

aof_server_t aof = {
    .fd = -1, .selected_db = -1, .rewrite_start = -1, .rewrite_last_secs = -1,
    .rewrite_last_ok = 1, .rewrite_pid = -1};

static long long now_sec(void) { return util_mstime() / 1000; }

/* ---- names and files ---------------------------------------------------- */

static char *cat2(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = mem_alloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

char *aof_path(const char *name) { return cat2(srv.aof_dirname, "/", name); }
char *aof_temp_incr_name(void) { return cat2("temp-", srv.aof_filename, ".incr"); }
char *aof_manifest_name(void) { return cat2(srv.aof_filename, ".manifest", ""); }

int aof_mkdir(void)
{
    struct stat st;
    if (mkdir(srv.aof_dirname, 0755) == 0) return 0;
    if (errno == EEXIST && stat(srv.aof_dirname, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    if (errno == EEXIST) errno = ENOTDIR;
    log_msg(LOG_WARNING, "Can't open or create append-only dir %s: %s", srv.aof_dirname,
            strerror(errno));
    return -1;
}

long long aof_file_size(const char *name)
{
    struct stat st;
    char *path = aof_path(name);
    int rc = stat(path, &st);
    mem_free(path);
    return rc == 0 ? (long long)st.st_size : 0;
}

/* Unlink now, free the blocks in the background (a big file's last close
 * can take a while). */
static void unlink_in_background(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    unlink(path);
    if (fd >= 0) aof_bio_close(fd, 0);
}

void aof_remove_temp_incr(void)
{
    char *name = aof_temp_incr_name(), *path = aof_path(name);
    log_msg(LOG_NOTICE, "Removing the temp incr aof file %s in the background", name);
    unlink_in_background(path);
    mem_free(name);
    mem_free(path);
}

int aof_save_manifest(void)
{
    char *name = aof_manifest_name();
    int rc = aof_manifest_save(aof.am, srv.aof_dirname, name);
    mem_free(name);
    return rc;
}

void aof_delete_history(void)
{
    if (!aof.am || !aof.am->nhist || srv.hostconf.aof_disable_auto_gc) return;
    for (int i = 0; i < aof.am->nhist; i++) {
        char *path = aof_path(aof.am->hist[i].name);
        log_msg(LOG_NOTICE, "Removing the history file %s in the background",
                aof.am->hist[i].name);
        unlink_in_background(path);
        mem_free(path);
    }
    aof_manifest_clear_history(aof.am);
    aof_save_manifest();
}

/* ---- the buffer ---------------------------------------------------------- */

static void buf_reserve(aof_buf_t *b, size_t more)
{
    if (b->cap - b->len >= more) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < more) cap *= 2;
    b->p = mem_realloc(b->p, cap);
    b->cap = cap;
}

static size_t put_count(char *p, char mark, long long n)
{
    p[0] = mark;
    size_t k = 1 + (size_t)util_ll2str(p + 1, 24, n);
    p[k++] = '\r';
    p[k++] = '\n';
    return k;
}

void aof_buf_cat(aof_buf_t *b, int argc, const md_arg_t *argv)
{
    size_t need = 32;
    for (int i = 0; i < argc; i++) need += argv[i].len + 32;
    buf_reserve(b, need);
    char *p = b->p + b->len;
    p += put_count(p, '*', argc);
    for (int i = 0; i < argc; i++) {
        p += put_count(p, '$', (long long)argv[i].len);
        memcpy(p, argv[i].ptr, argv[i].len);
        p += argv[i].len;
        *p++ = '\r';
        *p++ = '\n';
    }
    b->len = (size_t)(p - b->p);
}

void aof_buf_timestamp(aof_buf_t *b, long long now)
{
    buf_reserve(b, 32);
    b->len += (size_t)snprintf(b->p + b->len, 32, "#TS:%lld\r\n", now);
}

/* The propagation sink: commands go to the buffer while AOF is on, or
 * while the rewrite that switches it on runs. */
void aof_feed(int dbid, int argc, const md_arg_t *argv)
{
    static long long last_ts;
    if (!(aof.state == AOF_ON || (aof.state == AOF_WAIT_REWRITE && child_kind() == CHILD_AOF)))
        return;
    if (srv.aof_timestamp_enabled) {
        long long now = now_sec();
        if (now > last_ts) {
            aof_buf_timestamp(&aof.buf, now);
            last_ts = now;
        }
    }
    if (dbid >= 0 && dbid != aof.selected_db) {
        char n[24];
        md_arg_t sel[2] = {{"SELECT", 6}, {n, (size_t)util_ll2str(n, sizeof(n), dbid)}};
        aof_buf_cat(&aof.buf, 2, sel);
        aof.selected_db = dbid;
    }
    aof_buf_cat(&aof.buf, argc, argv);
}

/* ---- writing ------------------------------------------------------------- */

static ssize_t write_all(int fd, const char *p, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

/* A write failed or was short: undo a partial write when possible, keep
 * the rest of the buffer for the next try. With appendfsync always the
 * replies would promise data that is not on disk: exit, as Redis. */
static void write_failed(ssize_t written, int err, long long now)
{
    static long long last_log;
    int can_log = now - last_log > WRITE_ERROR_LOG_RATE;
    if (can_log) last_log = now;
    if (written < 0) {
        if (can_log) log_msg(LOG_WARNING, "Error writing to the AOF file: %s", strerror(err));
        aof.last_write_errno = err;
    } else {
        if (can_log)
            log_msg(LOG_WARNING, "Short write while writing to the AOF file: (nwritten=%lld, "
                    "expected=%lld)", (long long)written, (long long)aof.buf.len);
        if (ftruncate(aof.fd, aof.last_incr_size) == -1) {
            if (can_log)
                log_msg(LOG_WARNING, "Could not remove short write from the append-only file. "
                        " Modis may refuse to load the AOF the next time it starts.  "
                        "ftruncate: %s", strerror(errno));
        } else {
            written = -1;
        }
        aof.last_write_errno = ENOSPC;
    }
    if (srv.aof_fsync == AOF_FSYNC_ALWAYS) {
        log_msg(LOG_WARNING, "Can't recover from AOF write error when the AOF fsync policy "
                "is 'always'. Exiting...");
        exit(1);
    }
    if (written > 0) {
        aof.current_size += written;
        aof.last_incr_size += written;
        memmove(aof.buf.p, aof.buf.p + written, aof.buf.len - (size_t)written);
        aof.buf.len -= (size_t)written;
    }
}

/* ---- WAITAOF's position ---------------------------------------------------- */

static long long (*position_source)(void);
static long long synced_position = -1; /* fsynced by the event loop itself */
static long long written_position;     /* the source's value at the last write */

void aof_set_position_source(long long (*fn)(void)) { position_source = fn; }

static long long position_now(void) { return position_source ? position_source() : 0; }

long long aof_fsynced_position(void)
{
    if (aof.state != AOF_ON) return -1;
    long long bio = aof_bio_synced_mark();
    return bio > synced_position ? bio : synced_position;
}

void aof_flush(int force)
{
    if (aof.fd < 0) return;
    long long now = now_sec();
    int everysec = srv.aof_fsync == AOF_FSYNC_EVERYSEC;
    int syncing = 0;
    if (aof.buf.len == 0) {
        /* Nothing new: still fsync what an earlier write left unsynced. */
        if (everysec && aof.fsync_offset != aof.current_size && now > aof.last_fsync &&
            aof_bio_pending() == 0)
            goto try_fsync;
        /* Everything written is durable: so is the whole stream so far
         * (what moved the position since went to replicas only). */
        if (aof.fsync_offset == aof.current_size && srv.aof_fsync != AOF_FSYNC_NO &&
            aof_bio_pending() == 0)
            synced_position = position_now();
        return;
    }
    if (everysec) syncing = aof_bio_pending() != 0;
    if (everysec && !force && syncing) {
        /* A background fsync still runs: wait up to two seconds. */
        if (!aof.flush_postponed) {
            aof.flush_postponed = now;
            return;
        }
        if (now - aof.flush_postponed < 2) return;
        aof.delayed_fsync++;
        log_msg(LOG_NOTICE, "Asynchronous AOF fsync is taking too long (disk is busy?). "
                "Writing the AOF buffer without waiting for fsync to complete, this may slow "
                "down Modis.");
    }
    if (srv.aof_flush_sleep_us) usleep((useconds_t)srv.aof_flush_sleep_us); /* DEBUG */
    written_position = position_now();
    ssize_t w = write_all(aof.fd, aof.buf.p, aof.buf.len);
    aof.flush_postponed = 0;
    if (w != (ssize_t)aof.buf.len) {
        write_failed(w, errno, now);
        return;
    }
    if (aof.last_write_errno) {
        log_msg(LOG_WARNING, "AOF write error looks solved, Modis can write again.");
        aof.last_write_errno = 0;
    }
    aof.current_size += w;
    aof.last_incr_size += w;
    aof.buf.len = 0;
    if (aof.buf.cap > BUF_KEEP) {
        mem_free(aof.buf.p);
        aof.buf = (aof_buf_t){0};
    }
try_fsync:
    if (srv.aof_no_fsync_on_rewrite && child_kind() != CHILD_NONE) return;
    if (srv.aof_fsync == AOF_FSYNC_ALWAYS) {
        if (fdatasync(aof.fd) == -1) {
            log_msg(LOG_WARNING, "Can't persist AOF for fsync error when the AOF fsync policy "
                    "is 'always': %s. Exiting...", strerror(errno));
            exit(1);
        }
        aof.fsync_offset = aof.current_size;
        aof.last_fsync = now;
        synced_position = written_position;
    } else if (everysec && now > aof.last_fsync) {
        if (!syncing) {
            aof_bio_fsync(aof.fd, written_position);
            aof.fsync_offset = aof.current_size;
        }
        aof.last_fsync = now;
    }
}

void aof_flush_before_reply(void)
{
    if (aof.buf.len) aof_flush(0);
}

const char *aof_write_error(void)
{
    static char msg[160];
    if (aof.state == AOF_OFF) return NULL;
    int e = aof.last_write_errno ? aof.last_write_errno : aof_bio_error();
    if (!e) return NULL;
    snprintf(msg, sizeof(msg), "MISCONF Errors writing to the AOF file: %s", strerror(e));
    return msg;
}

int aof_open_new_incr(void)
{
    if (aof.state == AOF_OFF) return 0;
    aof_manifest_t *next = NULL;
    char *name;
    if (aof.state == AOF_WAIT_REWRITE) {
        /* The base does not exist yet: nothing enters the manifest. */
        name = aof_temp_incr_name();
    } else {
        next = aof_manifest_dup(aof.am);
        name = mem_strdup(aof_manifest_new_incr(next, srv.aof_filename));
    }
    char *path = aof_path(name);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0644);
    mem_free(path);
    if (fd < 0) {
        log_msg(LOG_WARNING, "Can't open the append-only file %s: %s", name, strerror(errno));
        goto fail;
    }
    if (next) {
        char *mname = aof_manifest_name();
        int rc = aof_manifest_save(next, srv.aof_dirname, mname);
        mem_free(mname);
        if (rc) goto fail;
    }
    log_msg(LOG_NOTICE, "Creating AOF incr file %s on background rewrite", name);
    mem_free(name);
    if (aof.fd >= 0) {
        aof_bio_close(aof.fd, 1);
        aof.fsync_offset = aof.current_size;
        aof.last_fsync = now_sec();
    }
    aof.fd = fd;
    aof.last_incr_size = 0;
    if (next) {
        aof_manifest_free(aof.am);
        aof.am = next;
    }
    return 0;
fail:
    if (fd >= 0) close(fd);
    aof_manifest_free(next);
    mem_free(name);
    return -1;
}

/* ---- INFO ---------------------------------------------------------------- */

void aof_info_get(aof_info_t *o)
{
    long long now = now_sec();
    memset(o, 0, sizeof(*o));
    o->enabled = aof.state != AOF_OFF;
    o->rewrite_in_progress = child_kind() == CHILD_AOF;
    o->rewrite_scheduled = aof.rewrite_scheduled;
    o->last_rewrite_secs = aof.rewrite_last_secs;
    o->current_rewrite_secs = aof.rewrite_start != -1 ? now - aof.rewrite_start : -1;
    o->last_bgrewrite_ok = aof.rewrite_last_ok;
    o->rewrites = aof.rewrites;
    o->rewrite_failures = aof.rewrite_failures;
    o->last_write_ok = aof.last_write_errno == 0 && aof_bio_error() == 0;
    o->current_size = aof.current_size;
    o->base_size = aof.base_size;
    o->buffer_length = aof.buf.len;
    o->buffer_cap = aof.buf.cap;
    o->pending_bio_fsync = aof_bio_pending();
    o->delayed_fsync = aof.delayed_fsync;
}
