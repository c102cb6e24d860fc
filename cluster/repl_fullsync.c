/*
 * repl_fullsync.c — the snapshot of a full resynchronisation, made by a
 * forked child (persist/child.h) for every replica waiting for one:
 *
 * - disk (repl-diskless-sync no, or a replica without "capa eof"): a
 *   BGSAVE writes `dbfilename`; each replica then gets "$<size>\r\n" and
 *   the file, read in chunks as its socket drains. A replica asking while
 *   that BGSAVE runs shares it (its pending stream starts as a copy of a
 *   sharing replica's).
 * - socket (repl-diskless-sync yes): after repl-diskless-sync-delay
 *   seconds (or as soon as repl-diskless-sync-max-replicas wait), the child
 *   writes the RDB into a pipe followed by a 40-byte end mark; the server
 *   sends "$EOF:<mark>\r\n" and relays the pipe to every replica of the
 *   transfer, reading the next chunk only once each took the current one;
 *   the stream follows once the replica sent its first ACK after the mark.
 *
 * Invariant: at most one snapshot for replication runs (`running`), and
 * only while no other child runs.
 */
#include "cluster/repl_primary.h"
#include "cluster/repl_state.h"
#include "cluster/repl_replica.h"
#include "host/client.h"
#include "host/conn.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/reply.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/child.h"
#include "persist/rdb.h"
#include "persist/save.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define EOF_MARK_LEN 40

enum { SNAP_NONE, SNAP_DISK, SNAP_SOCKET };
static int running;              /* SNAP_*: the snapshot in progress */

/* The diskless transfer: the pipe from the child and the current chunk. */
static int pipe_rd = -1;
static int child_over, pipe_over; /* the transfer ends when both are set */
static struct event *pipe_ev;
static char chunk[CHUNK];
static size_t chunk_len;
static char eof_mark[EOF_MARK_LEN + 1];

static void stop_bulk(repl_replica_t *r)
{
    if (r->bulk_ev) event_free(r->bulk_ev);
    r->bulk_ev = NULL;
    if (r->bulk_fd >= 0) close(r->bulk_fd);
    r->bulk_fd = -1;
}

static void maybe_next_chunk(void);

void fullsync_forget(repl_replica_t *r)
{
    stop_bulk(r);
    if (r->socket_sync) maybe_next_chunk(); /* r is off the list already */
}

/* The replica's replies so far (+FULLRESYNC, a header) are written; 1 when
 * raw RDB bytes may follow them on the socket. The client's own write
 * event writes them (the same socket readiness wakes it). */
static int out_drained(repl_replica_t *r)
{
    if (!reply_pending(client_reply(r->c))) return 1;
    client_want_write(r->c);
    return 0;
}

static ssize_t send_raw(repl_replica_t *r, const char *p, size_t n)
{
    struct iovec iov = {(void *)p, n};
    ssize_t w = conn_writev(r->c->conn, &iov, 1);
    if (w > 0) {
        r->c->net_out += w;
        srv.stat_net_output_bytes += w;
    }
    return w;
}

static void watch_writable(repl_replica_t *r, event_callback_fn fn)
{
    r->bulk_ev = event_new(srv.base, r->c->fd, EV_WRITE | EV_PERSIST, fn, r);
    event_add(r->bulk_ev, NULL);
}

/* ---- disk ---- */

static void disk_write(evutil_socket_t fd, short what, void *arg)
{
    repl_replica_t *r = arg;
    if (!out_drained(r)) return;
    char buf[CHUNK];
    ssize_t n = pread(r->bulk_fd, buf, sizeof(buf), (off_t)r->bulk_off);
    if (n <= 0) {
        primary_drop(r, "can't read the RDB file");
        stop_bulk(r);
        return;
    }
    ssize_t w = send_raw(r, buf, (size_t)n);
    if (w < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        primary_drop(r, "write error sending the RDB");
        stop_bulk(r);
        return;
    }
    r->bulk_off += w;
    if (r->bulk_off < r->bulk_size) return;
    stop_bulk(r);
    primary_set_online(r);
}

/* Send the finished file to replica r. */
static void disk_send(repl_replica_t *r)
{
    struct stat st;
    r->bulk_fd = open(srv.dbfilename, O_RDONLY);
    if (r->bulk_fd < 0 || fstat(r->bulk_fd, &st) != 0) {
        log_msg(LOG_WARNING, "SYNC failed. Can't open/stat DB after BGSAVE: %s",
                strerror(errno));
        primary_drop(r, "can't open the RDB file");
        stop_bulk(r);
        return;
    }
    char head[32];
    int k = snprintf(head, sizeof(head), "$%lld\r\n", (long long)st.st_size);
    reply_append(client_reply(r->c), head, (size_t)k);
    r->state = REPLICA_SEND_BULK;
    r->bulk_off = 0;
    r->bulk_size = st.st_size;
    watch_writable(r, disk_write);
}

