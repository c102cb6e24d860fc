/*
 * layout.c — test module for MODULE UPGRADE (tests/integration/
 * test_module_upgrade.py), built several times from this one source:
 *
 *   layout_v1   LAYOUT 1, version 1   values: {uint32 len; char data[]}
 *   layout_v1b  LAYOUT 1, version 2   same layout: callbacks swapped
 *   layout_v2   LAYOUT 2, version 3   values: {magic; len; char *data}
 *                                     (converted through RDB on upgrade)
 *   layout_xtype  declares a second type            (refused)
 *   layout_xrdb   another Redis module type name    (refused)
 *   layout_xsvc   does not provide "layout.v1"      (refused)
 *   layout_xinit  md_init fails after registering   (refused, rolled back)
 *   layout_xload  LAYOUT 2, whose rdb_load refuses the value "reject-me"
 *                 (the conversion fails: refused, nothing changed)
 *   layout_xhook  LAYOUT 1 with an unload hook that refuses (as the
 *                 loaded build it refuses to be replaced or unloaded)
 *
 * One type "laytype" (Redis module type "laytype-A", encoding version 1:
 * one STRING), a parameter "layout-param", the service "layout.v1" and:
 *
 *   LAY.SET key value      -> OK (signals the key ready)
 *   LAY.GET key            -> value, or nil
 *   LAY.POP key timeout    -> value (deleting the key), blocking until the
 *                             key exists; nil on timeout
 *   LAY.VER                -> [build version, layout of this build]
 *
 * OBJECT ENCODING shows "layout1" or "layout2": the layout a value has.
 * A value of the other layout is detected (layout 2 carries a magic
 * number) and answered with an error instead of being misread.
 */
#include <modis.h>

#include <string.h>

#ifndef LAYOUT
#define LAYOUT 1
#endif
#ifndef BUILD
#define BUILD 1
#endif
#define LAY_MAGIC 0x4c41594f55543200ull

static md_type_t *laytype;
static long long lay_param;

#if LAYOUT == 1
typedef struct lay {
    uint32_t len;
    char data[];
} lay_t;

static void *lay_new(const char *p, size_t len)
{
    lay_t *v = md_alloc(sizeof(*v) + len + 1);
    v->len = (uint32_t)len;
    memcpy(v->data, p, len);
    v->data[len] = '\0';
    return v;
}

static md_arg_t lay_bytes(const void *value)
{
    const lay_t *v = value;
    return (md_arg_t){v->data, v->len};
}

static void lay_free(void *value) { md_free(value); }
#else
typedef struct lay {
    uint64_t magic;
    size_t len;
    char *data;
} lay_t;

static void *lay_new(const char *p, size_t len)
{
    lay_t *v = md_alloc(sizeof(*v));
    v->magic = LAY_MAGIC;
    v->len = len;
    v->data = md_alloc(len + 1);
    memcpy(v->data, p, len);
    v->data[len] = '\0';
    return v;
}

static md_arg_t lay_bytes(const void *value)
{
    const lay_t *v = value;
    return v->magic == LAY_MAGIC ? (md_arg_t){v->data, v->len} : (md_arg_t){NULL, 0};
}

static void lay_free(void *value)
{
    lay_t *v = value;
    if (v->magic == LAY_MAGIC) md_free(v->data);
    md_free(v);
}
#endif

static void *lay_copy(const void *value)
{
    md_arg_t b = lay_bytes(value);
    return lay_new(b.ptr, b.len);
}

static const char *lay_encoding(const void *value)
{
    (void)value;
    return LAYOUT == 1 ? "layout1" : "layout2";
}

static int lay_save(md_rdb_t *r, const void *value)
{
    md_arg_t b = lay_bytes(value);
    return b.ptr ? md_rdb_write_string(r, b.ptr, b.len) : MD_ERR;
}

static void *lay_load(md_rdb_t *r, int encver)
{
    size_t len;
    (void)encver;
    char *s = md_rdb_read_string(r, &len);
    if (!s) return NULL;
#ifdef VARIANT_XLOAD
    if (len == 9 && memcmp(s, "reject-me", 9) == 0) {
        md_free(s);
        md_rdb_error(r, "layout: this build refuses the value");
        return NULL;
    }
#endif
    void *v = lay_new(s, len);
    md_free(s);
    return v;
}

static int lay_aof(md_aof_t *aof, md_arg_t key, const void *value)
{
    md_arg_t b = lay_bytes(value);
    md_arg_t argv[3] = {md_str("LAY.SET"), key, b};
    return md_aof_emit(aof, 3, argv);
}

static int reply_value(md_ctx_t *c, const void *value)
{
    md_arg_t b = lay_bytes(value);
    if (!b.ptr) return md_reply_error(c, "ERR value of another layout");
    return md_reply_bulk(c, b.ptr, b.len);
}

