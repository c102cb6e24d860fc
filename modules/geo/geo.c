/*
 * geo.c — the geo module: Redis's geospatial commands over sorted sets,
 * written against the SDK like any third party module.
 *
 * This file holds the manifest, the command table (Redis 7.4 metadata)
 * and md_init, which imports the zsets module's "zset.v1" service. The
 * module registers no type: a geo index is a sorted set (TYPE says zset,
 * ZRANGE reads it, RDB and DUMP store it as one), its scores the 52-bit
 * geohashes of geohash.c. The manifest requires zset.v1, so the host
 * refuses to load geo without zsets and to unload zsets under it.
 * Layout: geohash.c (the arithmetic), geo_cmds.c (GEOADD, GEODIST,
 * GEOHASH, GEOPOS), geo_search.c (GEOSEARCH[STORE], GEORADIUS*).
 */
#include <stddef.h>
#include "modis.h"
#include "geo.h"

const md_zset_v1_t *geo_z;

#define SERVICE_REVISION 1

/* One geo command; every field but the handler is Redis's metadata. */
#define CMD(nm, fn, ar, fl, fk, lk, acls, sum, snc, cx, ...)             \
    {.name = nm, .handler = fn, .arity = ar, .flags = fl,                \
     .first_key = fk, .last_key = lk, .step = 1, .acl = acls,            \
     .summary = sum, .since = snc, .complexity = cx, .subcommands = NULL, \
     .group = "geo", __VA_ARGS__}

#define W_SLOW "@write @geo @slow"
#define R_SLOW "@read @geo @slow"
#define UNIT "<M | KM | FT | MI>{=unit}"
#define RADIUS_OPTS                                                        \
    "[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY%s]]{=count} "     \
    "[ASC | DESC]{=order}"
#define SEARCH_SHAPE                                                       \
    "<FROMMEMBER member | FROMLONLAT (longitude{double} latitude{double})" \
    "{=longitude_latitude}>{=from} <(BYRADIUS radius{double} " UNIT       \
    "){=circle} | (BYBOX width{double} height{double} " UNIT              \
    "){=box}>{=by} [ASC | DESC]{=order} [COUNT count [ANY]]{=count}"
#define SEARCH_CX                                                          \
    "O(N+log(M)) where N is the number of elements in the grid-aligned "   \
    "bounding box area around the shape provided as the filter and M is "  \
    "the number of items inside the shape"
#define RADIUS_CX                                                          \
    "O(N+log(M)) where N is the number of elements inside the bounding "   \
    "box of the circular area delimited by center and radius and M is the " \
    "number of items inside the index."
#define RADIUS_SPECS(from)                                                 \
    "RO access index:1; OW update keyword:STORE:" from                    \
    "; OW update keyword:STOREDIST:" from
#define UNITS_HIST "7.0.0: Added support for uppercase unit names."

