/*
 * conn.h — an accepted connection seen through its transport: a plain
 * socket (TCP or unix) or TLS (conn_tls.c). client.c reads, writes and
 * closes a client's connection only through these calls, so nothing above
 * the connection layer knows which transport a client uses.
 *
 * Calls follow the socket conventions: read returns >0 bytes, 0 at the end
 * of the stream, or -1 with errno (EAGAIN: try again on the next event);
 * writev returns the bytes taken or -1 with errno.
 */
#ifndef MODIS_CONN_H
#define MODIS_CONN_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef struct conn conn_t;

/* What a transport implements. */
typedef struct conn_type {
    ssize_t (*read)(conn_t *c, void *buf, size_t len);
    ssize_t (*writev)(conn_t *c, const struct iovec *iov, int n);
    /* Bytes the transport already holds for the next read (TLS records
     * decrypted but not returned yet): no socket event announces them. */
    size_t (*pending)(conn_t *c);
    /* The last read could not finish until the socket is writable. */
    int (*read_wants_write)(conn_t *c);
    /* Close the socket and free the connection. */
    void (*close)(conn_t *c);
} conn_type_t;

struct conn {
    const conn_type_t *type;
    int fd;
};

/* A plain socket (non-blocking already); the connection owns fd. */
conn_t *conn_plain(int fd);

ssize_t conn_read(conn_t *c, void *buf, size_t len);
ssize_t conn_writev(conn_t *c, const struct iovec *iov, int n);
size_t conn_pending(conn_t *c);
int conn_read_wants_write(conn_t *c);
void conn_close(conn_t *c);
static inline int conn_fd(const conn_t *c) { return c->fd; }

#endif
