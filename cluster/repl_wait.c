/*
 * repl_wait.c — WAIT's blocked clients and the good-replicas count. See
 * repl_wait.h.
 *
 * Asking for ACKs: when a client blocks, "REPLCONF GETACK *" goes into
 * the stream (as Redis, so it counts in the offsets), and every ACK that
 * comes back re-checks the waiters.
 */
#include "cluster/repl_wait.h"
#include "cluster/repl_primary.h"
#include "host/blocking.h"
#include "persist/aof.h"
#include "host/client.h"
#include "host/mem.h"
#include "host/resp.h"
#include "host/server.h"
#include "host/util.h"

typedef struct waiter {
    client_t *c;
    long long off;           /* the stream offset to be acknowledged */
    int aof;                 /* WAITAOF */
    int numlocal, numreplicas;
    struct waiter *prev, *next;
} waiter_t;

static waiter_t *head, *tail;

int wait_acked(long long off, int aof)
{
    int n = primary_count(), acked = 0;
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        acked += v.state == REPLICA_ONLINE && (aof ? v.aof_off : v.ack_off) >= off;
    }
    return acked;
}

int wait_local_fsynced(long long off)
{
    long long synced = aof_fsynced_position();
    return synced >= 0 && synced >= off;
}

static void unlink_waiter(waiter_t *w)
{
    if (w->prev) w->prev->next = w->next;
    else head = w->next;
    if (w->next) w->next->prev = w->prev;
    else tail = w->prev;
}

/* The reply, on timeout as when served: how many replicas acknowledged
 * (WAITAOF: whether the local AOF did, then how many replicas). */
static void wait_timeout(client_t *c, void *priv)
{
    waiter_t *w = priv;
    reply_t *out = client_reply(c);
    if (w->aof) {
        resp_add_agg(out, 2, '*', 2);
        resp_add_int(out, wait_local_fsynced(w->off));
    }
    resp_add_int(out, wait_acked(w->off, w->aof));
}

static void wait_release(client_t *c, void *priv, int how)
{
    waiter_t *w = priv;
    unlink_waiter(w);
    mem_free(w);
}

static const blocking_ops_t wait_ops = {wait_timeout, wait_release, 1};

static void wait_reply(client_t *c, void *priv, void *arg)
{
    wait_timeout(c, priv);
}

int wait_block(client_t *c, struct cmd *cmd, int aof, int numlocal, int numreplicas,
               long long timeout_ms)
{
    waiter_t *w = mem_calloc(sizeof(*w));
    w->c = c;
    w->off = c->woff;
    w->aof = aof;
    w->numlocal = numlocal;
    w->numreplicas = numreplicas;
    blocking_spec_t sp = {.timeout_ms = timeout_ms, .ops = &wait_ops, .priv = w};
    if (blocking_block(c, cmd, &sp) != 0) {
        mem_free(w);
        return -1;
    }
    w->prev = tail;
    if (tail) tail->next = w;
    else head = w;
    tail = w;
    primary_request_acks();
    return 0;
}

void wait_check(void)
{
    for (waiter_t *w = head, *next; w; w = next) {
        next = w->next;
        if (wait_acked(w->off, w->aof) >= w->numreplicas &&
            (!w->numlocal || wait_local_fsynced(w->off)))
            blocking_wake(w->c, wait_reply, NULL);
    }
}

void wait_cron(void)
{
    static long long last;
    long long now = aof_fsynced_position();
    if (now == last) return;
    last = now;
    if (head) wait_check();
}

int wait_too_few_replicas(void)
{
    if (srv.repl.masterhost || !srv.repl.min_replicas_to_write ||
        !srv.repl.min_replicas_max_lag)
        return 0;
    int n = primary_count(), good = 0;
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        good += v.state == REPLICA_ONLINE && v.lag <= srv.repl.min_replicas_max_lag;
    }
    return good < srv.repl.min_replicas_to_write;
}
