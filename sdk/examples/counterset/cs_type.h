/*
 * cs_type.h — the callbacks of the "countset" type: the host calls them
 * to free, copy, measure, digest, name the encoding of, persist and
 * AOF-rewrite a value.
 */
#ifndef CS_TYPE_H
#define CS_TYPE_H

#include "modis.h"

extern const md_type_ops_t cs_type_ops MD_HIDDEN;

/* Redis's moduleTypeEncodeId(): 9 name characters, 6 bits each, then the
 * 10-bit encoding version. 0 when the name is not 9 valid characters or
 * encver > 1023. */
uint64_t cs_module_type_id(const char *name9, unsigned encver) MD_HIDDEN;

#endif /* CS_TYPE_H */
