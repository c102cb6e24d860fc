/*
 * uses_zset.c — test module requiring the "zset.v1" service of the zsets
 * module, driving every member of the table from commands, as the geo
 * module will:
 *
 *   ZSVC.ADD key score member [NX|XX|GT|LT|INCR ...] -> [result, newscore]
 *       result: added / updated / nop / same; an error for a NaN result
 *       or another type
 *   ZSVC.REM key member          -> 1 or 0
 *   ZSVC.LEN key / ZSVC.SCORE key member / ZSVC.RANK key member rev
 *   ZSVC.BYSCORE key min minex max maxex rev offset limit
 *   ZSVC.BYRANK key start end rev -> flat [member, score, ...]
 *
 * Writes send "zadd"/"zrem" events and signal new keys ready, as a
 * consumer must.
 */
#include <modis.h>

static const md_zset_v1_t *zs;

/* The value of a zset key for reading, NULL when empty; *bad when the key
 * holds another type (WRONGTYPE replied). */
static const void *read_zset(md_ctx_t *c, md_arg_t key, int *bad)
{
    md_key_t *k = md_key_open(c, key, MD_READ);
    const md_type_t *t = md_key_type(k);
    *bad = t && t != zs->type;
    if (*bad) md_reply_wrongtype(c);
    return t && !*bad ? md_key_value(k) : NULL;
}

static int zsvc_add(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const names[] = {"incr", "nx", "xx", "gt", "lt"};
    double score, newscore = 0;
    int flags = 0, result;

    if (md_parse_double(c, argv[2], &score) != MD_OK) return MD_OK;
    for (int i = 4; i < argc; i++)
        for (int f = 0; f < 5; f++)
            if (md_arg_eq(argv[i], names[f])) flags |= 1 << f;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    int existed = md_key_type(k) != NULL;
    if (zs->add(k, argv[3], score, flags, &result, &newscore) != MD_OK)
        return md_reply_error(c, "ERR zset.v1 add failed");
    if (result & (MD_ZSET_ADDED | MD_ZSET_UPDATED)) {
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_ZSET, "zadd", argv[1]);
        md_dirty(c, 1);
        if (!existed) md_key_ready(c, argv[1]);
    }
    md_reply_array(c, 2);
    md_reply_simple(c, result & MD_ZSET_ADDED ? "added"
                       : result & MD_ZSET_UPDATED ? "updated"
                       : result & MD_ZSET_NOP ? "nop" : "same");
    return md_reply_double(c, newscore);
}

static int zsvc_rem(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    int removed = zs->remove(k, argv[2]);
    if (removed) {
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_ZSET, "zrem", argv[1]);
        md_dirty(c, 1);
    }
    return md_reply_int(c, removed);
}

static int zsvc_len(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int bad;
    (void)argc;
    const void *z = read_zset(c, argv[1], &bad);
    return bad ? MD_OK : md_reply_int(c, z ? (long long)zs->len(z) : 0);
}

static int zsvc_score(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int bad;
    double s;
    (void)argc;
    const void *z = read_zset(c, argv[1], &bad);
    if (bad) return MD_OK;
    return z && zs->score(z, argv[2], &s) ? md_reply_double(c, s) : md_reply_null(c);
}

static int zsvc_rank(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int bad;
    long long rev;
    (void)argc;
    if (md_parse_ll(c, argv[3], &rev) != MD_OK) return MD_OK;
    const void *z = read_zset(c, argv[1], &bad);
    return bad ? MD_OK : md_reply_int(c, z ? zs->rank(z, argv[2], (int)rev) : -1);
}

static int visit(void *priv, md_arg_t member, double score)
{
    md_ctx_t *c = priv;
    md_reply_bulk(c, member.ptr, member.len);
    md_reply_double(c, score);
    return 1;
}

static int zsvc_byscore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    double min, max;
    long long minex, maxex, rev, offset, limit;
    int bad;
    (void)argc;
    if (md_parse_double(c, argv[2], &min) != MD_OK || md_parse_ll(c, argv[3], &minex) ||
        md_parse_double(c, argv[4], &max) != MD_OK || md_parse_ll(c, argv[5], &maxex) ||
        md_parse_ll(c, argv[6], &rev) || md_parse_ll(c, argv[7], &offset) ||
        md_parse_ll(c, argv[8], &limit))
        return MD_OK;
    const void *z = read_zset(c, argv[1], &bad);
    if (bad) return MD_OK;
    void *h = md_reply_defer(c);
    size_t n = z ? zs->range_score(z, min, (int)minex, max, (int)maxex, (int)rev,
                                   (size_t)offset, limit, visit, c) : 0;
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, (long)(2 * n));
    return MD_OK;
}

static int zsvc_byrank(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long start, end, rev;
    int bad;
    (void)argc;
    if (md_parse_ll(c, argv[2], &start) || md_parse_ll(c, argv[3], &end) ||
        md_parse_ll(c, argv[4], &rev))
        return MD_OK;
    const void *z = read_zset(c, argv[1], &bad);
    if (bad) return MD_OK;
    void *h = md_reply_defer(c);
    size_t n = z ? zs->range_rank(z, start, end, (int)rev, visit, c) : 0;
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, (long)(2 * n));
    return MD_OK;
}

#define ZCMD(nm, fn, ar, fl)                                                   \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl, .first_key = 1,     \
     .last_key = 1, .step = 1, .acl = "@sortedset",                            \
     .summary = "zset.v1 test command", .since = "1.0.0", .complexity = "O(1)"}

static const md_command_t uses_zset_commands[] = {
    ZCMD("zsvc.add", zsvc_add, -4, "write denyoom"),
    ZCMD("zsvc.rem", zsvc_rem, 3, "write"),
    ZCMD("zsvc.len", zsvc_len, 2, "readonly"),
    ZCMD("zsvc.score", zsvc_score, 3, "readonly"),
    ZCMD("zsvc.rank", zsvc_rank, 4, "readonly"),
    ZCMD("zsvc.byscore", zsvc_byscore, 9, "readonly"),
    ZCMD("zsvc.byrank", zsvc_byrank, 5, "readonly"),
    {0}};

static const md_service_ref_t uses_zset_requires[] = {{MD_SERVICE_ZSET, 1}, {NULL, 0}};
static const char *const uses_zset_types[] = {NULL};

static int uses_zset_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    zs = md_service_import(MD_SERVICE_ZSET, 1);
    if (!zs || zs->size < sizeof(md_zset_v1_t)) return MD_ERR;
    return md_commands_register(uses_zset_commands);
}

MD_MODULE(uses_zset_on_load,
          .name = "uses_zset",
          .version = 1,
          .description = "test: the zset.v1 service",
          .types = uses_zset_types,
          .requires = uses_zset_requires)
