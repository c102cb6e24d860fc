/*
 * lathist.h — a latency histogram for latency-tracking's per-command
 * percentiles (INFO latencystats, LATENCY HISTOGRAM), with the buckets of
 * Redis's HdrHistogram (two significant digits: exact below 256, then 128
 * buckets per power of two), so the figures read as Redis's. Values are
 * nanoseconds from 1 to 10^9 (outside, clamped as Redis does).
 */
#ifndef MODIS_LATHIST_H
#define MODIS_LATHIST_H

#include <stdint.h>

typedef struct lathist lathist_t;

lathist_t *lathist_new(void);
void lathist_free(lathist_t *h);
void lathist_record(lathist_t *h, uint64_t ns);
uint64_t lathist_count(const lathist_t *h);
/* The value at percentile p (0..100): the top of the bucket holding it. */
uint64_t lathist_percentile(const lathist_t *h, double p);
/* LATENCY HISTOGRAM's steps: for the k-th power of two from 1024 ns on,
 * the top of its bucket and how many values are at most that; 0 past the
 * range (the caller stops once every value is counted). */
int lathist_step(const lathist_t *h, int k, uint64_t *top, uint64_t *cumulative);

#endif
