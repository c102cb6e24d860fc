/*
 * test_config.c — the configuration parser and parameter table
 * (host/config.c): config_load_text with redis.conf quoting, comments and
 * the reported error line; memory units; bool/enum/integer/range errors
 * with Redis 7's exact texts; several `save` lines; `loadmodule` lines
 * queued for start-up; config_args_to_text for command-line overrides;
 * config_set_one/config_get_value round trips; module-registered
 * parameters; config_load_or_die's exit status; enable-*-command checks.
 *
 * The expected texts were taken from redis-server 7.0 (FATAL CONFIG FILE
 * ERROR reports for the same lines and command lines), with the 7.2+
 * additions (loglevel "nothing").
 *
 * Every test runs in its own forked process (Check's default), after
 * config_init(), so parameter values never leak between tests.
 */
#include "config.h"
#include "client.h"
#include "cmd.h"
#include "ks.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "server.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ======================================================================
 * Stand-ins for what config.c uses from files this test does not link
 * (main.c, ks.c, cmd.c, log.c, module.c, net.c, acl_file.c,
 * persist/persist.c). config.c,
 * mem.c, util.c, words.c and notify.c are the real ones.
 * ====================================================================== */

server_t srv;                      /* main.c */
ks_stats_t ks_stats;               /* ks.c */
const md_api_t *sdk_host_api;      /* main.c; unused: no CONFIG command runs */
md_module_t *sdk_host_self;        /* main.c */

static int resetstat_calls;
void cmd_reset_stats(void) { resetstat_calls++; } /* cmd.c */

void log_msg(int level, const char *fmt, ...) /* log.c: discard */
{
    (void)level, (void)fmt;
}

/* module.c: record what `loadmodule` lines queue. */
#define MAX_QUEUED 8
static struct {
    char path[256];
    int argc;
    char argv[4][64];
} queued[MAX_QUEUED];
static int nqueued;

void module_queue(const char *path, int argc, char **argv)
{
    ck_assert_int_lt(nqueued, MAX_QUEUED);
    snprintf(queued[nqueued].path, sizeof(queued[nqueued].path), "%s", path);
    queued[nqueued].argc = argc;
    for (int i = 0; i < argc && i < 4; i++)
        snprintf(queued[nqueued].argv[i], sizeof(queued[nqueued].argv[i]), "%s", argv[i]);
    nqueued++;
}

/* cmd.c: rename-command; a command table with one command, "ping". */
static char ping_name[32] = "ping";
cmd_t *cmd_lookup(const char *name, size_t len)
{
    static cmd_t ping;
    return ping_name[0] && strlen(ping_name) == len && !strncasecmp(name, ping_name, len)
               ? &ping : NULL;
}
int cmd_rename(const char *name, const char *to, const char **why)
{
    if (!cmd_lookup(name, strlen(name))) {
        *why = "No such command in rename-command";
        return -1;
    }
    snprintf(ping_name, sizeof(ping_name), "%s", to);
    return 0;
}

/* module.c: CONFIG REWRITE lists the loaded modules; none here. */
module_t *module_first(void) { return NULL; }

/* persist/persist.c: appendonly's CONFIG SET hook; no CONFIG SET runs here. */
int persist_apply_appendonly(char *err, size_t cap)
{
    (void)err, (void)cap;
    return 0;
}

/* cluster/repl_primary.c: repl-backlog-size's CONFIG SET hook; no
 * CONFIG SET runs here. */
int primary_apply_backlog_size(char *err, size_t cap)
{
    (void)err, (void)cap;
    return 0;
}

/* config_host.c's hooks into the rest of the server: aof-disable-auto-gc
 * acts through it (no CONFIG SET runs here), the logo through log_raw
 * (discarded). */
int persist_apply_aof_auto_gc(char *err, size_t cap)
{
    (void)err, (void)cap;
    return 0;
}

/* cluster/repl_link.c: a `replicaof` line; recorded as the primary. */
int link_config_line(int n, char **w, char *err, size_t cap)
{
    if (n != 3) {
        snprintf(err, cap, "wrong number of arguments");
        return -1;
    }
    srv.repl.masterport = atoi(w[2]);
    return 0;
}
void log_raw(int level, const char *text) { (void)level, (void)text; }

/* net.c: the tls-* CONFIG SET hooks; no CONFIG SET runs here. */
int net_tls_reconfigure(void) { return 0; }
int net_tls_port_changed(const char **err)
{
    (void)err;
    return 0;
}

/* acl_file.c: what requirepass and `user` lines hand to the ACL
 * subsystem; recorded, and no users to rewrite. */
