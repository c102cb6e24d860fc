/*
 * test_cmd_meta.c — host/cmd_keyspecs.c and host/cmd_docs.c alone: the key
 * spec mini-language (errors, defaults, the legacy range Redis derives,
 * key extraction by index, keyword, range with limits and keynum) and the
 * COMMAND DOCS syntax language (argument trees, names, tokens, flags,
 * repeats, annotations, errors, history and doc flags). Replies go through
 * a stand-in API table that renders them as compact text:
 * [n ...] array, ~n set, {n ...} map, 'bulk', +status, :int.
 */
#include "cmd_docs.h"
#include "cmd_keyspecs.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the stand-in reply API: appends to out ---- */

static char out[8192];

static void put(const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(out);
    va_start(ap, fmt);
    vsnprintf(out + n, sizeof(out) - n, fmt, ap);
    va_end(ap);
}

static int r_simple(md_ctx_t *c, const char *s) { put("+%s ", s); return MD_OK; }
static int r_int(md_ctx_t *c, long long v) { put(":%lld ", v); return MD_OK; }
static int r_bulk(md_ctx_t *c, const void *p, size_t n)
{
    put("'%.*s' ", (int)n, (const char *)p);
    return MD_OK;
}
static int r_array(md_ctx_t *c, long n) { put("*%ld ", n); return MD_OK; }
static int r_map(md_ctx_t *c, long n) { put("%%%ld ", n); return MD_OK; }
static int r_set(md_ctx_t *c, long n) { put("~%ld ", n); return MD_OK; }

static md_api_t api = {.size = sizeof(md_api_t), .reply_simple = r_simple,
                       .reply_int = r_int, .reply_bulk = r_bulk, .reply_array = r_array,
                       .reply_map = r_map, .reply_set = r_set};
const md_api_t *sdk_host_api = &api;
md_module_t *sdk_host_self;

/* ---- helpers ---- */

static char err[200];

static cmd_keyspecs_t specs(const char *s)
{
    cmd_keyspecs_t ks;
    ck_assert_msg(cmd_keyspecs_parse(s, &ks, err, sizeof(err)) == 0, "%s: %s", s, err);
    return ks;
}

static const char *spec_error(const char *s)
{
    cmd_keyspecs_t ks;
    ck_assert_int_eq(cmd_keyspecs_parse(s, &ks, err, sizeof(err)), -1);
    ck_assert_int_eq(ks.n, 0);
    return err;
}

/* The keys found in a space-separated argv, as "pos:flags ..." or "-1". */
static const char *keys_of(const char *spec, const char *line)
{
    static char buf[256];
    md_arg_t argv[32];
    char copy[256];
    int argc = 0;
    snprintf(copy, sizeof(copy), "%s", line);
    for (char *t = strtok(copy, " "); t && argc < 32; t = strtok(NULL, " "))
        argv[argc].ptr = line + (t - copy), argv[argc++].len = strlen(t);
    cmd_keyspecs_t ks = specs(spec);
    cmd_keyref_t refs[32];
    int n = cmd_keyspecs_find(&ks, argc, argv, refs, 32);
    buf[0] = '\0';
    if (n < 0) snprintf(buf, sizeof(buf), "-1");
    for (int i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%d:%x", i ? " " : "",
                 refs[i].pos, refs[i].flags);
    cmd_keyspecs_free(&ks);
    return buf;
}

static void legacy(const char *spec, int f, int l, int s, int m)
{
    cmd_keyspecs_t ks = specs(spec);
    int ff, ll, ss, mm;
    cmd_keyspecs_legacy(&ks, &ff, &ll, &ss, &mm);
    ck_assert_msg(ff == f && ll == l && ss == s && mm == m, "%s: got %d,%d,%d,%d", spec, ff,
                  ll, ss, mm);
    cmd_keyspecs_free(&ks);
}

/* The arguments reply of a syntax, rendered. */
static const char *args_of(const char *syntax, int nspecs)
{
    cmd_docs_t *d;
    ck_assert_msg(cmd_docs_parse(syntax, nspecs, &d, err, sizeof(err)) == 0, "%s: %s", syntax,
                  err);
    out[0] = '\0';
    cmd_docs_reply_args(NULL, d);
    cmd_docs_free(d);
    return out;
}

static const char *syntax_error(const char *syntax, int nspecs)
{
    cmd_docs_t *d = (cmd_docs_t *)1;
    ck_assert_int_eq(cmd_docs_parse(syntax, nspecs, &d, err, sizeof(err)), -1);
    ck_assert_ptr_null(d);
    return err;
}

/* ---- key specs ---- */

