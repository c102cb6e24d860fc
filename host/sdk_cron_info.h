/*
 * sdk_cron_info.h — the host side of the SDK's periodic-work section:
 * running the cron hooks modules registered (md_cron_register), each with
 * a context bound to the internal client (no socket), so modules use the
 * ordinary key API.
 */
#ifndef MODIS_SDK_CRON_INFO_H
#define MODIS_SDK_CRON_INFO_H

#include "sdk_host.h"

/* Run every registered module cron hook (from the server cron). */
void sdk_cron_run(void);
/* Forget the cron hooks of a module being unloaded. */
void sdk_cron_forget(md_module_t *m);
/* Give `from`'s hooks to `to` (MODULE UPGRADE parks them under a tag). */
void sdk_cron_retag(md_module_t *from, md_module_t *to);

#endif
