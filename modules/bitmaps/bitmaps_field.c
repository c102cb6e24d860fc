/*
 * bitmaps_field.c — BITFIELD and BITFIELD_RO: integer fields of 1 to 64
 * bits (u1..u63, i1..i64) at any bit offset of a string, with GET, SET,
 * INCRBY and OVERFLOW WRAP | SAT | FAIL, as Redis 7.4 does them.
 *
 * The whole argument list is parsed first (every error before any
 * change), then the key is opened once: for reading when there are only
 * GETs, else for writing, grown to cover the farthest field written. The
 * operations then run in order, each seeing the effects of the previous
 * ones. A FAIL overflow replies null and writes nothing.
 *
 * One difference from Redis, on purpose: when the string had to be
 * created or padded but every write failed its overflow check, Redis
 * keeps the padded string without propagating it; here the padding counts
 * as a change, so replicas and the AOF keep the same string.
 */
#include <string.h>
#include "bitmaps.h"
#include "bitmaps_cmds.h"
#include "bitmaps_field.h"
#include "bitmaps_ops.h"

#define ERR_TYPE                                                        \
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 " \
    "is not supported but i64 is."

enum { BF_GET, BF_SET, BF_INCRBY };

typedef struct bf_op {
    uint64_t off;           /* first bit of the field */
    int64_t arg;            /* SET value or INCRBY increment */
    int kind;               /* BF_GET, BF_SET, BF_INCRBY */
    int sign, bits;
    enum bm_overflow ow;    /* the OVERFLOW in force when it was given */
} bf_op_t;

/* The parsed command: its operations and what opening the key needs. */
typedef struct bf_cmd {
    bf_op_t *ops;
    int n;
    int readonly;           /* only GETs */
    uint64_t maxbit;        /* the farthest bit a SET/INCRBY writes */
} bf_cmd_t;

/* Parse a type such as "i16" or "u8" (Redis reads the digits up to the
 * first NUL byte). Replies the type error on failure. */
static int parse_type(md_ctx_t *c, md_arg_t a, int *sign, int *bits)
{
    long long v;
    const char *nul;
    md_arg_t digits;

    if (a.len == 0 || (a.ptr[0] != 'i' && a.ptr[0] != 'u')) goto bad;
    *sign = a.ptr[0] == 'i';
    digits.ptr = a.ptr + 1;
    nul = memchr(digits.ptr, '\0', a.len - 1);
    digits.len = nul ? (size_t)(nul - digits.ptr) : a.len - 1;
    if (md_arg_ll(digits, &v) != MD_OK || v < 1 || v > (*sign ? 64 : 63))
        goto bad;
    *bits = (int)v;
    return MD_OK;
bad:
    md_reply_error(c, ERR_TYPE);
    return MD_ERR;
}

/* OVERFLOW's argument, or Redis's error replied. */
static int parse_overflow(md_ctx_t *c, md_arg_t a, enum bm_overflow *ow)
{
    if (md_arg_eq(a, "wrap")) {
        *ow = BM_WRAP;
    } else if (md_arg_eq(a, "sat")) {
        *ow = BM_SAT;
    } else if (md_arg_eq(a, "fail")) {
        *ow = BM_FAIL;
    } else {
        md_reply_error(c, "ERR Invalid OVERFLOW type specified");
        return MD_ERR;
    }
    return MD_OK;
}

/* One GET/SET/INCRBY at argv[j] into *op; *used = its argument count. */
static int parse_op(md_ctx_t *c, int argc, const md_arg_t *argv, int j,
                    bf_op_t *op, int *used)
{
    int remargs = argc - j - 1;

    if (md_arg_eq(argv[j], "get") && remargs >= 2) {
        op->kind = BF_GET;
    } else if (md_arg_eq(argv[j], "set") && remargs >= 3) {
        op->kind = BF_SET;
    } else if (md_arg_eq(argv[j], "incrby") && remargs >= 3) {
        op->kind = BF_INCRBY;
    } else {
        md_reply_syntax(c);
        return MD_ERR;
    }
    if (parse_type(c, argv[j + 1], &op->sign, &op->bits) != MD_OK) return MD_ERR;
    if (bm_parse_offset(c, argv[j + 2], op->bits, &op->off) != MD_OK)
        return MD_ERR;
    op->arg = 0;
    if (op->kind != BF_GET) {
        long long v;
        if (md_parse_ll(c, argv[j + 3], &v) != MD_OK) return MD_ERR;
        op->arg = v;
    }
    *used = op->kind == BF_GET ? 3 : 4;
    return MD_OK;
}

