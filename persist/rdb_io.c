/*
 * rdb_io.c — RDB primitives over a byte stream (see rdb_io.h).
 *
 * Every read and write goes through io_read()/io_write(), which check the
 * stream kind and the input bounds, keep `pos` and `crc` up to date and
 * record the first error. The primitives above them only encode and decode.
 *
 * The encodings follow Redis's rdb.c: lengths are big-endian, integer string
 * encodings, doubles, floats and times little-endian. LZF comes from the
 * system liblzf, which is the same LZF 3.6 Redis bundles, so compressed
 * strings come out identical.
 */
#include "persist/rdb_io.h"
#include "persist/crc64.h"

#include <errno.h>
#include <limits.h>
#include <liblzf/lzf.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { IO_MEM_W = 1, IO_MEM_R, IO_FILE_W, IO_FILE_R, IO_CB_W, IO_CB_R };

/* Scratch for LZF output is kept between strings up to this size. */
#define SCRATCH_KEEP (64 * 1024)
/* With an unknown input size, strings grow by doubling from this size. */
#define BLOB_CHUNK (1024 * 1024)
/* LZF turns 3 input bytes into at most 264 output bytes. */
#define LZF_MAX_RATIO 88

static void *libc_alloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void libc_free(void *ctx, void *p) { (void)ctx; free(p); }

const rdb_alloc_t rdb_alloc_libc = { libc_alloc, libc_free, NULL };

/* ---- byte order --------------------------------------------------------- */