static int cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    md_key_set(k, laytype, lay_new(argv[2].ptr, argv[2].len), 0);
    md_key_ready(c, argv[1]);
    md_dirty(c, 1);
    return md_reply_ok(c);
}

static int cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(c, argv[1], MD_READ);
    if (!md_key_type(k)) return md_reply_null(c);
    if (md_key_type(k) != laytype) return md_reply_wrongtype(c);
    return reply_value(c, md_key_value(k));
}

static int cmd_pop(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t ms;
    (void)argc;
    if (md_parse_timeout(c, argv[2], &ms) != MD_OK) return MD_OK;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    if (md_key_type(k) && md_key_type(k) != laytype) return md_reply_wrongtype(c);
    if (md_key_type(k)) {
        reply_value(c, md_key_value(k));
        md_key_delete(k);
        md_dirty(c, 1);
        return MD_OK;
    }
    if (md_block_on_keys(c, 1, argv + 1, ms, MD_BLOCK_NULL) != MD_OK) md_reply_null(c);
    return MD_OK;
}

static int cmd_ver(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    md_reply_array(c, 2);
    md_reply_int(c, BUILD);
    return md_reply_int(c, LAYOUT);
}

#define LAY_CMD(nm, fn, ar, fl, fk, sy)                                             \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = fk,           \
     .last_key = fk, .step = fk ? 1 : 0, .acl = "@keyspace", .since = "1.0.0",        \
     .summary = "Test command of the layout module.", .complexity = "O(1)",           \
     .syntax = sy}

static const md_command_t lay_commands[] = {
    LAY_CMD("lay.set", cmd_set, 3, "write denyoom", 1, "key value"),
    LAY_CMD("lay.get", cmd_get, 2, "readonly", 1, "key"),
    LAY_CMD("lay.pop", cmd_pop, 3, "write blocking", 1, "key timeout"),
    LAY_CMD("lay.ver", cmd_ver, 1, "fast", 0, NULL),
    {.name = NULL}};

static const md_type_ops_t lay_ops = {
    .size = sizeof(md_type_ops_t), .layout_version = LAYOUT, .free = lay_free,
    .copy = lay_copy, .encoding = lay_encoding, .rdb_save = lay_save, .rdb_load = lay_load,
    .aof_rewrite = lay_aof};

#ifndef VARIANT_XSVC
typedef struct lay_service {
    long long (*build)(void);
} lay_service_t;

static long long service_build(void) { return BUILD; }
static const lay_service_t lay_service = {service_build};
#endif

#ifdef VARIANT_XHOOK
static int lay_refuse(char *why, size_t cap)
{
    static const char text[] = "layout: still busy";
    memcpy(why, text, sizeof(text) < cap ? sizeof(text) : cap);
    return MD_ERR;
}
#endif

static int lay_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
#ifdef VARIANT_XHOOK
    if (md_on_unload(lay_refuse) != MD_OK) return MD_ERR;
#endif
    if (!(laytype = md_type_register("laytype", &lay_ops))) return MD_ERR;
#ifdef VARIANT_XTYPE
    if (!md_type_register("laytype2", &lay_ops)) return MD_ERR;
#endif
    if (md_config_register_ll("layout-param", &lay_param, 5, 0, 1000) != MD_OK) return MD_ERR;
#ifndef VARIANT_XSVC
    if (md_service_export("layout.v1", 1, &lay_service) != MD_OK) return MD_ERR;
#endif
    if (md_commands_register(lay_commands) != MD_OK) return MD_ERR;
#ifdef VARIANT_XINIT
    return MD_ERR;
#else
    return MD_OK;
#endif
}

#ifdef VARIANT_XTYPE
static const char *const lay_types[] = {"laytype", "laytype2", NULL};
#else
static const char *const lay_types[] = {"laytype", NULL};
#endif
#ifdef VARIANT_XRDB
#define LAY_MODTYPE "laytype-B"
#else
#define LAY_MODTYPE "laytype-A"
#endif
static const md_type_rdb_t lay_rdb[] = {
    {.type = "laytype", .module_type = LAY_MODTYPE, .encver = 1},
    {.type = NULL}};
#ifdef VARIANT_XSVC
static const md_service_ref_t lay_provides[] = {{NULL, 0}};
#else
static const md_service_ref_t lay_provides[] = {{"layout.v1", 1}, {NULL, 0}};
#endif

MD_MODULE(lay_on_load,
          .name = "layout",
          .version = BUILD,
          .description = "test: MODULE UPGRADE with two value layouts",
          .types = lay_types,
          .type_rdb = lay_rdb,
          .provides = lay_provides)
