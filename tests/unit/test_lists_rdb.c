/*
 * test_lists_rdb.c — the "list" type callbacks of the lists module
 * (modules/lists/lists_rdb.c): RDB save and load round trips for every
 * node shape (small and big lists, count and byte fills, compressed inner
 * nodes, plain nodes), the exact bytes of the type-18 payload, the
 * encodings a loaded list gets, the legacy forms (types 1, 10, 14),
 * corrupt and empty payloads (empty ones reported with md_rdb_load_empty),
 * compressed nodes written as LZF blobs at list-compress-depth 0, 1 and 2,
 * AOF rewrite batches, copies, digests; then
 * every list key of the Redis-written RDB fixtures in
 * tests/fixtures/rdb (Redis 7.0, a 2024 development build, and
 * the old-encoding files) loaded and compared with the .expected.jsonl
 * files; then a live comparison with redis-server: lists built by the same
 * pushes (and the same list-compress-depth) must give the same RDB bytes
 * as Redis's DUMP payload (skipped when redis-server is not installed).
 *
 * The stand-in md_api_t uses malloc, the host's listpack.c and
 * persist/rdb_io.c (the code behind the SDK's listpack and RDB entries),
 * and liblzf for node compression.
 */
#include "../../modules/lists/quicklist.c"
#include "../../modules/lists/lists_rdb.c"
#include "../../modules/lists/lists_debug.c"
#include "listpack.h"
#include "persist/rdb_io.h"

#include <arpa/inet.h>
#include <check.h>
#include <liblzf/lzf.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RDB_FIXTURE_DIR
#define RDB_FIXTURE_DIR "tests/fixtures/rdb"
#endif

#include "stub_alloc.h"

md_type_t *lists_type;
long long lists_max_listpack_size = -2;
long long lists_compress_depth = 0;

ql_t *lists_new(void)
{
    return ql_new((int)lists_max_listpack_size, (int)lists_compress_depth);
}

struct md_rdb {
    rdb_io_t io;
    int empty;
};

/* ------------------------------------------------------------------ */
/* Stand-in API                                                        */
/* ------------------------------------------------------------------ */

static void t_log(md_module_t *m, int level, const char *fmt, va_list ap) { (void)m; (void)level; (void)fmt; (void)ap; }

static void *la_alloc(void *ud, size_t n) { return t_alloc(ud, n); }
static void *la_realloc(void *ud, void *p, size_t n) { return t_realloc(ud, p, n); }
static void la_free(void *ud, void *p) { t_free(ud, p); }
static const lp_alloc_t LA = {la_alloc, la_realloc, la_free, NULL};

static md_lp_t *w_new(md_module_t *m) { (void)m; return lp_new(&LA); }
static void w_free(md_module_t *m, md_lp_t *lp) { (void)m; lp_free(&LA, lp); }
static md_lp_t *w_insert(md_module_t *m, md_lp_t *lp, const void *s, size_t n,
                         unsigned char *p, int where, unsigned char **newp)
{ (void)m; return lp_insert(&LA, lp, s, n, p, where, newp); }
static md_lp_t *w_delete(md_module_t *m, md_lp_t *lp, unsigned char *p, unsigned char **nextp)
{ (void)m; return lp_delete(&LA, lp, p, nextp); }
static md_lp_t *w_delete_range(md_module_t *m, md_lp_t *lp, long index, unsigned long num)
{ (void)m; return lp_delete_range(&LA, lp, index, num); }
static md_lp_t *w_dup(md_module_t *m, const md_lp_t *lp) { (void)m; return lp_dup(&LA, lp); }
static int w_validate(const unsigned char *b, size_t n) { return lp_validate(b, n) == 0 ? MD_OK : MD_ERR; }
static md_lp_t *w_from_ziplist(md_module_t *m, const unsigned char *zl, size_t n)
{ (void)m; return lp_from_ziplist(&LA, zl, n); }

/* RDB entries over rdb_io, strings from the counting allocator. */
static void *ra_alloc(void *ctx, size_t n) { return t_alloc(ctx, n); }
static void ra_free(void *ctx, void *p) { t_free(ctx, p); }
static const rdb_alloc_t RA = {ra_alloc, ra_free, NULL};

static int s_len(md_rdb_t *r, uint64_t len) { return rdb_save_len(&r->io, len) ? MD_ERR : MD_OK; }
static int s_string(md_rdb_t *r, const void *p, size_t n) { return rdb_save_string(&r->io, p, n) ? MD_ERR : MD_OK; }
static int l_len(md_rdb_t *r, uint64_t *len) { return rdb_load_len(&r->io, len, NULL) ? MD_ERR : MD_OK; }
static int s_raw(md_rdb_t *r, const void *p, size_t n) { return rdb_save_raw(&r->io, p, n) ? MD_ERR : MD_OK; }
static void *l_string(md_rdb_t *r, size_t *len) { return rdb_load_string(&r->io, len, &RA); }
static void r_error(md_rdb_t *r, const char *what) { rdb_io_fail(&r->io, "%s", what); }
static void r_empty(md_rdb_t *r) { r->empty = 1; }

/* AOF: collect the emitted commands as text lines "RPUSH k a b\n". */
static char aof_text[1 << 20];
static size_t aof_len;
static int aof_cmds;
static int a_emit(md_aof_t *a, int argc, const md_arg_t *argv)
{
    (void)a;
    for (int i = 0; i < argc; i++) {
        if (aof_len + argv[i].len + 2 > sizeof aof_text) return MD_ERR;
        memcpy(aof_text + aof_len, argv[i].ptr, argv[i].len);
        aof_len += argv[i].len;
        aof_text[aof_len++] = i + 1 < argc ? ' ' : '\n';
    }
    aof_cmds++;
    return MD_OK;
}

/* Digest: a running hash of every byte and sequence end. */
struct md_digest { uint64_t h; };
static void d_add(md_digest_t *d, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) d->h = (d->h ^ s[i]) * 1099511628211ULL;
    d->h = (d->h ^ 0x100) * 1099511628211ULL;
}
static void d_end(md_digest_t *d) { d->h = (d->h ^ 0x200) * 1099511628211ULL; }

static size_t z_compress(const void *in, size_t n, void *out, size_t cap)
{ return lzf_compress(in, (unsigned)n, out, (unsigned)cap); }
static size_t z_decompress(const void *in, size_t n, void *out, size_t cap)
{ return lzf_decompress(in, (unsigned)n, out, (unsigned)cap); }

static md_api_t test_api;

