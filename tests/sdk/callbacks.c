/*
 * callbacks.c — drives the type callbacks of a built counterset.so
 * directly (RDB save/load, AOF rewrite, copy, digest, mem_usage, free)
 * through a stub API table: the module is dlopen()ed, md_init() gets the
 * stub, and the registered md_type_ops_t is called. The server runs the
 * same callbacks in tests/sdk/test_counterset.py; here each rejection
 * path of rdb_load is reached byte by byte, with leak counting.
 *
 * Built by tests/sdk/run.sh against the *staged* SDK only
 * (pkg-config --cflags modis-sdk), which also proves that modis.h
 * compiles in a program that is not a module.
 *
 * The stub's RDB stream writes the typed fields as Redis's
 * RedisModule_Save* do (opcode, then Redis's length encoding or a plain
 * string: the members used here are neither numbers nor longer than 20
 * bytes, so the bytes are exactly Redis's); the harness adds what the
 * host writes around them (type byte, key, module type id, EOF opcode).
 * Usage: callbacks path/counterset.so out.rdb — writes a small RDB file
 * holding one countset value for redis-check-rdb, prints one
 * "ok - ..." or "FAIL - ..." line per check; exit status 1 on failure.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <modis.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s - callbacks: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

/* ---- memory: count live blocks to find leaks ---- */
static long live;
static void *s_alloc(md_module_t *m, size_t n) { (void)m; live++; return malloc(n ? n : 1); }
static void *s_calloc(md_module_t *m, size_t n) { (void)m; live++; return calloc(1, n ? n : 1); }
static void *s_realloc(md_module_t *m, void *p, size_t n)
{
    (void)m;
    if (!p) live++;
    return realloc(p, n ? n : 1);
}
static void s_free(md_module_t *m, void *p)
{
    (void)m;
    if (p) live--;
    free(p);
}
static size_t s_usable(const void *p) { return p ? malloc_usable_size((void *)p) : 0; }

/* ---- registration ---- */
static const md_type_ops_t *ops;
static char type_slot[8];
static const md_command_t *commands;
static long long *config_var;
static char type_name[32];

static md_type_t *s_type_register(md_module_t *m, const char *name, const md_type_ops_t *o)
{
    (void)m;
    snprintf(type_name, sizeof type_name, "%s", name);
    ops = o;
    return (md_type_t *)type_slot;
}
static int s_commands_register(md_module_t *m, const md_command_t *c) { (void)m; commands = c; return MD_OK; }
static int s_config_register_ll(md_module_t *m, const char *name, long long *var,
                                long long def, long long min, long long max)
{
    (void)m; (void)name; (void)min; (void)max;
    config_var = var;
    *var = def;
    return MD_OK;
}
static int s_info_register(md_module_t *m, const char *s, void (*fn)(md_info_t *))
{
    (void)m; (void)s; (void)fn;
    return MD_OK;
}
static void s_log(md_module_t *m, int level, const char *fmt, va_list ap)
{
    (void)m; (void)level;
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}
static int s_ll2str(char *buf, size_t cap, long long v) { return snprintf(buf, cap, "%lld", v); }

/* ---- RDB stream over a memory buffer ---- */
struct md_rdb {
    unsigned char buf[4096];
    size_t len, pos;
    char err[200];
};