static const md_command_t geo_commands[] = {
    CMD("geoadd", geo_cmd_geoadd, -5, "write denyoom", 1, 1, W_SLOW,
        "Adds one or more members to a geospatial index. The key is created "
        "if it doesn't exist.", "3.2.0",
        "O(log(N)) for each item added, where N is the number of elements in "
        "the sorted set.",
        .syntax = "key [NX | XX]{=condition @6.2.0} [CH{=change @6.2.0}] "
                  "longitude{double} latitude{double} member "
                  "[longitude{double} latitude{double} member ...]{=longitude_latitude_member}",
        .key_specs = "RW update index:1",
        .history = "6.2.0: Added the `CH`, `NX` and `XX` options."),
    CMD("geodist", geo_cmd_geodist, -4, "readonly", 1, 1, R_SLOW,
        "Returns the distance between two members of a geospatial index.",
        "3.2.0", "O(1)",
        .syntax = "key member1 member2 [M | KM | FT | MI]{=unit}",
        .key_specs = "RO access index:1"),
    CMD("geohash", geo_cmd_geohash, -2, "readonly", 1, 1, R_SLOW,
        "Returns members from a geospatial index as geohash strings.",
        "3.2.0", "O(1) for each member requested.",
        .syntax = "key [member [member ...]]",
        .key_specs = "RO access index:1"),
    CMD("geopos", geo_cmd_geopos, -2, "readonly", 1, 1, R_SLOW,
        "Returns the longitude and latitude of members from a geospatial "
        "index.", "3.2.0", "O(1) for each member requested.",
        .syntax = "key [member [member ...]]",
        .key_specs = "RO access index:1"),
    CMD("georadius", geo_cmd_georadius, -6, "write denyoom movablekeys", 1, 1,
        W_SLOW,
        "Queries a geospatial index for members within a distance from a "
        "coordinate, optionally stores the result.", "3.2.0", RADIUS_CX,
        .syntax = "key longitude{double} latitude{double} radius{double} " UNIT
                  " [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count "
                  "[ANY{@6.2.0}]]{=count} [ASC | DESC]{=order} [STORE key] "
                  "[STOREDIST key]",
        .key_specs = RADIUS_SPECS("6"),
        .history = "6.2.0: Added the `ANY` option for `COUNT`.\n" UNITS_HIST,
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` "
                       "argument"),
    CMD("georadiusbymember", geo_cmd_georadiusbymember, -5,
        "write denyoom movablekeys", 1, 1, W_SLOW,
        "Queries a geospatial index for members within a distance from a "
        "member, optionally stores the result.", "3.2.0", RADIUS_CX,
        .syntax = "key member radius{double} " UNIT
                  " [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]]{=count} "
                  "[ASC | DESC]{=order} [STORE key] [STOREDIST key]",
        .key_specs = RADIUS_SPECS("5"),
        .history = UNITS_HIST,
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` "
                       "and `FROMMEMBER` arguments"),
    CMD("georadius_ro", geo_cmd_georadius_ro, -6, "readonly", 1, 1, R_SLOW,
        "Returns members from a geospatial index that are within a distance "
        "from a coordinate.", "3.2.10", RADIUS_CX,
        .syntax = "key longitude{double} latitude{double} radius{double} " UNIT
                  " [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count "
                  "[ANY{@6.2.0}]]{=count} [ASC | DESC]{=order}",
        .key_specs = "RO access index:1",
        .history = "6.2.0: Added the `ANY` option for `COUNT`.",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`GEOSEARCH` with the `BYRADIUS` argument"),
    CMD("georadiusbymember_ro", geo_cmd_georadiusbymember_ro, -5, "readonly", 1,
        1, R_SLOW,
        "Returns members from a geospatial index that are within a distance "
        "from a member.", "3.2.10", RADIUS_CX,
        .syntax = "key member radius{double} " UNIT
                  " [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]]{=count} "
                  "[ASC | DESC]{=order}",
        .key_specs = "RO access index:1",
        .doc_flags = "deprecated", .deprecated_since = "6.2.0",
        .replaced_by = "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` "
                       "arguments"),
    CMD("geosearch", geo_cmd_geosearch, -7, "readonly", 1, 1, R_SLOW,
        "Queries a geospatial index for members inside an area of a box or a "
        "circle.", "6.2.0", SEARCH_CX,
        .syntax = "key " SEARCH_SHAPE " [WITHCOORD] [WITHDIST] [WITHHASH]",
        .key_specs = "RO access index:1",
        .history = "7.0.0: Added support for uppercase unit names."),
    CMD("geosearchstore", geo_cmd_geosearchstore, -8, "write denyoom", 1, 2,
        W_SLOW,
        "Queries a geospatial index for members inside an area of a box or a "
        "circle, optionally stores the result.", "6.2.0", SEARCH_CX,
        .syntax = "destination source " SEARCH_SHAPE " [STOREDIST]",
        .key_specs = "OW update index:1; RO access index:2",
        .history = "7.0.0: Added support for uppercase unit names."),
    {.name = NULL}};

/* A module was loaded or upgraded: take zset.v1's current table (MODULE
 * UPGRADE of the zsets module replaces it; docs/sdk.md, "Services across
 * an upgrade"). */
static void geo_on_module(md_ctx_t *ctx, const md_event_t *e)
{
    (void)ctx;
    const md_zset_v1_t *z = e->sub == MD_SUB_MODULE_LOADED
                                ? md_service_import(MD_SERVICE_ZSET, SERVICE_REVISION)
                                : NULL;
    if (z != NULL) geo_z = z;
}

/* Import zset.v1 and register the commands; any failure aborts the load. */
static int geo_on_load(int argc, const md_arg_t *argv)
{
    (void)argv;
    if (argc != 0) md_log(MD_LOG_WARNING, "geo: module arguments are ignored");
    geo_z = md_service_import(MD_SERVICE_ZSET, SERVICE_REVISION);
    if (geo_z == NULL ||
        geo_z->size < offsetof(md_zset_v1_t, range_rank) + sizeof(geo_z->range_rank) ||
        md_event_subscribe(MD_EVENT_MODULE, geo_on_module) != MD_OK)
        return MD_ERR;
    return md_commands_register(geo_commands);
}

static const char *const geo_types[] = {NULL};
static const md_service_ref_t geo_provides[] = {{NULL, 0}};
static const md_service_ref_t geo_requires[] = {
    {MD_SERVICE_ZSET, SERVICE_REVISION}, {NULL, 0}};

MD_MODULE(geo_on_load,
          .name = "geo",
          .version = 10000,
          .description = "Redis geospatial indexes: GEOADD, GEODIST, GEOHASH, "
                         "GEOPOS, GEOSEARCH[STORE], GEORADIUS* over zset.v1",
          .types = geo_types,
          .rdb_types = NULL,
          .n_rdb_types = 0,
          .provides = geo_provides,
          .requires = geo_requires)
