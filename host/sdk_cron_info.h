/*
 * sdk_extra.h — the SDK's service sections for periodic work: module cron
 * hooks, module INFO fields, and running a type's sub-key expiry from the
 * host's active expiry cycle. Each runs module code with a context bound
 * to an internal client (no socket), so modules use the ordinary key API.
 */
#ifndef MODIS_SDK_EXTRA_H
#define MODIS_SDK_EXTRA_H

#include "ks.h"
#include "sdk_host.h"

/* Run every registered module cron hook (from the server cron). */
void sdk_cron_run(void);
/* Let each module add its fields to INFO `section`; `emit` appends one
 * "name:value" line. */
typedef void (*sdk_info_emit_fn)(void *out, const char *name, const char *value);
void sdk_info_section(const char *section, sdk_info_emit_fn emit, void *out);
/* Names of module-defined INFO sections (NULL-terminated iteration). */
const char *sdk_info_extra_section(int i);
/* Forget registrations of a module being unloaded. */
void sdk_extra_forget(md_module_t *m);

#endif
