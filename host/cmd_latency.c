/*
 * cmd_latency.c — LATENCY: the latency monitor's events (latency.c) and
 * latency-tracking's per-command histograms (lathist.c, kept in each
 * command record). GRAPH and DOCTOR are texts of Modis's own, in the
 * shape of Redis's.
 */
#include "cmd.h"
#include "hostcmds.h"
#include "lathist.h"
#include "latency.h"
#include "mem.h"
#include "sdk_ctx.h"
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int latest_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int n = 0;
    while (latency_event(n)) n++;
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) {
        latency_sample_t s[LATENCY_SAMPLES];
        int ns;
        uint32_t max;
        const char *ev = latency_event(i);
        latency_samples(ev, s, &ns, &max);
        md_reply_array(c, 4);
        md_reply_bulk(c, ev, strlen(ev));
        md_reply_int(c, ns ? s[ns - 1].time : 0);
        md_reply_int(c, ns ? s[ns - 1].ms : 0);
        md_reply_int(c, max);
    }
    return MD_OK;
}

/* The event named by argv[2] as a C string, cut to what an event name
 * can be. */
static void event_name(md_arg_t a, char *out, size_t cap)
{
    size_t n = a.len < cap - 1 ? a.len : cap - 1;
    memcpy(out, a.ptr, n);
    out[n] = '\0';
}

static int history_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char ev[64];
    latency_sample_t s[LATENCY_SAMPLES];
    int n;
    uint32_t max;
    event_name(argv[2], ev, sizeof(ev));
    if (argv[2].len >= sizeof(ev) || latency_samples(ev, s, &n, &max) != 0) {
        md_reply_array(c, 0);
        return MD_OK;
    }
    md_reply_array(c, n);
    for (int i = 0; i < n; i++) {
        md_reply_array(c, 2);
        md_reply_int(c, s[i].time);
        md_reply_int(c, s[i].ms);
    }
    return MD_OK;
}

static int reset_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int n = argc - 2;
    const char **names = mem_alloc(sizeof(char *) * (size_t)(n + 1));
    size_t *lens = mem_alloc(sizeof(size_t) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        names[i] = argv[i + 2].ptr;
        lens[i] = argv[i + 2].len;
    }
    md_reply_int(c, latency_reset(names, lens, n));
    mem_free(names);
    mem_free(lens);
    return MD_OK;
}

/* "12s", "3m", "2h", "1d": how long ago a sample was. */
static void ago(int64_t secs, char *out, size_t cap)
{
    if (secs < 60) snprintf(out, cap, "%llds", (long long)secs);
    else if (secs < 3600) snprintf(out, cap, "%lldm", (long long)secs / 60);
    else if (secs < 86400) snprintf(out, cap, "%lldh", (long long)secs / 3600);
    else snprintf(out, cap, "%lldd", (long long)secs / 86400);
}

#define GRAPH_COLS 80
#define GRAPH_ROWS 4

/*
 * The header Redis prints, a rule, then one column per sample (the
 * newest at the right, at most 80): a bar of up to four rows scaled
 * between the lowest and highest sample, and below it, written
 * downwards, how long ago the sample was taken.
 */
static int graph_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    char ev[64];
    latency_sample_t s[LATENCY_SAMPLES];
    int n;
    uint32_t max, lo = 0, hi = 0;
    event_name(argv[2], ev, sizeof(ev));
    if (argv[2].len >= sizeof(ev) || latency_samples(ev, s, &n, &max) != 0) {
        char msg[200];
        snprintf(msg, sizeof(msg), "ERR No samples available for event '%.*s'",
                 (int)(argv[2].len > 128 ? 128 : argv[2].len), argv[2].ptr);
        md_reply_error(c, msg);
        return MD_OK;
    }
    int from = n > GRAPH_COLS ? n - GRAPH_COLS : 0, cols = n - from;
    for (int i = from; i < n; i++) {
        if (i == from || s[i].ms > hi) hi = s[i].ms;
        if (i == from || s[i].ms < lo) lo = s[i].ms;
    }
    char labels[GRAPH_COLS][24];
    int lablen = 0;
    int64_t now = (int64_t)time(NULL);
    for (int k = 0; k < cols; k++) {
        ago(now - s[from + k].time, labels[k], sizeof(labels[k]));
        int l = (int)strlen(labels[k]);
        if (l > lablen) lablen = l;
    }
    size_t cap = 256 + (size_t)(GRAPH_ROWS + lablen + 2) * (GRAPH_COLS + 2);
    char *out = mem_alloc(cap);
    size_t p = (size_t)snprintf(out, cap, "%s - high %lu ms, low %lu ms (all time high %lu ms)\n",
                                ev, (unsigned long)hi, (unsigned long)lo, (unsigned long)max);
    memset(out + p, '-', GRAPH_COLS);
    p += GRAPH_COLS;
    out[p++] = '\n';
    for (int row = GRAPH_ROWS; row >= 1; row--) {
        for (int k = 0; k < cols; k++) {
            uint32_t v = s[from + k].ms;
            int h = hi == lo ? GRAPH_ROWS : 1 + (int)((uint64_t)(v - lo) * (GRAPH_ROWS - 1) /
                                                      (hi - lo));
            out[p++] = h >= row ? (h == row ? '_' : '|') : ' ';
        }
        out[p++] = '\n';
    }
    for (int r = 0; r < lablen; r++) {
        for (int k = 0; k < cols; k++)
            out[p++] = r < (int)strlen(labels[k]) ? labels[k][r] : ' ';
        out[p++] = '\n';
    }
    md_reply_verbatim(c, "txt", out, p);
    mem_free(out);
    return MD_OK;
}

