/*
 * conn_tls.h — the TLS transport (OpenSSL): the server context built from
 * the tls-* parameters, and accepted connections that finish their
 * handshake before they become clients, and outgoing connections (the
 * replication link, tls-replication). Only net.c and the link use this
 * header; the rest of the server sees a TLS client as any other conn_t
 * (conn.h).
 *
 * Invariant: a context is only replaced by a complete new one, so a failed
 * (re)configuration leaves the running one in place; connections keep the
 * context they were accepted with until they close.
 */
#ifndef MODIS_CONN_TLS_H
#define MODIS_CONN_TLS_H

#include "conn.h"

struct event_base;

/* tls-auth-clients */
enum { CONN_TLS_AUTH_NO, CONN_TLS_AUTH_YES, CONN_TLS_AUTH_OPTIONAL };

/* The server side parameters; NULL or "" = not set. */
typedef struct conn_tls_config {
    const char *cert_file, *key_file, *key_file_pass;
    const char *client_cert_file, *client_key_file, *client_key_file_pass; /* outgoing */
    const char *ca_cert_file, *ca_cert_dir;
    const char *dh_params_file;
    const char *protocols;      /* "TLSv1.2 TLSv1.3"; NULL = those two */
    const char *ciphers;        /* TLSv1.2 and below */
    const char *ciphersuites;   /* TLSv1.3 */
    int auth_clients;           /* CONN_TLS_AUTH_*: anything but NO needs a CA */
    int prefer_server_ciphers;
    int session_caching;
    int session_cache_size;
    int session_cache_timeout;  /* seconds */
} conn_tls_config_t;

/*
 * Build a context from cfg and make it the one new connections use.
 * Returns 0, or -1 after logging the cause (Redis's log lines), with the
 * previous context still in use.
 */
int conn_tls_configure(const conn_tls_config_t *cfg);
/* A context exists (the TLS port can accept). */
int conn_tls_ready(void);

/*
 * Start the server side of a handshake on an accepted, non-blocking
 * socket, asking for a client certificate as `auth` (CONN_TLS_AUTH_*)
 * says. Once it completes, done(conn, arg) is called from the event loop
 * with the new connection; when it fails the socket is closed, the cause
 * logged, and done(NULL, arg) is called so arg can be freed.
 */
typedef void (*conn_tls_done_fn)(conn_t *conn, void *arg);
void conn_tls_accept(struct event_base *base, int fd, int auth, conn_tls_done_fn done,
                     void *arg);

/*
 * Start the client side of a handshake on a connected, non-blocking
 * socket, with the client context (the server's certificate must be one
 * the CA vouches for). done() as for conn_tls_accept. Returns the
 * handshake, which conn_tls_abort() ends without calling done() (the
 * socket is closed); NULL (nothing started, fd still the caller's) when no
 * context exists.
 */
typedef struct conn_tls_handshake conn_tls_handshake_t;
conn_tls_handshake_t *conn_tls_connect(struct event_base *base, int fd, conn_tls_done_fn done,
                                       void *arg);
void conn_tls_abort(conn_tls_handshake_t *h);

#endif
