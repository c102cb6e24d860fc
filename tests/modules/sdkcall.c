/*
 * sdkcall.c — a test module for md_call (SDK 1.2), driven by
 * tests/integration/test_sdk_call.py. FLAGS is a word of Redis's RM_Call
 * letters, or "-" for none: 3 (RESP3), 0 (the caller's protocol), W, S, M,
 * C, ! (see md_call's MD_CALL_* flags); an unknown letter sets an unknown
 * flag bit.
 *
 *   CALL.TREE FLAGS cmd arg...   md_call, then reply the tree as read
 *                                through the accessors, the same in RESP2
 *                                and RESP3: every node an array, [type,
 *                                value] — ["string", bytes], ["status",
 *                                bytes], ["error", bytes], ["integer", n],
 *                                ["null"], ["bool", 0|1], ["double", text,
 *                                md_d2str(value)], ["bignum", text],
 *                                ["verbatim", format, bytes], ["array",
 *                                [nodes]], ["set", [nodes]], ["map",
 *                                [[key, value]...]]
 *   CALL.RESP FLAGS cmd arg...   the root's RESP bytes (md_call_reply_resp)
 *   CALL.FWD FLAGS cmd arg...    md_reply_call_reply: the reply as it is
 *   CALL.MIX key                 md_replicate SET key:a 1, md_call ! INCR
 *                                key, md_replicate SET key:b 2 (the unit's
 *                                order) -> the INCR's reply
 *   CALL.DEEP n                  md_call itself n levels deep -> the
 *                                innermost reply (an error past the limit)
 *   CALL.FREE                    -> module_memory_sdkcall of INFO modules,
 *                                read through md_call: 0 when every tree
 *                                made before was freed
 */
#include <modis.h>

#include <string.h>

static unsigned parse_flags(md_arg_t a)
{
    unsigned f = 0;
    if (a.len == 1 && a.ptr[0] == '-') return 0;
    for (size_t i = 0; i < a.len; i++) {
        switch (a.ptr[i]) {
        case '3': f |= MD_CALL_RESP3; break;
        case '0': f |= MD_CALL_RESP_AUTO; break;
        case 'W': f |= MD_CALL_NO_WRITES; break;
        case 'S': f |= MD_CALL_SCRIPT; break;
        case 'M': f |= MD_CALL_RESPECT_OOM; break;
        case 'C': f |= MD_CALL_CHECK_ACL; break;
        case '!': f |= MD_CALL_PROPAGATE; break;
        default: f |= 1u << 30;
        }
    }
    return f;
}

static void describe(md_ctx_t *c, const md_reply_t *r);

static void str_node(md_ctx_t *c, const char *type, const md_reply_t *r)
{
    size_t n;
    const char *s = md_call_reply_str(r, &n);
    md_reply_array(c, 2);
    md_reply_simple(c, type);
    md_reply_bulk(c, s, n);
}

static void aggregate(md_ctx_t *c, const char *type, const md_reply_t *r)
{
    size_t n = md_call_reply_len(r);
    md_reply_array(c, 2);
    md_reply_simple(c, type);
    md_reply_array(c, (long)n);
    for (size_t i = 0; i < n; i++) {
        if (md_call_reply_type(r) == MD_REPLY_MAP) {
            const md_reply_t *k, *v;
            md_call_reply_pair(r, i, &k, &v);
            md_reply_array(c, 2);
            describe(c, k);
            describe(c, v);
        } else {
            describe(c, md_call_reply_elem(r, i));
        }
    }
}

/* The verbatim string's format: the three bytes after "=<len>\r\n". */
static void verbatim(md_ctx_t *c, const md_reply_t *r)
{
    size_t n, rn;
    const char *s = md_call_reply_str(r, &n);
    const char *raw = md_call_reply_resp(r, &rn);
    const char *fmt = memchr(raw, '\n', rn) + 1;
    md_reply_array(c, 3);
    md_reply_simple(c, "verbatim");
    md_reply_bulk(c, fmt, 3);
    md_reply_bulk(c, s, n);
}