static int put(md_rdb_t *r, const void *p, size_t n)
{
    if (r->len + n > sizeof r->buf) return MD_ERR;
    memcpy(r->buf + r->len, p, n);
    r->len += n;
    return MD_OK;
}
static int s_save_len(md_rdb_t *r, uint64_t n)
{
    unsigned char b[9];
    if (n < 64) { b[0] = (unsigned char)n; return put(r, b, 1); }
    if (n < 16384) { b[0] = (unsigned char)(0x40 | n >> 8); b[1] = (unsigned char)n; return put(r, b, 2); }
    int k = n <= 0xffffffffu ? 4 : 8;
    b[0] = k == 4 ? 0x80 : 0x81;
    for (int i = 0; i < k; i++) b[1 + i] = (unsigned char)(n >> (8 * (k - 1 - i)));
    return put(r, b, (size_t)k + 1);
}
static int s_save_string(md_rdb_t *r, const void *p, size_t n)
{
    return s_save_len(r, n) == MD_OK ? put(r, p, n) : MD_ERR;
}
static int get(md_rdb_t *r, void *p, size_t n)
{
    if (r->pos + n > r->len) return MD_ERR;
    memcpy(p, r->buf + r->pos, n);
    r->pos += n;
    return MD_OK;
}
static int s_load_len(md_rdb_t *r, uint64_t *n)
{
    unsigned char b[8];
    if (get(r, b, 1) != MD_OK) return MD_ERR;
    switch (b[0] >> 6) {
    case 0: *n = b[0] & 63; return MD_OK;
    case 1: { unsigned char c; if (get(r, &c, 1)) return MD_ERR; *n = (uint64_t)(b[0] & 63) << 8 | c; return MD_OK; }
    default: {
        int k = b[0] == 0x80 ? 4 : b[0] == 0x81 ? 8 : 0;
        if (!k || get(r, b, (size_t)k)) return MD_ERR;
        *n = 0;
        for (int i = 0; i < k; i++) *n = *n << 8 | b[i];
        return MD_OK;
    }
    }
}
static void *s_load_string(md_rdb_t *r, size_t *len)
{
    uint64_t n;
    if (s_load_len(r, &n) != MD_OK || r->pos + n > r->len) return NULL;
    char *p = s_alloc(NULL, n);
    get(r, p, n);
    *len = n;
    return p;
}
static void s_rdb_error(md_rdb_t *r, const char *what)
{
    if (!r->err[0]) snprintf(r->err, sizeof r->err, "%s", what);
}
/* Typed fields: opcode UINT 2 / STRING 5, then the value. */
static int s_write_unsigned(md_rdb_t *r, uint64_t v)
{
    return s_save_len(r, 2) == MD_OK ? s_save_len(r, v) : MD_ERR;
}
static int s_write_string(md_rdb_t *r, const void *p, size_t n)
{
    return s_save_len(r, 5) == MD_OK ? s_save_string(r, p, n) : MD_ERR;
}
static int expect_op(md_rdb_t *r, uint64_t want)
{
    uint64_t op;
    if (s_load_len(r, &op) == MD_OK && op == want) return MD_OK;
    s_rdb_error(r, "stub: wrong field opcode");
    return MD_ERR;
}
static int s_read_unsigned(md_rdb_t *r, uint64_t *v)
{
    return expect_op(r, 2) == MD_OK ? s_load_len(r, v) : MD_ERR;
}
static void *s_read_string(md_rdb_t *r, size_t *len)
{
    return expect_op(r, 5) == MD_OK ? s_load_string(r, len) : NULL;
}

/* ---- AOF and digest ---- */
struct md_aof { char text[4096]; size_t len; };
static int s_aof_emit(md_aof_t *a, int argc, const md_arg_t *argv)
{
    for (int i = 0; i < argc; i++)
        a->len += (size_t)snprintf(a->text + a->len, sizeof a->text - a->len, "%s%.*s",
                                   i ? " " : "", (int)argv[i].len, argv[i].ptr);
    a->len += (size_t)snprintf(a->text + a->len, sizeof a->text - a->len, "\n");
    return MD_OK;
}
struct md_digest { uint64_t seq, value; };
static void s_digest_add(md_digest_t *d, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) d->seq = (d->seq ^ s[i]) * 1099511628211ULL;
    d->seq = (d->seq ^ 0xff) * 1099511628211ULL;
}
static void s_digest_end(md_digest_t *d) { d->value ^= d->seq; d->seq = 14695981039346656037ULL; }

/* ---- helpers ---- */
static md_rdb_t *rdb_from(const unsigned char *p, size_t n)
{
    md_rdb_t *r = calloc(1, sizeof *r);
    memcpy(r->buf, p, n);
    r->len = n;
    return r;
}

