/*
 * hashes_service.h — the "hash.v1" service table (hashes_service.c).
 */
#ifndef HASHES_SERVICE_H
#define HASHES_SERVICE_H

#include "modis.h"

/* Export hash.v1 (after the type is registered): MD_OK or MD_ERR. */
int hashes_service_export(void) MD_HIDDEN;

#endif /* HASHES_SERVICE_H */
