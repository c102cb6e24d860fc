/*
 * blocking.c — see blocking.h. State per blocked client: a copy of the
 * argv to re-run and of the keys (one buffer), its deadline timer, and the
 * optional private state with its callbacks. Every way out (served, woken,
 * timeout, CLIENT UNBLOCK, disconnect) goes through end_state(), which
 * tears the state down first and releases the private data last.
 */
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "kmap.h"
#include "mem.h"
#include "multi.h"
#include "resp.h"
#include "server.h"
#include "types.h"

#include <event2/event.h>
#include <string.h>

typedef struct bstate {
    struct cmd *cmd;
    int argc;
    md_arg_t *argv;          /* points into buf */
    int nkeys;
    md_arg_t *keys;          /* points into buf */
    int dbid;
    int timeout_reply;
    int reblocked;           /* set when the re-run blocked again */
    int rerunning;
    const blocking_ops_t *ops;
    void *priv;
    struct event *timer;
    char *buf;
} bstate_t;

static kmap_t waiting;       /* (db, key) -> blocked clients, FIFO */
static kmap_t ready;         /* (db, key) signalled since the last serve */
static size_t nblocked;
static blocking_run_fn runner;

void blocking_init(blocking_run_fn run) { runner = run; }
int blocking_is_blocked(const client_t *c) { return c->bstate != NULL; }
size_t blocking_clients(void) { return nblocked; }
size_t blocking_keys(void) { return kmap_size(&waiting); }
void *blocking_priv(const client_t *c, const blocking_ops_t *ops)
{
    return c->bstate && c->bstate->ops == ops ? c->bstate->priv : NULL;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg);

size_t blocking_clients_of(const md_module_t *m)
{
    size_t n = 0;
    for (client_t *c = client_first(); c; c = c->next_all)
        if (c->bstate && c->bstate->cmd->owner == m) n++;
    return n;
}

size_t blocking_clients_holding(const md_module_t *m)
{
    size_t n = 0;
    for (client_t *c = client_first(); c; c = c->next_all) {
        const bstate_t *s = c->bstate;
        if (s && s->cmd->owner == m && s->ops &&
            (!s->ops->holds_module || s->ops->holds_module(s->priv)))
            n++;
    }
    return n;
}

/* Copy argv and keys into one buffer owned by the state (replacing what
 * it held). */
static void state_copy_args(bstate_t *s, int argc, const md_arg_t *argv, int nkeys,
                            const md_arg_t *keys)
{
    size_t total = 0;
    for (int i = 0; i < argc; i++) total += argv[i].len;
    for (int i = 0; i < nkeys; i++) total += keys[i].len;
    char *buf = mem_alloc(total + 1);
    md_arg_t *nargv = mem_alloc((size_t)argc * sizeof(md_arg_t));
    md_arg_t *nkeysv = mem_alloc((size_t)(nkeys ? nkeys : 1) * sizeof(md_arg_t));
    char *p = buf;
    for (int i = 0; i < argc; i++) {
        memcpy(p, argv[i].ptr, argv[i].len);
        nargv[i] = (md_arg_t){p, argv[i].len};
        p += argv[i].len;
    }
    for (int i = 0; i < nkeys; i++) {
        memcpy(p, keys[i].ptr, keys[i].len);
        nkeysv[i] = (md_arg_t){p, keys[i].len};
        p += keys[i].len;
    }
    mem_free(s->argv);
    mem_free(s->keys);
    mem_free(s->buf);
    s->buf = buf;
    s->argv = nargv;
    s->keys = nkeysv;
    s->argc = argc;
    s->nkeys = nkeys;
}

/* A re-run blocked again: keep the place; take a new argv or priv. */
static int reblock(client_t *c, const blocking_spec_t *sp)
{
    bstate_t *s = c->bstate;
    if (!s->rerunning || !sp->nkeys || sp->ops != s->ops) return -1;
    s->reblocked = 1;
    if (sp->argc) state_copy_args(s, sp->argc, sp->argv, s->nkeys, s->keys);
    s->priv = sp->priv;
    return 0;
}

