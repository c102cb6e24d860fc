/*
 * rdbtypes.c — test module for the RDB identity of types (SDK 1.2), used
 * by tests/integration/test_module_rdb.py. Four types, each with its own
 * declaration in the manifest's type_rdb:
 *
 *   rt-set    claims built-in byte 2 (RDB_TYPE_SET: len, strings)
 *   rt-zset   claims built-in byte 5 (RDB_TYPE_ZSET_2: len, then string +
 *             binary double score per member; the score is the index)
 *   rt-mod    Redis module type "rdbtype-A", encoding version 3: UINT n,
 *             n STRINGs, SINT, FLOAT, DOUBLE (version 2: no FLOAT/DOUBLE;
 *             older versions are refused); aux data before the keyspace
 *             (a STRING) and after it (a SINT), each only when set
 *   rt-mod2   Redis module type "rdbtype-B", encoding version 0: UINT n,
 *             n STRINGs
 *
 * A value is a list of strings (plus three numbers for rt-mod).
 *
 *   RT.SET key type elem [elem ...]   replace key with a new value -> OK
 *   RT.NUM key signed float double    set an rt-mod value's numbers -> OK
 *   RT.GET key     [type, elem..., (rt-mod) signed, float %.9g, double %.17g]
 *   RT.AUX SET before counter | RT.AUX GET
 *                  GET -> [before, counter, aux records loaded before the
 *                  keyspace, after it, encoding version of the last one]
 *   RT.ENCVER      the encoding version rt-mod's rdb_load last received
 *   RT.MISUSE 0|1  1: rt-mod2's rdb_save uses a raw primitive (refused)
 */
#include <modis.h>

#include <stdio.h>
#include <string.h>

enum { K_SET, K_ZSET, K_MOD, K_MOD2, K_N };
static const char *const kind_names[K_N] = {"rt-set", "rt-zset", "rt-mod", "rt-mod2"};
static md_type_t *kinds[K_N];

typedef struct rt_elem {
    size_t len;
    char *p;
} rt_elem_t;

typedef struct rt_value {
    int kind;
    uint32_t n;
    int64_t sig;
    float f;
    double d;
    rt_elem_t e[];
} rt_value_t;

static char *aux_before;            /* md_alloc'd, NULL = none */
static size_t aux_before_len;
static long long aux_counter, aux_loads_before, aux_loads_after, aux_encver = -1;
static long long last_encver = -1;
static int misuse;

static rt_value_t *rt_new(int kind, uint32_t n)
{
    rt_value_t *v = md_calloc(sizeof(*v) + n * sizeof(rt_elem_t));
    v->kind = kind;
    v->n = n;
    return v;
}

static void rt_free(void *value)
{
    rt_value_t *v = value;
    for (uint32_t i = 0; i < v->n; i++) md_free(v->e[i].p);
    md_free(v);
}

static int kind_of_type(const md_type_t *t)
{
    for (int k = 0; k < K_N; k++)
        if (kinds[k] == t) return k;
    return -1;
}

/* ---- RDB ---- */

static uint8_t rt_rdb_type(const void *value)
{
    return ((const rt_value_t *)value)->kind == K_SET ? 2 : 5;
}

/* rt-set / rt-zset: built-in encodings through the raw primitives. */
static int rt_save_builtin(md_rdb_t *r, const void *value)
{
    const rt_value_t *v = value;
    if (md_rdb_save_len(r, v->n) != MD_OK) return MD_ERR;
    for (uint32_t i = 0; i < v->n; i++) {
        if (md_rdb_save_string(r, v->e[i].p, v->e[i].len) != MD_OK) return MD_ERR;
        if (v->kind == K_ZSET && md_rdb_save_double(r, (double)i) != MD_OK) return MD_ERR;
    }
    return MD_OK;
}

static void *rt_load_builtin(md_rdb_t *r, int rdb_type)
{
    uint64_t n;
    if (md_rdb_load_len(r, &n) != MD_OK) return NULL;
    if (n == 0 || n > 1000000) {
        md_rdb_error(r, "rdbtypes: bad element count");
        return NULL;
    }
    rt_value_t *v = rt_new(rdb_type == 2 ? K_SET : K_ZSET, (uint32_t)n);
    for (uint32_t i = 0; i < v->n; i++) {
        double score;
        v->e[i].p = md_rdb_load_string(r, &v->e[i].len);
        if (!v->e[i].p || (rdb_type == 5 && (md_rdb_load_double(r, &score) != MD_OK ||
                                             score != (double)i))) {
            md_rdb_error(r, "rdbtypes: bad element");
            rt_free(v);
            return NULL;
        }
    }
    return v;
}

/* rt-mod / rt-mod2: typed fields only. */
static int rt_save_module(md_rdb_t *r, const void *value)
{
    const rt_value_t *v = value;
    if (misuse && v->kind == K_MOD2) return md_rdb_save_len(r, v->n);
    if (md_rdb_write_unsigned(r, v->n) != MD_OK) return MD_ERR;
    for (uint32_t i = 0; i < v->n; i++)
        if (md_rdb_write_string(r, v->e[i].p, v->e[i].len) != MD_OK) return MD_ERR;
    if (v->kind == K_MOD2) return MD_OK;
    if (md_rdb_write_signed(r, v->sig) != MD_OK || md_rdb_write_float(r, v->f) != MD_OK)
        return MD_ERR;
    return md_rdb_write_double(r, v->d);
}

