/*
 * propagate.c — per-call propagation records. Records own copies of their
 * arguments until flushed. With no sink registered, recording is a no-op
 * and flushing only clears state.
 */
#include "propagate.h"
#include "mem.h"

#include <string.h>

#define MAX_SINKS 4

static prop_sink_fn sinks[MAX_SINKS];
static int nsinks;

typedef struct rec {
    struct rec *next;
    int verbatim;
    int argc;
    md_arg_t *argv;
} rec_t;

static rec_t *head, *tail;
static int custom;   /* md_replicate was used: no default verbatim record */

void prop_add_sink(prop_sink_fn fn)
{
    if (nsinks < MAX_SINKS) sinks[nsinks++] = fn;
}

int prop_active(void) { return nsinks > 0; }

static void push(rec_t *r)
{
    r->next = NULL;
    if (tail) tail->next = r;
    else head = r;
    tail = r;
}

static void record(int argc, const md_arg_t *argv)
{
    rec_t *r = mem_calloc(sizeof(*r));
    r->argc = argc;
    r->argv = mem_alloc((size_t)argc * sizeof(md_arg_t));
    for (int i = 0; i < argc; i++) {
        char *p = mem_alloc(argv[i].len + 1);
        memcpy(p, argv[i].ptr, argv[i].len);
        r->argv[i].ptr = p;
        r->argv[i].len = argv[i].len;
    }
    push(r);
}

void prop_record(int argc, const md_arg_t *argv)
{
    custom = 1;
    if (nsinks) record(argc, argv);
}

void prop_record_also(int argc, const md_arg_t *argv)
{
    if (nsinks) record(argc, argv);
}

void prop_record_verbatim(void)
{
    custom = 1;
    if (!nsinks) return;
    rec_t *r = mem_calloc(sizeof(*r));
    r->verbatim = 1;
    push(r);
}

void prop_flush(int dbid, int argc, const md_arg_t *argv, int dirty)
{
    if (nsinks) {
        for (rec_t *r = head; r; r = r->next)
            for (int s = 0; s < nsinks; s++)
                sinks[s](dbid, r->verbatim ? argc : r->argc,
                         r->verbatim ? argv : r->argv);
        if (!custom && dirty && argc) {
            for (int s = 0; s < nsinks; s++) sinks[s](dbid, argc, argv);
        }
    }
    while (head) {
        rec_t *n = head->next;
        for (int i = 0; i < head->argc; i++) mem_free((void *)head->argv[i].ptr);
        mem_free(head->argv);
        mem_free(head);
        head = n;
    }
    tail = NULL;
    custom = 0;
}