static char last_requirepass[64];
static int user_lines;
void acl_set_requirepass(const char *pass)
{
    snprintf(last_requirepass, sizeof(last_requirepass), "%s", pass ? pass : "");
}
int acl_config_user_line(int argc, char **argv, char *e, size_t cap)
{
    (void)argv;
    if (argc < 3) {
        snprintf(e, cap, "Error in user declaration '%s': Syntax error", argv[0]);
        return -1;
    }
    user_lines++;
    return 0;
}
void acl_config_lines(void (*fn)(const char *line, void *priv), void *priv)
{
    (void)fn, (void)priv;
}

/* ====================================================================== */

static int errline;
static char err[512], bad[512];

static void setup(void)
{
    config_init();
    nqueued = 0;
    errline = 0;
    err[0] = bad[0] = '\0';
}

static int load(const char *text)
{
    err[0] = bad[0] = '\0';
    errline = 0;
    return config_load_text(text, &errline, err, sizeof(err), bad, sizeof(bad));
}

/* Value of a parameter as CONFIG GET shows it (static buffer). */
static const char *get(const char *name)
{
    static char buf[8][512];
    static int slot;
    char *v = config_get_value(name);
    if (!v) return NULL;
    char *out = buf[slot++ % 8];
    snprintf(out, 512, "%s", v);
    mem_free(v);
    return out;
}

static int set(const char *name, const char *value)
{
    err[0] = '\0';
    return config_set_one(name, value, err, sizeof(err));
}

/* Assert that `text` fails at `line` with exactly `msg`. */
#define ck_load_error(text, line, msg, badtext)                        \
    do {                                                               \
        ck_assert_int_eq(load(text), -1);                              \
        ck_assert_int_eq(errline, (line));                             \
        ck_assert_str_eq(err, (msg));                                  \
        if ((badtext) != NULL) ck_assert_str_eq(bad, (badtext));       \
    } while (0)

/* ---- defaults ---- */

START_TEST(test_defaults)
{
    ck_assert_str_eq(get("port"), "6379");
    ck_assert_str_eq(get("bind"), "* -::*");
    ck_assert_str_eq(get("protected-mode"), "yes");
    ck_assert_str_eq(get("maxmemory"), "0");
    ck_assert_str_eq(get("maxmemory-policy"), "noeviction");
    ck_assert_str_eq(get("proto-max-bulk-len"), "536870912");
    ck_assert_str_eq(get("client-query-buffer-limit"), "1073741824");
    ck_assert_str_eq(get("save"), "3600 1 300 100 60 10000");
    ck_assert_str_eq(get("appendfsync"), "everysec");
    ck_assert_str_eq(get("loglevel"), "notice");
    ck_assert_str_eq(get("dbfilename"), "dump.rdb");
    ck_assert_str_eq(get("requirepass"), "");
    ck_assert_str_eq(get("hz"), "10");
    ck_assert_str_eq(get("databases"), "16");
    ck_assert_str_eq(get("notify-keyspace-events"), "");
    ck_assert_int_eq(srv.port, 6379);
    ck_assert_int_eq(srv.databases, 16);
    ck_assert_ptr_null(config_get_value("no-such-parameter"));
}
END_TEST

/* ---- config_load_text: syntax ---- */

START_TEST(test_load_basic_and_comments)
{
    const char *text =
        "# a comment\n"
        "\n"
        "   # an indented comment\n"
        "port 7000\n"
        "\t hz   20  \n"
        "PROTECTED-MODE no\n"      /* names are case-insensitive */
        "maxmemory-policy ALLKEYS-LRU\n"
        "loglevel warning";         /* last line without a newline */
    ck_assert_int_eq(load(text), 0);
    ck_assert_int_eq(srv.port, 7000);
    ck_assert_int_eq(srv.hz, 20);
    ck_assert_int_eq(srv.protected_mode, 0);
    ck_assert_str_eq(get("maxmemory-policy"), "allkeys-lru");
    ck_assert_str_eq(get("loglevel"), "warning");
    ck_assert_int_eq(load(""), 0);
    ck_assert_int_eq(load("\n\n# only comments\n"), 0);
}
END_TEST

START_TEST(test_load_crlf)
{
    ck_assert_int_eq(load("port 7001\r\nhz 30\r\n"), 0);
    ck_assert_int_eq(srv.port, 7001);
    ck_assert_int_eq(srv.hz, 30);
}
END_TEST

