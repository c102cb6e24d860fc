/*
 * crc64.h — CRC-64/Jones, the checksum of RDB files and DUMP payloads.
 *
 * Parameters (as in Redis): polynomial 0xad93d23594c935a9, reflected input
 * and output (so the table works with 0x95ac9329ac4bc9b5), initial value 0,
 * no final xor. Check value: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
 *
 * The function is incremental: crc64(crc64(0, a, n), b, m) equals the CRC of
 * a followed by b. It is thread-safe; the lookup tables are built once, on
 * first use.
 */
#ifndef PERSIST_CRC64_H
#define PERSIST_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Extends `crc` (0 for a fresh checksum) over the n bytes at p. */
uint64_t crc64(uint64_t crc, const void *p, size_t n);

#endif
