/*
 * needs_nosuch.c — test module requiring the service "nosuch.v1", which no
 * module provides. The loader checks requirements before md_init, which
 * traps if ever called.
 */
#include <modis.h>

static const md_service_ref_t needs_nosuch_requires[] = {{"nosuch.v1", 1}, {NULL, 0}};
static const char *const needs_nosuch_types[] = {NULL};

static int needs_nosuch_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    __builtin_trap();
}

MD_MODULE(needs_nosuch_on_load,
          .name = "needs_nosuch",
          .version = 1,
          .description = "test: requires a service nobody provides",
          .types = needs_nosuch_types,
          .requires = needs_nosuch_requires)
