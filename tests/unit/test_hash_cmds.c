/*
 * test_hash_cmds.c — what the hash commands leave for AOF and replicas
 * and for keyspace events, checked against a stand-in host: a one-db
 * keyspace, replies and md_replicate() calls recorded as text. Covers the
 * HEXPIRE family's rewrite to HPEXPIREAT with only the fields that were
 * set, HDEL for fields whose time is already past, lazy expiry in read and
 * write commands (HDEL first, then the command itself), HINCRBYFLOAT as
 * HSET, active expiry through the type callbacks (under the key's current
 * name, md_key_name(), after a rename), the key going away with its last
 * field, and the active-expiry mark (md_key_subexpire_track) following
 * the field TTLs.
 */
#include "hash_stub.h"

struct md_ctx {
    int unused;
};
struct md_key {
    md_arg_t name;
};

#include "../../modules/hashes/hash_listpack.c"
#include "../../modules/hashes/hash_table.c"
#include "../../modules/hashes/hash_value.c"
#include "../../modules/hashes/hashes_cmds.c"
#include "../../modules/hashes/hashes_expire.c"

#include <check.h>
#include <stdio.h>
#include <strings.h>

#define HASH_TYPE ((const md_type_t *)0x1000)
md_type_t *hashes_type = (md_type_t *)0x1000;
long long hashes_expired_subkeys;

/* ---- the stand-in host ---- */
#define NKEYS 8
static struct {
    char name[32];
    size_t len;
    void *value;
    int tracked;
} ks[NKEYS];
static struct md_key keys[64];
static int nkeys_open;
static int64_t now_ms;
#define LOG_CAP 4096
static char replies[LOG_CAP], props[LOG_CAP], events[LOG_CAP];
static long long dirty;

static void logf_(char *buf, const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(buf);
    va_start(ap, fmt);
    vsnprintf(buf + n, LOG_CAP - n, fmt, ap);
    va_end(ap);
}

static int slot(md_arg_t name)
{
    for (int i = 0; i < NKEYS; i++)
        if (ks[i].value && ks[i].len == name.len && memcmp(ks[i].name, name.ptr, name.len) == 0)
            return i;
    return -1;
}

static md_key_t *k_open(md_ctx_t *c, md_arg_t name, int mode)
{
    (void)c;
    (void)mode;
    keys[nkeys_open].name = name;
    return &keys[nkeys_open++];
}
static const md_type_t *k_type(md_key_t *k) { return slot(k->name) >= 0 ? HASH_TYPE : NULL; }
static void *k_value(md_key_t *k)
{
    int i = slot(k->name);
    return i >= 0 ? ks[i].value : NULL;
}
static int k_set(md_key_t *k, const md_type_t *t, void *v, int keepttl)
{
    (void)t;
    (void)keepttl;
    for (int i = 0; i < NKEYS; i++)
        if (!ks[i].value) {
            memcpy(ks[i].name, k->name.ptr, k->name.len);
            ks[i].len = k->name.len;
            ks[i].value = v;
            ks[i].tracked = 0;
            return MD_OK;
        }
    return MD_ERR;
}
static int k_replace(md_key_t *k, void *v)
{
    ks[slot(k->name)].value = v;
    return MD_OK;
}
static int k_delete(md_key_t *k)
{
    int i = slot(k->name);
    if (i < 0) return MD_ERR;
    hv_free(ks[i].value);
    ks[i].value = NULL;
    return MD_OK;
}
static void k_modified(md_ctx_t *c, md_key_t *k) { (void)c; (void)k; }
static void k_notify(md_ctx_t *c, int cls, const char *ev, md_arg_t key)
{
    (void)c;
    (void)cls;
    logf_(events, "%s:%.*s ", ev, (int)key.len, key.ptr);
}
static void k_dirty(md_ctx_t *c, long long n) { (void)c; dirty += n; }
static int k_track(md_key_t *k, int on)
{
    int i = slot(k->name);
    if (i < 0) return MD_ERR;
    ks[i].tracked = on;
    return MD_OK;
}
static md_arg_t k_name(md_key_t *k) { return k->name; }

static int r_int(md_ctx_t *c, long long v) { (void)c; logf_(replies, ":%lld ", v); return MD_OK; }
static int r_bulk(md_ctx_t *c, const void *p, size_t n)
{
    (void)c;
    logf_(replies, "$%.*s ", (int)n, (const char *)p);
    return MD_OK;
}
static int r_bulk_ll(md_ctx_t *c, long long v) { (void)c; logf_(replies, "$%lld ", v); return MD_OK; }
static int r_null(md_ctx_t *c) { (void)c; logf_(replies, "nil "); return MD_OK; }
static int r_array(md_ctx_t *c, long n) { (void)c; logf_(replies, "*%ld ", n); return MD_OK; }
static int r_map(md_ctx_t *c, long n) { (void)c; logf_(replies, "%%%ld ", n); return MD_OK; }
static int r_error(md_ctx_t *c, const char *s) { (void)c; logf_(replies, "-%s ", s); return MD_OK; }
static int r_simple(md_ctx_t *c, const char *s) { (void)c; logf_(replies, "+%s ", s); return MD_OK; }
static int r_wrongtype(md_ctx_t *c) { return r_error(c, "WRONGTYPE"); }

