/*
 * sdk_subexpire.h — the host side of the SDK's sub-key expiry section:
 * letting a type expire the sub-keys (hash fields) whose TTL passed.
 */
#ifndef MODIS_SDK_SUBEXPIRE_H
#define MODIS_SDK_SUBEXPIRE_H

#include <stdint.h>

#include "ks.h"

/* Expire due sub-keys of `e` (db `db`) through its type's callbacks, run
 * with the internal client; returns 1 if e is gone. */
int sdk_subexpire_run(ks_db_t *db, ks_entry_t *e, int64_t now_ms);

#endif
