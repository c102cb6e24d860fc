/*
 * propagate.c — per-call propagation records and execution units. See
 * propagate.h.
 *
 * One list holds the records of the running unit in the order they were
 * made. prop_begin() remembers the list's tail for the new call (`mark`):
 * the records after it are that call's, or those of calls nested in it
 * (which joined it when they ended), so prop_flush() resolves exactly the
 * records after the mark. Records own copies of their arguments, except a
 * verbatim record of the outermost call, which borrows the call's argv
 * until the unit goes out right after.
 */
#include "propagate.h"
#include "mem.h"
#include "server.h"

#include <string.h>

#define MAX_SINKS 4
#define MAX_LEVEL 64            /* deeper calls share the last slot's state */

static prop_sink_fn sinks[MAX_SINKS];
static int nsinks;

typedef struct rec {
    struct rec *next;
    int dbid;                /* -1: the db of the call that flushes it */
    int verbatim;            /* the call's argv, not owned (yet) */
    int keep;                /* a deletion: propagated even by a dropping call */
    int argc;
    md_arg_t *argv;
} rec_t;

typedef struct rec_list {
    rec_t *head, *tail;
    int n;
} rec_list_t;

/* What each call in progress knows about itself. */
typedef struct level {
    rec_t *mark;             /* the unit's tail when the call began */
    int custom;              /* md_replicate was used: no default record */
    int drop;                /* records made inside it are discarded */
} level_t;

static rec_list_t unit;      /* the running unit's records, in order */
static level_t levels[MAX_LEVEL + 1];
static int depth;            /* calls in progress */

static level_t *cur(void) { return &levels[depth < MAX_LEVEL ? depth : MAX_LEVEL]; }

void prop_add_sink(prop_sink_fn fn)
{
    if (nsinks < MAX_SINKS) sinks[nsinks++] = fn;
}

int prop_active(void) { return nsinks > 0; }

static void push(rec_t *r)
{
    r->next = NULL;
    if (unit.tail) unit.tail->next = r;
    else unit.head = r;
    unit.tail = r;
    unit.n++;
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

static void rec_free(rec_t *r)
{
    if (!r->verbatim) {
        for (int i = 0; i < r->argc; i++) mem_free((void *)r->argv[i].ptr);
        mem_free(r->argv);
    }
    mem_free(r);
}

static void record(int dbid, int keep, int argc, const md_arg_t *argv)
{
    rec_t *r = mem_calloc(sizeof(*r));
    r->dbid = dbid;
    r->keep = keep;
    r->argc = argc;
    r->argv = copy_argv(argc, argv);
    push(r);
}

void prop_begin(int drop)
{
    int outer_drop = depth > 0 && cur()->drop;
    depth++;
    level_t *l = cur();
    l->mark = unit.tail;
    l->custom = 0;
    l->drop = drop || outer_drop;
}

void prop_record(int argc, const md_arg_t *argv)
{
    if (!depth) return;
    cur()->custom = 1;
    if (nsinks && !cur()->drop) record(-1, 0, argc, argv);
}

static void emit(int dbid, int argc, const md_arg_t *argv)
{
    for (int s = 0; s < nsinks; s++) sinks[s](dbid, argc, argv);
}

void prop_record_also(int dbid, int argc, const md_arg_t *argv)
{
    if (!nsinks || srv.loading) return;
    if (!depth) emit(dbid, argc, argv);
    else record(dbid, 1, argc, argv);
}

void prop_record_verbatim(void)
{
    if (!depth) return;
    cur()->custom = 1;
    if (!nsinks || cur()->drop) return;
    rec_t *r = mem_calloc(sizeof(*r));
    r->dbid = -1;
    r->verbatim = 1;
    push(r);
}

/* Hand a whole unit to the sinks, wrapped when it holds several commands
 * (MULTI takes the first command's db, so its SELECT comes first). */
static void emit_unit(void)
{
    static const md_arg_t multi = {"MULTI", 5}, exec = {"EXEC", 4};
    if (unit.n > 1) emit(unit.head->dbid, 1, &multi);
    for (rec_t *r = unit.head; r; r = r->next) emit(r->dbid, r->argc, r->argv);
    if (unit.n > 1) emit(-1, 1, &exec);
}

/* Resolve the records after `mark` for a call in db `dbid` with `argv`:
 * drop them (all, or all but deletions), give them the db, and the argv
 * to verbatim ones — borrowed when the unit goes out at once (`last`). */
static void resolve(rec_t *mark, int drop_all, int drop, int dbid, int argc,
                    const md_arg_t *argv, int last)
{
    rec_t **pp = mark ? &mark->next : &unit.head;
    rec_t *prev = mark;
    while (*pp) {
        rec_t *r = *pp;
        if (drop_all || (drop && !r->keep) || (r->verbatim && !argc)) {
            *pp = r->next;
            unit.n--;
            rec_free(r);
            continue;
        }
        if (r->dbid < 0) r->dbid = dbid;
        if (r->verbatim) {
            r->argc = argc;
            r->argv = last ? (md_arg_t *)argv : copy_argv(argc, argv);
            r->verbatim = last;
        }
        prev = r;
        pp = &r->next;
    }
    unit.tail = prev;
}

void prop_flush(int dbid, int argc, const md_arg_t *argv, int dirty)
{
    if (!depth) return;
    level_t *l = cur();
    int last = depth == 1;
    int drop_all = !nsinks || srv.loading;
    if (!drop_all && !l->custom && dirty && argc && !l->drop) {
        if (last && !unit.head) {
            /* The usual write: its own argv alone, nothing to hold or wrap. */
            depth--;
            emit(dbid, argc, argv);
            return;
        }
        rec_t *r = mem_calloc(sizeof(*r));
        r->dbid = -1;
        r->verbatim = 1;
        push(r);
    }
    resolve(l->mark, drop_all, l->drop, dbid, argc, argv, last);
    depth--;
    if (!last) return;
    if (unit.n) emit_unit();
    while (unit.head) {
        rec_t *n = unit.head->next;
        rec_free(unit.head);
        unit.head = n;
    }
    unit = (rec_list_t){0};
}
