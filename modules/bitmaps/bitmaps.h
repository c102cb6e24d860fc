/*
 * bitmaps.h — what the bitmaps module's files share: the strings module's
 * "string.v1" service, imported once in md_init and read-only afterwards.
 * The module has no type of its own: a bitmap is a Redis string, created,
 * read and grown through that service, so GET, TYPE, DUMP and RDB see an
 * ordinary string.
 */
#ifndef BITMAPS_H
#define BITMAPS_H

#include "modis.h"

/* The string.v1 table; NULL until md_init imported it. */
extern const md_string_v1_t *bitmaps_str MD_HIDDEN;

#endif /* BITMAPS_H */
