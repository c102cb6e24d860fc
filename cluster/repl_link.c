/*
 * repl_link.c — the link to our primary. See repl_link.h.
 *
 * States, in order: CONNECT (to be connected by the cron), CONNECTING
 * (non-blocking connect), the handshake (one reply line awaited per state:
 * PONG, AUTH, PORT, CAPA, PSYNC), TRANSFER (the RDB of a full resync), and
 * CONNECTED (the master client runs the stream). Handshake lines are read
 * a byte at a time, so nothing after a line is read before its time; the
 * RDB is read to its end exactly when its size is known, and what a
 * diskless ("$EOF:") transfer read past its mark is handed to the master
 * client.
 */
#define _GNU_SOURCE /* memmem */
#include "cluster/repl_link.h"
#include "cluster/repl_backlog.h"
#include "cluster/repl_primary.h"
#include "cluster/repl_state.h"
#include "host/client.h"
#include "host/conn.h"
#include "host/conn_tls.h"
#include "host/log.h"
#include "host/mem.h"
#include "host/reply.h"
#include "host/server.h"
#include "host/util.h"
#include "persist/aof.h"
#include "persist/rdb.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MARK_LEN 40

enum { L_NONE, L_CONNECT, L_CONNECTING, L_PONG, L_AUTH, L_PORT, L_CAPA, L_PSYNC,
       L_TRANSFER, L_CONNECTED };

static struct {
    int state;
    int fd;                  /* the socket while it connects */
    conn_t *conn;            /* then its transport, until the master client owns it */
    conn_tls_handshake_t *tls; /* tls-replication: the TLS handshake under way */
    struct event *ev;
    char line[1024];
    size_t linelen;
    int64_t last_io_ms, down_since_ms, last_try_ms;
    /* a full resync */
    char replid[REPL_ID_LEN + 1];
    long long offset;
    int have_header, eof_mode;
    char mark[MARK_LEN];
    long long total, got;    /* total -1: until the mark */
    char tail[MARK_LEN];     /* EOF mode: the last bytes, held back */
    size_t held;
    int tmpfd;
    char tmpname[64];
    int to_memory;           /* repl-diskless-load: received into `mem` */
    char *mem;
    size_t mem_len, mem_cap;
    client_t *master;
} L = {.fd = -1, .tmpfd = -1};

int link_psync_failover;
void (*link_psync_hook)(int ok);

/* ---- sending and failing ---- */

static void send_command(int argc, const char **argv)
{
    char buf[1024];
    size_t n = (size_t)snprintf(buf, sizeof(buf), "*%d\r\n", argc);
    for (int i = 0; i < argc && n < sizeof(buf); i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "$%zu\r\n%s\r\n", strlen(argv[i]),
                              argv[i]);
    struct iovec iov = {buf, n};
    if (n < sizeof(buf) && conn_writev(L.conn, &iov, 1) != (ssize_t)n)
        log_msg(LOG_WARNING, "Error writing to MASTER: %s", strerror(errno));
}

static void close_transfer_file(void)
{
    mem_free(L.mem);
    L.mem = NULL;
    L.mem_len = L.mem_cap = 0;
    if (L.tmpfd < 0) return;
    close(L.tmpfd);
    unlink(L.tmpname);
    L.tmpfd = -1;
}

/* Drop the handshake or transfer in progress (not the master client). */
static void drop_socket(void)
{
    if (L.ev) event_free(L.ev);
    L.ev = NULL;
    if (L.tls) conn_tls_abort(L.tls); /* it owns the socket */
    else if (L.conn) conn_close(L.conn);
    else if (L.fd >= 0) close(L.fd);
    L.tls = NULL;
    L.conn = NULL;
    L.fd = -1;
    close_transfer_file();
}

/* The link failed before the master client existed: retry from cron. */
static void fail(const char *why)
{
    log_msg(LOG_WARNING, "%s", why);
    drop_socket();
    L.state = L_CONNECT;
    if (link_psync_failover && link_psync_hook) link_psync_hook(0);
}

