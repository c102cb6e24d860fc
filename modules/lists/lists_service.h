/*
 * lists_service.h — the "list.v1" service table (lists_service.c).
 */
#ifndef LISTS_SERVICE_H
#define LISTS_SERVICE_H

#include "modis.h"

/* Export list.v1 (after the type is registered): MD_OK or MD_ERR. */
int lists_service_export(void) MD_HIDDEN;

#endif /* LISTS_SERVICE_H */
