/*
 * strings_lcs.h — the LCS command (longest common subsequence of two
 * string keys), kept apart from strings_cmds.c because of its size.
 */
#ifndef STRINGS_LCS_H
#define STRINGS_LCS_H

#include "modis.h"

int strings_cmd_lcs(md_ctx_t *c, int argc, const md_arg_t *argv) MD_HIDDEN;

#endif /* STRINGS_LCS_H */
