/*
 * cmd_debug.c — DEBUG: the dispatcher, DEBUG HELP, and the subcommands
 * about the dataset and the protocol (OBJECT, DIGEST, RELOAD, LOADAOF,
 * POPULATE, PROTOCOL, HTSTATS, LISTPACK, QUICKLIST, SDSLEN...). The ones
 * about the process itself (crashes, restarts, knobs) are
 * cmd_debug_proc.c. Replies and error texts are Redis's.
 *
 * What applies to a module's values is asked of their type: DEBUG
 * LISTPACK / QUICKLIST / HTSTATS-KEY call the type's debug_repr, and
 * modules register their own subcommands (md_debug_register, kept by
 * sdk_debug.c), which DEBUG runs after its own and lists in DEBUG HELP.
 * Subcommands that need what Modis does not have yet (replication,
 * cluster, scripting) say so instead of pretending.
 */
#include "autoconfig.h"
#include "client.h"
#include "cmd_debug.h"
#include "digest.h"
#include "hostcmds.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "resp.h"
#include "sdk_ctx.h"
#include "sdk_debug.h"
#include "server.h"
#include "types.h"
#include "persist/persist.h"
#include "persist/rdb.h"
#include "persist/save.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

void debug_reply_errorf(md_ctx_t *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    md_reply_error(c, msg);
}

/* The live entry at key in the client's db (expired keys are missing), or
 * NULL after replying Redis's "no such key". */
static ks_entry_t *entry_or_reply(md_ctx_t *c, md_arg_t key)
{
    ks_entry_t *e = ks_find(&srv.db[c->client->dbid], key.ptr, key.len);
    if (e && !ks_is_expired(e)) return e;
    md_reply_error(c, "ERR no such key");
    return NULL;
}

/* ---- the dataset ---- */

static int debug_object(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    ks_entry_t *e = entry_or_reply(c, argv[2]);
    if (!e) return MD_OK;
    md_type_t *t = types_by_id(e->type);
    const char *enc = t->ops.encoding ? t->ops.encoding(e->value) : t->name;
    size_t mem = t->ops.mem_usage ? t->ops.mem_usage(e->value) : 0;
    char buf[256];
    snprintf(buf, sizeof(buf),
             "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
             e->value, enc, mem, (unsigned)(e->lru[0] | e->lru[1] << 8 | e->lru[2] << 16),
             (unsigned long long)(ks_idle_ms(e) / 1000));
    md_reply_simple(c, buf);
    return MD_OK;
}

/* DEBUG SDSLEN: no value of Modis is an SDS string (Redis's reply for any
 * value that is not one). */
static int debug_sdslen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (entry_or_reply(c, argv[2])) md_reply_error(c, "ERR Not an sds encoded string.");
    return MD_OK;
}

/*
 * DEBUG LISTPACK / QUICKLIST / HTSTATS-KEY: the value's type describes its
 * representation (debug_repr); NULL means it is not represented that way.
 * LISTPACK and QUICKLIST print it on stdout as Redis does; HTSTATS-KEY
 * replies it.
 */
static int repr_reply(md_ctx_t *c, md_arg_t key, const char *what, int detail)
{
    static const struct { const char *what, *not, *printed; } texts[] = {
        {"listpack", "ERR Not a listpack encoded object.", "Listpack structure printed on stdout"},
        {"quicklist", "ERR Not a quicklist encoded object.",
         "Quicklist structure printed on stdout"},
        {"htstats", "ERR The value stored at the specified key is not represented using an "
                    "hash table", NULL}};
    ks_entry_t *e = entry_or_reply(c, key);
    if (!e) return MD_OK;
    int k = 0;
    while (strcmp(texts[k].what, what)) k++;
    md_type_t *t = types_by_id(e->type);
    char *text = t->ops.debug_repr ? t->ops.debug_repr(e->value, what, detail) : NULL;
    if (!text) {
        md_reply_error(c, texts[k].not);
        return MD_OK;
    }
    if (texts[k].printed) {
        fputs(text, stdout);
        fflush(stdout);
        md_reply_simple(c, texts[k].printed);
    } else {
        md_reply_verbatim(c, "txt", text, strlen(text));
    }
    sdk_api()->free(t->owner, text);
    return MD_OK;
}

static int debug_listpack(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return repr_reply(c, argv[2], "listpack", 0);
}

static int debug_quicklist(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char level[32];
    snprintf(level, sizeof(level), "%.*s", argc == 4 ? (int)argv[3].len : 0,
             argc == 4 ? argv[3].ptr : "");
    return repr_reply(c, argv[2], "quicklist", atoi(level)); /* Redis: atoi() */
}

