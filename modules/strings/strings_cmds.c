/*
 * strings_cmds.c — the string command handlers, with Redis 7.4 semantics:
 * same replies, same error texts in the same order of checks, same
 * keyspace events, same propagation (relative expires are propagated as
 * absolute ones, INCRBYFLOAT as SET ... KEEPTTL, GETEX as PEXPIREAT /
 * PERSIST / DEL, GETDEL as DEL, GETSET as SET).
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call (errors included);
 *  - nothing changes in the keyspace before the last possible error;
 *  - after a change: md_key_modified(), md_notify() with Redis's event
 *    name, md_dirty(); write commands that changed nothing call none of
 *    them, so the host does not propagate them;
 *  - a value handed to md_key_set() belongs to the keyspace; a value
 *    replaced with md_key_replace_value() is freed here.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "strings_cmds.h"
#include "strings.h"
#include "strings_value.h"

/* MAX_LONG_DOUBLE_CHARS in Redis. */
#define LD_BUF 5120

#define EXPIRE_OPTS (MD_OPT_EX | MD_OPT_PX | MD_OPT_EXAT | MD_OPT_PXAT)
#define SET_OPTS (MD_OPT_NX | MD_OPT_XX | MD_OPT_GET | MD_OPT_KEEPTTL | EXPIRE_OPTS)

enum { KEY_EMPTY, KEY_STRING, KEY_OTHER };

static int key_kind(md_key_t *k)
{
    const md_type_t *t = md_key_type(k);
    if (t == NULL) return KEY_EMPTY;
    return t == strings_type ? KEY_STRING : KEY_OTHER;
}

static void reply_value(md_ctx_t *c, const void *v)
{
    char buf[SV_INT_BUF];
    md_arg_t a = sv_bytes(v, buf);
    md_reply_bulk(c, a.ptr, a.len);
}

/* Store a new value in k (TTL cleared unless keepttl). On failure the
 * value is freed and MD_ERR returned. */
static int store(md_key_t *k, void *v, int keepttl)
{
    if (md_key_set(k, strings_type, v, keepttl) != MD_OK) {
        sv_free(v);
        return MD_ERR;
    }
    return MD_OK;
}

/* Swap a string key's value for nv, keeping the TTL, and free old. */
static void replace(md_key_t *k, void *old, void *nv)
{
    if (nv == old) return;
    md_key_replace_value(k, nv);
    sv_free(old);
}

static int reply_store_failed(md_ctx_t *c)
{
    return md_reply_error(c, "ERR could not store the value");
}

/* The bookkeeping after a string key changed. */
static void changed(md_ctx_t *c, md_key_t *k, md_arg_t key, const char *event)
{
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_STRING, event, key);
    md_dirty(c, 1);
}

/* Redis checkStringLength(): size + append must stay within
 * proto-max-bulk-len. (Redis skips the check for its master and the AOF
 * loader; the SDK cannot tell those callers apart yet.) */
static int check_len(md_ctx_t *c, unsigned long long size,
                     unsigned long long append)
{
    unsigned long long total = size + append;

    if (total > (unsigned long long)STRINGS_MIN_BULK_LEN &&
        total > (unsigned long long)strings_max_bulk_len()) {
        md_reply_error(c, "ERR string exceeds maximum allowed size "
                          "(proto-max-bulk-len)");
        return MD_ERR;
    }
    return MD_OK;
}

/* Redis getExpireMillisecondsOrReply(): parse an expire argument of
 * command `cmd` into an absolute unix time in ms. `seconds` when the unit
 * is seconds, `relative` for EX/PX (added to now). Replies on error. */
static int parse_expire(md_ctx_t *c, md_arg_t a, int seconds, int relative,
                        const char *cmd, int64_t *at)
{
    long long v;

    if (md_parse_ll(c, a, &v) != MD_OK) return MD_ERR;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) goto bad;
    if (seconds) v *= 1000;
    if (relative) v = (long long)((unsigned long long)v +
                                  (unsigned long long)md_mstime());
    if (v <= 0) goto bad;
    *at = v;
    return MD_OK;
