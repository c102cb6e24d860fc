/*
 * multi.c — see multi.h. The commands themselves are cmd_multi.c.
 */
#include "multi.h"
#include "client.h"
#include "cmd.h"
#include "kmap.h"
#include "mem.h"
#include "notify.h"
#include "resp.h"
#include "server.h"

#include <string.h>

typedef struct queued {
    struct cmd *cmd;
    int argc;
    md_arg_t *argv;
    char *buf;
} queued_t;

typedef struct wkey {
    int dbid;
    size_t len;
    char *key;
} wkey_t;

struct mstate {
    int active;              /* MULTI issued */
    int executing;
    int error;               /* a queued command was rejected */
    int dirty;               /* a watched key changed */
    queued_t *q;
    int nq, capq;
    wkey_t *w;               /* watched keys */
    int nw, capw;
};

static kmap_t watched;

static struct mstate *ms(client_t *c)
{
    if (!c->mstate) c->mstate = mem_calloc(sizeof(struct mstate));
    return c->mstate;
}

int multi_active(const client_t *c) { return c->mstate && c->mstate->active; }
int multi_executing(const client_t *c) { return c->mstate && c->mstate->executing; }
int multi_queued(const client_t *c) { return multi_active(c) ? c->mstate->nq : -1; }
int multi_watched(const client_t *c) { return c->mstate ? c->mstate->nw : 0; }

uint64_t multi_queued_flags(const client_t *c)
{
    uint64_t f = 0;
    if (!multi_active(c)) return 0;
    for (int i = 0; i < c->mstate->nq; i++) f |= c->mstate->q[i].cmd->flags;
    return f;
}
size_t multi_watched_keys(void) { return kmap_size(&watched); }

/* Drop c's queued commands (their memory with them); not in MULTI any more. */
static void queue_clear(client_t *c)
{
    struct mstate *m = c->mstate;
    for (int i = 0; i < m->nq; i++) {
        cmd_unref(m->q[i].cmd);
        mem_free(m->q[i].argv);
        mem_free(m->q[i].buf);
    }
    m->nq = 0;
    m->active = m->error = 0;
    c->multi_mem = 0;
}

void multi_queue(client_t *c, struct cmd *cmd)
{
    struct mstate *m = ms(c);
    if (m->nq == m->capq) {
        m->capq = m->capq ? m->capq * 2 : 8;
        m->q = mem_realloc(m->q, (size_t)m->capq * sizeof(queued_t));
    }
    queued_t *q = &m->q[m->nq++];
    size_t total = 0;
    for (int i = 0; i < c->argc; i++) total += c->argv[i].len;
    q->cmd = cmd_ref(cmd); /* may outlive its module: see cmd.h */
    q->argc = c->argc;
    q->buf = mem_alloc(total + 1);
    q->argv = mem_alloc((size_t)c->argc * sizeof(md_arg_t));
    char *p = q->buf;
    for (int i = 0; i < c->argc; i++) {
        memcpy(p, c->argv[i].ptr, c->argv[i].len);
        q->argv[i].ptr = p;
        q->argv[i].len = c->argv[i].len;
        p += c->argv[i].len;
    }
    c->multi_mem += mem_usable(q->buf) + mem_usable(q->argv);
    resp_add_simple(c->out, "QUEUED", 6);
}

void multi_flag_error(client_t *c)
{
    if (multi_active(c)) c->mstate->error = 1;
}

static void unwatch_all(client_t *c)
{
    struct mstate *m = c->mstate;
    if (!m) return;
    for (int i = 0; i < m->nw; i++) {
        kmap_remove(&watched, m->w[i].dbid, m->w[i].key, m->w[i].len, c);
        mem_free(m->w[i].key);
    }
    m->nw = 0;
    m->dirty = 0;
}

void multi_client_gone(client_t *c)
{
    if (!c->mstate) return;
    unwatch_all(c);
    queue_clear(c);
    mem_free(c->mstate->q);
    mem_free(c->mstate->w);
    mem_free(c->mstate);
    c->mstate = NULL;
}

static void on_key_modified(int dbid, const char *key, size_t len)
{
    kmap_key_t *k = kmap_find(&watched, dbid, key, len);
    for (kmap_node_t *n = k ? k->head : NULL; n; n = n->next) n->c->mstate->dirty = 1;
}

static void mark_db(kmap_key_t *k, void *priv)
{
    int dbid = *(int *)priv;
    if (dbid != -1 && k->dbid != dbid) return;
    /* As Redis: only watched keys that exist (before a flush, or in
     * either db of a SWAPDB) fail the transaction. */
    if (!ks_find(&srv.db[k->dbid], k->key, k->len)) return;
    for (kmap_node_t *n = k->head; n; n = n->next) n->c->mstate->dirty = 1;
}

static void on_db_modified(int dbid) { kmap_foreach(&watched, mark_db, &dbid); }

void multi_init(void)
{
    notify_listeners.key_modified = on_key_modified;
    notify_listeners.db_modified = on_db_modified;
}

/* ---- what the commands do ---- */

int multi_begin(client_t *c)
{
    if (multi_active(c)) return -1;
    ms(c)->active = 1;
    return 0;
}

int multi_discard(client_t *c)
{
    if (!multi_active(c)) return -1;
    queue_clear(c);
    unwatch_all(c);
    return 0;
}

int multi_exec_begin(client_t *c)
{
    if (!multi_active(c)) return MULTI_EXEC_NO_MULTI;
    struct mstate *m = c->mstate;
    int rc = m->error ? MULTI_EXEC_ABORT : m->dirty ? MULTI_EXEC_WATCH_FAILED : m->nq;
    unwatch_all(c);
    if (rc < 0) {
        queue_clear(c);
        return rc;
    }
    m->executing = 1;
    m->active = 0;
    return rc;
}

void multi_exec_run(client_t *c, multi_run_fn run)
{
    struct mstate *m = c->mstate;
    const md_arg_t *saved_argv = c->argv;
    int saved_argc = c->argc;
    for (int i = 0; i < m->nq; i++) {
        c->argv = m->q[i].argv;
        c->argc = m->q[i].argc;
        run(c, m->q[i].cmd);
    }
    c->argv = (md_arg_t *)saved_argv;
    c->argc = saved_argc;
    m->executing = 0;
    queue_clear(c);
}

void multi_watch(client_t *c, md_arg_t key)
{
    struct mstate *m = ms(c);
    for (int j = 0; j < m->nw; j++)
        if (m->w[j].dbid == c->dbid && m->w[j].len == key.len &&
            memcmp(m->w[j].key, key.ptr, key.len) == 0)
            return;
    if (m->nw == m->capw) {
        m->capw = m->capw ? m->capw * 2 : 4;
        m->w = mem_realloc(m->w, (size_t)m->capw * sizeof(wkey_t));
    }
    m->w[m->nw].dbid = c->dbid;
    m->w[m->nw].len = key.len;
    m->w[m->nw].key = mem_strndup(key.ptr, key.len);
    m->nw++;
    kmap_add(&watched, c->dbid, key.ptr, key.len, c);
}

void multi_unwatch(client_t *c) { unwatch_all(c); }
