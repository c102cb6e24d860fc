/*
 * streams_cmds.c — XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID
 * with Redis 7.4 semantics, and the helpers the other command files
 * share (key helper, ID parsing, entry replies).
 *
 * Invariants kept by every handler:
 *  - exactly one reply per call; arguments are checked in Redis's order
 *    (XTRIM and XDEL look the key up first, as Redis does, so a missing
 *    key answers 0 whatever follows);
 *  - a stream key may be empty (XDEL/XTRIM keep it, as Redis does);
 *  - after a change: WATCH, the keyspace event of class t, the dirty
 *    counter, and md_key_ready() for blocked readers. XADD and XTRIM
 *    propagate a deterministic form: the ID XADD generated, and with `~`
 *    the exact threshold that the trim reached (Redis's
 *    streamRewriteApproxSpecifier / streamRewriteTrimArgument).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "streams_cmds.h"
#include "streams.h"

#define ERR_ADD_SMALLER "ERR The ID specified in XADD is equal or smaller than the target stream top item"

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

int sx_open(md_ctx_t *c, md_arg_t name, int mode, md_key_t **k, stream_t **s)
{
    const md_type_t *t;
    *k = md_key_open(c, name, mode);
    *s = NULL;
    t = md_key_type(*k);
    if (t == NULL) return MD_OK;
    if (t != streams_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    *s = md_key_value(*k);
    return MD_OK;
}

/* Redis's string2ull: a canonical integer (not negative), or whatever
 * strtoull reads completely. */
static int str2ull(const char *s, uint64_t *v)
{
    long long ll;
    char *end = NULL;
    unsigned long long x;

    if (md_arg_ll(md_str(s), &ll) == MD_OK) {
        if (ll < 0) return 0;
        *v = (uint64_t)ll;
        return 1;
    }
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || !(*s != '\0' && *end == '\0')) return 0;
    *v = x;
    return 1;
}

int sx_parse_id(md_arg_t a, sid_t *id, uint64_t missing_seq, int strict, int *seq_given)
{
    char buf[128], *dash;
    uint64_t ms, seq;

    if (a.len > sizeof buf - 1) return MD_ERR;
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = '\0';
    if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') return MD_ERR;
    if (seq_given) *seq_given = 1;
    if ((buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') {
        id->ms = id->seq = buf[0] == '-' ? 0 : UINT64_MAX;
        return MD_OK;
    }
    dash = strchr(buf, '-');
    if (dash) *dash = '\0';
    if (!str2ull(buf, &ms)) return MD_ERR;
    if (dash == NULL) {
        seq = missing_seq;
    } else if (seq_given && dash[1] == '*' && dash[2] == '\0') {
        seq = 0;
        *seq_given = 0;
    } else if (!str2ull(dash + 1, &seq)) {
        return MD_ERR;
    }
    id->ms = ms;
    id->seq = seq;
    return MD_OK;
}

int sx_parse_id_or_reply(md_ctx_t *c, md_arg_t a, sid_t *id, uint64_t missing_seq, int strict)
{
    if (sx_parse_id(a, id, missing_seq, strict, NULL) == MD_OK) return MD_OK;
    md_reply_error(c, SX_ERR_INVALID_ID);
    return MD_ERR;
}

void sx_reply_id(md_ctx_t *c, const sid_t *id)
{
    char buf[SID_BUF];
    md_reply_bulk(c, buf, sid_fmt(buf, id));
}

void sx_reply_entry(md_ctx_t *c, const sv_entry_t *e)
{
    md_reply_array(c, 2);
    sx_reply_id(c, &e->id);
    md_reply_array(c, 2 * e->nf);
    for (long i = 0; i < 2 * e->nf; i++) md_reply_bulk(c, e->fv[i].ptr, e->fv[i].len);
}

long sx_reply_range(md_ctx_t *c, const stream_t *s, const sid_t *start, const sid_t *end,
                    long long count, int rev)
{
    void *h = md_reply_defer(c);
    long n = 0;
    sv_iter_t it;

    sv_iter_start(&it, s, start, end, rev);
    while ((count == 0 || n < count) && sv_iter_next(&it)) {
        sx_reply_entry(c, &it.e);
        n++;
    }
    sv_iter_done(&it);
    md_reply_defer_set(c, h, MD_DEFER_ARRAY, n);
    return n;
}

/* After a change to the stream at k: WATCH, the event, dirty. */
static void changed(md_ctx_t *c, md_key_t *k, md_arg_t name, const char *event, long long n)
{
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_STREAM, event, name);
    md_dirty(c, n);
}