bad: {
        char msg[128];
        snprintf(msg, sizeof msg, "ERR invalid expire time in '%s' command",
                 cmd);
        md_reply_error(c, msg);
        return MD_ERR;
    }
}

/* ------------------------------------------------------------------ */
/* GET family                                                          */
/* ------------------------------------------------------------------ */

/* Redis getGenericCommand(): reply the value or null; MD_ERR (after a
 * WRONGTYPE reply) when the key holds another type. */
static int get_generic(md_ctx_t *c, md_key_t *k)
{
    switch (key_kind(k)) {
    case KEY_EMPTY:
        md_reply_null(c);
        return MD_OK;
    case KEY_OTHER:
        md_reply_wrongtype(c);
        return MD_ERR;
    default:
        reply_value(c, md_key_value(k));
        return MD_OK;
    }
}

int strings_cmd_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    get_generic(c, md_key_open(c, argv[1], MD_READ));
    return MD_OK;
}

int strings_cmd_getdel(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_READ);
    md_arg_t rep[2] = {md_str("DEL"), argv[1]};

    (void)argc;
    if (key_kind(k) != KEY_STRING) {
        get_generic(c, k);
        return MD_OK;
    }
    reply_value(c, md_key_value(k));
    k = md_key_open(c, argv[1], MD_WRITE);
    md_key_delete(k);
    md_replicate(c, 2, rep);
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
    md_dirty(c, 1);
    return MD_OK;
}

int strings_cmd_getset(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_READ);
    md_arg_t rep[3] = {md_str("SET"), argv[1], argv[2]};

    (void)argc;
    if (get_generic(c, k) != MD_OK) return MD_OK;
    k = md_key_open(c, argv[1], MD_WRITE);
    /* The reply is already sent: a failed store can only be logged. */
    if (store(k, sv_from_arg(argv[2].ptr, argv[2].len), 0) != MD_OK) {
        md_log(MD_LOG_WARNING, "strings: GETSET could not store the value");
        return MD_OK;
    }
    changed(c, k, argv[1], "set");
    md_replicate(c, 3, rep);
    return MD_OK;
}

/* GETEX's option grammar (Redis parseExtendedStringArgumentsOrReply with
 * COMMAND_GET): one of EX/PX/EXAT/PXAT <n> (repeatable, last wins) or
 * PERSIST. Sets *flags and *ei (index of the expire argument, 0 if none).
 * Replies a syntax error and returns MD_ERR on bad input. */
