/*
 * strings_rdb.c — the "string" type callbacks: what the host calls to
 * free, copy, measure, digest, name the encoding of, persist (RDB type 0,
 * byte-for-byte what Redis writes) and AOF-rewrite a string value.
 *
 * RDB: an int-encoded value is written with md_rdb_save_ll_string() and
 * any other with md_rdb_save_string(), exactly as Redis's
 * rdbSaveStringObject() does (the host applies Redis's integer and LZF
 * encodings). Loading applies Redis's tryObjectEncoding(), so a loaded
 * value has the encoding Redis would give it.
 */
#include "strings_rdb.h"
#include "strings_value.h"

#define STRINGS_LAYOUT_VERSION 1

static size_t st_free_effort(const void *v)
{
    (void)v;
    return 1; /* a string is one allocation at most */
}

/* DEBUG DIGEST: the value's bytes as one sequence. */
static void st_digest(md_digest_t *d, const void *v)
{
    char buf[SV_INT_BUF];
    md_arg_t a = sv_bytes(v, buf);
    md_digest_add(d, a.ptr, a.len);
    md_digest_end_seq(d);
}

static uint8_t st_rdb_type(const void *v)
{
    (void)v;
    return 0; /* RDB_TYPE_STRING */
}

static int st_rdb_save(md_rdb_t *r, const void *v)
{
    long long x;
    char buf[SV_INT_BUF];

    if (sv_int_value(v, &x)) return md_rdb_save_ll_string(r, x);
    md_arg_t a = sv_bytes(v, buf);
    return md_rdb_save_string(r, a.ptr, a.len);
}

/* Returns a new value, or NULL after md_rdb_error(). */
static void *st_rdb_load(md_rdb_t *r, int rdb_type)
{
    size_t len = 0;
    void *buf;

    if (rdb_type != 0) {
        md_rdb_error(r, "strings: unknown RDB type for a string");
        return NULL;
    }
    buf = md_rdb_load_string(r, &len);
    if (buf == NULL) {
        md_rdb_error(r, "strings: truncated or corrupt string payload");
        return NULL;
    }
    return sv_from_buf(buf, len);
}

/* AOF rewrite: SET key value (the host emits the TTL separately). */
static int st_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *v)
{
    char buf[SV_INT_BUF];
    md_arg_t argv[3] = {md_str("SET"), key, sv_bytes(v, buf)};
    return md_aof_emit(aof, 3, argv);
}

const md_type_ops_t strings_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = STRINGS_LAYOUT_VERSION,
    .free = sv_free,
    .free_effort = st_free_effort,
    .copy = sv_dup,
    .mem_usage = sv_mem_usage,
    .digest = st_digest,
    .encoding = sv_encoding_name,
    .rdb_type = st_rdb_type,
    .rdb_save = st_rdb_save,
    .rdb_load = st_rdb_load,
    .aof_rewrite = st_aof_rewrite,
};