/* ------------------------------------------------------------------ */
/* XADD and XTRIM arguments                                            */
/* ------------------------------------------------------------------ */

typedef struct add_args {
    sv_trim_t trim;
    int thr_idx;        /* argv index of the trim threshold, or 0 */
    int nomkstream;
    int id_given, seq_given;
    sid_t id;
} add_args_t;

/* MAXLEN / MINID [= | ~] threshold at argv[i] (the option word); returns
 * the index of the threshold, or -1 after an error reply. */
static int parse_strategy(md_ctx_t *c, int argc, const md_arg_t *argv, int i, add_args_t *a)
{
    int maxlen = md_arg_eq(argv[i], "maxlen");
    if (argc - 1 - i >= 2 && (md_arg_eq(argv[i + 1], "~") || md_arg_eq(argv[i + 1], "="))) {
        a->trim.approx = argv[i + 1].ptr[0] == '~';
        i++;
    }
    i++;
    if (maxlen) {
        if (md_parse_ll(c, argv[i], &a->trim.maxlen) != MD_OK) return -1;
        if (a->trim.maxlen < 0) {
            md_reply_error(c, "ERR The MAXLEN argument must be >= 0.");
            return -1;
        }
        a->trim.strategy = SV_TRIM_MAXLEN;
    } else {
        if (sx_parse_id_or_reply(c, argv[i], &a->trim.minid, 0, 1) != MD_OK) return -1;
        a->trim.strategy = SV_TRIM_MINID;
    }
    a->thr_idx = i;
    return i;
}

/* Redis's streamParseAddOrTrimArgsOrReply: the options from argv[2] on;
 * for XADD, the index of the ID argument (argc when missing), for XTRIM
 * argc; -1 after an error reply. */