static int getex_options(md_ctx_t *c, int argc, const md_arg_t *argv,
                         unsigned *flags, int *ei)
{
    static const struct {
        const char *word;
        unsigned flag, conflicts;
    } opts[] = {
        {"ex", MD_OPT_EX, MD_OPT_PERSIST | MD_OPT_EXAT | MD_OPT_PX | MD_OPT_PXAT},
        {"px", MD_OPT_PX, MD_OPT_PERSIST | MD_OPT_EX | MD_OPT_EXAT | MD_OPT_PXAT},
        {"exat", MD_OPT_EXAT, MD_OPT_PERSIST | MD_OPT_EX | MD_OPT_PX | MD_OPT_PXAT},
        {"pxat", MD_OPT_PXAT, MD_OPT_PERSIST | MD_OPT_EX | MD_OPT_EXAT | MD_OPT_PX},
    };

    for (int j = 2; j < argc; j++) {
        int matched = 0;
        if (md_arg_eq(argv[j], "persist") && !(*flags & EXPIRE_OPTS)) {
            *flags |= MD_OPT_PERSIST;
            continue;
        }
        for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
            if (md_arg_eq(argv[j], opts[i].word) &&
                !(*flags & opts[i].conflicts) && j + 1 < argc) {
                *flags |= opts[i].flag;
                *ei = ++j;
                matched = 1;
                break;
            }
        }
        if (!matched) {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

int strings_cmd_getex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    unsigned flags = 0;
    int ei = 0;
    int64_t at = 0;
    md_key_t *k;
    char buf[SV_INT_BUF];

    if (getex_options(c, argc, argv, &flags, &ei) != MD_OK) return MD_OK;
    k = md_key_open(c, argv[1], MD_READ);
    if (key_kind(k) != KEY_STRING) {
        get_generic(c, k);
        return MD_OK;
    }
    /* Like Redis, the expire value is checked only for an existing key. */
    if (ei && parse_expire(c, argv[ei], (flags & (MD_OPT_EX | MD_OPT_EXAT)) != 0,
                           (flags & (MD_OPT_EX | MD_OPT_PX)) != 0, "getex",
                           &at) != MD_OK)
        return MD_OK;
    reply_value(c, md_key_value(k));
    if (ei == 0 && !(flags & MD_OPT_PERSIST)) return MD_OK;

    k = md_key_open(c, argv[1], MD_WRITE);
    if ((flags & (MD_OPT_EXAT | MD_OPT_PXAT)) && at <= md_mstime()) {
        md_arg_t rep[2] = {md_str("DEL"), argv[1]};
        md_key_delete(k);
        md_replicate(c, 2, rep);
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_GENERIC, "del", argv[1]);
        md_dirty(c, 1);
    } else if (ei) {
        md_arg_t rep[3] = {md_str("PEXPIREAT"), argv[1], {buf, 0}};
        rep[2].len = (size_t)md_ll2str_inline(buf, at);
        md_key_expire_set(k, at);
        md_replicate(c, 3, rep);
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_GENERIC, "expire", argv[1]);
        md_dirty(c, 1);
    } else if ((flags & MD_OPT_PERSIST) && md_key_expire_get(k) != -1) {
        md_arg_t rep[2] = {md_str("PERSIST"), argv[1]};
        md_key_expire_set(k, -1);
        md_replicate(c, 2, rep);
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_GENERIC, "persist", argv[1]);
        md_dirty(c, 1);
    }
    return MD_OK;
}

