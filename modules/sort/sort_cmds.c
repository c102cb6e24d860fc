/*
 * sort_cmds.c — SORT and SORT_RO with Redis 7.4's rules (sortCommandGeneric):
 *
 *  - options in any order: ASC, DESC, ALPHA, LIMIT offset count, BY
 *    pattern (a pattern without '*' means "do not sort"), GET pattern
 *    (repeatable), STORE destination (SORT only; SORT_RO refuses it as a
 *    syntax error); the key must be a list, a set or a sorted set;
 *  - without sorting, lists and sorted sets keep their order (DESC walks
 *    it backwards, LIMIT picks the range directly), a set its SMEMBERS
 *    order; a set stored with STORE is sorted ALPHA instead, so the
 *    result is deterministic (Redis also does so inside scripts, which
 *    Modis does not have yet);
 *  - numeric sorting reads every score with strtod: a value that is not
 *    a whole number, overflows or is NaN answers "ERR One or more scores
 *    can't be converted into double"; equal scores order by the element's
 *    bytes; a BY key that does not exist scores 0 (and sorts first with
 *    ALPHA);
 *  - ALPHA compares bytes: STORE and BY-less sorts binary-safe, the others
 *    with strcoll() (up to a NUL byte) in the server's LC_COLLATE
 *    (locale-collate), as Redis does;
 *  - STORE writes a list (its encoding as RPUSH would give it), replies
 *    its length, sends "sortstore" (class l), or deletes the destination
 *    when the result is empty ("del").
 *
 * Values are read through the services of sort.h. Elements are copied
 * out of the sorted value first, so GET and BY lookups never point into
 * it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sort_cmds.h"
#include "sort.h"
#include "sort_pattern.h"

typedef struct item {
    size_t off, len;            /* the element, in the arena */
    double score;
    size_t cmp_off, cmp_len;    /* ALPHA BY value; cmp_len SIZE_MAX: none */
} item_t;

typedef struct sorter {
    md_ctx_t *c;
    int desc, alpha, dontsort;
    long long limit_start, limit_count;
    md_arg_t by, store;         /* ptr NULL: not given */
    const md_arg_t **gets;      /* GET patterns (room for argc) */
    int ngets;
    item_t *items;
    size_t n, cap;
    char *arena;
    size_t used, arena_cap;
    sort_scratch_t scratch;
} sorter_t;

#define NO_CMP ((size_t)-1)

/* ------------------------------------------------------------------ */
/* Collecting                                                          */
/* ------------------------------------------------------------------ */

/* Copy p[0..n) (NUL-terminated) to the arena; p may point into the arena
 * itself (an element copied again for STORE), so it is re-based when the
 * arena moves. Returns the copy's offset. */
static size_t arena_put(sorter_t *s, const void *p, size_t n)
{
    size_t off = s->used;
    const char *c = p;
    if (s->used + n + 1 > s->arena_cap) {
        int inside = s->arena && c >= s->arena && c < s->arena + s->used;
        size_t at = inside ? (size_t)(c - s->arena) : 0;
        s->arena_cap = (s->used + n + 1) * 2;
        s->arena = md_realloc(s->arena, s->arena_cap);
        if (inside) p = s->arena + at;
    }
    if (n) memcpy(s->arena + off, p, n);
    s->arena[off + n] = '\0';       /* for strtod and strcmp */
    s->used += n + 1;
    return off;
}

static md_arg_t item_elem(const sorter_t *s, const item_t *it)
{
    md_arg_t a = {s->arena + it->off, it->len};
    return a;
}

static int collect(void *priv, md_arg_t elem)
{
    sorter_t *s = priv;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = md_realloc(s->items, s->cap * sizeof *s->items);
    }
    item_t *it = &s->items[s->n++];
    it->off = arena_put(s, elem.ptr, elem.len);
    it->len = elem.len;
    it->score = 0;
    it->cmp_off = 0;
    it->cmp_len = NO_CMP;
    return 0;
}

static int collect_scored(void *priv, md_arg_t member, double score)
{
    (void)score;
    collect(priv, member);
    return 1;
}

/* Load the elements of value v (type t) into s; *start and *end are the
 * LIMIT range, rebased when only the range was loaded. */
