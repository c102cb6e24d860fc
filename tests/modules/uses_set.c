/*
 * uses_set.c — test module requiring the "set.v1" service of the sets
 * module, the way SORT or the sorted-set commands use it. While it is
 * loaded MODULE UNLOAD sets must be refused. Commands, each through the
 * service only:
 *   USESET.CARD key               cardinality (0 when missing)
 *   USESET.HAS key member         1 / 0
 *   USESET.MEMBERS key [max]      [members in the set's order, the walk's
 *                                 return]; with max, the callback stops the
 *                                 walk (returning 7) after max members
 *   USESET.BUILD dst m [m ...]    a new set built with create/add, stored
 *                                 at dst (replacing it); replies the adds
 *   USESET.ADD key m              add to the set in key (stored back when
 *                                 the word moved); 1 / 0
 * A key of another type answers WRONGTYPE.
 */
#include <modis.h>

static const md_set_v1_t *svc;

/* The set at argv[1]: 1 with *v (NULL when missing), or 0 after WRONGTYPE. */
static int open_set(md_ctx_t *ctx, md_arg_t name, int mode, md_key_t **k, void **v)
{
    *k = md_key_open(ctx, name, mode);
    const md_type_t *t = md_key_type(*k);
    *v = NULL;
    if (t == NULL) return 1;
    if (t != svc->type) {
        md_reply_wrongtype(ctx);
        return 0;
    }
    *v = md_key_value(*k);
    return 1;
}

static int card(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    void *v;
    (void)argc;
    if (!open_set(ctx, argv[1], MD_READ, &k, &v)) return MD_OK;
    return md_reply_int(ctx, v ? (long long)svc->card(v) : 0);
}

static int has(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    void *v;
    (void)argc;
    if (!open_set(ctx, argv[1], MD_READ, &k, &v)) return MD_OK;
    return md_reply_int(ctx, v && svc->contains(v, argv[2].ptr, argv[2].len));
}

typedef struct walk {
    md_ctx_t *ctx;
    long long left, sent;
} walk_t;

static int reply_member(void *priv, md_arg_t m)
{
    walk_t *w = priv;
    md_reply_bulk(w->ctx, m.ptr, m.len);
    w->sent++;
    return --w->left == 0 ? 7 : 0;
}

static int members(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    void *v;
    walk_t w = {ctx, -1, 0};
    if (argc > 2 && md_parse_ll(ctx, argv[2], &w.left) != MD_OK) return MD_OK;
    if (!open_set(ctx, argv[1], MD_READ, &k, &v)) return MD_OK;
    md_reply_array(ctx, 2);
    void *h = md_reply_defer(ctx);
    int rc = v ? svc->each(v, reply_member, &w) : 0;
    md_reply_defer_set(ctx, h, MD_DEFER_ARRAY, w.sent);
    return md_reply_int(ctx, rc);
}

static int build(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    void *v = svc->create();
    long long added = 0;
    for (int i = 2; i < argc; i++) added += svc->add(&v, argv[i].ptr, argv[i].len);
    md_key_set(md_key_open(ctx, argv[1], MD_WRITE), svc->type, v, 0);
    md_dirty(ctx, 1);
    return md_reply_int(ctx, added);
}

static int add(md_ctx_t *ctx, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    void *v;
    (void)argc;
    if (!open_set(ctx, argv[1], MD_WRITE, &k, &v)) return MD_OK;
    if (v == NULL) return md_reply_error(ctx, "ERR no such set");
    void *old = v;
    int added = svc->add(&v, argv[2].ptr, argv[2].len);
    if (v != old) md_key_replace_value(k, v);
    if (added) md_dirty(ctx, 1);
    return md_reply_int(ctx, added);
}

#define CMD(nm, fn, ar, fl, sum)                                                    \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = 1,          \
     .last_key = 1, .step = 1, .acl = "@set", .summary = sum, .since = "1.0.0",   \
     .complexity = "O(N)"}

static const md_command_t commands[] = {
    CMD("useset.card", card, 2, "readonly", "Cardinality via set.v1 (test module)."),
    CMD("useset.has", has, 3, "readonly", "Membership via set.v1 (test module)."),
    CMD("useset.members", members, -2, "readonly", "Members via set.v1 (test module)."),
    CMD("useset.build", build, -3, "write denyoom", "Build a set via set.v1 (test module)."),
    CMD("useset.add", add, 3, "write denyoom", "Add via set.v1 (test module)."),
    {0}};

static const md_service_ref_t requires[] = {{MD_SERVICE_SET, 1}, {NULL, 0}};
static const char *const types[] = {NULL};

static int on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    svc = md_service_import(MD_SERVICE_SET, 1);
    if (!svc || svc->size < sizeof(md_set_v1_t)) return MD_ERR;
    return md_commands_register(commands);
}

MD_MODULE(on_load,
          .name = "uses_set",
          .version = 1,
          .description = "test: requires set.v1",
          .types = types,
          .requires = requires)
