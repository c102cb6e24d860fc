/*
 * sdkevents.c — a test module for server events, keyspace subscriptions
 * and the unload hook (SDK 1.2), driven by
 * tests/integration/test_sdk_events.py. It subscribes at load to every
 * server event but the cron, and to the keyspace classes given as its
 * module argument (a number; default MD_NOTIFY_ALL | KEY_MISS | NEW |
 * LOADED), and logs what it receives, one line per event:
 *
 *   flush start|end db=D async=A keys=N   (N: DBSIZE of the ctx's db,
 *                                          read through md_call)
 *   swapdb A B
 *   loading rdb-start|aof-start|ended|failed
 *   persistence rdb-start|aof-start|sync-rdb-start|ended|failed
 *   client connected|disconnected id=N addr=ADDR
 *   module loaded|unloaded name=NAME ver=V
 *   fork born|died
 *   key CLASS EVENT db=D KEY              (CLASS: Redis's letter)
 *
 * and writes "sdkevents: shutdown" to the server log on shutdown.
 *
 *   EVT.LOG             -> the lines so far, oldest first; clears them
 *   EVT.CRON on|off     subscribe to / unsubscribe from the cron event
 *   EVT.CRONS           -> [cron events seen, the last one's hz]
 *   EVT.KEYS classes    replace the keyspace subscription (0 = none)
 *   EVT.REFUSE [reason] MODULE UNLOAD refused with the reason (none: let go)
 */
#include <modis.h>

#include <stdio.h>
#include <string.h>

#define MAX_LINES 4096

static char *lines[MAX_LINES];
static int nlines;
static long long crons, last_hz;
static int key_classes;
static char refuse[128];

static void add_line(const char *text)
{
    size_t n = strlen(text);
    if (nlines == MAX_LINES) return;
    lines[nlines] = md_alloc(n + 1);
    memcpy(lines[nlines], text, n + 1);
    nlines++;
}

static long long dbsize(md_ctx_t *ctx)
{
    md_arg_t argv[1] = {md_str("DBSIZE")};
    md_reply_t *r = md_call(ctx, 0, 1, argv);
    long long n = md_call_reply_int(r);
    md_call_reply_free(r);
    return n;
}

static const char *const loading_subs[] = {"rdb-start", "aof-start", "ended", "failed"};
static const char *const persist_subs[] = {"rdb-start", "aof-start", "sync-rdb-start", "ended",
                                           "failed"};

static void on_event(md_ctx_t *ctx, const md_event_t *e)
{
    char t[400];
    t[0] = '\0';
    switch (e->event) {
    case MD_EVENT_FLUSH:
        snprintf(t, sizeof t, "flush %s db=%d async=%d keys=%lld",
                 e->sub == MD_SUB_FLUSH_START ? "start" : "end", e->dbid, e->async, dbsize(ctx));
        break;
    case MD_EVENT_SWAPDB: snprintf(t, sizeof t, "swapdb %d %d", e->dbid, e->dbid2); break;
    case MD_EVENT_LOADING: snprintf(t, sizeof t, "loading %s", loading_subs[e->sub]); break;
    case MD_EVENT_PERSISTENCE:
        snprintf(t, sizeof t, "persistence %s", persist_subs[e->sub]);
        break;
    case MD_EVENT_SHUTDOWN: md_log(MD_LOG_WARNING, "sdkevents: shutdown"); break;
    case MD_EVENT_CLIENT:
        snprintf(t, sizeof t, "client %s id=%llu addr=%s",
                 e->sub == MD_SUB_CLIENT_CONNECTED ? "connected" : "disconnected",
                 (unsigned long long)e->client_id, e->name);
        break;
    case MD_EVENT_MODULE:
        snprintf(t, sizeof t, "module %s name=%s ver=%lld",
                 e->sub == MD_SUB_MODULE_LOADED ? "loaded" : "unloaded", e->name, e->value);
        break;
    case MD_EVENT_CRON:
        crons++;
        last_hz = e->value;
        break;
    case MD_EVENT_FORK_CHILD:
        snprintf(t, sizeof t, "fork %s%s", e->sub == MD_SUB_FORK_CHILD_BORN ? "born" : "died",
                 e->value > 0 ? "" : " (no pid)");
        break;
    }
    if (t[0]) add_line(t);
}

