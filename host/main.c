/*
 * main.c — process start-up and shutdown: arguments, configuration, the
 * databases, host commands, modules, listeners, the cron timer, signals,
 * and the libevent loop.
 */
#include "persist/persist.h"
#include "cluster/repl.h"
#include "autoconfig.h"
#include "acl.h"
#include "config.h"
#include "config_host.h"
#include "crash.h"
#include "client.h"
#include "cmd.h"
#include "events.h"
#include "expire.h"
#include "hostcmds.h"
#include "script.h"
#include "function.h"
#include "info.h"
#include "hooks.h"
#include "log.h"
#include "mem.h"
#include "module.h"
#include "pubsub.h"
#include "tracking.h"
#include "evict.h"
#include "multi.h"
#include "sdk_cron_info.h"
#include "net.h"
#include "sdk_ctx.h"
#include "server.h"
#include "shutdown.h"
#include "util.h"

#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

server_t srv;
const md_api_t *sdk_host_api;
md_module_t *sdk_host_self;

static struct event *cron_ev, *sigterm_ev, *sigint_ev;
static int last_signal;      /* SIGTERM or SIGINT, for the shutdown log */

static void random_bytes(void *buf, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, buf, n) != (ssize_t)n) {
        uint64_t x = (uint64_t)util_ustime() ^ (uint64_t)getpid();
        for (size_t i = 0; i < n; i++) ((unsigned char *)buf)[i] = (unsigned char)(x >> (i % 8 * 8));
    }
    if (fd >= 0) close(fd);
}

static void init_identity(void)
{
    unsigned char r[20];
    uint64_t seed;
    random_bytes(r, sizeof(r));
    for (int i = 0; i < 20; i++) sprintf(srv.runid + i * 2, "%02x", r[i]);
    random_bytes(&seed, sizeof(seed));
    util_hash_seed(seed);
    srandom((unsigned)seed);
}

/*
 * Schedule the next cron tick at srv.hostconf.hz: hz (CONFIG SET hz
 * applies at once) clamped to 1..500, doubled with dynamic-hz while each
 * tick would have more than 200 clients to look at (Redis's rule).
 */
static void cron_arm(void)
{
    int hz = srv.hz < 1 ? 1 : srv.hz > 500 ? 500 : srv.hz;
    while (srv.hostconf.dynamic_hz && client_count() / (size_t)hz > 200 && hz < 500)
        hz = hz * 2 > 500 ? 500 : hz * 2;
    srv.hostconf.hz = hz;
    struct timeval tv = {0, 1000000 / hz};
    evtimer_add(cron_ev, &tv);
}

static void cron(evutil_socket_t fd, short what, void *arg)
{
    static long long ticks;
    if (srv.pause_cron) goto rearm; /* DEBUG PAUSE-CRON */
    if (srv.script_busy) goto rearm; /* a script serves clients meanwhile, not the cron */
    ticks++;
    srv.cmd_time_ms = 0;
    expire_cycle();
    sdk_cron_run();
    md_event_t e = {.value = srv.hz};
    events_fire(MD_EVENT_CRON, 0, &e);
    info_cron();
    client_cron();
    tracking_limit();
    evict_cron();
    persist_cron();
    repl_cron();
    for (int i = 0; i < srv.databases; i++) {
        if (srv.hostconf.activerehashing) ks_rehash_step_time(&srv.db[i], 1000);
        if (ticks % 10 == 0 && srv.dict_resizing) ks_maybe_shrink(&srv.db[i]);
    }
    size_t used = mem_used();
    if (used > srv.stat_peak_memory) srv.stat_peak_memory = used;
    int64_t now = util_mstime();
    if (now - srv.ops_sample_last_ms >= 1000) {
        long long d = srv.stat_numcommands - srv.ops_sample_last_count;
        srv.stat_instantaneous_ops = d * 1000 / (now - srv.ops_sample_last_ms);
        srv.ops_sample_last_count = srv.stat_numcommands;
        srv.ops_sample_last_ms = now;
    }
    client_free_closed();
    int flags = last_signal == SIGINT ? srv.hostconf.shutdown_on_sigint
                                      : srv.hostconf.shutdown_on_sigterm;
    if ((srv.shutdown_asap && !shutdown_waiting() && shutdown_try(flags, NULL, NULL) < 0) ||
        shutdown_cron() < 0) {
        if (srv.shutdown_asap)
            log_msg(LOG_WARNING, "%s received but errors trying to shut down the server, "
                    "check the logs for more information",
                    last_signal == SIGINT ? "SIGINT" : "SIGTERM");
        srv.shutdown_asap = 0;
    }
rearm:
    cron_arm();
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    /* A second SIGINT while a shutdown is pending: stop waiting for it. */
    if (srv.shutdown_asap && sig == SIGINT) {
        log_msg(LOG_WARNING, "You insist... exiting now.");
        exit(1);
    }
    log_msg(LOG_WARNING, "Received %s scheduling shutdown...",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    last_signal = (int)sig;
    srv.shutdown_asap = 1; /* acted on by the next cron tick */
}

static void usage(void)
{
    fprintf(stderr,
            "Usage: ./modis-server [/path/to/modis.conf] [options] [-]\n"
            "       ./modis-server - (read config from stdin)\n"
            "       ./modis-server -v or --version\n"
            "       ./modis-server -h or --help\n"
            "       ./modis-server --module-info /path/to/module.so\n\n"
            "Examples:\n"
            "       ./modis-server (run the server with default config)\n"
            "       ./modis-server /etc/modis/6379.conf\n"
            "       ./modis-server --port 7777\n"
            "       ./modis-server /etc/mymodis.conf --loglevel verbose\n");
    exit(1);
}

static void write_pidfile(void)
{
    if (!srv.pidfile || !srv.pidfile[0]) return;
    FILE *f = fopen(srv.pidfile, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
}

static char *abs_path(const char *p)
{
    char buf[4096];
    if (p[0] == '/' || !getcwd(buf, sizeof(buf))) return mem_strdup(p);
    size_t n = strlen(buf) + strlen(p) + 2;
    char *out = mem_alloc(n);
    snprintf(out, n, "%s/%s", buf, p);
    char real[4096];
    if (realpath(out, real)) {
        mem_free(out);
        return mem_strdup(real);
    }
    return out;
}

/* What DEBUG RESTART executes again: this binary and the command line,
 * with the config file's absolute path (the process may chdir to `dir`). */
static void keep_exec_line(int argc, char **argv, int conf_index)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) self[n] = '\0';
    srv.executable = n > 0 ? mem_strdup(self) : abs_path(argv[0]);
    srv.exec_argv = mem_calloc((size_t)(argc + 1) * sizeof(char *));
    for (int i = 0; i < argc; i++)
        srv.exec_argv[i] = i == conf_index && srv.configfile ? mem_strdup(srv.configfile)
                                                             : mem_strdup(argv[i]);
}