START_TEST(test_load_quoted_values)
{
    ck_assert_int_eq(load("requirepass \"foo bar\""), 0);
    ck_assert_str_eq(get("requirepass"), "foo bar");
    ck_assert_int_eq(load("requirepass 'single quoted'"), 0);
    ck_assert_str_eq(get("requirepass"), "single quoted");
    ck_assert_int_eq(load("requirepass \"esc\\\"aped\\\\\""), 0);
    ck_assert_str_eq(get("requirepass"), "esc\"aped\\");
    ck_assert_int_eq(load("requirepass \"tab\\there\\nnl\""), 0);
    ck_assert_str_eq(get("requirepass"), "tab\there\nnl");
    ck_assert_int_eq(load("requirepass 'it\\'s'"), 0);
    ck_assert_str_eq(get("requirepass"), "it's");
    ck_assert_int_eq(load("dbfilename \"my dump.rdb\""), 0);
    ck_assert_str_eq(get("dbfilename"), "my dump.rdb");
    ck_assert_int_eq(load("logfile \"\""), 0);
    ck_assert_str_eq(get("logfile"), "");
    ck_assert_int_eq(load("port \"7002\""), 0);
    ck_assert_int_eq(srv.port, 7002);
    ck_assert_int_eq(load("bind 127.0.0.1 \"-::1\""), 0);
    ck_assert_str_eq(get("bind"), "127.0.0.1 -::1");
    /* sdssplitargs: \xHH in double quotes; a quote may start inside a
     * word and ends it; single quotes keep other backslashes */
    ck_assert_int_eq(load("requirepass \"a\\x41b\""), 0);
    ck_assert_str_eq(get("requirepass"), "aAb");
    ck_assert_int_eq(load("requirepass foo\"bar baz\""), 0);
    ck_assert_str_eq(get("requirepass"), "foobar baz");
    ck_assert_int_eq(load("requirepass 'a\\nb'"), 0);
    ck_assert_str_eq(get("requirepass"), "a\\nb");
    ck_assert_int_eq(load("requirepass \"x\"  "), 0);
    ck_assert_str_eq(get("requirepass"), "x");
}
END_TEST

START_TEST(test_load_unbalanced_quotes)
{
    ck_load_error("port 1\nrequirepass \"unterminated", 2,
                  "Unbalanced quotes in configuration line", "requirepass \"unterminated");
    ck_load_error("requirepass 'x", 1, "Unbalanced quotes in configuration line", NULL);
    /* a closing quote must be followed by a blank or the end */
    ck_load_error("requirepass \"foo\"bar", 1, "Unbalanced quotes in configuration line",
                  "requirepass \"foo\"bar");
}
END_TEST

/* ---- config_load_text: errors and line numbers ---- */

START_TEST(test_load_unknown_directive_line)
{
    const char *text =
        "# header\n"
        "\n"
        "port 7000\n"
        "  # comment\n"
        "   nosuch-directive 1\n"
        "hz 99\n";
    ck_load_error(text, 5, "Bad directive or wrong number of arguments", "nosuch-directive 1");
    ck_assert_int_eq(srv.port, 7000); /* lines before the error were applied */
    ck_assert_int_eq(srv.hz, 10);     /* lines after it were not */
    ck_load_error("nosuch", 1, "Bad directive or wrong number of arguments", "nosuch");
    ck_load_error("port 1\nloadmodule", 2, "Bad directive or wrong number of arguments",
                  "loadmodule");
    /* the reported line is trimmed of blanks on both sides */
    ck_load_error("port abc   ", 1, "argument couldn't be parsed into an integer", "port abc");
    ck_load_error("   port abc\t", 1, "argument couldn't be parsed into an integer", "port abc");
}
END_TEST

/* A parameter takes one value, unless it takes several (save, bind). */
START_TEST(test_load_arity)
{
    ck_load_error("port", 1, "wrong number of arguments", "port");
    ck_load_error("port 1 2", 1, "wrong number of arguments", "port 1 2");
    ck_load_error("hz 5\nmaxmemory", 2, "wrong number of arguments", "maxmemory");
    ck_load_error("dir", 1, "wrong number of arguments", NULL);
    ck_load_error("hz 5 # no comments after a value", 1, "wrong number of arguments", NULL);
    ck_load_error("requirepass a b", 1, "wrong number of arguments", NULL);
    ck_assert_int_eq(load("save 10 1 20 2\nbind 127.0.0.1 ::1"), 0);
    ck_assert_str_eq(get("save"), "10 1 20 2");
    ck_assert_str_eq(get("bind"), "127.0.0.1 ::1");
}
END_TEST

