/*
 * geohash.c — Redis's geohash arithmetic (see geohash.h). Invariant:
 * every floating point step is the one Redis takes, in the same order,
 * so the results are bit-identical (search order and cell choice
 * included, as they decide COUNT ANY and unsorted replies).
 */
#include <math.h>
#include "geohash.h"

#define D_R (M_PI / 180.0)
#define EVEN_BITS 0x5555555555555555ULL
#define ODD_BITS 0xaaaaaaaaaaaaaaaaULL

static const geo_range_t LON_RANGE = {GEO_LONG_MIN, GEO_LONG_MAX};
static const geo_range_t LAT_RANGE = {GEO_LAT_MIN, GEO_LAT_MAX};

static double deg_rad(double a) { return a * D_R; }
static double rad_deg(double a) { return a / D_R; }

/* Spread the 32 bits of v to the even bit positions of a word. */
static uint64_t spread(uint32_t v)
{
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x << 2)) & 0x3333333333333333ULL;
    x = (x | (x << 1)) & EVEN_BITS;
    return x;
}

/* The inverse of spread(): the even bits of x, packed. */
static uint32_t squash(uint64_t x)
{
    x &= EVEN_BITS;
    x = (x | (x >> 1)) & 0x3333333333333333ULL;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return (uint32_t)x;
}

int geo_encode(geo_range_t lon_r, geo_range_t lat_r, double lon, double lat,
               uint8_t step, geo_bits_t *h)
{
    double lat_off, lon_off;

    if (step > 32 || step == 0 || (lat_r.min == 0 && lat_r.max == 0) ||
        (lon_r.min == 0 && lon_r.max == 0))
        return 0;
    if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX ||
        lat < GEO_LAT_MIN)
        return 0;
    h->bits = 0;
    h->step = step;
    if (lat < lat_r.min || lat > lat_r.max || lon < lon_r.min || lon > lon_r.max)
        return 0;
    lat_off = (lat - lat_r.min) / (lat_r.max - lat_r.min);
    lon_off = (lon - lon_r.min) / (lon_r.max - lon_r.min);
    lat_off *= (double)(1ULL << step);
    lon_off *= (double)(1ULL << step);
    h->bits = spread((uint32_t)lat_off) | (spread((uint32_t)lon_off) << 1);
    return 1;
}

int geo_decode(geo_range_t lon_r, geo_range_t lat_r, geo_bits_t h,
               geo_range_t *lon, geo_range_t *lat)
{
    uint32_t ilat, ilon;
    double lat_scale = lat_r.max - lat_r.min, lon_scale = lon_r.max - lon_r.min;
    double cells;

    if ((h.bits == 0 && h.step == 0) || (lat_r.min == 0 && lat_r.max == 0) ||
        (lon_r.min == 0 && lon_r.max == 0))
        return 0;
    ilat = squash(h.bits);
    ilon = squash(h.bits >> 1);
    cells = (double)(1ULL << h.step);
    lat->min = lat_r.min + (ilat * 1.0 / cells) * lat_scale;
    lat->max = lat_r.min + ((uint32_t)(ilat + 1) * 1.0 / cells) * lat_scale;
    lon->min = lon_r.min + (ilon * 1.0 / cells) * lon_scale;
    lon->max = lon_r.min + ((uint32_t)(ilon + 1) * 1.0 / cells) * lon_scale;
    return 1;
}

int geo_score_encode(double lon, double lat, uint64_t *score)
{
    geo_bits_t h;

    if (!geo_encode(LON_RANGE, LAT_RANGE, lon, lat, GEO_STEP_MAX, &h)) return 0;
    *score = h.bits << (52 - GEO_STEP_MAX * 2);
    return 1;
}

/* A score's bits as Redis's (uint64_t) cast takes them; scores no
 * geohash produces (negative, NaN, too big) are kept defined here. */
static uint64_t score_bits(double score)
{
    if (!(score >= 0)) return 0;
    if (score >= 18446744073709551616.0) return 0;
    return (uint64_t)score;
}