int main(int argc, char **argv)
{
    const char *conffile = NULL;
    int first_opt = 1;
    if (argc >= 2) {
        if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
            printf("Modis server v=%s malloc=%s bits=%d\n", PACKAGE_VERSION,
                   mem_allocator_name(), (int)(sizeof(long) * 8));
            return 0;
        }
        if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) usage();
        if (!strcmp(argv[1], "--module-info")) {
            if (argc != 3) usage();
            return module_print_info(argv[2]);
        }
        if (argv[1][0] != '-' || !strcmp(argv[1], "-")) {
            conffile = argv[1];
            first_opt = 2;
        }
    }
    init_identity();
    util_monotonic_init();
    srv.pid = getpid();
    srv.start_ms = util_mstime();
    sdk_host_api = sdk_api();
    cmd_table_init();
    multi_init();
    pubsub_init();
    tracking_init();
    script_init();
    fn_init();
    hostcmds_register();
    config_init();
    acl_init(); /* the default user, which requirepass sets */
    char *overrides = config_args_to_text(argc - first_opt, argv + first_opt);
    if (conffile && strcmp(conffile, "-")) srv.configfile = abs_path(conffile);
    keep_exec_line(argc, argv, first_opt == 2 ? 1 : -1);
    srv.dict_resizing = 1;
    srv.reply_peak_reset_ms = 5000; /* Redis's default */
    config_load_or_die(conffile, overrides);
    mem_free(overrides);

    if (srv.daemonize) {
        if (fork() != 0) exit(0);
        setsid();
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2) close(fd);
        }
        srv.pid = getpid();
    }
    signal(SIGPIPE, SIG_IGN);
    crash_install(PACKAGE_VERSION);
    config_host_start(); /* THP, CPU list, oom score, syslog, the logo */
    srv.db = mem_calloc((size_t)srv.databases * sizeof(ks_db_t));
    for (int i = 0; i < srv.databases; i++) ks_db_init(&srv.db[i], i);
    hooks_install();
    repl_init();

    log_msg(LOG_NOTICE, "oO0OoO0OoO0Oo Modis is starting oO0OoO0OoO0Oo");
    log_msg(LOG_NOTICE, "Modis version=%s, bits=%d, pid=%d, just started", PACKAGE_VERSION,
            (int)(sizeof(long) * 8), (int)srv.pid);
    srv.base = event_base_new();
    if (net_listen() != 0) exit(1);
    char err[1024];
    if (module_load_queued(err, sizeof(err)) != 0) {
        log_msg(LOG_WARNING, "%s", err);
        exit(1);
    }
    config_apply_deferred_or_die(); /* module parameters from the config */
    acl_load_startup(); /* users may name module commands */
    info_init();
    srv.lastsave = util_mstime() / 1000;
    write_pidfile();
    log_msg(LOG_NOTICE, "Server initialized");
    persist_load_startup(); /* after the modules: they read their values */
    repl_start();
    log_msg(LOG_NOTICE, "Ready to accept connections tcp");
    config_host_ready(argc, argv); /* the process title, over argv's strings */

    cron_ev = evtimer_new(srv.base, cron, NULL);
    cron_arm();
    sigterm_ev = evsignal_new(srv.base, SIGTERM, on_signal, NULL);
    sigint_ev = evsignal_new(srv.base, SIGINT, on_signal, NULL);
    evsignal_add(sigterm_ev, NULL);
    evsignal_add(sigint_ev, NULL);
    event_base_dispatch(srv.base);
    return 0;
}
