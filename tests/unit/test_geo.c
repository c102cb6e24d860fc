/*
 * test_geo.c — the geo module's geohash arithmetic (geohash.c): scores,
 * GEOHASH strings, positions and distances must be the ones
 * redis-server 7.0.15 gave for the same GEOADDs (GEOADD, ZSCORE,
 * GEOHASH, GEOPOS, GEODIST), the limits must refuse out-of-range
 * points, neighbour cells must touch their centre cell, and the nine
 * search cells must cover every point of the search shape.
 */
#include "../../modules/geo/geohash.c"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A point added with GEOADD and what redis-server replied about it. */
static const struct {
    double lon, lat;
    double score;
    const char *hash, *pos_lon, *pos_lat;
} REF[] = {
    {13.361389, 38.115556, 3479099956230698.0, "sqc8b49rny0",
     "13.36138933897018433", "38.11555639549629859"},
    {15.087269, 37.502669, 3479447370796909.0, "sqdtr74hyu0",
     "15.08726745843887329", "37.50266842333162032"},
    {-180, -85.05112878, 0.0, "00bh0hbj200", "-179.99999731779098511",
     "-85.05112751263942528"},
    {180, 85.05112878, 13510798882111488.0, "bp05b5048p0", "180",
     "85.0511287799999991"},
    {0, 0, 3377699720527872.0, "s0000000000", "0.00000268220901489",
     "0.00000126736058093"},
    {-122.4194, 37.7749, 1367859919124626.0, "9q8yyk8ytp0",
     "-122.41940170526504517", "37.77490001056577995"},
};
#define NREF (sizeof(REF) / sizeof(REF[0]))

/* Redis's "human" long double: %.17Lf without trailing zeros. */
static void human(char *buf, size_t cap, double v)
{
    size_t n = (size_t)snprintf(buf, cap, "%.17Lf", (long double)v);
    while (n > 0 && buf[n - 1] == '0') buf[--n] = 0;
    if (n > 0 && buf[n - 1] == '.') buf[--n] = 0;
}

START_TEST(test_scores_match_redis)
{
    for (size_t i = 0; i < NREF; i++) {
        uint64_t s;
        ck_assert_int_eq(geo_score_encode(REF[i].lon, REF[i].lat, &s), 1);
        ck_assert_msg((double)s == REF[i].score, "point %zu: %llu", i,
                      (unsigned long long)s);
    }
}
END_TEST

START_TEST(test_positions_and_hashes_match_redis)
{
    char buf[64], hash[11];
    double xy[2];

    for (size_t i = 0; i < NREF; i++) {
        ck_assert_int_eq(geo_score_decode(REF[i].score, xy), 1);
        human(buf, sizeof(buf), xy[0]);
        ck_assert_str_eq(buf, REF[i].pos_lon);
        human(buf, sizeof(buf), xy[1]);
        ck_assert_str_eq(buf, REF[i].pos_lat);
        ck_assert_int_eq(geo_score_string(REF[i].score, hash), 1);
        ck_assert_int_eq(memcmp(hash, REF[i].hash, 11), 0);
    }
}
END_TEST

START_TEST(test_limits)
{
    uint64_t s;
    ck_assert_int_eq(geo_score_encode(180.0000001, 0, &s), 0);
    ck_assert_int_eq(geo_score_encode(-180.0000001, 0, &s), 0);
    ck_assert_int_eq(geo_score_encode(0, 85.05112879, &s), 0);
    ck_assert_int_eq(geo_score_encode(0, -85.05112879, &s), 0);
    ck_assert_int_eq(geo_score_encode(0, 85.05112878, &s), 1);
}
END_TEST