static void p_verbatim(md_ctx_t *c) { (void)c; logf_(props, "<verbatim> | "); }
static void p_replicate(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)c;
    for (int i = 0; i < argc; i++) logf_(props, "%.*s ", (int)argv[i].len, argv[i].ptr);
    logf_(props, "| ");
}
static int64_t t_mstime(void) { return now_ms; }
static int a_ll(md_arg_t a, long long *out)
{
    char buf[64];
    char *end;
    if (a.len == 0 || a.len >= sizeof buf) return MD_ERR;
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = 0;
    *out = strtoll(buf, &end, 10);
    return *end ? MD_ERR : MD_OK;
}
static int a_ld(md_arg_t a, long double *out)
{
    char buf[64];
    char *end;
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = 0;
    *out = strtold(buf, &end);
    return *end ? MD_ERR : MD_OK;
}
static int p_ll(md_ctx_t *c, md_arg_t a, long long *out)
{
    if (a_ll(a, out) == MD_OK) return MD_OK;
    r_error(c, MD_ERR_NOT_INT);
    return MD_ERR;
}
static int a_eq(md_arg_t a, const char *w)
{
    return strlen(w) == a.len && strncasecmp(a.ptr, w, a.len) == 0;
}
static int ld2str(char *buf, size_t cap, long double v, int human)
{
    (void)human;
    return snprintf(buf, cap, "%.17Lg", v);
}

static void setup(void)
{
    stub_install();
    stub_api.key_open = k_open;
    stub_api.key_type = k_type;
    stub_api.key_value = k_value;
    stub_api.key_set = k_set;
    stub_api.key_replace_value = k_replace;
    stub_api.key_delete = k_delete;
    stub_api.key_modified = k_modified;
    stub_api.notify = k_notify;
    stub_api.dirty = k_dirty;
    stub_api.key_subexpire_track = k_track;
    stub_api.key_name = k_name;
    stub_api.reply_int = r_int;
    stub_api.reply_bulk = r_bulk;
    stub_api.reply_bulk_ll = r_bulk_ll;
    stub_api.reply_null = r_null;
    stub_api.reply_array = r_array;
    stub_api.reply_map = r_map;
    stub_api.reply_error = r_error;
    stub_api.reply_simple = r_simple;
    stub_api.reply_wrongtype = r_wrongtype;
    stub_api.replicate_verbatim = p_verbatim;
    stub_api.replicate = p_replicate;
    stub_api.mstime = t_mstime;
    stub_api.arg_ll = a_ll;
    stub_api.arg_ld = a_ld;
    stub_api.parse_ll = p_ll;
    stub_api.arg_eq = a_eq;
    stub_api.ld2str = ld2str;
    memset(ks, 0, sizeof ks);
    now_ms = 1000000;
    hashes_expired_subkeys = 0;
    hv_max_entries = 512;
    hv_max_value = 64;
}

static void teardown(void)
{
    for (int i = 0; i < NKEYS; i++)
        if (ks[i].value) hv_free(ks[i].value);
    ck_assert_int_eq(live_blocks, 0);
}

/* Run one command given as space-separated words; clears the logs first. */
static void run(md_cmd_fn fn, const char *line)
{
    static char copy[512];
    md_arg_t argv[32];
    int argc = 0;
    md_ctx_t ctx;
    strcpy(copy, line);
    for (char *t = strtok(copy, " "); t; t = strtok(NULL, " "))
        argv[argc++] = (md_arg_t){t, strlen(t)};
    replies[0] = props[0] = events[0] = 0;
    dirty = 0;
    nkeys_open = 0;
    fn(&ctx, argc, argv);
}