static int parse_add_trim(md_ctx_t *c, int argc, const md_arg_t *argv, int xadd, add_args_t *a)
{
    int i, limit_given = 0;

    memset(a, 0, sizeof *a);
    for (i = 2; i < argc; i++) {
        int more = argc - 1 - i;
        md_arg_t opt = argv[i];
        if (xadd && opt.len == 1 && opt.ptr[0] == '*') {
            break;
        } else if ((md_arg_eq(opt, "maxlen") || md_arg_eq(opt, "minid")) && more) {
            if ((i = parse_strategy(c, argc, argv, i, a)) < 0) return -1;
        } else if (md_arg_eq(opt, "limit") && more) {
            if (md_parse_ll(c, argv[i + 1], &a->trim.limit) != MD_OK) return -1;
            if (a->trim.limit < 0) {
                md_reply_error(c, "ERR The LIMIT argument must be >= 0.");
                return -1;
            }
            limit_given = 1;
            i++;
        } else if (xadd && md_arg_eq(opt, "nomkstream")) {
            a->nomkstream = 1;
        } else if (xadd) {
            if (sx_parse_id(opt, &a->id, 0, 1, &a->seq_given) != MD_OK) {
                md_reply_error(c, SX_ERR_INVALID_ID);
                return -1;
            }
            a->id_given = 1;
            break;
        } else {
            md_reply_syntax(c);
            return -1;
        }
    }
    if (a->trim.limit && a->trim.strategy == SV_TRIM_NONE) {
        md_reply_error(c, "ERR syntax error, LIMIT cannot be used without specifying a "
                          "trimming strategy");
        return -1;
    }
    if (!xadd && a->trim.strategy == SV_TRIM_NONE) {
        md_reply_error(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
        return -1;
    }
    if (limit_given) {
        if (!a->trim.approx) {
            md_reply_error(c, "ERR syntax error, LIMIT cannot be used without the special ~ "
                              "option");
            return -1;
        }
    } else if (a->trim.approx) {
        a->trim.limit = 100 * sv_node_max_entries;
        if (a->trim.limit <= 0 || a->trim.limit > 10000) a->trim.limit = 10000;
    } else {
        a->trim.limit = 0;
    }
    return i;
}

/* Propagate argv with argv[idx] replaced by rep (idx -1: none), and, for
 * an approximate trim, "=" and the threshold reached instead of "~ n"
 * (LIMIT dropped: an exact trim takes none). */
static void propagate(md_ctx_t *c, int argc, const md_arg_t *argv, int idx, md_arg_t rep,
                      const add_args_t *a, const stream_t *s)
{
    md_arg_t *out = md_alloc((size_t)argc * sizeof *out);
    char thr[SID_BUF];
    int n = 0;

    for (int i = 0; i < argc; i++) {
        if (i == idx) {
            out[n++] = rep;
        } else if (a->trim.approx && i == a->thr_idx - 1) {
            out[n++] = md_str("=");
        } else if (a->trim.approx && i == a->thr_idx) {
            out[n].ptr = thr;
            if (a->trim.strategy == SV_TRIM_MAXLEN) {
                out[n++].len = md_ll2str_inline(thr, (long long)s->length);
            } else {
                sid_t first = s->first_id;
                if (s->length == 0) first.ms = first.seq = UINT64_MAX;
                out[n++].len = sid_fmt(thr, &first);
            }
        } else if (a->trim.approx && i >= 2 && i < (idx >= 0 ? idx : argc) - 1 &&
                   md_arg_eq(argv[i], "limit")) {
            i++;
        } else {
            out[n++] = argv[i];
        }
    }
    md_replicate(c, n, out);
    md_free(out);
}

/* ------------------------------------------------------------------ */
/* XADD                                                                */
/* ------------------------------------------------------------------ */

/* The ID to add (Redis's streamAppendItem rules): MD_ERR when it is not
 * above the last ID. */
static int next_id(const stream_t *s, const add_args_t *a, sid_t *id)
{
    if (!a->id_given) {
        uint64_t now = (uint64_t)md_mstime();
        if (now > s->last_id.ms) {
            id->ms = now;
            id->seq = 0;
        } else {
            *id = s->last_id;
            sid_incr(id);
        }
        return MD_OK;
    }
    *id = a->id;
    if (!a->seq_given) {
        if (s->last_id.ms == id->ms) {
            if (s->last_id.seq == UINT64_MAX) return MD_ERR;
            id->seq = s->last_id.seq + 1;
        }
    }
    return sid_cmp(id, &s->last_id) > 0 ? MD_OK : MD_ERR;
}

int sx_cmd_xadd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    add_args_t a;
    int idpos = parse_add_trim(c, argc, argv, 1, &a), created = 0;
    md_key_t *k;
    stream_t *s;
    sid_t id;
    char idb[SID_BUF];

    if (idpos < 0) return MD_OK;
    if (argc - (idpos + 1) < 2 || (argc - (idpos + 1)) % 2 == 1)
        return md_reply_error(c, "ERR wrong number of arguments for 'xadd' command");
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0)
        return md_reply_error(c, "ERR The ID specified in XADD must be greater than 0-0");
    if (sx_open(c, argv[1], MD_WRITE, &k, &s) != MD_OK) return MD_OK;
    if (s == NULL) {
        if (a.nomkstream) return md_reply_null(c);
        s = sv_new();
        created = 1;
    }
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX)
        return md_reply_error(c, "ERR The stream has exhausted the last possible ID, unable "
                                 "to add more items");
    if (next_id(s, &a, &id) != MD_OK) {
        if (created) sv_free(s);
        return md_reply_error(c, ERR_ADD_SMALLER);
    }
    sv_append(s, &id, argv + idpos + 1, (argc - idpos - 1) / 2);
    if (created) md_key_set(k, streams_type, s, 0);
    md_reply_bulk(c, idb, sid_fmt(idb, &id));
    changed(c, k, argv[1], "xadd", 1);
    if (sv_trim(s, &a.trim) > 0) md_notify(c, MD_NOTIFY_STREAM, "xtrim", argv[1]);
    {
        md_arg_t rep = {idb, strlen(idb)};
        propagate(c, argc, argv, idpos, rep, &a, s);
    }
    md_key_ready(c, argv[1]);
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* XTRIM, XLEN, XDEL, XSETID                                           */
/* ------------------------------------------------------------------ */

