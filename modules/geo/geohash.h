/*
 * geohash.h — Redis's geohash arithmetic, pure functions (no SDK): the
 * 52-bit interleaved encoding (latitude in the even bits, longitude in
 * the odd ones, 26 steps each, latitudes within the Web Mercator limits
 * +-85.05112878), decoding to the cell's centre, neighbouring cells, the
 * haversine distance on a sphere of radius 6372797.560856 m, and the
 * nine cells a radius or box search scans. Every formula follows Redis's
 * so that scores, distances and search results match it to the bit.
 */
#ifndef GEOHASH_H
#define GEOHASH_H

#include <stdint.h>

#define GEO_STEP_MAX 26
#define GEO_LAT_MIN -85.05112878
#define GEO_LAT_MAX 85.05112878
#define GEO_LONG_MIN -180.0
#define GEO_LONG_MAX 180.0
#define GEO_EARTH_RADIUS 6372797.560856
#define GEO_MERCATOR_MAX 20037726.37

/* A cell: `step` bits per coordinate, interleaved in `bits`. A zero cell
 * ({0, 0}) stands for "no cell". */
typedef struct geo_bits {
    uint64_t bits;
    uint8_t step;
} geo_bits_t;

typedef struct geo_range {
    double min, max;
} geo_range_t;

/* The search shape: centre xy (longitude, latitude), a radius or a
 * width x height box, in `unit`s of `to_m` metres each. */
typedef struct geo_shape {
    int box;
    double xy[2];
    double to_m;
    double radius, width, height;
} geo_shape_t;

/* Encode (lon, lat) at `step` in the given ranges. 0 when the point is
 * outside the ranges or the Mercator limits (*h is then {0, step}). */
int geo_encode(geo_range_t lon_r, geo_range_t lat_r, double lon, double lat,
               uint8_t step, geo_bits_t *h);
/* The cell's bounds. 0 for the zero cell. */
int geo_decode(geo_range_t lon_r, geo_range_t lat_r, geo_bits_t h,
               geo_range_t *lon, geo_range_t *lat);
/* Encode at full precision in the Mercator ranges: the sorted set score
 * (the 52 bits shifted into place). 0 out of range. */
int geo_score_encode(double lon, double lat, uint64_t *score);
/* A score's cell centre, clamped to the limits: xy[0] longitude, xy[1]
 * latitude. 0 when the score is no cell. */
int geo_score_decode(double score, double xy[2]);
/* The 11-character GEOHASH string of a score (standard latitude range
 * +-90, the last character always '0'). 0 when it cannot be decoded. */
int geo_score_string(double score, char out[11]);

/* Great-circle distance in metres (Redis's haversine). */
double geo_distance(double lon1, double lat1, double lon2, double lat2);
/* Whether (lon, lat) is inside the shape; *dist gets its distance from
 * the centre in metres. */
int geo_within(const geo_shape_t *s, double lon, double lat, double *dist);

/* The cells to scan for a shape, in Redis's order: the centre cell, then
 * N, S, E, W, NE, NW, SE, SW; useless neighbours are zero cells. */
void geo_search_cells(const geo_shape_t *s, geo_bits_t cells[9]);
/* The score range [*min, *max) of a cell. */
void geo_cell_scores(geo_bits_t h, uint64_t *min, uint64_t *max);

#endif
