/*
 * geo_search.c — GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
 * GEORADIUSBYMEMBER and the _RO forms: one search with Redis's argument
 * rules and error order (see search()), scanning the nine cells of
 * geo_search_cells() in Redis's order, so unsorted replies and COUNT ANY
 * pick the same members as Redis. A store replaces the destination with
 * a sorted set of the results (geohash scores, or distances with
 * STOREDIST), or deletes it when nothing matched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "geo.h"
#include "geohash.h"

/* Which command runs the search. */
enum {
    BY_COORDS = 1 << 0, /* GEORADIUS: longitude latitude radius unit */
    BY_MEMBER = 1 << 1, /* GEORADIUSBYMEMBER: member radius unit */
    SEARCH = 1 << 2,    /* GEOSEARCH: FROM... BY... */
    STORE = 1 << 3,     /* GEOSEARCHSTORE */
    NO_STORE = 1 << 4,  /* the _RO forms */
};

enum { SORT_NONE, SORT_ASC, SORT_DESC };

/* One result: a copy of the member, its score, position and distance. */
typedef struct point {
    char *member;
    size_t len;
    double score, dist, xy[2];
} point_t;

/* The results being collected, and the ANY limit (0: none). */
typedef struct found {
    point_t *p;
    size_t n, cap;
    const geo_shape_t *shape;
    long long limit;
} found_t;

static int is(md_arg_t a, const char *w)
{
    return a.len == strlen(w) && strncasecmp(a.ptr, w, a.len) == 0;
}

/* zset.v1 visit: keep the member when it lies in the shape; stop at the
 * ANY limit. */
static int visit(void *priv, md_arg_t m, double score)
{
    found_t *f = priv;
    point_t *p;
    double xy[2], dist;

    if (geo_score_decode(score, xy) && geo_within(f->shape, xy[0], xy[1], &dist)) {
        if (f->n == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 16;
            f->p = md_realloc(f->p, f->cap * sizeof(point_t));
        }
        p = &f->p[f->n++];
        p->member = md_alloc(m.len ? m.len : 1);
        memcpy(p->member, m.ptr, m.len);
        p->len = m.len;
        p->score = score;
        p->dist = dist;
        p->xy[0] = xy[0];
        p->xy[1] = xy[1];
    }
    return !(f->limit && (long long)f->n >= f->limit);
}

/* Collect the members of z inside the shape, cell by cell. As in Redis,
 * a cell equal to the last one scanned (the centre cell excepted) is
 * skipped: huge radii make neighbours coincide. */
static void collect(const void *z, found_t *f)
{
    geo_bits_t cells[9];
    int last = 0;

    geo_search_cells(f->shape, cells);
    for (int i = 0; i < 9; i++) {
        uint64_t min, max;
        if (cells[i].bits == 0 && cells[i].step == 0) continue;
        if (last && cells[i].bits == cells[last].bits &&
            cells[i].step == cells[last].step)
            continue;
        if (f->n && f->limit && (long long)f->n >= f->limit) break;
        geo_cell_scores(cells[i], &min, &max);
        geo_z->range_score(z, (double)min, 0, (double)max, 1, 0, 0, -1, visit, f);
        last = i;
    }
}

static void found_free(found_t *f)
{
    for (size_t i = 0; i < f->n; i++) md_free(f->p[i].member);
    md_free(f->p);
}

static int by_dist_asc(const void *a, const void *b)
{
    double d1 = ((const point_t *)a)->dist, d2 = ((const point_t *)b)->dist;
    return d1 > d2 ? 1 : d1 == d2 ? 0 : -1;
}

static int by_dist_desc(const void *a, const void *b) { return by_dist_asc(b, a); }

/* The parsed request. */
typedef struct request {
    geo_shape_t shape;
    int withdist, withhash, withcoord, any, sort, storedist;
    int from_member, from_lonlat, by_radius, by_box;
    long long count;
    const md_arg_t *store; /* the destination, or NULL */
} request_t;

/* A non-negative double with Redis's error texts; MD_ERR after replying. */
static int parse_length(md_ctx_t *c, md_arg_t a, const char *what,
                        const char *negative, double *out)
{
    if (md_arg_double(a, out) != MD_OK) {
        md_reply_error(c, what);
        return MD_ERR;
    }
    if (*out < 0 && negative) {
        md_reply_error(c, negative);
        return MD_ERR;
    }
    return MD_OK;
}

/* radius unit at argv[0..1]. */
static int parse_radius(md_ctx_t *c, const md_arg_t *argv, geo_shape_t *s)
{
    if (parse_length(c, argv[0], "ERR need numeric radius",
                     "ERR radius cannot be negative", &s->radius) != MD_OK)
        return MD_ERR;
    s->box = 0;
    return (s->to_m = geo_unit(c, argv[1])) < 0 ? MD_ERR : MD_OK;
}