START_TEST(hexpire_propagates_hpexpireat_of_set_fields)
{
    run(hashes_cmd_hset, "HSET h a 1 b 2 c 3");
    ck_assert_str_eq(replies, ":3 ");
    ck_assert_str_eq(events, "hset:h ");
    ck_assert_str_eq(props, ""); /* default: the command as called */
    run(hashes_cmd_hexpire, "HEXPIRE h 100 FIELDS 3 a nofield b");
    ck_assert_str_eq(replies, "*3 :1 :-2 :1 ");
    ck_assert_str_eq(props, "HPEXPIREAT h 1100000 FIELDS 2 a b | ");
    ck_assert_str_eq(events, "hexpire:h ");
    ck_assert_int_eq(dirty, 2);
    ck_assert_int_eq(ks[0].tracked, 1);
    run(hashes_cmd_hpexpire, "HPEXPIRE h 500 GT FIELDS 2 a c");
    ck_assert_str_eq(replies, "*2 :0 :0 ");
    ck_assert_str_eq(props, "");
    ck_assert_str_eq(events, "");
    run(hashes_cmd_hpexpireat, "HPEXPIREAT h 2000000 GT FIELDS 2 a c");
    ck_assert_str_eq(replies, "*2 :1 :0 ");
    ck_assert_str_eq(props, "HPEXPIREAT h 2000000 GT FIELDS 1 a | ");
    /* A time not in the future: HDEL, and the key goes with its last field. */
    run(hashes_cmd_hpexpire, "HPEXPIRE h 0 FIELDS 2 c b");
    ck_assert_str_eq(replies, "*2 :2 :2 ");
    ck_assert_str_eq(props, "HDEL h c | HDEL h b | ");
    ck_assert_str_eq(events, "hdel:h ");
    run(hashes_cmd_hexpireat, "HEXPIREAT h 1 FIELDS 2 a a");
    ck_assert_str_eq(replies, "*2 :2 :-2 ");
    ck_assert_str_eq(props, "HDEL h a | ");
    ck_assert_str_eq(events, "hdel:h del:h ");
    ck_assert_int_eq(slot((md_arg_t){"h", 1}), -1);
}
END_TEST

START_TEST(lazy_expiry_propagates_hdel_first)
{
    run(hashes_cmd_hset, "HSET h a 1 b 2 c 3");
    run(hashes_cmd_hpexpire, "HPEXPIRE h 10 FIELDS 2 a b");
    now_ms += 20;
    run(hashes_cmd_hget, "HGET h a");
    ck_assert_str_eq(replies, "nil ");
    ck_assert_str_eq(props, "HDEL h a | HDEL h b | ");
    ck_assert_str_eq(events, "hexpired:h ");
    ck_assert_int_eq(hashes_expired_subkeys, 2);
    run(hashes_cmd_hpexpire, "HPEXPIRE h 10 FIELDS 1 c");
    now_ms += 20;
    /* In a write command: HDEL, then the command itself. */
    run(hashes_cmd_hset, "HSET h d 4");
    ck_assert_str_eq(replies, ":1 ");
    ck_assert_str_eq(props, "HDEL h c | <verbatim> | ");
    ck_assert_str_eq(events, "hexpired:h del:h hset:h ");
    run(hashes_cmd_hgetall, "HGETALL h");
    ck_assert_str_eq(replies, "%1 $d $4 ");
}
END_TEST

START_TEST(hincrbyfloat_propagates_hset)
{
    run(hashes_cmd_hincrbyfloat, "HINCRBYFLOAT h f 1.5");
    ck_assert_str_eq(replies, "$1.5 ");
    ck_assert_str_eq(props, "HSET h f 1.5 | ");
    run(hashes_cmd_hpexpire, "HPEXPIRE h 10 FIELDS 1 f");
    run(hashes_cmd_hset, "HSET h g 1");
    now_ms += 20;
    run(hashes_cmd_hincrbyfloat, "HINCRBYFLOAT h f 2");
    ck_assert_str_eq(replies, "$2 ");
    ck_assert_str_eq(props, "HDEL h f | HSET h f 2 | ");
    run(hashes_cmd_hincrby, "HINCRBY h g 5");
    ck_assert_str_eq(replies, ":6 ");
    ck_assert_str_eq(props, "");
    ck_assert_str_eq(events, "hincrby:h ");
}
END_TEST

START_TEST(active_expiry_through_type_callbacks)
{
    md_ctx_t ctx;
    run(hashes_cmd_hset, "HSET h a 1 b 2");
    run(hashes_cmd_hpexpire, "HPEXPIRE h 10 FIELDS 1 a");
    run(hashes_cmd_hpexpire, "HPEXPIRE h 30 FIELDS 1 b");
    ck_assert_int_eq(hashes_subexpire_next(ks[0].value), now_ms + 10);
    replies[0] = props[0] = events[0] = 0;
    nkeys_open = 0;
    hashes_subexpire_run(&ctx, k_open(&ctx, (md_arg_t){"h", 1}, MD_WRITE), now_ms + 10);
    ck_assert_str_eq(props, "HDEL h a | ");
    ck_assert_str_eq(events, "hexpired:h ");
    ck_assert_int_eq(hashes_subexpire_next(ks[0].value), now_ms + 30);
    props[0] = events[0] = 0;
    nkeys_open = 0;
    hashes_subexpire_run(&ctx, k_open(&ctx, (md_arg_t){"h", 1}, MD_WRITE), now_ms + 31);
    ck_assert_str_eq(props, "HDEL h b | ");
    ck_assert_str_eq(events, "hexpired:h del:h ");
    ck_assert_int_eq(slot((md_arg_t){"h", 1}), -1);
}
END_TEST

