/*
 * dtoa.h — doubles as Redis 7.4 prints them (dtoa.c): the formatter
 * behind md_d2str() and every double reply.
 */
#ifndef MODIS_DTOA_H
#define MODIS_DTOA_H

#include <limits.h>
#include <stddef.h>

/* Enough for any result, NUL included. */
#define DTOA_BUF 32

/* Write d into buf (NUL-ended) as Redis's d2string(): "nan", "inf",
 * "-inf", "0", "-0", integral values with |d| <= 2^62 as integers, the
 * rest as fpconv_dtoa()'s Grisu2 digits and layout. Returns the length,
 * or 0 when it does not fit in cap bytes. */
int dtoa_redis(double d, char *buf, size_t cap);

#endif