static int full_flag(int argc, const md_arg_t *argv)
{
    return argc >= 4 && md_arg_eq(argv[3], "full");
}

static int debug_htstats_key(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return repr_reply(c, argv[2], "htstats", full_flag(argc, argv));
}

/* DEBUG HTSTATS <dbid> [full]: the keyspace's table and its TTL index. */
static int debug_htstats(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long id;
    if (md_parse_ll(c, argv[2], &id) != MD_OK) return MD_OK;
    if (id < 0 || id >= srv.databases) {
        md_reply_error(c, "ERR Out of range database");
        return MD_OK;
    }
    char buf[8192];
    size_t n = ks_htstats(&srv.db[id], full_flag(argc, argv), buf, sizeof(buf));
    md_reply_verbatim(c, "txt", buf, n);
    return MD_OK;
}

/* DEBUG POPULATE <count> [<prefix>] [<size>]: string keys "prefix:N"
 * holding "value:N" (zero-padded or cut to size), existing keys left
 * alone, nothing propagated; the strings module makes the values. */
static int debug_populate(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long count, size = 0;
    /* Redis's getPositiveLongFromObjectOrReply(): one text for both. */
    if (md_arg_ll(argv[2], &count) != MD_OK || count < 0 ||
        (argc == 5 && (md_arg_ll(argv[4], &size) != MD_OK || size < 0))) {
        md_reply_error(c, "ERR value is out of range, must be positive");
        return MD_OK;
    }
    const md_string_v1_t *str = md_service_import(MD_SERVICE_STRING, 1);
    if (!str) {
        md_reply_error(c, "ERR DEBUG POPULATE needs the strings module (string.v1)");
        return MD_OK;
    }
    ks_db_t *db = &srv.db[c->client->dbid];
    md_arg_t prefix = argc >= 4 ? argv[3] : md_str("key");
    char *key = mem_alloc(prefix.len + 32), val[64];
    char *pad = size > 0 ? mem_calloc((size_t)size) : NULL;
    for (long long j = 0; j < count; j++) {
        int kl = snprintf(key, prefix.len + 32, "%.*s:%lld", (int)prefix.len, prefix.ptr, j);
        if (ks_lookup(db, key, (size_t)kl)) continue;
        int vl = snprintf(val, sizeof(val), "value:%lld", j);
        if (pad) memcpy(pad, val, (size_t)vl < (size_t)size ? (size_t)vl : (size_t)size);
        void *v = pad ? str->create(pad, (size_t)size) : str->create(val, (size_t)vl);
        ks_add(db, key, (size_t)kl, ((const md_type_t *)str->type)->id, v);
        notify_key_modified(db->id, key, (size_t)kl);
    }
    mem_free(pad);
    mem_free(key);
    md_reply_ok(c);
    return MD_OK;
}

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] */
static int debug_reload(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int flush = 1, save = 1, flags = 0;
    for (int i = 2; i < argc; i++) {
        if (md_arg_eq(argv[i], "MERGE")) {
            flags |= RDB_LOAD_ALLOW_DUP;
        } else if (md_arg_eq(argv[i], "NOFLUSH")) {
            flush = 0;
        } else if (md_arg_eq(argv[i], "NOSAVE")) {
            save = 0;
        } else {
            md_reply_error(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE "
                              "options.");
            return MD_OK;
        }
    }
    int rc = save_reload(save, flush, flags);
    if (rc == SAVE_RELOAD_SAVE_FAILED)
        md_reply_error(c, "ERR");
    else if (rc == SAVE_RELOAD_LOAD_FAILED)
        md_reply_error(c, "ERR Error trying to load the RDB dump, check server logs.");
    else
        md_reply_ok(c);
    return MD_OK;
}

static int debug_loadaof(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (persist_debug_loadaof() != 0)
        md_reply_error(c, "ERR Error trying to load the AOF files, check server logs.");
    else
        md_reply_ok(c);
    return MD_OK;
}

static int debug_digest(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char hex[41];
    digest_dataset(hex);
    md_reply_simple(c, hex);
    return MD_OK;
}

static int debug_digest_value(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        char hex[41];
        ks_entry_t *e = ks_find(&srv.db[c->client->dbid], argv[i].ptr, argv[i].len);
        if (e) digest_value(e, hex);
        else memset(hex, '0', 40), hex[40] = '\0';
        md_reply_simple(c, hex);
    }
    return MD_OK;
}

/* ---- the protocol ---- */

