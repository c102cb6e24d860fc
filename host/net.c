/*
 * net.c — listeners and accept: TCP on each `bind` address (plain on
 * `port`, TLS on `tls-port`, both at once) and the unix socket. Accepted
 * sockets are non-blocking with TCP_NODELAY and keepalive; a TLS socket
 * becomes a client once its handshake is done (conn_tls.c). Protected
 * mode, checked then, refuses non-loopback clients while the default user
 * has no password, with Redis's explanation.
 *
 * This file and conn_tls.c are the only ones that know about TLS: the
 * tls-* values in srv become the context here.
 */
#include "net.h"
#include "client.h"
#include "conn.h"
#include "conn_tls.h"
#include "events.h"
#include "log.h"
#include "mem.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LISTENERS 16

enum { LISTEN_TCP, LISTEN_UNIX, LISTEN_TLS };

static struct event *listeners[MAX_LISTENERS];
static int listen_fds[MAX_LISTENERS];
static int listen_kinds[MAX_LISTENERS];
static int nlisteners;

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void fmt_addr(const struct sockaddr_storage *ss, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN];
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
        snprintf(out, cap, "%s:%d", host, ntohs(s->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
        snprintf(out, cap, "%s:%d", host, ntohs(s->sin6_port));
    } else {
        snprintf(out, cap, "%s:0", srv.unixsocket ? srv.unixsocket : "");
    }
}

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) ||
               (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 1;
}

/* Redis 7.4's explanation to a client refused by protected mode. */
static const char denied_msg[] =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change permanent. "
    "2) Alternatively you can just disable the protected mode by editing the Redis "
    "configuration file, and setting the protected mode option to 'no', and then restarting "
    "the server. 3) If you started the server manually just for testing, restart it with the "
    "'--protected-mode no' option. 4) Set up an authentication password for the default user. "
    "NOTE: You only need to do one of the above things in order for the server to start "
    "accepting connections from the outside.\r\n";

/* A connection ready to become a client (after its TLS handshake): refused
 * by protected mode, or made a client. */
static void admit(conn_t *conn, const struct sockaddr_storage *ss, int is_unix)
{
    if (!is_unix && srv.protected_mode && srv.acl_default_nopass && !is_loopback(ss)) {
        struct iovec iov = {(void *)denied_msg, sizeof(denied_msg) - 1};
        if (conn_writev(conn, &iov, 1) < 0) { /* best effort */ }
        conn_close(conn);
        srv.stat_rejected_conn++;
        return;
    }
    client_t *c = client_create(conn, is_unix);
    fmt_addr(ss, c->addr, sizeof(c->addr));
    struct sockaddr_storage ls;
    socklen_t ll = sizeof(ls);
    if (getsockname(c->fd, (struct sockaddr *)&ls, &ll) == 0)
        fmt_addr(&ls, c->laddr, sizeof(c->laddr));
    md_event_t e = {.client_id = c->id, .name = c->addr};
    events_fire(MD_EVENT_CLIENT, MD_SUB_CLIENT_CONNECTED, &e);
}

/* The peer of a TLS connection, kept across its handshake. */
typedef struct handshaking {
    struct sockaddr_storage peer;
} handshaking_t;

static void tls_handshake_done(conn_t *conn, void *arg)
{
    handshaking_t *h = arg;
    if (conn) admit(conn, &h->peer, 0);
    mem_free(h);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    int kind = (int)(intptr_t)arg;
    /* max-new-(tls-)connections-per-cycle: the rest wait for the next turn
     * of the event loop, so a burst of connects does not starve clients. */
    int max = kind == LISTEN_TLS ? srv.hostconf.max_new_tls_conns : srv.hostconf.max_new_conns;
    for (int i = 0; i < max; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept(lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR)
                log_msg(LOG_WARNING, "Accepting client connection: %s", strerror(errno));
            return;
        }
        set_nonblock(fd);
        if (kind != LISTEN_UNIX) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            if (srv.tcp_keepalive > 0)
                setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
        }
        srv.stat_numconnections++;
        if ((long long)client_count() >= srv.maxclients) {
            /* No handshake yet on a TLS socket: it is just dropped. */
            static const char msg[] = "-ERR max number of clients reached\r\n";
            if (kind != LISTEN_TLS && write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */ }
            close(fd);
            srv.stat_rejected_conn++;
            continue;
        }
        if (kind == LISTEN_TLS) {
            handshaking_t *h = mem_alloc(sizeof(*h));
            h->peer = ss;
            conn_tls_accept(srv.base, fd, srv.tls.auth_clients, tls_handshake_done, h);
            continue;
        }
        admit(conn_plain(fd), &ss, kind == LISTEN_UNIX);
    }
}

void net_accept_pending(void)
{
    struct pollfd fds[MAX_LISTENERS];
    int idx[MAX_LISTENERS], n = 0;
    for (int i = 0; i < nlisteners; i++) {
        if (listen_kinds[i] == LISTEN_TLS) continue; /* its handshake needs the loop */
        fds[n] = (struct pollfd){.fd = listen_fds[i], .events = POLLIN};
        idx[n++] = i;
    }
    if (n == 0 || poll(fds, (nfds_t)n, 0) <= 0) return;
    for (int i = 0; i < n; i++)
        if (fds[i].revents & POLLIN)
            on_accept(listen_fds[idx[i]], EV_READ, (void *)(intptr_t)listen_kinds[idx[i]]);
}

static int add_listener(int fd, int kind)
{
    if (nlisteners == MAX_LISTENERS) return -1;
    set_nonblock(fd);
    listen_fds[nlisteners] = fd;
    listen_kinds[nlisteners] = kind;
    listeners[nlisteners] = event_new(srv.base, fd, EV_READ | EV_PERSIST, on_accept,
                                      (void *)(intptr_t)kind);
    event_add(listeners[nlisteners], NULL);
    nlisteners++;
    return 0;
}

