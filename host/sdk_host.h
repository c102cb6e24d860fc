/*
 * sdk_host.h — lets host code use the SDK's own static inline wrappers
 * (md_reply_int, md_key_open, ...) exactly as modules do: inside the host
 * they dispatch through the host's API table, with no owning module.
 * Host headers include this instead of modis.h so the mapping is always
 * in force before modis.h is first seen.
 */
#ifndef MODIS_SDK_HOST_H
#define MODIS_SDK_HOST_H

#define md__api sdk_host_api
#define md__self sdk_host_self
#include "../sdk/modis.h"

#endif
