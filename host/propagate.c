/*
 * propagate.c — per-call propagation records and execution units. See
 * propagate.h. Records own copies of their arguments until flushed, except
 * verbatim ones, which borrow the call's argv until its flush (and are
 * copied there when the unit goes on).
 */
#include "propagate.h"
#include "mem.h"
#include "server.h"

#include <string.h>

#define MAX_SINKS 4

static prop_sink_fn sinks[MAX_SINKS];
static int nsinks;

typedef struct rec {
    struct rec *next;
    int dbid;                /* -1: the db of the call that flushes it */
    int verbatim;            /* argv is the call's, not owned (yet) */
    int argc;
    md_arg_t *argv;
} rec_t;

typedef struct rec_list {
    rec_t *head, *tail;
    int n;
} rec_list_t;

static rec_list_t call;      /* this call's records */
static rec_list_t unit;      /* records of finished nested calls */
static int custom;           /* md_replicate was used: no default verbatim record */

void prop_add_sink(prop_sink_fn fn)
{
    if (nsinks < MAX_SINKS) sinks[nsinks++] = fn;
}

int prop_active(void) { return nsinks > 0; }

static void push(rec_list_t *l, rec_t *r)
{
    r->next = NULL;
    if (l->tail) l->tail->next = r;
    else l->head = r;
    l->tail = r;
    l->n++;
}

/* Move every record of `from` to the end of `to`. */
static void splice(rec_list_t *to, rec_list_t *from)
{
    if (!from->head) return;
    if (to->tail) to->tail->next = from->head;
    else to->head = from->head;
    to->tail = from->tail;
    to->n += from->n;
    *from = (rec_list_t){0};
}

static md_arg_t *copy_argv(int argc, const md_arg_t *argv)
{
    md_arg_t *v = mem_alloc((size_t)argc * sizeof(md_arg_t));
    for (int i = 0; i < argc; i++) {
        char *p = mem_alloc(argv[i].len + 1);
        memcpy(p, argv[i].ptr, argv[i].len);
        v[i].ptr = p;
        v[i].len = argv[i].len;
    }
    return v;
}

static void record(int dbid, int argc, const md_arg_t *argv)
{
    rec_t *r = mem_calloc(sizeof(*r));
    r->dbid = dbid;
    r->argc = argc;
    r->argv = copy_argv(argc, argv);
    push(&call, r);
}

void prop_record(int argc, const md_arg_t *argv)
{
    custom = 1;
    if (nsinks) record(-1, argc, argv);
}

void prop_record_also(int dbid, int argc, const md_arg_t *argv)
{
    if (nsinks) record(dbid, argc, argv);
}

void prop_record_verbatim(void)
{
    custom = 1;
    if (!nsinks) return;
    rec_t *r = mem_calloc(sizeof(*r));
    r->dbid = -1;
    r->verbatim = 1;
    push(&call, r);
}

static void list_free(rec_list_t *l)
{
    while (l->head) {
        rec_t *n = l->head->next;
        if (!l->head->verbatim) {
            for (int i = 0; i < l->head->argc; i++) mem_free((void *)l->head->argv[i].ptr);
            mem_free(l->head->argv);
        }
        mem_free(l->head);
        l->head = n;
    }
    *l = (rec_list_t){0};
}

static void emit(int dbid, int argc, const md_arg_t *argv)
{
    for (int s = 0; s < nsinks; s++) sinks[s](dbid, argc, argv);
}

/* Hand a whole unit to the sinks, wrapped when it holds several commands
 * (MULTI takes the first command's db, so its SELECT comes first). */
static void emit_unit(rec_list_t *l)
{
    static const md_arg_t multi = {"MULTI", 5}, exec = {"EXEC", 4};
    if (l->n > 1) emit(l->head->dbid, 1, &multi);
    for (rec_t *r = l->head; r; r = r->next) emit(r->dbid, r->argc, r->argv);
    if (l->n > 1) emit(-1, 1, &exec);
}

void prop_flush(int dbid, int argc, const md_arg_t *argv, int dirty)
{
    if (!nsinks || srv.loading) {
        list_free(&call);
        if (!srv.in_command) list_free(&unit);
        custom = 0;
        return;
    }
    int verbatim = !custom && dirty && argc;
    if (verbatim && !call.head && !unit.head && !srv.in_command) {
        /* The usual write: its own argv alone, nothing to hold or wrap. */
        custom = 0;
        emit(dbid, argc, argv);
        return;
    }
    if (verbatim) {
        rec_t *r = mem_calloc(sizeof(*r));
        r->dbid = -1;
        r->verbatim = 1;
        push(&call, r);
    }
    custom = 0;
    /* Resolve this call's records: its db, its argv (a verbatim request
     * from a call without argv, such as a cron hook, has nothing to send). */
    rec_list_t done = {0};
    while (call.head) {
        rec_t *r = call.head;
        call.head = r->next;
        if (r->dbid < 0) r->dbid = dbid;
        if (r->verbatim) {
            if (!argc) {
                mem_free(r);
                continue;
            }
            r->argc = argc;
            r->argv = (md_arg_t *)argv;
        }
        push(&done, r);
    }
    call = done;
    if (srv.in_command) {
        /* Nested: the argv goes away with this call; keep copies. */
        for (rec_t *r = call.head; r; r = r->next) {
            if (!r->verbatim) continue;
            r->argv = copy_argv(argc, argv);
            r->verbatim = 0;
        }
        splice(&unit, &call);
        return;
    }
    splice(&unit, &call);
    if (unit.n) emit_unit(&unit);
    list_free(&unit);
}
