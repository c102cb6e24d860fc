/*
 * cmd_toolbox.c — the operator's commands that look at the server as it
 * runs: SLOWLOG (slowlog.c keeps the entries), MONITOR (monitor.c keeps
 * the monitors), LOLWUT (computer art of Modis's own).
 */
#include "client.h"
#include "hostcmds.h"
#include "mem.h"
#include "monitor.h"
#include "multi.h"
#include "sdk_ctx.h"
#include "server.h"
#include "slowlog.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- SLOWLOG ---- */

static int slowlog_get_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long n = 10;
    if (argc > 3) {
        char msg[256];
        snprintf(msg, sizeof(msg), "ERR unknown subcommand or wrong number of arguments for "
                 "'%.*s'. Try SLOWLOG HELP.", (int)(argv[1].len < 128 ? argv[1].len : 128),
                 argv[1].ptr);
        md_reply_error(c, msg);
        return MD_OK;
    }
    if (argc == 3 && (md_arg_ll(argv[2], &n) != MD_OK || n < -1)) {
        md_reply_error(c, "ERR count should be greater than or equal to -1");
        return MD_OK;
    }
    slowlog_reply(client_reply(c->client), c->client->resp, (long)n);
    return MD_OK;
}

static int slowlog_len_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_int(c, (long long)slowlog_len());
    return MD_OK;
}

static int slowlog_reset_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    slowlog_reset();
    md_reply_ok(c);
    return MD_OK;
}

static int slowlog_help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
        NULL};
    sdk_reply_help(c, lines);
    return MD_OK;
}

/* ---- MONITOR ---- */

static int monitor_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = c->client;
    if ((x->flags & CLIENT_DENY_BLOCKING) || multi_executing(x)) {
        /* it expects one reply per command */
        md_reply_error(c, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return MD_OK;
    }
    if (x->flags & CLIENT_MONITOR) return MD_OK; /* as Redis: no second reply */
    monitor_add(x);
    md_reply_ok(c);
    return MD_OK;
}

/* ---- LOLWUT ---- */

/*
 * Modis's piece: a field of Truchet tiles, each cell one of the two
 * diagonals, chosen by a small generator seeded with the version asked
 * for and the size, so the same arguments give the same drawing. The
 * diagonals meet into mazes and diamonds.
 */
static void lolwut_draw(char *out, size_t *len, long cols, long rows, long long version)
{
    static const char *const tiles[2] = {"\xe2\x95\xb1", "\xe2\x95\xb2"}; /* ╱ ╲ */
    uint64_t s = 0x9e3779b97f4a7c15ull ^ (uint64_t)version ^ ((uint64_t)cols << 20) ^
                 ((uint64_t)rows << 40);
    size_t p = 0;
    for (long r = 0; r < rows; r++) {
        for (long k = 0; k < cols; k++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            memcpy(out + p, tiles[(s >> 33) & 1], 3);
            p += 3;
        }
        out[p++] = '\n';
    }
    *len = p;
}

static int lolwut_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long version = 1, dims[2] = {40, 12};
    int i = 1;
    if (argc >= 3 && argv[1].len == 7 && !strncasecmp(argv[1].ptr, "version", 7)) {
        if (md_arg_ll(argv[2], &version) != MD_OK) {
            md_reply_error(c, "ERR value is not an integer or out of range");
            return MD_OK;
        }
        i = 3;
    }
    /* optional columns and rows, each kept within 1..1000 */
    for (int d = 0; d < 2 && i < argc; d++, i++) {
        if (md_arg_ll(argv[i], &dims[d]) != MD_OK) {
            md_reply_error(c, "ERR value is not an integer or out of range");
            return MD_OK;
        }
        if (dims[d] < 1) dims[d] = 1;
        if (dims[d] > 1000) dims[d] = 1000;
    }
    static const char tail[] = "\nTruchet tiles, after Sebastien Truchet, 1704. Redis ver. "
                               SERVER_COMPAT_VERSION "\n";
    size_t cap = (size_t)dims[0] * (size_t)dims[1] * 3 + (size_t)dims[1] + sizeof(tail);
    char *art = mem_alloc(cap);
    size_t len;
    lolwut_draw(art, &len, (long)dims[0], (long)dims[1], version);
    memcpy(art + len, tail, sizeof(tail) - 1);
    len += sizeof(tail) - 1;
    md_reply_verbatim(c, "txt", art, len);
    mem_free(art);
    return MD_OK;
}

/* ---- the table ---- */

#define SLOWLOG_FLAGS "admin loading stale"
#define SLOWLOG_ACL "@admin @slow @dangerous"

static const md_command_t slowlog_subcommands[] = {
    {.name = "get", .syntax = "[count]", .handler = slowlog_get_cmd, .arity = -2,
     .flags = SLOWLOG_FLAGS, .acl = SLOWLOG_ACL, .summary = "Returns the slow log's entries.",
     .since = "2.2.12", .complexity = "O(N) where N is the number of entries returned",
     .group = "server", .tips = "request_policy:all_nodes nondeterministic_output",
     .history = "4.0.0: Added client IP address, port and name to the reply."},
    {.name = "len", .handler = slowlog_len_cmd, .arity = 2, .flags = SLOWLOG_FLAGS,
     .acl = SLOWLOG_ACL, .summary = "Returns the number of entries in the slow log.",
     .since = "2.2.12", .complexity = "O(1)", .group = "server",
     .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {.name = "reset", .handler = slowlog_reset_cmd, .arity = 2, .flags = SLOWLOG_FLAGS,
     .acl = SLOWLOG_ACL, .summary = "Clears all entries from the slow log.", .since = "2.2.12",
     .complexity = "O(N) where N is the number of entries in the slowlog", .group = "server",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "help", .handler = slowlog_help_cmd, .arity = 2, .flags = "loading stale",
     .acl = "@slow", .summary = "Show helpful text about the different subcommands",
     .since = "6.2.0", .complexity = "O(1)", .group = "server"},
    {0}};

const md_command_t hostcmds_toolbox[] = {
    {.name = "slowlog", .arity = -2, .acl = "@slow",
     .summary = "A container for slow log commands.", .since = "2.2.12",
     .complexity = "Depends on subcommand.", .subcommands = slowlog_subcommands,
     .group = "server"},
    {.name = "monitor", .handler = monitor_cmd, .arity = 1, .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous",
     .summary = "Listens for all requests received by the server in real-time.", .since = "1.0.0",
     .group = "server"},
    {.name = "lolwut", .syntax = "[VERSION version{integer}]", .handler = lolwut_cmd, .arity = -1,
     .flags = "readonly fast", .acl = "@read @fast",
     .summary = "Displays computer art and the Redis version", .since = "5.0.0", .group = "server"},
    {0}};