/* ---- the master client ---- */

static void become_connected(const char *extra, size_t n)
{
    event_free(L.ev);
    L.ev = NULL;
    conn_t *conn = L.conn;
    client_t *c = client_create(conn, 0);
    L.conn = NULL;
    L.fd = -1;
    c->flags |= CLIENT_MASTER | CLIENT_REPLY_OFF;
    c->authenticated = 1;
    snprintf(c->addr, sizeof(c->addr), "%s:%d", srv.repl.masterhost, srv.repl.masterport);
    L.master = c;
    L.state = L_CONNECTED;
    srv.repl.link_up = 1;
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync: Finished with success");
    link_send_ack(c); /* a diskless transfer's primary waits for it */
    if (n) client_inject_input(c, extra, n);
    /* Stream bytes TLS already decrypted: no socket event announces them. */
    for (size_t more; (more = conn_pending(conn)) > 0;) {
        char buf[16 * 1024];
        ssize_t k = conn_read(conn, buf, more < sizeof(buf) ? more : sizeof(buf));
        if (k <= 0) break;
        client_inject_input(c, buf, (size_t)k);
    }
}

void link_applied(client_t *c, const char *p, size_t n)
{
    if (c == L.master) primary_feed_raw(p, n);
}

/* The fsynced offset the last ACK reported (an ACK follows a change). */
static long long last_fack = -1;

void link_send_ack(client_t *c)
{
    if (c != L.master) return;
    char buf[160], num[32], fnum[32];
    int k = snprintf(num, sizeof(num), "%lld", repl.master_repl_offset);
    long long fsynced = aof_fsynced_position();
    int fk = snprintf(fnum, sizeof(fnum), "%lld", fsynced);
    /* With the AOF on, Redis 7.2's form: "... FACK <fsynced offset>". */
    int n = fsynced < 0
        ? snprintf(buf, sizeof(buf), "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n",
                   k, num)
        : snprintf(buf, sizeof(buf), "*5\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n"
                   "$4\r\nFACK\r\n$%d\r\n%s\r\n", k, num, fk, fnum);
    last_fack = fsynced;
    /* client_push: the real buffer even while the master's replies are off */
    reply_append(client_push(c), buf, (size_t)n);
    client_want_write(c);
}

void link_client_gone(client_t *c)
{
    if (c != L.master) return;
    L.master = NULL;
    srv.repl.link_up = 0;
    L.down_since_ms = util_mstime();
    if (srv.repl.masterhost) L.state = L_CONNECT;
    log_msg(LOG_NOTICE, "Connection with master lost.");
}

/* ---- the RDB of a full resync ---- */

/* The dataset is the primary's now: take its history, start the stream
 * (`extra`: bytes read past a diskless transfer's mark). */
static void loaded(const char *extra, size_t n)
{
    memcpy(repl.replid, L.replid, sizeof(repl.replid));
    repl.master_repl_offset = L.offset;
    repl_clear_replid2();
    backlog_create(srv.repl.backlog_size, L.offset + 1);
    become_connected(extra, n);
}

/* repl-diskless-load swapdb / on-empty-db: the RDB in memory is loaded
 * into emptied databases; with swapdb the old data is kept aside until
 * the load succeeded (and comes back if it fails). */
