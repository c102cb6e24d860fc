/*
 * ks_hooks.h — what the keyspace needs from the rest of the server, as a
 * table of functions the server fills at start-up. This keeps ks.c free of
 * client, propagation and config knowledge (and testable alone).
 */
#ifndef MODIS_KS_HOOKS_H
#define MODIS_KS_HOOKS_H

#include <stdint.h>

struct ks_db;
struct ks_entry;
struct md_type;

typedef struct ks_hooks {
    int64_t (*now_ms)(void);            /* cached command time */
    int (*may_expire)(void);            /* 0 while loading, or on a replica */
    /* A key past its TTL that may not expire is hidden from this lookup
     * (a replica's clients; not its primary's stream). NULL: never. */
    int (*hide_expired)(void);
    /* 1 while CLIENT PAUSE holds expiry: an expired key reads as missing
     * but stays until the pause ends */
    int (*expire_paused)(void);
    void (*expired)(struct ks_db *db, struct ks_entry *e); /* before delete */
    void (*free_value)(struct md_type *t, void *value, int lazy);
    int (*lazy_expire)(void);           /* lazyfree-lazy-expire */
    int (*lfu)(void);                   /* maxmemory-policy is *-lfu */
    unsigned (*lfu_decay_time)(void);
    unsigned (*lfu_log_factor)(void);
} ks_hooks_t;

extern ks_hooks_t ks_hooks;

#endif