/* width height unit at argv[0..2]. */
static int parse_box(md_ctx_t *c, const md_arg_t *argv, geo_shape_t *s)
{
    if (parse_length(c, argv[0], "ERR need numeric width", NULL, &s->width) != MD_OK ||
        parse_length(c, argv[1], "ERR need numeric height", NULL, &s->height) != MD_OK)
        return MD_ERR;
    if (s->height < 0 || s->width < 0) {
        md_reply_error(c, "ERR height or width cannot be negative");
        return MD_ERR;
    }
    s->box = 1;
    return (s->to_m = geo_unit(c, argv[2])) < 0 ? MD_ERR : MD_OK;
}

/* The position of member in z; MD_ERR after Redis's error. */
static int member_position(md_ctx_t *c, const void *z, md_arg_t m, double xy[2])
{
    double score;

    if (!geo_z->score(z, m, &score) || !geo_score_decode(score, xy)) {
        md_reply_error(c, "ERR could not decode requested zset member");
        return MD_ERR;
    }
    return MD_OK;
}

/* The options from argv[i] on (Redis's georadiusGeneric loop: each
 * option's own errors as it is met, a syntax error for anything this
 * command does not take). z is the source (NULL: missing). */
static int parse_options(md_ctx_t *c, int argc, const md_arg_t *argv, int i,
                         int flags, const void *z, request_t *q)
{
    for (; i < argc; i++) {
        md_arg_t a = argv[i];
        int left = argc - i - 1; /* arguments after this one */
        if (is(a, "withdist")) q->withdist = 1;
        else if (is(a, "withhash")) q->withhash = 1;
        else if (is(a, "withcoord")) q->withcoord = 1;
        else if (is(a, "any")) q->any = 1;
        else if (is(a, "asc")) q->sort = SORT_ASC;
        else if (is(a, "desc")) q->sort = SORT_DESC;
        else if (is(a, "count") && left >= 1) {
            if (md_parse_ll(c, argv[++i], &q->count) != MD_OK) return MD_ERR;
            if (q->count <= 0) {
                md_reply_error(c, "ERR COUNT must be > 0");
                return MD_ERR;
            }
        } else if ((is(a, "store") || is(a, "storedist")) && left >= 1 &&
                   !(flags & (NO_STORE | SEARCH))) {
            q->storedist = is(a, "storedist");
            q->store = &argv[++i];
        } else if (is(a, "storedist") && (flags & STORE)) {
            q->storedist = 1;
        } else if (is(a, "frommember") && left >= 1 && (flags & SEARCH) &&
                   !q->from_lonlat) {
            i++;
            if (z && member_position(c, z, argv[i], q->shape.xy) != MD_OK)
                return MD_ERR;
            q->from_member = 1;
        } else if (is(a, "fromlonlat") && left >= 2 && (flags & SEARCH) &&
                   !q->from_member) {
            if (geo_parse_lonlat(c, argv + i + 1, q->shape.xy) != MD_OK)
                return MD_ERR;
            q->from_lonlat = 1;
            i += 2;
        } else if (is(a, "byradius") && left >= 2 && (flags & SEARCH) &&
                   !q->by_box) {
            if (parse_radius(c, argv + i + 1, &q->shape) != MD_OK) return MD_ERR;
            q->by_radius = 1;
            i += 2;
        } else if (is(a, "bybox") && left >= 3 && (flags & SEARCH) &&
                   !q->by_radius) {
            if (parse_box(c, argv + i + 1, &q->shape) != MD_OK) return MD_ERR;
            q->by_box = 1;
            i += 3;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

/* The checks Redis makes once every option is read. */
static int check_request(md_ctx_t *c, const md_arg_t *argv, int flags,
                         const request_t *q)
{
    char msg[160];
    const char *err = NULL;
    int cmd_len = argv[0].len > 60 ? 60 : (int)argv[0].len;

    if (q->store && (q->withdist || q->withhash || q->withcoord)) {
        err = flags & STORE ? "ERR GEOSEARCHSTORE is not compatible with "
                              "WITHDIST, WITHHASH and WITHCOORD options"
                            : "ERR STORE option in GEORADIUS is not compatible "
                              "with WITHDIST, WITHHASH and WITHCOORD options";
    } else if ((flags & SEARCH) && !(q->from_member || q->from_lonlat)) {
        snprintf(msg, sizeof(msg),
                 "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified "
                 "for %.*s", cmd_len, argv[0].ptr);
        err = msg;
    } else if ((flags & SEARCH) && !(q->by_radius || q->by_box)) {
        snprintf(msg, sizeof(msg),
                 "ERR exactly one of BYRADIUS and BYBOX can be specified for "
                 "%.*s", cmd_len, argv[0].ptr);
        err = msg;
    } else if (q->any && !q->count) {
        err = "ERR the ANY argument requires COUNT argument";
    }
    if (err) md_reply_error(c, err);
    return err ? MD_ERR : MD_OK;
}

/* Reply the results, with the WITH* fields asked for. */
static void reply_points(md_ctx_t *c, const request_t *q, const point_t *p,
                         long n)
{
    int fields = q->withdist + q->withhash + q->withcoord;

    md_reply_array(c, n);
    for (long i = 0; i < n; i++) {
        if (fields) md_reply_array(c, fields + 1);
        md_reply_bulk(c, p[i].member, p[i].len);
        if (q->withdist) geo_reply_distance(c, p[i].dist / q->shape.to_m);
        if (q->withhash) md_reply_int(c, (long long)p[i].score);
        if (q->withcoord) {
            md_reply_array(c, 2);
            md_reply_human_ld(c, p[i].xy[0]);
            md_reply_human_ld(c, p[i].xy[1]);
        }
    }
}

/* Replace the destination with the n results (delete it when n is 0)
 * and reply the count. */
static void store_points(md_ctx_t *c, const request_t *q, int flags,
                         const point_t *p, long n)
{
    md_key_t *k = md_key_open(c, *q->store, MD_WRITE);
    int existed = md_key_type(k) != NULL, r;

    if (existed) md_key_delete(k);
    if (n == 0) {
        if (existed) {
            md_key_modified(c, k);
            md_notify(c, MD_NOTIFY_GENERIC, "del", *q->store);
            md_dirty(c, 1);
        }
        md_reply_int(c, 0);
        return;
    }
    for (long i = 0; i < n; i++) {
        md_arg_t m = {p[i].member, p[i].len};
        double score = q->storedist ? p[i].dist / q->shape.to_m : p[i].score;
        geo_z->add(k, m, score, 0, &r, NULL);
    }
    md_key_modified(c, k);
    md_notify(c, MD_NOTIFY_ZSET,
              flags & SEARCH ? "geosearchstore" : "georadiusstore", *q->store);
    md_dirty(c, n);
    md_key_ready(c, *q->store);
    md_reply_int(c, n);
}

/* The search; src is the source key's index in argv. */
static int search(md_ctx_t *c, int argc, const md_arg_t *argv, int src, int flags)
{
    request_t q;
    found_t f;
    const void *z = NULL;
    int st = geo_open(c, argv[src], &z), base;
    long n;

    if (st < 0) return MD_OK;
    memset(&q, 0, sizeof(q));
    if (flags & BY_COORDS) {
        base = 6;
        if (geo_parse_lonlat(c, argv + 2, q.shape.xy) != MD_OK ||
            parse_radius(c, argv + 4, &q.shape) != MD_OK)
            return MD_OK;
    } else if (flags & BY_MEMBER) {
        base = 5;
        /* No source: the reply depends on the options only. */
        if (st == 1 && (member_position(c, z, argv[2], q.shape.xy) != MD_OK ||
                        parse_radius(c, argv + 3, &q.shape) != MD_OK))
            return MD_OK;
    } else {
        base = flags & STORE ? 3 : 2;
        if (flags & STORE) q.store = &argv[1];
    }
    if (parse_options(c, argc, argv, base, flags, z, &q) != MD_OK ||
        check_request(c, argv, flags, &q) != MD_OK)
        return MD_OK;
    if (st == 0) {
        if (q.store) store_points(c, &q, flags, NULL, 0);
        else md_reply_array(c, 0);
        return MD_OK;
    }
    /* COUNT alone means the closest ones. */
    if (q.count && q.sort == SORT_NONE && !q.any) q.sort = SORT_ASC;
    memset(&f, 0, sizeof(f));
    f.shape = &q.shape;
    f.limit = q.any ? q.count : 0;
    collect(z, &f);
    n = (q.count == 0 || (long long)f.n < q.count) ? (long)f.n : (long)q.count;
    if (q.sort != SORT_NONE && f.n > 1)
        qsort(f.p, f.n, sizeof(point_t), q.sort == SORT_ASC ? by_dist_asc : by_dist_desc);
    if (q.store) store_points(c, &q, flags, f.p, n);
    else reply_points(c, &q, f.p, n);
    found_free(&f);
    return MD_OK;
}

int geo_cmd_georadius(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 1, BY_COORDS);
}

int geo_cmd_georadius_ro(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 1, BY_COORDS | NO_STORE);
}

int geo_cmd_georadiusbymember(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 1, BY_MEMBER);
}

int geo_cmd_georadiusbymember_ro(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 1, BY_MEMBER | NO_STORE);
}

int geo_cmd_geosearch(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 1, SEARCH);
}

int geo_cmd_geosearchstore(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    return search(c, argc, argv, 2, SEARCH | STORE);
}