static void load_memory(const char *extra, size_t n)
{
    int swap = srv.repl.diskless_load == REPL_LOAD_SWAPDB;
    ks_db_t *old = NULL;
    if (swap) {
        old = mem_calloc((size_t)srv.databases * sizeof(ks_db_t));
        for (int i = 0; i < srv.databases; i++) {
            ks_db_init(&old[i], i);
            ks_swap(&srv.db[i], &old[i]);
        }
    } else {
        for (int i = 0; i < srv.databases; i++) ks_flush(&srv.db[i], srv.repl.lazy_flush);
    }
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync: Loading DB in memory");
    rdb_io_t io;
    rdb_load_stats_t st;
    rdb_io_mem_reader(&io, L.mem, L.mem_len, NULL);
    srv.loading = 1;
    int rc = rdb_load_dataset(&io, &st);
    srv.loading = 0;
    char err[512];
    snprintf(err, sizeof(err), "Failed trying to load the MASTER synchronization DB from "
             "socket: %s", rc ? rdb_io_error(&io) : "");
    rdb_io_release(&io);
    for (int i = 0; i < srv.databases; i++) {
        if (rc) {
            ks_flush(&srv.db[i], 0); /* what loaded before the error */
            if (old) ks_swap(&srv.db[i], &old[i]); /* the old data comes back */
        } else if (old) {
            ks_flush(&old[i], 0);
        }
    }
    mem_free(old);
    mem_free(L.mem);
    L.mem = NULL;
    L.mem_len = L.mem_cap = 0;
    if (rc) {
        fail(err);
        return;
    }
    loaded(extra, n);
}

/* The RDB is complete in the temp file: it becomes `dbfilename` and the
 * dataset; `extra` (read past a diskless transfer's mark) is the start of
 * the stream. */
static void load_transfer(const char *extra, size_t n)
{
    if (L.to_memory) {
        load_memory(extra, n);
        return;
    }
    char err[1024];
    close(L.tmpfd);
    L.tmpfd = -1;
    if (rename(L.tmpname, srv.dbfilename) != 0) {
        snprintf(err, sizeof(err), "Failed trying to rename the temp DB into %s in "
                 "MASTER <-> REPLICA synchronization: %s", srv.dbfilename, strerror(errno));
        unlink(L.tmpname);
        fail(err);
        return;
    }
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync: Flushing old data");
    for (int i = 0; i < srv.databases; i++) ks_flush(&srv.db[i], srv.repl.lazy_flush);
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync: Loading DB in memory");
    rdb_load_stats_t st;
    srv.loading = 1;
    int rc = rdb_load_file(srv.dbfilename, 0, &st, err, sizeof(err));
    srv.loading = 0;
    if (rc != 0) {
        for (int i = 0; i < srv.databases; i++) ks_flush(&srv.db[i], 0);
        fail(rc > 0 ? "Failed trying to load the MASTER synchronization DB from disk" : err);
        return;
    }
    if (repl_del_sync_files()) {
        log_msg(LOG_NOTICE, "Removing the RDB file obtained from the master. This replica has "
                "persistence disabled");
        unlink(srv.dbfilename);
    }
    loaded(extra, n);
}

static int put_file(const char *p, size_t n)
{
    if (L.to_memory) {
        if (L.mem_len + n > L.mem_cap) {
            L.mem_cap = (L.mem_len + n) * 2;
            L.mem = mem_realloc(L.mem, L.mem_cap);
        }
        memcpy(L.mem + L.mem_len, p, n);
        L.mem_len += n;
        return 0;
    }
    if (n && write(L.tmpfd, p, n) != (ssize_t)n) {
        fail("Write error writing the RDB received from MASTER");
        return -1;
    }
    return 0;
}

/* A diskless transfer: the last MARK_LEN bytes are held back until more
 * come (they may be the mark); once the mark shows, what precedes it is
 * the RDB and what follows it the stream. */
static void eof_bytes(const char *p, size_t n)
{
    size_t len = L.held + n;
    char *all = mem_alloc(len);
    memcpy(all, L.tail, L.held);
    memcpy(all + L.held, p, n);
    const char *m = memmem(all, len, L.mark, MARK_LEN);
    if (m) {
        size_t at = (size_t)(m - all);
        if (put_file(all, at) == 0) load_transfer(m + MARK_LEN, len - at - MARK_LEN);
    } else {
        size_t keep = len < MARK_LEN ? len : MARK_LEN;
        if (put_file(all, len - keep) == 0) {
            memcpy(L.tail, all + len - keep, keep);
            L.held = keep;
        }
    }
    mem_free(all);
}

