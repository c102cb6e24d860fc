/*
 * net.c — listeners and accept. Accepted sockets are non-blocking with
 * TCP_NODELAY and keepalive; protected mode refuses non-loopback clients
 * when no password is set and bind is the default.
 */
#include "net.h"
#include "client.h"
#include "events.h"
#include "log.h"
#include "mem.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
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

static struct event *listeners[MAX_LISTENERS];
static int listen_fds[MAX_LISTENERS];
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

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    int is_unix = (int)(intptr_t)arg;
    for (int i = 0; i < 1000; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept(lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR)
                log_msg(LOG_WARNING, "Accepting client connection: %s", strerror(errno));
            return;
        }
        set_nonblock(fd);
        if (!is_unix) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            if (srv.tcp_keepalive > 0)
                setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
        }
        srv.stat_numconnections++;
        if ((long long)client_count() >= srv.maxclients) {
            static const char msg[] = "-ERR max number of clients reached\r\n";
            if (write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */ }
            close(fd);
            srv.stat_rejected_conn++;
            continue;
        }
        if (!is_unix && srv.protected_mode && !is_loopback(&ss) &&
            (!srv.requirepass || !srv.requirepass[0])) {
            static const char msg[] =
                "-DENIED Modis is running in protected mode because protected mode is "
                "enabled and no password is set for the default user. In this mode "
                "connections are only accepted from the loopback interface. If you want "
                "to connect from external computers, disable protected mode with "
                "'CONFIG SET protected-mode no' or set a password with requirepass.\r\n";
            if (write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */ }
            close(fd);
            srv.stat_rejected_conn++;
            continue;
        }
        client_t *c = client_create(fd, is_unix);
        fmt_addr(&ss, c->addr, sizeof(c->addr));
        struct sockaddr_storage ls;
        socklen_t ll = sizeof(ls);
        if (getsockname(fd, (struct sockaddr *)&ls, &ll) == 0) fmt_addr(&ls, c->laddr, sizeof(c->laddr));
        md_event_t e = {.client_id = c->id, .name = c->addr};
        events_fire(MD_EVENT_CLIENT, MD_SUB_CLIENT_CONNECTED, &e);
    }
}

static int add_listener(int fd, int is_unix)
{
    if (nlisteners == MAX_LISTENERS) return -1;
    set_nonblock(fd);
    listen_fds[nlisteners] = fd;
    listeners[nlisteners] = event_new(srv.base, fd, EV_READ | EV_PERSIST, on_accept,
                                      (void *)(intptr_t)is_unix);
    event_add(listeners[nlisteners], NULL);
    nlisteners++;
    return 0;
}

/* Listen on one address; "-" prefix means optional (skip if unavailable). */
static int listen_tcp(const char *addr)
{
    int optional = addr[0] == '-';
    if (optional) addr++;
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = strchr(addr, ':') ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[16];
    snprintf(port, sizeof(port), "%d", srv.port);
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
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, srv.tcp_backlog) == 0) {
            add_listener(fd, 0);
            rc = 0;
            break;
        }
        int e = errno;
        close(fd);
        if (!optional)
            log_msg(LOG_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s",
                    addr, srv.port, strerror(e));
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
    return add_listener(fd, 1);
}

int net_listen(void)
{
    if (srv.port != 0) {
        char *addrs = mem_strdup(srv.bind ? srv.bind : "* -::*");
        char *save = NULL;
        for (char *a = strtok_r(addrs, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
            if (listen_tcp(a) != 0) {
                mem_free(addrs);
                return -1;
            }
        }
        mem_free(addrs);
    }
    if (srv.unixsocket && srv.unixsocket[0] && listen_unix() != 0) return -1;
    if (nlisteners == 0) {
        log_msg(LOG_WARNING, "Configured to not listen anywhere, exiting.");
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