static void *rt_load_module(md_rdb_t *r, int kind, int encver)
{
    uint64_t n;
    if (kind == K_MOD && encver < 2) {
        md_rdb_error(r, "rdbtypes: rt-mod encoding versions below 2 are not supported");
        return NULL;
    }
    if (md_rdb_read_unsigned(r, &n) != MD_OK) return NULL;
    if (n == 0 || n > 1000000) {
        md_rdb_error(r, "rdbtypes: bad element count");
        return NULL;
    }
    rt_value_t *v = rt_new(kind, (uint32_t)n);
    for (uint32_t i = 0; i < v->n; i++)
        if (!(v->e[i].p = md_rdb_read_string(r, &v->e[i].len))) goto fail;
    if (kind == K_MOD && md_rdb_read_signed(r, &v->sig) != MD_OK) goto fail;
    if (kind == K_MOD && encver >= 3 &&
        (md_rdb_read_float(r, &v->f) != MD_OK || md_rdb_read_double(r, &v->d) != MD_OK))
        goto fail;
    return v;
fail:
    rt_free(v);
    return NULL;
}

static void *rt_load_mod(md_rdb_t *r, int encver)
{
    last_encver = encver;
    return rt_load_module(r, K_MOD, encver);
}

static void *rt_load_mod2(md_rdb_t *r, int encver) { return rt_load_module(r, K_MOD2, encver); }

static int rt_aux_save(md_rdb_t *r, int when)
{
    if (when == MD_AUX_BEFORE_RDB)
        return aux_before ? md_rdb_write_string(r, aux_before, aux_before_len) : MD_OK;
    return aux_counter ? md_rdb_write_signed(r, aux_counter) : MD_OK;
}

static int rt_aux_load(md_rdb_t *r, int encver, int when)
{
    aux_encver = encver;
    if (when == MD_AUX_BEFORE_RDB) {
        size_t len;
        char *s = md_rdb_read_string(r, &len);
        if (!s) return MD_ERR;
        md_free(aux_before);
        aux_before = s;
        aux_before_len = len;
        aux_loads_before++;
        return MD_OK;
    }
    int64_t c;
    if (when != MD_AUX_AFTER_RDB || md_rdb_read_signed(r, &c) != MD_OK) return MD_ERR;
    aux_counter = c;
    aux_loads_after++;
    return MD_OK;
}

/* ---- AOF rewrite ---- */

static int rt_aof(md_aof_t *aof, md_arg_t key, const void *value)
{
    const rt_value_t *v = value;
    md_arg_t argv[3 + 64];
    argv[0] = md_str("RT.SET");
    argv[1] = key;
    argv[2] = md_str(kind_names[v->kind]);
    uint32_t n = v->n < 64 ? v->n : 64;
    for (uint32_t i = 0; i < n; i++) argv[3 + i] = (md_arg_t){v->e[i].p, v->e[i].len};
    if (md_aof_emit(aof, 3 + (int)n, argv) != MD_OK) return MD_ERR;
    if (v->kind != K_MOD) return MD_OK;
    char s[32], f[32], d[40];
    snprintf(s, sizeof(s), "%lld", (long long)v->sig);
    snprintf(f, sizeof(f), "%.9g", (double)v->f);
    snprintf(d, sizeof(d), "%.17g", v->d);
    md_arg_t num[5] = {md_str("RT.NUM"), key, md_str(s), md_str(f), md_str(d)};
    return md_aof_emit(aof, 5, num);
}

/* ---- commands ---- */

static int cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int kind = -1;
    for (int k = 0; k < K_N; k++)
        if (md_arg_eq(argv[2], kind_names[k])) kind = k;
    if (kind < 0) return md_reply_error(c, "ERR unknown rdbtypes type");
    rt_value_t *v = rt_new(kind, (uint32_t)(argc - 3));
    for (int i = 3; i < argc; i++) {
        v->e[i - 3].len = argv[i].len;
        v->e[i - 3].p = md_alloc(argv[i].len + 1);
        memcpy(v->e[i - 3].p, argv[i].ptr, argv[i].len);
        v->e[i - 3].p[argv[i].len] = '\0';
    }
    md_key_set(md_key_open(c, argv[1], MD_WRITE), kinds[kind], v, 0);
    md_dirty(c, 1);
    return md_reply_ok(c);
}

static int cmd_num(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    long long sig;
    double f, d;
    if (md_key_type(k) != kinds[K_MOD]) return md_reply_wrongtype(c);
    if (md_parse_ll(c, argv[2], &sig) != MD_OK || md_parse_double(c, argv[3], &f) != MD_OK ||
        md_parse_double(c, argv[4], &d) != MD_OK)
        return MD_OK;
    rt_value_t *v = md_key_value(k);
    v->sig = sig;
    v->f = (float)f;
    v->d = d;
    md_dirty(c, 1);
    return md_reply_ok(c);
}