/* DEBUG PROTOCOL <type>: Redis's test value of each type, in the
 * client's protocol (RESP2 shows maps and sets as arrays, doubles and big
 * numbers as bulk strings; attributes only in RESP3, push data not in
 * RESP2; a real reply follows an attribute or a push). */
static int debug_protocol(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *cl = c->client;
    reply_t *r = client_reply(cl);
    md_arg_t k = argv[2];
    if (md_arg_eq(k, "string")) md_reply_bulk(c, "Hello World", 11);
    else if (md_arg_eq(k, "integer")) md_reply_int(c, 12345);
    else if (md_arg_eq(k, "double")) md_reply_double(c, 3.141);
    else if (md_arg_eq(k, "bignum")) {
        static const char big[] = "1234567999999999999999999999999999999";
        static const char big3[] = "(1234567999999999999999999999999999999\r\n";
        if (cl->resp >= 3) resp_add_raw(r, big3, sizeof(big3) - 1);
        else md_reply_bulk(c, big, sizeof(big) - 1);
    } else if (md_arg_eq(k, "null")) md_reply_null(c);
    else if (md_arg_eq(k, "array") || md_arg_eq(k, "set")) {
        if (md_arg_eq(k, "array")) md_reply_array(c, 3);
        else md_reply_set(c, 3);
        for (int i = 0; i < 3; i++) md_reply_int(c, i);
    } else if (md_arg_eq(k, "map")) {
        md_reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            md_reply_int(c, i);
            md_reply_bool(c, i == 1);
        }
    } else if (md_arg_eq(k, "attrib")) {
        static const char attr[] = "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n";
        if (cl->resp >= 3) resp_add_raw(r, attr, sizeof(attr) - 1);
        md_reply_bulk(c, "Some real reply following the attribute", 39);
    } else if (md_arg_eq(k, "push")) {
        if (cl->resp < 3) {
            md_reply_error(c, "ERR RESP2 is not supported by this command");
            return MD_OK;
        }
        reply_t *p = client_push(cl); /* push data is never silenced */
        resp_add_agg(p, 3, '>', 2);
        resp_add_bulk_cstr(p, "server-cpu-usage");
        resp_add_int(p, 42);
        md_reply_bulk(c, "Some real reply following the push reply", 40);
    } else if (md_arg_eq(k, "verbatim")) md_reply_verbatim(c, "txt", "This is a verbatim\nstring", 25);
    else if (md_arg_eq(k, "true")) md_reply_bool(c, 1);
    else if (md_arg_eq(k, "false")) md_reply_bool(c, 0);
    else
        md_reply_error(c, "ERR Wrong protocol type name. Please use one of the following: "
                          "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
    return MD_OK;
}

static int debug_error(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char *m = mem_strndup(argv[2].ptr, argv[2].len);
    md_reply_error(c, m);
    mem_free(m);
    return MD_OK;
}

static int debug_log(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    log_msg(LOG_WARNING, "DEBUG LOG: %.*s", (int)argv[2].len, argv[2].ptr);
    md_reply_ok(c);
    return MD_OK;
}

/* ---- the table, HELP and the dispatcher ---- */

/* Redis's help lines for the host's subcommands (Redis 7.2+'s wording, as
 * its 7.0 text plus HTSTATS's [full] and 7.4's DICT-RESIZING); MALLCTL only
 * with jemalloc, as in Redis. Module subcommands follow, then HELP. */
static const char *const help_lines[] = {
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes all configuration options, including",
    "    keywords not listed in original configuration file or default values.",
    "CRASH-AND-RECOVER [<milliseconds>]",
    "    Hard crash and restart after a <milliseconds> delay (default 0).",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LEAK <string>",
    "    Create a memory leak of the input string.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "HTSTATS <dbid> [full]",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key> [full]",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "REPLICATE <string>",
    "    Replicates the provided string to replicas, allowing data divergence.",
#ifdef HAVE_JEMALLOC
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
#endif
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "OOM",
    "    Crash the server simulating an out-of-memory error.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, and",
    "      conflicting keys make the reload fail.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Without NOFLUSH, a failed load keeps the current dataset.",
    "RESTART [<milliseconds>]",
    "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
    "SDSLEN <key>",
    "    Show low level SDS string info representing `key` and value.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "STRUCTSIZE",
    "    Return the size of different Redis core C structures.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "CLIENT-EVICTION",
    "    Show low level client eviction pools info (maxmemory-clients).",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "DICT-RESIZING <0|1>",
    "    Enable or disable the main dict and expire dict resizing.",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
    NULL};

typedef struct help_out {
    md_ctx_t *c;
    long n;
} help_out_t;