int blocking_block(client_t *c, struct cmd *cmd, const blocking_spec_t *sp)
{
    if (c->flags & CLIENT_FAKE || multi_executing(c)) return -1;
    if (c->bstate) return reblock(c, sp);
    bstate_t *s = mem_calloc(sizeof(*s));
    s->cmd = cmd_ref(cmd);
    s->dbid = c->dbid;
    s->timeout_reply = sp->timeout_reply;
    s->ops = sp->ops;
    s->priv = sp->priv;
    if (sp->argc) state_copy_args(s, sp->argc, sp->argv, sp->nkeys, sp->keys);
    else state_copy_args(s, c->argc, c->argv, sp->nkeys, sp->keys);
    for (int i = 0; i < s->nkeys; i++) {
        int dup = 0;
        for (int j = 0; j < i; j++)
            dup |= s->keys[j].len == s->keys[i].len &&
                   memcmp(s->keys[j].ptr, s->keys[i].ptr, s->keys[i].len) == 0;
        if (!dup) kmap_add(&waiting, s->dbid, s->keys[i].ptr, s->keys[i].len, c);
    }
    if (sp->timeout_ms > 0) {
        s->timer = evtimer_new(srv.base, on_timeout, c);
        struct timeval tv = {(time_t)(sp->timeout_ms / 1000),
                             (suseconds_t)(sp->timeout_ms % 1000) * 1000};
        evtimer_add(s->timer, &tv);
    }
    c->bstate = s;
    nblocked++;
    return 0;
}

/* Remove every trace of c's blocked state but its private data. */
static void unblock(client_t *c)
{
    bstate_t *s = c->bstate;
    if (!s) return;
    for (int i = 0; i < s->nkeys; i++)
        kmap_remove(&waiting, s->dbid, s->keys[i].ptr, s->keys[i].len, c);
    if (s->timer) event_free(s->timer);
    cmd_unref(s->cmd);
    mem_free(s->argv);
    mem_free(s->keys);
    mem_free(s->buf);
    mem_free(s);
    c->bstate = NULL;
    nblocked--;
}

static client_t **to_resume;   /* unblocked inside a command: resume later */
static size_t nresume, capresume;

/* After unblocking: send the reply, then run input that queued up. Inside
 * another client's command (CLIENT UNBLOCK) this waits until that command
 * is done (blocking_serve). */
static void resume(client_t *c)
{
    if (srv.in_command) {
        if (nresume == capresume) {
            capresume = capresume ? capresume * 2 : 8;
            to_resume = mem_realloc(to_resume, capresume * sizeof(*to_resume));
        }
        to_resume[nresume++] = c;
        return;
    }
    client_flush(c);
    if (!(c->flags & CLIENT_CLOSE_ASAP)) client_resume_input(c);
}

/* Resume clients whose unblocking happened inside a command. */
static void resume_pending(void)
{
    while (nresume) {
        client_t *c = to_resume[--nresume];
        client_flush(c);
        if (!(c->flags & CLIENT_CLOSE_ASAP)) client_resume_input(c);
    }
}

/* The timeout reply: the state's own, or its null form. */
static void reply_timeout(client_t *c)
{
    bstate_t *s = c->bstate;
    if (s->ops && s->ops->timeout) s->ops->timeout(c, s->priv);
    else if (s->timeout_reply == MD_BLOCK_NULL) resp_add_null(c->out, c->resp);
    else resp_add_null_array(c->out, c->resp);
}

/* The state is over (its reply written): tear it down, release the
 * private data, and resume c unless it is going away. */
static void end_state(client_t *c, int how)
{
    const blocking_ops_t *ops = c->bstate->ops;
    void *priv = c->bstate->priv;
    unblock(c);
    if (ops && ops->release) ops->release(how == BLOCKING_GONE ? NULL : c, priv, how);
    if (how != BLOCKING_GONE) resume(c);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    client_t *c = arg;
    if (!c->bstate) return;
    reply_timeout(c);
    end_state(c, BLOCKING_TIMEOUT);
    blocking_serve(); /* the timeout reply may have made keys ready */
}

int blocking_unblock(client_t *c, int with_error)
{
    bstate_t *s = c->bstate;
    if (!s || s->rerunning || (s->ops && !s->ops->unblockable)) return 0;
    if (with_error) {
        static const char msg[] = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
        resp_add_error(c->out, msg, sizeof(msg) - 1);
        cmd_count_error(msg, sizeof(msg) - 1);
    } else {
        reply_timeout(c);
    }
    end_state(c, BLOCKING_UNBLOCKED);
    return 1;
}

void blocking_wake(client_t *c, void (*reply)(client_t *c, void *priv, void *arg), void *arg)
{
    if (!c->bstate || c->bstate->rerunning) return;
    reply(c, c->bstate->priv, arg);
    end_state(c, BLOCKING_SERVED);
}