START_TEST(test_spec_errors)
{
    ck_assert_str_eq(spec_error("RO access"),
                     "key spec 0: no begin search (index:N, keyword:WORD or unknown)");
    ck_assert_str_eq(spec_error("access index:1"),
                     "key spec 0: needs one of RO, RW, OW, RM (or not_key)");
    ck_assert_str_eq(spec_error("RO RW index:1"),
                     "key spec 0: needs one of RO, RW, OW, RM (or not_key)");
    ck_assert_str_eq(spec_error("RO index:0"), "key spec 0: bad word 'index:0'");
    ck_assert_str_eq(spec_error("RO index:1 range:0:0"), "key spec 0: bad word 'range:0:0'");
    ck_assert_str_eq(spec_error("RO index:1 range:-2:1:2"),
                     "key spec 0: bad word 'range:-2:1:2'");
    ck_assert_str_eq(spec_error("RO index:1 range:1:1:1:1"),
                     "key spec 0: bad word 'range:1:1:1:1'");
    ck_assert_str_eq(spec_error("RO index:1 keynum:0:1"), "key spec 0: bad word 'keynum:0:1'");
    ck_assert_str_eq(spec_error("RO index:1; RW read index:2"), "key spec 1: bad word 'read'");
    ck_assert_str_eq(spec_error("RO keyword::1"), "key spec 0: bad word 'keyword::1'");
    ck_assert_str_eq(spec_error("RO range:1 index:1"), "key spec 0: bad word 'range:1'");
    ck_assert_str_eq(spec_error("RO index:x"), "key spec 0: bad word 'index:x'");
}
END_TEST

START_TEST(test_spec_parse_and_reply)
{
    cmd_keyspecs_t ks = specs("RW access update variable_flags index:1 # RW and ACCESS; "
                              "OW update keyword:STORE:-2 range:-1:2:3; not_key unknown");
    out[0] = '\0';
    cmd_keyspecs_reply(NULL, &ks);
    ck_assert_str_eq(out,
        "~3 %4 'notes' 'RW and ACCESS' 'flags' ~4 +RW +access +update +variable_flags "
        "'begin_search' %2 'type' 'index' 'spec' %1 'index' :1 "
        "'find_keys' %2 'type' 'range' 'spec' %3 'lastkey' :0 'keystep' :1 'limit' :0 "
        "%3 'flags' ~2 +OW +update 'begin_search' %2 'type' 'keyword' 'spec' %2 "
        "'keyword' 'STORE' 'startfrom' :-2 'find_keys' %2 'type' 'range' 'spec' %3 "
        "'lastkey' :-1 'keystep' :2 'limit' :3 "
        "%3 'flags' ~1 +not_key 'begin_search' %2 'type' 'unknown' 'spec' %0 "
        "'find_keys' %2 'type' 'unknown' 'spec' %0 ");
    cmd_keyspecs_free(&ks);
    ks = specs(NULL);
    ck_assert_int_eq(ks.n, 0);
}
END_TEST

START_TEST(test_spec_default)
{
    cmd_keyspecs_t ks;
    cmd_keyspecs_default(&ks, 0, 0, 0, 1, 0);
    ck_assert_int_eq(ks.n, 0);
    cmd_keyspecs_default(&ks, 1, -1, 2, 0, 0);
    ck_assert_int_eq(ks.n, 1);
    ck_assert_int_eq(ks.v[0].flags, KSF_RW | KSF_ACCESS | KSF_UPDATE);
    ck_assert_int_eq(ks.v[0].pos, 1);
    ck_assert_int_eq(ks.v[0].a, -1);
    ck_assert_int_eq(ks.v[0].b, 2);
    cmd_keyspecs_free(&ks);
    cmd_keyspecs_default(&ks, 2, 3, 1, 1, 1);
    ck_assert_int_eq(ks.v[0].flags, KSF_RO | KSF_ACCESS | KSF_INCOMPLETE);
    ck_assert_int_eq(ks.v[0].a, 1);
    cmd_keyspecs_free(&ks);
}
END_TEST

START_TEST(test_spec_legacy_range)
{
    legacy("RO index:1", 1, 1, 1, 0);
    legacy("OW update index:1 range:-1:2", 1, -1, 2, 0);
    legacy("RO index:1 range:1", 1, 2, 1, 0);
    legacy("RW index:1; OW index:2", 1, 2, 1, 0);         /* RENAME */
    legacy("RW index:1 range:-2", 1, -2, 1, 0);            /* BLPOP */
    legacy("RW index:1 keynum:0:1:1", 0, 0, 0, 1);         /* LMPOP */
    legacy("RO index:2; RW index:5", 2, 2, 1, 1);          /* not consecutive */
    legacy("RO index:1 incomplete", 1, 1, 1, 1);
    legacy("RO index:1; RO unknown; OW unknown", 1, 1, 1, 1); /* SORT */
    legacy("RO index:1; RO index:2 range:-1", 1, -1, 1, 0);
}
END_TEST

