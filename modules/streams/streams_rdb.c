/*
 * streams_rdb.c — the "stream" type callbacks. RDB payloads are byte for
 * byte Redis's (rdbSaveObject / rdbLoadObject for streams):
 *
 *   node count, then per node its 16-byte key (ms, seq big-endian) and
 *   its listpack, both as RDB strings; length, last ID (ms, seq);
 *   from type 19 on: first ID, max deleted ID, entries added;
 *   group count, then per group: name, last ID, (19+) entries read,
 *   the PEL (16-byte raw ID, 8-byte little-endian delivery time,
 *   delivery count), the consumers (name, seen time, (21) active time,
 *   their PEL as raw IDs, each of which must be in the group's PEL).
 *
 * Saving writes type 21 (STREAM_LISTPACKS_3), as Redis 7.2+ does;
 * loading takes 15, 19 and 21 and fills what older types lack as Redis
 * does (entries added = length, first ID from the nodes, active time =
 * seen time, a group's entries read estimated). Every node is validated
 * (sv_node_check) and the counts must add up: a bad payload is an error,
 * never a crash. The AOF rewrite emits XADD per entry, XSETID, and per
 * group XGROUP CREATE, XCLAIM ... FORCE and XGROUP CREATECONSUMER.
 */
#include <string.h>
#include "streams_rdb.h"
#include "stream_value.h"
#include "stream_cg.h"

#define STREAMS_LAYOUT_VERSION 1

enum {
    RDB_STREAM_1 = 15,
    RDB_STREAM_2 = 19,
    RDB_STREAM_3 = 21
};

/* ------------------------------------------------------------------ */
/* Raw IDs and times                                                   */
/* ------------------------------------------------------------------ */

static void id_encode(unsigned char *b, const sid_t *id)
{
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(id->ms >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
    }
}

static void id_decode(const unsigned char *b, sid_t *id)
{
    id->ms = id->seq = 0;
    for (int i = 0; i < 8; i++) {
        id->ms = id->ms << 8 | b[i];
        id->seq = id->seq << 8 | b[8 + i];
    }
}

static int save_ms(md_rdb_t *r, int64_t t)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)t >> (8 * i));
    return md_rdb_save_raw(r, b, 8);
}

static int load_ms(md_rdb_t *r, int64_t *t)
{
    unsigned char b[8];
    uint64_t v = 0;
    if (md_rdb_load_raw(r, b, 8) != MD_OK) return MD_ERR;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    *t = (int64_t)v;
    return MD_OK;
}

static int save_id(md_rdb_t *r, const sid_t *id)
{
    return md_rdb_save_len(r, id->ms) == MD_OK && md_rdb_save_len(r, id->seq) == MD_OK
               ? MD_OK : MD_ERR;
}

static int load_id(md_rdb_t *r, sid_t *id)
{
    return md_rdb_load_len(r, &id->ms) == MD_OK && md_rdb_load_len(r, &id->seq) == MD_OK
               ? MD_OK : MD_ERR;
}

/* ------------------------------------------------------------------ */
/* Save                                                                */
/* ------------------------------------------------------------------ */

static uint8_t st_rdb_type(const void *v)
{
    (void)v;
    return RDB_STREAM_3;
}

/* A PEL: its size, then each raw ID (with the NACK's time and count in
 * a group's PEL). */
static int save_pel(md_rdb_t *r, const srax_t *pel, int nacks)
{
    if (md_rdb_save_len(r, pel->count) != MD_OK) return MD_ERR;
    for (srax_leaf_t *l = srax_first(pel); l; l = srax_seek(pel, &l->key, SRAX_GT)) {
        unsigned char raw[16];
        const scg_nack_t *n = l->val;
        id_encode(raw, &l->key);
        if (md_rdb_save_raw(r, raw, 16) != MD_OK) return MD_ERR;
        if (nacks && (save_ms(r, n->delivery_time) != MD_OK ||
                      md_rdb_save_len(r, n->delivery_count) != MD_OK))
            return MD_ERR;
    }
    return MD_OK;
}

static int save_group(md_rdb_t *r, const scg_t *g)
{
    if (md_rdb_save_string(r, g->name, g->nlen) != MD_OK || save_id(r, &g->last_id) != MD_OK ||
        md_rdb_save_len(r, (uint64_t)g->entries_read) != MD_OK || save_pel(r, &g->pel, 1) != MD_OK ||
        md_rdb_save_len(r, g->ncons) != MD_OK)
        return MD_ERR;
    for (size_t i = 0; i < g->ncons; i++) {
        const scg_consumer_t *c = g->cons[i];
        if (md_rdb_save_string(r, c->name, c->nlen) != MD_OK || save_ms(r, c->seen_time) != MD_OK ||
            save_ms(r, c->active_time) != MD_OK || save_pel(r, &c->pel, 0) != MD_OK)
            return MD_ERR;
    }
    return MD_OK;
}

