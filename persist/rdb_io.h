/*
 * rdb_io.h — the RDB byte-stream layer: Redis's primitive encodings (lengths,
 * strings with integer and LZF encodings, binary and text doubles, times,
 * opcodes) over one stream object that serves files, DUMP payloads and
 * sockets alike. The SDK's md_rdb_* functions and the host's RDB/AOF code sit
 * on top of it; what it writes is byte for byte what Redis writes.
 *
 * Invariants:
 *  - An rdb_io_t is either a writer or a reader, fixed by its init function.
 *  - `pos` counts the bytes written or consumed; `crc` is the CRC64 of all of
 *    them while `checksum` is on (it is on after init).
 *  - A reader never reads past the end of its input: when the input size is
 *    known (memory, regular files, callers that say so) every read is checked
 *    against it before anything is consumed or allocated.
 *  - Errors are sticky: the first failure records a message of the form
 *    "<what> at offset <n>: <detail>" and every later call returns -1 (or
 *    NULL) at once, so callers may check once at the end of a value.
 *  - Every function returns 0 on success and -1 on error unless its comment
 *    says otherwise. Nothing here aborts or logs.
 */
#ifndef PERSIST_RDB_IO_H
#define PERSIST_RDB_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The highest RDB version this code reads; Redis 7.4 writes 12, 7.2 writes
 * 11, 7.0 writes 10. Which version the host writes is the host's choice. */
#define RDB_VERSION 12

/* Length encoding: the two top bits of the first byte. */
#define RDB_6BITLEN 0
#define RDB_14BITLEN 1
#define RDB_32BITLEN 0x80
#define RDB_64BITLEN 0x81
#define RDB_ENCVAL 3
/* Special string encodings, the low 6 bits when the top bits are RDB_ENCVAL. */
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* Value types (the byte before a key). */
#define RDB_TYPE_STRING 0
#define RDB_TYPE_LIST 1
#define RDB_TYPE_SET 2
#define RDB_TYPE_ZSET 3
#define RDB_TYPE_HASH 4
#define RDB_TYPE_ZSET_2 5
#define RDB_TYPE_MODULE_PRE_GA 6
#define RDB_TYPE_MODULE_2 7
#define RDB_TYPE_HASH_ZIPMAP 9
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_SET_INTSET 11
#define RDB_TYPE_ZSET_ZIPLIST 12
#define RDB_TYPE_HASH_ZIPLIST 13
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_STREAM_LISTPACKS 15
#define RDB_TYPE_HASH_LISTPACK 16
#define RDB_TYPE_ZSET_LISTPACK 17
#define RDB_TYPE_LIST_QUICKLIST_2 18
#define RDB_TYPE_STREAM_LISTPACKS_2 19
#define RDB_TYPE_SET_LISTPACK 20
#define RDB_TYPE_STREAM_LISTPACKS_3 21
#define RDB_TYPE_HASH_METADATA_PRE_GA 22
#define RDB_TYPE_HASH_LISTPACK_EX_PRE_GA 23
#define RDB_TYPE_HASH_METADATA 24
#define RDB_TYPE_HASH_LISTPACK_EX 25

/* Opcodes (in the type position). */
#define RDB_OPCODE_SLOT_INFO 244
#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_FUNCTION_PRE_GA 246
#define RDB_OPCODE_MODULE_AUX 247
#define RDB_OPCODE_IDLE 248
#define RDB_OPCODE_FREQ 249
#define RDB_OPCODE_AUX 250
#define RDB_OPCODE_RESIZEDB 251
#define RDB_OPCODE_EXPIRETIME_MS 252
#define RDB_OPCODE_EXPIRETIME 253
#define RDB_OPCODE_SELECTDB 254
#define RDB_OPCODE_EOF 255

/* Field markers inside a module-type value (RDB_TYPE_MODULE_2). */
#define RDB_MODULE_OPCODE_EOF 0
#define RDB_MODULE_OPCODE_SINT 1
#define RDB_MODULE_OPCODE_UINT 2
#define RDB_MODULE_OPCODE_FLOAT 3
#define RDB_MODULE_OPCODE_DOUBLE 4
#define RDB_MODULE_OPCODE_STRING 5

/* A reader's `size` when the input length is not known (sockets, pipes). */
#define RDB_SIZE_UNKNOWN UINT64_MAX

/* DUMP payload footer: 2-byte version + 8-byte CRC64, both little-endian. */
#define RDB_DUMP_FOOTER_LEN 10

/* An allocator: the SDK passes one that accounts memory to a module. `free`
 * must accept what `alloc` returned; `alloc` may return NULL. */
typedef struct rdb_alloc {
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p);
    void *ctx;
} rdb_alloc_t;

