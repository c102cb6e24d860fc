/*
 * streams.h — what the streams module's files share: the type slot.
 */
#ifndef STREAMS_H
#define STREAMS_H

#include "modis.h"

extern md_type_t *streams_type;

#endif /* STREAMS_H */