static char class_letter(int cls)
{
    static const struct { int cls; char c; } map[] = {
        {MD_NOTIFY_GENERIC, 'g'}, {MD_NOTIFY_STRING, '$'}, {MD_NOTIFY_LIST, 'l'},
        {MD_NOTIFY_SET, 's'}, {MD_NOTIFY_HASH, 'h'}, {MD_NOTIFY_ZSET, 'z'},
        {MD_NOTIFY_EXPIRED, 'x'}, {MD_NOTIFY_EVICTED, 'e'}, {MD_NOTIFY_STREAM, 't'},
        {MD_NOTIFY_KEY_MISS, 'm'}, {MD_NOTIFY_LOADED, 'L'}, {MD_NOTIFY_MODULE, 'd'},
        {MD_NOTIFY_NEW, 'n'}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cls == cls) return map[i].c;
    return '?';
}

static int on_key(md_ctx_t *ctx, int cls, const char *event, md_arg_t key)
{
    char tmp[300];
    snprintf(tmp, sizeof tmp, "key %c %s db=%d %.*s", class_letter(cls), event, md_ctx_db(ctx),
             (int)(key.len < 200 ? key.len : 200), key.ptr);
    add_line(tmp);
    return MD_OK;
}

static int evt_log(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    md_reply_array(c, nlines);
    for (int i = 0; i < nlines; i++) {
        md_reply_bulk(c, lines[i], strlen(lines[i]));
        md_free(lines[i]);
    }
    nlines = 0;
    return MD_OK;
}

static int evt_cron(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    if (md_event_subscribe(MD_EVENT_CRON, md_arg_eq(argv[1], "on") ? on_event : NULL) != MD_OK)
        return md_reply_error(c, "ERR subscribe failed");
    return md_reply_ok(c);
}

static int evt_crons(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    md_reply_array(c, 2);
    md_reply_int(c, crons);
    return md_reply_int(c, last_hz);
}

static int evt_keys(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long cls;
    (void)argc;
    if (md_parse_ll(c, argv[1], &cls) != MD_OK) return MD_OK;
    if (key_classes && md_keyspace_unsubscribe(key_classes, on_key) != MD_OK)
        return md_reply_error(c, "ERR unsubscribe failed");
    key_classes = (int)cls;
    if (cls && md_keyspace_subscribe((int)cls, on_key) != MD_OK)
        return md_reply_error(c, "ERR subscribe failed");
    return md_reply_ok(c);
}

static int evt_refuse(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    refuse[0] = '\0';
    if (argc == 2) {
        size_t n = argv[1].len < sizeof refuse - 1 ? argv[1].len : sizeof refuse - 1;
        memcpy(refuse, argv[1].ptr, n);
        refuse[n] = '\0';
    }
    return md_reply_ok(c);
}

static int on_unload(char *why, size_t cap)
{
    if (!refuse[0]) {
        for (int i = 0; i < nlines; i++) md_free(lines[i]);
        nlines = 0;
        return MD_OK;
    }
    snprintf(why, cap, "%s", refuse);
    return MD_ERR;
}

static const md_command_t evt_commands[] = {
    {.name = "evt.log", .handler = evt_log, .arity = 1, .flags = "readonly"},
    {.name = "evt.cron", .handler = evt_cron, .arity = 2, .flags = "readonly"},
    {.name = "evt.crons", .handler = evt_crons, .arity = 1, .flags = "readonly"},
    {.name = "evt.keys", .handler = evt_keys, .arity = 2, .flags = "readonly"},
    {.name = "evt.refuse", .handler = evt_refuse, .arity = -1, .flags = "readonly"},
    {.name = NULL}};

static int evt_on_load(int argc, const md_arg_t *argv)
{
    static const int events[] = {MD_EVENT_FLUSH, MD_EVENT_SWAPDB, MD_EVENT_LOADING,
                                 MD_EVENT_PERSISTENCE, MD_EVENT_SHUTDOWN, MD_EVENT_CLIENT,
                                 MD_EVENT_MODULE, MD_EVENT_FORK_CHILD};
    long long cls = MD_NOTIFY_ALL | MD_NOTIFY_KEY_MISS | MD_NOTIFY_NEW | MD_NOTIFY_LOADED;
    if (argc == 1 && md_arg_ll(argv[0], &cls) != MD_OK) return MD_ERR;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        if (md_event_subscribe(events[i], on_event) != MD_OK) return MD_ERR;
    if (md_event_subscribe(99, on_event) != MD_ERR) return MD_ERR; /* no such event */
    key_classes = (int)cls;
    if (cls && md_keyspace_subscribe((int)cls, on_key) != MD_OK) return MD_ERR;
    if (md_on_unload(on_unload) != MD_OK) return MD_ERR;
    return md_commands_register(evt_commands);
}

MD_MODULE(evt_on_load, .name = "sdkevents", .version = 7,
          .description = "server events, keyspace subscriptions, unload hook (tests)")
