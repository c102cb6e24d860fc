/*
 * conn_tls.c — TLS with OpenSSL: the server context (certificate, key,
 * CA, protocols, ciphers, session cache, client authentication) built
 * from the tls-* parameters, with the client context of outgoing
 * connections (tls-client-cert-file, else the server's identity), the
 * non-blocking handshake of an accepted or connected socket (with its own
 * events, before any client exists), and the TLS transport of conn.h
 * once the handshake is done.
 *
 * A failed handshake (a plain client, garbage, a certificate the CA does
 * not vouch for) closes that socket only. Log lines are Redis's.
 */
#include "conn_tls.h"
#include "log.h"
#include "mem.h"

#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PROTO_TLSv1   (1 << 0)
#define PROTO_TLSv1_1 (1 << 1)
#define PROTO_TLSv1_2 (1 << 2)
#define PROTO_TLSv1_3 (1 << 3)

static SSL_CTX *server_ctx;    /* the context new connections get */
static SSL_CTX *client_ctx;    /* the context of our outgoing connections */

static const char *set(const char *s) { return s && s[0] ? s : NULL; }

/* tls-protocols: a bit set, or -1 after logging. */
static int parse_protocols(const char *s)
{
    if (!set(s)) return PROTO_TLSv1_2 | PROTO_TLSv1_3;
    int protos = 0;
    while (*s) {
        while (*s == ' ') s++;
        size_t n = strcspn(s, " ");
        if (!n) break;
        if (n == 5 && !strncasecmp(s, "tlsv1", n)) protos |= PROTO_TLSv1;
        else if (n == 7 && !strncasecmp(s, "tlsv1.1", n)) protos |= PROTO_TLSv1_1;
        else if (n == 7 && !strncasecmp(s, "tlsv1.2", n)) protos |= PROTO_TLSv1_2;
        else if (n == 7 && !strncasecmp(s, "tlsv1.3", n)) protos |= PROTO_TLSv1_3;
        else {
            log_msg(LOG_WARNING, "Invalid tls-protocols specified. Use a combination of "
                    "'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            return -1;
        }
        s += n;
    }
    return protos;
}

static const char *ssl_err(char *buf, size_t cap)
{
    unsigned long e = ERR_get_error();
    if (!e) snprintf(buf, cap, "unknown error");
    else ERR_error_string_n(e, buf, cap);
    return buf;
}

static void set_protocols(SSL_CTX *ctx, int protos)
{
    static const struct { int bit; long op; } offs[] = {
        {PROTO_TLSv1, SSL_OP_NO_TLSv1}, {PROTO_TLSv1_1, SSL_OP_NO_TLSv1_1},
        {PROTO_TLSv1_2, SSL_OP_NO_TLSv1_2}, {PROTO_TLSv1_3, SSL_OP_NO_TLSv1_3}};
    SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION |
                             SSL_OP_NO_RENEGOTIATION | SSL_OP_SINGLE_DH_USE);
    for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
        if (!(protos & offs[i].bit)) SSL_CTX_set_options(ctx, offs[i].op);
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    if (!pass) return -1;
    size_t n = strlen(pass);
    if (n > (size_t)size) return -1;
    memcpy(buf, pass, n);
    return (int)n;
}

/* Certificate chain and private key. */
static int load_identity(SSL_CTX *ctx, const char *cert, const char *key, const char *pass)
{
    char e[256];
    SSL_CTX_set_default_passwd_cb(ctx, pass_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)set(pass));
    int ok = 1;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) <= 0) {
        log_msg(LOG_WARNING, "Failed to load certificate: %s: %s", cert, ssl_err(e, sizeof(e)));
        ok = 0;
    } else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) <= 0) {
        log_msg(LOG_WARNING, "Failed to load private key: %s: %s", key, ssl_err(e, sizeof(e)));
        ok = 0;
    }
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL); /* cfg's string goes away */
    return ok ? 0 : -1;
}

/* CA, ciphers, DH parameters. */
static int load_trust(SSL_CTX *ctx, const conn_tls_config_t *cfg)
{
    char e[256];
    if ((set(cfg->ca_cert_file) || set(cfg->ca_cert_dir)) &&
        SSL_CTX_load_verify_locations(ctx, set(cfg->ca_cert_file), set(cfg->ca_cert_dir)) <= 0) {
        log_msg(LOG_WARNING, "Failed to configure CA certificate(s) file/directory: %s",
                ssl_err(e, sizeof(e)));
        return -1;
    }
    if (set(cfg->ciphers) && !SSL_CTX_set_cipher_list(ctx, cfg->ciphers)) {
        log_msg(LOG_WARNING, "Failed to configure ciphers: %s", cfg->ciphers);
        return -1;
    }
    if (set(cfg->ciphersuites) && !SSL_CTX_set_ciphersuites(ctx, cfg->ciphersuites)) {
        log_msg(LOG_WARNING, "Failed to configure ciphersuites: %s", cfg->ciphersuites);
        return -1;
    }
    if (!set(cfg->dh_params_file)) {
        SSL_CTX_set_dh_auto(ctx, 1);
        return 0;
    }
    BIO *f = BIO_new_file(cfg->dh_params_file, "r");
    if (!f) {
        log_msg(LOG_WARNING, "Failed to load %s: %s", cfg->dh_params_file, strerror(errno));
        return -1;
    }
    EVP_PKEY *dh = PEM_read_bio_Parameters(f, NULL);
    BIO_free(f);
    if (!dh || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) <= 0) {
        log_msg(LOG_WARNING, "%s: failed to read DH params.", cfg->dh_params_file);
        EVP_PKEY_free(dh);
        return -1;
    }
    return 0;
}

