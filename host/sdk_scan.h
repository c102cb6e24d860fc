/*
 * sdk_scan.h — the SCAN family's shared pieces (sdk_scan.c), for host
 * commands (SCAN) to call directly; modules reach the same functions
 * through md_glob_match, md_parse_scan_cursor, md_parse_scan_opts and
 * md_reply_scan_cursor.
 */
#ifndef MODIS_SDK_SCAN_H
#define MODIS_SDK_SCAN_H

#include "sdk_host.h"

/* See md_parse_scan_cursor(): replies "ERR invalid cursor" on MD_ERR. */
int sdk_scan_parse_cursor(md_ctx_t *c, md_arg_t a, unsigned long long *out);
/* See md_parse_scan_opts(): replies Redis's error on MD_ERR. */
int sdk_scan_parse_opts(md_ctx_t *c, int argc, const md_arg_t *argv, int start,
                        unsigned allowed, md_scan_opts_t *out);
/* See md_reply_scan_cursor(): the 2-element array and the cursor bulk. */
void sdk_scan_reply_cursor(md_ctx_t *c, unsigned long long cursor);

#endif