START_TEST(test_spec_find_keys)
{
    ck_assert_str_eq(keys_of("RO access index:1", "get k"), "1:11");
    ck_assert_str_eq(keys_of("RO index:1 range:-1", "mget a b c"), "1:1 2:1 3:1");
    ck_assert_str_eq(keys_of("OW update index:1 range:-1:2", "mset a 1 b 2"), "1:24 3:24");
    ck_assert_str_eq(keys_of("OW update index:1 range:-1:2", "mset a 1 b"), "1:24 3:24");
    ck_assert_str_eq(keys_of("RW index:1 range:-2", "blpop a b 0"), "1:2 2:2");
    ck_assert_str_eq(keys_of("RW index:1; OW index:2", "rename a b"), "1:2 2:4");
    ck_assert_str_eq(keys_of("RW index:1 keynum:0:1:1", "lmpop 2 a b left"), "2:2 3:2");
    ck_assert_str_eq(keys_of("RW index:2 keynum:0:1:1", "blmpop 0 1 a left"), "3:2");
    ck_assert_str_eq(keys_of("RW index:1 keynum:0:1:1", "lmpop 0 left"), "-1");
    ck_assert_str_eq(keys_of("RW index:1 keynum:0:1:1", "lmpop x a left"), "-1");
    ck_assert_str_eq(keys_of("RW index:1 keynum:0:1:1", "lmpop -1 a left"), "-1");
    ck_assert_str_eq(keys_of("RW index:1 keynum:0:1:1", "lmpop 9 a left"), "-1");
    ck_assert_str_eq(keys_of("RO index:2", "object"), "-1");
    /* XREAD-like: keyword, then half of what follows (limit 2) */
    ck_assert_str_eq(keys_of("RO keyword:STREAMS range:-1:1:2", "xread count 2 streams a b 0 0"),
                     "4:1 5:1");
    /* MIGRATE-like: the keyword searched from the end, absent or present */
    ck_assert_str_eq(keys_of("RW keyword:KEYS:-2 range:-1", "migrate h p k 0 5 keys a b"),
                     "7:2 8:2");
    ck_assert_str_eq(keys_of("RW keyword:KEYS:-2 range:-1", "migrate h p k 0 5"), "");
    ck_assert_str_eq(keys_of("RO unknown", "sort k by x"), "");
}
END_TEST

/* ---- syntax trees ---- */

START_TEST(test_docs_plain_and_tokens)
{
    ck_assert_str_eq(args_of("key value", 1),
        "*2 %4 'name' 'key' 'type' 'key' 'display_text' 'key' 'key_spec_index' :0 "
        "%3 'name' 'value' 'type' 'string' 'display_text' 'value' ");
    ck_assert_str_eq(args_of("[COUNT count] [GET]{@6.2.0}", 0),
        "*2 %5 'name' 'count' 'type' 'integer' 'display_text' 'count' 'token' 'COUNT' "
        "'flags' ~1 +optional "
        "%6 'name' 'get' 'type' 'pure-token' 'display_text' 'get' 'token' 'GET' "
        "'since' '6.2.0' 'flags' ~1 +optional ");
    ck_assert_str_eq(args_of("ip:port{=old-format -2.8.12} increment{double}", 0),
        "*2 %4 'name' 'old-format' 'type' 'string' 'display_text' 'ip:port' "
        "'deprecated_since' '2.8.12' %3 'name' 'increment' 'type' 'double' "
        "'display_text' 'increment' ");
    ck_assert_str_eq(args_of("x{\"shown\" pattern}", 0),
        "*1 %3 'name' 'x' 'type' 'pattern' 'display_text' 'shown' ");
    ck_assert_str_eq(args_of("", 0), "*0 ");
}
END_TEST

