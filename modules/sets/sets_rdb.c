/*
 * sets_rdb.c — the "set" type callbacks. RDB payloads are byte for byte
 * Redis's:
 *
 *   11 SET_INTSET      the intset block as an RDB string
 *   20 SET_LISTPACK    the listpack as an RDB string (Redis 7.2+, RDB 11)
 *    2 SET             length, then each member as an RDB string
 *
 * A loaded set gets the encoding Redis 7.4 gives it: an intset or
 * listpack stays as it is unless it has more members than its
 * set-max-*-entries (then a hash table); a type-2 set is rebuilt member by
 * member into an intset, listpack or hash table as Redis's loader does.
 * Untrusted input is checked completely (intset layout and order,
 * listpack structure, duplicate members in every form); an empty listpack
 * is valid but empty (the key is skipped), an empty intset is corrupt, as
 * in Redis.
 *
 * AOF rewrite: SADD with at most 64 members per command (Redis's
 * AOF_REWRITE_ITEMS_PER_CMD). Digest: one sequence per member, the member
 * as SMEMBERS replies it, so equal sets digest equally in any encoding
 * (and as Redis digests them).
 */
#include "sets_rdb.h"
#include "set_table.h"
#include "set_value.h"

#define SETS_LAYOUT_VERSION 1
#define AOF_ITEMS_PER_CMD 64
#define LP_SAFETY_SIZE (1ULL << 30)

enum { RDB_SET = 2, RDB_SET_INTSET = 11, RDB_SET_LISTPACK = 20 };

/* ------------------------------------------------------------------ */
/* Small callbacks                                                     */
/* ------------------------------------------------------------------ */

static size_t s_free_effort(const void *s)
{
    return sv_enc(s) == SV_HT ? sv_len(s) : 1;
}

static void s_digest(md_digest_t *d, const void *s)
{
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        md_arg_t a = sm_bytes(&m, buf);
        md_digest_add(d, a.ptr, a.len);
        md_digest_end_seq(d);
    }
}

static int s_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *s)
{
    md_arg_t argv[2 + AOF_ITEMS_PER_CMD];
    char bufs[AOF_ITEMS_PER_CMD][SM_BUF];
    sv_iter_t it;
    sm_t m;
    int n = 0, rc = MD_OK;

    argv[0] = md_str("SADD");
    argv[1] = key;
    sv_iter_init(&it, s);
    while (rc == MD_OK && sv_iter_next(&it, &m)) {
        argv[2 + n] = sm_bytes(&m, bufs[n]);
        if (++n == AOF_ITEMS_PER_CMD) {
            rc = md_aof_emit(aof, 2 + n, argv);
            n = 0;
        }
    }
    if (rc != MD_OK) sv_iter_done(&it);
    else if (n) rc = md_aof_emit(aof, 2 + n, argv);
    return rc;
}

/* ------------------------------------------------------------------ */
/* RDB save                                                            */
/* ------------------------------------------------------------------ */

static uint8_t s_rdb_type(const void *s)
{
    switch (sv_enc(s)) {
    case SV_INTSET: return RDB_SET_INTSET;
    case SV_LP: return RDB_SET_LISTPACK;
    default: return RDB_SET;
    }
}

