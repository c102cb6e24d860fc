/*
 * cs_type.c — the "countset" type callbacks.
 *
 * RDB: a third-party type uses Redis's module-type encoding, so that an
 * RDB file written by Modis loads in Redis with an equivalent module and
 * the other way round. The manifest declares the module type name
 * "countset-" and encoding version 1 (counterset.c); the host writes
 * type byte 7, the key and the 64-bit id before rdb_save's fields and the
 * EOF opcode after them, and calls rdb_load with the encoding version of
 * the value it found. The fields, written with the typed md_rdb_write_*
 * functions exactly as Redis's RedisModule_Save* write them:
 *
 *     UINT cap, UINT n, then n times: STRING member, UINT count
 *
 * AOF rewrite: CS.INCR commands in the value's order (highest count
 * first), the first one with CAPACITY, which rebuild the same value.
 */
#include <string.h>
#include "cs_type.h"
#include "cs_value.h"
#include "counterset.h"

#define LAYOUT_VERSION 1

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

static int t_rdb_save(md_rdb_t *r, const void *value)
{
    const cs_value_t *v = value;

    if (md_rdb_write_unsigned(r, v->cap) != MD_OK || md_rdb_write_unsigned(r, v->n) != MD_OK)
        return MD_ERR;
    for (uint32_t i = 0; i < v->n; i++) {
        if (md_rdb_write_string(r, v->e[i]->member, v->e[i]->len) != MD_OK ||
            md_rdb_write_unsigned(r, (uint64_t)v->e[i]->count) != MD_OK)
            return MD_ERR;
    }
    return MD_OK;
}

/* Returns a new value, or NULL after md_rdb_error(). The host has checked
 * the module type id; encver is the version of the value (at most ours). */
static void *t_rdb_load(md_rdb_t *r, int encver)
{
    uint64_t cap, n, count;
    cs_value_t *v = NULL;

    if (encver != CS_RDB_ENCVER) {
        md_rdb_error(r, "countset: unknown encoding version");
        return NULL;
    }
    if (md_rdb_read_unsigned(r, &cap) != MD_OK || md_rdb_read_unsigned(r, &n) != MD_OK)
        goto fail;
    if (cap < 1 || cap > CS_MAX_CAPACITY || n < 1 || n > cap) goto fail;
    v = cs_new((uint32_t)cap);
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        char *member = md_rdb_read_string(r, &len);
        int rc;

        if (member == NULL) goto fail;
        rc = md_rdb_read_unsigned(r, &count);
        if (rc == MD_OK && (count < 1 || count > (uint64_t)INT64_MAX)) rc = MD_ERR;
        if (rc == MD_OK) rc = cs_append_sorted(v, member, len, (long long)count);
        md_free(member);
        if (rc != MD_OK) goto fail;
    }
    if (cs_check_unique(v) != MD_OK) goto fail;
    return v;
fail:
    if (v) cs_free(v);
    md_rdb_error(r, "countset: truncated or corrupt value");
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
    .rdb_save = t_rdb_save,
    .rdb_load = t_rdb_load,
    .aof_rewrite = t_aof_rewrite,
};
