/*
 * sdk_util.c — the SDK's utility section: the command's clock, number
 * formatting, the RESP version, logging, hashing, and LZF (the system
 * liblzf, as the RDB layer).
 */
#include "client.h"
#include "log.h"
#include "module.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"

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

void sdk_api_fill_util(md_api_t *a)
{
    a->mstime = x_mstime;
    a->ll2str = x_ll2str;
    a->ld2str = x_ld2str;
    a->resp_version = x_resp_version;
    a->log = x_log;
    a->hash = util_hash;
    a->lzf_compress = x_lzf_compress;
    a->lzf_decompress = x_lzf_decompress;
}
