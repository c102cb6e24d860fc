/*
 * sdk_double.c — the SDK's doubles section (1.2): md_d2str() (Redis
 * 7.4's d2string, dtoa.c) and md_arg_score_bound() (Redis's
 * zslParseRange() bound syntax). Scores themselves parse with
 * md_parse_double() (sdk_args.c): Redis's string2d rules.
 */
#include "dtoa.h"
#include "sdk_ctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int x_d2str(char *buf, size_t cap, double v) { return dtoa_redis(v, buf, cap); }

/*
 * As zslParseRange(): the argument is read as a C string (up to its first
 * NUL byte, as Redis's argv strings are), an optional '(' makes the bound
 * exclusive, and strtod() must consume everything up to the NUL. So
 * leading blanks, "" (0) and "(" (exclusive 0) pass; an overflow reads as
 * +-inf; only NaN and trailing characters are refused.
 */
static int x_arg_score_bound(md_arg_t a, double *v, int *exclusive)
{
    char stack[128], *buf = stack, *end;
    int rc = MD_ERR;
    if (a.len >= sizeof(stack)) buf = malloc(a.len + 1);
    if (!buf) return MD_ERR;
    memcpy(buf, a.ptr, a.len);
    buf[a.len] = '\0';
    int ex = buf[0] == '(';
    double d = strtod(buf + ex, &end);
    if (end[0] == '\0' && !isnan(d)) {
        *v = d;
        *exclusive = ex;
        rc = MD_OK;
    }
    if (buf != stack) free(buf);
    return rc;
}

void sdk_api_fill_double(md_api_t *a)
{
    a->d2str = x_d2str;
    a->arg_score_bound = x_arg_score_bound;
}