/* A short report per event: spikes, average, worst, and what to look at. */
static int doctor_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char off[] =
        "Latency monitoring is disabled on this server, so there is nothing to report. "
        "Turn it on with \"CONFIG SET latency-monitor-threshold <milliseconds>\" and ask "
        "again once the server has done some work.\n";
    static const char calm[] =
        "No latency spike was observed since this server started (or since the last LATENCY "
        "RESET): every event stayed under latency-monitor-threshold.\n";
    if (srv.latency_monitor_threshold <= 0 || !latency_event(0)) {
        const char *t = srv.latency_monitor_threshold <= 0 ? off : calm;
        md_reply_verbatim(c, "txt", t, strlen(t));
        return MD_OK;
    }
    size_t cap = 4096, p = 0;
    char *out = mem_alloc(cap);
    p += (size_t)snprintf(out + p, cap - p,
                          "Latency spikes of at least %lld ms were observed for these events:\n\n",
                          srv.latency_monitor_threshold);
    int advice_cmd = 0, advice_expire = 0, advice_evict = 0;
    for (int i = 0; latency_event(i); i++) {
        latency_sample_t s[LATENCY_SAMPLES];
        int n;
        uint32_t max;
        const char *ev = latency_event(i);
        latency_samples(ev, s, &n, &max);
        unsigned long long sum = 0;
        for (int k = 0; k < n; k++) sum += s[k].ms;
        if (p + 512 > cap) {
            cap *= 2;
            out = mem_realloc(out, cap);
        }
        p += (size_t)snprintf(out + p, cap - p,
                              "%d. %s: %d latency spikes (average %llums). Worst all time event "
                              "%lums.\n", i + 1, ev, n, n ? sum / (unsigned long long)n : 0ULL,
                              (unsigned long)max);
        if (strstr(ev, "command")) advice_cmd = 1;
        if (strstr(ev, "expire")) advice_expire = 1;
        if (strstr(ev, "evict")) advice_evict = 1;
    }
    if (p + 1024 > cap) {
        cap += 1024;
        out = mem_realloc(out, cap);
    }
    p += (size_t)snprintf(out + p, cap - p, "\nWhat to look at:\n\n");
    if (advice_cmd)
        p += (size_t)snprintf(out + p, cap - p,
                              "- Slow commands: SLOWLOG GET lists them; O(N) commands on big "
                              "values (KEYS, SMEMBERS, LRANGE 0 -1, HGETALL...) block the "
                              "server while they run. LATENCY HISTOGRAM shows each command's "
                              "distribution.\n");
    if (advice_expire)
        p += (size_t)snprintf(out + p, cap - p,
                              "- Many keys expiring at the same moment make the expiry cycle "
                              "long: spread the TTLs.\n");
    if (advice_evict)
        p += (size_t)snprintf(out + p, cap - p,
                              "- Eviction works hard to stay under maxmemory: raise maxmemory "
                              "or lower maxmemory-eviction-tenacity.\n");
    md_reply_verbatim(c, "txt", out, p);
    mem_free(out);
    return MD_OK;
}

