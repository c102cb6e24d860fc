/*
 * evict.h — maxmemory enforcement, as Redis's performEvictions: before a
 * command runs, keys are evicted by maxmemory-policy until used memory is
 * below maxmemory. LRU, LFU and TTL policies sample maxmemory-samples keys
 * of every db into a pool of the 16 best candidates kept across rounds;
 * the random policies take a random key of each db in turn. One run is
 * limited in time by maxmemory-eviction-tenacity; when the limit cuts it,
 * the command is let through and the cron goes on evicting.
 */
#ifndef MODIS_EVICT_H
#define MODIS_EVICT_H

/* 0 when memory is (now) below maxmemory or eviction is under way, -1
 * when nothing more can be evicted (noeviction, or no candidate). */
int evict_perform(void);
/* From the cron: go on with an eviction the time limit cut. */
void evict_cron(void);

#endif
