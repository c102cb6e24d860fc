/*
 * bitmaps_cmds.c — SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP over Redis
 * strings reached through string.v1, with Redis 7.4's replies, error
 * texts and order of checks (arguments are all parsed before the key is
 * looked up, so a missing key with a bad range is an error, as in 7.4),
 * plus Redis 8.2's BITOP DIFF, DIFF1, ANDOR and ONE.
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call;
 *  - nothing changes before the last possible error;
 *  - a change is followed by bm_changed() (or, for BITOP, the same
 *    signals by hand): key modified, keyspace event, dirty; a call that
 *    changes nothing signals nothing, so it is not propagated.
 */
#include <stdio.h>
#include <string.h>
#include "bitmaps.h"
#include "bitmaps_cmds.h"
#include "bitmaps_ops.h"

#define ERR_OFFSET "ERR bit offset is not an integer or out of range"
#define ERR_BIT "ERR bit is not an integer or out of range"

/* Redis's floor for proto-max-bulk-len: offsets whose byte is below it
 * never need the configured limit looked up. */
#define MIN_BULK_LEN (1024LL * 1024)

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

static long long max_bulk_len(void)
{
    long long v;
    if (md_config_get_ll("proto-max-bulk-len", &v) == MD_OK && v > 0)
        return v;
    return 512LL * 1024 * 1024;
}

int bm_parse_offset(md_ctx_t *c, md_arg_t a, int bits, uint64_t *out)
{
    long long v;
    int hash = bits > 0 && a.len > 0 && a.ptr[0] == '#';
    md_arg_t num = {a.ptr + hash, a.len - (size_t)hash};

    if (md_arg_ll(num, &v) != MD_OK ||
        (hash && __builtin_mul_overflow(v, (long long)bits, &v)) || v < 0 ||
        ((v >> 3) >= MIN_BULK_LEN && (v >> 3) >= max_bulk_len())) {
        md_reply_error(c, ERR_OFFSET);
        return MD_ERR;
    }
    *out = (uint64_t)v;
    return MD_OK;
}