static int st_rdb_save(md_rdb_t *r, const void *v)
{
    const stream_t *s = v;
    if (md_rdb_save_len(r, s->rax.count) != MD_OK) return MD_ERR;
    for (srax_leaf_t *l = srax_first(&s->rax); l; l = srax_seek(&s->rax, &l->key, SRAX_GT)) {
        unsigned char raw[16];
        id_encode(raw, &l->key);
        if (md_rdb_save_string(r, raw, 16) != MD_OK ||
            md_rdb_save_string(r, l->val, md_lp_bytes(l->val)) != MD_OK)
            return MD_ERR;
    }
    if (md_rdb_save_len(r, s->length) != MD_OK || save_id(r, &s->last_id) != MD_OK ||
        save_id(r, &s->first_id) != MD_OK || save_id(r, &s->max_deleted_id) != MD_OK ||
        md_rdb_save_len(r, s->entries_added) != MD_OK || md_rdb_save_len(r, s->ngroups) != MD_OK)
        return MD_ERR;
    for (size_t i = 0; i < s->ngroups; i++)
        if (save_group(r, s->groups[i]) != MD_OK) return MD_ERR;
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Load                                                                */
/* ------------------------------------------------------------------ */

static void *fail(md_rdb_t *r, stream_t *s, const char *what)
{
    if (s) sv_free(s);
    md_rdb_error(r, what);
    return NULL;
}

/* One node: key and listpack, validated, into the tree. */
static const char *load_node(md_rdb_t *r, stream_t *s, uint64_t *live)
{
    size_t klen, n;
    unsigned char *key = md_rdb_load_string(r, &klen), *blob;
    md_lp_t *lp;
    sid_t master;

    if (key == NULL) return "streams: truncated stream node key";
    if (klen != 16) {
        md_free(key);
        return "streams: stream node key is not the size of a stream ID";
    }
    id_decode(key, &master);
    md_free(key);
    blob = md_rdb_load_string(r, &n);
    if (blob == NULL) return "streams: truncated stream node";
    lp = md_lp_validate(blob, n) == MD_OK ? md_lp_dup(blob) : NULL;
    md_free(blob);
    if (lp == NULL || sv_node_check(lp, &master, live) != MD_OK) {
        if (lp) md_lp_free(lp);
        return "streams: corrupt stream node listpack";
    }
    if (srax_insert(&s->rax, &master, lp, NULL) == NULL) {
        md_lp_free(lp);
        return "streams: stream node re-added with an existing key";
    }
    return NULL;
}

static const char *load_pel(md_rdb_t *r, scg_t *g)
{
    uint64_t n;
    if (md_rdb_load_len(r, &n) != MD_OK) return "streams: truncated PEL";
    while (n--) {
        unsigned char raw[16];
        sid_t id;
        scg_nack_t *nack = md_calloc(sizeof *nack);
        if (md_rdb_load_raw(r, raw, 16) != MD_OK || load_ms(r, &nack->delivery_time) != MD_OK ||
            md_rdb_load_len(r, &nack->delivery_count) != MD_OK) {
            md_free(nack);
            return "streams: truncated PEL entry";
        }
        id_decode(raw, &id);
        if (srax_insert(&g->pel, &id, nack, NULL) == NULL) {
            md_free(nack);
            return "streams: duplicated global PEL entry";
        }
    }
    return NULL;
}

static const char *load_consumer(md_rdb_t *r, scg_t *g, int type)
{
    size_t n;
    char *name = md_rdb_load_string(r, &n);
    int64_t seen, active;
    scg_consumer_t *c;
    uint64_t pel;

    if (name == NULL) return "streams: truncated consumer name";
    if (load_ms(r, &seen) != MD_OK ||
        (type >= RDB_STREAM_3 ? load_ms(r, &active) : (active = seen, MD_OK)) != MD_OK) {
        md_free(name);
        return "streams: truncated consumer";
    }
    c = scg_consumer_create(g, name, n, seen, active);
    md_free(name);
    if (c == NULL) return "streams: duplicate stream consumer";
    if (md_rdb_load_len(r, &pel) != MD_OK) return "streams: truncated consumer PEL";
    while (pel--) {
        unsigned char raw[16];
        sid_t id;
        srax_leaf_t *l;
        if (md_rdb_load_raw(r, raw, 16) != MD_OK) return "streams: truncated consumer PEL";
        id_decode(raw, &id);
        l = srax_find(&g->pel, &id);
        if (l == NULL) return "streams: consumer entry not found in the group's PEL";
        if (((scg_nack_t *)l->val)->consumer) return "streams: PEL entry owned twice";
        ((scg_nack_t *)l->val)->consumer = c;
        srax_insert(&c->pel, &id, l->val, NULL);
    }
    return NULL;
}

static const char *load_group(md_rdb_t *r, stream_t *s, int type)
{
    size_t n;
    char *name = md_rdb_load_string(r, &n);
    sid_t last;
    uint64_t read = 0, ncons;
    scg_t *g;
    const char *err;

    if (name == NULL) return "streams: truncated consumer group name";
    if (load_id(r, &last) != MD_OK ||
        (type >= RDB_STREAM_2 && md_rdb_load_len(r, &read) != MD_OK)) {
        md_free(name);
        return "streams: truncated consumer group";
    }
    g = scg_create(s, name, n, &last,
                   type >= RDB_STREAM_2 ? (long long)read : scg_estimate_read(s, &last));
    md_free(name);
    if (g == NULL) return "streams: duplicated consumer group name";
    if ((err = load_pel(r, g)) != NULL) return err;
    if (md_rdb_load_len(r, &ncons) != MD_OK) return "streams: truncated consumers";
    while (ncons--)
        if ((err = load_consumer(r, g, type)) != NULL) return err;
    for (srax_leaf_t *l = srax_first(&g->pel); l; l = srax_seek(&g->pel, &l->key, SRAX_GT))
        if (((scg_nack_t *)l->val)->consumer == NULL)
            return "streams: PEL entry without a consumer";
    return NULL;
}

static void *st_rdb_load(md_rdb_t *r, int type)
{
    stream_t *s;
    uint64_t nodes, live = 0, ngroups;
    const char *err;

    if (type != RDB_STREAM_1 && type != RDB_STREAM_2 && type != RDB_STREAM_3)
        return fail(r, NULL, "streams: unknown RDB type for a stream");
    if (md_rdb_load_len(r, &nodes) != MD_OK) return fail(r, NULL, "streams: truncated stream");
    s = sv_new();
    while (nodes--) {
        uint64_t n;
        if ((err = load_node(r, s, &n)) != NULL) return fail(r, s, err);
        live += n;
    }
    if (md_rdb_load_len(r, &s->length) != MD_OK || load_id(r, &s->last_id) != MD_OK)
        return fail(r, s, "streams: truncated stream");
    if (type >= RDB_STREAM_2) {
        if (load_id(r, &s->first_id) != MD_OK || load_id(r, &s->max_deleted_id) != MD_OK ||
            md_rdb_load_len(r, &s->entries_added) != MD_OK)
            return fail(r, s, "streams: truncated stream");
    } else {
        s->entries_added = s->length;
        sv_edge_id(s, 0, &s->first_id);
    }
    if (live != s->length) return fail(r, s, "streams: stream length inconsistent with its nodes");
    if (s->rax.count) {
        sid_t last;
        sv_edge_id(s, 1, &last);
        if (sid_cmp(&last, &s->last_id) > 0)
            return fail(r, s, "streams: stream entry above the last ID");
    }
    if (md_rdb_load_len(r, &ngroups) != MD_OK) return fail(r, s, "streams: truncated stream");
    while (ngroups--)
        if ((err = load_group(r, s, type)) != NULL) return fail(r, s, err);
    return s;
}

/* ------------------------------------------------------------------ */
/* AOF, digest, small callbacks                                        */
/* ------------------------------------------------------------------ */

/* A group as Redis rewrites it: XGROUP CREATE ... ENTRIESREAD, an XCLAIM
 * ... FORCE JUSTID per pending entry (which creates its consumer), and
 * XGROUP CREATECONSUMER for consumers with nothing pending. */
static int aof_group(md_aof_t *aof, md_arg_t key, const scg_t *g)
{
    char idb[SID_BUF], rb[MD_LL_BUF], tb[MD_LL_BUF];
    md_arg_t create[7] = {md_str("XGROUP"), md_str("CREATE"), key, {g->name, g->nlen},
                          {idb, sid_fmt(idb, &g->last_id)}, md_str("ENTRIESREAD"),
                          {rb, md_ll2str_inline(rb, g->entries_read)}};
    int rc = md_aof_emit(aof, 7, create);

    for (srax_leaf_t *l = srax_first(&g->pel); rc == MD_OK && l;
         l = srax_seek(&g->pel, &l->key, SRAX_GT)) {
        const scg_nack_t *n = l->val;
        md_arg_t claim[12] = {md_str("XCLAIM"), key, {g->name, g->nlen},
                              {n->consumer->name, n->consumer->nlen}, md_str("0"),
                              {idb, sid_fmt(idb, &l->key)}, md_str("TIME"),
                              {tb, md_ll2str_inline(tb, n->delivery_time)}, md_str("RETRYCOUNT"),
                              {rb, md_ll2str_inline(rb, (long long)n->delivery_count)},
                              md_str("JUSTID"), md_str("FORCE")};
        rc = md_aof_emit(aof, 12, claim);
    }
    for (size_t i = 0; rc == MD_OK && i < g->ncons; i++) {
        md_arg_t cc[5] = {md_str("XGROUP"), md_str("CREATECONSUMER"), key, {g->name, g->nlen},
                          {g->cons[i]->name, g->cons[i]->nlen}};
        if (g->cons[i]->pel.count == 0) rc = md_aof_emit(aof, 5, cc);
    }
    return rc;
}

/* XADD key id field value ... for every entry (the MAXLEN 0 trick for
 * an empty stream), then XSETID with the counters, then the groups. */
static int st_aof_rewrite(md_aof_t *aof, md_arg_t key, const void *v)
{
    const stream_t *s = v;
    sid_t lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    char idb[SID_BUF], ea[MD_LL_BUF], mdb[SID_BUF];
    md_arg_t *argv = NULL;
    size_t cap = 0;
    sv_iter_t it;
    int rc = MD_OK;

    if (s->length == 0) {
        md_arg_t a[7] = {md_str("XADD"), key, md_str("MAXLEN"), md_str("0"), md_str("0-1"),
                         md_str("x"), md_str("y")};
        rc = md_aof_emit(aof, 7, a);
    }
    sv_iter_start(&it, s, &lo, &hi, 0);
    while (rc == MD_OK && sv_iter_next(&it)) {
        size_t need = 3 + 2 * (size_t)it.e.nf;
        if (need > cap) {
            cap = need;
            argv = md_realloc(argv, cap * sizeof *argv);
        }
        argv[0] = md_str("XADD");
        argv[1] = key;
        argv[2].ptr = idb;
        argv[2].len = sid_fmt(idb, &it.e.id);
        memcpy(argv + 3, it.e.fv, 2 * (size_t)it.e.nf * sizeof *argv);
        rc = md_aof_emit(aof, (int)need, argv);
    }
    sv_iter_done(&it);
    md_free(argv);
    if (rc == MD_OK) {
        md_arg_t a[7] = {md_str("XSETID"), key, {idb, sid_fmt(idb, &s->last_id)},
                         md_str("ENTRIESADDED"), {ea, md_ll2str_inline(ea, (long long)s->entries_added)},
                         md_str("MAXDELETEDID"), {mdb, sid_fmt(mdb, &s->max_deleted_id)}};
        rc = md_aof_emit(aof, 7, a);
    }
    for (size_t i = 0; rc == MD_OK && i < s->ngroups; i++) rc = aof_group(aof, key, s->groups[i]);
    return rc;
}

/* DEBUG DIGEST: the entries in order (ID, then fields and values), as
 * one sequence, then the last ID. */
static void st_digest(md_digest_t *d, const void *v)
{
    const stream_t *s = v;
    sid_t lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    char idb[SID_BUF];
    sv_iter_t it;

    sv_iter_start(&it, s, &lo, &hi, 0);
    while (sv_iter_next(&it)) {
        md_digest_add(d, idb, sid_fmt(idb, &it.e.id));
        for (long i = 0; i < 2 * it.e.nf; i++) md_digest_add(d, it.e.fv[i].ptr, it.e.fv[i].len);
    }
    sv_iter_done(&it);
    md_digest_add(d, idb, sid_fmt(idb, &s->last_id));
    md_digest_end_seq(d);
}

static size_t st_free_effort(const void *v)
{
    const stream_t *s = v;
    return s->rax.count + s->ngroups;
}

static const char *st_encoding(const void *v)
{
    (void)v;
    return "stream";
}

const md_type_ops_t streams_type_ops = {
    .size = sizeof(md_type_ops_t),
    .layout_version = STREAMS_LAYOUT_VERSION,
    .free = sv_free,
    .free_effort = st_free_effort,
    .copy = sv_dup,
    .mem_usage = sv_mem,
    .digest = st_digest,
    .encoding = st_encoding,
    .rdb_type = st_rdb_type,
    .rdb_save = st_rdb_save,
    .rdb_load = st_rdb_load,
    .aof_rewrite = st_aof_rewrite,
};
