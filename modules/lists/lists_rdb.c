/*
 * lists_rdb.c — the "list" type callbacks: what the host calls to free,
 * copy, measure, digest, name the encoding of, persist and AOF-rewrite a
 * list value.
 *
 * RDB: a list is written as Redis 7 writes it, type 18
 * (RDB_TYPE_LIST_QUICKLIST_2): the node count, then per node the
 * container (1 plain, 2 packed) and the node's bytes as an RDB string —
 * the listpack itself for packed nodes, so the bytes are Redis's; a node
 * that list-compress-depth keeps LZF-compressed is written as its LZF blob
 * directly (Redis's rdbSaveLzfBlob: the same compressor, so the same
 * bytes). Loading also takes the older forms: 14 (quicklist of ziplists),
 * 10 (one ziplist) and 1 (a plain sequence of strings). A loaded list gets
 * the encoding Redis would give it (LIST_CONV_AUTO: one small packed node
 * is "listpack"). A payload without elements is valid but empty
 * (md_rdb_load_empty(): the host skips the key, as Redis does). Untrusted
 * blobs are validated before use.
 *
 * AOF rewrite: RPUSH commands of at most 64 elements, as Redis's
 * rewriteListObject() emits them.
 */
#include <string.h>
#include "lists_rdb.h"
#include "lists_debug.h"
#include "lists.h"
#include "quicklist.h"

#define LISTS_LAYOUT_VERSION 1
#define RDB_TYPE_LIST 1
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_LIST_QUICKLIST_2 18
#define AOF_ITEMS_PER_CMD 64

static void lt_free(void *v)
{
    ql_free(v);
}

/* Redis's lazyfreeGetFreeEffort() for lists: the number of nodes. */
static size_t lt_free_effort(const void *v)
{
    const ql_t *ql = v;
    return ql->len ? ql->len : 1;
}

static void *lt_copy(const void *v)
{
    return ql_dup(v);
}

/* MEMORY USAGE: every node counted (compressed ones at their compressed
 * size), so the figure is exact whatever SAMPLES says. */
static size_t lt_mem_usage(const void *v)
{
    return ql_mem_usage(v, 0);
}

static const char *lt_encoding(const void *v)
{
    return ql_encoding_name(v);
}

/* DEBUG DIGEST: every element in order, then the end of the sequence. */
static void lt_digest(md_digest_t *d, const void *v)
{
    ql_iter_t it;
    ql_entry_t e;
    char buf[32];

    ql_iter_init(&it, (ql_t *)v, 0, 1);
    while (ql_iter_next(&it, &e)) {
        size_t len;
        const unsigned char *s = ql_entry_bytes(&e, buf, &len);
        md_digest_add(d, s, len);
    }
    ql_iter_done(&it);
    md_digest_end_seq(d);
}

static uint8_t lt_rdb_type(const void *v)
{
    (void)v;
    return RDB_TYPE_LIST_QUICKLIST_2;
}

/* An RDB string in the LZF encoding: 0xC3, the compressed length, the
 * original length, the compressed bytes. */
static int save_lzf_blob(md_rdb_t *r, const void *blob, size_t clen, size_t sz)
{
    static const unsigned char enc_lzf = 0xC3; /* RDB_ENCVAL << 6 | RDB_ENC_LZF */

    if (md_rdb_save_raw(r, &enc_lzf, 1) != MD_OK ||
        md_rdb_save_len(r, clen) != MD_OK || md_rdb_save_len(r, sz) != MD_OK)
        return MD_ERR;
    return md_rdb_save_raw(r, blob, clen);
}

static int lt_rdb_save(md_rdb_t *r, const void *v)
{
    const ql_t *ql = v;
    const ql_node_t *nd;

    if (md_rdb_save_len(r, ql->len) != MD_OK) return MD_ERR;
    for (nd = ql->head; nd != NULL; nd = nd->next) {
        const void *blob;
        size_t clen;
        int rc;

        if (md_rdb_save_len(r, nd->container) != MD_OK) return MD_ERR;
        blob = ql_node_lzf(nd, &clen);
        if (blob != NULL) rc = save_lzf_blob(r, blob, clen, nd->sz);
        else rc = md_rdb_save_string(r, nd->data, nd->sz);
        if (rc != MD_OK) return MD_ERR;
    }
    return MD_OK;
}

static void *load_fail(md_rdb_t *r, ql_t *ql, const char *what)
{
    if (ql != NULL) ql_free(ql);
    md_rdb_error(r, what);
    return NULL;
}

static void *load_empty(md_rdb_t *r, ql_t *ql)
{
    ql_free(ql);
    md_rdb_load_empty(r);
    return NULL;
}

