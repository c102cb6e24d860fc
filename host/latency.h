/*
 * latency.h — the latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/
 * DOCTOR): for each event class ("command", "fast-command",
 * "expire-cycle", "eviction-cycle", "eviction-del"...), the last 160
 * samples of at least latency-monitor-threshold milliseconds, one per
 * second at most (the highest of that second), and the all-time maximum.
 */
#ifndef MODIS_LATENCY_H
#define MODIS_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include "reply.h"

#define LATENCY_SAMPLES 160

typedef struct latency_sample {
    int64_t time;    /* unix seconds */
    uint32_t ms;
} latency_sample_t;

/* Record `ms` for `event` when monitoring is on and it reaches the
 * threshold. */
void latency_add(const char *event, uint64_t ms);

/* The events in the order they first appeared; NULL past the last. */
const char *latency_event(int i);
/* An event's samples, oldest first (count in *n), latest and max; -1
 * when the event has none. */
int latency_samples(const char *event, latency_sample_t *out, int *n, uint32_t *max);
/* Forget the named events (all when n is 0); returns how many were known. */
int latency_reset(const char *const *names, const size_t *lens, int n);

#endif
