/*
 * sdk_rdb_module.c — the SDK's typed RDB fields (1.2): what Redis's
 * RedisModule_Save* / Load* write inside a module-type value or an aux
 * record. Every field is its opcode (RDB_MODULE_OPCODE_*, length-encoded)
 * followed by the field itself:
 *
 *   UINT 2    a length-encoded integer
 *   SINT 1    the same, holding the two's complement bits of an int64
 *   FLOAT 3   4-byte binary float
 *   DOUBLE 4  8-byte binary double
 *   STRING 5  an RDB string (integer or LZF encoded like Redis)
 *
 * Only typed streams take these (sdk_rdb.h); a read checks the opcode in
 * the stream and fails with an error naming the expected and found ones.
 */
#include "sdk_ctx.h"
#include "sdk_rdb.h"

#include <string.h>

static const char *opcode_name(uint64_t op)
{
    static const char *const names[] = {"EOF", "signed integer", "unsigned integer",
                                        "float", "double", "string"};
    return op < sizeof(names) / sizeof(names[0]) ? names[op] : "unknown";
}

/* The stream must be typed; 1 when it is not (error recorded). */
static int untyped(md_rdb_t *r)
{
    if (r->typed) return 0;
    rdb_io_fail(r->io, "md_rdb_write_*/md_rdb_read_* fields are only for module-type "
                "values and aux data");
    return 1;
}

static int put_op(md_rdb_t *r, uint64_t op)
{
    return untyped(r) || rdb_save_len(r->io, op) ? -1 : 0;
}

/* Read the next opcode and check it is `want`. */
static int get_op(md_rdb_t *r, uint64_t want)
{
    uint64_t op;
    if (untyped(r) || rdb_load_len(r->io, &op, NULL)) return -1;
    if (op == want) return 0;
    rdb_io_fail(r->io, "module value field: expected a %s (opcode %llu), found %s "
                "(opcode %llu)", opcode_name(want), (unsigned long long)want,
                opcode_name(op), (unsigned long long)op);
    return -1;
}

static int w_unsigned(md_rdb_t *r, uint64_t v)
{
    return put_op(r, RDB_MODULE_OPCODE_UINT) || rdb_save_len(r->io, v) ? MD_ERR : MD_OK;
}

static int w_signed(md_rdb_t *r, int64_t v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof(u));
    return put_op(r, RDB_MODULE_OPCODE_SINT) || rdb_save_len(r->io, u) ? MD_ERR : MD_OK;
}

static int w_float(md_rdb_t *r, float v)
{
    return put_op(r, RDB_MODULE_OPCODE_FLOAT) || rdb_save_float(r->io, v) ? MD_ERR : MD_OK;
}

static int w_double(md_rdb_t *r, double v)
{
    return put_op(r, RDB_MODULE_OPCODE_DOUBLE) || rdb_save_double(r->io, v) ? MD_ERR : MD_OK;
}

static int w_string(md_rdb_t *r, const void *p, size_t n)
{
    return put_op(r, RDB_MODULE_OPCODE_STRING) || rdb_save_string(r->io, p, n) ? MD_ERR
                                                                               : MD_OK;
}

static int r_unsigned(md_rdb_t *r, uint64_t *v)
{
    return get_op(r, RDB_MODULE_OPCODE_UINT) || rdb_load_len(r->io, v, NULL) ? MD_ERR : MD_OK;
}

static int r_signed(md_rdb_t *r, int64_t *v)
{
    uint64_t u;
    if (get_op(r, RDB_MODULE_OPCODE_SINT) || rdb_load_len(r->io, &u, NULL)) return MD_ERR;
    memcpy(v, &u, sizeof(u));
    return MD_OK;
}

static int r_float(md_rdb_t *r, float *v)
{
    return get_op(r, RDB_MODULE_OPCODE_FLOAT) || rdb_load_float(r->io, v) ? MD_ERR : MD_OK;
}

static int r_double(md_rdb_t *r, double *v)
{
    return get_op(r, RDB_MODULE_OPCODE_DOUBLE) || rdb_load_double(r->io, v) ? MD_ERR : MD_OK;
}

static void *r_string(md_rdb_t *r, size_t *len)
{
    return get_op(r, RDB_MODULE_OPCODE_STRING) ? NULL : sdk_rdb_string(r, len);
}

void sdk_api_fill_rdb_module(md_api_t *a)
{
    a->rdb_write_unsigned = w_unsigned;
    a->rdb_write_signed = w_signed;
    a->rdb_write_float = w_float;
    a->rdb_write_double = w_double;
    a->rdb_write_string = w_string;
    a->rdb_read_unsigned = r_unsigned;
    a->rdb_read_signed = r_signed;
    a->rdb_read_float = r_float;
    a->rdb_read_double = r_double;
    a->rdb_read_string = r_string;
}
