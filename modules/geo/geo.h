/*
 * geo.h — the geo module's shared state and handlers: the zset.v1
 * service it stores every geo index through (a geo key is a plain sorted
 * set whose scores are 52-bit geohashes), and the command handlers of
 * geo_cmds.c (GEOADD, GEODIST, GEOHASH, GEOPOS) and geo_search.c (the
 * GEOSEARCH and GEORADIUS families).
 */
#ifndef GEO_H
#define GEO_H

#include "modis.h"

extern const md_zset_v1_t *geo_z;

/* Redis's unit words: metres per unit, or -1 after replying the error. */
double geo_unit(md_ctx_t *c, md_arg_t a);
/* Parse a longitude, latitude pair at argv[0..1] with Redis's limits and
 * errors. MD_ERR after replying. */
int geo_parse_lonlat(md_ctx_t *c, const md_arg_t *argv, double xy[2]);
/* Open a key for reading as a geo index: 1 with *value, 0 missing, -1
 * after replying WRONGTYPE. */
int geo_open(md_ctx_t *c, md_arg_t name, const void **value);
/* A 4-decimal distance, Redis's format ("%.4f"), as a bulk string. */
void geo_reply_distance(md_ctx_t *c, double d);

int geo_cmd_geoadd(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_geodist(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_geohash(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_geopos(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_georadius(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_georadius_ro(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_georadiusbymember(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_georadiusbymember_ro(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_geosearch(md_ctx_t *c, int argc, const md_arg_t *argv);
int geo_cmd_geosearchstore(md_ctx_t *c, int argc, const md_arg_t *argv);

#endif
