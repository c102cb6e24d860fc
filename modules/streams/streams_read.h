/*
 * streams_read.h — XREAD and XREADGROUP, with BLOCK on the SDK's re-run model.
 */
#ifndef STREAMS_READ_H
#define STREAMS_READ_H

#include "modis.h"

int sx_cmd_xread(md_ctx_t *c, int argc, const md_arg_t *argv);
int sx_cmd_xreadgroup(md_ctx_t *c, int argc, const md_arg_t *argv);

#endif /* STREAMS_READ_H */
