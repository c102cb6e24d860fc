/*
 * sdk_misc.c — the SDK's utility section: clock, number formatting,
 * logging, propagation requests, hashing, AOF rewrite emission,
 * DEBUG DIGEST accumulation and LZF (the system liblzf, as the RDB layer).
 */
#include "client.h"
#include "digest.h"
#include "log.h"
#include "module.h"
#include "propagate.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"
#include "persist/aof_rewrite.h"

#include <limits.h>
#include <liblzf/lzf.h>
#include <stdio.h>

static int64_t x_mstime(void) { return srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime(); }

static int x_ll2str(char *buf, size_t cap, long long v) { return util_ll2str(buf, cap, v); }

static int x_ld2str(char *buf, size_t cap, long double v, int human)
{
    return util_ld2str(buf, cap, v, human);
}

static int x_resp_version(md_ctx_t *c) { return c->client ? c->client->resp : 2; }

static void x_log(md_module_t *m, int level, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    log_msg(level, "<%s> %s", m ? m->name : "host", buf);
}

static void x_replicate_verbatim(md_ctx_t *c) { prop_record_verbatim(); }

static void x_replicate(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    prop_record(argc, argv);
}

/* liblzf takes unsigned int lengths: anything larger is "does not fit". */
static size_t x_lzf_compress(const void *in, size_t n, void *out, size_t cap)
{
    if (n == 0 || n > UINT_MAX) return 0;
    if (cap > UINT_MAX) cap = UINT_MAX;
    return lzf_compress(in, (unsigned int)n, out, (unsigned int)cap);
}

static size_t x_lzf_decompress(const void *in, size_t n, void *out, size_t cap)
{
    if (n == 0 || n > UINT_MAX) return 0;
    if (cap > UINT_MAX) cap = UINT_MAX;
    return lzf_decompress(in, (unsigned int)n, out, (unsigned int)cap);
}

void sdk_api_fill_misc(md_api_t *a)
{
    a->mstime = x_mstime;
    a->ll2str = x_ll2str;
    a->ld2str = x_ld2str;
    a->resp_version = x_resp_version;
    a->log = x_log;
    a->replicate_verbatim = x_replicate_verbatim;
    a->replicate = x_replicate;
    a->hash = util_hash;
    a->aof_emit = aof_rewrite_emit;
    a->digest_add = digest_add;
    a->digest_end_seq = digest_end_seq;
    a->lzf_compress = x_lzf_compress;
    a->lzf_decompress = x_lzf_decompress;
}