/* Parse argv[2..argc) into *bf (ops md_alloc'd; freed here on error). */
static int parse_cmd(md_ctx_t *c, int argc, const md_arg_t *argv, bf_cmd_t *bf)
{
    enum bm_overflow ow = BM_WRAP;
    int j = 2, used;

    bf->ops = md_alloc(sizeof(bf_op_t) * (size_t)(argc / 3 + 1));
    bf->n = 0;
    bf->readonly = 1;
    bf->maxbit = 0;
    while (j < argc) {
        if (md_arg_eq(argv[j], "overflow") && j + 1 < argc) {
            if (parse_overflow(c, argv[j + 1], &ow) != MD_OK) goto err;
            j += 2;
            continue;
        }
        bf_op_t *op = &bf->ops[bf->n];
        if (parse_op(c, argc, argv, j, op, &used) != MD_OK) goto err;
        op->ow = ow;
        if (op->kind != BF_GET) {
            bf->readonly = 0;
            if (op->off + (uint64_t)op->bits - 1 > bf->maxbit)
                bf->maxbit = op->off + (uint64_t)op->bits - 1;
        }
        bf->n++;
        j += used;
    }
    return MD_OK;
err:
    md_free(bf->ops);
    return MD_ERR;
}

/* Run a SET or INCRBY on the writable string s, replying its result.
 * Returns -1 when a FAIL overflow left it undone, else 1 when the field's
 * bits changed, 0 when they did not. */
static int run_write(md_ctx_t *c, bm_str_t *s, const bf_op_t *op)
{
    int64_t old, nv;
    int over;

    old = op->sign ? bm_field_get_signed(s->w, s->len, op->off, op->bits)
                   : (int64_t)bm_field_get(s->w, s->len, op->off, op->bits);
    over = bm_field_apply(op->sign, op->bits, op->kind == BF_SET, old,
                          op->arg, op->ow, &nv);
    if (over && op->ow == BM_FAIL) {
        md_reply_null(c);
        return -1;
    }
    md_reply_int(c, op->kind == BF_SET ? old : nv);
    bm_field_set(s->w, op->off, op->bits, (uint64_t)nv);
    return nv != old;
}

static void run_get(md_ctx_t *c, const bm_str_t *s, const bf_op_t *op)
{
    if (op->sign)
        md_reply_int(c, bm_field_get_signed(s->p, s->len, op->off, op->bits));
    else
        md_reply_int(c, (long long)bm_field_get(s->p, s->len, op->off, op->bits));
}

/* Both commands; ro = BITFIELD_RO (only GET allowed). */
static int bitfield(md_ctx_t *c, int argc, const md_arg_t *argv, int ro)
{
    bf_cmd_t bf;
    bm_str_t s;
    int rc, grew, changes = 0;

    if (parse_cmd(c, argc, argv, &bf) != MD_OK) return MD_OK;
    if (bf.readonly) {
        rc = bm_open_read(c, argv[1], &s);
    } else if (ro) {
        md_reply_error(c, "ERR BITFIELD_RO only supports the GET subcommand");
        rc = MD_ERR;
    } else {
        rc = bm_open_write(c, argv[1], bf.maxbit, &s);
    }
    if (rc != MD_OK) {
        md_free(bf.ops);
        return MD_OK;
    }
    grew = !bf.readonly && (!s.exists || s.len != s.oldlen);
    md_reply_array(c, bf.n);
    for (int i = 0; i < bf.n; i++) {
        if (bf.ops[i].kind == BF_GET) {
            run_get(c, &s, &bf.ops[i]);
            continue;
        }
        /* As Redis: every write done counts once the string grew. */
        int r = run_write(c, &s, &bf.ops[i]);
        if (r == 1 || (r == 0 && grew)) changes++;
    }
    if (grew && changes == 0) changes = 1; /* see the file comment */
    if (changes) bm_changed(c, &s, argv[1], "setbit", changes);
    md_free(bf.ops);
    return MD_OK;
}

/*
 * BITFIELD's key and its flags (the variable_flags spec): read only
 * ("RO access") while the words are GETs and OVERFLOWs with their
 * arguments, else read and written ("RW access update") from the first
 * SET or INCRBY, or from the first word that does not parse, as Redis
 * assumes a write then. Only reads argv; fills out[0] and returns 1.
 */
int bitmaps_bitfield_keys(int argc, const md_arg_t *argv, md_keyref_t *out, int cap)
{
    uint32_t flags = MD_KSF_RO | MD_KSF_ACCESS;

    if (cap < 1 || argc < 2) return 0;
    for (int j = 2; j < argc; j++) {
        int remargs = argc - j - 1;
        if (md_arg_eq(argv[j], "get") && remargs >= 2) {
            j += 2;
        } else if (md_arg_eq(argv[j], "overflow") && remargs >= 1) {
            j += 1;
        } else {
            flags = MD_KSF_RW | MD_KSF_ACCESS | MD_KSF_UPDATE;
            break;
        }
    }
    out[0].pos = 1;
    out[0].flags = flags;
    return 1;
}

int bitmaps_cmd_bitfield(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return bitfield(c, argc, argv, 0);
}

int bitmaps_cmd_bitfield_ro(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return bitfield(c, argc, argv, 1);
}