/* Fill s from an open key: its bytes when it holds a string. */
static int load(md_ctx_t *c, md_key_t *k, bm_str_t *s)
{
    const md_type_t *t = md_key_type(k);

    memset(s, 0, sizeof(*s));
    s->key = k;
    if (t == NULL) return MD_OK;
    if (t != bitmaps_str->type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    md_arg_t b = bitmaps_str->bytes(md_key_value(k), s->buf);
    s->p = (const uint8_t *)b.ptr;
    s->len = s->oldlen = b.len;
    s->exists = 1;
    return MD_OK;
}

int bm_open_read(md_ctx_t *c, md_arg_t name, bm_str_t *s)
{
    return load(c, md_key_open(c, name, MD_READ), s);
}

int bm_open_write(md_ctx_t *c, md_arg_t name, uint64_t maxbit, bm_str_t *s)
{
    if (load(c, md_key_open(c, name, MD_WRITE), s) != MD_OK) return MD_ERR;
    s->w = (uint8_t *)bitmaps_str->writable(s->key, (size_t)(maxbit >> 3) + 1,
                                            &s->len);
    s->p = s->w;
    return MD_OK;
}

void bm_changed(md_ctx_t *c, bm_str_t *s, md_arg_t name, const char *event,
                long long dirty)
{
    md_key_modified(c, s->key);
    md_notify(c, MD_NOTIFY_STRING, event, name);
    md_dirty(c, dirty);
}

/* Parse BYTE | BIT: *isbit, or a syntax error replied. */
static int parse_unit(md_ctx_t *c, md_arg_t a, int *isbit)
{
    if (md_arg_eq(a, "bit")) {
        *isbit = 1;
    } else if (md_arg_eq(a, "byte")) {
        *isbit = 0;
    } else {
        md_reply_syntax(c);
        return MD_ERR;
    }
    return MD_OK;
}

/* Redis's BITCOUNT/BITPOS range rules over a string of len bytes: start
 * and end count bytes or bits (isbit), negative ones from the end, then
 * are clamped into the string. The inclusive bit range, or MD_ERR when
 * it is empty. */
static int bit_range(long long start, long long end, int isbit, size_t len,
                     uint64_t *sbit, uint64_t *ebit)
{
    long long total = isbit ? (long long)len * 8 : (long long)len;

    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (start > end) return MD_ERR;
    *sbit = isbit ? (uint64_t)start : (uint64_t)start * 8;
    *ebit = isbit ? (uint64_t)end : (uint64_t)end * 8 + 7;
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SETBIT / GETBIT                                                     */
/* ------------------------------------------------------------------ */

int bitmaps_cmd_setbit(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    uint64_t off;
    long long on;
    bm_str_t s;

    (void)argc;
    if (bm_parse_offset(c, argv[2], 0, &off) != MD_OK) return MD_OK;
    if (md_arg_ll(argv[3], &on) != MD_OK || (on & ~1LL)) {
        md_reply_error(c, ERR_BIT);
        return MD_OK;
    }
    if (bm_open_write(c, argv[1], off, &s) != MD_OK) return MD_OK;
    uint8_t *byte = &s.w[off >> 3];
    unsigned mask = 0x80u >> (off & 7);
    int old = (*byte & mask) != 0;
    /* A new or grown string, or a flipped bit, is a change. */
    if (!s.exists || s.len != s.oldlen || old != (int)on) {
        *byte = (uint8_t)(on ? (*byte | mask) : (*byte & ~mask));
        bm_changed(c, &s, argv[1], "setbit", 1);
    }
    md_reply_int(c, old);
    return MD_OK;
}

int bitmaps_cmd_getbit(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    uint64_t off;
    bm_str_t s;

    (void)argc;
    if (bm_parse_offset(c, argv[2], 0, &off) != MD_OK) return MD_OK;
    if (bm_open_read(c, argv[1], &s) != MD_OK) return MD_OK;
    if ((off >> 3) >= s.len) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    md_reply_int(c, (s.p[off >> 3] >> (7 - (off & 7))) & 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* BITCOUNT / BITPOS                                                   */
/* ------------------------------------------------------------------ */

/* BITCOUNT key [start end [BYTE | BIT]] */
int bitmaps_cmd_bitcount(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long start = 0, end = -1;
    int isbit = 0;
    uint64_t sbit, ebit;
    bm_str_t s;

    if (argc == 4 || argc == 5) {
        if (md_parse_ll(c, argv[2], &start) != MD_OK) return MD_OK;
        if (md_parse_ll(c, argv[3], &end) != MD_OK) return MD_OK;
        if (argc == 5 && parse_unit(c, argv[4], &isbit) != MD_OK) return MD_OK;
    } else if (argc != 2) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if (bm_open_read(c, argv[1], &s) != MD_OK) return MD_OK;
    /* Both ends counted from the end and crossed: empty before clamping
     * (clamping would turn it into the first byte). */
    if ((start < 0 && end < 0 && start > end) ||
        bit_range(start, end, isbit, s.len, &sbit, &ebit) != MD_OK) {
        md_reply_int(c, 0);
        return MD_OK;
    }
    md_reply_int(c, (long long)bm_count_range(s.p, sbit, ebit));
    return MD_OK;
}

/* The BITPOS arguments after the bit: [start [end [BYTE | BIT]]]. */
typedef struct pos_args {
    long long start, end;
    int isbit, end_given, whole;
} pos_args_t;

/* Parse them in Redis's order (start, the unit, then end). */
static int parse_pos_args(md_ctx_t *c, int argc, const md_arg_t *argv,
                          pos_args_t *a)
{
    memset(a, 0, sizeof(*a));
    if (argc == 3) {
        a->whole = 1;
        return MD_OK;
    }
    if (argc > 6) {
        md_reply_syntax(c);
        return MD_ERR;
    }
    if (md_parse_ll(c, argv[3], &a->start) != MD_OK) return MD_ERR;
    if (argc == 6 && parse_unit(c, argv[5], &a->isbit) != MD_OK) return MD_ERR;
    if (argc >= 5) {
        if (md_parse_ll(c, argv[4], &a->end) != MD_OK) return MD_ERR;
        a->end_given = 1;
    }
    return MD_OK;
}

/* BITPOS key bit [start [end [BYTE | BIT]]] */
int bitmaps_cmd_bitpos(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long bit;
    uint64_t sbit, ebit;
    pos_args_t a;
    bm_str_t s;

    if (md_parse_ll(c, argv[2], &bit) != MD_OK) return MD_OK;
    if (bit != 0 && bit != 1) {
        md_reply_error(c, "ERR The bit argument must be 1 or 0.");
        return MD_OK;
    }
    if (parse_pos_args(c, argc, argv, &a) != MD_OK) return MD_OK;
    if (bm_open_read(c, argv[1], &s) != MD_OK) return MD_OK;
    /* A missing key is an endless run of zero bits. */
    if (!s.exists) {
        md_reply_int(c, bit ? -1 : 0);
        return MD_OK;
    }
    if (!a.end_given) a.end = a.whole ? -1 : (long long)s.len - 1;
    if (bit_range(a.start, a.end, a.isbit, s.len, &sbit, &ebit) != MD_OK) {
        md_reply_int(c, -1);
        return MD_OK;
    }
    int64_t pos = bm_find_bit(s.p, sbit, ebit, (int)bit);
    /* No clear bit up to the end of the string: without an explicit end,
     * the string continues with zeros. */
    if (pos < 0 && bit == 0 && !a.end_given) pos = (int64_t)ebit + 1;
    md_reply_int(c, pos);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* BITOP                                                               */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    enum bm_op op;
} bitop_names[] = {
    {"AND", BM_AND}, {"OR", BM_OR}, {"XOR", BM_XOR}, {"NOT", BM_NOT},
    {"DIFF", BM_DIFF}, {"DIFF1", BM_DIFF1}, {"ANDOR", BM_ANDOR},
    {"ONE", BM_ONE}};

/* The operation named by a, or its arity error / a syntax error replied
 * (MD_ERR). */
static int parse_bitop(md_ctx_t *c, int argc, md_arg_t a, enum bm_op *op)
{
    char msg[96];
    size_t i, n = sizeof(bitop_names) / sizeof(bitop_names[0]);

    for (i = 0; i < n && !md_arg_eq(a, bitop_names[i].name); i++)
        ;
    if (i == n) {
        md_reply_syntax(c);
        return MD_ERR;
    }
    *op = bitop_names[i].op;
    if (*op == BM_NOT && argc != 4) {
        md_reply_error(c, "ERR BITOP NOT must be called with a single source key.");
        return MD_ERR;
    }
    if ((*op == BM_DIFF || *op == BM_DIFF1 || *op == BM_ANDOR) && argc < 5) {
        snprintf(msg, sizeof(msg),
                 "ERR BITOP %s must be called with at least two source keys.",
                 bitop_names[i].name);
        md_reply_error(c, msg);
        return MD_ERR;
    }
    return MD_OK;
}

/* The sources of a BITOP: bytes and lengths, read before any change. */
typedef struct bitop_src {
    const uint8_t **p;
    size_t *len;
    bm_str_t *str;
    size_t n, maxlen;
} bitop_src_t;

static void bitop_src_free(bitop_src_t *b)
{
    md_free(b->p);
    md_free(b->len);
    md_free(b->str);
}

/* Open the n keys at argv[0..n) for reading into *b. MD_ERR (WRONGTYPE
 * replied, *b freed) when one holds another type. */
static int bitop_src_open(md_ctx_t *c, const md_arg_t *argv, size_t n,
                          bitop_src_t *b)
{
    b->n = n;
    b->maxlen = 0;
    b->p = md_alloc(n * sizeof(*b->p));
    b->len = md_alloc(n * sizeof(*b->len));
    b->str = md_alloc(n * sizeof(*b->str));
    for (size_t i = 0; i < n; i++) {
        if (bm_open_read(c, argv[i], &b->str[i]) != MD_OK) {
            bitop_src_free(b);
            return MD_ERR;
        }
        /* An integer's digits live in its bm_str_t: point into that copy. */
        b->p[i] = b->str[i].p;
        b->len[i] = b->str[i].len;
        if (b->len[i] > b->maxlen) b->maxlen = b->len[i];
    }
    return MD_OK;
}

/* Store the result (or delete the destination when it is empty) with
 * Redis's signals: "set" (class $) or "del" (class g). */
static void bitop_store(md_ctx_t *c, md_arg_t dest, const uint8_t *res,
                        size_t n)
{
    md_key_t *k = md_key_open(c, dest, MD_WRITE);

    if (n == 0) {
        if (md_key_type(k) == NULL) return;
        md_key_delete(k);
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_GENERIC, "del", dest);
        md_dirty(c, 1);
        return;
    }
    md_key_set(k, bitmaps_str->type, bitmaps_str->create(res, n), 0);
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_STRING, "set", dest);
    md_dirty(c, 1);
}

/* BITOP <AND | OR | XOR | NOT | DIFF | DIFF1 | ANDOR | ONE> destkey key [key ...] */
int bitmaps_cmd_bitop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    enum bm_op op;
    bitop_src_t b;
    uint8_t *res = NULL;

    if (parse_bitop(c, argc, argv[1], &op) != MD_OK) return MD_OK;
    if (bitop_src_open(c, argv + 3, (size_t)argc - 3, &b) != MD_OK)
        return MD_OK;
    if (b.maxlen) {
        res = md_alloc(b.maxlen);
        bm_bitop(op, b.p, b.len, b.n, res, b.maxlen);
    }
    bitop_src_free(&b);
    bitop_store(c, argv[2], res, b.maxlen);
    md_free(res);
    md_reply_int(c, (long long)b.maxlen);
    return MD_OK;
}