START_TEST(test_docs_groups)
{
    ck_assert_str_eq(args_of("[NX | XX]{=condition @2.6.12}", 0),
        "*1 %5 'name' 'condition' 'type' 'oneof' 'since' '2.6.12' 'flags' ~1 +optional "
        "'arguments' *2 %4 'name' 'nx' 'type' 'pure-token' 'display_text' 'nx' 'token' 'NX' "
        "%4 'name' 'xx' 'type' 'pure-token' 'display_text' 'xx' 'token' 'XX' ");
    ck_assert_str_eq(args_of("<LEFT | RIGHT>", 0),
        "*1 %3 'name' 'left_right' 'type' 'oneof' 'arguments' *2 "
        "%4 'name' 'left' 'type' 'pure-token' 'display_text' 'left' 'token' 'LEFT' "
        "%4 'name' 'right' 'type' 'pure-token' 'display_text' 'right' 'token' 'RIGHT' ");
    ck_assert_str_eq(args_of("FIELDS (numfields field [field ...])", 0),
        "*1 %4 'name' 'fields' 'type' 'block' 'token' 'FIELDS' 'arguments' *2 "
        "%3 'name' 'numfields' 'type' 'integer' 'display_text' 'numfields' "
        "%4 'name' 'field' 'type' 'string' 'display_text' 'field' 'flags' ~1 +multiple ");
    ck_assert_str_eq(args_of("[count [WITHVALUES]]{=options}", 0),
        "*1 %4 'name' 'options' 'type' 'block' 'flags' ~1 +optional 'arguments' *2 "
        "%3 'name' 'count' 'type' 'integer' 'display_text' 'count' "
        "%5 'name' 'withvalues' 'type' 'pure-token' 'display_text' 'withvalues' "
        "'token' 'WITHVALUES' 'flags' ~1 +optional ");
    ck_assert_str_eq(args_of("TYPE <A | B>{=kind}", 0),
        "*1 %4 'name' 'kind' 'type' 'oneof' 'token' 'TYPE' 'arguments' *2 "
        "%4 'name' 'a' 'type' 'pure-token' 'display_text' 'a' 'token' 'A' "
        "%4 'name' 'b' 'type' 'pure-token' 'display_text' 'b' 'token' 'B' ");
}
END_TEST

START_TEST(test_docs_repeats)
{
    ck_assert_str_eq(args_of("key [key ...]", 1),
        "*1 %5 'name' 'key' 'type' 'key' 'display_text' 'key' 'key_spec_index' :0 "
        "'flags' ~1 +multiple ");
    ck_assert_str_eq(args_of("[channel [channel ...]]", 0),
        "*1 %4 'name' 'channel' 'type' 'string' 'display_text' 'channel' "
        "'flags' ~2 +optional +multiple ");
    ck_assert_str_eq(args_of("key value [key value ...]{=data}", 1),
        "*1 %4 'name' 'data' 'type' 'block' 'flags' ~1 +multiple 'arguments' *2 "
        "%4 'name' 'key' 'type' 'key' 'display_text' 'key' 'key_spec_index' :0 "
        "%3 'name' 'value' 'type' 'string' 'display_text' 'value' ");
    ck_assert_str_eq(args_of("[GET pattern [GET pattern ...]]", 0),
        "*1 %5 'name' 'pattern' 'type' 'pattern' 'display_text' 'pattern' 'token' 'GET' "
        "'flags' ~3 +optional +multiple +multiple_token ");
    ck_assert_str_eq(args_of("[ID id [id ...]]", 0),
        "*1 %5 'name' 'id' 'type' 'string' 'display_text' 'id' 'token' 'ID' "
        "'flags' ~2 +optional +multiple ");
    ck_assert_str_eq(args_of("[CONFIG name value [CONFIG name value ...]]{=configs}", 0),
        "*1 %5 'name' 'configs' 'type' 'block' 'token' 'CONFIG' "
        "'flags' ~3 +optional +multiple +multiple_token 'arguments' *2 "
        "%3 'name' 'name' 'type' 'string' 'display_text' 'name' "
        "%3 'name' 'value' 'type' 'string' 'display_text' 'value' ");
    ck_assert_str_eq(args_of("x ...", 0),
        "*1 %4 'name' 'x' 'type' 'string' 'display_text' 'x' 'flags' ~1 +multiple ");
}
END_TEST

START_TEST(test_docs_key_spec_indexes)
{
    /* in order of appearance, capped at the last spec; {#n} overrides */
    ck_assert_str_eq(args_of("source destination", 2),
        "*2 %4 'name' 'source' 'type' 'key' 'display_text' 'source' 'key_spec_index' :0 "
        "%4 'name' 'destination' 'type' 'key' 'display_text' 'destination' "
        "'key_spec_index' :1 ");
    ck_assert_str_eq(args_of("key1 key2", 1),
        "*2 %4 'name' 'key1' 'type' 'key' 'display_text' 'key1' 'key_spec_index' :0 "
        "%4 'name' 'key2' 'type' 'key' 'display_text' 'key2' 'key_spec_index' :0 ");
    ck_assert_str_eq(args_of("a{key #1} b{key #0}", 2),
        "*2 %4 'name' 'a' 'type' 'key' 'display_text' 'a' 'key_spec_index' :1 "
        "%4 'name' 'b' 'type' 'key' 'display_text' 'b' 'key_spec_index' :0 ");
}
END_TEST

