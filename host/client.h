/*
 * client.h — one connection: its query buffer and parser, its output
 * buffer, and per-connection state (db, protocol, name, flags).
 *
 * Life cycle: client_create() on accept; the read event parses and runs as
 * many complete commands as the buffer holds, then tries to write the
 * replies at once; what the socket does not take is written on the write
 * event. client_close() may be called at any time; a client that is inside
 * a command is only marked and freed after the command returns.
 */
#ifndef MODIS_CLIENT_H
#define MODIS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"
#include "reply.h"
#include "resp.h"

struct event;
struct cmd;
struct conn;
struct acl_user;

/* client flags */
#define CLIENT_CLOSE_AFTER_REPLY (1u << 0)
#define CLIENT_CLOSE_ASAP        (1u << 1)
#define CLIENT_UNIX              (1u << 2)
#define CLIENT_IN_CALL           (1u << 3)
#define CLIENT_REPLY_OFF         (1u << 4)
#define CLIENT_REPLY_SKIP_NEXT   (1u << 5)
#define CLIENT_REPLY_SKIP        (1u << 6)
#define CLIENT_NO_EVICT          (1u << 7)
#define CLIENT_NO_TOUCH          (1u << 8)
#define CLIENT_PROTECTED         (1u << 9)  /* freed later, not now */
#define CLIENT_FAKE              (1u << 10) /* no socket (AOF load, scripts) */
#define CLIENT_DENY_BLOCKING     (1u << 11) /* md_call, scripts: md_in_multi() */
#define CLIENT_PUBSUB            (1u << 12) /* has subscriptions (pubsub.c keeps it) */
#define CLIENT_MONITOR           (1u << 13) /* in MONITOR mode (monitor.c keeps it) */
#define CLIENT_POSTPONED         (1u << 14) /* its command waits for CLIENT PAUSE to end (pause.c) */
/* CLIENT TRACKING state (tracking.c keeps them) */
#define CLIENT_TRACKING          (1u << 15)
#define CLIENT_TRACKING_BCAST    (1u << 16)
#define CLIENT_TRACKING_OPTIN    (1u << 17)
#define CLIENT_TRACKING_OPTOUT   (1u << 18)
#define CLIENT_TRACKING_NOLOOP   (1u << 19)
#define CLIENT_TRACKING_CACHING  (1u << 20) /* CLIENT CACHING given for the next command */
#define CLIENT_TRACKING_BROKEN_REDIR (1u << 21) /* the REDIRECT client went away */
#define CLIENT_REPLICA           (1u << 22) /* a replica of ours (cluster/repl_primary.c) */
#define CLIENT_MASTER            (1u << 23) /* our primary's link (cluster/repl_link.c) */

typedef struct client {
    uint64_t id;
    int fd;                  /* conn's socket, -1 for fake clients */
    struct conn *conn;       /* the transport (conn.h), NULL for fake clients */
    unsigned flags;
    struct event *ev_read, *ev_write;
    int write_pending;       /* ev_write is armed */

    char *qbuf;              /* query buffer */
    size_t qcap, qlen, qpos; /* qpos: start of the unparsed command */
    size_t qpeak;
    resp_parser_t parser;
    md_arg_t *argv;          /* the current command's arguments */
    int argc, argv_cap;
    struct cmd *cmd, *lastcmd;

    reply_t *out;            /* allocated lazily-sized reply buffer */
    reply_t *push_out;       /* while CLIENT REPLY OFF/SKIP drops replies (dispatch.c
                              * swaps c->out): where push data still goes */
    int64_t peak_reset_ms;   /* when the reply buffer's peak (rbp) restarted */
    int64_t obuf_soft_since; /* unix time the soft output limit was first
                              * exceeded in a row, 0 = not exceeded */

    int resp;                /* 2 or 3 */
    int dbid;
    int authenticated;
    struct acl_user *user;   /* authenticated as; NULL = the default user */
    char *name;
    char *lib_name, *lib_ver;
    char addr[64], laddr[64];
    int64_t ctime_ms, last_interaction_ms;
    long long commands;      /* commands processed on this connection */
    long long net_in, net_out;
    size_t multi_mem;        /* memory of queued MULTI commands (multi.c keeps it) */
    long long woff;          /* the replication offset after its last write (WAIT) */
    struct bstate *bstate;   /* blocked on keys (blocking.c) */
    struct mstate *mstate;   /* MULTI/WATCH state (multi.c) */
    struct pstate *pstate;   /* subscriptions (pubsub.c), NULL if none yet */
    struct repl_replica *replica; /* replication state (cluster/), NULL if none */
    uint64_t tracking_redir; /* CLIENT TRACKING REDIRECT id, 0 = none */
    struct tstate *tstate;   /* BCAST prefixes (tracking.c), NULL if none */
    struct client *next_pending, *prev_all, *next_all;
} client_t;

