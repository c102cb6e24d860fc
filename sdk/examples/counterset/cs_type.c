/*
 * cs_type.c — the "countset" type callbacks.
 *
 * RDB: a third-party type uses Redis's module-type encoding, so that an
 * RDB file written by Modis loads in Redis with the same module and the
 * other way round. Redis writes a module value as:
 *
 *     type byte 7 (RDB_TYPE_MODULE_2), the key, then the value:
 *     len(module type id)          64-bit id: 9-char name + encver
 *     opcode-tagged fields          here: UINT cap, UINT n, then n times
 *                                   STRING member, UINT count
 *     len(0)                        RDB_MODULE_OPCODE_EOF
 *
 * where every field is len(opcode) followed by the field (UINT = 2, a
 * length-encoded integer; STRING = 5, a Redis string).
 *
 * SDK 1.1 has no way to declare a module-type id (see docs/sdk.md,
 * "RDB"), so rdb_save writes the id, the opcodes and the EOF marker
 * itself, and rdb_load expects the stream positioned right after the key
 * and checks the id. The bytes are exactly what Redis writes.
 *
 * AOF rewrite: CS.INCR commands in the value's order (highest count
 * first), the first one with CAPACITY, which rebuild the same value.
 */
#include <string.h>
#include "cs_type.h"
#include "cs_value.h"
#include "counterset.h"

#define LAYOUT_VERSION 1
#define RDB_TYPE_MODULE_2 7
#define OP_EOF 0
#define OP_UINT 2
#define OP_STRING 5

uint64_t cs_module_type_id(const char *name9, unsigned encver)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "abcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t id = 0;

    if (encver > 1023 || strlen(name9) != 9) return 0;
    for (int i = 0; i < 9; i++) {
        const char *p = strchr(set, name9[i]);
        if (p == NULL || name9[i] == '\0') return 0;
        id = id << 6 | (uint64_t)(p - set);
    }
    return id << 10 | encver;
}

static void t_free(void *v) { cs_free(v); }

/* Over 64 the host frees the value on its lazy-free thread. */
static size_t t_free_effort(const void *v) { return ((const cs_value_t *)v)->n; }

static void *t_copy(const void *v) { return cs_dup(v); }

static size_t t_mem_usage(const void *v) { return cs_mem_usage(v); }

/* DEBUG DIGEST: one sequence per member (member, count), then one for the
 * capacity; sequences are combined order-independently by the host. */
static void t_digest(md_digest_t *d, const void *value)
{
    const cs_value_t *v = value;
    char buf[32];
    int n;

    for (uint32_t i = 0; i < v->n; i++) {
        md_digest_add(d, v->e[i]->member, v->e[i]->len);
        n = md_ll2str(buf, sizeof buf, v->e[i]->count);
        md_digest_add(d, buf, (size_t)n);
        md_digest_end_seq(d);
    }
    n = md_ll2str(buf, sizeof buf, v->cap);
    md_digest_add(d, buf, (size_t)n);
    md_digest_end_seq(d);
}

static const char *t_encoding(const void *v)
{
    (void)v;
    return "array";
}

static uint8_t t_rdb_type(const void *v)
{
    (void)v;
    return RDB_TYPE_MODULE_2;
}

static int save_uint(md_rdb_t *r, uint64_t x)
{
    if (md_rdb_save_len(r, OP_UINT) != MD_OK) return MD_ERR;
    return md_rdb_save_len(r, x);
}

static int t_rdb_save(md_rdb_t *r, const void *value)
{
    const cs_value_t *v = value;

    if (md_rdb_save_len(r, cs_module_type_id(CS_RDB_NAME, CS_RDB_ENCVER)) != MD_OK ||
        save_uint(r, v->cap) != MD_OK || save_uint(r, v->n) != MD_OK)
        return MD_ERR;
    for (uint32_t i = 0; i < v->n; i++) {
        if (md_rdb_save_len(r, OP_STRING) != MD_OK ||
            md_rdb_save_string(r, v->e[i]->member, v->e[i]->len) != MD_OK ||
            save_uint(r, (uint64_t)v->e[i]->count) != MD_OK)
            return MD_ERR;
    }
    return md_rdb_save_len(r, OP_EOF);
}