START_TEST(test_load_bool_errors)
{
    ck_load_error("protected-mode maybe", 1, "argument must be 'yes' or 'no'",
                  "protected-mode maybe");
    ck_load_error("port 1\nappendonly 1", 2, "argument must be 'yes' or 'no'", NULL);
    ck_assert_int_eq(load("appendonly YES\ndaemonize No"), 0);
    ck_assert_str_eq(get("appendonly"), "yes");
    ck_assert_str_eq(get("daemonize"), "no");
}
END_TEST

START_TEST(test_load_enum_errors)
{
    ck_load_error("maxmemory-policy foo", 1,
                  "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                  "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                  "noeviction", NULL);
    ck_load_error("loglevel loud", 1,
                  "argument(s) must be one of the following: debug, verbose, notice, "
                  "warning, nothing", NULL);
    ck_load_error("enable-debug-command sometimes", 1,
                  "argument(s) must be one of the following: no, yes, local", NULL);
    ck_load_error("appendfsync sometimes", 1,
                  "argument(s) must be one of the following: everysec, always, no", NULL);
    ck_load_error("supervised foo", 1,
                  "argument(s) must be one of the following: upstart, systemd, auto, no", NULL);
    ck_load_error("sanitize-dump-payload foo", 1,
                  "argument(s) must be one of the following: no, yes, clients", NULL);
    ck_load_error("acl-pubsub-default foo", 1,
                  "argument(s) must be one of the following: allchannels, resetchannels", NULL);
    ck_load_error("tls-auth-clients maybe", 1,
                  "argument(s) must be one of the following: no, yes, optional", NULL);
    ck_assert_int_eq(load("appendfsync always"), 0);
    ck_assert_str_eq(get("appendfsync"), "always");
    ck_assert_int_eq(load("loglevel nothing"), 0);
    ck_assert_str_eq(get("loglevel"), "nothing");
}
END_TEST

START_TEST(test_load_int_errors)
{
    ck_load_error("port abc", 1, "argument couldn't be parsed into an integer", "port abc");
    ck_load_error("port 12x", 1, "argument couldn't be parsed into an integer", NULL);
    ck_load_error("port 99999999999999999999", 1,
                  "argument couldn't be parsed into an integer", NULL);
    ck_load_error("port 70000", 1, "argument must be between 0 and 65535 inclusive", NULL);
    ck_load_error("port -1", 1, "argument must be between 0 and 65535 inclusive", NULL);
    ck_load_error("hz 5\ndatabases 0", 2,
                  "argument must be between 1 and 2147483647 inclusive", "databases 0");
    ck_load_error("timeout -1", 1, "argument must be between 0 and 2147483647 inclusive",
                  NULL);
    ck_load_error("maxmemory-samples 65", 1, "argument must be between 1 and 64 inclusive",
                  NULL);
    ck_load_error("slowlog-log-slower-than -2", 1,
                  "argument must be between -1 and 9223372036854775807 inclusive", NULL);
    ck_assert_int_eq(load("slowlog-log-slower-than -1"), 0);
    ck_assert_str_eq(get("slowlog-log-slower-than"), "-1");
}
END_TEST

/* ---- memory units ---- */