static void read_payload(void)
{
    char buf[64 * 1024];
    size_t want = sizeof(buf);
    if (!L.eof_mode && (long long)want > L.total - L.got) want = (size_t)(L.total - L.got);
    ssize_t n = conn_read(L.conn, buf, want);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        fail("I/O error trying to sync with MASTER: connection lost");
        return;
    }
    L.got += n;
    if (L.eof_mode) {
        eof_bytes(buf, (size_t)n);
    } else if (put_file(buf, (size_t)n) == 0 && L.got == L.total) {
        load_transfer(NULL, 0);
    }
}

static int all_empty(void)
{
    for (int i = 0; i < srv.databases; i++)
        if (ks_size(&srv.db[i])) return 0;
    return 1;
}

static void start_transfer(const char *line)
{
    if (strncmp(line, "$EOF:", 5) == 0 && strlen(line) == 5 + MARK_LEN) {
        L.eof_mode = 1;
        memcpy(L.mark, line + 5, MARK_LEN);
        L.total = -1;
    } else if (line[0] == '$') {
        L.eof_mode = 0;
        L.total = strtoll(line + 1, NULL, 10);
    } else {
        char why[1200];
        snprintf(why, sizeof(why), "Bad protocol from MASTER, the first byte is not '$' "
                 "(we received '%s'), are you sure the host and port are right?", line);
        fail(why);
        return;
    }
    L.to_memory = srv.repl.diskless_load == REPL_LOAD_SWAPDB ||
                  (srv.repl.diskless_load == REPL_LOAD_ON_EMPTY_DB && all_empty());
    snprintf(L.tmpname, sizeof(L.tmpname), "temp-%lld.%d.rdb", (long long)util_mstime(),
             (int)srv.pid);
    if (!L.to_memory) L.tmpfd = open(L.tmpname, O_CREAT | O_WRONLY | O_TRUNC | O_EXCL, 0644);
    if (!L.to_memory && L.tmpfd < 0) {
        fail("Opening the temp file needed for MASTER <-> REPLICA synchronization failed");
        return;
    }
    L.have_header = 1;
    L.got = 0;
    L.held = 0;
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync: receiving %s from master to %s",
            L.eof_mode ? "streamed RDB" : "RDB", L.to_memory ? "memory" : "disk");
    if (!L.eof_mode && L.total == 0) load_transfer(NULL, 0);
}

/* ---- the handshake ---- */

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void send_psync(void)
{
    char off[32];
    if (backlog_active()) {
        snprintf(off, sizeof(off), "%lld", repl.master_repl_offset + 1);
        const char *argv[] = {"PSYNC", repl.replid, off, "FAILOVER"};
        send_command(link_psync_failover ? 4 : 3, argv);
    } else {
        const char *argv[] = {"PSYNC", "?", "-1"};
        send_command(3, argv);
    }
    L.state = L_PSYNC;
}

static void psync_reply(const char *line)
{
    if (strncmp(line, "+FULLRESYNC ", 12) == 0) {
        char id[64];
        long long off;
        if (sscanf(line + 12, "%63s %lld", id, &off) != 2 || strlen(id) != REPL_ID_LEN) {
            fail("Master replied with wrong +FULLRESYNC syntax.");
            return;
        }
        memcpy(L.replid, id, sizeof(L.replid));
        L.offset = off;
        log_msg(LOG_NOTICE, "Full resync from master: %s:%lld", id, off);
        primary_disconnect_all(); /* they must follow the new history */
        backlog_free();
        L.state = L_TRANSFER;
        L.have_header = 0;
        if (link_psync_failover && link_psync_hook) link_psync_hook(1);
        return;
    }
    if (strncmp(line, "+CONTINUE", 9) == 0) {
        const char *id = line[9] == ' ' ? line + 10 : NULL;
        log_msg(LOG_NOTICE, "Successful partial resynchronization with master.");
        if (id && strlen(id) == REPL_ID_LEN && strcmp(id, repl.replid) != 0) {
            /* The primary's history goes on under a new id (a failover):
             * ours is its previous one up to here. */
            memcpy(repl.replid2, repl.replid, sizeof(repl.replid2));
            repl.second_repl_offset = repl.master_repl_offset + 1;
            memcpy(repl.replid, id, REPL_ID_LEN);
            primary_disconnect_all();
        }
        become_connected(NULL, 0);
        if (link_psync_failover && link_psync_hook) link_psync_hook(1);
        return;
    }
    char why[1200];
    snprintf(why, sizeof(why), "Unexpected reply to PSYNC from master: %s", line);
    fail(why);
}