int strings_cmd_mget(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_array(c, argc - 1);
    for (int j = 1; j < argc; j++) {
        md_key_t *k = md_key_open(c, argv[j], MD_READ);
        if (key_kind(k) == KEY_STRING)
            reply_value(c, md_key_value(k));
        else
            md_reply_null(c);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* SET family                                                          */
/* ------------------------------------------------------------------ */

/* Propagate SET without its GET words (Redis does so when no expire
 * rewrote the command). */
static void replicate_without_get(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_arg_t stack[16], *out = stack;
    int n = 0;

    if (argc > 16) out = md_alloc(sizeof(md_arg_t) * (size_t)argc);
    for (int j = 0; j < argc; j++) {
        if (j >= 3 && md_arg_eq(argv[j], "get")) continue;
        out[n++] = argv[j];
    }
    md_replicate(c, n, out);
    if (out != stack) md_free(out);
}

/*
 * Redis setGenericCommand() for SET, SETNX, SETEX and PSETEX. `flags` are
 * MD_OPT_* and `at` the absolute expire time when an expire flag is set.
 * `intreply`: reply :1/:0 (SETNX) instead of +OK/null. argc/argv are the
 * command as received, for propagation.
 */
static void set_generic(md_ctx_t *c, md_arg_t key, md_arg_t val,
                        unsigned flags, int64_t at, int intreply,
                        int argc, const md_arg_t *argv)
{
    int expire = (flags & EXPIRE_OPTS) != 0;
    md_key_t *k;
    int kind;

    /* The GET part is a read (it counts keyspace hits/misses). */
    if ((flags & MD_OPT_GET) &&
        get_generic(c, md_key_open(c, key, MD_READ)) != MD_OK)
        return;
    k = md_key_open(c, key, MD_WRITE);
    kind = key_kind(k);
    if (((flags & MD_OPT_NX) && kind != KEY_EMPTY) ||
        ((flags & MD_OPT_XX) && kind == KEY_EMPTY)) {
        if (!(flags & MD_OPT_GET)) {
            if (intreply)
                md_reply_int(c, 0);
            else
                md_reply_null(c);
        }
        return;
    }
    if (store(k, sv_from_arg(val.ptr, val.len),
              (flags & MD_OPT_KEEPTTL) || expire) != MD_OK) {
        if (!(flags & MD_OPT_GET)) reply_store_failed(c);
        return;
    }
    changed(c, k, key, "set");
    if (expire) {
        /* "expire" goes out before the TTL is set: a time already past
         * makes the host delete the key (Redis: set, expire, expired). */
        md_notify(c, MD_NOTIFY_GENERIC, "expire", key);
        md_key_expire_set(k, at);
        if (!(flags & MD_OPT_PXAT)) {
            char buf[SV_INT_BUF];
            md_arg_t rep[5] = {md_str("SET"), key, val, md_str("PXAT"),
                               {buf, 0}};
            rep[4].len = (size_t)md_ll2str_inline(buf, at);
            md_replicate(c, 5, rep);
        }
    }
    if (!(flags & MD_OPT_GET)) {
        if (intreply)
            md_reply_int(c, 1);
        else
            md_reply_ok(c);
    } else if (!expire) {
        replicate_without_get(c, argc, argv);
    }
}

int strings_cmd_set(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_set_opts_t o = {0, 0};

    if (argc > 3 &&
        md_parse_set_opts(c, argc, argv, 3, SET_OPTS, &o) != MD_OK)
        return MD_OK;
    set_generic(c, argv[1], argv[2], o.flags, o.expire_at_ms, 0, argc, argv);
    return MD_OK;
}

int strings_cmd_setnx(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    set_generic(c, argv[1], argv[2], MD_OPT_NX, 0, 1, argc, argv);
    return MD_OK;
}

int strings_cmd_setex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t at;

    if (parse_expire(c, argv[2], 1, 1, "setex", &at) != MD_OK) return MD_OK;
    set_generic(c, argv[1], argv[3], MD_OPT_EX, at, 0, argc, argv);
    return MD_OK;
}

int strings_cmd_psetex(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t at;

    if (parse_expire(c, argv[2], 0, 1, "psetex", &at) != MD_OK) return MD_OK;
    set_generic(c, argv[1], argv[3], MD_OPT_PX, at, 0, argc, argv);
    return MD_OK;
}

/* Redis msetGenericCommand(): all pairs are set, or (nx) none when any key
 * exists. */
static void mset_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int nx)
{
    if (argc % 2 == 0) {
        md_reply_error(c, nx ? "ERR wrong number of arguments for 'msetnx' "
                               "command"
                             : "ERR wrong number of arguments for 'mset' "
                               "command");
        return;
    }
    if (nx) {
        for (int j = 1; j < argc; j += 2) {
            if (key_kind(md_key_open(c, argv[j], MD_WRITE)) != KEY_EMPTY) {
                md_reply_int(c, 0);
                return;
            }
        }
    }
    for (int j = 1; j < argc; j += 2) {
        md_key_t *k = md_key_open(c, argv[j], MD_WRITE);
        if (store(k, sv_from_arg(argv[j + 1].ptr, argv[j + 1].len), 0) !=
            MD_OK) {
            md_dirty(c, (j - 1) / 2);
            reply_store_failed(c);
            return;
        }
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_STRING, "set", argv[j]);
    }
    md_dirty(c, (argc - 1) / 2);
    if (nx)
        md_reply_int(c, 1);
    else
        md_reply_ok(c);
}

int strings_cmd_mset(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    mset_generic(c, argc, argv, 0);
    return MD_OK;
}

