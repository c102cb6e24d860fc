/*
 * sdk_events.c — the SDK's section for server events: modules subscribe
 * to MD_EVENT_* events (events.h delivers them here) and to keyspace
 * events by class (notify.c's module listener), and register the hook that
 * may refuse MODULE UNLOAD. Callbacks run as module code outside a command
 * (sdk_ctx_run with the internal client); what they propagate joins the
 * running command's unit.
 *
 * Invariants: a subscription is never called while it runs already (an
 * event its own callback causes is not delivered to it, as Redis does);
 * subscriptions removed while events are being delivered are only marked
 * dead and freed once no delivery is in progress, so a callback may
 * (un)subscribe freely. A module's subscriptions go when it does
 * (sdk_events_forget, installed by hooks.c).
 */
#include "events.h"
#include "mem.h"
#include "module.h"
#include "notify.h"
#include "sdk_ctx.h"
#include "sdk_events.h"

typedef struct sub {
    struct sub *next;
    md_module_t *m;
    int event;               /* MD_EVENT_*, or 0 for a keyspace subscription */
    int classes;             /* keyspace: MD_NOTIFY_* bits */
    md_event_fn on_event;
    md_keyspace_fn on_key;
    int active, dead;
} sub_t;

static sub_t *subs;          /* in subscription order */
static int delivering;       /* deliveries in progress */

/* Free dead subscriptions when nothing is delivered; tell notify.c which
 * classes are wanted. */
static void sweep(void)
{
    int classes = 0;
    sub_t **pp = &subs;
    while (*pp) {
        sub_t *s = *pp;
        if (s->dead && !delivering) {
            *pp = s->next;
            mem_free(s);
            continue;
        }
        if (!s->dead && !s->event) classes |= s->classes;
        pp = &s->next;
    }
    notify_set_module_listener(classes ? sdk_events_keyspace : NULL, classes);
}

static void add(md_module_t *m, int event, int classes, md_event_fn fe, md_keyspace_fn fk)
{
    sub_t *s = mem_calloc(sizeof(*s));
    s->m = m;
    s->event = event;
    s->classes = classes;
    s->on_event = fe;
    s->on_key = fk;
    sub_t **pp = &subs;
    while (*pp) pp = &(*pp)->next;
    *pp = s;
}

typedef struct delivery {
    sub_t *s;
    const md_event_t *e;
    int cls;
    const char *name;
    md_arg_t key;
} delivery_t;

static void run_one(md_ctx_t *ctx, void *arg)
{
    delivery_t *d = arg;
    if (d->e) d->s->on_event(ctx, d->e);
    else d->s->on_key(ctx, d->cls, d->name, d->key);
}

/* Call every live subscription that matches, each at most once at a time. */
static void deliver(delivery_t *d, int dbid)
{
    delivering++;
    for (sub_t *s = subs; s; s = s->next) {
        if (s->dead || s->active) continue;
        if (d->e ? s->event != d->e->event : !(s->classes & d->cls)) continue;
        d->s = s;
        s->active = 1;
        sdk_ctx_run(NULL, NULL, dbid, run_one, d);
        s->active = 0;
    }
    delivering--;
    if (!delivering) sweep();
}

static void on_event(const md_event_t *e)
{
    delivery_t d = {.e = e};
    int dbid = e->event == MD_EVENT_FLUSH && e->dbid >= 0 ? e->dbid : 0;
    deliver(&d, dbid);
}

void sdk_events_keyspace(int cls, const char *event, const char *key, size_t klen, int dbid)
{
    delivery_t d = {.cls = cls, .name = event, .key = {key, klen}};
    deliver(&d, dbid);
}

static int x_event_subscribe(md_module_t *m, int event, md_event_fn fn)
{
    if (!m || event < MD_EVENT_FLUSH || event > MD_EVENT_FORK_CHILD) return MD_ERR;
    for (sub_t *s = subs; s; s = s->next)
        if (s->m == m && s->event == event && !s->dead) s->dead = 1;
    if (fn) {
        events_set_sink(on_event);
        add(m, event, 0, fn, NULL);
    }
    sweep();
    return MD_OK;
}

static int x_keyspace_subscribe(md_module_t *m, int classes, md_keyspace_fn fn)
{
    if (!m || !fn || !classes) return MD_ERR;
    add(m, 0, classes, NULL, fn);
    sweep();
    return MD_OK;
}

static int x_keyspace_unsubscribe(md_module_t *m, int classes, md_keyspace_fn fn)
{
    int found = 0;
    for (sub_t *s = subs; s; s = s->next) {
        if (s->m == m && !s->event && !s->dead && s->on_key == fn && s->classes == classes) {
            s->dead = 1;
            found = 1;
        }
    }
    sweep();
    return found ? MD_OK : MD_ERR;
}

void sdk_events_forget(md_module_t *m)
{
    for (sub_t *s = subs; s; s = s->next)
        if (s->m == m) s->dead = 1;
    sweep();
}

void sdk_events_retag(md_module_t *from, md_module_t *to)
{
    for (sub_t *s = subs; s; s = s->next)
        if (s->m == from) s->m = to;
}

static int x_on_unload(md_module_t *m, md_unload_fn fn)
{
    if (!m || !m->in_init) return MD_ERR;
    m->on_unload = fn;
    return MD_OK;
}

void sdk_api_fill_events(md_api_t *a)
{
    a->event_subscribe = x_event_subscribe;
    a->keyspace_subscribe = x_keyspace_subscribe;
    a->keyspace_unsubscribe = x_keyspace_unsubscribe;
    a->on_unload = x_on_unload;
}