/*
 * What connections need from the layers above them, filled at start-up
 * (hooks.c): client.c reads and writes sockets and knows nothing of
 * commands, transactions, subscriptions or the AOF.
 */
typedef struct client_hooks {
    void (*run)(client_t *c);       /* run the command in c->argv */
    void (*before_write)(void);     /* before any reply leaves (AOF write) */
    void (*gone)(client_t *c);      /* drop c's per-client state elsewhere */
    /* c's CLIENT LIST line (no newline) into buf, for log lines */
    void (*describe)(client_t *c, char *buf, size_t cap);
    /* A CLIENT_MASTER client ran the command whose bytes are p[0..n)
     * (the replication stream advances by them). */
    void (*master_applied)(client_t *c, const char *p, size_t n);
} client_hooks_t;
extern client_hooks_t client_hooks;

/* Create a client on an accepted connection (socket non-blocking
 * already); the client owns conn from here on. */
client_t *client_create(struct conn *conn, int is_unix);
/* Close now if safe, else mark for closing after the current command. */
void client_close(client_t *c);
/* Mark for closing, never free now (safe while others iterate over
 * clients): input stops, further replies are dropped, and the client is
 * freed after the current event or by the cron. */
void client_close_async(client_t *c);
/* A client without socket, for internal command execution. */
client_t *client_create_fake(void);
void client_free_fake(client_t *c);

/* Bytes read for c by someone else (the replication link read past the
 * RDB): appended to its query buffer and run as if c had read them. */
void client_inject_input(client_t *c, const char *p, size_t n);
/* Run buffered input after the client was unblocked. */
void client_resume_input(client_t *c);
/* Flush output now; arms the write event for what remains. */
void client_flush(client_t *c);
/* After a reply was added outside the client's own read event (e.g. an
 * unblocked client), make sure it gets written. */
void client_schedule_write(client_t *c);
/* Arm the write event without writing now (safe while iterating over
 * clients: never closes c). */
void client_want_write(client_t *c);
/* Reply buffer access honouring CLIENT REPLY OFF/SKIP. */
reply_t *client_reply(client_t *c);
/* Where push data goes (Pub/Sub messages and (un)subscribe confirmations):
 * the real buffer even while CLIENT REPLY OFF/SKIP drops replies, as
 * Redis 7.2+ does. */
reply_t *client_push(client_t *c);

/* The memory a connection holds (CLIENT LIST tot-mem, INFO's
 * mem_clients_normal): the struct, buffers, argv, queued commands. */
size_t client_memory(const client_t *c);

/* maxmemory-clients: may c be evicted (a connection, not CLIENT NO-EVICT)? */
int client_evictable(const client_t *c);
/* While the memory of all connections exceeds maxmemory-clients (bytes,
 * or a percent of maxmemory), close the evictable one using the most,
 * as Redis does (INFO's evicted_clients); nothing when it is 0. Safe at
 * any time: clients are closed asynchronously. */
void client_evict_over_limit(void);

/* All connected clients, for CLIENT LIST/KILL and cron. */
/* While a command cannot return to the event loop (a busy script): serve
 * every client but `except` once — read and run what it sent, write what
 * it waits for — without waiting. */
void client_serve_busy(const client_t *except);
client_t *client_first(void);
size_t client_count(void);
client_t *client_by_id(uint64_t id);

/* cron: idle timeouts (not for blocked or Pub/Sub clients), output
 * buffer limits, and giving back the query buffer of an idle client. */
void client_cron(void);
/* Free clients marked CLOSE_ASAP (called between events). */
void client_free_closed(void);

#endif
