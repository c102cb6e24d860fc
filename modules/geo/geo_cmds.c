/*
 * geo_cmds.c — GEOADD, GEODIST, GEOHASH and GEOPOS with Redis's
 * semantics and error texts, and the argument helpers the search
 * commands share (units, coordinate pairs, distances):
 *  - GEOADD validates its options, then every coordinate pair, before
 *    it touches the key, then adds as ZADD would with the geohash
 *    scores (NX, XX, CH as ZADD's; a "zadd" event on change);
 *  - GEODIST, GEOHASH and GEOPOS read the scores back: a missing key or
 *    member is a null, the position being the centre of the member's
 *    52-bit cell.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "geo.h"
#include "geohash.h"

/* Whether a is the word w, in any case. */
static int is(md_arg_t a, const char *w)
{
    return a.len == strlen(w) && strncasecmp(a.ptr, w, a.len) == 0;
}

double geo_unit(md_ctx_t *c, md_arg_t a)
{
    if (is(a, "m")) return 1;
    if (is(a, "km")) return 1000;
    if (is(a, "ft")) return 0.3048;
    if (is(a, "mi")) return 1609.34;
    md_reply_error(c, "ERR unsupported unit provided. please use M, KM, FT, MI");
    return -1;
}

int geo_parse_lonlat(md_ctx_t *c, const md_arg_t *argv, double xy[2])
{
    char msg[128];

    if (md_parse_double(c, argv[0], &xy[0]) != MD_OK ||
        md_parse_double(c, argv[1], &xy[1]) != MD_OK)
        return MD_ERR;
    if (xy[0] < GEO_LONG_MIN || xy[0] > GEO_LONG_MAX || xy[1] < GEO_LAT_MIN ||
        xy[1] > GEO_LAT_MAX) {
        snprintf(msg, sizeof(msg), "ERR invalid longitude,latitude pair %f,%f",
                 xy[0], xy[1]);
        md_reply_error(c, msg);
        return MD_ERR;
    }
    return MD_OK;
}

int geo_open(md_ctx_t *c, md_arg_t name, const void **value)
{
    md_key_t *k = md_key_open(c, name, MD_READ);
    const md_type_t *t = md_key_type(k);

    if (t == NULL) return 0;
    if (t != geo_z->type) {
        md_reply_wrongtype(c);
        return -1;
    }
    *value = md_key_value(k);
    return 1;
}

void geo_reply_distance(md_ctx_t *c, double d)
{
    char buf[400];
    int n = snprintf(buf, sizeof(buf), "%.4f", d);
    md_reply_bulk(c, buf, (size_t)n);
}

/* GEOADD key [NX | XX] [CH] longitude latitude member [...] */
int geo_cmd_geoadd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int i = 2, nx = 0, xx = 0, ch = 0, flags, r;
    long long added = 0, updated = 0;
    md_key_t *k;
    const md_type_t *t;
    double *scores;

    for (; i < argc; i++) {
        if (is(argv[i], "nx")) nx = 1;
        else if (is(argv[i], "xx")) xx = 1;
        else if (is(argv[i], "ch")) ch = 1;
        else break;
    }
    if ((argc - i) % 3 || argc == i || (nx && xx)) {
        md_reply_syntax(c);
        return MD_OK;
    }
    scores = md_alloc(sizeof(double) * (size_t)((argc - i) / 3));
    for (int j = i; j < argc; j += 3) {
        double xy[2];
        uint64_t bits;
        if (geo_parse_lonlat(c, argv + j, xy) != MD_OK) {
            md_free(scores);
            return MD_OK;
        }
        geo_score_encode(xy[0], xy[1], &bits);
        scores[(j - i) / 3] = (double)bits;
    }
    k = md_key_open(c, argv[1], MD_WRITE);
    t = md_key_type(k);
    if (t != NULL && t != geo_z->type) {
        md_free(scores);
        md_reply_wrongtype(c);
        return MD_OK;
    }
    flags = (nx ? MD_ZSET_NX : 0) | (xx ? MD_ZSET_XX : 0);
    for (int j = i; j < argc; j += 3) {
        r = MD_ZSET_NOP;
        geo_z->add(k, argv[j + 2], scores[(j - i) / 3], flags, &r, NULL);
        if (r == MD_ZSET_ADDED) added++;
        else if (r == MD_ZSET_UPDATED) updated++;
    }
    md_free(scores);
    if (added || updated) {
        md_key_modified(c, k);
        md_notify(c, MD_NOTIFY_ZSET, "zadd", argv[1]);
        md_dirty(c, added + updated);
        if (t == NULL) md_key_ready(c, argv[1]);
    }
    md_reply_int(c, ch ? added + updated : added);
    return MD_OK;
}

/* Both members' positions, or 0 when either is missing. */
static int two_positions(const void *z, md_arg_t m1, md_arg_t m2, double xy[4])
{
    double s1, s2;

    return geo_z->score(z, m1, &s1) && geo_z->score(z, m2, &s2) &&
           geo_score_decode(s1, xy) && geo_score_decode(s2, xy + 2);
}

/* GEODIST key member1 member2 [M | KM | FT | MI] */
int geo_cmd_geodist(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    double to_m = 1, xy[4];
    const void *z;
    int st;

    if (argc == 5 && (to_m = geo_unit(c, argv[4])) < 0) return MD_OK;
    if (argc > 5) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if ((st = geo_open(c, argv[1], &z)) < 0) return MD_OK;
    if (st == 0 || !two_positions(z, argv[2], argv[3], xy)) {
        md_reply_null(c);
        return MD_OK;
    }
    geo_reply_distance(c, geo_distance(xy[0], xy[1], xy[2], xy[3]) / to_m);
    return MD_OK;
}

/* The score of member in z (NULL: no key), or 0 when absent. */
static int member_score(const void *z, md_arg_t m, double *score)
{
    return z != NULL && geo_z->score(z, m, score);
}

/* GEOHASH key [member ...] */
int geo_cmd_geohash(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const void *z = NULL;
    char buf[11];
    double score;

    if (geo_open(c, argv[1], &z) < 0) return MD_OK;
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        if (member_score(z, argv[i], &score) && geo_score_string(score, buf))
            md_reply_bulk(c, buf, sizeof(buf));
        else
            md_reply_null(c);
    }
    return MD_OK;
}

/* GEOPOS key [member ...] */
int geo_cmd_geopos(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    const void *z = NULL;
    double score, xy[2];

    if (geo_open(c, argv[1], &z) < 0) return MD_OK;
    md_reply_array(c, argc - 2);
    for (int i = 2; i < argc; i++) {
        if (member_score(z, argv[i], &score) && geo_score_decode(score, xy)) {
            md_reply_array(c, 2);
            md_reply_human_ld(c, xy[0]);
            md_reply_human_ld(c, xy[1]);
        } else {
            md_reply_null_array(c);
        }
    }
    return MD_OK;
}