/* One reply line of the handshake (CRLF stripped). */
static void handshake_line(const char *line)
{
    switch (L.state) {
    case L_PONG:
        if (line[0] == '-' && !starts_with(line, "-NOAUTH") && !starts_with(line, "-NOPERM") &&
            !starts_with(line, "-ERR operation not permitted")) {
            char why[1200];
            snprintf(why, sizeof(why), "Error reply to PING from master: '%s'", line);
            fail(why);
            return;
        }
        log_msg(LOG_NOTICE, "Master replied to PING, replication can continue...");
        if (srv.repl.masterauth && srv.repl.masterauth[0]) {
            int user = srv.repl.masteruser && srv.repl.masteruser[0];
            const char *argv[3] = {"AUTH", user ? srv.repl.masteruser : srv.repl.masterauth,
                                   srv.repl.masterauth};
            send_command(user ? 3 : 2, argv);
            L.state = L_AUTH;
            return;
        }
        /* fall through */
    case L_AUTH:
        if (L.state == L_AUTH && line[0] == '-') {
            char why[1200];
            snprintf(why, sizeof(why), "Unable to AUTH to MASTER: %s", line);
            fail(why);
            return;
        }
        {
            /* replica-announce-port / -ip: what the primary shows of us. */
            char port[16];
            snprintf(port, sizeof(port), "%d",
                     srv.repl.announce_port ? srv.repl.announce_port
                     : srv.tls.replication && srv.tls.port ? srv.tls.port : srv.port);
            const char *argv[] = {"REPLCONF", "listening-port", port, "ip-address",
                                  srv.repl.announce_ip};
            int ip = srv.repl.announce_ip && srv.repl.announce_ip[0];
            send_command(ip ? 5 : 3, argv);
            L.state = L_PORT;
        }
        return;
    case L_PORT: {
        if (line[0] == '-')
            log_msg(LOG_NOTICE, "(Non critical) Master does not understand REPLCONF "
                    "listening-port: %s", line);
        const char *argv[] = {"REPLCONF", "capa", "eof", "capa", "psync2"};
        send_command(5, argv);
        L.state = L_CAPA;
        return;
    }
    case L_CAPA:
        if (line[0] == '-')
            log_msg(LOG_NOTICE, "(Non critical) Master does not understand REPLCONF capa: %s",
                    line);
        send_psync();
        return;
    case L_PSYNC:
        psync_reply(line);
        return;
    case L_TRANSFER:
        start_transfer(line);
        return;
    }
}

/* Read one byte at a time up to LF; 1 when a whole line is in L.line. */
static int read_line(void)
{
    for (;;) {
        char ch;
        ssize_t n = conn_read(L.conn, &ch, 1);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
            fail("Master closed the connection during the handshake");
            return 0;
        }
        if (ch == '\n') {
            if (L.linelen && L.line[L.linelen - 1] == '\r') L.linelen--;
            L.line[L.linelen] = '\0';
            L.linelen = 0;
            return 1;
        }
        if (L.linelen < sizeof(L.line) - 1) L.line[L.linelen++] = ch;
    }
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    L.last_io_ms = util_mstime();
    while (L.conn && L.state >= L_PONG && L.state <= L_TRANSFER) {
        if (L.state == L_TRANSFER && L.have_header) {
            /* Again while TLS holds decrypted bytes no event announces. */
            do read_payload();
            while (L.conn && L.state == L_TRANSFER && L.have_header && conn_pending(L.conn));
            return;
        }
        if (!read_line()) return;
        if (!L.line[0]) continue; /* a keep-alive newline */
        handshake_line(L.line);
    }
}