static void setup(void)
{
    memset(&test_api, 0, sizeof test_api);
    test_api.size = sizeof test_api;
    test_api.alloc = t_alloc;
    test_api.calloc = t_calloc;
    test_api.realloc = t_realloc;
    test_api.free = t_free;
    test_api.usable = t_usable;
    test_api.log = t_log;
    test_api.lp_new = w_new;
    test_api.lp_free = w_free;
    test_api.lp_bytes = lp_bytes;
    test_api.lp_count = lp_count;
    test_api.lp_first = lp_first;
    test_api.lp_last = lp_last;
    test_api.lp_next = lp_next;
    test_api.lp_prev = lp_prev;
    test_api.lp_seek = lp_seek;
    test_api.lp_get = lp_get;
    test_api.lp_insert = w_insert;
    test_api.lp_delete = w_delete;
    test_api.lp_delete_range = w_delete_range;
    test_api.lp_find = lp_find;
    test_api.lp_validate = w_validate;
    test_api.lp_dup = w_dup;
    test_api.lp_from_ziplist = w_from_ziplist;
    test_api.rdb_save_len = s_len;
    test_api.rdb_save_string = s_string;
    test_api.rdb_save_raw = s_raw;
    test_api.rdb_load_len = l_len;
    test_api.rdb_load_empty = r_empty;
    test_api.rdb_load_string = l_string;
    test_api.rdb_error = r_error;
    test_api.aof_emit = a_emit;
    test_api.digest_add = d_add;
    test_api.digest_end_seq = d_end;
    md__api = &test_api;
    md__self = NULL;
    live_blocks = 0;
    lists_max_listpack_size = -2;
    lists_compress_depth = 0;
    ql_lzf.compress = z_compress;
    ql_lzf.decompress = z_decompress;
}