int sx_cmd_xtrim(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    add_args_t a;
    md_key_t *k;
    stream_t *s;
    long long n;

    if (sx_open(c, argv[1], MD_WRITE, &k, &s) != MD_OK) return MD_OK;
    if (s == NULL) return md_reply_int(c, 0);
    if (parse_add_trim(c, argc, argv, 0, &a) < 0) return MD_OK;
    n = sv_trim(s, &a.trim);
    if (n) {
        md_arg_t none = {NULL, 0};
        changed(c, k, argv[1], "xtrim", n);
        propagate(c, argc, argv, -1, none, &a, s);
    }
    return md_reply_int(c, n);
}

int sx_cmd_xlen(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    (void)argc;
    if (sx_open(c, argv[1], MD_READ, &k, &s) != MD_OK) return MD_OK;
    return md_reply_int(c, s ? (long long)s->length : 0);
}

int sx_cmd_xdel(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_key_t *k;
    stream_t *s;
    sid_t *ids;
    long long deleted = 0;
    int first = 0;

    if (sx_open(c, argv[1], MD_WRITE, &k, &s) != MD_OK) return MD_OK;
    if (s == NULL) return md_reply_int(c, 0);
    ids = md_alloc((size_t)(argc - 2) * sizeof *ids);
    for (int j = 2; j < argc; j++) {
        if (sx_parse_id_or_reply(c, argv[j], &ids[j - 2], 0, 1) != MD_OK) {
            md_free(ids);
            return MD_OK;
        }
    }
    for (int j = 0; j < argc - 2; j++) {
        if (!sv_delete(s, &ids[j])) continue;
        if (sid_cmp(&ids[j], &s->first_id) == 0) first = 1;
        deleted++;
    }
    md_free(ids);
    if (deleted) {
        if (s->length == 0) s->first_id.ms = s->first_id.seq = 0;
        else if (first) sv_edge_id(s, 0, &s->first_id);
        changed(c, k, argv[1], "xdel", deleted);
    }
    return md_reply_int(c, deleted);
}