/* malloc/free. */
extern const rdb_alloc_t rdb_alloc_libc;

/* A custom sink writes all n bytes and returns 0, or returns -1 (errno set
 * if it can). A custom source reads up to n bytes (n > 0) and returns how
 * many it read, 0 at the end of input, -1 on error; it may return fewer than
 * asked, the stream calls it again. */
/* Redis's incremental fsync step (rdb-save-incremental-fsync,
 * aof-rewrite-incremental-fsync): 4 MB. */
#define RDB_AUTOSYNC_BYTES (4 * 1024 * 1024)

typedef int (*rdb_write_cb)(void *cookie, const void *p, size_t n);
typedef ssize_t (*rdb_read_cb)(void *cookie, void *p, size_t n);

/* The stream. Callers read `pos`, `size`, `crc` and may set `checksum` and
 * `compress`; the rest is private to rdb_io.c. Put it anywhere (stack,
 * embedded in a larger struct); call rdb_io_release() when done. */
typedef struct rdb_io {
    uint64_t pos;       /* bytes written or consumed so far */
    uint64_t size;      /* reader: input bytes in total, or RDB_SIZE_UNKNOWN */
    uint64_t crc;       /* CRC64 of the bytes since checksum was turned on */
    int checksum;       /* keep `crc` up to date (1 after init) */
    int compress;       /* writer: try LZF on strings over 20 bytes (1) */
    uint64_t autosync;  /* file writer: fflush + fdatasync every this many bytes (0: never) */
    uint64_t synced;    /* private: `pos` at the last autosync */

    int kind;           /* private: backend */
    const rdb_alloc_t *mem; /* private: buffers and scratch */
    union {
        struct { unsigned char *buf; size_t len, cap; } mw;
        struct { const unsigned char *buf; } mr;
        FILE *fp;
        struct { rdb_write_cb w; rdb_read_cb r; void *cookie; } cb;
    } be;
    void *scratch;      /* private: reused LZF buffer */
    size_t scratch_cap;
    int failed;
    char err[256];
} rdb_io_t;

/* ---- setup ------------------------------------------------------------- */

/* `mem` may be NULL for rdb_alloc_libc; it must outlive the stream. */
void rdb_io_mem_writer(rdb_io_t *io, const rdb_alloc_t *mem);
/* Reads the `len` bytes at buf; buf is borrowed and must outlive the stream. */
void rdb_io_mem_reader(rdb_io_t *io, const void *buf, size_t len,
                       const rdb_alloc_t *mem);
/* fp is borrowed, never closed. The file writer does not fflush. The file
 * reader takes its size from fstat when fp is a regular file (from the
 * current position on), else the size is unknown. */
void rdb_io_file_writer(rdb_io_t *io, FILE *fp, const rdb_alloc_t *mem);
void rdb_io_file_reader(rdb_io_t *io, FILE *fp, const rdb_alloc_t *mem);
/* `size` is the input length if known, else RDB_SIZE_UNKNOWN. */
void rdb_io_cb_writer(rdb_io_t *io, rdb_write_cb w, void *cookie,
                      const rdb_alloc_t *mem);
void rdb_io_cb_reader(rdb_io_t *io, rdb_read_cb r, void *cookie,
                      uint64_t size, const rdb_alloc_t *mem);

/* Frees the scratch buffer and a memory writer's buffer unless taken. */
void rdb_io_release(rdb_io_t *io);

/* Memory writer: hands the written bytes to the caller (free them with the
 * stream's allocator) and leaves the stream empty but usable; NULL when
 * nothing was written. rdb_io_mem_data() only peeks. */
void *rdb_io_mem_take(rdb_io_t *io, size_t *len);
const void *rdb_io_mem_data(const rdb_io_t *io, size_t *len);

/* The first error's message, or NULL. */
const char *rdb_io_error(const rdb_io_t *io);
/* Records an error found by a caller (a type's loader: "bad listpack"),
 * printf-style, with the current offset appended: "<msg> at offset <n>".
 * Keeps an earlier error if there is one: the first cause is the useful one. */