static void teardown(void)
{
    ck_assert_int_eq(live_blocks, 0);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Save v into a new buffer (rdbcompression off unless compress). */
static unsigned char *save(const ql_t *ql, int compress, size_t *len)
{
    md_rdb_t r;
    unsigned char *out;

    rdb_io_mem_writer(&r.io, NULL);
    r.io.compress = compress;
    ck_assert_int_eq(lists_type_ops.rdb_save(&r, ql), MD_OK);
    out = rdb_io_mem_take(&r.io, len);
    rdb_io_release(&r.io);
    return out;
}

/* Whether the last load() said "valid but empty" (md_rdb_load_empty). */
static int last_empty;

/* Load a payload of `type`; NULL (error text in err) on failure. */
static ql_t *load(int type, const void *p, size_t n, char *err, size_t errlen)
{
    md_rdb_t r;
    ql_t *ql;

    rdb_io_mem_reader(&r.io, p, n, NULL);
    r.empty = 0;
    ql = lists_type_ops.rdb_load(&r, type);
    last_empty = r.empty;
    if (ql == NULL && err) snprintf(err, errlen, "%s", rdb_io_error(&r.io) ? rdb_io_error(&r.io) : "");
    if (ql != NULL) ck_assert_uint_eq(r.io.pos, n);
    rdb_io_release(&r.io);
    return ql;
}

/* Both lists hold the same elements and the same node shapes. */
static void same_lists(ql_t *a, ql_t *b, int same_nodes)
{
    ql_iter_t ia, ib;
    ql_entry_t ea, eb;
    char ba[32], bb[32];

    ck_assert_int_eq(ql_check(a), 0);
    ck_assert_int_eq(ql_check(b), 0);
    ck_assert_uint_eq(a->count, b->count);
    ql_iter_init(&ia, a, 0, 1);
    ql_iter_init(&ib, b, 0, 1);
    while (ql_iter_next(&ia, &ea)) {
        size_t la, lb;
        const unsigned char *sa, *sb;
        ck_assert(ql_iter_next(&ib, &eb));
        sa = ql_entry_bytes(&ea, ba, &la);
        sb = ql_entry_bytes(&eb, bb, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert(memcmp(sa, sb, la) == 0);
    }
    ck_assert(!ql_iter_next(&ib, &eb));
    ql_iter_done(&ia);
    ql_iter_done(&ib);
    if (same_nodes) {
        const ql_node_t *x = a->head, *y = b->head;
        ck_assert_uint_eq(a->len, b->len);
        for (; x && y; x = x->next, y = y->next) {
            unsigned char *tx = x->lzf ? lzf_expand(x) : NULL;
            unsigned char *ty = y->lzf ? lzf_expand(y) : NULL;
            const unsigned char *bx = tx ? tx : x->data, *by = ty ? ty : y->data;
            ck_assert_int_eq(x->container, y->container);
            ck_assert_uint_eq(x->sz, y->sz);
            ck_assert(memcmp(bx, by, x->sz) == 0);
            if (tx) md_free(tx);
            if (ty) md_free(ty);
        }
    }
}

/* What LPUSH/RPUSH do: the conversion check for the batch, then pushes. */
static void push_batch(ql_t *ql, int tail, const char *const *v, const size_t *lens, int n)
{
    size_t add = 0;
    for (int i = 0; i < n; i++) add += lens[i];
    ql_conv_grow(ql, lists_max_listpack_size, add, (unsigned long)n);
    for (int i = 0; i < n; i++) ql_push(ql, v[i], lens[i], tail);
}

static void push_strs(ql_t *ql, int tail, int n, const char *fmt, int pad)
{
    static char bufs[512][600];
    const char *v[512];
    size_t l[512];
    for (int i = 0; i < n; i++) {
        int k = snprintf(bufs[i], sizeof bufs[i], fmt, i);
        for (int j = 0; j < pad && k < 590; j++) bufs[i][k++] = 'p';
        bufs[i][k] = 0;
        v[i] = bufs[i];
        l[i] = (size_t)k;
    }
    push_batch(ql, tail, v, l, n);
}

/* ------------------------------------------------------------------ */
/* Round trips and formats                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_payload_bytes_small)
{
    ql_t *ql = lists_new();
    const char *v[] = {"a", "1", "hello"};
    size_t l[] = {1, 1, 5}, n;
    unsigned char *out;
    /* node count 1, container 2, then the listpack as a length-prefixed
     * string: 6-byte header, "a", int 1, "hello", end. */
    static const unsigned char want[] = {
        0x01, 0x02, 0x13,
        0x13, 0, 0, 0, 0x03, 0,
        0x81, 'a', 0x02,
        0x01, 0x01,
        0x85, 'h', 'e', 'l', 'l', 'o', 0x06,
        0xff};

    push_batch(ql, 1, v, l, 3);
    out = save(ql, 0, &n);
    ck_assert_uint_eq(n, sizeof want);
    ck_assert(memcmp(out, want, n) == 0);
    ck_assert_int_eq(lists_type_ops.rdb_type(ql), 18);
    free(out);
    ql_free(ql);
}
END_TEST

static void round_trip(ql_t *ql, int compress_rdb, const char *want_enc)
{
    size_t n;
    unsigned char *out = save(ql, compress_rdb, &n);
    char err[256];
    ql_t *back = load(18, out, n, err, sizeof err);

    ck_assert_msg(back != NULL, "load failed: %s", err);
    same_lists(ql, back, 1);
    ck_assert_str_eq(lists_type_ops.encoding(back), want_enc);
    ql_free(back);
    free(out);
}

START_TEST(test_round_trips)
{
    static const struct { long long fill; long long depth; int n, pad, tail; const char *enc; } cases[] = {
        {-2, 0, 3, 0, 1, "listpack"},
        {-2, 0, 300, 0, 1, "listpack"},
        {-2, 0, 500, 40, 1, "quicklist"},
        {-2, 0, 500, 40, 0, "quicklist"},
        {-1, 2, 500, 100, 1, "quicklist"},
        {5, 0, 23, 0, 1, "quicklist"},
        {5, 1, 500, 3, 0, "quicklist"},
        {128, 0, 100, 0, 1, "listpack"},
        {-5, 0, 500, 500, 1, "quicklist"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ql_t *ql;
        lists_max_listpack_size = cases[i].fill;
        lists_compress_depth = cases[i].depth;
        ql = lists_new();
        push_strs(ql, cases[i].tail, cases[i].n, "%d", cases[i].pad);
        ck_assert_str_eq(ql_encoding_name(ql), i < 2 || i == 7 ? "listpack" : "quicklist");
        round_trip(ql, 0, cases[i].enc);
        round_trip(ql, 1, cases[i].enc);
        ql_free(ql);
    }
}
END_TEST

START_TEST(test_plain_node_round_trip)
{
    ql_t *ql = lists_new();
    unsigned char *p = md_alloc(10);
    size_t n;
    unsigned char *out;
    ql_t *back;

    ql->lpenc = 0;
    ql_push(ql, "x", 1, 1);
    memcpy(p, "0123456789", 10);
    ql_append_plain(ql, p, 10);
    ql_push(ql, "y", 1, 1);
    out = save(ql, 0, &n);
    /* 3 nodes; the plain one is container 1 with the bare element. */
    ck_assert_int_eq(out[0], 3);
    back = load(18, out, n, NULL, 0);
    ck_assert_ptr_nonnull(back);
    same_lists(ql, back, 1);
    ck_assert_int_eq(back->head->next->container, QL_PLAIN);
    ck_assert_str_eq(ql_encoding_name(back), "quicklist");
    ql_free(back);
    free(out);
    ql_free(ql);
}
END_TEST

START_TEST(test_legacy_and_bad_payloads)
{
    /* Type 1: a count and strings (one int-encoded). */
    static const unsigned char linked[] = {0x03, 0x01, 'a', 0xc0, 0x7b, 0x02, 'b', 'c'};
    /* Type 10: a ziplist of "a", 1 (zlbytes 16, tail 13, 2 entries). */
    static const unsigned char zl[] = {
        0x10, 0, 0, 0, 0x0d, 0, 0, 0, 0x02, 0,
        0x00, 0x01, 'a',
        0x03, 0xf2,
        0xff};
    unsigned char buf[64];
    char err[256];
    ql_t *ql;
    ql_entry_t e;

    ql = load(1, linked, sizeof linked, err, sizeof err);
    ck_assert_msg(ql != NULL, "%s", err);
    ck_assert_uint_eq(ql->count, 3);
    ck_assert_str_eq(ql_encoding_name(ql), "listpack");
    ql_peek(ql, 0, &e);
    ck_assert(e.s && e.len == 1 && e.s[0] == 'a');
    ql_pop_discard(ql, 0);
    ql_peek(ql, 0, &e);
    ck_assert_ptr_null(e.s);
    ck_assert_int_eq(e.ll, 123);
    ql_free(ql);

    buf[0] = sizeof zl;
    memcpy(buf + 1, zl, sizeof zl);
    ql = load(10, buf, 1 + sizeof zl, err, sizeof err);
    ck_assert_msg(ql != NULL, "%s", err);
    ck_assert_uint_eq(ql->count, 2);
    ck_assert_str_eq(ql_encoding_name(ql), "listpack");
    ql_free(ql);

    /* Type 14: node count, then ziplists. */
    buf[0] = 2;
    buf[1] = sizeof zl;
    memcpy(buf + 2, zl, sizeof zl);
    buf[2 + sizeof zl] = sizeof zl;
    memcpy(buf + 3 + sizeof zl, zl, sizeof zl);
    ql = load(14, buf, 3 + 2 * sizeof zl, err, sizeof err);
    ck_assert_msg(ql != NULL, "%s", err);
    ck_assert_uint_eq(ql->count, 4);
    ck_assert_uint_eq(ql->len, 2);
    ck_assert_str_eq(ql_encoding_name(ql), "quicklist");
    ql_free(ql);

    /* A corrupt ziplist, a truncated payload, a bad container, an
     * invalid listpack, an unknown type: errors, never "empty". */
    buf[1] = sizeof zl;
    memcpy(buf + 2, zl, sizeof zl);
    buf[2 + 3] = 0x7f;
    ck_assert_ptr_null(load(14, buf, 2 + sizeof zl, err, sizeof err));
    ck_assert(err[0] != '\0' && !last_empty);
    ck_assert_ptr_null(load(1, linked, sizeof linked - 2, err, sizeof err));
    ck_assert(err[0] != '\0' && !last_empty);
    {
        static const unsigned char badc[] = {0x01, 0x03, 0x01, 'a'};
        static const unsigned char badlp[] = {0x01, 0x02, 0x07, 7, 0, 0, 0, 1, 0, 0xff};
        static const unsigned char empty[] = {0x00};
        static const unsigned char emptylp[] = {0x01, 0x02, 0x07, 7, 0, 0, 0, 0, 0, 0xff};
        /* An empty ziplist (zlbytes 11, tail 10, 0 entries). */
        static const unsigned char emptyzl[] = {0x0b, 0x0b, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0xff};
        unsigned char zl2[2 + sizeof emptyzl];
        ck_assert_ptr_null(load(18, badc, sizeof badc, err, sizeof err));
        ck_assert(err[0] != '\0' && !last_empty);
        ck_assert_ptr_null(load(18, badlp, sizeof badlp, err, sizeof err));
        ck_assert(err[0] != '\0' && !last_empty);
        ck_assert_ptr_null(load(99, empty, sizeof empty, err, sizeof err));
        ck_assert(err[0] != '\0' && !last_empty);
        /* Valid but empty: no nodes (18, 14), only empty nodes (18, 14),
         * no elements (1), an empty ziplist (10): no error, "empty". */
        ck_assert_ptr_null(load(18, empty, sizeof empty, err, sizeof err));
        ck_assert_str_eq(err, "");
        ck_assert_int_eq(last_empty, 1);
        ck_assert_ptr_null(load(14, empty, sizeof empty, err, sizeof err));
        ck_assert(err[0] == '\0' && last_empty);
        ck_assert_ptr_null(load(18, emptylp, sizeof emptylp, err, sizeof err));
        ck_assert(err[0] == '\0' && last_empty);
        ck_assert_ptr_null(load(1, empty, sizeof empty, err, sizeof err));
        ck_assert(err[0] == '\0' && last_empty);
        ck_assert_ptr_null(load(10, emptyzl, sizeof emptyzl, err, sizeof err));
        ck_assert(err[0] == '\0' && last_empty);
        zl2[0] = 1;
        memcpy(zl2 + 1, emptyzl, sizeof emptyzl);
        ck_assert_ptr_null(load(14, zl2, 1 + sizeof emptyzl, err, sizeof err));
        ck_assert(err[0] == '\0' && last_empty);
    }
}
END_TEST

/* Which nodes list-compress-depth keeps compressed: exactly those more
 * than `depth` nodes from both ends (none at depth 0). */
static void check_compressed_window(const ql_t *ql, int depth)
{
    unsigned long i = 0;
    for (const ql_node_t *nd = ql->head; nd; nd = nd->next, i++) {
        int inner = depth > 0 && i >= (unsigned long)depth && i + depth < ql->len;
        ck_assert_msg(nd->lzf == inner, "depth %d: node %lu of %lu lzf=%d", depth, i,
                      ql->len, nd->lzf);
    }
}

START_TEST(test_compressed_nodes_lzf)
{
    size_t base_mem = 0;

    for (int depth = 0; depth <= 2; depth++) {
        ql_t *ql, *back;
        size_t n, mem;
        unsigned char *out;
        md_rdb_t r;
        uint64_t count, container;

        lists_max_listpack_size = -1;
        lists_compress_depth = depth;
        ql = lists_new();
        push_strs(ql, 1, 500, "compressible-%d-", 60);
        ck_assert_uint_gt(ql->len, 6);
        check_compressed_window(ql, depth);
        mem = lists_type_ops.mem_usage(ql);
        if (depth == 0) base_mem = mem;
        else ck_assert_uint_lt(mem * 2, base_mem); /* the compressed form counts */

        /* rdbcompression off: raw nodes are plain strings, compressed ones
         * their LZF blob (0xC3, clen, len, bytes), as Redis writes them. */
        out = save(ql, 0, &n);
        rdb_io_mem_reader(&r.io, out, n, NULL);
        ck_assert_int_eq(rdb_load_len(&r.io, &count, NULL), 0);
        ck_assert_uint_eq(count, ql->len);
        for (const ql_node_t *nd = ql->head; nd; nd = nd->next) {
            size_t len;
            unsigned char *s;
            ck_assert_int_eq(rdb_load_len(&r.io, &container, NULL), 0);
            ck_assert_uint_eq(container, QL_PACKED);
            ck_assert_int_eq(out[r.io.pos] == 0xC3, nd->lzf);
            if (nd->lzf) {
                size_t clen;
                const unsigned char *blob = ql_node_lzf(nd, &clen);
                uint64_t c, u;
                unsigned char hdr;
                ck_assert_int_eq(rdb_load_raw(&r.io, &hdr, 1), 0);
                ck_assert_int_eq(rdb_load_len(&r.io, &c, NULL), 0);
                ck_assert_int_eq(rdb_load_len(&r.io, &u, NULL), 0);
                ck_assert_uint_eq(c, clen);
                ck_assert_uint_eq(u, nd->sz);
                s = malloc(clen);
                ck_assert_int_eq(rdb_load_raw(&r.io, s, clen), 0);
                ck_assert(memcmp(s, blob, clen) == 0);
                free(s);
            } else {
                s = rdb_load_string(&r.io, &len, NULL);
                ck_assert_ptr_nonnull(s);
                ck_assert_uint_eq(len, nd->sz);
                ck_assert(memcmp(s, nd->data, len) == 0);
                free(s);
            }
        }
        ck_assert_uint_eq(r.io.pos, n);
        rdb_io_release(&r.io);

        /* Loading decompresses the blobs and compresses by the depth. */
        back = load(18, out, n, NULL, 0);
        ck_assert_ptr_nonnull(back);
        same_lists(ql, back, 1);
        check_compressed_window(back, depth);
        if (depth > 0) ck_assert_uint_lt(lists_type_ops.mem_usage(back) * 2, base_mem);
        ql_free(back);
        free(out);
        /* rdbcompression on gives the same blobs for compressed nodes. */
        out = save(ql, 1, &n);
        back = load(18, out, n, NULL, 0);
        ck_assert_ptr_nonnull(back);
        same_lists(ql, back, 1);
        ql_free(back);
        free(out);
        ql_free(ql);
    }
}
END_TEST

START_TEST(test_aof_copy_digest_mem)
{
    ql_t *ql = lists_new(), *cp;
    md_digest_t d1 = {0}, d2 = {0};
    int i;

    push_strs(ql, 1, 150, "e%d", 0);
    aof_len = 0;
    aof_cmds = 0;
    ck_assert_int_eq(lists_type_ops.aof_rewrite(NULL, md_str("k"), ql), MD_OK);
    ck_assert_int_eq(aof_cmds, 3); /* 64 + 64 + 22 */
    ck_assert(strncmp(aof_text, "RPUSH k e0 e1 e2", 16) == 0);
    for (i = 0, aof_cmds = 0; i < (int)aof_len; i++) aof_cmds += aof_text[i] == '\n';
    ck_assert_int_eq(aof_cmds, 3);
    cp = lists_type_ops.copy(ql);
    same_lists(ql, cp, 1);
    lists_type_ops.digest(&d1, ql);
    lists_type_ops.digest(&d2, cp);
    ck_assert(d1.h == d2.h);
    ql_push(cp, "x", 1, 1);
    memset(&d2, 0, sizeof d2);
    lists_type_ops.digest(&d2, cp);
    ck_assert(d1.h != d2.h);
    ck_assert_uint_gt(lists_type_ops.mem_usage(ql), 150);
    ck_assert_uint_ge(lists_type_ops.free_effort(ql), 1);
    lists_type_ops.free(cp);
    lists_type_ops.free(ql);
}
END_TEST

START_TEST(test_aof_compressed_list)
{
    ql_t *ql;

    lists_max_listpack_size = -1;
    lists_compress_depth = 1;
    ql = lists_new();
    push_strs(ql, 1, 500, "compressible-%d-", 60);
    ck_assert_uint_gt(ql->len, 4);
    ck_assert(ql->head->next->next->lzf);
    aof_len = 0;
    aof_cmds = 0;
    ck_assert_int_eq(lists_type_ops.aof_rewrite(NULL, md_str("k"), ql), MD_OK);
    ck_assert_int_eq(aof_cmds, 8);
    ck_assert(strstr(aof_text, " compressible-499-") != NULL);
    ck_assert_int_eq(ql_check(ql), 0);
    ql_free(ql);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DEBUG: the type's debug_repr, the packed threshold                  */
/* ------------------------------------------------------------------ */

static char *stub_lp_repr(md_module_t *m, const unsigned char *lp)
{
    char *out = t_alloc(m, 32);
    snprintf(out, 32, "<listpack of %lu>\n", lp_count(lp));
    return out;
}

START_TEST(test_debug_repr)
{
    test_api.lp_repr = stub_lp_repr;
    lists_max_listpack_size = -2;
    lists_compress_depth = 0;
    ql_t *small = lists_new();
    push_strs(small, 1, 3, "s%d", 0);
    ck_assert(small->lpenc);
    ck_assert_ptr_null(lists_debug_repr(small, "quicklist", 0));
    char *t = lists_debug_repr(small, "listpack", 0);
    ck_assert_str_eq(t, "<listpack of 3>\n");
    t_free(NULL, t);
    ql_free(small);

    lists_max_listpack_size = -1;
    lists_compress_depth = 1;
    ql_t *ql = lists_new();
    push_strs(ql, 1, 500, "compressible-%d-", 60);
    ck_assert(!ql->lpenc && ql->head->next->next->lzf);
    ck_assert_ptr_null(lists_debug_repr(ql, "listpack", 0));
    ck_assert_ptr_null(lists_debug_repr(ql, "htstats", 0));
    t = lists_debug_repr(ql, "quicklist", 0);
    ck_assert(strncmp(t, "{count : 500}\n{len : ", 21) == 0);
    ck_assert(strstr(t, "{fill : -1}\n{compress : 1}\n{bookmark_count : 0}\n"));
    ck_assert(strstr(t, "{quicklist node(0)\n{container : PACKED, encoding: RAW, size: "));
    ck_assert(strstr(t, "{quicklist node(2)\n{container : PACKED, encoding: LZF, size: "));
    ck_assert_ptr_null(strstr(t, "<listpack"));
    t_free(NULL, t);
    /* Level 1: every node's content, compressed ones decompressed. */
    t = lists_debug_repr(ql, "quicklist", 1);
    size_t nodes = 0;
    for (const char *p = t; (p = strstr(p, "{ listpack:\n<listpack of ")); p++) nodes++;
    ck_assert_uint_eq(nodes, ql->len);
    ck_assert(ql->head->next->next->lzf); /* still compressed */
    t_free(NULL, t);
    ck_assert_int_eq(ql_check(ql), 0);
    ql_free(ql);
}
END_TEST

START_TEST(test_packed_threshold)
{
    ck_assert_int_eq(ql_set_packed_threshold(1), 0);
    lists_max_listpack_size = -2;
    lists_compress_depth = 0;
    ql_t *ql = lists_new();
    ql->lpenc = 0; /* the quicklist encoding, where plain nodes exist */
    ql_push(ql, "ab", 2, 1);
    ck_assert_int_eq(ql->head->container, QL_PLAIN);
    ql_free(ql);
    ck_assert_int_eq(ql_set_packed_threshold((1ULL << 32) - (1 << 20) + 1), -1);
    ck_assert_uint_eq(ql_packed_threshold, 1);
    ck_assert_int_eq(ql_set_packed_threshold(0), 0);
    ck_assert_uint_eq(ql_packed_threshold, QL_PACKED_THRESHOLD_DEFAULT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The Redis-written fixtures                                          */
/* ------------------------------------------------------------------ */

/* Read a JSON string at *p (after its opening quote); returns a malloc'd
 * buffer and its length, advancing *p past the closing quote. */
static char *json_str(const char **p, size_t *len)
{
    const char *s = *p;
    char *out = malloc(strlen(s) + 1);
    size_t n = 0;
    while (*s && *s != '"') {
        if (*s == '\\') {
            s++;
            switch (*s) {
            case 'n': out[n++] = '\n'; break;
            case 't': out[n++] = '\t'; break;
            case 'r': out[n++] = '\r'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case 'u': {
                unsigned v = 0;
                sscanf(s + 1, "%4x", &v);
                s += 4;
                if (v < 0x80) out[n++] = (char)v;
                else if (v < 0x800) {
                    out[n++] = (char)(0xc0 | v >> 6);
                    out[n++] = (char)(0x80 | (v & 0x3f));
                } else {
                    out[n++] = (char)(0xe0 | v >> 12);
                    out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
                    out[n++] = (char)(0x80 | (v & 0x3f));
                }
                break;
            }
            default: out[n++] = *s;
            }
            s++;
        } else {
            out[n++] = *s++;
        }
    }
    *p = *s ? s + 1 : s;
    *len = n;
    return out;
}

static size_t b64_decode(const char *in, size_t n, unsigned char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        const char *c = strchr(tbl, in[i]);
        if (!c) continue;
        v = v << 6 | (unsigned)(c - tbl);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    return o;
}

typedef struct exp_list {
    char *key;
    size_t keylen;
    int n;
    char **v;
    size_t *l;
    int seen;
} exp_list_t;

/* The list keys of an .expected.jsonl file. */
static int read_expected(const char *path, exp_list_t **out)
{
    FILE *f = fopen(path, "r");
    static char line[1 << 22];
    int n = 0, cap = 0;
    exp_list_t *v = NULL;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f)) {
        const char *p;
        exp_list_t e = {0};
        if (!strstr(line, "\"type\": \"list\"")) continue;
        p = strstr(line, "\"key\": \"");
        ck_assert_ptr_nonnull(p);
        p += 8;
        e.key = json_str(&p, &e.keylen);
        p = strstr(p, "\"value\": [");
        ck_assert_ptr_nonnull(p);
        p += 10;
        while (*p && *p != ']') {
            if (*p == '"') {
                p++;
                e.v = realloc(e.v, (size_t)(e.n + 1) * sizeof *e.v);
                e.l = realloc(e.l, (size_t)(e.n + 1) * sizeof *e.l);
                e.v[e.n] = json_str(&p, &e.l[e.n]);
                e.n++;
            } else if (*p == '{') {
                size_t bl;
                char *b64;
                p = strstr(p, "\"base64\": \"") + 11;
                b64 = json_str(&p, &bl);
                e.v = realloc(e.v, (size_t)(e.n + 1) * sizeof *e.v);
                e.l = realloc(e.l, (size_t)(e.n + 1) * sizeof *e.l);
                e.v[e.n] = malloc(bl + 1);
                e.l[e.n] = b64_decode(b64, bl, (unsigned char *)e.v[e.n]);
                free(b64);
                e.n++;
                p = strchr(p, '}') + 1;
            } else {
                p++;
            }
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = realloc(v, (size_t)cap * sizeof *v);
        }
        v[n++] = e;
    }
    fclose(f);
    *out = v;
    return n;
}

static void free_expected(exp_list_t *v, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < v[i].n; j++) free(v[i].v[j]);
        free(v[i].v);
        free(v[i].l);
        free(v[i].key);
    }
    free(v);
}

/* Skip one value of a type this test does not load. 0 or -1. */
static int skip_value(rdb_io_t *io, int type)
{
    uint64_t n, m, i, j;
    size_t len;
    unsigned char tmp[16];
#define STR() do { void *s_ = rdb_load_string(io, &len, NULL); if (!s_) return -1; free(s_); } while (0)
#define LEN(x) do { if (rdb_load_len(io, &(x), NULL)) return -1; } while (0)
    switch (type) {
    case 0: case 9: case 10: case 11: case 12: case 13: case 16: case 17: case 20:
        STR();
        return 0;
    case 1: case 2: case 14:
        LEN(n);
        for (i = 0; i < n; i++) STR();
        return 0;
    case 18:
        LEN(n);
        for (i = 0; i < n; i++) { LEN(m); STR(); }
        return 0;
    case 3: case 5: case 4:
        LEN(n);
        for (i = 0; i < n; i++) {
            STR();
            if (type == 4) STR();
            else if (type == 5) { if (rdb_load_raw(io, tmp, 8)) return -1; }
            else { double d; if (rdb_load_text_double(io, &d)) return -1; }
        }
        return 0;
    case 15: case 19: case 21: {
        uint64_t groups, pel, cons;
        LEN(n);
        for (i = 0; i < n; i++) { STR(); STR(); }
        LEN(m); LEN(m); LEN(m);
        if (type >= 19) { LEN(m); LEN(m); LEN(m); LEN(m); LEN(m); }
        LEN(groups);
        for (i = 0; i < groups; i++) {
            STR();
            LEN(m); LEN(m);
            if (type >= 19) LEN(m);
            LEN(pel);
            for (j = 0; j < pel; j++) {
                int64_t ms;
                if (rdb_load_raw(io, tmp, 16) || rdb_load_millis(io, &ms)) return -1;
                LEN(m);
            }
            LEN(cons);
            for (j = 0; j < cons; j++) {
                int64_t ms;
                uint64_t k, cpel;
                STR();
                if (rdb_load_millis(io, &ms)) return -1;
                if (type >= 21 && rdb_load_millis(io, &ms)) return -1;
                LEN(cpel);
                for (k = 0; k < cpel; k++) if (rdb_load_raw(io, tmp, 16)) return -1;
            }
        }
        return 0;
    }
    default:
        return -1;
    }
#undef STR
#undef LEN
}

/* Load every list key of an RDB file and compare it with the expected
 * JSON; returns the number of lists checked. */
static int check_fixture(const char *name)
{
    char path[512];
    FILE *f;
    rdb_io_t io;
    md_rdb_t r;
    int version, checked = 0, nexp;
    exp_list_t *exp;

    snprintf(path, sizeof path, "%s/%s.expected.jsonl", RDB_FIXTURE_DIR, name);
    nexp = read_expected(path, &exp);
    snprintf(path, sizeof path, "%s/%s.rdb", RDB_FIXTURE_DIR, name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    rdb_io_file_reader(&r.io, f, NULL);
    ck_assert_int_eq(rdb_load_header(&r.io, &version), 0);
    for (;;) {
        uint8_t type;
        size_t klen;
        char *key;
        uint64_t a, b;
        ck_assert_msg(rdb_load_type(&r.io, &type) == 0, "%s: %s", name, rdb_io_error(&r.io));
        if (type == RDB_OPCODE_EOF) break;
        switch (type) {
        case RDB_OPCODE_AUX: free(rdb_load_string(&r.io, &klen, NULL));
                             free(rdb_load_string(&r.io, &klen, NULL)); continue;
        case RDB_OPCODE_RESIZEDB: rdb_load_len(&r.io, &a, NULL); rdb_load_len(&r.io, &b, NULL); continue;
        case RDB_OPCODE_SELECTDB: rdb_load_len(&r.io, &a, NULL); continue;
        case RDB_OPCODE_EXPIRETIME_MS: { int64_t ms; rdb_load_millis(&r.io, &ms); continue; }
        case RDB_OPCODE_EXPIRETIME: { int32_t s; rdb_load_seconds(&r.io, &s); continue; }
        case RDB_OPCODE_IDLE: rdb_load_len(&r.io, &a, NULL); continue;
        case RDB_OPCODE_FREQ: { unsigned char c; rdb_load_raw(&r.io, &c, 1); continue; }
        case RDB_OPCODE_FUNCTION2: free(rdb_load_string(&r.io, &klen, NULL)); continue;
        default: break;
        }
        key = rdb_load_string(&r.io, &klen, NULL);
        ck_assert_ptr_nonnull(key);
        if (type == 1 || type == 10 || type == 14 || type == 18) {
            ql_t *ql = lists_type_ops.rdb_load(&r, type);
            int i, found = 0;
            ck_assert_msg(ql != NULL, "%s: list %s: %s", name, key, rdb_io_error(&r.io));
            for (i = 0; i < nexp; i++) {
                if (exp[i].keylen != klen || memcmp(exp[i].key, key, klen) != 0) continue;
                ql_iter_t it;
                ql_entry_t e;
                int j = 0;
                found = 1;
                exp[i].seen = 1;
                ck_assert_uint_eq(ql->count, (unsigned long)exp[i].n);
                ql_iter_init(&it, ql, 0, 1);
                while (ql_iter_next(&it, &e)) {
                    char ib[32];
                    size_t len;
                    const unsigned char *s = ql_entry_bytes(&e, ib, &len);
                    ck_assert_msg(len == exp[i].l[j] && memcmp(s, exp[i].v[j], len) == 0,
                                  "%s: list %s element %d differs", name, key, j);
                    j++;
                }
                ql_iter_done(&it);
            }
            ck_assert_msg(found, "%s: list %s not expected", name, key);
            ck_assert_int_eq(ql_check(ql), 0);
            /* Saving what was loaded and loading it again keeps it. */
            {
                size_t n;
                unsigned char *out = save(ql, 1, &n);
                ql_t *again = load(18, out, n, NULL, 0);
                ck_assert_ptr_nonnull(again);
                same_lists(ql, again, 0);
                ql_free(again);
                free(out);
            }
            ql_free(ql);
            checked++;
        } else {
            ck_assert_msg(skip_value(&r.io, type) == 0, "%s: cannot skip type %d (key %s): %s",
                          name, type, key, rdb_io_error(&r.io) ? rdb_io_error(&r.io) : "");
        }
        free(key);
    }
    for (int i = 0; i < nexp; i++)
        ck_assert_msg(exp[i].seen, "%s: list %s not in the RDB", name, exp[i].key);
    ck_assert_int_eq(checked, nexp);
    rdb_io_release(&r.io);
    fclose(f);
    free_expected(exp, nexp);
    (void)io;
    return checked;
}

START_TEST(test_fixtures)
{
    static const char *const files[] = {"redis-7.0", "redis-unstable-2024-10",
                                        "old-list-quicklist", "old-encodings"};
    int total = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.rdb", RDB_FIXTURE_DIR, files[i]);
        if (access(path, R_OK) != 0) {
            fprintf(stderr, "test_fixtures: %s missing, skipped\n", path);
            continue;
        }
        total += check_fixture(files[i]);
    }
    fprintf(stderr, "test_fixtures: %d lists loaded and compared\n", total);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Live comparison with redis-server                                   */
/* ------------------------------------------------------------------ */

#define RPORT 7656

static int r_connect(void)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(RPORT);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) return fd;
    close(fd);
    return -1;
}