START_TEST(active_expiry_after_rename)
{
    md_ctx_t ctx;
    run(hashes_cmd_hset, "HSET h a 1 b 2");
    run(hashes_cmd_hpexpire, "HPEXPIRE h 10 FIELDS 1 a");
    ck_assert_int_eq(ks[0].tracked, 1);
    /* RENAME h renamed: the host moves the value and its mark. */
    strcpy(ks[0].name, "renamed");
    ks[0].len = 7;
    replies[0] = props[0] = events[0] = 0;
    nkeys_open = 0;
    hashes_subexpire_run(&ctx, k_open(&ctx, (md_arg_t){"renamed", 7}, MD_WRITE), now_ms + 11);
    ck_assert_str_eq(props, "HDEL renamed a | ");
    ck_assert_str_eq(events, "hexpired:renamed ");
    ck_assert_int_eq(hashes_expired_subkeys, 1);
    run(hashes_cmd_hgetall, "HGETALL renamed");
    ck_assert_str_eq(replies, "%1 $b $2 ");
    /* No field TTL left: the key is no longer marked. */
    ck_assert_int_eq(ks[0].tracked, 0);
}
END_TEST

START_TEST(subexpire_mark_follows_field_ttls)
{
    run(hashes_cmd_hset, "HSET h a 1 b 2 c 3");
    run(hashes_cmd_hexpire, "HEXPIRE h 100 FIELDS 2 a b");
    ck_assert_int_eq(ks[0].tracked, 1);
    run(hashes_cmd_hpersist, "HPERSIST h FIELDS 1 a");
    ck_assert_int_eq(ks[0].tracked, 1);          /* b still has one */
    run(hashes_cmd_hset, "HSET h b 9");          /* HSET clears b's TTL */
    ck_assert_int_eq(ks[0].tracked, 0);
    run(hashes_cmd_hexpire, "HEXPIRE h 100 FIELDS 1 c");
    ck_assert_int_eq(ks[0].tracked, 1);
    run(hashes_cmd_hdel, "HDEL h c");
    ck_assert_int_eq(ks[0].tracked, 0);
    run(hashes_cmd_hexpire, "HEXPIRE h 100 FIELDS 1 a");
    ck_assert_int_eq(ks[0].tracked, 1);
    run(hashes_cmd_hpersist, "HPERSIST h FIELDS 1 a");
    ck_assert_int_eq(ks[0].tracked, 0);
    /* A past time deletes the only field with a TTL: unmarked too. */
    run(hashes_cmd_hexpire, "HEXPIRE h 100 FIELDS 1 a");
    run(hashes_cmd_hexpire, "HEXPIRE h 0 FIELDS 1 a");
    ck_assert_str_eq(replies, "*1 :2 ");
    ck_assert_int_eq(ks[0].tracked, 0);
    run(hashes_cmd_hlen, "HLEN h");
    ck_assert_str_eq(replies, ":1 ");
}
END_TEST

START_TEST(hdel_hpersist_events)
{
    run(hashes_cmd_hset, "HSET h a 1 b 2");
    run(hashes_cmd_hexpire, "HEXPIRE h 10 FIELDS 1 a");
    run(hashes_cmd_hpersist, "HPERSIST h FIELDS 3 a b x");
    ck_assert_str_eq(replies, "*3 :1 :-1 :-2 ");
    ck_assert_str_eq(events, "hpersist:h ");
    ck_assert_str_eq(props, "");
    run(hashes_cmd_hpersist, "HPERSIST h FIELDS 1 a");
    ck_assert_str_eq(events, "");
    run(hashes_cmd_hdel, "HDEL h a x b");
    ck_assert_str_eq(replies, ":2 ");
    ck_assert_str_eq(events, "hdel:h del:h ");
    ck_assert_int_eq(dirty, 2);
    run(hashes_cmd_hdel, "HDEL h a");
    ck_assert_str_eq(replies, ":0 ");
    ck_assert_str_eq(events, "");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hash_cmds");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hexpire_propagates_hpexpireat_of_set_fields);
    tcase_add_test(tc, lazy_expiry_propagates_hdel_first);
    tcase_add_test(tc, hincrbyfloat_propagates_hset);
    tcase_add_test(tc, active_expiry_through_type_callbacks);
    tcase_add_test(tc, hdel_hpersist_events);
    tcase_add_test(tc, active_expiry_after_rename);
    tcase_add_test(tc, subexpire_mark_follows_field_ttls);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
