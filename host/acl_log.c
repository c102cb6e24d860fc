/*
 * acl_log.c — ACL LOG: the recent denials, newest first, at most
 * acllog-max-len of them, with Redis 7.4's fields (count, reason, context,
 * object, username, age-seconds, client-info, entry-id, timestamp-created,
 * timestamp-last-updated). A denial like one of the 10 newest entries
 * (same reason, context, object and user, within 60 seconds) bumps that
 * entry's count and moves it to the front instead of adding one, as Redis
 * groups brute-force attempts. INFO's acl_access_denied_* count every
 * denial, logged or not.
 */
#include "acl_internal.h"
#include "acl_cmd.h"
#include "client.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <string.h>

#define GROUPING_MS 60000
#define GROUPING_SCAN 10

size_t (*acl_client_info)(client_t *c, char *buf, size_t cap);

typedef struct entry {
    struct entry *next;
    long long count, id;
    int reason, context;
    acl_str_t object, user;
    char *cinfo;
    int64_t created, updated;   /* unix ms */
} entry_t;

static entry_t *head;           /* newest first */
static long long nentries, next_id;

static void entry_free(entry_t *e)
{
    mem_free(e->object.p);
    mem_free(e->user.p);
    mem_free(e->cinfo);
    mem_free(e);
}

static void trim(void)
{
    entry_t **pp = &head;
    for (long long i = 0; *pp && i < srv.acllog_max_len; i++) pp = &(*pp)->next;
    while (*pp) {
        entry_t *e = *pp;
        *pp = e->next;
        entry_free(e);
        nentries--;
    }
}

static void count_stat(int reason)
{
    if (reason == ACL_DENIED_AUTH) srv.stat_acl_denied_auth++;
    else if (reason == ACL_DENIED_CMD) srv.stat_acl_denied_cmd++;
    else if (reason == ACL_DENIED_KEY) srv.stat_acl_denied_key++;
    else srv.stat_acl_denied_channel++;
}

static char *client_info(client_t *c)
{
    char buf[1024];
    size_t n = acl_client_info ? acl_client_info(c, buf, sizeof(buf)) : 0;
    if (n >= sizeof(buf)) n = sizeof(buf) - 1;
    return mem_strndup(buf, n);
}

static int same_str(acl_str_t a, const char *p, size_t len)
{
    return a.len == len && memcmp(a.p, p, len) == 0;
}

/* One of the newest entries this denial repeats, unlinked; or NULL. */
static entry_t *take_similar(int reason, int context, const char *obj, size_t objlen,
                             const char *user, size_t userlen, int64_t now)
{
    entry_t **pp = &head;
    for (int i = 0; *pp && i < GROUPING_SCAN; i++, pp = &(*pp)->next) {
        entry_t *e = *pp;
        int64_t d = now - e->updated;
        if (e->reason == reason && e->context == context && d <= GROUPING_MS &&
            d >= -GROUPING_MS && same_str(e->object, obj, objlen) &&
            same_str(e->user, user, userlen)) {
            *pp = e->next;
            return e;
        }
    }
    return NULL;
}

void acl_log_add(client_t *c, int reason, int context, const char *obj, size_t objlen,
                 const char *user, size_t userlen)
{
    count_stat(reason);
    if (srv.acllog_max_len == 0) {
        trim();
        return;
    }
    int64_t now = srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime();
    entry_t *e = take_similar(reason, context, obj, objlen, user, userlen, now);
    if (e) {
        mem_free(e->cinfo);
        e->count++;
    } else {
        e = mem_calloc(sizeof(*e));
        e->count = 1;
        e->id = next_id++;
        e->reason = reason;
        e->context = context;
        e->object.p = mem_strndup(obj, objlen);
        e->object.len = objlen;
        e->user.p = mem_strndup(user, userlen);
        e->user.len = userlen;
        e->created = now;
        nentries++;
    }
    e->cinfo = client_info(c);
    e->updated = now;
    e->next = head;
    head = e;
    trim();
}

void acl_log_reset(void)
{
    while (head) {
        entry_t *e = head;
        head = e->next;
        entry_free(e);
    }
    nentries = 0;
}

static void reply_field(md_ctx_t *ctx, const char *name, const char *v, size_t len)
{
    md_reply_bulk(ctx, name, strlen(name));
    md_reply_bulk(ctx, v, len);
}

static void reply_entry(md_ctx_t *ctx, const entry_t *e, int64_t now)
{
    static const char *const reasons[] = {"", "command", "key", "auth", "channel"};
    static const char *const contexts[] = {"toplevel", "multi", "lua", "module"};
    md_reply_map(ctx, 10);
    md_reply_bulk(ctx, "count", 5);
    md_reply_int(ctx, e->count);
    reply_field(ctx, "reason", reasons[e->reason], strlen(reasons[e->reason]));
    reply_field(ctx, "context", contexts[e->context], strlen(contexts[e->context]));
    reply_field(ctx, "object", e->object.p, e->object.len);
    reply_field(ctx, "username", e->user.p, e->user.len);
    md_reply_bulk(ctx, "age-seconds", 11);
    md_reply_double(ctx, (double)(now - e->updated) / 1000);
    reply_field(ctx, "client-info", e->cinfo, strlen(e->cinfo));
    md_reply_bulk(ctx, "entry-id", 8);
    md_reply_int(ctx, e->id);
    md_reply_bulk(ctx, "timestamp-created", 17);
    md_reply_int(ctx, e->created);
    md_reply_bulk(ctx, "timestamp-last-updated", 22);
    md_reply_int(ctx, e->updated);
}

void acl_log_reply(md_ctx_t *ctx, long long count)
{
    if (count < 0) count = 0;
    if (count > nentries) count = nentries;
    int64_t now = srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime();
    md_reply_array(ctx, (long)count);
    const entry_t *e = head;
    for (long long i = 0; i < count && e; i++, e = e->next) reply_entry(ctx, e, now);
}
