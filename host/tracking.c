/*
 * tracking.c — see tracking.h.
 *
 * The key table is a chained hash table of key name -> client ids (each
 * id once per key). The prefix table is an array of prefixes, each with
 * the ids of its BCAST clients and the keys modified since the last
 * broadcast (with the id of the client that modified each, for NOLOOP).
 * A client's own prefixes live in its tstate. Invariants: a BCAST
 * client's id is in the client list of exactly its prefixes; the count of
 * (key, id) pairs is `items`.
 */
#include "tracking.h"
#include "client.h"
#include "cmd.h"
#include "mem.h"
#include "notify.h"
#include "resp.h"
#include "server.h"
#include "util.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

/* ---- id lists ---- */

typedef struct ids {
    uint64_t *v;
    int n, cap;
} ids_t;

static int ids_add(ids_t *s, uint64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 2;
        s->v = mem_realloc(s->v, sizeof(*s->v) * (size_t)s->cap);
    }
    s->v[s->n++] = id;
    return 1;
}

static void ids_del(ids_t *s, uint64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id) {
            s->v[i] = s->v[--s->n];
            return;
        }
}

/* ---- the key table ---- */

typedef struct tkey {
    struct tkey *next;
    ids_t ids;
    size_t len;
    char key[];
} tkey_t;

static tkey_t **tab;
static size_t tab_mask, nkeys, items;

static tkey_t **slot_of(const char *key, size_t len)
{
    return &tab[util_hash(key, len) & tab_mask];
}

static tkey_t *key_find(const char *key, size_t len, tkey_t ***prevp)
{
    if (!tab) return NULL;
    tkey_t **p = slot_of(key, len);
    for (; *p; p = &(*p)->next)
        if ((*p)->len == len && memcmp((*p)->key, key, len) == 0) {
            if (prevp) *prevp = p;
            return *p;
        }
    return NULL;
}

static void tab_grow(void)
{
    size_t size = tab ? (tab_mask + 1) * 2 : 64;
    tkey_t **old = tab;
    size_t oldsize = tab ? tab_mask + 1 : 0;
    tab = mem_calloc(sizeof(*tab) * size);
    tab_mask = size - 1;
    for (size_t i = 0; i < oldsize; i++)
        for (tkey_t *k = old[i], *next; k; k = next) {
            next = k->next;
            tkey_t **s = slot_of(k->key, k->len);
            k->next = *s;
            *s = k;
        }
    mem_free(old);
}

static void key_remember(const char *key, size_t len, uint64_t id)
{
    tkey_t *k = key_find(key, len, NULL);
    if (!k) {
        if (!tab || nkeys >= tab_mask + 1) tab_grow();
        k = mem_calloc(sizeof(*k) + len);
        memcpy(k->key, key, len);
        k->len = len;
        tkey_t **s = slot_of(key, len);
        k->next = *s;
        *s = k;
        nkeys++;
    }
    items += (size_t)ids_add(&k->ids, id);
}

static void key_drop(tkey_t **prev)
{
    tkey_t *k = *prev;
    *prev = k->next;
    items -= (size_t)k->ids.n;
    nkeys--;
    mem_free(k->ids.v);
    mem_free(k);
}

/* ---- prefixes (BCAST) ---- */

typedef struct pending {
    char *key;
    size_t len;
    uint64_t by; /* the client that modified it, 0 = none */
} pending_t;

typedef struct prefix {
    char *p;
    size_t len;
    ids_t clients;
    pending_t *keys;
    int nkeys, capkeys;
} prefix_t;

static prefix_t *prefixes;
static int nprefixes;

struct tstate {
    md_arg_t *p; /* sorted, owned copies */
    int n;
};

static prefix_t *prefix_find(const char *p, size_t len)
{
    for (int i = 0; i < nprefixes; i++)
        if (prefixes[i].len == len && memcmp(prefixes[i].p, p, len) == 0) return &prefixes[i];
    return NULL;
}

static void prefix_drop_client(const char *p, size_t len, uint64_t id)
{
    prefix_t *x = prefix_find(p, len);
    if (!x) return;
    ids_del(&x->clients, id);
    if (x->clients.n) return;
    for (int i = 0; i < x->nkeys; i++) mem_free(x->keys[i].key);
    mem_free(x->keys);
    mem_free(x->clients.v);
    mem_free(x->p);
    *x = prefixes[--nprefixes];
}

