/*
 * sdk_abi.h — checks on the SDK's binary layout (see sdk_abi.c): the
 * compile-time assertions live in sdk_abi.c; this is the run-time one.
 */
#ifndef MODIS_SDK_ABI_H
#define MODIS_SDK_ABI_H

#include "sdk_host.h"

/* The index of the first NULL entry of the API table (entry 0 = alloc),
 * or -1 when every slot up to api->size is filled. */
long sdk_abi_first_empty(const md_api_t *api);

#endif