START_TEST(test_memory_units)
{
    static const struct { const char *in, *out; } cases[] = {
        {"1gb", "1073741824"}, {"1GB", "1073741824"}, {"1g", "1000000000"},
        {"100mb", "104857600"}, {"100m", "100000000"}, {"10k", "10000"},
        {"10kb", "10240"}, {"10KB", "10240"}, {"5", "5"}, {"5b", "5"}, {"0", "0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char line[64];
        snprintf(line, sizeof(line), "maxmemory %s", cases[i].in);
        ck_assert_msg(load(line) == 0, "%s: %s", line, err);
        ck_assert_str_eq(get("maxmemory"), cases[i].out);
    }
    ck_assert_int_eq(srv.maxmemory, 0);
    ck_assert_int_eq(load("maxmemory 2gb"), 0);
    ck_assert_int_eq(srv.maxmemory, 2LL * 1024 * 1024 * 1024);
}
END_TEST

START_TEST(test_memory_errors)
{
    ck_load_error("maxmemory 10x", 1, "argument must be a memory value", "maxmemory 10x");
    ck_load_error("maxmemory 1.5gb", 1, "argument must be a memory value", NULL);
    ck_load_error("maxmemory gb", 1, "argument must be a memory value", NULL);
    ck_load_error("maxmemory 99999999999gb", 1, "argument must be a memory value", NULL);
    ck_load_error("maxmemory -5", 1, "argument must be a memory value", NULL);
    ck_load_error("maxmemory +5", 1, "argument must be a memory value", NULL);
    ck_load_error("proto-max-bulk-len 10", 1,
                  "argument must be between 1048576 and 9223372036854775807 inclusive", NULL);
    ck_assert_int_eq(load("proto-max-bulk-len 1mb"), 0);
    ck_assert_str_eq(get("proto-max-bulk-len"), "1048576");
}
END_TEST

/* ---- save ---- */

START_TEST(test_save_lines)
{
    /* The first save line replaces the default; later lines add to it. */
    ck_assert_int_eq(load("save 900 1\nport 7000\nsave 300 10\nsave 60 10000 30 5"), 0);
    ck_assert_str_eq(get("save"), "900 1 300 10 60 10000 30 5");
    setup();
    ck_assert_int_eq(load("save \"\"\nsave 100 1"), 0);
    ck_assert_str_eq(get("save"), "100 1");
    setup();
    ck_assert_int_eq(load("save 100 1\nsave \"\""), 0);
    ck_assert_str_eq(get("save"), "");
    setup();
    ck_assert_int_eq(load("save ''"), 0);
    ck_assert_str_eq(get("save"), "");
    setup();
    ck_load_error("save 10", 1, "Invalid save parameters", NULL);
    ck_load_error("save 10 a", 1, "Invalid save parameters", NULL);
    ck_load_error("save -1 1", 1, "Invalid save parameters", NULL);
    ck_load_error("save 0 1", 1, "Invalid save parameters", NULL); /* seconds >= 1 */
    ck_load_error("save 10 1 20", 1, "Invalid save parameters", NULL);
    ck_assert_int_eq(load("save 10 0"), 0);                         /* changes >= 0 */
    ck_assert_str_eq(get("save"), "10 0");
    setup();
    ck_assert_int_eq(load("save"), 0);                              /* alone: none */
    ck_assert_str_eq(get("save"), "");
    setup();
    ck_assert_int_eq(load("save \"10 1 20 2\""), 0);
    ck_assert_str_eq(get("save"), "10 1 20 2");
}
END_TEST

/* ---- loadmodule ---- */

START_TEST(test_loadmodule_queued)
{
    const char *text =
        "loadmodule /usr/lib/modis/modules/strings.so\n"
        "port 7000\n"
        "loadmodule \"/opt/my modules/geo.so\" arg1 \"arg 2\"\n"
        "LOADMODULE /x/y.so\n";
    ck_assert_int_eq(load(text), 0);
    ck_assert_int_eq(nqueued, 3);
    ck_assert_str_eq(queued[0].path, "/usr/lib/modis/modules/strings.so");
    ck_assert_int_eq(queued[0].argc, 0);
    ck_assert_str_eq(queued[1].path, "/opt/my modules/geo.so");
    ck_assert_int_eq(queued[1].argc, 2);
    ck_assert_str_eq(queued[1].argv[0], "arg1");
    ck_assert_str_eq(queued[1].argv[1], "arg 2");
    ck_assert_str_eq(queued[2].path, "/x/y.so");
    ck_assert_int_eq(srv.port, 7000);
}
END_TEST

/* `user` lines go to the ACL subsystem (which checks them), `user` alone
 * is an unknown directive, requirepass is handed over as it is set. */
START_TEST(test_acl_lines)
{
    user_lines = 0;
    ck_assert_int_eq(load("user alice on >pw ~* +@all\nUSER bob off\n"), 0);
    ck_assert_int_eq(user_lines, 2);
    ck_load_error("user", 1, "Bad directive or wrong number of arguments", NULL);
    ck_load_error("acllog-max-len -1", 1,
                  "argument must be between 0 and 9223372036854775807 inclusive", NULL);
    ck_load_error("tls-session-cache-size -1", 1,
                  "argument must be between 0 and 2147483647 inclusive", NULL);
    ck_assert_int_eq(load("requirepass s3cret"), 0);
    ck_assert_str_eq(last_requirepass, "s3cret");
    ck_assert_str_eq(get("requirepass"), "s3cret");
    ck_assert_str_eq(get("acl-pubsub-default"), "resetchannels");
    ck_assert_str_eq(get("tls-auth-clients"), "yes");
    ck_assert_str_eq(get("tls-port"), "0");
}
END_TEST

/* ---- command-line overrides ---- */

static char *args_text(int argc, ...)
{
    char *argv[16];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) argv[i] = va_arg(ap, char *);
    va_end(ap);
    return config_args_to_text(argc, argv);
}