static int s_rdb_save(md_rdb_t *r, const void *s)
{
    sv_iter_t it;
    sm_t m;

    if (sv_enc(s) == SV_INTSET) {
        const intset_t *is = sv_intset(s);
        return md_rdb_save_string(r, is, intset_blob_len(is));
    }
    if (sv_enc(s) == SV_LP) {
        const md_lp_t *lp = sv_listpack(s);
        return md_rdb_save_string(r, lp, md_lp_bytes(lp));
    }
    if (md_rdb_save_len(r, sv_len(s)) != MD_OK) return MD_ERR;
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        if (md_rdb_save_string(r, m.p, m.n) != MD_OK) {
            sv_iter_done(&it);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* RDB load                                                            */
/* ------------------------------------------------------------------ */

static void *fail(md_rdb_t *r, void *s, const char *what)
{
    if (s) sv_free(s);
    md_rdb_error(r, what);
    return NULL;
}

static const char DUP[] = "sets: duplicate set members detected";

/* Add one loaded member of a type-2 set, converting as Redis's loader
 * does; `sum` and `maxlen` cover the members read so far. MD_ERR on a
 * duplicate. */
static int load_member(void **sp, const char *p, size_t n, size_t len, size_t sum,
                       size_t maxlen)
{
    sm_t m = {p, n, 0};
    long long v;

    if (sv_enc(*sp) == SV_INTSET) {
        if (md_arg_ll((md_arg_t){p, n}, &v) == MD_OK) {
            int added;
            m.p = NULL;
            m.ll = v;
            added = sv_add(sp, &m);
            return added ? MD_OK : MD_ERR;
        }
        if ((long long)sv_len(*sp) < sv_max_listpack_entries &&
            (long long)maxlen <= sv_max_listpack_value && sum <= LP_SAFETY_SIZE)
            sv_convert(sp, SV_LP, len);
        else
            sv_convert(sp, SV_HT, len);
    }
    if (sv_enc(*sp) == SV_LP) {
        if (sv_contains(*sp, &m)) return MD_ERR;
        if ((long long)sv_len(*sp) < sv_max_listpack_entries &&
            (long long)n <= sv_max_listpack_value &&
            md_lp_bytes(sv_listpack(*sp)) + n <= LP_SAFETY_SIZE) {
            sv_lp_append(sp, &m);
            return MD_OK;
        }
        sv_convert(sp, SV_HT, len);
    }
    return st_add(sv_table(*sp), p, n) ? MD_OK : MD_ERR;
}

/* Type 2: member by member. */
static void *load_members(md_rdb_t *r)
{
    uint64_t len;
    size_t sum = 0, maxlen = 0;
    void *s;
    long long imax = sv_max_intset_entries >= (1LL << 30) ? (1LL << 30)
                                                          : sv_max_intset_entries;

    if (md_rdb_load_len(r, &len) != MD_OK) return fail(r, NULL, "sets: truncated set length");
    if (len == 0) {
        md_rdb_load_empty(r);
        return NULL;
    }
    s = (long long)len > imax ? sv_new(SV_HT, (size_t)len) : sv_new(SV_INTSET, 0);
    for (uint64_t i = 0; i < len; i++) {
        size_t n;
        char *p = md_rdb_load_string(r, &n);
        int rc;
        if (p == NULL) return fail(r, s, "sets: truncated set member");
        sum += n;
        if (n > maxlen) maxlen = n;
        rc = load_member(&s, p, n, (size_t)len, sum, maxlen);
        md_free(p);
        if (rc != MD_OK) return fail(r, s, DUP);
    }
    return s;
}

/* Type 11: an intset block. */
static void *load_intset(md_rdb_t *r)
{
    size_t n;
    unsigned char *blob = md_rdb_load_string(r, &n);
    void *s;
    if (blob == NULL) return fail(r, NULL, "sets: truncated intset");
    if (intset_validate(blob, n) != MD_OK) {
        md_free(blob);
        return fail(r, NULL, "sets: intset integrity check failed");
    }
    s = sv_wrap(intset_dup(blob), SV_INTSET);
    md_free(blob);
    if ((long long)sv_len(s) > sv_max_intset_entries) sv_convert(&s, SV_HT, sv_len(s));
    return s;
}

/* The members of a listpack in a hash table, or NULL when one repeats. */
static md_ht_t *unique_members(const void *s)
{
    md_ht_t *t = st_new(sv_len(s));
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];
    sv_iter_init(&it, s);
    while (sv_iter_next(&it, &m)) {
        md_arg_t a = sm_bytes(&m, buf);
        if (!st_add(t, a.ptr, a.len)) {
            md_ht_free(t);
            return NULL;
        }
    }
    return t;
}

/* Type 20: a listpack; its members are checked for duplicates through a
 * hash table, which becomes the set when the listpack is too long. */
static void *load_listpack(md_rdb_t *r)
{
    size_t n;
    unsigned char *blob = md_rdb_load_string(r, &n);
    md_lp_t *lp;
    md_ht_t *t;
    void *s;
    if (blob == NULL) return fail(r, NULL, "sets: truncated set listpack");
    lp = md_lp_validate(blob, n) == MD_OK ? md_lp_dup(blob) : NULL;
    md_free(blob);
    if (lp == NULL) return fail(r, NULL, "sets: set listpack integrity check failed");
    if (md_lp_count(lp) == 0) {
        md_lp_free(lp);
        md_rdb_load_empty(r);
        return NULL;
    }
    s = sv_wrap(lp, SV_LP);
    t = unique_members(s);
    if (t == NULL) return fail(r, s, DUP);
    if ((long long)sv_len(s) > sv_max_listpack_entries) {
        sv_free(s);
        return sv_wrap(t, SV_HT);
    }
    md_ht_free(t);
    return s;
}

static void *s_rdb_load(md_rdb_t *r, int type)
{
    switch (type) {
    case RDB_SET: return load_members(r);
    case RDB_SET_INTSET: return load_intset(r);
    case RDB_SET_LISTPACK: return load_listpack(r);
    default: return fail(r, NULL, "sets: unknown RDB type for a set");
    }
}

const md_type_ops_t sets_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = SETS_LAYOUT_VERSION,
    .free = sv_free,
    .free_effort = s_free_effort,
    .copy = sv_dup,
    .mem_usage = sv_mem,
    .digest = s_digest,
    .encoding = sv_encoding_name,
    .rdb_type = s_rdb_type,
    .rdb_save = s_rdb_save,
    .rdb_load = s_rdb_load,
    .aof_rewrite = s_aof_rewrite,
};