static void put_le(unsigned char *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void put_be(unsigned char *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_le(const unsigned char *b, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static uint64_t get_be(const unsigned char *b, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | b[i];
    return v;
}

/* ---- errors ------------------------------------------------------------- */

/* Records "<what> at offset <off>: <detail>" unless an error is already
 * recorded; always returns -1. */
static int io_err(rdb_io_t *io, uint64_t off, const char *what,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int io_err(rdb_io_t *io, uint64_t off, const char *what,
                  const char *fmt, ...)
{
    va_list ap;
    int n;

    if (io->failed)
        return -1;
    io->failed = 1;
    n = snprintf(io->err, sizeof(io->err), "%s at offset %llu: ", what,
                 (unsigned long long)off);
    if (n < 0 || (size_t)n >= sizeof(io->err))
        return -1;
    va_start(ap, fmt);
    vsnprintf(io->err + n, sizeof(io->err) - n, fmt, ap);
    va_end(ap);
    return -1;
}

void rdb_io_fail(rdb_io_t *io, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (io->failed)
        return;
    io->failed = 1;
    va_start(ap, fmt);
    n = vsnprintf(io->err, sizeof(io->err), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(io->err))
        snprintf(io->err + n, sizeof(io->err) - n, " at offset %llu",
                 (unsigned long long)io->pos);
}

const char *rdb_io_error(const rdb_io_t *io)
{
    return io->failed ? io->err : NULL;
}

uint64_t rdb_io_remaining(const rdb_io_t *io)
{
    if (io->size == RDB_SIZE_UNKNOWN)
        return RDB_SIZE_UNKNOWN;
    return io->size - io->pos;
}

/* ---- setup -------------------------------------------------------------- */

static void io_init(rdb_io_t *io, int kind, const rdb_alloc_t *mem)
{
    memset(io, 0, sizeof(*io));
    io->kind = kind;
    io->mem = mem ? mem : &rdb_alloc_libc;
    io->size = RDB_SIZE_UNKNOWN;
    io->checksum = 1;
    io->compress = 1;
}

void rdb_io_mem_writer(rdb_io_t *io, const rdb_alloc_t *mem)
{
    io_init(io, IO_MEM_W, mem);
}

void rdb_io_mem_reader(rdb_io_t *io, const void *buf, size_t len,
                       const rdb_alloc_t *mem)
{
    io_init(io, IO_MEM_R, mem);
    io->be.mr.buf = buf;
    io->size = len;
}

void rdb_io_file_writer(rdb_io_t *io, FILE *fp, const rdb_alloc_t *mem)
{
    io_init(io, IO_FILE_W, mem);
    io->be.fp = fp;
}

void rdb_io_file_reader(rdb_io_t *io, FILE *fp, const rdb_alloc_t *mem)
{
    struct stat st;
    off_t at;

    io_init(io, IO_FILE_R, mem);
    io->be.fp = fp;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
        (at = ftello(fp)) >= 0 && at <= st.st_size)
        io->size = (uint64_t)(st.st_size - at);
}

void rdb_io_cb_writer(rdb_io_t *io, rdb_write_cb w, void *cookie,
                      const rdb_alloc_t *mem)
{
    io_init(io, IO_CB_W, mem);
    io->be.cb.w = w;
    io->be.cb.cookie = cookie;
}

void rdb_io_cb_reader(rdb_io_t *io, rdb_read_cb r, void *cookie,
                      uint64_t size, const rdb_alloc_t *mem)
{
    io_init(io, IO_CB_R, mem);
    io->be.cb.r = r;
    io->be.cb.cookie = cookie;
    io->size = size;
}

void rdb_io_release(rdb_io_t *io)
{
    if (io->kind == IO_MEM_W && io->be.mw.buf) {
        io->mem->free(io->mem->ctx, io->be.mw.buf);
        io->be.mw.buf = NULL;
        io->be.mw.len = io->be.mw.cap = 0;
    }
    if (io->scratch) {
        io->mem->free(io->mem->ctx, io->scratch);
        io->scratch = NULL;
        io->scratch_cap = 0;
    }
}

void *rdb_io_mem_take(rdb_io_t *io, size_t *len)
{
    void *buf;

    if (io->kind != IO_MEM_W) {
        *len = 0;
        return NULL;
    }
    buf = io->be.mw.buf;
    *len = io->be.mw.len;
    io->be.mw.buf = NULL;
    io->be.mw.len = io->be.mw.cap = 0;
    return buf;
}

const void *rdb_io_mem_data(const rdb_io_t *io, size_t *len)
{
    if (io->kind != IO_MEM_W) {
        *len = 0;
        return NULL;
    }
    *len = io->be.mw.len;
    return io->be.mw.buf;
}

/* ---- the two gates ------------------------------------------------------ */

/* Makes room for n more bytes in a memory writer; the allocator has no
 * realloc, so growth is alloc + copy + free, doubling the capacity. */
static int mw_reserve(rdb_io_t *io, size_t n, const char *what)
{
    size_t need, cap;
    unsigned char *nb;

    if (n > SIZE_MAX - io->be.mw.len)
        return io_err(io, io->pos, what, "output buffer size overflow");
    need = io->be.mw.len + n;
    if (need <= io->be.mw.cap)
        return 0;
    cap = io->be.mw.cap ? io->be.mw.cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    nb = io->mem->alloc(io->mem->ctx, cap);
    if (!nb)
        return io_err(io, io->pos, what, "out of memory growing the output "
                      "buffer to %zu bytes", cap);
    if (io->be.mw.len)
        memcpy(nb, io->be.mw.buf, io->be.mw.len);
    if (io->be.mw.buf)
        io->mem->free(io->mem->ctx, io->be.mw.buf);
    io->be.mw.buf = nb;
    io->be.mw.cap = cap;
    return 0;
}

/* Appends n bytes to a writer; `what` names the item for error messages. */
static int io_write(rdb_io_t *io, const void *p, size_t n, const char *what)
{
    if (io->failed)
        return -1;
    if (io->kind != IO_MEM_W && io->kind != IO_FILE_W && io->kind != IO_CB_W)
        return io_err(io, io->pos, what, "stream is not a writer");
    if (n == 0)
        return 0;
    switch (io->kind) {
    case IO_MEM_W:
        if (mw_reserve(io, n, what))
            return -1;
        memcpy(io->be.mw.buf + io->be.mw.len, p, n);
        io->be.mw.len += n;
        break;
    case IO_FILE_W:
        if (fwrite(p, 1, n, io->be.fp) != n)
            return io_err(io, io->pos, what, "write failed: %s",
                          strerror(errno));
        if (io->autosync && io->pos + n - io->synced >= io->autosync) {
            if (fflush(io->be.fp) != 0 || fdatasync(fileno(io->be.fp)) != 0)
                return io_err(io, io->pos, what, "write failed: %s",
                              strerror(errno));
            io->synced = io->pos + n;
        }
        break;
    default:
        errno = 0;
        if (io->be.cb.w(io->be.cb.cookie, p, n) != 0)
            return io_err(io, io->pos, what, "write failed: %s",
                          errno ? strerror(errno) : "sink refused the data");
        break;
    }
    if (io->checksum)
        io->crc = crc64(io->crc, p, n);
    io->pos += n;
    return 0;
}

/* Reads exactly n bytes from a reader into p. `what` and `off` name the item
 * being loaded (off is where it starts) for error messages. When the input
 * size is known, a read that would cross the end fails before consuming. */
static int io_read(rdb_io_t *io, void *p, size_t n, const char *what,
                   uint64_t off)
{
    size_t got = 0;

    if (io->failed)
        return -1;
    if (io->kind != IO_MEM_R && io->kind != IO_FILE_R && io->kind != IO_CB_R)
        return io_err(io, off, what, "stream is not a reader");
    if (n == 0)
        return 0;
    if (io->size != RDB_SIZE_UNKNOWN && n > io->size - io->pos)
        return io_err(io, off, what, "input truncated: %zu bytes needed at "
                      "offset %llu, %llu left", n,
                      (unsigned long long)io->pos,
                      (unsigned long long)(io->size - io->pos));
    switch (io->kind) {
    case IO_MEM_R:
        memcpy(p, io->be.mr.buf + io->pos, n);
        break;
    case IO_FILE_R:
        got = fread(p, 1, n, io->be.fp);
        if (got != n)
            return ferror(io->be.fp)
                ? io_err(io, off, what, "read failed at offset %llu: %s",
                         (unsigned long long)(io->pos + got), strerror(errno))
                : io_err(io, off, what, "unexpected end of file at offset "
                         "%llu", (unsigned long long)(io->pos + got));
        break;
    default:
        while (got < n) {
            ssize_t r = io->be.cb.r(io->be.cb.cookie, (char *)p + got,
                                    n - got);
            if (r < 0)
                return io_err(io, off, what, "read failed at offset %llu: "
                              "%s", (unsigned long long)(io->pos + got),
                              strerror(errno));
            if (r == 0)
                return io_err(io, off, what, "unexpected end of input at "
                              "offset %llu",
                              (unsigned long long)(io->pos + got));
            got += (size_t)r;
        }
        break;
    }
    if (io->checksum)
        io->crc = crc64(io->crc, p, n);
    io->pos += n;
    return 0;
}

/* ---- save --------------------------------------------------------------- */

int rdb_save_raw(rdb_io_t *io, const void *p, size_t n)
{
    return io_write(io, p, n, "raw bytes");
}

int rdb_save_type(rdb_io_t *io, uint8_t type)
{
    return io_write(io, &type, 1, "type byte");
}

int rdb_save_len(rdb_io_t *io, uint64_t len)
{
    unsigned char b[9];
    size_t n;

    if (len < 64) {
        b[0] = (unsigned char)len;
        n = 1;
    } else if (len < 16384) {
        b[0] = (unsigned char)(RDB_14BITLEN << 6 | len >> 8);
        b[1] = (unsigned char)len;
        n = 2;
    } else if (len <= UINT32_MAX) {
        b[0] = RDB_32BITLEN;
        put_be(b + 1, len, 4);
        n = 5;
    } else {
        b[0] = RDB_64BITLEN;
        put_be(b + 1, len, 8);
        n = 9;
    }
    return io_write(io, b, n, "length");
}

/* Parses s as Redis's string2ll does: optional '-', no '+', no leading
 * zeros, no "-0", no spaces, must fit in a long long. Returns 1 if so. */
static int parse_canonical_ll(const char *s, size_t n, long long *v)
{
    const char *p = s, *end = s + n;
    unsigned long long u = 0, limit;
    int neg = 0;

    if (n == 0 || n > 20)
        return 0;
    if (n == 1 && s[0] == '0') {
        *v = 0;
        return 1;
    }
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p == end || *p < '1' || *p > '9')
        return 0;
    limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        if (u > (limit - (unsigned)(*p - '0')) / 10)
            return 0;
        u = u * 10 + (unsigned)(*p - '0');
    }
    *v = neg ? (long long)(0 - u) : (long long)u;
    return 1;
}

/* Writes v's INT8/16/32 encoding to enc (5 bytes); returns its length, or 0
 * when v does not fit in 32 bits. */
static int encode_int(long long v, unsigned char *enc)
{
    if (v >= INT8_MIN && v <= INT8_MAX) {
        enc[0] = RDB_ENCVAL << 6 | RDB_ENC_INT8;
        enc[1] = (unsigned char)(uint8_t)(int8_t)v;
        return 2;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
        enc[0] = RDB_ENCVAL << 6 | RDB_ENC_INT16;
        put_le(enc + 1, (uint16_t)(int16_t)v, 2);
        return 3;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
        enc[0] = RDB_ENCVAL << 6 | RDB_ENC_INT32;
        put_le(enc + 1, (uint32_t)(int32_t)v, 4);
        return 5;
    }
    return 0;
}

/* Tries LZF on n bytes (20 < n <= UINT_MAX). Returns 0 when written, 1 when
 * the data does not shrink by 4 bytes or more (nothing written), -1 on a
 * write error. Like Redis, the output buffer is n - 4 bytes, so liblzf gives
 * up as soon as the result would not fit. */
static int save_lzf(rdb_io_t *io, const void *p, size_t n)
{
    size_t outlen = n - 4;
    unsigned char *out, hdr = RDB_ENCVAL << 6 | RDB_ENC_LZF;
    unsigned int clen;
    int rc = 1;

    if (outlen <= SCRATCH_KEEP) {
        if (!io->scratch) {
            io->scratch = io->mem->alloc(io->mem->ctx, SCRATCH_KEEP);
            if (!io->scratch)
                return 1;
            io->scratch_cap = SCRATCH_KEEP;
        }
        out = io->scratch;
    } else if (!(out = io->mem->alloc(io->mem->ctx, outlen))) {
        return 1;               /* no memory: store it uncompressed */
    }
    clen = lzf_compress(p, (unsigned int)n, out, (unsigned int)outlen);
    if (clen > 0) {
        rc = 0;
        if (io_write(io, &hdr, 1, "LZF string") ||
            rdb_save_len(io, clen) || rdb_save_len(io, n) ||
            io_write(io, out, clen, "LZF string"))
            rc = -1;
    }
    if (out != io->scratch)
        io->mem->free(io->mem->ctx, out);
    return rc;
}

int rdb_save_string(rdb_io_t *io, const void *p, size_t n)
{
    unsigned char enc[5];
    long long v;
    int k;

    if (n <= 11 && parse_canonical_ll(p, n, &v) && (k = encode_int(v, enc)))
        return io_write(io, enc, (size_t)k, "string");
    if (io->compress && n > 20 && n <= UINT_MAX && !io->failed) {
        int rc = save_lzf(io, p, n);
        if (rc <= 0)
            return rc;
    }
    if (rdb_save_len(io, n))
        return -1;
    return io_write(io, p, n, "string");
}

int rdb_save_ll_string(rdb_io_t *io, long long v)
{
    unsigned char enc[5];
    char buf[32];
    int k;

    if ((k = encode_int(v, enc)))
        return io_write(io, enc, (size_t)k, "string");
    k = snprintf(buf, sizeof(buf), "%lld", v);
    if (rdb_save_len(io, (uint64_t)k))
        return -1;
    return io_write(io, buf, (size_t)k, "string");
}

int rdb_save_double(rdb_io_t *io, double d)
{
    unsigned char b[8];
    uint64_t u;

    memcpy(&u, &d, 8);
    put_le(b, u, 8);
    return io_write(io, b, 8, "double");
}

int rdb_save_float(rdb_io_t *io, float f)
{
    unsigned char b[4];
    uint32_t u;

    memcpy(&u, &f, 4);
    put_le(b, u, 4);
    return io_write(io, b, 4, "float");
}

int rdb_save_text_double(rdb_io_t *io, double d)
{
    unsigned char buf[128];
    int n;

    if (isnan(d)) {
        buf[0] = 253;
        n = 1;
    } else if (isinf(d)) {
        buf[0] = d < 0 ? 255 : 254;
        n = 1;
    } else {
        /* Redis prints integral values inside +-2^52 with ll2string. */
        if (d > -4503599627370495.0 && d < 4503599627370496.0 &&
            d == (double)(long long)d)
            n = snprintf((char *)buf + 1, sizeof(buf) - 1, "%lld",
                         (long long)d);
        else
            n = snprintf((char *)buf + 1, sizeof(buf) - 1, "%.17g", d);
        buf[0] = (unsigned char)n;
        n++;
    }
    return io_write(io, buf, (size_t)n, "text double");
}

int rdb_save_millis(rdb_io_t *io, int64_t ms)
{
    unsigned char b[8];

    put_le(b, (uint64_t)ms, 8);
    return io_write(io, b, 8, "millisecond time");
}

int rdb_save_header(rdb_io_t *io, int version)
{
    char buf[16];

    if (version < 1 || version > 9999)
        return io_err(io, io->pos, "header", "bad RDB version %d", version);
    snprintf(buf, sizeof(buf), "REDIS%04d", version);
    return io_write(io, buf, 9, "header");
}

int rdb_save_aux(rdb_io_t *io, const char *key, const void *val, size_t n)
{
    if (rdb_save_type(io, RDB_OPCODE_AUX) ||
        rdb_save_string(io, key, strlen(key)))
        return -1;
    return rdb_save_string(io, val, n);
}

int rdb_save_aux_ll(rdb_io_t *io, const char *key, long long v)
{
    if (rdb_save_type(io, RDB_OPCODE_AUX) ||
        rdb_save_string(io, key, strlen(key)))
        return -1;
    return rdb_save_ll_string(io, v);
}

int rdb_save_checksum(rdb_io_t *io)
{
    unsigned char b[8];

    put_le(b, io->checksum ? io->crc : 0, 8);
    return io_write(io, b, 8, "checksum");
}

int rdb_save_dump_footer(rdb_io_t *io, int version)
{
    unsigned char b[8];

    if (version < 0 || version > 0xffff)
        return io_err(io, io->pos, "DUMP footer", "bad RDB version %d",
                      version);
    if (!io->checksum)
        return io_err(io, io->pos, "DUMP footer", "checksum is off");
    put_le(b, (uint64_t)version, 2);
    if (io_write(io, b, 2, "DUMP footer"))
        return -1;
    put_le(b, io->crc, 8);
    return io_write(io, b, 8, "DUMP footer");
}

/* ---- load --------------------------------------------------------------- */

int rdb_load_raw(rdb_io_t *io, void *p, size_t n)
{
    return io_read(io, p, n, "raw bytes", io->pos);
}

int rdb_load_type(rdb_io_t *io, uint8_t *type)
{
    return io_read(io, type, 1, "type byte", io->pos);
}

int rdb_load_len(rdb_io_t *io, uint64_t *len, int *encoded)
{
    uint64_t off = io->pos;
    unsigned char b[8];

    if (io_read(io, b, 1, "length", off))
        return -1;
    if (encoded)
        *encoded = 0;
    switch (b[0] >> 6) {
    case RDB_ENCVAL:
        if (!encoded)
            return io_err(io, off, "length", "string encoding byte 0x%02x "
                          "where a length was expected", b[0]);
        *encoded = 1;
        *len = b[0] & 0x3f;
        return 0;
    case RDB_6BITLEN:
        *len = b[0] & 0x3f;
        return 0;
    case RDB_14BITLEN:
        if (io_read(io, b + 1, 1, "length", off))
            return -1;
        *len = (uint64_t)(b[0] & 0x3f) << 8 | b[1];
        return 0;
    }
    if (b[0] == RDB_32BITLEN) {
        if (io_read(io, b, 4, "length", off))
            return -1;
        *len = get_be(b, 4);
        return 0;
    }
    if (b[0] == RDB_64BITLEN) {
        if (io_read(io, b, 8, "length", off))
            return -1;
        *len = get_be(b, 8);
        return 0;
    }
    return io_err(io, off, "length", "unknown length encoding 0x%02x", b[0]);
}

/* Reads n bytes into a new buffer of n + 1 bytes from `a`, NUL-terminated.
 * Known input size: checked before allocating. Unknown: the buffer starts at
 * BLOB_CHUNK and doubles as data actually arrives. */
static unsigned char *read_blob(rdb_io_t *io, uint64_t n,
                                const rdb_alloc_t *a, const char *what,
                                uint64_t off)
{
    unsigned char *buf, *nb;
    size_t cap, have;

    if (io->failed)
        return NULL;
    if (n >= SIZE_MAX) {
        io_err(io, off, what, "length %llu is too large",
               (unsigned long long)n);
        return NULL;
    }
    if (io->size != RDB_SIZE_UNKNOWN && n > io->size - io->pos) {
        io_err(io, off, what, "length %llu exceeds the %llu bytes left",
               (unsigned long long)n,
               (unsigned long long)(io->size - io->pos));
        return NULL;
    }
    cap = io->size == RDB_SIZE_UNKNOWN && n > BLOB_CHUNK ? BLOB_CHUNK
                                                         : (size_t)n;
    if (!(buf = a->alloc(a->ctx, cap + 1))) {
        io_err(io, off, what, "out of memory allocating %zu bytes", cap + 1);
        return NULL;
    }
    for (have = 0;;) {
        if (io_read(io, buf + have, cap - have, what, off))
            goto fail;
        have = cap;
        if (have == n)
            break;
        cap = n - cap > cap ? cap * 2 : (size_t)n;
        if (!(nb = a->alloc(a->ctx, cap + 1))) {
            io_err(io, off, what, "out of memory allocating %zu bytes",
                   cap + 1);
            goto fail;
        }
        memcpy(nb, buf, have);
        a->free(a->ctx, buf);
        buf = nb;
    }
    buf[n] = '\0';
    return buf;

fail:
    a->free(a->ctx, buf);
    return NULL;
}

/* The LZF case of rdb_load_string, after the 0xC3 byte read at `off`. */
static void *load_lzf(rdb_io_t *io, size_t *len, const rdb_alloc_t *a,
                      uint64_t off)
{
    uint64_t clen, ulen;
    unsigned char *c, *out = NULL;

    if (rdb_load_len(io, &clen, NULL) || rdb_load_len(io, &ulen, NULL))
        return NULL;
    if (clen == 0 || ulen == 0) {
        io_err(io, off, "LZF string", "zero length (compressed %llu, "
               "plain %llu)", (unsigned long long)clen,
               (unsigned long long)ulen);
        return NULL;
    }
    if (clen > UINT_MAX || ulen > UINT_MAX) {
        io_err(io, off, "LZF string", "too long for liblzf (compressed "
               "%llu, plain %llu)", (unsigned long long)clen,
               (unsigned long long)ulen);
        return NULL;
    }
    if (!(c = read_blob(io, clen, io->mem, "LZF string", off)))
        return NULL;
    if (ulen > clen * LZF_MAX_RATIO) {
        io_err(io, off, "LZF string", "%llu compressed bytes cannot expand "
               "to %llu", (unsigned long long)clen, (unsigned long long)ulen);
        goto done;
    }
    if (!(out = a->alloc(a->ctx, (size_t)ulen + 1))) {
        io_err(io, off, "LZF string", "out of memory allocating %llu bytes",
               (unsigned long long)ulen + 1);
        goto done;
    }
    if (lzf_decompress(c, (unsigned int)clen, out, (unsigned int)ulen)
        != ulen) {
        io_err(io, off, "LZF string", "invalid compressed data");
        a->free(a->ctx, out);
        out = NULL;
        goto done;
    }
    out[ulen] = '\0';
    *len = (size_t)ulen;
done:
    io->mem->free(io->mem->ctx, c);
    return out;
}

void *rdb_load_string(rdb_io_t *io, size_t *len, const rdb_alloc_t *a)
{
    uint64_t off = io->pos, n;
    unsigned char b[4], *out;
    char num[24];
    long long v;
    int enc, k;

    if (!a)
        a = io->mem;
    if (rdb_load_len(io, &n, &enc))
        return NULL;
    if (!enc) {
        if (!(out = read_blob(io, n, a, "string", off)))
            return NULL;
        *len = (size_t)n;
        return out;
    }
    switch (n) {
    case RDB_ENC_INT8:
    case RDB_ENC_INT16:
    case RDB_ENC_INT32:
        k = n == RDB_ENC_INT8 ? 1 : n == RDB_ENC_INT16 ? 2 : 4;
        if (io_read(io, b, (size_t)k, "integer string", off))
            return NULL;
        v = k == 1 ? (int8_t)b[0]
          : k == 2 ? (int16_t)get_le(b, 2)
                   : (int32_t)get_le(b, 4);
        k = snprintf(num, sizeof(num), "%lld", v);
        if (!(out = a->alloc(a->ctx, (size_t)k + 1))) {
            io_err(io, off, "integer string", "out of memory");
            return NULL;
        }
        memcpy(out, num, (size_t)k + 1);
        *len = (size_t)k;
        return out;
    case RDB_ENC_LZF:
        return load_lzf(io, len, a, off);
    }
    io_err(io, off, "string", "unknown string encoding %llu",
           (unsigned long long)n);
    return NULL;
}

int rdb_load_double(rdb_io_t *io, double *d)
{
    unsigned char b[8];
    uint64_t u;

    if (io_read(io, b, 8, "double", io->pos))
        return -1;
    u = get_le(b, 8);
    memcpy(d, &u, 8);
    return 0;
}

int rdb_load_float(rdb_io_t *io, float *f)
{
    unsigned char b[4];
    uint32_t u;

    if (io_read(io, b, 4, "float", io->pos))
        return -1;
    u = (uint32_t)get_le(b, 4);
    memcpy(f, &u, 4);
    return 0;
}

int rdb_load_text_double(rdb_io_t *io, double *d)
{
    uint64_t off = io->pos;
    unsigned char n;
    char buf[256], *end;

    if (io_read(io, &n, 1, "text double", off))
        return -1;
    switch (n) {
    case 253: *d = NAN; return 0;
    case 254: *d = INFINITY; return 0;
    case 255: *d = -INFINITY; return 0;
    }
    if (io_read(io, buf, n, "text double", off))
        return -1;
    buf[n] = '\0';
    *d = strtod(buf, &end);
    if (n == 0 || end == buf)
        return io_err(io, off, "text double", "not a number: \"%.40s\"", buf);
    return 0;
}

int rdb_load_millis(rdb_io_t *io, int64_t *ms)
{
    unsigned char b[8];

    if (io_read(io, b, 8, "millisecond time", io->pos))
        return -1;
    *ms = (int64_t)get_le(b, 8);
    return 0;
}

int rdb_load_seconds(rdb_io_t *io, int32_t *secs)
{
    unsigned char b[4];

    if (io_read(io, b, 4, "second time", io->pos))
        return -1;
    *secs = (int32_t)(uint32_t)get_le(b, 4);
    return 0;
}

int rdb_load_header(rdb_io_t *io, int *version)
{
    uint64_t off = io->pos;
    char b[9];
    int v = 0;

    if (io_read(io, b, 9, "header", off))
        return -1;
    if (memcmp(b, "REDIS", 5) != 0)
        return io_err(io, off, "header", "not an RDB file (no REDIS "
                      "signature)");
    for (int i = 5; i < 9; i++) {
        if (b[i] < '0' || b[i] > '9')
            return io_err(io, off, "header", "bad version \"%.4s\"", b + 5);
        v = v * 10 + (b[i] - '0');
    }
    if (v < 1 || v > RDB_VERSION)
        return io_err(io, off, "header", "RDB version %d not supported "
                      "(this build reads 1 to %d)", v, RDB_VERSION);
    *version = v;
    return 0;
}

int rdb_load_checksum(rdb_io_t *io)
{
    uint64_t off = io->pos, want = io->crc, got;
    unsigned char b[8];

    if (io_read(io, b, 8, "checksum", off))
        return -1;
    got = get_le(b, 8);
    if (got == 0 || !io->checksum)
        return 0;
    if (got != want)
        return io_err(io, off, "checksum", "mismatch: file says %016llx, "
                      "data gives %016llx", (unsigned long long)got,
                      (unsigned long long)want);
    return 0;
}

int rdb_verify_dump_payload(const void *p, size_t len, int check_crc,
                            int *version, char *err, size_t errlen)
{
    const unsigned char *b = p, *foot;
    uint64_t want, got;
    int v;

    if (len < RDB_DUMP_FOOTER_LEN) {
        snprintf(err, errlen, "DUMP payload too short (%zu bytes)", len);
        return -1;
    }
    foot = b + len - RDB_DUMP_FOOTER_LEN;
    v = (int)get_le(foot, 2);
    if (v > RDB_VERSION) {
        snprintf(err, errlen, "DUMP payload RDB version %d is newer than %d",
                 v, RDB_VERSION);
        return -1;
    }
    if (check_crc) {
        want = crc64(0, b, len - 8);
        got = get_le(foot + 2, 8);
        if (want != got) {
            snprintf(err, errlen, "DUMP payload checksum mismatch: payload "
                     "says %016llx, data gives %016llx",
                     (unsigned long long)got, (unsigned long long)want);
            return -1;
        }
    }
    *version = v;
    return 0;
}