/* The dump a disk transfer sends (rdb-del-sync-files deletes it once no
 * replica needs it): its inode, as a later save replaces the file with
 * another (a user's dump, kept); `sync_dump` says there is one. */
static int sync_dump;
static ino_t sync_dump_ino;

/* Redis's removeRDBUsedToSyncReplicas: no transfer from disk pending. */
static void maybe_remove_sync_dump(void)
{
    if (!sync_dump) return;
    for (repl_replica_t *r = repl_replicas; r; r = r->next)
        if (r->state == REPLICA_WAIT_START || r->state == REPLICA_WAIT_END ||
            (r->state == REPLICA_SEND_BULK && !r->socket_sync))
            return;
    struct stat st;
    if (repl_del_sync_files() && stat(srv.dbfilename, &st) == 0 && st.st_ino == sync_dump_ino) {
        log_msg(LOG_NOTICE, "Removing the RDB file used to feed replicas in a "
                "persistence-less instance");
        unlink(srv.dbfilename);
    }
    sync_dump = 0;
}

static void disk_done(int ok)
{
    running = SNAP_NONE;
    struct stat st;
    sync_dump = ok && stat(srv.dbfilename, &st) == 0;
    if (sync_dump) sync_dump_ino = st.st_ino;
    if (ok) log_msg(LOG_NOTICE, "Background RDB transfer started");
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        if (r->state != REPLICA_WAIT_END || r->socket_sync) continue;
        if (ok) disk_send(r);
        else primary_drop(r, "the BGSAVE for replication failed");
    }
}

/* ---- socket (diskless) ---- */

/* The child's side of the pipe, buffered: the RDB writer hands over
 * small pieces. */
typedef struct pipe_out {
    int fd;
    size_t len;
    char buf[CHUNK];
} pipe_out_t;

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int pipe_flush(pipe_out_t *o)
{
    int rc = write_all(o->fd, o->buf, o->len);
    o->len = 0;
    return rc;
}

static int pipe_write(void *cookie, const void *p, size_t n)
{
    pipe_out_t *o = cookie;
    if (o->len + n > sizeof(o->buf) && pipe_flush(o) != 0) return -1;
    if (n >= sizeof(o->buf)) return write_all(o->fd, p, n);
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return 0;
}

/* In the child: the RDB, then the end mark, into the pipe. */
static int socket_child(void *arg)
{
    pipe_out_t *o = mem_alloc(sizeof(*o));
    o->fd = *(int *)arg;
    o->len = 0;
    rdb_io_t io;
    rdb_io_cb_writer(&io, pipe_write, o, NULL);
    int rc = rdb_save_dataset(&io, 0);
    rdb_io_release(&io);
    if (rc != 0 || pipe_write(o, eof_mark, EOF_MARK_LEN) != 0 || pipe_flush(o) != 0) return 1;
    return 0;
}

/* Every replica of the transfer took the current chunk: read the next. */
static void maybe_next_chunk(void)
{
    for (repl_replica_t *r = repl_replicas; r; r = r->next)
        if (r->socket_sync && r->state == REPLICA_SEND_BULK && r->chunk_pos < chunk_len) return;
    if (pipe_ev) event_add(pipe_ev, NULL);
}

/* Write what r still lacks of the chunk; 1 when it has all of it. */
static int chunk_push(repl_replica_t *r)
{
    if (!out_drained(r)) return 0;
    while (r->chunk_pos < chunk_len) {
        ssize_t w = send_raw(r, chunk + r->chunk_pos, chunk_len - r->chunk_pos);
        if (w < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                primary_drop(r, "write error sending the RDB");
                r->socket_sync = 0;
                return 1;
            }
            return 0;
        }
        r->chunk_pos += (size_t)w;
    }
    return 1;
}

static void socket_writable(evutil_socket_t fd, short what, void *arg)
{
    repl_replica_t *r = arg;
    if (!chunk_push(r)) return;
    stop_bulk(r);
    maybe_next_chunk();
}

/* Both the child and the pipe are done: the transfer is over. */
static void socket_finish(void)
{
    if (!child_over || !pipe_over) return;
    running = SNAP_NONE;
    for (repl_replica_t *r = repl_replicas; r; r = r->next) r->socket_sync = 0;
}

static void transfer_end(void)
{
    event_free(pipe_ev);
    pipe_ev = NULL;
    close(pipe_rd);
    pipe_rd = -1;
    /* The stream starts at the replica's first ACK: a replica finds the
     * mark only at the end of what it read. */
    for (repl_replica_t *r = repl_replicas; r; r = r->next)
        if (r->socket_sync && r->state == REPLICA_SEND_BULK) {
            r->online_on_ack = 1;
            r->ack_ms = util_mstime(); /* repl-timeout counts from here */
        }
    pipe_over = 1;
    socket_finish();
}

