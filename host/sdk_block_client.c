/*
 * sdk_block_client.c — clients blocked by module code (md_block_client),
 * ended by md_unblock() from any thread, and the thread's context whose
 * replies reach the client when it is unblocked: Redis's BlockClient and
 * ThreadSafeContext model, without a global lock.
 *
 * Locking rules. A handle (md_blocked_t) is created on the server's
 * thread and lives until the server's thread has processed its
 * md_unblock(). Until then:
 *  - the server's thread owns `client`, the callbacks and the private
 *    data; a timeout, CLIENT UNBLOCK or a disconnection only detaches the
 *    client (the handle stays, for the module's md_unblock());
 *  - the module's thread owns the thread context (tclient, tctx, errs):
 *    nothing else reads them before md_unblock();
 *  - md_unblock() hands the handle over under `done_lock` (which orders
 *    the thread's writes before the server's reads) and wakes the event
 *    loop through a pipe; the server's thread then delivers the thread's
 *    replies and runs on_reply (if the client is still there), releases
 *    the private data and frees the handle.
 */
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "reply.h"
#include "sdk_ctx.h"
#include "server.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct md_blocked {
    md_module_t *module;
    struct cmd *cmd;
    client_t *client;          /* NULL once detached */
    md_block_fn on_timeout, on_reply;
    void (*free_priv)(void *);
    void *priv;
    int resp;                  /* the client's protocol when it blocked */
    /* the module's thread, until md_unblock() */
    client_t *tclient;         /* holds the thread's replies */
    md_ctx_t tctx;
    char **errs;               /* error replies made on tctx */
    int nerrs;
    /* handed over by md_unblock() */
    int unblocked;
    void *new_priv;
    struct md_blocked *next;
};

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static md_blocked_t *done_head, *done_tail;   /* md_unblock()ed, FIFO */
static int wake_pipe[2] = {-1, -1};
static struct event *wake_ev;

static void release_priv(md_blocked_t *bc)
{
    if (bc->priv && bc->free_priv) bc->free_priv(bc->priv);
    bc->priv = NULL;
}

/* ---- the blocked state's callbacks (server's thread) ---- */

static void run_timeout(md_ctx_t *ctx, void *arg)
{
    md_blocked_t *bc = arg;
    bc->on_timeout(ctx, bc->priv);
}

static void bc_timeout(client_t *c, void *priv)
{
    md_blocked_t *bc = priv;
    sdk_ctx_run(c, bc->cmd, -1, run_timeout, bc);
}

/* The state ended without md_unblock() (timeout, CLIENT UNBLOCK, gone):
 * the handle waits, detached, for the module's md_unblock(). */
static void bc_release(client_t *c, void *priv, int how)
{
    md_blocked_t *bc = priv;
    (void)c;
    if (how == BLOCKING_SERVED) return; /* woken by deliver(): drain frees it */
    bc->client = NULL;
    if (bc->module) bc->module->detached_blocks++;
}

static const blocking_ops_t bc_ops_cb = {bc_timeout, bc_release, 1};
static const blocking_ops_t bc_ops_null = {NULL, bc_release, 0};

/* ---- delivering (server's thread) ---- */

static void run_reply(md_ctx_t *ctx, void *arg)
{
    md_blocked_t *bc = arg;
    bc->on_reply(ctx, bc->priv);
}

/* blocking_wake()'s reply: the thread's replies, then on_reply. */
static void deliver(client_t *c, void *priv, void *arg)
{
    md_blocked_t *bc = arg;
    (void)priv;
    if (bc->tclient) reply_append_reply(c->out, bc->tclient->out);
    for (int i = 0; i < bc->nerrs; i++) cmd_count_error(bc->errs[i], strlen(bc->errs[i]));
    if (bc->on_reply) sdk_ctx_run(c, bc->cmd, -1, run_reply, bc);
}

static void handle_free(md_blocked_t *bc)
{
    release_priv(bc);
    if (bc->tclient) {
        reply_reset(bc->tclient->out);
        mem_free(bc->tclient->out);
        mem_free(bc->tclient);
    }
    for (int i = 0; i < bc->nerrs; i++) mem_free(bc->errs[i]);
    mem_free(bc->errs);
    cmd_unref(bc->cmd);
    mem_free(bc);
}

