/*
 * rdb_clash.c — test module whose one type declares the Redis module type
 * name "rdbtype-A", which tests/modules/rdbtypes.c uses too: loading both
 * must be refused before any code of the second runs, naming the first.
 * Alone it loads (its type has no command; rdb_load refuses everything).
 */
#include <modis.h>

static void clash_free(void *v) { (void)v; }

static int clash_save(md_rdb_t *r, const void *v)
{
    (void)r, (void)v;
    return MD_ERR;
}

static void *clash_load(md_rdb_t *r, int encver)
{
    (void)encver;
    md_rdb_error(r, "rdb_clash: cannot load values");
    return NULL;
}

static const md_type_ops_t clash_ops = {
    .size = sizeof(md_type_ops_t), .free = clash_free,
    .rdb_save = clash_save, .rdb_load = clash_load};

static int clash_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_type_register("clash", &clash_ops) ? MD_OK : MD_ERR;
}

static const char *const clash_types[] = {"clash", NULL};
static const md_type_rdb_t clash_rdb[] = {
    {.type = "clash", .module_type = "rdbtype-A", .encver = 0}, {.type = NULL}};

MD_MODULE(clash_on_load,
          .name = "rdb_clash",
          .version = 1,
          .description = "test: a Redis module type name rdbtypes uses too",
          .types = clash_types,
          .type_rdb = clash_rdb)