static pid_t r_start(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        FILE *nul = freopen("/dev/null", "w", stdout);
        (void)nul;
        nul = freopen("/dev/null", "w", stderr);
        execlp("redis-server", "redis-server", "--port", "7656", "--save", "",
               "--appendonly", "no", "--bind", "127.0.0.1", "--rdbcompression", "no",
               (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int r_read_exact(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    return 0;
}

/* Send a command; read one reply; a bulk goes to *out (malloc'd). */
static int r_cmd(int fd, int argc, const char *const *argv, const size_t *lens,
                 unsigned char **out, size_t *len)
{
    static char wbuf[1 << 20];
    size_t w = 0;
    char line[128];
    size_t i = 0;

    w += (size_t)snprintf(wbuf + w, sizeof wbuf - w, "*%d\r\n", argc);
    for (int k = 0; k < argc; k++) {
        w += (size_t)snprintf(wbuf + w, sizeof wbuf - w, "$%zu\r\n", lens[k]);
        memcpy(wbuf + w, argv[k], lens[k]);
        w += lens[k];
        memcpy(wbuf + w, "\r\n", 2);
        w += 2;
    }
    if (write(fd, wbuf, w) != (ssize_t)w) return -1;
    *out = NULL;
    for (;;) {
        if (i == sizeof line - 1 || r_read_exact(fd, (unsigned char *)line + i, 1) < 0) return -1;
        if (line[i] == '\n') break;
        i++;
    }
    line[i] = 0;
    if (line[0] == '$' && atol(line + 1) >= 0) {
        *len = (size_t)atol(line + 1);
        *out = malloc(*len + 2);
        if (r_read_exact(fd, *out, *len + 2) < 0) return -1;
    }
    return line[0];
}

static int r_simple(int fd, const char *a, const char *b, const char *c, const char *d)
{
    const char *v[4] = {a, b, c, d};
    size_t l[4] = {strlen(a), b ? strlen(b) : 0, c ? strlen(c) : 0, d ? strlen(d) : 0};
    unsigned char *o;
    size_t ol;
    int t = r_cmd(fd, d ? 4 : c ? 3 : b ? 2 : 1, v, l, &o, &ol);
    free(o);
    return t;
}

/* Redis's DUMP of "k" against rdb_save of ql: 0 when the payloads are the
 * same bytes and Redis's loads back into the same list. */
static int compare_dump(int fd, ql_t *ql)
{
    const char *argv[2] = {"DUMP", "k"};
    size_t argl[2] = {4, 1}, dn, n;
    unsigned char *dump, *mine;
    int rc = -1;

    if (r_cmd(fd, 2, argv, argl, &dump, &dn) != '$') return -1;
    mine = save(ql, 0, &n);
    if (dn == n + 11 && dump[0] == 18 && memcmp(dump + 1, mine, n) == 0)
        rc = 0;
    else
        fprintf(stderr, "DUMP differs (redis %zu bytes, ours %zu)\n", dn - 11, n);
    {
        ql_t *back = load(dump[0], dump + 1, dn - 11, NULL, 0);
        if (back == NULL) rc = -1;
        else {
            same_lists(ql, back, 1);
            ql_free(back);
        }
    }
    free(mine);
    free(dump);
    return rc;
}

/* One scenario: the same pushes on both sides (same list-max-listpack-size
 * and list-compress-depth), then DUMP vs rdb_save. */
static int compare_scenario(int fd, const char *fill, const char *depth, int tail,
                            int batches, int per_batch, const char *fmt, int pad)
{
    static char bufs[256][700];
    const char *argv[260];
    size_t argl[260], dn;
    unsigned char *dump;
    ql_t *ql;
    int rc = -1;

    r_simple(fd, "CONFIG", "SET", "list-max-listpack-size", fill);
    r_simple(fd, "CONFIG", "SET", "list-compress-depth", depth);
    r_simple(fd, "DEL", "k", NULL, NULL);
    lists_max_listpack_size = atoll(fill);
    lists_compress_depth = atoll(depth);
    ql = lists_new();
    for (int b = 0; b < batches; b++) {
        argv[0] = tail ? "RPUSH" : "LPUSH";
        argl[0] = 5;
        argv[1] = "k";
        argl[1] = 1;
        for (int i = 0; i < per_batch; i++) {
            int k = snprintf(bufs[i], sizeof bufs[i], fmt, b * per_batch + i);
            for (int j = 0; j < pad && k < 690; j++) bufs[i][k++] = (char)('a' + (i + j) % 26);
            argv[2 + i] = bufs[i];
            argl[2 + i] = (size_t)k;
        }
        if (r_cmd(fd, per_batch + 2, argv, argl, &dump, &dn) != ':') goto out;
        push_batch(ql, tail, argv + 2, argl + 2, per_batch);
    }
    rc = compare_dump(fd, ql);
    if (rc != 0)
        fprintf(stderr, "  in: fill %s depth %s %s %dx%d fmt %s pad %d\n", fill, depth,
                tail ? "RPUSH" : "LPUSH", batches, per_batch, fmt, pad);
out:
    ql_free(ql);
    return rc;
}

/* LINSERTs at pseudo-random pivots, BEFORE and AFTER, on a list of n
 * elements, done the way lists_cmd_linsert does them; then DUMP vs
 * rdb_save. Splits of full nodes must cut and merge as Redis does. */
static int compare_linserts(int fd, const char *fill, int n, int inserts, int pad)
{
    char pivot[64], val[700];
    const char *argv[5];
    size_t argl[5], dn;
    unsigned char *dump;
    unsigned seed = 12345;
    ql_t *ql;
    int rc = -1;

    r_simple(fd, "CONFIG", "SET", "list-max-listpack-size", fill);
    r_simple(fd, "CONFIG", "SET", "list-compress-depth", "0");
    r_simple(fd, "DEL", "k", NULL, NULL);
    lists_max_listpack_size = atoll(fill);
    lists_compress_depth = 0;
    ql = lists_new();
    for (int i = 0; i < n; i++) {
        size_t len = (size_t)snprintf(pivot, sizeof pivot, "e%d", i);
        argv[0] = "RPUSH"; argl[0] = 5;
        argv[1] = "k"; argl[1] = 1;
        argv[2] = pivot; argl[2] = len;
        if (r_cmd(fd, 3, argv, argl, &dump, &dn) != ':') goto out;
        push_batch(ql, 1, argv + 2, argl + 2, 1);
    }
    for (int j = 0; j < inserts; j++) {
        int after, vlen;
        ql_iter_t it;
        ql_entry_t e;
        long long sll;
        seed = seed * 1103515245u + 12345u;
        after = (seed >> 16) & 1;
        argl[3] = (size_t)snprintf(pivot, sizeof pivot, "e%u", (seed >> 17) % (unsigned)n);
        vlen = snprintf(val, sizeof val, "new%d", j);
        for (int k = 0; k < pad && vlen < 690; k++) val[vlen++] = (char)('a' + (j + k) % 26);
        argv[0] = "LINSERT"; argl[0] = 7;
        argv[1] = "k"; argl[1] = 1;
        argv[2] = after ? "AFTER" : "BEFORE"; argl[2] = strlen(argv[2]);
        argv[3] = pivot;
        argv[4] = val; argl[4] = (size_t)vlen;
        if (r_cmd(fd, 5, argv, argl, &dump, &dn) != ':') goto out;
        ql_conv_grow(ql, lists_max_listpack_size, (size_t)vlen, 1);
        ql_iter_init(&it, ql, 0, 1);
        while (ql_iter_next(&it, &e)) {
            if (ql_entry_eq(&e, pivot, argl[3], ql_str2ll(pivot, argl[3], &sll), sll)) {
                ql_iter_insert(&it, val, (size_t)vlen, after);
                break;
            }
        }
        ql_iter_done(&it);
    }
    rc = compare_dump(fd, ql);
    if (rc != 0) fprintf(stderr, "  in: LINSERT fill %s n %d x%d pad %d\n", fill, n, inserts, pad);
out:
    ql_free(ql);
    return rc;
}

START_TEST(test_redis_live)
{
    pid_t pid = r_start();
    int fd = -1, bad = 0, status;

    for (int i = 0; i < 60 && fd < 0; i++) {
        usleep(50000);
        fd = r_connect();
    }
    if (fd < 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        ck_assert_msg(access("/usr/bin/redis-server", X_OK) != 0,
                      "redis-server is installed but did not answer on port %d", RPORT);
        fprintf(stderr, "test_redis_live: redis-server not installed, skipped\n");
        return;
    }
    bad += compare_scenario(fd, "-2", "0", 1, 1, 5, "%d", 0) != 0;
    bad += compare_scenario(fd, "-2", "0", 1, 1, 5, "v%d", 0) != 0;
    bad += compare_scenario(fd, "-2", "0", 1, 10, 100, "elem-%d", 0) != 0;
    bad += compare_scenario(fd, "-2", "0", 0, 10, 100, "elem-%d", 0) != 0;
    bad += compare_scenario(fd, "-2", "0", 1, 20, 50, "%d", 30) != 0;
    bad += compare_scenario(fd, "-1", "0", 1, 10, 100, "x%d", 10) != 0;
    bad += compare_scenario(fd, "-5", "0", 0, 20, 100, "y%d", 60) != 0;
    bad += compare_scenario(fd, "5", "0", 1, 7, 3, "%d", 0) != 0;
    bad += compare_scenario(fd, "5", "0", 0, 7, 3, "z%d", 2) != 0;
    bad += compare_scenario(fd, "1", "0", 1, 4, 2, "%d", 0) != 0;
    bad += compare_scenario(fd, "100", "0", 1, 5, 100, "%d", 0) != 0;
    bad += compare_scenario(fd, "-2", "0", 1, 1, 3, "%d", 600) != 0;
    /* list-compress-depth: inner nodes go out as Redis's LZF blobs. */
    bad += compare_scenario(fd, "-2", "1", 1, 20, 100, "compressible-%d-", 40) != 0;
    bad += compare_scenario(fd, "-2", "2", 0, 20, 100, "compressible-%d-", 40) != 0;
    bad += compare_scenario(fd, "-1", "1", 1, 10, 100, "x%d", 10) != 0;
    bad += compare_scenario(fd, "5", "2", 1, 30, 7, "%d", 50) != 0;
    bad += compare_scenario(fd, "-2", "3", 1, 1, 3, "%d", 600) != 0;
    /* LINSERT into full nodes: splits and merges. */
    bad += compare_linserts(fd, "4", 16, 40, 0) != 0;
    bad += compare_linserts(fd, "5", 40, 120, 3) != 0;
    bad += compare_linserts(fd, "-1", 300, 200, 30) != 0;
    bad += compare_linserts(fd, "1", 6, 10, 0) != 0;
    r_simple(fd, "SHUTDOWN", "NOSAVE", NULL, NULL);
    close(fd);
    waitpid(pid, &status, 0);
    ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *lists_rdb_suite(void)
{
    Suite *s = suite_create("lists_rdb");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_payload_bytes_small);
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_plain_node_round_trip);
    tcase_add_test(tc, test_legacy_and_bad_payloads);
    tcase_add_test(tc, test_compressed_nodes_lzf);
    tcase_add_test(tc, test_aof_copy_digest_mem);
    tcase_add_test(tc, test_aof_compressed_list);
    tcase_add_test(tc, test_debug_repr);
    tcase_add_test(tc, test_packed_threshold);
    tcase_add_test(tc, test_fixtures);
    tcase_add_test(tc, test_redis_live);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lists_rdb_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