/* One is a prefix of the other (Redis's stringCheckPrefix). */
static int overlap(const char *a, size_t al, const char *b, size_t bl)
{
    return memcmp(a, b, al < bl ? al : bl) == 0;
}

/* ---- sending ---- */

static client_t *current;       /* the client running a top-level command */
static uint64_t current_id;
static pending_t *later;        /* messages to `current`, after its reply */
static int nlater, caplater;

/* Send one message whose payload is `proto` (an array of keys, or a null)
 * to c or its redirect client, as Redis's sendTrackingMessage. */
static void send_message(client_t *c, const char *proto, size_t n)
{
    client_t *to = c;
    if (c->tracking_redir) {
        to = client_by_id(c->tracking_redir);
        if (!to || (to->flags & CLIENT_CLOSE_ASAP)) {
            c->flags |= CLIENT_TRACKING_BROKEN_REDIR;
            if (c->resp > 2) {
                reply_t *r = client_push(c);
                resp_add_agg(r, 3, '>', 2);
                resp_add_bulk(r, "tracking-redir-broken", 21);
                resp_add_int(r, (long long)c->tracking_redir);
                client_want_write(c);
            }
            return;
        }
    }
    if (to->flags & CLIENT_CLOSE_ASAP) return;
    reply_t *r = client_push(to);
    if (to->resp > 2) {
        resp_add_agg(r, 3, '>', 2);
        resp_add_bulk(r, "invalidate", 10);
    } else if (to != c && (to->flags & CLIENT_PUBSUB)) {
        resp_add_agg(r, 2, '*', 3);
        resp_add_bulk(r, "message", 7);
        resp_add_bulk(r, "__redis__:invalidate", 20);
    } else {
        return; /* RESP2 without redirection: no way to tell it */
    }
    resp_add_raw(r, proto, n);
    client_want_write(to);
}

/* "invalidate [key]" to c. */
static void send_key(client_t *c, const char *key, size_t len)
{
    char head[32];
    int hl = resp_agg_header(head, 2, '*', 1);
    size_t cap = (size_t)hl + len + 32;
    char *buf = mem_alloc(cap);
    memcpy(buf, head, (size_t)hl);
    size_t n = (size_t)hl + (size_t)snprintf(buf + hl, cap - (size_t)hl, "$%zu\r\n", len);
    memcpy(buf + n, key, len);
    n += len;
    buf[n++] = '\r';
    buf[n++] = '\n';
    send_message(c, buf, n);
    mem_free(buf);
}

/* "invalidate null" (a flush) to c, null as c's protocol writes it. */
static void send_null(client_t *c)
{
    if (c->resp > 2) send_message(c, "_\r\n", 3);
    else send_message(c, "$-1\r\n", 5);
}

static void later_add(const char *key, size_t len, int null)
{
    if (nlater == caplater) {
        caplater = caplater ? caplater * 2 : 4;
        later = mem_realloc(later, sizeof(*later) * (size_t)caplater);
    }
    pending_t *p = &later[nlater++];
    p->key = null ? NULL : mem_alloc(len ? len : 1);
    if (!null) memcpy(p->key, key, len);
    p->len = len;
}

/* ---- invalidation ---- */

static struct event *bcast_ev;
static void broadcast(evutil_socket_t fd, short what, void *arg);

/* A BCAST prefix covering the key keeps it for the next broadcast. */
static void bcast_remember(const char *key, size_t len, uint64_t by)
{
    int any = 0;
    for (int i = 0; i < nprefixes; i++) {
        prefix_t *x = &prefixes[i];
        if (len < x->len || memcmp(key, x->p, x->len) != 0) continue;
        if (x->nkeys == x->capkeys) {
            x->capkeys = x->capkeys ? x->capkeys * 2 : 8;
            x->keys = mem_realloc(x->keys, sizeof(*x->keys) * (size_t)x->capkeys);
        }
        pending_t *p = &x->keys[x->nkeys++];
        p->key = mem_alloc(len ? len : 1);
        memcpy(p->key, key, len);
        p->len = len;
        p->by = by;
        any = 1;
    }
    if (any) {
        if (!bcast_ev) bcast_ev = evtimer_new(srv.base, broadcast, NULL);
        if (!evtimer_pending(bcast_ev, NULL)) {
            struct timeval now = {0, 0};
            evtimer_add(bcast_ev, &now);
        }
    }
}

/* Send "invalidate [key]" to the key's readers and forget the key;
 * `bcast`: also to the BCAST prefixes (not when the table sheds keys). */