static void load(sorter_t *s, const md_type_t *t, const void *v, long long *start,
                 long long *end)
{
    long long len = (long long)(*end - *start);
    const md_zset_v1_t *z = sort_zsets();
    const md_set_v1_t *st = sort_sets();

    if (st && t == st->type) {
        st->each(v, collect, s);
    } else if (t == sort_lists->type) {
        if (s->dontsort) {
            if (*end > *start) sort_lists->each(v, *start, len, s->desc, collect, s);
            *end -= *start;
            *start = 0;
        } else {
            sort_lists->each(v, 0, -1, 0, collect, s);
        }
    } else if (z && t == z->type) {
        if (s->dontsort) {
            if (*end > *start)
                z->range_rank(v, *start, *end - 1, s->desc, collect_scored, s);
            *end -= *start;
            *start = 0;
        } else {
            z->range_rank(v, 0, -1, 0, collect_scored, s);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Scoring and comparing                                               */
/* ------------------------------------------------------------------ */

/* Redis's strtod check: the whole C string read, no ERANGE, not NaN. */
static int parse_score(const char *z, double *d)
{
    char *end;
    errno = 0;
    *d = strtod(z, &end);
    return end[0] == '\0' && errno != ERANGE && !isnan(*d);
}

/* Fill scores (or ALPHA BY values); 0 when a score is not a number. */
static int score_items(sorter_t *s)
{
    int ok = 1;
    for (size_t j = 0; j < s->n; j++) {
        item_t *it = &s->items[j];
        md_arg_t val = item_elem(s, it);
        if (s->by.ptr && !sort_lookup(s->c, s->by, val, &s->scratch, &val)) continue;
        if (s->alpha) {
            if (s->by.ptr) {
                it->cmp_off = arena_put(s, val.ptr, val.len);
                it->cmp_len = val.len;
            }
            continue;
        }
        char stack[64], *z = val.len < sizeof stack ? stack : md_alloc(val.len + 1);
        memcpy(z, val.ptr, val.len);
        z[val.len] = '\0';
        if (!parse_score(z, &it->score)) ok = 0;
        if (z != stack) md_free(z);
    }
    return ok;
}

static int bin_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

static const sorter_t *cmp_ctx; /* qsort has no context argument */

static int item_cmp(const void *pa, const void *pb)
{
    const sorter_t *s = cmp_ctx;
    const item_t *a = pa, *b = pb;
    const char *ar = s->arena;
    int c;

    if (!s->alpha) {
        if (a->score != b->score) c = a->score > b->score ? 1 : -1;
        else c = bin_cmp(ar + a->off, a->len, ar + b->off, b->len);
    } else if (s->by.ptr) {
        if (a->cmp_len == NO_CMP || b->cmp_len == NO_CMP)
            c = a->cmp_len == b->cmp_len ? 0 : a->cmp_len == NO_CMP ? -1 : 1;
        else if (s->store.ptr)
            c = bin_cmp(ar + a->cmp_off, a->cmp_len, ar + b->cmp_off, b->cmp_len);
        else
            c = strcoll(ar + a->cmp_off, ar + b->cmp_off);
    } else if (s->store.ptr) {
        c = bin_cmp(ar + a->off, a->len, ar + b->off, b->len);
    } else {
        c = strcoll(ar + a->off, ar + b->off);
    }
    return s->desc ? -c : c;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

static int parse_options(sorter_t *s, int argc, const md_arg_t *argv, int readonly)
{
    for (int j = 2; j < argc; j++) {
        int left = argc - j - 1;
        if (md_arg_eq(argv[j], "asc")) {
            s->desc = 0;
        } else if (md_arg_eq(argv[j], "desc")) {
            s->desc = 1;
        } else if (md_arg_eq(argv[j], "alpha")) {
            s->alpha = 1;
        } else if (md_arg_eq(argv[j], "limit") && left >= 2) {
            if (md_parse_ll(s->c, argv[j + 1], &s->limit_start) != MD_OK ||
                md_parse_ll(s->c, argv[j + 2], &s->limit_count) != MD_OK)
                return MD_ERR;
            j += 2;
        } else if (!readonly && md_arg_eq(argv[j], "store") && left >= 1) {
            s->store = argv[++j];
        } else if (md_arg_eq(argv[j], "by") && left >= 1) {
            s->by = argv[++j];
            s->dontsort = memchr(s->by.ptr, '*', s->by.len) == NULL;
        } else if (md_arg_eq(argv[j], "get") && left >= 1) {
            s->gets[s->ngets++] = &argv[++j];
        } else {
            md_reply_syntax(s->c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static void reply_result(sorter_t *s, long long start, long long end)
{
    md_reply_array(s->c, (end - start) * (s->ngets ? s->ngets : 1));
    for (long long j = start; j < end; j++) {
        md_arg_t e = item_elem(s, &s->items[j]), v;
        if (!s->ngets) md_reply_bulk(s->c, e.ptr, e.len);
        for (int g = 0; g < s->ngets; g++) {
            if (sort_lookup(s->c, *s->gets[g], e, &s->scratch, &v))
                md_reply_bulk(s->c, v.ptr, v.len);
            else
                md_reply_null(s->c);
        }
    }
}

/* The output elements copied into the arena (GET values looked up, a
 * missing one as ""), then the destination list written or deleted. */
static void store_result(sorter_t *s, long long start, long long end)
{
    long long n = (end - start) * (s->ngets ? s->ngets : 1), i = 0;
    size_t *offs = md_alloc((size_t)(n ? n : 1) * 2 * sizeof *offs);
    md_arg_t *elems = md_alloc((size_t)(n ? n : 1) * sizeof *elems);
    md_key_t *k;

    for (long long j = start; j < end; j++) {
        for (int g = 0; g < (s->ngets ? s->ngets : 1); g++, i++) {
            /* each copy may move the arena: take the element again */
            md_arg_t e = item_elem(s, &s->items[j]), v;
            if (!s->ngets) v = e;
            else if (!sort_lookup(s->c, *s->gets[g], e, &s->scratch, &v))
                v.len = 0;
            offs[2 * i] = arena_put(s, v.ptr, v.len);
            offs[2 * i + 1] = v.len;
        }
    }
    for (i = 0; i < n; i++) {       /* the arena may have moved meanwhile */
        elems[i].ptr = s->arena + offs[2 * i];
        elems[i].len = offs[2 * i + 1];
    }
    k = md_key_open(s->c, s->store, MD_WRITE);
    if (n) {
        md_key_set(k, sort_lists->type, sort_lists->create(elems, (size_t)n), 0);
        md_key_modified(s->c, k);
        md_notify(s->c, MD_NOTIFY_LIST, "sortstore", s->store);
        md_dirty(s->c, n);
        md_key_ready(s->c, s->store);
    } else if (md_key_delete(k) == MD_OK) {
        md_key_modified(s->c, k);
        md_notify(s->c, MD_NOTIFY_GENERIC, "del", s->store);
        md_dirty(s->c, 1);
    }
    md_free(offs);
    md_free(elems);
    md_reply_int(s->c, n);
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

/* The type of the key to sort: MD_OK with *t (NULL: empty) and *len,
 * or MD_ERR after replying WRONGTYPE. */
static int sortable(md_ctx_t *c, md_key_t *k, const md_type_t **t, long long *len)
{
    const md_zset_v1_t *z;
    const md_set_v1_t *st;

    *t = md_key_type(k);
    *len = 0;
    if (*t == NULL) return MD_OK;
    if (*t == sort_lists->type) {
        *len = (long long)sort_lists->len(md_key_value(k));
        return MD_OK;
    }
    z = sort_zsets();
    if (z && *t == z->type) {
        *len = (long long)z->len(md_key_value(k));
        return MD_OK;
    }
    st = sort_sets();
    if (st && *t == st->type) {
        *len = (long long)st->card(md_key_value(k));
        return MD_OK;
    }
    md_reply_wrongtype(c);
    return MD_ERR;
}

static void sort_generic(md_ctx_t *c, int argc, const md_arg_t *argv, int readonly)
{
    sorter_t s;
    const md_type_t *t;
    md_key_t *k;
    long long len, start, end;

    memset(&s, 0, sizeof s);
    s.c = c;
    s.limit_count = -1;
    s.gets = md_alloc((size_t)argc * sizeof *s.gets);
    if (parse_options(&s, argc, argv, readonly) != MD_OK) goto done;
    k = md_key_open(c, argv[1], MD_READ);
    if (sortable(c, k, &t, &len) != MD_OK) goto done;
    if (s.dontsort && s.store.ptr && t && sort_sets() && t == sort_sets()->type) {
        /* a stored set is sorted ALPHA, so the result is deterministic */
        s.dontsort = 0;
        s.alpha = 1;
        s.by.ptr = NULL;
    }
    start = s.limit_start < 0 ? 0 : s.limit_start > len ? len : s.limit_start;
    s.limit_count = s.limit_count < -1 ? -1 : s.limit_count > len ? len : s.limit_count;
    end = s.limit_count < 0 ? len : start + s.limit_count;
    if (end > len) end = len;
    if (t) load(&s, t, md_key_value(k), &start, &end);
    if (!s.dontsort) {
        if (!score_items(&s)) {
            md_reply_error(c, "ERR One or more scores can't be converted into double");
            goto done;
        }
        cmp_ctx = &s;
        if (s.n > 1) qsort(s.items, s.n, sizeof *s.items, item_cmp);
    }
    if (s.store.ptr)
        store_result(&s, start, end);
    else
        reply_result(&s, start, end);
done:
    sort_scratch_free(&s.scratch);
    md_free(s.items);
    md_free(s.arena);
    md_free(s.gets);
}

int sort_cmd_sort(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    sort_generic(c, argc, argv, 0);
    return MD_OK;
}

int sort_cmd_sort_ro(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    sort_generic(c, argc, argv, 1);
    return MD_OK;
}
