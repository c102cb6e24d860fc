/*
 * sdk_call.c — the SDK's section for calling commands: md_call() runs a
 * command through the dispatcher's path (call.c, reached through the
 * runner hooks.c installs: the SDK layer sits below the dispatcher) into
 * a reply buffer, parses the reply into a tree (reply_tree.c) whose memory
 * is the calling module's, and the accessors read the tree.
 * md_reply_call_reply() sends a tree (or a node) to a client as it is, or
 * converted when the client speaks the other protocol.
 *
 * Reply buffers are kept on a free list (calls nest) and reset after use.
 */
#include "client.h"
#include "cmd.h"
#include "mem.h"
#include "reply.h"
#include "reply_tree.h"
#include "resp.h"
#include "sdk_call.h"
#include "sdk_ctx.h"

#include <string.h>

#define KNOWN_FLAGS (MD_CALL_RESP3 | MD_CALL_RESP_AUTO | MD_CALL_NO_WRITES | MD_CALL_SCRIPT | \
                     MD_CALL_RESPECT_OOM | MD_CALL_CHECK_ACL | MD_CALL_PROPAGATE)

static sdk_call_fn runner;

void sdk_call_set_runner(sdk_call_fn fn) { runner = fn; }

typedef struct buf {
    struct buf *next;
    reply_t r;
} buf_t;

static buf_t *free_bufs;

static void *tree_alloc(void *m, size_t n) { return md__api->alloc(m, n); }

/* A tree holding the error reply `msg` (a refusal before any call). */
static md_reply_t *error_tree(md_module_t *m, const char *msg, int proto)
{
    char line[256];
    const char *err;
    size_t n = strlen(msg);
    if (n > sizeof(line) - 3) n = sizeof(line) - 3;
    line[0] = '-';
    memcpy(line + 1, msg, n);
    memcpy(line + 1 + n, "\r\n", 2);
    return reply_tree_parse(line, n + 3, proto, tree_alloc, m, &err);
}

static md_reply_t *x_call(md_module_t *m, md_ctx_t *c, unsigned flags, int argc,
                          const md_arg_t *argv)
{
    int proto = flags & MD_CALL_RESP3 ? 3 : 2;
    if (!c || !c->client || c->thread)
        return error_tree(m, "ERR md_call is not allowed on a thread's context", proto);
    if (flags & ~KNOWN_FLAGS) return error_tree(m, "ERR md_call: unknown flags", proto);
    if (flags & MD_CALL_RESP_AUTO) proto = c->client->resp;
    buf_t *b = free_bufs;
    if (b) {
        free_bufs = b->next;
    } else {
        b = mem_alloc(sizeof(*b));
        reply_init(&b->r);
    }
    runner(c->client, flags, proto, argc, argv, &b->r);
    const char *err;
    md_reply_t *t;
    if (b->r.head) {
        size_t n;
        char *all = reply_join(&b->r, &n);
        t = reply_tree_parse(all, n, proto, tree_alloc, m, &err);
        mem_free(all);
    } else {
        t = reply_tree_parse(b->r.buf, b->r.pos, proto, tree_alloc, m, &err);
    }
    reply_reset(&b->r);
    b->next = free_bufs;
    free_bufs = b;
    return t ? t : error_tree(m, "ERR md_call: the command sent no complete reply", proto);
}

static int x_type(const md_reply_t *r) { return r->type; }

static long long x_int(const md_reply_t *r)
{
    return r->type == MD_REPLY_INTEGER || r->type == MD_REPLY_BOOL ? r->ll : 0;
}

static double x_double(const md_reply_t *r) { return r->type == MD_REPLY_DOUBLE ? r->d : 0; }

static const char *x_str(const md_reply_t *r, size_t *len)
{
    if (!r->str) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = r->len;
    return r->str;
}

static size_t x_len(const md_reply_t *r) { return r->len; }

static const md_reply_t *x_elem(const md_reply_t *r, size_t i)
{
    if ((r->type != MD_REPLY_ARRAY && r->type != MD_REPLY_SET) || i >= r->len) return NULL;
    return &r->elems[i];
}

static int x_pair(const md_reply_t *r, size_t i, const md_reply_t **k, const md_reply_t **v)
{
    if (r->type != MD_REPLY_MAP || i >= r->len) return MD_ERR;
    if (k) *k = &r->elems[2 * i];
    if (v) *v = &r->elems[2 * i + 1];
    return MD_OK;
}

static const char *x_resp(const md_reply_t *r, size_t *len)
{
    if (len) *len = r->resplen;
    return r->resp;
}

static void x_free(md_reply_t *r)
{
    if (r) md__api->free(r->owner, r);
}

/* Send r in the client's protocol, which is not the one it came in. */
static void convert(md_ctx_t *c, const md_reply_t *r)
{
    reply_t *out = c->client->out;
    switch (r->type) {
    case MD_REPLY_STRING: md_reply_bulk(c, r->str, r->len); break;
    case MD_REPLY_STATUS: resp_add_simple(out, r->str, r->len); break;
    case MD_REPLY_ERROR: resp_add_error(out, r->str, r->len); break;
    case MD_REPLY_INTEGER: md_reply_int(c, r->ll); break;
    case MD_REPLY_BOOL: md_reply_bool(c, (int)r->ll); break;
    case MD_REPLY_DOUBLE: md_reply_double(c, r->d); break;
    case MD_REPLY_NULL:
        if (r->resp[0] == '*') md_reply_null_array(c);
        else md_reply_null(c);
        break;
    case MD_REPLY_BIG_NUMBER:
        if (c->client->resp == 3) resp_add_raw(out, r->resp, r->resplen);
        else md_reply_bulk(c, r->str, r->len);
        break;
    case MD_REPLY_VERBATIM: {
        char fmt[4] = {r->resp[r->resplen - r->len - 6], r->resp[r->resplen - r->len - 5],
                       r->resp[r->resplen - r->len - 4], '\0'};
        md_reply_verbatim(c, fmt, r->str, r->len);
        break;
    }
    case MD_REPLY_MAP:
        md_reply_map(c, (long)r->len);
        for (size_t i = 0; i < 2 * r->len; i++) convert(c, &r->elems[i]);
        break;
    default: /* ARRAY, SET */
        if (r->type == MD_REPLY_SET) md_reply_set(c, (long)r->len);
        else md_reply_array(c, (long)r->len);
        for (size_t i = 0; i < r->len; i++) convert(c, &r->elems[i]);
    }
}

static int x_reply_call_reply(md_ctx_t *c, const md_reply_t *r)
{
    if (r->type == MD_REPLY_ERROR) {
        c->failed = 1;
        if (c->thread) sdk_thread_error(c->thread, r->str, r->len);
        else cmd_count_error(r->str, r->len);
    }
    if (r->proto == c->client->resp) resp_add_raw(c->client->out, r->resp, r->resplen);
    else convert(c, r);
    return MD_OK;
}

void sdk_api_fill_call(md_api_t *a)
{
    a->call = x_call;
    a->call_reply_type = x_type;
    a->call_reply_int = x_int;
    a->call_reply_double = x_double;
    a->call_reply_str = x_str;
    a->call_reply_len = x_len;
    a->call_reply_elem = x_elem;
    a->call_reply_pair = x_pair;
    a->call_reply_resp = x_resp;
    a->call_reply_free = x_free;
    a->reply_call_reply = x_reply_call_reply;
}
