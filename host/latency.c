/*
 * latency.c — see latency.h. Events are a small array searched by name
 * (Redis records a handful of classes); each keeps a ring of samples
 * whose slot `idx` is the next to write.
 */
#include "latency.h"
#include "mem.h"
#include "server.h"

#include <string.h>
#include <time.h>

#define MAX_EVENTS 64

typedef struct event {
    char name[48];
    latency_sample_t s[LATENCY_SAMPLES];
    int idx;
    uint32_t max;
} event_t;

static event_t *events[MAX_EVENTS];
static int nevents;

static event_t *find(const char *name, size_t len)
{
    for (int i = 0; i < nevents; i++)
        if (strlen(events[i]->name) == len && memcmp(events[i]->name, name, len) == 0)
            return events[i];
    return NULL;
}

void latency_add(const char *event, uint64_t ms)
{
    if (srv.latency_monitor_threshold <= 0 || ms < (uint64_t)srv.latency_monitor_threshold)
        return;
    event_t *e = find(event, strlen(event));
    if (!e) {
        if (nevents == MAX_EVENTS || strlen(event) >= sizeof(e->name)) return;
        e = mem_calloc(sizeof(*e));
        strcpy(e->name, event);
        events[nevents++] = e;
    }
    uint32_t v = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    int64_t now = (int64_t)time(NULL);
    if (v > e->max) e->max = v;
    latency_sample_t *prev = &e->s[(e->idx + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
    if (prev->time == now) { /* one sample per second: its highest */
        if (v > prev->ms) prev->ms = v;
        return;
    }
    e->s[e->idx].time = now;
    e->s[e->idx].ms = v;
    e->idx = (e->idx + 1) % LATENCY_SAMPLES;
}

const char *latency_event(int i) { return i < nevents ? events[i]->name : NULL; }

int latency_samples(const char *event, latency_sample_t *out, int *n, uint32_t *max)
{
    event_t *e = find(event, strlen(event));
    *n = 0;
    if (!e) return -1;
    for (int k = 0; k < LATENCY_SAMPLES; k++) {
        const latency_sample_t *s = &e->s[(e->idx + k) % LATENCY_SAMPLES];
        if (s->time) out[(*n)++] = *s;
    }
    *max = e->max;
    return 0;
}

int latency_reset(const char *const *names, const size_t *lens, int n)
{
    int count = 0;
    if (!n) {
        count = nevents;
        for (int i = 0; i < nevents; i++) mem_free(events[i]);
        nevents = 0;
        return count;
    }
    for (int j = 0; j < n; j++) {
        event_t *e = find(names[j], lens[j]);
        if (!e) continue;
        for (int i = 0; i < nevents; i++)
            if (events[i] == e) {
                memmove(events + i, events + i + 1, sizeof(*events) * (size_t)(nevents - i - 1));
                nevents--;
                break;
            }
        mem_free(e);
        count++;
    }
    return count;
}