int geo_score_decode(double score, double xy[2])
{
    geo_bits_t h = {score_bits(score), GEO_STEP_MAX};
    geo_range_t lon, lat;

    if (!geo_decode(LON_RANGE, LAT_RANGE, h, &lon, &lat)) return 0;
    xy[0] = (lon.min + lon.max) / 2;
    if (xy[0] > GEO_LONG_MAX) xy[0] = GEO_LONG_MAX;
    if (xy[0] < GEO_LONG_MIN) xy[0] = GEO_LONG_MIN;
    xy[1] = (lat.min + lat.max) / 2;
    if (xy[1] > GEO_LAT_MAX) xy[1] = GEO_LAT_MAX;
    if (xy[1] < GEO_LAT_MIN) xy[1] = GEO_LAT_MIN;
    return 1;
}

int geo_score_string(double score, char out[11])
{
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    const geo_range_t lon_r = {-180, 180}, lat_r = {-90, 90};
    double xy[2];
    geo_bits_t h;

    if (!geo_score_decode(score, xy)) return 0;
    geo_encode(lon_r, lat_r, xy[0], xy[1], GEO_STEP_MAX, &h);
    for (int i = 0; i < 10; i++)
        out[i] = alphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
    out[10] = alphabet[0]; /* 52 bits give 10.4 characters: Redis pads 0 */
    return 1;
}

/* Distance along a meridian. */
static double lat_distance(double lat1, double lat2)
{
    return GEO_EARTH_RADIUS * fabs(deg_rad(lat2) - deg_rad(lat1));
}

double geo_distance(double lon1, double lat1, double lon2, double lat2)
{
    double lat1r, lat2r, u, v, a;
    double lon1r = deg_rad(lon1), lon2r = deg_rad(lon2);

    v = sin((lon2r - lon1r) / 2);
    if (v == 0.0) return lat_distance(lat1, lat2);
    lat1r = deg_rad(lat1);
    lat2r = deg_rad(lat2);
    u = sin((lat2r - lat1r) / 2);
    a = u * u + cos(lat1r) * cos(lat2r) * v * v;
    return 2.0 * GEO_EARTH_RADIUS * asin(sqrt(a));
}

int geo_within(const geo_shape_t *s, double lon, double lat, double *dist)
{
    if (!s->box) {
        *dist = geo_distance(s->xy[0], s->xy[1], lon, lat);
        return *dist <= s->radius * s->to_m;
    }
    /* The box: latitude first (cheaper), then the longitude distance
     * along the point's parallel. */
    if (lat_distance(lat, s->xy[1]) > s->height * s->to_m / 2) return 0;
    if (geo_distance(lon, lat, s->xy[0], lat) > s->width * s->to_m / 2) return 0;
    *dist = geo_distance(s->xy[0], s->xy[1], lon, lat);
    return 1;
}

/* Redis's step estimate for a radius at a latitude. */
static int steps_for_radius(double range, double lat)
{
    int step = 1;

    if (range == 0) return 26;
    while (range < GEO_MERCATOR_MAX) {
        range *= 2;
        step++;
    }
    step -= 2; /* make sure the range is included in most cases */
    if (lat > 66 || lat < -66) {
        step--;
        if (lat > 80 || lat < -80) step--;
    }
    if (step < 1) step = 1;
    if (step > 26) step = 26;
    return step;
}

/* Move a cell by d (+1/-1) along longitude (the odd bits) or latitude. */
static void move(geo_bits_t *h, int d, int along_lon)
{
    uint64_t mine = along_lon ? ODD_BITS : EVEN_BITS;
    uint64_t other = h->bits & ~mine, v = h->bits & mine;
    uint64_t zz = (along_lon ? EVEN_BITS : ODD_BITS) >> (64 - h->step * 2);

    if (d > 0) {
        v = v + (zz + 1);
    } else {
        v = v | zz;
        v = v - (zz + 1);
    }
    v &= mine >> (64 - h->step * 2);
    h->bits = v | other;
}