int strings_cmd_msetnx(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    mset_generic(c, argc, argv, 1);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Counters                                                            */
/* ------------------------------------------------------------------ */

/* Redis incrDecrCommand(): add incr to the integer at key (0 if empty). */
static void incr_generic(md_ctx_t *c, md_arg_t key, long long incr)
{
    md_key_t *k = md_key_open(c, key, MD_WRITE);
    int kind = key_kind(k);
    long long value = 0;
    void *old = NULL, *nv;

    if (kind == KEY_OTHER) {
        md_reply_wrongtype(c);
        return;
    }
    if (kind == KEY_STRING) {
        old = md_key_value(k);
        if (sv_get_ll(old, &value) != MD_OK) {
            md_reply_error(c, MD_ERR_NOT_INT);
            return;
        }
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        md_reply_error(c, MD_ERR_OVERFLOW);
        return;
    }
    value += incr;
    nv = sv_from_ll(value);
    if (old) {
        replace(k, old, nv);
    } else if (store(k, nv, 0) != MD_OK) {
        reply_store_failed(c);
        return;
    }
    changed(c, k, key, "incrby");
    md_reply_int(c, value);
}

int strings_cmd_incr(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    incr_generic(c, argv[1], 1);
    return MD_OK;
}

int strings_cmd_decr(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    incr_generic(c, argv[1], -1);
    return MD_OK;
}

int strings_cmd_incrby(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long incr;

    (void)argc;
    if (md_parse_ll(c, argv[2], &incr) != MD_OK) return MD_OK;
    incr_generic(c, argv[1], incr);
    return MD_OK;
}

int strings_cmd_decrby(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long incr;

    (void)argc;
    if (md_parse_ll(c, argv[2], &incr) != MD_OK) return MD_OK;
    if (incr == LLONG_MIN) {
        md_reply_error(c, "ERR decrement would overflow");
        return MD_OK;
    }
    incr_generic(c, argv[1], -incr);
    return MD_OK;
}

int strings_cmd_incrbyfloat(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    int kind = key_kind(k);
    long double value = 0, incr;
    long long iv;
    void *old = NULL, *nv;
    char buf[LD_BUF];
    int n;

    (void)argc;
    if (kind == KEY_OTHER) {
        md_reply_wrongtype(c);
        return MD_OK;
    }
    if (kind == KEY_STRING) {
        old = md_key_value(k);
        if (sv_int_value(old, &iv)) {
            value = (long double)iv;
        } else if (md_arg_ld(sv_bytes(old, buf), &value) != MD_OK) {
            md_reply_error(c, MD_ERR_NOT_FLOAT);
            return MD_OK;
        }
    }
    if (md_arg_ld(argv[2], &incr) != MD_OK) {
        md_reply_error(c, MD_ERR_NOT_FLOAT);
        return MD_OK;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        md_reply_error(c, "ERR increment would produce NaN or Infinity");
        return MD_OK;
    }
    n = md_ld2str(buf, sizeof buf, value, 1);
    if (n <= 0) {
        md_reply_error(c, MD_ERR_NOT_FLOAT);
        return MD_OK;
    }
    nv = sv_new_str(buf, (size_t)n);
    if (old) {
        replace(k, old, nv);
    } else if (store(k, nv, 0) != MD_OK) {
        reply_store_failed(c);
        return MD_OK;
    }
    changed(c, k, argv[1], "incrbyfloat");
    md_reply_bulk(c, buf, (size_t)n);
    {
        md_arg_t rep[4] = {md_str("SET"), argv[1], {buf, (size_t)n},
                           md_str("KEEPTTL")};
        md_replicate(c, 4, rep);
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Byte-level commands                                                 */
/* ------------------------------------------------------------------ */

int strings_cmd_strlen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_READ);

    (void)argc;
    switch (key_kind(k)) {
    case KEY_EMPTY: md_reply_int(c, 0); break;
    case KEY_OTHER: md_reply_wrongtype(c); break;
    default: md_reply_int(c, (long long)sv_len(md_key_value(k))); break;
    }
    return MD_OK;
}

int strings_cmd_append(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    int kind = key_kind(k);
    size_t totlen;

    (void)argc;
    if (kind == KEY_OTHER) {
        md_reply_wrongtype(c);
        return MD_OK;
    }
    if (kind == KEY_EMPTY) {
        /* Like Redis: a new key gets the SET encoding (int/embstr/raw). */
        if (store(k, sv_from_arg(argv[2].ptr, argv[2].len), 0) != MD_OK)
            return reply_store_failed(c), MD_OK;
        totlen = argv[2].len;
    } else {
        void *old = md_key_value(k);
        size_t olen = sv_len(old);
        if (check_len(c, olen, argv[2].len) != MD_OK) return MD_OK;
        void *nv = sv_append(old, argv[2].ptr, argv[2].len);
        /* sv_append consumed old: only the slot needs the new word. */
        if (nv != old) md_key_replace_value(k, nv);
        totlen = olen + argv[2].len;
    }
    changed(c, k, argv[1], "append");
    md_reply_int(c, (long long)totlen);
    return MD_OK;
}

int strings_cmd_getrange(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long start, end, len;
    char buf[SV_INT_BUF];
    md_key_t *k;
    md_arg_t s;

    (void)argc;
    if (md_parse_ll(c, argv[2], &start) != MD_OK) return MD_OK;
    if (md_parse_ll(c, argv[3], &end) != MD_OK) return MD_OK;
    k = md_key_open(c, argv[1], MD_READ);
    switch (key_kind(k)) {
    case KEY_EMPTY:
        md_reply_bulk(c, "", 0);
        return MD_OK;
    case KEY_OTHER:
        md_reply_wrongtype(c);
        return MD_OK;
    }
    s = sv_bytes(md_key_value(k), buf);
    len = (long long)s.len;
    if (!md_range(&start, &end, len, MD_RANGE_STRING))
        md_reply_bulk(c, "", 0);
    else
        md_reply_bulk(c, s.ptr + start, (size_t)(end - start + 1));
    return MD_OK;
}

int strings_cmd_setrange(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long offset;
    md_key_t *k;
    int kind;
    size_t n = argv[3].len, len;
    void *v;
    char *p;

    (void)argc;
    if (md_parse_ll(c, argv[2], &offset) != MD_OK) return MD_OK;
    if (offset < 0) {
        md_reply_error(c, "ERR offset is out of range");
        return MD_OK;
    }
    k = md_key_open(c, argv[1], MD_WRITE);
    kind = key_kind(k);
    if (kind == KEY_OTHER) {
        md_reply_wrongtype(c);
        return MD_OK;
    }
    if (kind == KEY_EMPTY) {
        if (n == 0) {
            md_reply_int(c, 0);
            return MD_OK;
        }
        if (check_len(c, (unsigned long long)offset, n) != MD_OK) return MD_OK;
        v = sv_new_raw(NULL, (size_t)offset + n);
        p = sv_make_raw(&v, 0, &len);
        memcpy(p + offset, argv[3].ptr, n);
        if (store(k, v, 0) != MD_OK) return reply_store_failed(c), MD_OK;
    } else {
        void *old = md_key_value(k);
        if (n == 0) {
            md_reply_int(c, (long long)sv_len(old));
            return MD_OK;
        }
        if (check_len(c, (unsigned long long)offset, n) != MD_OK) return MD_OK;
        v = old;
        p = sv_make_raw(&v, (size_t)offset + n, &len);
        /* sv_make_raw consumed old: only the slot needs the new word. */
        if (v != old) md_key_replace_value(k, v);
        memcpy(p + offset, argv[3].ptr, n);
    }
    changed(c, k, argv[1], "setrange");
    md_reply_int(c, (long long)len);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* string.v1                                                           */
/* ------------------------------------------------------------------ */

/* The writers of the service: the string at k made raw and at least
 * (exact = 0) or exactly (exact = 1) len bytes long, created when the key
 * is empty; its bytes, or NULL when k holds another type. *cur = the
 * length after the call. */
static char *svc_open(md_key_t *k, size_t len, int exact, size_t *cur)
{
    void *v, *old;
    char *p;

    switch (key_kind(k)) {
    case KEY_OTHER:
        return NULL;
    case KEY_EMPTY:
        v = sv_new_raw(NULL, len);
        p = sv_make_raw(&v, 0, cur);
        if (store(k, v, 0) != MD_OK) return NULL;
        return p;
    default:
        old = v = md_key_value(k);
        if (exact) {
            p = sv_resize(&v, len);
            *cur = len;
        } else {
            p = sv_make_raw(&v, len, cur);
        }
        /* sv_make_raw/sv_resize consumed old: only the slot needs the
         * new word. */
        if (v != old) md_key_replace_value(k, v);
        return p;
    }
}

char *strings_svc_writable(md_key_t *k, size_t len, size_t *cur)
{
    return svc_open(k, len, 0, cur);
}

char *strings_svc_resize(md_key_t *k, size_t len)
{
    size_t cur;
    return svc_open(k, len, 1, &cur);
}