START_TEST(test_args_to_text)
{
    char *t = args_text(4, "--port", "7000", "--save", "");
    ck_assert_str_eq(t, "port \"7000\" \nsave \"\" ");
    ck_assert_int_eq(load(t), 0);
    ck_assert_int_eq(srv.port, 7000);
    ck_assert_str_eq(get("save"), "");
    mem_free(t);

    t = args_text(0);
    ck_assert_str_eq(t, "");
    mem_free(t);

    /* several values, quotes and backslashes survive */
    t = args_text(6, "--save", "900", "1", "--requirepass", "a \"b\" \\c", "--appendonly");
    ck_assert_str_eq(t, "save \"900\" \"1\" \nrequirepass \"a \\\"b\\\" \\\\c\" \nappendonly ");
    mem_free(t);
    t = args_text(5, "--save", "900", "1", "--requirepass", "a \"b\" \\c");
    ck_assert_int_eq(load(t), 0);
    ck_assert_str_eq(get("save"), "900 1");
    ck_assert_str_eq(get("requirepass"), "a \"b\" \\c");
    mem_free(t);

    /* a module with arguments */
    t = args_text(4, "--loadmodule", "/m/x.so", "a1", "a2");
    ck_assert_int_eq(load(t), 0);
    ck_assert_int_eq(nqueued, 1);
    ck_assert_str_eq(queued[0].path, "/m/x.so");
    ck_assert_int_eq(queued[0].argc, 2);
    mem_free(t);

    /* redis-server: "--save" followed by an option, or last, means save "";
     * after any other bare option the next argument is its value */
    t = args_text(3, "--save", "--port", "7000");
    ck_assert_int_eq(load(t), 0);
    ck_assert_str_eq(get("save"), "");
    ck_assert_int_eq(srv.port, 7000);
    mem_free(t);
    setup();
    t = args_text(1, "--save");
    ck_assert_int_eq(load(t), 0);
    ck_assert_str_eq(get("save"), "");
    mem_free(t);
    t = args_text(3, "--hz", "--port", "1");
    ck_load_error(t, 1, "wrong number of arguments", "hz \"--port\" \"1\"");
    mem_free(t);
    t = args_text(1, "--hz");
    ck_load_error(t, 1, "wrong number of arguments", "hz");
    mem_free(t);
    t = args_text(3, "--requirepass", "a b", "c");
    ck_load_error(t, 1, "wrong number of arguments", "requirepass \"a b\" \"c\"");
    mem_free(t);
    /* values are quoted as sdscatrepr does: any byte survives */
    t = args_text(2, "--requirepass", "a\nb\x01\"'");
    ck_assert_int_eq(load(t), 0);
    ck_assert_str_eq(get("requirepass"), "a\nb\x01\"'");
    mem_free(t);

    /* a bad value is reported on its own line of the override text */
    t = args_text(4, "--hz", "5", "--port", "abc");
    ck_load_error(t, 2, "argument couldn't be parsed into an integer", "port \"abc\"");
    mem_free(t);

    /* a long argument list grows the buffer */
    char *argv[200];
    for (int i = 0; i < 200; i += 2) {
        argv[i] = "--maxmemory-samples";
        argv[i + 1] = "7";
    }
    t = config_args_to_text(200, argv);
    ck_assert_int_eq(load(t), 0);
    ck_assert_str_eq(get("maxmemory-samples"), "7");
    mem_free(t);
}
END_TEST

/* ---- config_set_one / config_get_value ---- */

