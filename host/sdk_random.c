/*
 * sdk_random.c — the process's random generator behind md_rand() (1.2):
 * xoshiro256** (md_rng_next() of modis.h) seeded once from getrandom(),
 * or by sdk_random_seed(). Used from the main thread only.
 */
#include "../sdk/modis.h"
#include "sdk_random.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static md_rng_t rng;
static int seeded;

void sdk_random_seed(uint64_t seed)
{
    md_rng_seed(&rng, seed);
    seeded = 1;
}

/* The system's entropy; the clock and pid if getrandom() is unavailable. */
static void seed_from_system(void)
{
    uint64_t s;
    if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    }
    sdk_random_seed(s);
}

uint64_t sdk_random64(void)
{
    if (!seeded) seed_from_system();
    return md_rng_next(&rng);
}

void sdk_api_fill_random(md_api_t *a) { a->rand64 = sdk_random64; }