static void set_session_cache(SSL_CTX *ctx, const conn_tls_config_t *cfg)
{
    if (!cfg->session_caching) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        return;
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, cfg->session_cache_size);
    SSL_CTX_set_timeout(ctx, cfg->session_cache_timeout);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"modis", 5);
}

/* The context of outgoing connections (the replication link): the
 * tls-client-* identity when set, else the server's; the peer must show a
 * certificate the CA vouches for. NULL after logging. */
static SSL_CTX *client_context(const conn_tls_config_t *cfg, int protos)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return NULL;
    set_protocols(ctx, protos);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int own = set(cfg->client_cert_file) && set(cfg->client_key_file);
    if (load_identity(ctx, own ? cfg->client_cert_file : cfg->cert_file,
                      own ? cfg->client_key_file : cfg->key_file,
                      own ? cfg->client_key_file_pass : cfg->key_file_pass) != 0 ||
        load_trust(ctx, cfg) != 0) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

int conn_tls_configure(const conn_tls_config_t *cfg)
{
    if (!set(cfg->cert_file)) {
        log_msg(LOG_WARNING, "No tls-cert-file configured!");
        return -1;
    }
    if (!set(cfg->key_file)) {
        log_msg(LOG_WARNING, "No tls-key-file configured!");
        return -1;
    }
    if (cfg->auth_clients != CONN_TLS_AUTH_NO && !set(cfg->ca_cert_file) &&
        !set(cfg->ca_cert_dir)) {
        log_msg(LOG_WARNING, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified "
                "when tls-cluster, tls-replication or tls-auth-clients are enabled!");
        return -1;
    }
    int protos = parse_protocols(cfg->protocols);
    if (protos < 0) return -1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return -1;
    set_protocols(ctx, protos);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (cfg->prefer_server_ciphers) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    set_session_cache(ctx, cfg);
    SSL_CTX *cctx = client_context(cfg, protos);
    if (!cctx || load_identity(ctx, cfg->cert_file, cfg->key_file, cfg->key_file_pass) != 0 ||
        load_trust(ctx, cfg) != 0) {
        SSL_CTX_free(ctx);
        SSL_CTX_free(cctx);
        return -1;
    }
    SSL_CTX_free(server_ctx);
    server_ctx = ctx;
    SSL_CTX_free(client_ctx);
    client_ctx = cctx;
    return 0;
}

int conn_tls_ready(void) { return server_ctx != NULL; }

/* ---- the transport ---- */

typedef struct tls_conn {
    conn_t base;
    SSL *ssl;
    int read_wants_write;
    int failed;              /* a fatal error: no close_notify */
} tls_conn_t;

/* The result of a failed SSL_read/SSL_write as a socket call's. */
static ssize_t tls_fail(tls_conn_t *t, int ret, int reading)
{
    int e = SSL_get_error(t->ssl, ret);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (reading && e == SSL_ERROR_WANT_WRITE) t->read_wants_write = 1;
        errno = EAGAIN;
        return -1;
    }
    if (e == SSL_ERROR_SYSCALL && ret < 0 && (errno == EAGAIN || errno == EINTR)) return -1;
    t->failed = e != SSL_ERROR_ZERO_RETURN;
    if (reading && (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ret == 0)))
        return 0; /* the peer closed */
    if (e == SSL_ERROR_SSL) {
        char buf[256];
        log_msg(LOG_VERBOSE, "TLS connection error: %s", ssl_err(buf, sizeof(buf)));
    }
    errno = e == SSL_ERROR_SYSCALL && errno ? errno : ECONNRESET;
    return -1;
}

static ssize_t tls_read(conn_t *c, void *buf, size_t len)
{
    tls_conn_t *t = (tls_conn_t *)c;
    t->read_wants_write = 0;
    ERR_clear_error();
    int n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    return n > 0 ? n : tls_fail(t, n, 1);
}

