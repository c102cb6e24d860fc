/*
 * sdk_random.h — the process's random generator (sdk_random.c), the
 * source of md_rand() and of the SDK hash table's random elements.
 */
#ifndef MODIS_SDK_RANDOM_H
#define MODIS_SDK_RANDOM_H

#include <stdint.h>

struct md_api;
/* The next 64 random bits; seeds itself from the system on first use. */
uint64_t sdk_random64(void);
/* Make the stream repeatable (unit tests). */
void sdk_random_seed(uint64_t seed);
void sdk_api_fill_random(struct md_api *a);

#endif