START_TEST(test_docs_errors)
{
    ck_assert_str_eq(syntax_error("value [NX | XX", 0), "syntax: expected ']' at offset 14");
    ck_assert_str_eq(syntax_error("<A | B]", 0), "syntax: expected '>' at offset 6");
    ck_assert_str_eq(syntax_error("TOKEN (a b", 0), "syntax: expected ')' at offset 10");
    ck_assert_str_eq(syntax_error("[A | ]", 0), "syntax: empty alternative at offset 5");
    ck_assert_str_eq(syntax_error("FOO ()", 0), "syntax: empty group at offset 5");
    ck_assert_str_eq(syntax_error("a ]", 0), "syntax: unexpected ']' at offset 2");
    ck_assert_str_eq(syntax_error("... a", 0), "syntax: '...' without an argument at offset 3");
    ck_assert_str_eq(syntax_error("a{@}", 0), "syntax: empty annotation at offset 3");
    ck_assert_str_eq(syntax_error("a{bogus}", 0), "syntax: unknown annotation 'bogus' at offset 2");
    ck_assert_str_eq(syntax_error("a{\"x}", 0), "syntax: unterminated display text at offset 2");
    ck_assert_str_eq(syntax_error("a{#x}", 0), "syntax: bad key spec index 'x' at offset 4");
    ck_assert_str_eq(syntax_error("a{=b", 0), "syntax: missing '}' at offset 4");
    ck_assert_str_eq(syntax_error("key", 0), "syntax: key argument 'key' but no key specs");
    ck_assert_str_eq(syntax_error("k{key #2}", 2), "syntax: key spec index of 'k' out of range");
    ck_assert_str_eq(syntax_error("v{#0}", 1), "syntax: 'v' is not a key");
    ck_assert_str_eq(syntax_error("[[[[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]]]", 0),
                     "syntax: nested too deep at offset 16");
    cmd_docs_t *d = (cmd_docs_t *)1;
    ck_assert_int_eq(cmd_docs_parse(NULL, 0, &d, err, sizeof(err)), 0);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_history_and_doc_flags)
{
    ck_assert_int_eq(cmd_docs_check_history("6.2.0: Added.\n7.0.0: More.", err, sizeof(err)), 0);
    ck_assert_int_eq(cmd_docs_history_len("6.2.0: Added.\n7.0.0: More."), 2);
    out[0] = '\0';
    cmd_docs_reply_history(NULL, "6.2.0: Added `X`.\n7.0.0: More: yes.");
    ck_assert_str_eq(out, "~2 *2 '6.2.0' 'Added `X`.' *2 '7.0.0' 'More: yes.' ");
    ck_assert_int_eq(cmd_docs_check_history("6.2.0 Added.", err, sizeof(err)), -1);
    ck_assert_str_eq(err, "history line '6.2.0 Added.' is not 'version: text'");
    ck_assert_int_eq(cmd_docs_check_history("v1: x", err, sizeof(err)), -1);
    ck_assert_int_eq(cmd_docs_check_doc_flags("deprecated syscmd", err, sizeof(err)), 0);
    ck_assert_int_eq(cmd_docs_check_doc_flags("syscmd nope", err, sizeof(err)), -1);
    ck_assert_str_eq(err, "doc flags 'syscmd nope': only 'deprecated' and 'syscmd' exist");
    out[0] = '\0';
    cmd_docs_reply_doc_flags(NULL, "deprecated  syscmd");
    ck_assert_str_eq(out, "~2 +deprecated +syscmd ");
}
END_TEST

static Suite *meta_suite(void)
{
    Suite *s = suite_create("cmd_meta");
    TCase *k = tcase_create("keyspecs");
    tcase_add_test(k, test_spec_errors);
    tcase_add_test(k, test_spec_parse_and_reply);
    tcase_add_test(k, test_spec_default);
    tcase_add_test(k, test_spec_legacy_range);
    tcase_add_test(k, test_spec_find_keys);
    suite_add_tcase(s, k);
    TCase *d = tcase_create("docs");
    tcase_add_test(d, test_docs_plain_and_tokens);
    tcase_add_test(d, test_docs_groups);
    tcase_add_test(d, test_docs_repeats);
    tcase_add_test(d, test_docs_key_spec_indexes);
    tcase_add_test(d, test_docs_errors);
    tcase_add_test(d, test_history_and_doc_flags);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(meta_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