START_TEST(test_set_get_round_trips)
{
    static const struct { const char *name, *in, *out; } cases[] = {
        {"port", "7000", "7000"},
        {"PORT", "7001", "7001"},
        {"maxmemory", "1gb", "1073741824"},
        {"maxmemory", "100mb", "104857600"},
        {"maxmemory", "10k", "10000"},
        {"maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru"},
        {"maxmemory-policy", "volatile-ttl", "volatile-ttl"},
        {"protected-mode", "NO", "no"},
        {"appendonly", "yes", "yes"},
        {"appendfsync", "always", "always"},
        {"appendfsync", "no", "no"},
        {"save", "100 1 200 2", "100 1 200 2"},
        {"save", "", ""},
        {"requirepass", "s3cret", "s3cret"},
        {"requirepass", "", ""},
        {"bind", "127.0.0.1 -::1", "127.0.0.1 -::1"},
        {"notify-keyspace-events", "KEA", "AKE"},
        {"notify-keyspace-events", "Ex", "xE"},
        {"notify-keyspace-events", "", ""},
        {"loglevel", "debug", "debug"},
        {"slowlog-max-len", "0", "0"},
        {"lfu-log-factor", "0", "0"},
        {"hz", "500", "500"},
        {"repl-backlog-size", "2mb", "2097152"},
        {"client-query-buffer-limit", "2gb", "2147483648"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(set(cases[i].name, cases[i].in) == 0, "%s %s: %s", cases[i].name,
                      cases[i].in, err);
        const char *v = get(cases[i].name);
        ck_assert_ptr_nonnull(v);
        ck_assert_msg(strcmp(v, cases[i].out) == 0, "%s %s: got '%s', want '%s'",
                      cases[i].name, cases[i].in, v, cases[i].out);
        /* what CONFIG GET shows can be set again unchanged */
        ck_assert_int_eq(set(cases[i].name, v), 0);
        ck_assert_str_eq(get(cases[i].name), cases[i].out);
    }
    ck_assert_int_eq(srv.port, 7001);
    ck_assert_int_eq(srv.hz, 500);
}
END_TEST

START_TEST(test_set_errors_leave_value)
{
    ck_assert_int_eq(set("port", "7000"), 0);
    ck_assert_int_eq(set("port", "x"), -1);
    ck_assert_str_eq(err, "argument couldn't be parsed into an integer");
    ck_assert_int_eq(set("port", "65536"), -1);
    ck_assert_str_eq(err, "argument must be between 0 and 65535 inclusive");
    ck_assert_str_eq(get("port"), "7000");
    ck_assert_int_eq(set("maxmemory-policy", "lru"), -1);
    ck_assert_str_eq(get("maxmemory-policy"), "noeviction");
    ck_assert_int_eq(set("protected-mode", "on"), -1);
    ck_assert_str_eq(err, "argument must be 'yes' or 'no'");
    ck_assert_int_eq(set("notify-keyspace-events", "Q"), -1);
    ck_assert_str_eq(err, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    ck_assert_int_eq(set("save", "10"), -1);
    ck_assert_str_eq(err, "Invalid save parameters");
    ck_assert_str_eq(get("save"), "3600 1 300 100 60 10000");
    ck_assert_int_eq(set("no-such-parameter", "1"), -1);
    ck_assert_int_eq(set("hz", "2147483648"), -1);
    ck_assert_str_eq(err, "argument must be between 0 and 2147483647 inclusive");
}
END_TEST

START_TEST(test_dir)
{
    char tmpl[] = "/tmp/modis-test-config-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    char real[4096];
    ck_assert_ptr_nonnull(realpath(tmpl, real));
    ck_assert_int_eq(set("dir", tmpl), 0);
    ck_assert_str_eq(get("dir"), real);
    ck_assert_int_eq(set("dir", "/nonexistent/modis/dir"), -1);
    ck_assert_str_eq(err, "No such file or directory");
    ck_assert_str_eq(get("dir"), real);
    ck_assert_int_eq(chdir("/"), 0);
    rmdir(tmpl);
}
END_TEST

/* ---- module-registered parameters ---- */

START_TEST(test_module_parameters)
{
    static long long v1, v2;
    static int owner1, owner2; /* only their addresses matter */
    ck_assert_int_eq(config_register_ll(&owner1, "x-max-entries", &v1, 128, 0, 1000), 0);
    ck_assert_int_eq(config_register_ll(&owner2, "y-max-entries", &v2, 5, 1, 10), 0);
    ck_assert_int_eq(v1, 128);
    ck_assert_str_eq(get("x-max-entries"), "128");
    ck_assert_str_eq(get("X-MAX-ENTRIES"), "128");
    /* names are unique across server and module parameters */
    ck_assert_int_eq(config_register_ll(&owner2, "x-max-entries", &v2, 1, 0, 9), -1);
    ck_assert_int_eq(config_register_ll(&owner2, "port", &v2, 1, 0, 9), -1);
    ck_assert_int_eq(set("x-max-entries", "512"), 0);
    ck_assert_int_eq(v1, 512);
    ck_assert_int_eq(set("x-max-entries", "1001"), -1);
    ck_assert_str_eq(err, "argument must be between 0 and 1000 inclusive");
    ck_assert_int_eq(load("x-max-entries 64\ny-max-entries 9"), 0);
    ck_assert_int_eq(v1, 64);
    ck_assert_int_eq(v2, 9);
    config_unregister_owner(&owner1);
    ck_assert_ptr_null(config_get_value("x-max-entries"));
    ck_assert_int_eq(set("x-max-entries", "1"), -1);
    ck_load_error("x-max-entries 64", 1, "Bad directive or wrong number of arguments", NULL);
    ck_assert_str_eq(get("y-max-entries"), "9");
    /* the name is free again */
    ck_assert_int_eq(config_register_ll(&owner1, "x-max-entries", &v1, 3, 0, 9), 0);
    ck_assert_str_eq(get("x-max-entries"), "3");
    config_unregister_owner(&owner2);
    config_unregister_owner(&owner1);
    ck_assert_ptr_null(config_get_value("y-max-entries"));
}
END_TEST

/* ---- config_load_or_die ---- */

START_TEST(test_load_or_die_ok)
{
    config_load_or_die(NULL, "port \"7005\"\nhz \"7\"");
    ck_assert_int_eq(srv.port, 7005);
    ck_assert_int_eq(srv.hz, 7);

    char path[] = "/tmp/modis-test-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *file = "# test\nport 7100\nsave 60 1\n";
    ck_assert_int_eq(write(fd, file, strlen(file)), (int)strlen(file));
    close(fd);
    config_load_or_die(path, "save \"\"\nhz \"8\""); /* overrides come after the file */
    unlink(path);
    ck_assert_int_eq(srv.port, 7100);
    ck_assert_int_eq(srv.hz, 8);
    ck_assert_str_eq(get("save"), "");
}
END_TEST

START_TEST(test_load_or_die_bad_override)
{
    /* keep the expected FATAL report out of the test log */
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    config_load_or_die(NULL, "port \"abc\"");
}
END_TEST

START_TEST(test_load_or_die_missing_file)
{
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    config_load_or_die("/nonexistent/modis.conf", NULL);
}
END_TEST

/* ---- enable-debug-command / enable-module-command ---- */

START_TEST(test_rename_command_lines)
{
    ck_assert_int_eq(load("rename-command PING pong"), 0);
    ck_assert_str_eq(ping_name, "pong");
    ck_assert_int_eq(load("hz 10\nrename-command nosuch x"), -1);
    ck_assert_int_eq(errline, 2);
    ck_assert_str_eq(err, "No such command in rename-command");
    ck_assert_int_eq(load("rename-command pong"), -1);
    ck_assert_str_eq(err, "Bad directive or wrong number of arguments");
    ck_assert_int_eq(load("rename-command pong \"\""), 0);
    ck_assert_str_eq(ping_name, "");
    snprintf(ping_name, sizeof(ping_name), "ping");
}
END_TEST

START_TEST(test_protected_commands)
{
    client_t local, remote, unixc;
    memset(&local, 0, sizeof(local));
    memset(&remote, 0, sizeof(remote));
    memset(&unixc, 0, sizeof(unixc));
    snprintf(local.addr, sizeof(local.addr), "127.0.0.1:5000");
    snprintf(remote.addr, sizeof(remote.addr), "10.1.2.3:5000");
    unixc.flags = CLIENT_UNIX;
    ck_assert_int_eq(config_protected_allowed("debug", &local), 0); /* default "no" */
    ck_assert_int_eq(config_protected_allowed("module", &local), 0);
    ck_assert_int_eq(load("enable-debug-command local\nenable-module-command yes"), 0);
    ck_assert_int_eq(config_protected_allowed("debug", &local), 1);
    ck_assert_int_eq(config_protected_allowed("debug", &unixc), 1);
    ck_assert_int_eq(config_protected_allowed("debug", &remote), 0);
    ck_assert_int_eq(config_protected_allowed("module", &remote), 1);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_load_basic_and_comments);
    tcase_add_test(tc, test_load_crlf);
    tcase_add_test(tc, test_load_quoted_values);
    tcase_add_test(tc, test_load_unbalanced_quotes);
    tcase_add_test(tc, test_load_unknown_directive_line);
    tcase_add_test(tc, test_load_arity);
    tcase_add_test(tc, test_load_bool_errors);
    tcase_add_test(tc, test_load_enum_errors);
    tcase_add_test(tc, test_load_int_errors);
    tcase_add_test(tc, test_memory_units);
    tcase_add_test(tc, test_memory_errors);
    tcase_add_test(tc, test_save_lines);
    tcase_add_test(tc, test_loadmodule_queued);
    tcase_add_test(tc, test_acl_lines);
    tcase_add_test(tc, test_args_to_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("set_get");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_set_get_round_trips);
    tcase_add_test(tc, test_set_errors_leave_value);
    tcase_add_test(tc, test_dir);
    tcase_add_test(tc, test_module_parameters);
    tcase_add_test(tc, test_protected_commands);
    tcase_add_test(tc, test_rename_command_lines);
    suite_add_tcase(s, tc);

    tc = tcase_create("load_or_die");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_load_or_die_ok);
    tcase_add_exit_test(tc, test_load_or_die_bad_override, 1);
    tcase_add_exit_test(tc, test_load_or_die_missing_file, 1);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