/* Read len(op) and check it is `op`. */
static int load_op(md_rdb_t *r, uint64_t op)
{
    uint64_t got;
    return md_rdb_load_len(r, &got) == MD_OK && got == op ? MD_OK : MD_ERR;
}

static int load_uint(md_rdb_t *r, uint64_t *x)
{
    if (load_op(r, OP_UINT) != MD_OK) return MD_ERR;
    return md_rdb_load_len(r, x);
}

/* Returns a new value, or NULL after md_rdb_error(). */
static void *t_rdb_load(md_rdb_t *r, int rdb_type)
{
    const uint64_t ours = cs_module_type_id(CS_RDB_NAME, 0);
    uint64_t id, cap, n, count;
    cs_value_t *v = NULL;
    const char *why = "countset: truncated or corrupt value";

    if (rdb_type != RDB_TYPE_MODULE_2) {
        md_rdb_error(r, "countset: unexpected RDB type for a countset value");
        return NULL;
    }
    if (md_rdb_load_len(r, &id) != MD_OK) goto fail;
    if ((id >> 10) != (ours >> 10)) {
        why = "countset: the value belongs to another module type";
        goto fail;
    }
    if ((id & 1023) > CS_RDB_ENCVER) {
        why = "countset: the value was written by a newer module (encver)";
        goto fail;
    }
    if (load_uint(r, &cap) != MD_OK || load_uint(r, &n) != MD_OK) goto fail;
    if (cap < 1 || cap > CS_MAX_CAPACITY || n < 1 || n > cap) goto fail;
    v = cs_new((uint32_t)cap);
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        char *member;
        int rc;

        if (load_op(r, OP_STRING) != MD_OK) goto fail;
        member = md_rdb_load_string(r, &len);
        if (member == NULL) goto fail;
        rc = load_uint(r, &count);
        if (rc == MD_OK && (count < 1 || count > (uint64_t)INT64_MAX)) rc = MD_ERR;
        if (rc == MD_OK) rc = cs_append_sorted(v, member, len, (long long)count);
        md_free(member);
        if (rc != MD_OK) goto fail;
    }
    if (cs_check_unique(v) != MD_OK || load_op(r, OP_EOF) != MD_OK) goto fail;
    return v;
fail:
    if (v) cs_free(v);
    md_rdb_error(r, why);
    return NULL;
}

/* Commands that rebuild `key` from nothing (the host emits the TTL). */
static int t_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *value)
{
    const cs_value_t *v = value;
    char cnt[32], cap[32];

    for (uint32_t i = 0; i < v->n; i++) {
        md_arg_t argv[6] = {md_str("CS.INCR"), key,
                            {v->e[i]->member, v->e[i]->len},
                            {cnt, 0}, md_str("CAPACITY"), {cap, 0}};
        argv[3].len = (size_t)md_ll2str(cnt, sizeof cnt, v->e[i]->count);
        argv[5].len = (size_t)md_ll2str(cap, sizeof cap, v->cap);
        if (md_aof_emit(aof, i == 0 ? 6 : 4, argv) != MD_OK) return MD_ERR;
    }
    return MD_OK;
}

const md_type_ops_t cs_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = LAYOUT_VERSION,
    .free = t_free,
    .free_effort = t_free_effort,
    .copy = t_copy,
    .mem_usage = t_mem_usage,
    .digest = t_digest,
    .encoding = t_encoding,
    .rdb_type = t_rdb_type,
    .rdb_save = t_rdb_save,
    .rdb_load = t_rdb_load,
    .aof_rewrite = t_aof_rewrite,
};