static void describe(md_ctx_t *c, const md_reply_t *r)
{
    char buf[MD_D2STR_BUF];
    switch (md_call_reply_type(r)) {
    case MD_REPLY_STRING: str_node(c, "string", r); break;
    case MD_REPLY_STATUS: str_node(c, "status", r); break;
    case MD_REPLY_ERROR: str_node(c, "error", r); break;
    case MD_REPLY_BIG_NUMBER: str_node(c, "bignum", r); break;
    case MD_REPLY_VERBATIM: verbatim(c, r); break;
    case MD_REPLY_INTEGER:
        md_reply_array(c, 2);
        md_reply_simple(c, "integer");
        md_reply_int(c, md_call_reply_int(r));
        break;
    case MD_REPLY_BOOL:
        md_reply_array(c, 2);
        md_reply_simple(c, "bool");
        md_reply_int(c, md_call_reply_int(r));
        break;
    case MD_REPLY_DOUBLE: {
        size_t n;
        const char *s = md_call_reply_str(r, &n);
        md_reply_array(c, 3);
        md_reply_simple(c, "double");
        md_reply_bulk(c, s, n);
        md_reply_bulk(c, buf, (size_t)md_d2str(buf, sizeof buf, md_call_reply_double(r)));
        break;
    }
    case MD_REPLY_NULL:
        md_reply_array(c, 1);
        md_reply_simple(c, "null");
        break;
    case MD_REPLY_ARRAY: aggregate(c, "array", r); break;
    case MD_REPLY_SET: aggregate(c, "set", r); break;
    case MD_REPLY_MAP: aggregate(c, "map", r); break;
    default: md_reply_error(c, "ERR unknown reply type");
    }
}

static md_reply_t *call_args(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return md_call(c, parse_flags(argv[1]), argc - 2, argv + 2);
}

static int call_tree(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_t *r = call_args(c, argc, argv);
    describe(c, r);
    md_call_reply_free(r);
    return MD_OK;
}

static int call_resp(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    size_t n;
    md_reply_t *r = call_args(c, argc, argv);
    const char *s = md_call_reply_resp(r, &n);
    md_reply_bulk(c, s, n);
    md_call_reply_free(r);
    return MD_OK;
}

static int call_fwd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_t *r = call_args(c, argc, argv);
    md_reply_call_reply(c, r);
    md_call_reply_free(r);
    return MD_OK;
}

static int call_mix(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char a[128], b[128];
    size_t n = argv[1].len < 100 ? argv[1].len : 100;
    (void)argc;
    memcpy(a, argv[1].ptr, n);
    memcpy(a + n, ":a", 2);
    memcpy(b, argv[1].ptr, n);
    memcpy(b + n, ":b", 2);
    md_arg_t set1[3] = {md_str("SET"), {a, n + 2}, md_str("1")};
    md_arg_t set2[3] = {md_str("SET"), {b, n + 2}, md_str("2")};
    md_arg_t incr[2] = {md_str("INCR"), argv[1]};
    md_replicate(c, 3, set1);
    md_reply_t *r = md_call(c, MD_CALL_PROPAGATE, 2, incr);
    md_replicate(c, 3, set2);
    md_reply_call_reply(c, r);
    md_call_reply_free(r);
    return MD_OK;
}

static int call_deep(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long n;
    char buf[32];
    (void)argc;
    if (md_parse_ll(c, argv[1], &n) != MD_OK) return MD_OK;
    if (n <= 0) return md_reply_simple(c, "BOTTOM");
    md_arg_t next[2] = {md_str("CALL.DEEP"), {buf, (size_t)md_ll2str(buf, sizeof buf, n - 1)}};
    md_reply_t *r = md_call(c, 0, 2, next);
    md_reply_call_reply(c, r);
    md_call_reply_free(r);
    return MD_OK;
}

static int call_free(md_ctx_t *c, int argc, const md_arg_t *argv);

static const md_command_t call_commands[] = {
    {.name = "call.tree", .handler = call_tree, .arity = -3, .flags = "write"},
    {.name = "call.resp", .handler = call_resp, .arity = -3, .flags = "write"},
    {.name = "call.fwd", .handler = call_fwd, .arity = -3, .flags = "write"},
    {.name = "call.mix", .handler = call_mix, .arity = 2, .flags = "write",
     .first_key = 1, .last_key = 1, .step = 1},
    {.name = "call.deep", .handler = call_deep, .arity = 2, .flags = "readonly"},
    {.name = "call.free", .handler = call_free, .arity = 1, .flags = "readonly"},
    {.name = NULL}};

static int call_free(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long v = 0;
    (void)argc, (void)argv;
    md_reply_t *r = md_call(c, 0, 2, (md_arg_t[]){md_str("INFO"), md_str("modules")});
    size_t n;
    const char *s = md_call_reply_str(r, &n);
    const char *f = s ? strstr(s, "module_memory_sdkcall:") : NULL;
    if (f) {
        for (f += strlen("module_memory_sdkcall:"); *f >= '0' && *f <= '9'; f++)
            v = v * 10 + (*f - '0');
    }
    md_call_reply_free(r);
    return md_reply_int(c, v);
}

static int call_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_commands_register(call_commands);
}

MD_MODULE(call_on_load, .name = "sdkcall", .version = 1,
          .description = "md_call (tests)")
