/*
 * sdk_scan.c — the SDK's SCAN-family section: glob matching with Redis's
 * rules, the cursor argument, the COUNT/MATCH/NOVALUES/TYPE options and
 * the cursor part of the reply. SCAN (cmd_keys.c) and the modules' HSCAN
 * (and later SSCAN/ZSCAN) share these, so they parse and reply alike.
 */
#include "mem.h"
#include "sdk_ctx.h"
#include "sdk_scan.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strtoull() of the argument read as a C string, accepted only whole and
 * in range, as Redis's string2ull() fallback does. */
static int cursor_strtoull(const char *p, size_t n, unsigned long long *out)
{
    char small[64];
    char *buf = n < sizeof(small) ? small : mem_alloc(n + 1);
    char *end = NULL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    int ok = errno != EINVAL && errno != ERANGE && *end == '\0';
    if (buf != small) mem_free(buf);
    if (ok) *out = v;
    return ok;
}

int sdk_scan_parse_cursor(md_ctx_t *c, md_arg_t a, unsigned long long *out)
{
    size_t n = strnlen(a.ptr, a.len);
    long long ll;
    if (util_str2ll(a.ptr, n, &ll) == 0) {
        if (ll >= 0) {
            *out = (unsigned long long)ll;
            return MD_OK;
        }
    } else if (n > 0 && cursor_strtoull(a.ptr, n, out)) {
        return MD_OK;
    }
    md_reply_error(c, "ERR invalid cursor");
    return MD_ERR;
}

int sdk_scan_parse_opts(md_ctx_t *c, int argc, const md_arg_t *argv, int start,
                        unsigned allowed, md_scan_opts_t *out)
{
    memset(out, 0, sizeof(*out));
    out->count = 10;
    for (int i = start; i < argc;) {
        int left = argc - i;
        if (md_arg_eq(argv[i], "count") && left >= 2) {
            if (md_parse_ll(c, argv[i + 1], &out->count) != MD_OK) return MD_ERR;
            if (out->count < 1) {
                md_reply_syntax(c);
                return MD_ERR;
            }
            i += 2;
        } else if (md_arg_eq(argv[i], "match") && left >= 2) {
            out->pattern = argv[i + 1];
            out->use_pattern = !(out->pattern.len == 1 && out->pattern.ptr[0] == '*');
            i += 2;
        } else if ((allowed & MD_SCAN_NOVALUES) && md_arg_eq(argv[i], "novalues")) {
            out->novalues = 1;
            i++;
        } else if ((allowed & MD_SCAN_TYPE) && md_arg_eq(argv[i], "type") && left >= 2) {
            out->type = argv[i + 1];
            i += 2;
        } else {
            md_reply_syntax(c);
            return MD_ERR;
        }
    }
    return MD_OK;
}

void sdk_scan_reply_cursor(md_ctx_t *c, unsigned long long cursor)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%llu", cursor);
    md_reply_array(c, 2);
    md_reply_bulk(c, buf, (size_t)n);
}

void sdk_api_fill_scan(md_api_t *a)
{
    a->glob_match = util_glob;
    a->parse_scan_cursor = sdk_scan_parse_cursor;
    a->parse_scan_opts = sdk_scan_parse_opts;
    a->reply_scan_cursor = sdk_scan_reply_cursor;
}
