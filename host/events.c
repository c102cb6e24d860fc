/*
 * events.c — see events.h.
 */
#include "events.h"

#include <string.h>

static events_sink_fn sink;

void events_set_sink(events_sink_fn fn) { sink = fn; }

void events_fire(int event, int sub, md_event_t *e)
{
    md_event_t none;
    if (!sink) return;
    if (!e) {
        memset(&none, 0, sizeof(none));
        e = &none;
    }
    e->size = sizeof(*e);
    e->event = event;
    e->sub = sub;
    sink(e);
}