static void invalidate(const char *key, size_t len, int bcast)
{
    if (bcast && nprefixes) bcast_remember(key, len, current ? current_id : 0);
    tkey_t **prev;
    tkey_t *k = key_find(key, len, &prev);
    if (!k) return;
    for (int i = 0; i < k->ids.n; i++) {
        client_t *t = client_by_id(k->ids.v[i]);
        if (!t || !(t->flags & CLIENT_TRACKING) || (t->flags & CLIENT_TRACKING_BCAST)) continue;
        if ((t->flags & CLIENT_TRACKING_NOLOOP) && t == current) continue;
        if (t == current) later_add(key, len, 0);
        else send_key(t, key, len);
    }
    key_drop(prev);
}

static void on_key_modified(int dbid, const char *key, size_t klen)
{
    if (tab || nprefixes) invalidate(key, klen, 1);
}

static int cmp_pending(const void *a, const void *b)
{
    const pending_t *x = a, *y = b;
    int r = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    if (r) return r;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* The array of a prefix's keys, skipping those `skip` modified (NOLOOP);
 * NULL when none is left. Keys are sorted and unique (the last modifier
 * of a key counts, as Redis's table of them keeps it). */
static char *keys_proto(const prefix_t *x, uint64_t skip, size_t *n)
{
    size_t cap = 32, count = 0;
    for (int i = 0; i < x->nkeys; i++) cap += x->keys[i].len + 32;
    char *buf = mem_alloc(cap);
    size_t pos = 32; /* the header goes in front at the end */
    for (int i = 0; i < x->nkeys; i++) {
        if (i + 1 < x->nkeys && cmp_pending(&x->keys[i], &x->keys[i + 1]) == 0) continue;
        if (skip && x->keys[i].by == skip) continue;
        pos += (size_t)snprintf(buf + pos, cap - pos, "$%zu\r\n", x->keys[i].len);
        memcpy(buf + pos, x->keys[i].key, x->keys[i].len);
        pos += x->keys[i].len;
        buf[pos++] = '\r';
        buf[pos++] = '\n';
        count++;
    }
    if (!count) {
        mem_free(buf);
        return NULL;
    }
    char head[32];
    int hl = resp_agg_header(head, 2, '*', (long)count);
    memmove(buf + (size_t)hl, buf + 32, pos - 32);
    memcpy(buf, head, (size_t)hl);
    *n = pos - 32 + (size_t)hl;
    return buf;
}

/* Sort keeping the order of equal keys (the last modifier last). */
static void sort_pending(pending_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        pending_t t = v[i];
        int j = i - 1;
        while (j >= 0 && cmp_pending(&v[j], &t) > 0) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = t;
    }
}

static void broadcast(evutil_socket_t fd, short what, void *arg)
{
    for (int i = 0; i < nprefixes; i++) {
        prefix_t *x = &prefixes[i];
        if (!x->nkeys) continue;
        if (x->nkeys < 64) sort_pending(x->keys, x->nkeys);
        else qsort(x->keys, (size_t)x->nkeys, sizeof(*x->keys), cmp_pending);
        size_t n = 0;
        char *common = keys_proto(x, 0, &n);
        for (int j = 0; j < x->clients.n; j++) {
            client_t *c = client_by_id(x->clients.v[j]);
            if (!c) continue;
            if (c->flags & CLIENT_TRACKING_NOLOOP) {
                size_t m;
                char *own = keys_proto(x, c->id, &m);
                if (own) send_message(c, own, m);
                mem_free(own);
            } else if (common) {
                send_message(c, common, n);
            }
        }
        mem_free(common);
        for (int k = 0; k < x->nkeys; k++) mem_free(x->keys[k].key);
        x->nkeys = 0;
    }
}

/* ---- the API ---- */

void tracking_init(void) { notify_listeners.track_key_modified = on_key_modified; }

static int bad(char *err, size_t cap, const char *msg)
{
    snprintf(err, cap, "%s", msg);
    return -1;
}

/* Redis's checks of new prefixes: against the client's and each other. */
static int prefixes_ok(const client_t *c, const md_arg_t *p, int n, char *err, size_t cap)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; c->tstate && k < c->tstate->n; k++)
            if (overlap(c->tstate->p[k].ptr, c->tstate->p[k].len, p[i].ptr, p[i].len)) {
                snprintf(err, cap, "ERR Prefix '%.*s' overlaps with an existing prefix '%.*s'. "
                         "Prefixes for a single client must not overlap.",
                         (int)(p[i].len > 128 ? 128 : p[i].len), p[i].ptr,
                         (int)(c->tstate->p[k].len > 128 ? 128 : c->tstate->p[k].len),
                         c->tstate->p[k].ptr);
                return -1;
            }
        for (int j = i + 1; j < n; j++)
            if (overlap(p[i].ptr, p[i].len, p[j].ptr, p[j].len)) {
                snprintf(err, cap, "ERR Prefix '%.*s' overlaps with another provided prefix "
                         "'%.*s'. Prefixes for a single client must not overlap.",
                         (int)(p[i].len > 128 ? 128 : p[i].len), p[i].ptr,
                         (int)(p[j].len > 128 ? 128 : p[j].len), p[j].ptr);
                return -1;
            }
    }
    return 0;
}