/* Listen on one address and port; "-" prefix means optional (skip if
 * unavailable). */
static int listen_tcp(const char *addr, int port_no, int kind)
{
    int optional = addr[0] == '-';
    if (optional) addr++;
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = strchr(addr, ':') ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[16];
    snprintf(port, sizeof(port), "%d", port_no);
    const char *host = strcmp(addr, "*") == 0 ? NULL : addr;
    if (strcmp(addr, "::*") == 0) {
        host = NULL;
        hints.ai_family = AF_INET6;
    }
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        if (optional) return 0;
        log_msg(LOG_WARNING, "Could not resolve bind address %s", addr);
        return -1;
    }
    int rc = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        unsigned mark = srv.hostconf.socket_mark_id; /* SO_MARK; a failure is ignored, as Redis */
        if (mark) setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, srv.tcp_backlog) == 0) {
            add_listener(fd, kind);
            rc = 0;
            break;
        }
        int e = errno;
        close(fd);
        if (!optional)
            log_msg(LOG_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s",
                    addr, port_no, strerror(e));
    }
    freeaddrinfo(res);
    return optional ? 0 : rc;
}

static int listen_unix(void)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(srv.unixsocket) >= sizeof(sa.sun_path)) {
        log_msg(LOG_WARNING, "unixsocket path too long: %s", srv.unixsocket);
        return -1;
    }
    strcpy(sa.sun_path, srv.unixsocket);
    unlink(srv.unixsocket);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(fd, srv.tcp_backlog) != 0) {
        log_msg(LOG_WARNING, "Failed opening Unix socket %s: %s", srv.unixsocket, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (srv.unixsocketperm) chmod(srv.unixsocket, (mode_t)srv.unixsocketperm);
    return add_listener(fd, LISTEN_UNIX);
}

/* Listen on port_no at every `bind` address. */
static int listen_all(int port_no, int kind)
{
    char *addrs = mem_strdup(srv.bind ? srv.bind : "* -::*");
    char *save = NULL;
    int rc = 0;
    for (char *a = strtok_r(addrs, " ", &save); a && rc == 0; a = strtok_r(NULL, " ", &save))
        rc = listen_tcp(a, port_no, kind);
    mem_free(addrs);
    return rc;
}

/* Close the listeners of one kind. */
static void close_kind(int kind)
{
    int k = 0;
    for (int i = 0; i < nlisteners; i++) {
        if (listen_kinds[i] == kind) {
            event_free(listeners[i]);
            close(listen_fds[i]);
            continue;
        }
        listeners[k] = listeners[i];
        listen_fds[k] = listen_fds[i];
        listen_kinds[k++] = listen_kinds[i];
    }
    nlisteners = k;
}

/* The tls-* values as the TLS context is built from them. */
static int tls_configure(void)
{
    conn_tls_config_t cfg = {
        .cert_file = srv.tls.cert_file, .key_file = srv.tls.key_file,
        .key_file_pass = srv.tls.key_file_pass, .client_cert_file = srv.tls.client_cert_file,
        .client_key_file = srv.tls.client_key_file,
        .client_key_file_pass = srv.tls.client_key_file_pass,
        .ca_cert_file = srv.tls.ca_cert_file,
        .ca_cert_dir = srv.tls.ca_cert_dir, .dh_params_file = srv.tls.dh_params_file,
        .protocols = srv.tls.protocols, .ciphers = srv.tls.ciphers,
        .ciphersuites = srv.tls.ciphersuites, .auth_clients = srv.tls.auth_clients,
        .prefer_server_ciphers = srv.tls.prefer_server_ciphers,
        .session_caching = srv.tls.session_caching,
        .session_cache_size = srv.tls.session_cache_size,
        .session_cache_timeout = srv.tls.session_cache_timeout};
    return conn_tls_configure(&cfg);
}

int net_listen(void)
{
    if (srv.port != 0 && listen_all(srv.port, LISTEN_TCP) != 0) return -1;
    if (srv.tls.port || srv.tls.replication || srv.tls.cluster) {
        if (tls_configure() != 0) {
            log_msg(LOG_WARNING, "Failed to configure TLS. Check logs for more info.");
            return -1;
        }
        if (srv.tls.port && listen_all(srv.tls.port, LISTEN_TLS) != 0) return -1;
    }
    if (srv.unixsocket && srv.unixsocket[0] && listen_unix() != 0) return -1;
    if (nlisteners == 0) {
        log_msg(LOG_WARNING, "Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

int net_tls_reconfigure(void)
{
    if (!srv.tls.port && !srv.tls.replication && !srv.tls.cluster) return 0;
    return tls_configure();
}

int net_tls_port_changed(const char **err)
{
    if (srv.tls.port && !conn_tls_ready() && tls_configure() != 0) {
        *err = "Unable to update TLS configuration. Check server logs.";
        return -1;
    }
    close_kind(LISTEN_TLS);
    if (srv.tls.port && listen_all(srv.tls.port, LISTEN_TLS) != 0) {
        close_kind(LISTEN_TLS);
        *err = "Unable to listen on this port. Check server logs.";
        return -1;
    }
    return 0;
}

void net_close(void)
{
    for (int i = 0; i < nlisteners; i++) {
        event_free(listeners[i]);
        close(listen_fds[i]);
    }
    nlisteners = 0;
    if (srv.unixsocket && srv.unixsocket[0]) unlink(srv.unixsocket);
}

void net_close_in_child(void)
{
    for (int i = 0; i < nlisteners; i++) close(listen_fds[i]);
}