void blocking_client_gone(client_t *c)
{
    if (c->bstate) end_state(c, BLOCKING_GONE);
    for (size_t i = 0; i < nresume; i++)
        if (to_resume[i] == c) to_resume[i--] = to_resume[--nresume];
}

void blocking_signal_key(int dbid, const char *key, size_t len)
{
    if (!kmap_find(&waiting, dbid, key, len)) return;
    if (!kmap_find(&ready, dbid, key, len)) kmap_add(&ready, dbid, key, len, NULL);
}

static void ready_if_present(kmap_key_t *k, void *priv)
{
    int dbid = *(const int *)priv;
    if (k->dbid != dbid) return;
    ks_entry_t *e = ks_find(&srv.db[dbid], k->key, k->len);
    if (e && !ks_is_expired(e)) blocking_signal_key(dbid, k->key, k->len);
}

void blocking_signal_db(int dbid)
{
    kmap_foreach(&waiting, ready_if_present, &dbid);
}

/*
 * Redis serves a client blocked on a key only when the key holds the kind
 * of value it waits for (BLPOP a list): a key that now holds a value of a
 * type of another module (RENAME of a string onto it) leaves the client
 * blocked. An empty key re-runs the command, which blocks again.
 */
static int key_serves(const bstate_t *s, int dbid, const char *key, size_t len)
{
    ks_entry_t *e = ks_find(&srv.db[dbid], key, len);
    if (!e || ks_is_expired(e) || !s->cmd->owner) return 1;
    md_type_t *t = types_by_id(e->type);
    return !t || t->owner == s->cmd->owner;
}

/* Re-run c's blocked command; unblock it unless it blocked again. */
static void rerun(client_t *c)
{
    bstate_t *s = c->bstate;
    const md_arg_t *saved_argv = c->argv;
    int saved_argc = c->argc, saved_db = c->dbid;
    s->reblocked = 0;
    s->rerunning = 1;
    c->argv = s->argv;
    c->argc = s->argc;
    c->dbid = s->dbid;
    runner(c, s->cmd);
    c->argv = (md_arg_t *)saved_argv;
    c->argc = saved_argc;
    c->dbid = saved_db;
    if (c->bstate != s) return;
    s->rerunning = 0;
    if (!s->reblocked) end_state(c, BLOCKING_SERVED);
}

typedef struct pending {
    int dbid;
    size_t len;
    char *key;
} pending_t;

static void collect_ready(kmap_key_t *k, void *priv)
{
    pending_t **v = priv;
    size_t n = 0;
    while ((*v)[n].key) n++;
    (*v)[n].dbid = k->dbid;
    (*v)[n].len = k->len;
    (*v)[n].key = mem_strndup(k->key, k->len);
}

void blocking_serve(void)
{
    static int serving;
    if (serving) return; /* the outer loop picks up new ready keys */
    serving = 1;
    resume_pending();
    while (kmap_size(&ready)) {
        size_t n = kmap_size(&ready);
        pending_t *v = mem_calloc((n + 1) * sizeof(*v));
        kmap_foreach(&ready, collect_ready, &v);
        for (size_t i = 0; i < n; i++) kmap_remove(&ready, v[i].dbid, v[i].key, v[i].len, NULL);
        for (size_t i = 0; i < n; i++) {
            kmap_key_t *k = kmap_find(&waiting, v[i].dbid, v[i].key, v[i].len);
            /* Snapshot the FIFO: re-runs change the list. */
            size_t cnt = k ? k->count : 0;
            client_t **cl = mem_alloc((cnt + 1) * sizeof(*cl));
            size_t j = 0;
            for (kmap_node_t *x = k ? k->head : NULL; x; x = x->next) cl[j++] = x->c;
            for (j = 0; j < cnt; j++) {
                /* A client may have been served through another key. */
                if (!kmap_find(&waiting, v[i].dbid, v[i].key, v[i].len)) break;
                client_t *c = cl[j];
                if (c->bstate && !(c->flags & CLIENT_CLOSE_ASAP) &&
                    key_serves(c->bstate, v[i].dbid, v[i].key, v[i].len))
                    rerun(c);
            }
            mem_free(cl);
            mem_free(v[i].key);
        }
        mem_free(v);
    }
    resume_pending();
    serving = 0;
}