/* One command's entry of LATENCY HISTOGRAM. */
static void histogram_entry(md_ctx_t *c, const cmd_t *cmd)
{
    const lathist_t *h = cmd->hist;
    md_reply_bulk(c, cmd->fullname, strlen(cmd->fullname));
    md_reply_map(c, 2);
    md_reply_bulk(c, "calls", 5);
    md_reply_int(c, (long long)lathist_count(h));
    md_reply_bulk(c, "histogram_usec", 14);
    uint64_t tops[32], cums[32], prev = 0;
    int n = 0;
    for (int k = 0; prev < lathist_count(h) && lathist_step(h, k, &tops[n], &cums[n]); k++) {
        if (cums[n] > prev) {
            prev = cums[n];
            n++;
        }
    }
    md_reply_map(c, n);
    for (int i = 0; i < n; i++) {
        md_reply_int(c, (long long)(tops[i] / 1000));
        md_reply_int(c, (long long)cums[i]);
    }
}

typedef struct hist_list {
    const cmd_t **v;
    int n, cap;
} hist_list_t;

static void hist_add(hist_list_t *l, const cmd_t *cmd)
{
    if (!cmd->hist || !lathist_count(cmd->hist)) return;
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == cmd) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, sizeof(*l->v) * (size_t)l->cap);
    }
    l->v[l->n++] = cmd;
}

static void hist_collect(cmd_t *cmd, void *priv)
{
    hist_add(priv, cmd);
    for (int i = 0; i < cmd->nsubs; i++) hist_add(priv, cmd->subs[i]);
}

static int histogram_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    hist_list_t l = {0};
    if (argc == 2) {
        cmd_foreach(hist_collect, &l);
    } else {
        for (int i = 2; i < argc; i++) {
            /* "name" or "container|sub" */
            const char *bar = memchr(argv[i].ptr, '|', argv[i].len);
            cmd_t *cmd = cmd_lookup(argv[i].ptr, bar ? (size_t)(bar - argv[i].ptr) : argv[i].len);
            if (cmd && bar)
                cmd = cmd_lookup_sub(cmd, bar + 1, argv[i].len - (size_t)(bar - argv[i].ptr) - 1);
            if (cmd) hist_collect(cmd, &l);
        }
    }
    md_reply_map(c, l.n);
    for (int i = 0; i < l.n; i++) histogram_entry(c, l.v[i]);
    mem_free(l.v);
    return MD_OK;
}

static int help_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    static const char *const lines[] = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for "
        "the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
        NULL};
    return sdk_reply_help(c, lines);
}

#define LAT_FLAGS "admin noscript loading stale"
#define LAT_ACL "@admin @slow @dangerous"

static const md_command_t latency_subcommands[] = {
    {.name = "doctor", .handler = doctor_cmd, .arity = 2, .flags = LAT_FLAGS, .acl = LAT_ACL,
     .summary = "Returns a human-readable latency analysis report.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "graph", .syntax = "event", .handler = graph_cmd, .arity = 3, .flags = LAT_FLAGS,
     .acl = LAT_ACL, .summary = "Returns a latency graph for an event.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "help", .handler = help_cmd, .arity = 2, .flags = "loading stale", .acl = "@slow",
     .summary = "Returns helpful text about the different subcommands.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server"},
    {.name = "histogram", .syntax = "[command [command ...]]", .handler = histogram_cmd,
     .arity = -2, .flags = LAT_FLAGS, .acl = LAT_ACL,
     .summary = "Returns the cumulative distribution of latencies of a subset or all commands.",
     .since = "7.0.0", .complexity = "O(N) where N is the number of commands with latency "
     "information being retrieved.", .group = "server",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "history", .syntax = "event", .handler = history_cmd, .arity = 3, .flags = LAT_FLAGS,
     .acl = LAT_ACL, .summary = "Returns timestamp-latency samples for an event.",
     .since = "2.8.13", .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "latest", .handler = latest_cmd, .arity = 2, .flags = LAT_FLAGS, .acl = LAT_ACL,
     .summary = "Returns the latest latency samples for all events.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "reset", .syntax = "[event [event ...]]", .handler = reset_cmd, .arity = -2,
     .flags = LAT_FLAGS, .acl = LAT_ACL,
     .summary = "Resets the latency data for one or more events.", .since = "2.8.13",
     .complexity = "O(1)", .group = "server",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {0}};

const md_command_t hostcmds_latency[] = {
    {.name = "latency", .arity = -2, .acl = "@slow",
     .summary = "A container for latency diagnostics commands.", .since = "2.8.13",
     .complexity = "Depends on subcommand.", .subcommands = latency_subcommands,
     .group = "server"},
    {0}};