static void help_line(help_out_t *h, const char *s, size_t n)
{
    char *line = mem_strndup(s, n);
    md_reply_simple(h->c, line);
    mem_free(line);
    h->n++;
}

/* A module subcommand's help: "NAME syntax", then its summary's lines. */
static void help_module_sub(const sdk_debug_sub_t *sub, void *priv)
{
    char head[256];
    size_t k = 0;
    for (const char *p = sub->decl.name; *p && k < 128; p++)
        head[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    snprintf(head + k, sizeof(head) - k, "%s%s", sub->decl.syntax ? " " : "",
             sub->decl.syntax ? sub->decl.syntax : "");
    help_line(priv, head, strlen(head));
    for (const char *s = sub->decl.summary; s && *s;) {
        size_t n = strcspn(s, "\n");
        char line[512];
        int l = snprintf(line, sizeof(line), "    %.*s", (int)n, s);
        help_line(priv, line, (size_t)(l < (int)sizeof(line) ? l : (int)sizeof(line) - 1));
        s += n + (s[n] == '\n');
    }
}

static int debug_help(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    help_out_t h = {c, 0};
    void *len = md_reply_defer(c);
    static const char head[] = "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
    help_line(&h, head, sizeof(head) - 1);
    for (int i = 0; help_lines[i]; i++) help_line(&h, help_lines[i], strlen(help_lines[i]));
    sdk_debug_foreach(help_module_sub, &h);
    help_line(&h, "HELP", 4);
    help_line(&h, "    Prints this help.", 21);
    md_reply_defer_set(c, len, '*', h.n);
    return MD_OK;
}

/* The host's subcommands: name, handler, arity of the whole argv
 * (negative: at least) and the most arguments (0: no limit). */
static const debug_sub_t dataset_subs[] = {
    {"object", debug_object, 3, 3}, {"sdslen", debug_sdslen, 3, 3},
    {"listpack", debug_listpack, 3, 3}, {"quicklist", debug_quicklist, -3, 4},
    {"htstats", debug_htstats, -3, 4}, {"htstats-key", debug_htstats_key, -3, 4},
    {"populate", debug_populate, -3, 5}, {"reload", debug_reload, -2, 0},
    {"loadaof", debug_loadaof, -2, 0}, {"digest", debug_digest, 2, 2},
    {"digest-value", debug_digest_value, -2, 0}, {"protocol", debug_protocol, 3, 3},
    {"error", debug_error, 3, 3}, {"log", debug_log, 3, 3}, {"help", debug_help, 2, 2},
    {NULL, NULL, 0, 0}};

static const debug_sub_t *find_in(const debug_sub_t *t, md_arg_t name)
{
    for (; t->name; t++)
        if (md_arg_eq(name, t->name)) return t;
    return NULL;
}

static int arity_ok(int arity, int max, int argc)
{
    if (arity > 0 ? argc != arity : argc < -arity) return 0;
    return !max || argc <= max;
}

/* Run the named subcommand (the host's, then the modules'), or reply
 * Redis's error for an unknown one or a wrong argument count. */
static int debug_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const debug_sub_t *s = find_in(dataset_subs, argv[1]);
    if (!s) s = find_in(debug_proc_subs, argv[1]);
    if (s && arity_ok(s->arity, s->max, argc)) return s->fn(c, argc, argv);
    const sdk_debug_sub_t *m = s ? NULL : sdk_debug_find(argv[1].ptr, argv[1].len);
    if (m && arity_ok(m->decl.arity, 0, argc)) return m->decl.handler(c, argc, argv);
    debug_reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                       "Try DEBUG HELP.", (int)(argv[1].len < 128 ? argv[1].len : 128),
                       argv[1].ptr);
    return MD_OK;
}

/* Every host subcommand name, for sdk_debug_host_names(). */
const char *const *cmd_debug_names(void)
{
    static const char *names[64];
    if (!names[0]) {
        size_t n = 0;
        for (const debug_sub_t *t = dataset_subs; t->name; t++) names[n++] = t->name;
        for (const debug_sub_t *t = debug_proc_subs; t->name; t++) names[n++] = t->name;
    }
    return names;
}

const md_command_t hostcmds_debug[] = {
    {.name = "debug", .handler = debug_cmd, .arity = -2,
     .flags = "admin noscript loading stale protected", .acl = "@admin @slow @dangerous",
     .summary = "A container for debugging commands.", .since = "1.0.0",
     .complexity = "Depends on subcommand.", .group = "server",
     .doc_flags = "syscmd"},
    {0}};