/* Types 18 and 14: a node count, then nodes. */
static void *load_quicklist(md_rdb_t *r, int type)
{
    uint64_t n, container;
    ql_t *ql = lists_new();

    ql->lpenc = 0;
    if (md_rdb_load_len(r, &n) != MD_OK)
        return load_fail(r, ql, "lists: truncated quicklist");
    while (n--) {
        size_t len = 0;
        unsigned char *blob;
        md_lp_t *lp;

        container = QL_PACKED;
        if (type == RDB_TYPE_LIST_QUICKLIST_2 &&
            md_rdb_load_len(r, &container) != MD_OK)
            return load_fail(r, ql, "lists: truncated quicklist node");
        if (container != QL_PACKED && container != QL_PLAIN)
            return load_fail(r, ql, "lists: quicklist node has an unknown container");
        blob = md_rdb_load_string(r, &len);
        if (blob == NULL)
            return load_fail(r, ql, "lists: truncated quicklist node");
        if (container == QL_PLAIN) {
            ql_append_plain(ql, blob, len);
            continue;
        }
        if (type == RDB_TYPE_LIST_QUICKLIST_2) {
            if (md_lp_validate(blob, len) != MD_OK) {
                md_free(blob);
                return load_fail(r, ql, "lists: corrupt listpack in a quicklist node");
            }
            lp = blob; /* a validated listpack is adopted as is */
        } else {
            lp = md_lp_from_ziplist(blob, len);
            md_free(blob);
            if (lp == NULL)
                return load_fail(r, ql, "lists: corrupt ziplist in a quicklist node");
        }
        /* Redis skips empty nodes silently. */
        if (md_lp_count(lp) == 0) md_lp_free(lp);
        else ql_append_listpack(ql, lp);
    }
    return ql;
}

/* Type 10: one ziplist. */
static void *load_ziplist(md_rdb_t *r)
{
    size_t len = 0;
    unsigned char *blob = md_rdb_load_string(r, &len);
    md_lp_t *lp;
    ql_t *ql;

    if (blob == NULL) return load_fail(r, NULL, "lists: truncated ziplist");
    lp = md_lp_from_ziplist(blob, len);
    md_free(blob);
    if (lp == NULL) return load_fail(r, NULL, "lists: corrupt ziplist");
    ql = lists_new();
    ql->lpenc = 0;
    if (md_lp_count(lp) == 0) md_lp_free(lp);
    else ql_append_listpack(ql, lp);
    return ql;
}

/* Type 1: a length, then that many strings. */
static void *load_linked(md_rdb_t *r)
{
    uint64_t n;
    ql_t *ql = lists_new();

    ql->lpenc = 0;
    if (md_rdb_load_len(r, &n) != MD_OK)
        return load_fail(r, ql, "lists: truncated list");
    while (n--) {
        size_t len = 0;
        unsigned char *s = md_rdb_load_string(r, &len);
        if (s == NULL) return load_fail(r, ql, "lists: truncated list element");
        ql_push(ql, s, len, 1);
        md_free(s);
    }
    return ql;
}

/* Returns a new value, or NULL after md_rdb_error(). */
static void *lt_rdb_load(md_rdb_t *r, int rdb_type)
{
    ql_t *ql;

    switch (rdb_type) {
    case RDB_TYPE_LIST_QUICKLIST_2:
    case RDB_TYPE_LIST_QUICKLIST:
        ql = load_quicklist(r, rdb_type);
        break;
    case RDB_TYPE_LIST_ZIPLIST:
        ql = load_ziplist(r);
        break;
    case RDB_TYPE_LIST:
        ql = load_linked(r);
        break;
    default:
        md_rdb_error(r, "lists: unknown RDB type for a list");
        return NULL;
    }
    if (ql == NULL) return NULL;
    if (ql->count == 0) return load_empty(r, ql);
    ql_conv_shrink(ql, lists_max_listpack_size, 0);
    return ql;
}

/* AOF rewrite: RPUSH key e1 ... e64, repeated. Elements are copied into
 * one buffer first: an iterator may recompress a node it left. */
static int lt_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *v)
{
    md_arg_t argv[2 + AOF_ITEMS_PER_CMD];
    size_t offs[AOF_ITEMS_PER_CMD];
    size_t used = 0, cap = 1024;
    char *buf = md_alloc(cap);
    ql_iter_t it;
    ql_entry_t e;
    int n = 0, rc = MD_OK, more;

    argv[0] = md_str("RPUSH");
    argv[1] = key;
    ql_iter_init(&it, (ql_t *)v, 0, 1);
    do {
        more = ql_iter_next(&it, &e);
        if (more) {
            char ib[32];
            size_t len;
            const unsigned char *s = ql_entry_bytes(&e, ib, &len);
            if (used + len > cap) {
                while (used + len > cap) cap *= 2;
                buf = md_realloc(buf, cap);
            }
            memcpy(buf + used, s, len);
            offs[n] = used;
            argv[2 + n].len = len;
            used += len;
            n++;
        }
        if (n == AOF_ITEMS_PER_CMD || (!more && n > 0)) {
            int i;
            for (i = 0; i < n; i++) argv[2 + i].ptr = buf + offs[i];
            if (md_aof_emit(aof, 2 + n, argv) != MD_OK) {
                rc = MD_ERR;
                break;
            }
            n = 0;
            used = 0;
        }
    } while (more);
    ql_iter_done(&it);
    md_free(buf);
    return rc;
}

const md_type_ops_t lists_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = LISTS_LAYOUT_VERSION,
    .free = lt_free,
    .free_effort = lt_free_effort,
    .copy = lt_copy,
    .mem_usage = lt_mem_usage,
    .digest = lt_digest,
    .encoding = lt_encoding,
    .rdb_type = lt_rdb_type,
    .rdb_save = lt_rdb_save,
    .rdb_load = lt_rdb_load,
    .aof_rewrite = lt_aof_rewrite,
    .debug_repr = lists_debug_repr,
};