/* GEODIST between the reference points, printed with 4 decimals. */
START_TEST(test_distances_match_redis)
{
    static const struct {
        int a, b;
        double unit;
        const char *want;
    } D[] = {{0, 1, 1, "166274.1516"},
             {2, 3, 1, "18919844.5891"},
             {4, 5, 1000, "12799.0273"},
             {0, 5, 1609.34, "6487.9968"}};
    char buf[64];
    double p[2], q[2];

    for (size_t i = 0; i < sizeof(D) / sizeof(D[0]); i++) {
        geo_score_decode(REF[D[i].a].score, p);
        geo_score_decode(REF[D[i].b].score, q);
        snprintf(buf, sizeof(buf), "%.4f", geo_distance(p[0], p[1], q[0], q[1]) / D[i].unit);
        ck_assert_str_eq(buf, D[i].want);
    }
    /* Same meridian: the latitude shortcut. */
    ck_assert(geo_distance(10, 0, 10, 1) == GEO_EARTH_RADIUS * (M_PI / 180.0));
    ck_assert(geo_distance(10, 20, 10, 20) == 0);
}
END_TEST

/* Every neighbour is a different cell whose bounds touch the centre's. */
START_TEST(test_neighbours_touch)
{
    const geo_range_t lon_r = {GEO_LONG_MIN, GEO_LONG_MAX};
    const geo_range_t lat_r = {GEO_LAT_MIN, GEO_LAT_MAX};
    geo_bits_t h, n;
    geo_range_t clon, clat, nlon, nlat;

    for (int step = 2; step <= 26; step += 4) {
        geo_encode(lon_r, lat_r, 13.36, 38.11, (uint8_t)step, &h);
        geo_decode(lon_r, lat_r, h, &clon, &clat);
        for (int i = 1; i < 9; i++) {
            n = neighbour(h, ORDER[i][0], ORDER[i][1]);
            ck_assert(n.bits != h.bits);
            geo_decode(lon_r, lat_r, n, &nlon, &nlat);
            if (ORDER[i][0] > 0) ck_assert(nlon.min == clon.max);
            if (ORDER[i][0] < 0) ck_assert(nlon.max == clon.min);
            if (ORDER[i][0] == 0) ck_assert(nlon.min == clon.min);
            if (ORDER[i][1] > 0) ck_assert(nlat.min == clat.max);
            if (ORDER[i][1] < 0) ck_assert(nlat.max == clat.min);
            if (ORDER[i][1] == 0) ck_assert(nlat.min == clat.min);
        }
    }
}
END_TEST

/* Whether score s falls in one of the cells. */
static int in_cells(const geo_bits_t cells[9], uint64_t s)
{
    for (int i = 0; i < 9; i++) {
        uint64_t min, max;
        if (cells[i].bits == 0 && cells[i].step == 0) continue;
        geo_cell_scores(cells[i], &min, &max);
        if (s >= min && s < max) return 1;
    }
    return 0;
}

/* Random points inside random shapes all lie in the shape's cells. */
START_TEST(test_search_cells_cover_shape)
{
    srand(7);
    for (int t = 0; t < 300; t++) {
        geo_shape_t s = {0};
        geo_bits_t cells[9];
        s.box = t % 2;
        s.xy[0] = (rand() / (double)RAND_MAX) * 340 - 170;
        s.xy[1] = (rand() / (double)RAND_MAX) * 140 - 70;
        s.to_m = 1000;
        s.radius = 1 + rand() % 500;
        s.width = 1 + rand() % 800;
        s.height = 1 + rand() % 800;
        geo_search_cells(&s, cells);
        for (int k = 0; k < 200; k++) {
            double lon = s.xy[0] + ((rand() / (double)RAND_MAX) - 0.5) * 20;
            double lat = s.xy[1] + ((rand() / (double)RAND_MAX) - 0.5) * 20;
            double xy[2], d;
            uint64_t sc;
            if (!geo_score_encode(lon, lat, &sc)) continue;
            geo_score_decode((double)sc, xy);
            if (!geo_within(&s, xy[0], xy[1], &d)) continue;
            ck_assert_msg(in_cells(cells, sc), "shape %d point %d", t, k);
        }
    }
}
END_TEST

static Suite *geo_suite(void)
{
    Suite *s = suite_create("geo");
    TCase *tc = tcase_create("geohash");
    tcase_add_test(tc, test_scores_match_redis);
    tcase_add_test(tc, test_positions_and_hashes_match_redis);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_distances_match_redis);
    tcase_add_test(tc, test_neighbours_touch);
    tcase_add_test(tc, test_search_cells_cover_shape);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(geo_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