static void pipe_readable(evutil_socket_t fd, short what, void *arg)
{
    ssize_t n = read(pipe_rd, chunk, sizeof(chunk));
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        n = 0;
    }
    if (n == 0) {
        transfer_end();
        return;
    }
    chunk_len = (size_t)n;
    event_del(pipe_ev);
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        if (!r->socket_sync || r->state != REPLICA_SEND_BULK) continue;
        r->chunk_pos = 0;
        if (!chunk_push(r) && !r->bulk_ev) watch_writable(r, socket_writable);
    }
    maybe_next_chunk();
}

static void socket_done(int ok, int bysignal, void *arg)
{
    mem_free(arg);
    if (ok) {
        log_msg(LOG_NOTICE, "Diskless rdb transfer, done reading from pipe");
    } else {
        log_msg(LOG_WARNING, "Diskless rdb transfer failed (child %s)",
                bysignal ? "killed" : "error");
        for (repl_replica_t *r = repl_replicas; r; r = r->next)
            if (r->socket_sync) primary_drop(r, "the diskless transfer failed");
    }
    child_over = 1;
    socket_finish();
}

static void new_eof_mark(void)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t x = util_hash(repl.replid, REPL_ID_LEN) ^ (uint64_t)util_ustime();
    for (int i = 0; i < EOF_MARK_LEN; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        eof_mark[i] = hex[(x >> 59) & 15];
    }
    eof_mark[EOF_MARK_LEN] = '\0';
}

static void start_socket(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        log_msg(LOG_WARNING, "Can't create the pipe for a diskless sync: %s", strerror(errno));
        return;
    }
    new_eof_mark();
    int *arg = mem_alloc(sizeof(int));
    *arg = fds[1];
    if (child_start(CHILD_RDB, socket_child, socket_done, arg) != 0) {
        log_msg(LOG_WARNING, "Can't fork for a diskless sync: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        mem_free(arg);
        return;
    }
    close(fds[1]);
    log_msg(LOG_NOTICE, "Starting BGSAVE for SYNC with target: replicas sockets");
    running = SNAP_SOCKET;
    child_over = pipe_over = 0;
    pipe_rd = fds[0];
    fcntl(pipe_rd, F_SETFL, fcntl(pipe_rd, F_GETFL) | O_NONBLOCK);
    pipe_ev = event_new(srv.base, pipe_rd, EV_READ | EV_PERSIST, pipe_readable, NULL);
    chunk_len = 0;
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        if (r->state != REPLICA_WAIT_START) continue;
        primary_begin_full(r, repl.master_repl_offset);
        char head[64];
        int k = snprintf(head, sizeof(head), "$EOF:%s\r\n", eof_mark);
        reply_append(client_reply(r->c), head, (size_t)k);
        r->state = REPLICA_SEND_BULK;
        r->socket_sync = 1;
        r->chunk_pos = 0;
    }
    event_add(pipe_ev, NULL);
}

/* ---- starting ---- */

static void start_disk(void)
{
    if (save_background_then(disk_done) != 0) return; /* logged; cron retries */
    log_msg(LOG_NOTICE, "Starting BGSAVE for SYNC with target: disk");
    running = SNAP_DISK;
    for (repl_replica_t *r = repl_replicas; r; r = r->next)
        if (r->state == REPLICA_WAIT_START) primary_begin_full(r, repl.master_repl_offset);
}

void fullsync_request(repl_replica_t *r)
{
    if (running == SNAP_DISK) {
        /* Share the BGSAVE running for another replica. */
        for (repl_replica_t *o = repl_replicas; o; o = o->next) {
            if (o == r || o->state != REPLICA_WAIT_END || o->socket_sync) continue;
            primary_begin_full(r, o->initial_offset);
            reply_append_reply(r->pend, o->pend);
            log_msg(LOG_NOTICE, "Waiting for end of BGSAVE for SYNC");
            return;
        }
    }
    fullsync_cron();
}

void fullsync_cron(void)
{
    if (running != SNAP_NONE || child_kind() != CHILD_NONE) return;
    maybe_remove_sync_dump();
    int waiting = 0, eof_all = 1;
    int64_t oldest = 0;
    for (repl_replica_t *r = repl_replicas; r; r = r->next) {
        if (r->state != REPLICA_WAIT_START) continue;
        waiting++;
        eof_all &= r->capa_eof;
        if (!oldest || r->wait_since_ms < oldest) oldest = r->wait_since_ms;
    }
    if (!waiting) return;
    if (!srv.repl.diskless_sync || !eof_all) {
        start_disk();
        return;
    }
    int full = srv.repl.diskless_sync_max_replicas > 0 &&
               waiting >= srv.repl.diskless_sync_max_replicas;
    if (full || util_mstime() - oldest >= (int64_t)srv.repl.diskless_sync_delay * 1000)
        start_socket();
}
