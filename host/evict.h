/*
 * evict.h — maxmemory enforcement: evict keys by maxmemory-policy until
 * used memory is below maxmemory, before a command runs.
 */
#ifndef MODIS_EVICT_H
#define MODIS_EVICT_H

/* 0 when memory is (now) below maxmemory, -1 when it cannot be freed. */
int evict_perform(void);

#endif
