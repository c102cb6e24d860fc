/*
 * zsets_service.h — the "zset.v1" service table (zsets_service.c).
 */
#ifndef ZSETS_SERVICE_H
#define ZSETS_SERVICE_H

#include "modis.h"

/* Export zset.v1 (after the type is registered): MD_OK or MD_ERR. */
int zsets_service_export(void) MD_HIDDEN;

#endif /* ZSETS_SERVICE_H */