/* The transport is ready (plain, or TLS after its handshake): PING. */
static void start_handshake(void)
{
    L.ev = event_new(srv.base, conn_fd(L.conn), EV_READ | EV_PERSIST, on_readable, NULL);
    event_add(L.ev, NULL);
    const char *argv[] = {"PING"};
    send_command(1, argv);
    L.state = L_PONG;
    L.last_io_ms = util_mstime();
}

static void tls_ready(conn_t *conn, void *arg)
{
    (void)arg;
    L.tls = NULL;
    if (!conn) {
        L.fd = -1; /* closed by the failed handshake */
        fail("TLS handshake with MASTER failed");
        return;
    }
    L.conn = conn;
    start_handshake();
}

static void on_connected(evutil_socket_t fd, short what, void *arg)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(L.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
        char why[256];
        snprintf(why, sizeof(why), "Error condition on socket for SYNC: %s",
                 strerror(err ? err : errno));
        fail(why);
        return;
    }
    log_msg(LOG_NOTICE, "Non blocking connect for SYNC fired the event.");
    event_free(L.ev);
    L.ev = NULL;
    if (!srv.tls.replication) {
        L.conn = conn_plain(L.fd);
        start_handshake();
        return;
    }
    /* tls-replication: the TLS handshake first (it owns the socket). */
    L.tls = conn_tls_connect(srv.base, L.fd, tls_ready, NULL);
    if (!L.tls) fail("Unable to connect to MASTER over TLS: TLS is not configured");
    L.last_io_ms = util_mstime();
}

/*
 * A non-blocking socket connecting to `to`, bound first to bind-source-addr
 * when one is set; as Redis's best-effort binding, a source address that
 * cannot be resolved or bound is logged and the connection made without it.
 * Returns the fd, or -1 with errno set.
 */
