/*
 * cs_type.h — the callbacks of the "countset" type: the host calls them
 * to free, copy, measure, digest, name the encoding of, persist and
 * AOF-rewrite a value.
 */
#ifndef CS_TYPE_H
#define CS_TYPE_H

#include "modis.h"

extern const md_type_ops_t cs_type_ops MD_HIDDEN;

#endif /* CS_TYPE_H */
