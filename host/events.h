/*
 * events.h — server events for modules (md_event_subscribe): every layer
 * fires them from where they happen (a flush, a load, a fork, a client,
 * a module, the cron), and the SDK layer, which keeps the subscriptions,
 * installs the one sink that delivers them. Before that, or without
 * subscribers, firing costs a call and a test.
 */
#ifndef MODIS_EVENTS_H
#define MODIS_EVENTS_H

#include "sdk_host.h"

typedef void (*events_sink_fn)(const md_event_t *e);
void events_set_sink(events_sink_fn fn);

/* Fire MD_EVENT_* `event` with sub-event `sub`; `e` carries the event's
 * data (NULL: none) and gets its size, event and sub set here. */
void events_fire(int event, int sub, md_event_t *e);

#endif