/* The cell at (dx, dy) from h. */
static geo_bits_t neighbour(geo_bits_t h, int dx, int dy)
{
    if (dx) move(&h, dx, 1);
    if (dy) move(&h, dy, 0);
    return h;
}

/* The centre cell and its neighbours in Redis's scan order. */
static const int ORDER[9][2] = {{0, 0},  {0, 1},  {0, -1}, {1, 0},  {-1, 0},
                                {1, 1},  {-1, 1}, {1, -1}, {-1, -1}};

static void cells_at(const geo_shape_t *s, int steps, geo_bits_t cells[9],
                     geo_range_t *lon, geo_range_t *lat)
{
    geo_encode(LON_RANGE, LAT_RANGE, s->xy[0], s->xy[1], (uint8_t)steps, &cells[0]);
    for (int i = 1; i < 9; i++)
        cells[i] = neighbour(cells[0], ORDER[i][0], ORDER[i][1]);
    geo_decode(LON_RANGE, LAT_RANGE, cells[0], lon, lat);
}

void geo_search_cells(const geo_shape_t *s, geo_bits_t cells[9])
{
    static const geo_bits_t zero = {0, 0};
    double lon = s->xy[0], lat = s->xy[1];
    double height = s->to_m * (s->box ? s->height / 2 : s->radius);
    double width = s->to_m * (s->box ? s->width / 2 : s->radius);
    double lat_delta = rad_deg(height / GEO_EARTH_RADIUS);
    double lon_top = rad_deg(width / GEO_EARTH_RADIUS / cos(deg_rad(lat + lat_delta)));
    double lon_bot = rad_deg(width / GEO_EARTH_RADIUS / cos(deg_rad(lat - lat_delta)));
    double min_lon = lat < 0 ? lon - lon_bot : lon - lon_top;
    double max_lon = lat < 0 ? lon + lon_bot : lon + lon_top;
    double min_lat = lat - lat_delta, max_lat = lat + lat_delta;
    double r = s->box ? sqrt((s->width / 2) * (s->width / 2) +
                             (s->height / 2) * (s->height / 2))
                      : s->radius;
    int steps = steps_for_radius(r * s->to_m, lat), decrease = 0;
    geo_range_t clon, clat, nlon, nlat;

    cells_at(s, steps, cells, &clon, &clat);
    /* Is the step small enough at the edges of the covered area? */
    geo_decode(LON_RANGE, LAT_RANGE, cells[1], &nlon, &nlat); /* north */
    if (nlat.max < max_lat) decrease = 1;
    geo_decode(LON_RANGE, LAT_RANGE, cells[2], &nlon, &nlat); /* south */
    if (nlat.min > min_lat) decrease = 1;
    geo_decode(LON_RANGE, LAT_RANGE, cells[3], &nlon, &nlat); /* east */
    if (nlon.max < max_lon) decrease = 1;
    geo_decode(LON_RANGE, LAT_RANGE, cells[4], &nlon, &nlat); /* west */
    if (nlon.min > min_lon) decrease = 1;
    if (steps > 1 && decrease) cells_at(s, --steps, cells, &clon, &clat);
    if (steps < 2) return;
    /* Drop the neighbours the shape cannot reach. */
    if (clat.min < min_lat) cells[2] = cells[7] = cells[8] = zero;
    if (clat.max > max_lat) cells[1] = cells[5] = cells[6] = zero;
    if (clon.min < min_lon) cells[4] = cells[8] = cells[6] = zero;
    if (clon.max > max_lon) cells[3] = cells[7] = cells[5] = zero;
}

void geo_cell_scores(geo_bits_t h, uint64_t *min, uint64_t *max)
{
    *min = h.bits << (52 - h.step * 2);
    *max = (h.bits + 1) << (52 - h.step * 2);
}