static uint64_t digest_of(const void *v)
{
    md_digest_t d = {14695981039346656037ULL, 0};
    ops->digest(&d, v);
    return d.value;
}

/* Redis's RDB for: type 7, key "k", the value below (cap 3, b=5, a=2):
 * the host writes the module type id of "countset-" encver 1
 * (0x728ba7b6c7adf801) and the EOF opcode around the module's fields. */
static const unsigned char id_bytes[] = {0x81, 0x72, 0x8b, 0xa7, 0xb6, 0xc7, 0xad, 0xf8, 0x01};
static const unsigned char payload[] = {
    0x02, 0x03,                  /* UINT cap=3 */
    0x02, 0x02,                  /* UINT n=2 */
    0x05, 0x01, 'b', 0x02, 0x05, /* STRING "b", UINT 5 */
    0x05, 0x01, 'a', 0x02, 0x02}; /* STRING "a", UINT 2 */

/* A corrupted copy of payload: byte i set to x (or truncated at i when
 * x < 0); rdb_load must fail cleanly and leak nothing. */
static void expect_reject(size_t i, int x, const char *what)
{
    unsigned char bad[sizeof payload];
    memcpy(bad, payload, sizeof payload);
    size_t n = sizeof payload;
    if (x < 0) n = i;
    else bad[i] = (unsigned char)x;
    long before = live;
    md_rdb_t *r = rdb_from(bad, n);
    void *v = ops->rdb_load(r, 1);
    char msg[200];
    snprintf(msg, sizeof msg, "rdb_load rejects %s (error: %s)", what, r->err[0] ? r->err : "none");
    check(v == NULL && r->err[0] && live == before, msg);
    if (v) ops->free(v);
    free(r);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: callbacks counterset.so out.rdb\n");
        return 2;
    }
    void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        printf("FAIL - callbacks: dlopen: %s\n", dlerror());
        return 1;
    }
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    md_init_fn init = (md_init_fn)dlsym(dl, "md_init");
    check(mf && init, "md_manifest and md_init found");
    if (!mf || !init) return 1;
    check(mf->magic == MD_MANIFEST_MAGIC && mf->abi_major == MD_ABI_MAJOR &&
          mf->abi_minor == MD_ABI_MINOR && mf->abi_minor_min == MD_ABI_MINOR &&
          mf->command_size == sizeof(md_command_t),
          "manifest magic, ABI and command_size");
    check(!strcmp(mf->name, "counterset") && mf->types && !strcmp(mf->types[0], "countset") &&
          !mf->types[1] && mf->n_rdb_types == 0, "manifest name, types, no built-in RDB bytes");
    check(mf->type_rdb && !strcmp(mf->type_rdb[0].type, "countset") &&
          !strcmp(mf->type_rdb[0].module_type, "countset-") && mf->type_rdb[0].encver == 1 &&
          mf->type_rdb[0].n_bytes == 0 && !mf->type_rdb[1].type,
          "manifest type_rdb: countset is Redis module type countset- version 1");

    md_api_t *api = calloc(1, sizeof *api);
    api->size = sizeof *api;
    api->alloc = s_alloc; api->calloc = s_calloc; api->realloc = s_realloc;
    api->free = s_free; api->usable = s_usable;
    api->type_register = s_type_register;
    api->commands_register = s_commands_register;
    api->config_register_ll = s_config_register_ll;
    api->info_register = s_info_register;
    api->log = s_log;
    api->ll2str = s_ll2str;
    api->rdb_save_len = s_save_len; api->rdb_save_string = s_save_string;
    api->rdb_load_len = s_load_len; api->rdb_load_string = s_load_string;
    api->rdb_error = s_rdb_error;
    api->rdb_write_unsigned = s_write_unsigned; api->rdb_write_string = s_write_string;
    api->rdb_read_unsigned = s_read_unsigned; api->rdb_read_string = s_read_string;
    api->aof_emit = s_aof_emit;
    api->digest_add = s_digest_add; api->digest_end_seq = s_digest_end;

    check(init((md_module_t *)api, api, 0, NULL) == MD_OK, "md_init succeeds with only the API table");
    check(ops && ops->size == sizeof(md_type_ops_t) && ops->free && !strcmp(type_name, "countset"),
          "type registered with a full-size ops table");
    int ncmd = 0;
    for (const md_command_t *c = commands; c && c->name; c++) ncmd++;
    check(ncmd == 5 && !strcmp(commands[0].name, "cs.incr") && commands[0].arity == -3 &&
          commands[0].first_key == 1, "five commands registered");
    check(config_var && *config_var == 100, "countset-capacity registered, default 100");
    check(ops->rdb_type == NULL && ops->rdb_save && ops->rdb_load,
          "rdb_save/rdb_load, no rdb_type (the host writes type byte 7)");

    /* load -> save round trip, byte for byte */
    long base = live;
    md_rdb_t *r = rdb_from(payload, sizeof payload);
    void *v = ops->rdb_load(r, 1);
    check(v != NULL && r->pos == sizeof payload, "rdb_load reads every field of the value");
    free(r);
    if (!v) return 1;
    md_rdb_t *w = calloc(1, sizeof *w);
    check(ops->rdb_save(w, v) == MD_OK && w->len == sizeof payload &&
          !memcmp(w->buf, payload, sizeof payload), "rdb_save writes exactly Redis's bytes");

    /* A whole RDB file for redis-check-rdb: header, SELECTDB 0, type 7,
     * key "k", the id, the fields, the EOF opcode, EOF, a zero checksum
     * (= not checked). */
    FILE *f = fopen(argv[2], "wb");
    if (f) {
        fwrite("REDIS0010\xfe\x00\x07\x01k", 1, 14, f);
        fwrite(id_bytes, 1, sizeof id_bytes, f);
        fwrite(w->buf, 1, w->len, f);
        fwrite("\0\xff\0\0\0\0\0\0\0\0", 1, 10, f);
        fclose(f);
    }
    check(f != NULL, "RDB file written for redis-check-rdb");
    free(w);

    md_aof_t *a = calloc(1, sizeof *a);
    md_arg_t key = {"k", 1};
    check(ops->aof_rewrite(a, key, v) == MD_OK &&
          !strcmp(a->text, "CS.INCR k b 5 CAPACITY 3\nCS.INCR k a 2\n"),
          "aof_rewrite emits CS.INCR commands, highest count first, CAPACITY once");
    free(a);

    void *c = ops->copy(v);
    md_rdb_t *w2 = calloc(1, sizeof *w2);
    check(c && c != v && ops->rdb_save(w2, c) == MD_OK && w2->len == sizeof payload &&
          !memcmp(w2->buf, payload, sizeof payload), "copy is a deep, equal copy");
    free(w2);
    check(digest_of(v) == digest_of(c) && digest_of(v) != 0, "digest equal for equal values");
    check(!strcmp(ops->encoding(v), "array"), "encoding is \"array\"");
    check(ops->mem_usage(v) > 0 && ops->free_effort(v) == 2, "mem_usage > 0, free_effort = members");
    ops->free(c);
    ops->free(v);
    check(live == base, "free releases every block");

    expect_reject(1, 0x00, "capacity 0");
    expect_reject(3, 0x04, "more members than the capacity");
    expect_reject(13, 0x07, "counts out of order");
    expect_reject(11, 'b', "a duplicate member");
    expect_reject(4, 0x02, "a wrong field opcode");
    expect_reject(8, -1, "a truncated value");
    {
        long before = live;
        md_rdb_t *r2 = rdb_from(payload, sizeof payload);
        void *x = ops->rdb_load(r2, 0);
        check(x == NULL && r2->err[0] && live == before,
              "rdb_load rejects an encoding version it does not know");
        free(r2);
    }
    check(live == base, "no block leaked by any rejected load");
    printf("callbacks: %d failed\n", failures);
    return failures ? 1 : 0;
}