static int cmp_arg(const void *a, const void *b)
{
    const md_arg_t *x = a, *y = b;
    int r = memcmp(x->ptr, y->ptr, x->len < y->len ? x->len : y->len);
    if (r) return r;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Add a prefix to the client (and the client to the prefix). */
static void prefix_add(client_t *c, const char *p, size_t len)
{
    if (!c->tstate) c->tstate = mem_calloc(sizeof(*c->tstate));
    struct tstate *s = c->tstate;
    for (int i = 0; i < s->n; i++)
        if (s->p[i].len == len && memcmp(s->p[i].ptr, p, len) == 0) return;
    s->p = mem_realloc(s->p, sizeof(*s->p) * (size_t)(s->n + 1));
    char *copy = mem_alloc(len ? len : 1);
    memcpy(copy, p, len);
    s->p[s->n++] = (md_arg_t){copy, len};
    qsort(s->p, (size_t)s->n, sizeof(*s->p), cmp_arg);
    prefix_t *x = prefix_find(p, len);
    if (!x) {
        prefixes = mem_realloc(prefixes, sizeof(*prefixes) * (size_t)(nprefixes + 1));
        x = &prefixes[nprefixes++];
        memset(x, 0, sizeof(*x));
        x->p = mem_alloc(len ? len : 1);
        memcpy(x->p, p, len);
        x->len = len;
    }
    ids_add(&x->clients, c->id);
}

static size_t ntracking;

int tracking_enable(client_t *c, uint64_t redir, unsigned opts, const md_arg_t *prefix,
                    int nprefix, char *err, size_t cap)
{
    if (!(opts & TRACKING_BCAST) && nprefix)
        return bad(err, cap, "ERR PREFIX option requires BCAST mode to be enabled");
    if ((c->flags & CLIENT_TRACKING) &&
        !!(c->flags & CLIENT_TRACKING_BCAST) != !!(opts & TRACKING_BCAST))
        return bad(err, cap, "ERR You can't switch BCAST mode on/off before disabling "
                             "tracking for this client, and then re-enabling it with a "
                             "different mode.");
    if ((opts & TRACKING_BCAST) && (opts & (TRACKING_OPTIN | TRACKING_OPTOUT)))
        return bad(err, cap, "ERR OPTIN and OPTOUT are not compatible with BCAST");
    if ((opts & TRACKING_OPTIN) && (opts & TRACKING_OPTOUT))
        return bad(err, cap, "ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (((opts & TRACKING_OPTIN) && (c->flags & CLIENT_TRACKING_OPTOUT)) ||
        ((opts & TRACKING_OPTOUT) && (c->flags & CLIENT_TRACKING_OPTIN)))
        return bad(err, cap, "ERR You can't switch OPTIN/OPTOUT mode before disabling "
                             "tracking for this client, and then re-enabling it with a "
                             "different mode.");
    if ((opts & TRACKING_BCAST) && prefixes_ok(c, prefix, nprefix, err, cap) != 0) return -1;
    if (!(c->flags & CLIENT_TRACKING)) ntracking++;
    c->flags |= CLIENT_TRACKING;
    c->flags &= ~(CLIENT_TRACKING_BROKEN_REDIR | CLIENT_TRACKING_BCAST | CLIENT_TRACKING_OPTIN |
                  CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_NOLOOP);
    c->tracking_redir = redir;
    if (opts & TRACKING_BCAST) {
        c->flags |= CLIENT_TRACKING_BCAST;
        if (!nprefix) prefix_add(c, "", 0);
        for (int i = 0; i < nprefix; i++) prefix_add(c, prefix[i].ptr, prefix[i].len);
    }
    if (opts & TRACKING_OPTIN) c->flags |= CLIENT_TRACKING_OPTIN;
    if (opts & TRACKING_OPTOUT) c->flags |= CLIENT_TRACKING_OPTOUT;
    if (opts & TRACKING_NOLOOP) c->flags |= CLIENT_TRACKING_NOLOOP;
    return 0;
}

void tracking_disable(client_t *c)
{
    if (c->tstate) {
        for (int i = 0; i < c->tstate->n; i++) {
            prefix_drop_client(c->tstate->p[i].ptr, c->tstate->p[i].len, c->id);
            mem_free((void *)c->tstate->p[i].ptr);
        }
        mem_free(c->tstate->p);
        mem_free(c->tstate);
        c->tstate = NULL;
    }
    if (c->flags & CLIENT_TRACKING) ntracking--;
    c->flags &= ~(CLIENT_TRACKING | CLIENT_TRACKING_BROKEN_REDIR | CLIENT_TRACKING_BCAST |
                  CLIENT_TRACKING_OPTIN | CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_NOLOOP |
                  CLIENT_TRACKING_CACHING);
}

const md_arg_t *tracking_prefixes(const client_t *c, int *n)
{
    *n = c->tstate ? c->tstate->n : 0;
    return c->tstate ? c->tstate->p : NULL;
}

void tracking_command_begin(client_t *c)
{
    current = c;
    current_id = c->id;
}

/* After a read-only command: remember its keys for c (Redis's
 * trackingRememberKeys, with OPTIN/OPTOUT's CACHING rule). */
static void remember(client_t *c, const cmd_t *cmd)
{
    int optin = !!(c->flags & CLIENT_TRACKING_OPTIN), optout = !!(c->flags & CLIENT_TRACKING_OPTOUT);
    int given = !!(c->flags & CLIENT_TRACKING_CACHING);
    if ((optin && !given) || (optout && given)) return;
    if (!c->argc) return;
    cmd_keyref_t *refs = mem_alloc(sizeof(*refs) * (size_t)c->argc);
    int n = cmd_get_keys(cmd, c->argc, c->argv, refs, c->argc);
    for (int i = 0; i < n; i++)
        if (!(refs[i].flags & KSF_NOT_KEY))
            key_remember(c->argv[refs[i].pos].ptr, c->argv[refs[i].pos].len, c->id);
    mem_free(refs);
    tracking_limit();
}

void tracking_after_call(client_t *c, const cmd_t *cmd)
{
    if ((cmd->flags & CMD_READONLY) && (c->flags & CLIENT_TRACKING) &&
        !(c->flags & CLIENT_TRACKING_BCAST))
        remember(c, cmd);
}

void tracking_command_done(client_t *c, int keep_caching)
{
    if (!keep_caching) c->flags &= ~CLIENT_TRACKING_CACHING;
    current = NULL;
    if (!nlater) return;
    client_t *me = client_by_id(current_id);
    for (int i = 0; i < nlater; i++) {
        if (me) {
            if (later[i].key) send_key(me, later[i].key, later[i].len);
            else send_null(me);
        }
        mem_free(later[i].key);
    }
    nlater = 0;
}

void tracking_flush(void)
{
    if (ntracking)
        for (client_t *c = client_first(); c; c = c->next_all) {
            if (!(c->flags & CLIENT_TRACKING)) continue;
            if (c == current) later_add(NULL, 0, 1);
            else send_null(c);
        }
    if (tab) {
        for (size_t i = 0; i <= tab_mask; i++)
            while (tab[i]) key_drop(&tab[i]);
    }
}

void tracking_limit(void)
{
    if (!srv.tracking_table_max_keys || !tab) return;
    /* shed keys (sending their invalidations) from a moving point, as
     * Redis evicts random ones */
    static size_t at;
    while (nkeys > (size_t)srv.tracking_table_max_keys) {
        at &= tab_mask;
        if (!tab[at]) {
            at++;
            continue;
        }
        tkey_t *k = tab[at];
        char *key = mem_alloc(k->len ? k->len : 1);
        size_t len = k->len;
        memcpy(key, k->key, len);
        invalidate(key, len, 0);
        mem_free(key);
    }
}

size_t tracking_clients(void) { return ntracking; }
size_t tracking_total_keys(void) { return nkeys; }
size_t tracking_total_items(void) { return items; }
size_t tracking_total_prefixes(void) { return (size_t)nprefixes; }

void tracking_client_gone(client_t *c)
{
    tracking_disable(c);
    if (c == current) current = NULL;
}