/* XSETID's options from argv[3] on: MD_ERR after an error reply. */
static int parse_setid_opts(md_ctx_t *c, int argc, const md_arg_t *argv, const sid_t *id,
                            long long *added, sid_t *maxdel)
{
    for (int i = 3; i < argc; i++) {
        int more = argc - 1 - i;
        if (md_arg_eq(argv[i], "entriesadded") && more) {
            if (md_parse_ll(c, argv[i + 1], added) != MD_OK) return MD_ERR;
            if (*added < 0) {
                md_reply_error(c, "ERR entries_added must be positive");
                return MD_ERR;
            }
        } else if (md_arg_eq(argv[i], "maxdeletedid") && more) {
            if (sx_parse_id_or_reply(c, argv[i + 1], maxdel, 0, 1) != MD_OK) return MD_ERR;
            if (sid_cmp(id, maxdel) < 0) {
                md_reply_error(c, "ERR The ID specified in XSETID is smaller than the "
                                  "provided max_deleted_entry_id");
                return MD_ERR;
            }
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
        i++;
    }
    return MD_OK;
}

int sx_cmd_xsetid(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    sid_t id, maxdel = {0, 0}, top;
    long long added = -1;
    md_key_t *k;
    stream_t *s;

    if (sx_parse_id_or_reply(c, argv[2], &id, 0, 1) != MD_OK) return MD_OK;
    if (parse_setid_opts(c, argc, argv, &id, &added, &maxdel) != MD_OK) return MD_OK;
    if (sx_open(c, argv[1], MD_WRITE, &k, &s) != MD_OK) return MD_OK;
    if (s == NULL) return md_reply_error(c, "ERR no such key");
    if (s->length > 0) {
        sv_edge_id(s, 1, &top);
        if (sid_cmp(&id, &top) < 0)
            return md_reply_error(c, "ERR The ID specified in XSETID is smaller than the "
                                     "target stream top item");
        if (added != -1 && s->length > (uint64_t)added)
            return md_reply_error(c, "ERR The entries_added specified in XSETID is smaller "
                                     "than the target stream length");
    }
    s->last_id = id;
    if (added != -1) s->entries_added = (uint64_t)added;
    if (maxdel.ms || maxdel.seq) s->max_deleted_id = maxdel;
    changed(c, k, argv[1], "xsetid", 1);
    return md_reply_ok(c);
}

/* ------------------------------------------------------------------ */
/* XRANGE, XREVRANGE                                                   */
/* ------------------------------------------------------------------ */

/* A range bound: "-", "+", an ID, or "(" and an ID (exclusive). */
static int parse_bound(md_ctx_t *c, md_arg_t a, sid_t *id, int *excl, uint64_t missing_seq)
{
    *excl = a.len > 1 && a.ptr[0] == '(';
    if (*excl) {
        md_arg_t rest = {a.ptr + 1, a.len - 1};
        return sx_parse_id_or_reply(c, rest, id, missing_seq, 1);
    }
    return sx_parse_id_or_reply(c, a, id, missing_seq, 0);
}

static int range(md_ctx_t *c, int argc, const md_arg_t *argv, int rev)
{
    md_arg_t sa = rev ? argv[3] : argv[2], ea = rev ? argv[2] : argv[3];
    sid_t start, end;
    int sx, ex;
    long long count = -1;
    md_key_t *k;
    stream_t *s;

    if (parse_bound(c, sa, &start, &sx, 0) != MD_OK) return MD_OK;
    if (sx && sid_incr(&start) != 0) return md_reply_error(c, "ERR invalid start ID for the interval");
    if (parse_bound(c, ea, &end, &ex, UINT64_MAX) != MD_OK) return MD_OK;
    if (ex && sid_decr(&end) != 0) return md_reply_error(c, "ERR invalid end ID for the interval");
    for (int j = 4; j < argc; j++) {
        if (md_arg_eq(argv[j], "count") && argc - j - 1 >= 1) {
            if (md_parse_ll(c, argv[j + 1], &count) != MD_OK) return MD_OK;
            if (count < 0) count = 0;
            j++;
        } else {
            return md_reply_syntax(c);
        }
    }
    if (sx_open(c, argv[1], MD_READ, &k, &s) != MD_OK) return MD_OK;
    if (s == NULL) return md_reply_array(c, 0);
    if (count == 0) return md_reply_null_array(c);
    sx_reply_range(c, s, &start, &end, count == -1 ? 0 : count, rev);
    return MD_OK;
}

int sx_cmd_xrange(md_ctx_t *c, int argc, const md_arg_t *argv) { return range(c, argc, argv, 0); }
int sx_cmd_xrevrange(md_ctx_t *c, int argc, const md_arg_t *argv) { return range(c, argc, argv, 1); }
