/*
 * lathist.c — see lathist.h. Bucket of v: below 128, v itself; above,
 * the power of two e = msb(v) - 6 and the seven bits below the top one,
 * so a bucket spans 1/128 of its octave, as HdrHistogram's with two
 * significant digits.
 */
#include "lathist.h"
#include "mem.h"

#define SUB_BITS 7
#define SUB (1u << SUB_BITS)
#define MAX_VALUE 1000000000ull /* msb 29 */
#define NBUCKETS (SUB * (30 - SUB_BITS + 1))

struct lathist {
    uint64_t total;
    uint64_t n[NBUCKETS];
};

static int msb(uint64_t v) { return 63 - __builtin_clzll(v); }

static unsigned bucket_of(uint64_t v)
{
    if (v < SUB) return (unsigned)v;
    int e = msb(v) - SUB_BITS + 1; /* >= 1 */
    return (unsigned)e * SUB + (unsigned)((v >> (e - 1)) & (SUB - 1));
}

/* The lowest value of bucket b. */
static uint64_t bucket_low(unsigned b)
{
    if (b < SUB) return b;
    unsigned e = b / SUB, s = b % SUB;
    return ((uint64_t)(SUB + s)) << (e - 1);
}

static uint64_t bucket_high(unsigned b)
{
    return b + 1 < NBUCKETS ? bucket_low(b + 1) - 1 : UINT64_MAX;
}

lathist_t *lathist_new(void) { return mem_calloc(sizeof(lathist_t)); }
void lathist_free(lathist_t *h) { mem_free(h); }

void lathist_record(lathist_t *h, uint64_t ns)
{
    if (ns < 1) ns = 1;
    if (ns > MAX_VALUE) ns = MAX_VALUE;
    h->n[bucket_of(ns)]++;
    h->total++;
}

uint64_t lathist_count(const lathist_t *h) { return h->total; }

uint64_t lathist_percentile(const lathist_t *h, double p)
{
    if (!h->total) return 0;
    if (p > 100) p = 100;
    uint64_t want = (uint64_t)((p / 100.0) * (double)h->total + 0.5);
    if (want < 1) want = 1;
    uint64_t seen = 0;
    for (unsigned b = 0; b < NBUCKETS; b++) {
        seen += h->n[b];
        if (seen >= want) return bucket_high(b);
    }
    return 0;
}

int lathist_step(const lathist_t *h, int k, uint64_t *top, uint64_t *cumulative)
{
    if (k > 30) return 0;
    uint64_t level = 1024ull << k;
    unsigned upto = level > MAX_VALUE ? NBUCKETS - 1 : bucket_of(level);
    uint64_t c = 0;
    for (unsigned b = 0; b <= upto; b++) c += h->n[b];
    *top = bucket_high(upto);
    *cumulative = c;
    return 1;
}