static int reply_fmt(md_ctx_t *c, const char *fmt, double x)
{
    char buf[40];
    int n = snprintf(buf, sizeof(buf), fmt, x);
    return md_reply_bulk(c, buf, (size_t)n);
}

static int cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(c, argv[1], MD_READ);
    int kind = md_key_type(k) ? kind_of_type(md_key_type(k)) : -1;
    if (!md_key_type(k)) return md_reply_null(c);
    if (kind < 0) return md_reply_wrongtype(c);
    const rt_value_t *v = md_key_value(k);
    md_reply_array(c, 1 + v->n + (kind == K_MOD ? 3 : 0));
    md_reply_bulk(c, kind_names[kind], strlen(kind_names[kind]));
    for (uint32_t i = 0; i < v->n; i++) md_reply_bulk(c, v->e[i].p, v->e[i].len);
    if (kind != K_MOD) return MD_OK;
    md_reply_bulk_ll(c, v->sig);
    reply_fmt(c, "%.9g", (double)v->f);
    return reply_fmt(c, "%.17g", v->d);
}

static int cmd_aux(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc == 4 && md_arg_eq(argv[1], "SET")) {
        long long n;
        if (md_parse_ll(c, argv[3], &n) != MD_OK) return MD_OK;
        md_free(aux_before);
        aux_before = NULL;
        if (argv[2].len) {
            aux_before = md_alloc(argv[2].len);
            memcpy(aux_before, argv[2].ptr, argv[2].len);
        }
        aux_before_len = argv[2].len;
        aux_counter = n;
        return md_reply_ok(c);
    }
    if (argc != 2 || !md_arg_eq(argv[1], "GET")) return md_reply_syntax(c);
    md_reply_array(c, 5);
    if (aux_before) md_reply_bulk(c, aux_before, aux_before_len);
    else md_reply_null(c);
    md_reply_int(c, aux_counter);
    md_reply_int(c, aux_loads_before);
    md_reply_int(c, aux_loads_after);
    return md_reply_int(c, aux_encver);
}

static int cmd_encver(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_reply_int(c, last_encver);
}

static int cmd_misuse(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    misuse = md_arg_eq(argv[1], "1");
    return md_reply_ok(c);
}

#define RT_CMD(nm, fn, ar, fl, fk)                                                   \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = fk,            \
     .last_key = fk, .step = fk, .summary = "rdbtypes test command", .since = "1.0.0", \
     .complexity = "O(N)"}

static const md_command_t rt_commands[] = {
    RT_CMD("rt.set", cmd_set, -4, "write denyoom", 1),
    RT_CMD("rt.num", cmd_num, 5, "write", 1),
    RT_CMD("rt.get", cmd_get, 2, "readonly", 1),
    RT_CMD("rt.aux", cmd_aux, -2, "admin", 0),
    RT_CMD("rt.encver", cmd_encver, 1, "admin", 0),
    RT_CMD("rt.misuse", cmd_misuse, 2, "admin", 0),
    {.name = NULL}};

#define RT_OPS(save, load, typefn)                                                  \
    {.size = sizeof(md_type_ops_t), .free = rt_free, .rdb_type = typefn,            \
     .rdb_save = save, .rdb_load = load, .aof_rewrite = rt_aof}

static const md_type_ops_t builtin_ops = RT_OPS(rt_save_builtin, rt_load_builtin, rt_rdb_type);
static const md_type_ops_t mod2_ops = RT_OPS(rt_save_module, rt_load_mod2, NULL);
static const md_type_ops_t mod_ops = {
    .size = sizeof(md_type_ops_t), .free = rt_free, .rdb_save = rt_save_module,
    .rdb_load = rt_load_mod, .aof_rewrite = rt_aof, .aux_save = rt_aux_save,
    .aux_load = rt_aux_load, .aux_when = MD_AUX_BEFORE_RDB | MD_AUX_AFTER_RDB};

static int rt_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    const md_type_ops_t *ops[K_N] = {&builtin_ops, &builtin_ops, &mod_ops, &mod2_ops};
    for (int k = 0; k < K_N; k++)
        if (!(kinds[k] = md_type_register(kind_names[k], ops[k]))) return MD_ERR;
    return md_commands_register(rt_commands);
}

static const char *const rt_types[] = {"rt-set", "rt-zset", "rt-mod", "rt-mod2", NULL};
static const uint8_t set_bytes[] = {2};
static const uint8_t zset_bytes[] = {5};
static const md_type_rdb_t rt_rdb[] = {
    {.type = "rt-set", .bytes = set_bytes, .n_bytes = 1},
    {.type = "rt-zset", .bytes = zset_bytes, .n_bytes = 1},
    {.type = "rt-mod", .module_type = "rdbtype-A", .encver = 3},
    {.type = "rt-mod2", .module_type = "rdbtype-B", .encver = 0},
    {.type = NULL}};

MD_MODULE(rt_on_load,
          .name = "rdbtypes",
          .version = 1,
          .description = "test: RDB identity of types (claims, module types, aux)",
          .types = rt_types,
          .type_rdb = rt_rdb)
