/*
 * sdk_propagate.c — the SDK's propagation section: what a command asks to
 * leave for the AOF and replicas instead of (or besides) its own argv.
 */
#include "propagate.h"
#include "sdk_ctx.h"

static void x_replicate_verbatim(md_ctx_t *c) { prop_record_verbatim(); }

static void x_replicate(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    prop_record(argc, argv);
}

void sdk_api_fill_propagate(md_api_t *a)
{
    a->replicate_verbatim = x_replicate_verbatim;
    a->replicate = x_replicate;
}