static int new_link_socket(int family)
{
    int fd = socket(family, SOCK_STREAM, 0), one = 1;
    if (fd < 0) return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int open_link_socket(const struct addrinfo *to)
{
    const char *src = srv.repl.bind_source_addr;
    int fd = new_link_socket(to->ai_family);
    if (fd < 0) return -1;
    if (src && src[0]) {
        struct addrinfo hints = {.ai_family = to->ai_family, .ai_socktype = SOCK_STREAM}, *b;
        int bound = 0;
        if (getaddrinfo(src, NULL, &hints, &b) == 0) {
            bound = bind(fd, b->ai_addr, b->ai_addrlen) == 0;
            freeaddrinfo(b);
        }
        if (!bound) {
            log_msg(LOG_WARNING, "Unable to bind the MASTER link to bind-source-addr %s: "
                    "connecting from any address", src);
            close(fd);
            if ((fd = new_link_socket(to->ai_family)) < 0) return -1;
        }
    }
    if (connect(fd, to->ai_addr, to->ai_addrlen) != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void connect_master(void)
{
    char port[16];
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    L.last_try_ms = util_mstime();
    log_msg(LOG_NOTICE, "Connecting to MASTER %s:%d", srv.repl.masterhost, srv.repl.masterport);
    snprintf(port, sizeof(port), "%d", srv.repl.masterport);
    if (getaddrinfo(srv.repl.masterhost, port, &hints, &res) != 0) {
        log_msg(LOG_WARNING, "Unable to connect to MASTER: can't resolve %s",
                srv.repl.masterhost);
        return;
    }
    L.fd = open_link_socket(res);
    freeaddrinfo(res);
    if (L.fd < 0) {
        log_msg(LOG_WARNING, "Unable to connect to MASTER: %s", strerror(errno));
        return;
    }
    L.ev = event_new(srv.base, L.fd, EV_WRITE, on_connected, NULL);
    event_add(L.ev, NULL);
    L.state = L_CONNECTING;
    L.last_io_ms = util_mstime();
    log_msg(LOG_NOTICE, "MASTER <-> REPLICA sync started");
}

/* ---- REPLICAOF, config, cron ---- */

/* End the link, whatever its state (the master client too). */
static void end_link(void)
{
    drop_socket();
    if (L.master) {
        client_t *m = L.master;
        L.master = NULL;
        srv.repl.link_up = 0;
        client_close(m);
    }
    L.state = L_NONE;
}

static void set_master(const char *host, int port)
{
    mem_free(srv.repl.masterhost);
    srv.repl.masterhost = host ? mem_strdup(host) : NULL;
    srv.repl.masterport = port;
}

const char *link_replicaof(const char *host, int port)
{
    if (!host) {
        if (!srv.repl.masterhost) return "OK";
        end_link();
        set_master(NULL, 0);
        /* PSYNC2: our replicas continue under the new id from the old. */
        memcpy(repl.replid2, repl.replid, sizeof(repl.replid2));
        repl.second_repl_offset = repl.master_repl_offset + 1;
        repl_change_replid();
        primary_disconnect_all();
        log_msg(LOG_NOTICE, "MASTER MODE enabled (user request from client)");
        return "OK";
    }
    if (srv.repl.masterhost && !strcasecmp(srv.repl.masterhost, host) &&
        srv.repl.masterport == port)
        return "OK Already connected to specified master";
    end_link();
    set_master(host, port);
    primary_disconnect_all();
    L.state = L_CONNECT;
    L.last_try_ms = 0;
    L.down_since_ms = util_mstime();
    log_msg(LOG_NOTICE, "REPLICAOF %s:%d enabled (user request from client)", host, port);
    return "OK";
}

int link_config_line(int n, char **w, char *err, size_t cap)
{
    long long port;
    if (n != 3) {
        snprintf(err, cap, "wrong number of arguments");
        return -1;
    }
    if (util_str2ll(w[2], strlen(w[2]), &port) != 0 || port < 0 || port > 65535) {
        snprintf(err, cap, "Invalid master port");
        return -1;
    }
    if (!strcasecmp(w[1], "no") && !strcasecmp(w[2], "one")) {
        set_master(NULL, 0);
        return 0;
    }
    set_master(w[1], (int)port);
    return 0;
}

void link_start(void)
{
    if (srv.repl.masterhost && L.state == L_NONE) {
        L.state = L_CONNECT;
        L.down_since_ms = util_mstime();
    }
}

void link_cron(void)
{
    int64_t now = util_mstime();
    int64_t timeout = (int64_t)srv.repl.timeout * 1000;
    if (L.state == L_CONNECT && now - L.last_try_ms >= 1000) {
        connect_master();
    } else if (L.state >= L_CONNECTING && L.state <= L_TRANSFER && now - L.last_io_ms > timeout) {
        fail(L.state == L_TRANSFER ? "Timeout receiving bulk data from MASTER... If the "
             "problem persists try to set the 'repl-timeout' parameter in redis.conf to a "
             "larger value." : "Timeout connecting to the MASTER...");
    } else if (L.master && now - L.master->last_interaction_ms > timeout) {
        log_msg(LOG_WARNING, "MASTER timeout: no data nor PING received...");
        client_close(L.master);
    }
    static int64_t last_ack;
    if (L.master && (now - last_ack >= 1000 || aof_fsynced_position() != last_fack)) {
        last_ack = now;
        link_send_ack(L.master);
    }
}

void link_view(link_view_t *v)
{
    static const char *const names[] = {"none", "connect", "connecting", "handshake",
                                        "handshake", "handshake", "handshake", "handshake",
                                        "sync", "connected"};
    int64_t now = util_mstime();
    v->state = names[L.state];
    v->sync_in_progress = L.state == L_TRANSFER;
    v->last_io_secs = L.master ? (now - L.master->last_interaction_ms) / 1000
                      : L.state == L_TRANSFER ? (now - L.last_io_ms) / 1000 : -1;
    v->down_since_secs = L.master ? 0 : (now - L.down_since_ms) / 1000;
    v->sync_read_bytes = L.got;
    v->sync_total_bytes = L.total;
}
