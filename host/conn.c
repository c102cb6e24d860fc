/*
 * conn.c — the connection calls, and the plain transport: read(), writev()
 * and close() on the socket itself.
 */
#include "conn.h"
#include "mem.h"

#include <unistd.h>

static ssize_t plain_read(conn_t *c, void *buf, size_t len) { return read(c->fd, buf, len); }

static ssize_t plain_writev(conn_t *c, const struct iovec *iov, int n)
{
    return writev(c->fd, iov, n);
}

static size_t plain_pending(conn_t *c) { return 0; }
static int plain_read_wants_write(conn_t *c) { return 0; }

static void plain_close(conn_t *c)
{
    close(c->fd);
    mem_free(c);
}

static const conn_type_t plain_type = {plain_read, plain_writev, plain_pending,
                                       plain_read_wants_write, plain_close};

conn_t *conn_plain(int fd)
{
    conn_t *c = mem_alloc(sizeof(*c));
    c->type = &plain_type;
    c->fd = fd;
    return c;
}

ssize_t conn_read(conn_t *c, void *buf, size_t len) { return c->type->read(c, buf, len); }

ssize_t conn_writev(conn_t *c, const struct iovec *iov, int n)
{
    return c->type->writev(c, iov, n);
}

size_t conn_pending(conn_t *c) { return c->type->pending(c); }
int conn_read_wants_write(conn_t *c) { return c->type->read_wants_write(c); }
void conn_close(conn_t *c) { c->type->close(c); }
