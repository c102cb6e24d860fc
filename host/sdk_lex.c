/*
 * sdk_lex.c — the SDK's lexicographic range bounds (1.2):
 * md_arg_lex_bound() reads a ZRANGEBYLEX / ZLEXCOUNT / ZREMRANGEBYLEX
 * bound with Redis's zslParseLexRange() rules. The comparisons against a
 * bound are static inline in modis.h. Uses only modis.h, so module unit
 * tests can compile it into a stand-in API table.
 */
#include "../sdk/modis.h"
#include "sdk_lex.h"

/*
 * "[x" and "(x" take every byte after the prefix (binary-safe, empty
 * allowed); "-" and "+" must stand alone, where Redis reads its argument
 * as a C string, so a NUL byte right after the sign also ends it. Any
 * other first byte (or an empty argument) is refused.
 */
static int x_arg_lex_bound(md_arg_t a, md_lex_bound_t *out)
{
    if (a.len == 0) return MD_ERR;
    out->value.ptr = a.ptr + 1;
    out->value.len = a.len - 1;
    switch (a.ptr[0]) {
    case '[':
        out->kind = MD_LEX_INCL;
        return MD_OK;
    case '(':
        out->kind = MD_LEX_EXCL;
        return MD_OK;
    case '-':
    case '+':
        if (a.len > 1 && a.ptr[1] != '\0') return MD_ERR;
        out->kind = a.ptr[0] == '-' ? MD_LEX_NEG_INF : MD_LEX_POS_INF;
        out->value.len = 0;
        return MD_OK;
    default:
        return MD_ERR;
    }
}

void sdk_api_fill_lex(struct md_api *a)
{
    a->arg_lex_bound = x_arg_lex_bound;
}
