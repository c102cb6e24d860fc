/*
 * resp.h — the RESP request parser (multibulk and inline) and the reply
 * encoders for RESP2 and RESP3.
 *
 * The parser is incremental and never copies bulk payloads: it records each
 * argument as an (offset, length) pair relative to the start of the current
 * command in the caller's buffer, so the caller may move the unconsumed
 * bytes to the front of its buffer between calls. Inline arguments are
 * unquoted in place (unquoting only shrinks).
 */
#ifndef MODIS_RESP_H
#define MODIS_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "reply.h"

enum { RESP_NEED_MORE = 0, RESP_READY = 1, RESP_ERROR = -1 };

typedef struct resp_span {
    size_t off, len;
} resp_span_t;

typedef struct resp_parser {
    int kind;               /* 0 none yet, '*' multibulk, 'i' inline */
    long long mb_left;      /* arguments still to read */
    long long bulk_len;     /* -1: expecting a $ header */
    size_t pos;             /* parse position, relative to command start */
    resp_span_t *args;
    int nargs, cap;
    long long max_bulk;     /* proto-max-bulk-len */
    long long max_mbulk;    /* multibulk count limit */
    int unauth;             /* client not authenticated: tighter limits */
    const char *err;        /* error text after RESP_ERROR (static) */
    char errbuf[64];
    int inline_empty;       /* the inline line was empty: skip, no command */
} resp_parser_t;

void resp_parser_init(resp_parser_t *p);
void resp_parser_free(resp_parser_t *p);
/* Forget the finished command (keeps the arg array). */
void resp_parser_reset(resp_parser_t *p);
/*
 * Parse from buf[0..len) (buf starts at the current command). Returns
 * RESP_READY with *consumed = the command's byte length, RESP_NEED_MORE, or
 * RESP_ERROR with p->err set to the text after "-ERR Protocol error: ".
 * For RESP_NEED_MORE, *want is a hint of how many more bytes are needed
 * (0 when unknown).
 */
int resp_parse(resp_parser_t *p, char *buf, size_t len, size_t *consumed,
               size_t *want);

/* Reply encoders. `proto` is 2 or 3. */
void resp_add_raw(reply_t *r, const char *s, size_t n);
void resp_add_simple(reply_t *r, const char *s, size_t n);
void resp_add_error(reply_t *r, const char *s, size_t n); /* adds '-' */
void resp_add_int(reply_t *r, long long v);
void resp_add_bulk(reply_t *r, const void *p, size_t n);
void resp_add_bulk_cstr(reply_t *r, const char *s);
void resp_add_bulk_ll(reply_t *r, long long v);
void resp_add_null(reply_t *r, int proto);
void resp_add_null_array(reply_t *r, int proto);
void resp_add_agg(reply_t *r, int proto, char kind, long n); /* * % ~ > */
void resp_add_double(reply_t *r, int proto, double d);
/* A double already formatted: a bulk string in RESP2, ",text" in RESP3. */
void resp_add_double_text(reply_t *r, int proto, const char *s, size_t n);
void resp_add_bool(reply_t *r, int proto, int b);
void resp_add_verbatim(reply_t *r, int proto, const char *fmt3,
                       const char *p, size_t n);
/* Header text for an aggregate of `kind` (downgraded for RESP2). */
int resp_agg_header(char *buf, int proto, char kind, long n);

#endif