/* One SSL_write per buffer; stops at the first partial or blocked one. */
static ssize_t tls_writev(conn_t *c, const struct iovec *iov, int n)
{
    tls_conn_t *t = (tls_conn_t *)c;
    ssize_t total = 0;
    for (int i = 0; i < n; i++) {
        size_t len = iov[i].iov_len > INT_MAX ? INT_MAX : iov[i].iov_len;
        if (!len) continue;
        ERR_clear_error();
        int w = SSL_write(t->ssl, iov[i].iov_base, (int)len);
        if (w <= 0) return total ? total : tls_fail(t, w, 0);
        total += w;
        if ((size_t)w < len) break;
    }
    return total;
}

static size_t tls_pending(conn_t *c)
{
    int n = SSL_pending(((tls_conn_t *)c)->ssl);
    return n > 0 ? (size_t)n : 0;
}

static int tls_read_wants_write(conn_t *c) { return ((tls_conn_t *)c)->read_wants_write; }

static void tls_close(conn_t *c)
{
    tls_conn_t *t = (tls_conn_t *)c;
    if (!t->failed && SSL_is_init_finished(t->ssl)) {
        ERR_clear_error();
        SSL_shutdown(t->ssl); /* best effort: one close_notify, no waiting */
    }
    SSL_free(t->ssl);
    close(c->fd);
    mem_free(t);
}

static const conn_type_t tls_type = {tls_read, tls_writev, tls_pending, tls_read_wants_write,
                                     tls_close};

/* ---- the handshake ---- */

struct conn_tls_handshake {
    SSL *ssl;
    int fd;
    struct event_base *base;
    struct event *ev;
    conn_tls_done_fn done;
    void *arg;
};
typedef struct conn_tls_handshake handshake_t;

static void handshake_step(evutil_socket_t fd, short what, void *arg);

static void handshake_wait(handshake_t *h, short what)
{
    if (h->ev) event_free(h->ev);
    h->ev = event_new(h->base, h->fd, what, handshake_step, h);
    event_add(h->ev, NULL);
}

static void handshake_end(handshake_t *h, conn_t *conn)
{
    if (h->ev) event_free(h->ev);
    h->done(conn, h->arg);
    mem_free(h);
}

static void handshake_step(evutil_socket_t fd, short what, void *arg)
{
    handshake_t *h = arg;
    ERR_clear_error();
    int r = SSL_do_handshake(h->ssl);
    if (r == 1) {
        tls_conn_t *t = mem_calloc(sizeof(*t));
        t->base.type = &tls_type;
        t->base.fd = h->fd;
        t->ssl = h->ssl;
        handshake_end(h, &t->base);
        return;
    }
    int e = SSL_get_error(h->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        handshake_wait(h, e == SSL_ERROR_WANT_READ ? EV_READ : EV_WRITE);
        return;
    }
    char buf[256];
    log_msg(SSL_is_server(h->ssl) ? LOG_VERBOSE : LOG_WARNING, "%s: %s",
            SSL_is_server(h->ssl) ? "Error accepting a client connection"
                                  : "TLS handshake with the server failed",
            e == SSL_ERROR_SSL ? ssl_err(buf, sizeof(buf)) : "connection closed");
    SSL_free(h->ssl);
    close(h->fd);
    handshake_end(h, NULL);
}

static handshake_t *handshake_start(struct event_base *base, SSL *ssl, int fd,
                                    conn_tls_done_fn done, void *arg, short first)
{
    handshake_t *h = mem_calloc(sizeof(*h));
    h->ssl = ssl;
    h->fd = fd;
    h->base = base;
    h->done = done;
    h->arg = arg;
    handshake_wait(h, first);
    return h;
}

void conn_tls_accept(struct event_base *base, int fd, int auth, conn_tls_done_fn done,
                     void *arg)
{
    SSL *ssl = server_ctx ? SSL_new(server_ctx) : NULL;
    if (!ssl) {
        close(fd);
        done(NULL, arg);
        return;
    }
    int verify = auth == CONN_TLS_AUTH_NO ? SSL_VERIFY_NONE
               : auth == CONN_TLS_AUTH_OPTIONAL
                   ? SSL_VERIFY_PEER
                   : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_set_verify(ssl, verify, NULL);
    SSL_set_fd(ssl, fd);
    SSL_set_accept_state(ssl);
    handshake_start(base, ssl, fd, done, arg, EV_READ);
}

conn_tls_handshake_t *conn_tls_connect(struct event_base *base, int fd, conn_tls_done_fn done,
                                       void *arg)
{
    SSL *ssl = client_ctx ? SSL_new(client_ctx) : NULL;
    if (!ssl) return NULL;
    SSL_set_fd(ssl, fd);
    SSL_set_connect_state(ssl);
    return handshake_start(base, ssl, fd, done, arg, EV_WRITE);
}

void conn_tls_abort(conn_tls_handshake_t *h)
{
    if (h->ev) event_free(h->ev);
    SSL_free(h->ssl);
    close(h->fd);
    mem_free(h);
}