void rdb_io_fail(rdb_io_t *io, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reader: bytes left when the size is known, else RDB_SIZE_UNKNOWN. A loader
 * can check a claimed element count against it (each element >= 1 byte). */
uint64_t rdb_io_remaining(const rdb_io_t *io);

/* ---- save -------------------------------------------------------------- */

int rdb_save_raw(rdb_io_t *io, const void *p, size_t n);
int rdb_save_type(rdb_io_t *io, uint8_t type);
/* 6-bit (< 64), 14-bit big-endian (< 16384), 0x80 + 32-bit big-endian
 * (<= 2^32-1), else 0x81 + 64-bit big-endian. */
int rdb_save_len(rdb_io_t *io, uint64_t len);
/* Redis's rdbSaveRawString: strings of up to 11 bytes in canonical decimal
 * form that fit in 32 bits are written as INT8/16/32 (so "0123", "+1", "-0"
 * stay strings); otherwise, with `compress` on and n > 20, LZF when the
 * compressed form saves at least 4 bytes (0xC3, compressed length, original
 * length, data); otherwise length + bytes. Strings over 4 GiB are never
 * compressed (liblzf takes unsigned int lengths). */
int rdb_save_string(rdb_io_t *io, const void *p, size_t n);
/* The decimal text of v, integer-encoded when it fits in 32 bits. */
int rdb_save_ll_string(rdb_io_t *io, long long v);
/* IEEE 754, 8 (or 4) bytes little-endian. */
int rdb_save_double(rdb_io_t *io, double d);
int rdb_save_float(rdb_io_t *io, float f);
/* The text format of RDB < 8 zset scores: 253 NaN, 254 +inf, 255 -inf, else
 * a length byte and the ASCII (integral values below 2^52 as integers, the
 * rest "%.17g"), as rdbSaveDoubleValue writes it. */
int rdb_save_text_double(rdb_io_t *io, double d);
/* Unix time in ms, 8 bytes little-endian (after RDB_OPCODE_EXPIRETIME_MS). */
int rdb_save_millis(rdb_io_t *io, int64_t ms);
/* "REDIS" + four-digit version. */
int rdb_save_header(rdb_io_t *io, int version);
/* RDB_OPCODE_AUX, the key, then the value as rdb_save_string writes it
 * (rdb_save_aux_ll: its decimal text, so int-encoded when small). */
int rdb_save_aux(rdb_io_t *io, const char *key, const void *val, size_t n);
int rdb_save_aux_ll(rdb_io_t *io, const char *key, long long v);
/* The 8-byte little-endian CRC64 closing an RDB file (written after
 * RDB_OPCODE_EOF): `crc` when checksum is on, 0 when it is off (Redis's
 * rdbchecksum no). */
int rdb_save_checksum(rdb_io_t *io);
/* The DUMP payload footer: `version` as 2 bytes LE, then the CRC64 of every
 * byte written so far including those 2. The stream must have had checksum
 * on since init. */
int rdb_save_dump_footer(rdb_io_t *io, int version);

/* ---- load -------------------------------------------------------------- */

int rdb_load_raw(rdb_io_t *io, void *p, size_t n);
int rdb_load_type(rdb_io_t *io, uint8_t *type);
/* Reads a length. If the byte is a special string encoding (top bits 11),
 * *len gets its 6-bit code (RDB_ENC_*) and *encoded 1; with encoded NULL that
 * is an error. Otherwise *encoded is 0. Non-minimal encodings are accepted,
 * as Redis accepts them. */
int rdb_load_len(rdb_io_t *io, uint64_t *len, int *encoded);
/* Reads a string in any encoding (integer ones come back as their decimal
 * text). Returns a buffer of *len + 1 bytes from `a` (NULL: the stream's
 * allocator) holding the string and a terminating NUL, or NULL on error;
 * an empty string is a 1-byte buffer, never NULL. Refuses a length beyond
 * the input left when the size is known; when it is not, it grows the buffer
 * as data arrives, so a bogus length cannot force a huge allocation. */
void *rdb_load_string(rdb_io_t *io, size_t *len, const rdb_alloc_t *a);
int rdb_load_double(rdb_io_t *io, double *d);
int rdb_load_float(rdb_io_t *io, float *f);
/* The RDB < 8 text double (see rdb_save_text_double). */
int rdb_load_text_double(rdb_io_t *io, double *d);
int rdb_load_millis(rdb_io_t *io, int64_t *ms);
/* RDB_OPCODE_EXPIRETIME's 4-byte little-endian seconds (old files). */
int rdb_load_seconds(rdb_io_t *io, int32_t *secs);
/* Checks "REDIS" + four digits and 1 <= version <= RDB_VERSION. */
int rdb_load_header(rdb_io_t *io, int *version);
/* Reads the 8-byte footer after RDB_OPCODE_EOF and compares it with the CRC64
 * of everything read before it (checksum must have been on since init). A
 * stored 0 means the writer had checksums off and is accepted. */
int rdb_load_checksum(rdb_io_t *io);

/* Checks a DUMP/RESTORE payload: at least 10 bytes, footer version <=
 * RDB_VERSION, and (when check_crc) the CRC64. On success *version gets the
 * footer's version and the value is the first len - 10 bytes. On error
 * writes a message to err (errlen bytes) and returns -1. */
int rdb_verify_dump_payload(const void *p, size_t len, int check_crc,
                            int *version, char *err, size_t errlen);

#endif