/* Process every md_unblock() handed over so far, in order. */
static void drain(void)
{
    pthread_mutex_lock(&done_lock);
    md_blocked_t *bc = done_head;
    done_head = done_tail = NULL;
    pthread_mutex_unlock(&done_lock);
    while (bc) {
        md_blocked_t *next = bc->next;
        if (bc->new_priv && bc->new_priv != bc->priv) {
            release_priv(bc);
            bc->priv = bc->new_priv;
        }
        if (bc->client) blocking_wake(bc->client, deliver, bc);
        else if (bc->module) bc->module->detached_blocks--;
        handle_free(bc);
        bc = next;
    }
    blocking_serve(); /* on_reply may have made keys ready */
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    char buf[256];
    (void)what, (void)arg;
    while (read(fd, buf, sizeof(buf)) > 0) {}
    drain();
}

/* The pipe md_unblock() writes to, made on the first block. */
static int wake_setup(void)
{
    if (wake_ev) return 0;
    if (pipe(wake_pipe) != 0) {
        log_msg(LOG_WARNING, "md_block_client: pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    wake_ev = event_new(srv.base, wake_pipe[0], EV_READ | EV_PERSIST, on_wake, NULL);
    event_add(wake_ev, NULL);
    return 0;
}

/* ---- the SDK entries ---- */

static md_blocked_t *x_block_client(md_ctx_t *c, const md_block_t *in)
{
    md_block_t b;
    if (!c->client || c->thread || wake_setup() != 0) return NULL;
    sdk_block_read(in, &b);
    md_blocked_t *bc = mem_calloc(sizeof(*bc));
    bc->module = c->cmd ? c->cmd->owner : NULL;
    bc->cmd = cmd_ref(c->cmd); /* may outlive its module: see cmd.h */
    bc->client = c->client;
    bc->on_timeout = b.on_timeout;
    bc->on_reply = b.on_reply;
    bc->free_priv = b.free_priv;
    bc->priv = b.priv;
    bc->resp = c->client->resp;
    blocking_spec_t sp = {.timeout_ms = b.timeout_ms, .timeout_reply = b.timeout_reply,
                          .ops = b.on_timeout ? &bc_ops_cb : &bc_ops_null, .priv = bc};
    if (!c->cmd || blocking_block(c->client, c->cmd, &sp) != 0) {
        cmd_unref(bc->cmd);
        mem_free(bc);
        return NULL;
    }
    return bc;
}

static int x_unblock(md_blocked_t *bc, void *priv)
{
    pthread_mutex_lock(&done_lock);
    if (bc->unblocked) {
        pthread_mutex_unlock(&done_lock);
        return MD_ERR;
    }
    bc->unblocked = 1;
    bc->new_priv = priv;
    bc->next = NULL;
    if (done_tail) done_tail->next = bc;
    else done_head = bc;
    done_tail = bc;
    pthread_mutex_unlock(&done_lock);
    ssize_t w = write(wake_pipe[1], "x", 1); /* a full pipe is awake already */
    (void)w;
    return MD_OK;
}

/* The client the thread's replies go to: a bare output buffer with the
 * blocked client's protocol (no id, no socket; made on the module's
 * thread, so nothing global is touched). */
static md_ctx_t *x_thread_ctx(md_blocked_t *bc)
{
    if (!bc->tclient) {
        client_t *t = mem_calloc(sizeof(*t));
        t->fd = -1;
        t->flags = CLIENT_FAKE | CLIENT_DENY_BLOCKING;
        t->resp = bc->resp;
        t->out = mem_alloc(sizeof(reply_t));
        reply_init(t->out);
        bc->tclient = t;
    }
    sdk_ctx_init(&bc->tctx, bc->tclient, bc->cmd, 0, NULL);
    bc->tctx.thread = bc;
    return &bc->tctx;
}

static void x_thread_ctx_free(md_ctx_t *c) { sdk_ctx_done(c); }

void sdk_thread_error(md_blocked_t *bc, const char *err, size_t len)
{
    bc->errs = mem_realloc(bc->errs, (size_t)(bc->nerrs + 1) * sizeof(char *));
    bc->errs[bc->nerrs++] = mem_strndup(err, len);
}

void sdk_api_fill_block_client(md_api_t *a)
{
    a->block_client = x_block_client;
    a->unblock = x_unblock;
    a->thread_ctx = x_thread_ctx;
    a->thread_ctx_free = x_thread_ctx_free;
}
