/*
 * stream_value.c — the stream value over its listpack nodes: appending
 * (with master-entry field compression), ordered iteration both ways,
 * deletion by ID, trimming (Redis's streamTrim, node by node), node
 * validation for untrusted payloads, and the value callbacks (free,
 * copy, memory). Consumer groups live in stream_cg.c.
 */
#include <string.h>
#include "stream_value.h"
#include "stream_cg.h"

long long sv_node_max_bytes = 4096;
long long sv_node_max_entries = 100;

#define LP_MAX_SIZE (1ull << 30) /* Redis's STREAM_LISTPACK_MAX_SIZE */

/* Decimal digits of v at buf; returns the count. */
static size_t u64_fmt(char *buf, uint64_t v)
{
    char tmp[24];
    size_t k = 0, n = 0;
    do tmp[k++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (k) buf[n++] = tmp[--k];
    return n;
}

size_t sid_fmt(char *buf, const sid_t *id)
{
    size_t n = u64_fmt(buf, id->ms);
    buf[n++] = '-';
    n += u64_fmt(buf + n, id->seq);
    buf[n] = '\0';
    return n;
}

/* ------------------------------------------------------------------ */
/* Listpack integers                                                   */
/* ------------------------------------------------------------------ */

/* The integer at p (nodes keep their counters as listpack integers). */
static long long lp_ll(const unsigned char *p)
{
    size_t n;
    long long v = 0;
    md_lp_get(p, &n, &v);
    return v;
}

/* 1 and *v when the element at p is an integer, else 0. */
static int lp_is_ll(const unsigned char *p, long long *v)
{
    size_t n;
    return md_lp_get(p, &n, v) == NULL;
}

static md_lp_t *lp_append_ll(md_lp_t *lp, long long v)
{
    char buf[MD_LL_BUF];
    return md_lp_append(lp, buf, md_ll2str_inline(buf, v));
}

static md_lp_t *lp_replace_ll(md_lp_t *lp, unsigned char *p, long long v, unsigned char **newp)
{
    char buf[MD_LL_BUF];
    return md_lp_insert(lp, buf, md_ll2str_inline(buf, v), p, MD_LP_REPLACE, newp);
}

/* The element at p as bytes (integers formatted into buf). */
static md_arg_t lp_arg(const unsigned char *p, char *buf)
{
    size_t n;
    long long v;
    const unsigned char *s = md_lp_get(p, &n, &v);
    md_arg_t a;
    if (s) {
        a.ptr = (const char *)s;
        a.len = n;
    } else {
        a.ptr = buf;
        a.len = md_ll2str_inline(buf, v);
    }
    return a;
}

/* The first master field of a node (or the terminator when it has none)
 * and, in *mnf, their count. */
static unsigned char *master_fields(md_lp_t *lp, long *mnf)
{
    unsigned char *p = md_lp_next(lp, md_lp_next(lp, md_lp_first(lp)));
    *mnf = (long)lp_ll(p);
    return md_lp_next(lp, p);
}

/* The first entry of a node. */
static unsigned char *first_entry(md_lp_t *lp, long *mnf)
{
    unsigned char *p = master_fields(lp, mnf);
    for (long i = 0; i < *mnf; i++) p = md_lp_next(lp, p);
    return md_lp_next(lp, p); /* past the terminator */
}

/* The entry at p: flags and ID; returns its values or fields part (the
 * num-fields element when not SAMEFIELDS). */
static unsigned char *entry_head(md_lp_t *lp, unsigned char *p, const sid_t *master,
                                 int *flags, sid_t *id)
{
    *flags = (int)lp_ll(p);
    p = md_lp_next(lp, p);
    id->ms = master->ms + (uint64_t)lp_ll(p);
    p = md_lp_next(lp, p);
    id->seq = master->seq + (uint64_t)lp_ll(p);
    return md_lp_next(lp, p);
}

/* The entry after the one whose head ended at body (see entry_head). */
static unsigned char *entry_skip(md_lp_t *lp, unsigned char *body, int flags, long mnf)
{
    long n = mnf;
    if (!(flags & SV_FLAG_SAMEFIELDS)) {
        n = 2 * lp_ll(body);
        body = md_lp_next(lp, body);
    }
    while (n--) body = md_lp_next(lp, body);
    return md_lp_next(lp, body); /* past lp-count */
}

/* ------------------------------------------------------------------ */
/* The value                                                           */
/* ------------------------------------------------------------------ */

stream_t *sv_new(void)
{
    stream_t *s = md_calloc(sizeof *s);
    srax_init(&s->rax);
    return s;
}

static void free_node(void *lp) { md_lp_free(lp); }

void sv_free(void *v)
{
    stream_t *s = v;
    srax_clear(&s->rax, free_node);
    scg_free_all(s);
    md_free(s);
}

void *sv_dup(const void *v)
{
    const stream_t *s = v;
    stream_t *d = sv_new();
    for (srax_leaf_t *l = srax_first(&s->rax); l; l = srax_seek(&s->rax, &l->key, SRAX_GT))
        srax_insert(&d->rax, &l->key, md_lp_dup(l->val), NULL);
    d->length = s->length;
    d->last_id = s->last_id;
    d->first_id = s->first_id;
    d->max_deleted_id = s->max_deleted_id;
    d->entries_added = s->entries_added;
    scg_dup_all(d, s);
    return d;
}

size_t sv_mem(const void *v)
{
    const stream_t *s = v;
    size_t n = sizeof *s + srax_mem(&s->rax);
    for (srax_leaf_t *l = srax_first(&s->rax); l; l = srax_seek(&s->rax, &l->key, SRAX_GT))
        n += md_lp_bytes(l->val);
    return n + scg_mem_all(s);
}

/* ------------------------------------------------------------------ */
/* Append                                                              */
/* ------------------------------------------------------------------ */

/* The tail node still takes an entry of `bytes` payload bytes? */
static int node_has_room(md_lp_t *lp, size_t bytes)
{
    unsigned long long max = (unsigned long long)sv_node_max_bytes;
    if (max == 0 || max > LP_MAX_SIZE) max = LP_MAX_SIZE;
    if (md_lp_bytes(lp) + bytes >= max) return 0;
    if (sv_node_max_entries) {
        unsigned char *p = md_lp_first(lp);
        long long n = lp_ll(p) + lp_ll(md_lp_next(lp, p));
        if (n >= sv_node_max_entries) return 0;
    }
    return 1;
}

/* A new node whose master entry takes its fields from fv. */
static md_lp_t *node_new(const md_arg_t *fv, long nf)
{
    md_lp_t *lp = lp_append_ll(md_lp_new(), 1);
    lp = lp_append_ll(lp, 0);
    lp = lp_append_ll(lp, nf);
    for (long i = 0; i < nf; i++) lp = md_lp_append(lp, fv[2 * i].ptr, fv[2 * i].len);
    return lp_append_ll(lp, 0);
}

/* Count one more entry in an existing node; 1 when its fields are the
 * master fields, in order. */
static int node_count_entry(md_lp_t **lpp, const md_arg_t *fv, long nf)
{
    unsigned char *p = md_lp_first(*lpp);
    long mnf;
    char buf[MD_LL_BUF];

    *lpp = lp_replace_ll(*lpp, p, lp_ll(p) + 1, NULL);
    p = master_fields(*lpp, &mnf);
    if (mnf != nf) return 0;
    for (long i = 0; i < nf; i++, p = md_lp_next(*lpp, p)) {
        md_arg_t f = lp_arg(p, buf);
        if (f.len != fv[2 * i].len || memcmp(f.ptr, fv[2 * i].ptr, f.len)) return 0;
    }
    return 1;
}

void sv_append(stream_t *s, const sid_t *id, const md_arg_t *fv, long nf)
{
    srax_leaf_t *leaf = srax_last(&s->rax);
    md_lp_t *lp = leaf ? leaf->val : NULL;
    size_t bytes = 0;
    int flags = SV_FLAG_SAMEFIELDS;

    for (long i = 0; i < 2 * nf; i++) bytes += fv[i].len;
    if (lp && !node_has_room(lp, bytes)) lp = NULL;
    if (lp == NULL) {
        lp = node_new(fv, nf);
        leaf = srax_insert(&s->rax, id, lp, NULL);
    } else if (!node_count_entry(&lp, fv, nf)) {
        flags = 0;
    }
    lp = lp_append_ll(lp, flags);
    lp = lp_append_ll(lp, (long long)(id->ms - leaf->key.ms));
    lp = lp_append_ll(lp, (long long)(id->seq - leaf->key.seq));
    if (flags & SV_FLAG_SAMEFIELDS) {
        for (long i = 0; i < nf; i++) lp = md_lp_append(lp, fv[2 * i + 1].ptr, fv[2 * i + 1].len);
        lp = lp_append_ll(lp, nf + 3);
    } else {
        lp = lp_append_ll(lp, nf);
        for (long i = 0; i < 2 * nf; i++) lp = md_lp_append(lp, fv[i].ptr, fv[i].len);
        lp = lp_append_ll(lp, 2 * nf + 4);
    }
    leaf->val = lp;
    if (s->length == 0) s->first_id = *id;
    s->length++;
    s->entries_added++;
    s->last_id = *id;
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

/* Collect the entry starts of the iterator's current node. */
static void load_node(sv_iter_t *it)
{
    md_lp_t *lp = it->leaf->val;
    unsigned char *p = first_entry(lp, &it->mnf);
    it->mfields = master_fields(lp, &it->mnf);
    it->nents = 0;
    while (p) {
        int flags = 0;
        sid_t id;
        if (it->nents == it->ents_cap) {
            it->ents_cap = it->ents_cap ? 2 * it->ents_cap : 16;
            it->ents = md_realloc(it->ents, it->ents_cap * sizeof *it->ents);
        }
        it->ents[it->nents++] = p;
        unsigned char *body = entry_head(lp, p, &it->leaf->key, &flags, &id);
        p = entry_skip(lp, body, flags, it->mnf);
    }
    it->pos = it->rev ? it->nents : 0;
}

void sv_iter_start(sv_iter_t *it, const stream_t *s, const sid_t *start,
                   const sid_t *end, int rev)
{
    memset(it, 0, sizeof *it);
    it->s = s;
    it->start = *start;
    it->end = *end;
    it->rev = rev;
    if (sid_cmp(start, end) > 0) return;
    it->leaf = srax_seek(&s->rax, rev ? end : start, SRAX_LE);
    if (it->leaf == NULL && !rev) it->leaf = srax_first(&s->rax);
    if (it->leaf && !rev && sid_cmp(&it->leaf->key, end) > 0) it->leaf = NULL;
    if (it->leaf) load_node(it);
}

/* Fill it->e's pairs from the entry body at p. */
static void fill_pairs(sv_iter_t *it, unsigned char *p, int flags)
{
    md_lp_t *lp = it->leaf->val;
    unsigned char *f = it->mfields;
    long nf = it->mnf;

    if (!(flags & SV_FLAG_SAMEFIELDS)) {
        nf = (long)lp_ll(p);
        p = md_lp_next(lp, p);
    }
    if ((size_t)(2 * nf) > it->fv_cap) {
        it->fv_cap = (size_t)(2 * nf);
        it->fv = md_realloc(it->fv, it->fv_cap * sizeof *it->fv);
        it->nums = md_realloc(it->nums, it->fv_cap * sizeof *it->nums);
    }
    for (long i = 0; i < nf; i++) {
        if (flags & SV_FLAG_SAMEFIELDS) {
            it->fv[2 * i] = lp_arg(f, it->nums[2 * i]);
            f = md_lp_next(lp, f);
        } else {
            it->fv[2 * i] = lp_arg(p, it->nums[2 * i]);
            p = md_lp_next(lp, p);
        }
        it->fv[2 * i + 1] = lp_arg(p, it->nums[2 * i + 1]);
        p = md_lp_next(lp, p);
    }
    it->e.nf = nf;
    it->e.fv = it->fv;
}

/* Move to the next node in the iteration's direction. */
static void next_node(sv_iter_t *it)
{
    sid_t k = it->leaf->key;
    it->leaf = srax_seek(&it->s->rax, &k, it->rev ? SRAX_LT : SRAX_GT);
    if (it->leaf && !it->rev && sid_cmp(&it->leaf->key, &it->end) > 0) it->leaf = NULL;
    if (it->leaf) load_node(it);
}

int sv_iter_next(sv_iter_t *it)
{
    while (it->leaf) {
        unsigned char *p, *body;
        int flags;
        sid_t id;
        if (it->rev ? it->pos == 0 : it->pos == it->nents) {
            next_node(it);
            continue;
        }
        p = it->ents[it->rev ? --it->pos : it->pos++];
        body = entry_head(it->leaf->val, p, &it->leaf->key, &flags, &id);
        if (flags & SV_FLAG_DELETED) continue;
        if (sid_cmp(&id, it->rev ? &it->end : &it->start) == (it->rev ? 1 : -1)) continue;
        if (sid_cmp(&id, it->rev ? &it->start : &it->end) == (it->rev ? -1 : 1)) {
            it->leaf = NULL;
            break;
        }
        it->e.id = id;
        fill_pairs(it, body, flags);
        return 1;
    }
    return 0;
}

void sv_iter_done(sv_iter_t *it)
{
    md_free(it->ents);
    md_free(it->fv);
    md_free(it->nums);
    it->ents = NULL;
    it->fv = NULL;
    it->nums = NULL;
}

int sv_edge_id(const stream_t *s, int last, sid_t *out)
{
    sv_iter_t it;
    sid_t lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    int found;
    sv_iter_start(&it, s, &lo, &hi, last);
    found = sv_iter_next(&it);
    if (found) *out = it.e.id;
    sv_iter_done(&it);
    return found;
}

/* ------------------------------------------------------------------ */
/* Deletion and trimming                                               */
/* ------------------------------------------------------------------ */

/* Flag the entry whose flags element is p deleted and update the node's
 * counters, freeing the node when it has no live entry left. */
static void mark_deleted(stream_t *s, srax_leaf_t *leaf, unsigned char *p)
{
    md_lp_t *lp = lp_replace_ll(leaf->val, p, lp_ll(p) | SV_FLAG_DELETED, NULL);
    long long count;

    p = md_lp_first(lp);
    count = lp_ll(p) - 1;
    lp = lp_replace_ll(lp, p, count, &p);
    p = md_lp_next(lp, p);
    lp = lp_replace_ll(lp, p, lp_ll(p) + 1, NULL);
    s->length--;
    if (count == 0) {
        sid_t k = leaf->key;
        md_lp_free(lp);
        srax_remove(&s->rax, &k, NULL);
    } else {
        leaf->val = lp;
    }
}

int sv_delete(stream_t *s, const sid_t *id)
{
    srax_leaf_t *leaf = srax_seek(&s->rax, id, SRAX_LE);
    md_lp_t *lp;
    unsigned char *p;
    long mnf;

    if (leaf == NULL) return 0;
    lp = leaf->val;
    for (p = first_entry(lp, &mnf); p;) {
        int flags;
        sid_t cur;
        unsigned char *body = entry_head(lp, p, &leaf->key, &flags, &cur);
        int c = sid_cmp(&cur, id);
        if (c > 0) return 0;
        if (c == 0) {
            if (flags & SV_FLAG_DELETED) return 0;
            mark_deleted(s, leaf, p);
            if (sid_cmp(id, &s->max_deleted_id) > 0) s->max_deleted_id = *id;
            return 1;
        }
        p = entry_skip(lp, body, flags, mnf);
    }
    return 0;
}

/* The ID of the last entry (deleted or not) of a node. */
static sid_t node_last_id(md_lp_t *lp, const sid_t *master)
{
    unsigned char *p = md_lp_last(lp);
    long n = (long)lp_ll(p);
    int flags;
    sid_t id;
    while (n--) p = md_lp_prev(lp, p);
    entry_head(lp, p, master, &flags, &id);
    return id;
}

/* Flag entries of a node deleted from its start while the trim asks for
 * it; returns how many were flagged. */
static long long trim_inside(stream_t *s, srax_leaf_t *leaf, const sv_trim_t *t)
{
    md_lp_t *lp = leaf->val;
    long mnf;
    long long flagged = 0;
    unsigned char *p = first_entry(lp, &mnf);

    while (p) {
        int flags;
        sid_t id;
        unsigned char *body = entry_head(lp, p, &leaf->key, &flags, &id), *next;
        size_t off;
        if (t->strategy == SV_TRIM_MAXLEN ? (long long)s->length <= t->maxlen
                                          : sid_cmp(&id, &t->minid) >= 0)
            break;
        next = entry_skip(lp, body, flags, mnf);
        off = next ? (size_t)(next - lp) : 0;
        if (!(flags & SV_FLAG_DELETED)) {
            lp = lp_replace_ll(lp, p, flags | SV_FLAG_DELETED, NULL);
            flagged++;
            s->length--;
        }
        p = next ? lp + off : NULL;
    }
    p = md_lp_first(lp);
    lp = lp_replace_ll(lp, p, lp_ll(p) - flagged, &p);
    p = md_lp_next(lp, p);
    lp = lp_replace_ll(lp, p, lp_ll(p) + flagged, NULL);
    leaf->val = lp;
    return flagged;
}

long long sv_trim(stream_t *s, const sv_trim_t *t)
{
    long long deleted = 0;
    srax_leaf_t *leaf = srax_first(&s->rax);

    if (t->strategy == SV_TRIM_NONE) return 0;
    while (leaf) {
        md_lp_t *lp = leaf->val;
        long long entries = lp_ll(md_lp_first(lp));
        int whole;
        if (t->strategy == SV_TRIM_MAXLEN && (long long)s->length <= t->maxlen) break;
        if (t->limit && deleted + entries > t->limit) break;
        if (t->strategy == SV_TRIM_MAXLEN) {
            whole = (long long)s->length - entries >= t->maxlen;
        } else {
            sid_t last = node_last_id(lp, &leaf->key);
            whole = sid_cmp(&last, &t->minid) < 0;
        }
        if (whole) {
            sid_t k = leaf->key;
            md_lp_free(lp);
            srax_remove(&s->rax, &k, NULL);
            s->length -= (uint64_t)entries;
            deleted += entries;
            leaf = srax_seek(&s->rax, &k, SRAX_GT);
            continue;
        }
        if (!t->approx) deleted += trim_inside(s, leaf, t);
        break;
    }
    if (deleted && !sv_edge_id(s, 0, &s->first_id)) s->first_id.ms = s->first_id.seq = 0;
    return deleted;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* The element at *p is an integer: store it and step on. */
static int take_ll(md_lp_t *lp, unsigned char **p, long long *v)
{
    if (*p == NULL || !lp_is_ll(*p, v)) return 0;
    *p = md_lp_next(lp, *p);
    return 1;
}

/* Step over n elements; 0 if the listpack ends first. */
static int skip_n(md_lp_t *lp, unsigned char **p, long long n)
{
    while (n-- > 0) {
        if (*p == NULL) return 0;
        *p = md_lp_next(lp, *p);
    }
    return 1;
}

int sv_node_check(md_lp_t *lp, const sid_t *master, uint64_t *live)
{
    unsigned char *p = md_lp_first(lp);
    long long count, del, mnf, zero, seen_live = 0, seen_del = 0;
    sid_t prev = *master;
    int first = 1;

    if (!take_ll(lp, &p, &count) || !take_ll(lp, &p, &del) || !take_ll(lp, &p, &mnf) ||
        count < 1 || del < 0 || mnf < 0 || !skip_n(lp, &p, mnf) ||
        !take_ll(lp, &p, &zero) || zero != 0)
        return MD_ERR;
    while (p) {
        long long flags, dms, dseq, nf, lpc, want;
        sid_t id;
        if (!take_ll(lp, &p, &flags) || !take_ll(lp, &p, &dms) || !take_ll(lp, &p, &dseq))
            return MD_ERR;
        id.ms = master->ms + (uint64_t)dms;
        id.seq = master->seq + (uint64_t)dseq;
        if (flags & ~(long long)(SV_FLAG_DELETED | SV_FLAG_SAMEFIELDS)) return MD_ERR;
        if (first ? sid_cmp(&id, master) < 0 : sid_cmp(&id, &prev) <= 0) return MD_ERR;
        if (flags & SV_FLAG_SAMEFIELDS) {
            nf = mnf;
            want = nf + 3;
        } else {
            if (!take_ll(lp, &p, &nf) || nf < 0) return MD_ERR;
            want = 2 * nf + 4;
            nf *= 2;
        }
        if (!skip_n(lp, &p, nf) || !take_ll(lp, &p, &lpc) || lpc != want) return MD_ERR;
        if (flags & SV_FLAG_DELETED) seen_del++;
        else seen_live++;
        prev = id;
        first = 0;
    }
    if (seen_live != count || seen_del != del) return MD_ERR;
    *live = (uint64_t)count;
    return MD_OK;
}
