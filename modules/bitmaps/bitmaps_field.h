/*
 * bitmaps_field.h — the BITFIELD and BITFIELD_RO handlers, and BITFIELD's
 * key flags for COMMAND GETKEYSANDFLAGS.
 */
#ifndef BITMAPS_FIELD_H
#define BITMAPS_FIELD_H

#include "modis.h"

int bitmaps_cmd_bitfield(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_cmd_bitfield_ro(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;
int bitmaps_bitfield_keys(int argc, const md_arg_t *argv, md_keyref_t *out,
                          int cap) MD_HIDDEN;

#endif /* BITMAPS_FIELD_H */
