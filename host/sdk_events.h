/*
 * sdk_events.h — the host side of the SDK's server-events section: the
 * keyspace listener notify.c calls for module subscriptions, and
 * forgetting a module's subscriptions when it goes (hooks.c registers it
 * with module_on_forget()).
 */
#ifndef MODIS_SDK_EVENTS_H
#define MODIS_SDK_EVENTS_H

#include <stddef.h>

#include "sdk_host.h"

void sdk_events_keyspace(int cls, const char *event, const char *key, size_t klen, int dbid);
void sdk_events_forget(md_module_t *m);
/* Give `from`'s subscriptions to `to` (MODULE UPGRADE parks them). */
void sdk_events_retag(md_module_t *from, md_module_t *to);

#endif
