/*
 * proc.c — process title, oom_score_adj, THP and CPU affinity. See proc.h.
 *
 * The title is written over the argv strings, as Redis's setproctitle()
 * does: the area runs from argv[0] to the end of the last string that
 * follows it contiguously (argv, then the environment, which is copied to
 * the heap first so getenv() keeps working). /proc/<pid>/cmdline and ps
 * show it. Invariant: the area is only written once proc_title_init() has
 * run, and never past its end.
 */
#define _GNU_SOURCE
#include "proc.h"

#include "log.h"
#include "mem.h"
#include "server.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

static char *title_area;  /* argv[0], or NULL before proc_title_init() */
static size_t title_cap;  /* bytes of the area, its last one kept NUL */

void proc_title_init(int argc, char **argv)
{
    if (argc < 1 || !argv[0]) return;
    char *end = argv[0] + strlen(argv[0]) + 1;
    for (int i = 1; i < argc; i++)
        if (argv[i] == end) end = argv[i] + strlen(argv[i]) + 1;
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **env = malloc((n + 1) * sizeof(char *)); /* lives as long as the process */
    if (!env) return;
    for (size_t i = 0; i < n; i++) {
        if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
        env[i] = strdup(environ[i]);
        if (!env[i]) return; /* keep the old environment: its area stays argv's */
    }
    env[n] = NULL;
    environ = env;
    title_area = argv[0];
    title_cap = (size_t)(end - argv[0]);
}

/* The value of template variable `name` (a heap string), NULL if unknown. */
static char *title_var(const char *name, size_t len, const char *title)
{
    char buf[512];
#define IS(s) (len == strlen(s) && !memcmp(name, s, len))
    if (IS("title")) return mem_strdup(title);
    if (IS("listen-addr")) {
        if (srv.port || srv.tls.port) {
            const char *b = srv.bind && srv.bind[0] ? srv.bind : "*";
            int bl = (int)strcspn(b, " ");
            snprintf(buf, sizeof(buf), "%.*s:%d", bl, b, srv.port ? srv.port : srv.tls.port);
        } else {
            snprintf(buf, sizeof(buf), "unixsocket:%s", srv.unixsocket ? srv.unixsocket : "");
        }
        return mem_strdup(buf);
    }
    if (IS("server-mode")) return mem_strdup(""); /* no cluster or sentinel mode yet */
    if (IS("config-file")) return mem_strdup(srv.configfile ? srv.configfile : "");
    if (IS("port") || IS("tls-port")) {
        snprintf(buf, sizeof(buf), "%d", IS("port") ? srv.port : srv.tls.port);
        return mem_strdup(buf);
    }
    if (IS("unixsocket")) return mem_strdup(srv.unixsocket ? srv.unixsocket : "");
#undef IS
    return NULL;
}

/* Append n bytes to the heap string *s of length *len. */
static void cat(char **s, size_t *len, const char *p, size_t n)
{
    *s = mem_realloc(*s, *len + n + 1);
    memcpy(*s + *len, p, n);
    *len += n;
    (*s)[*len] = '\0';
}

/*
 * Redis's sdstemplate(): "{name}" is replaced by the variable's value,
 * "{{" stands for "{"; a '{' without its '}' (or at the end), an empty or
 * unknown name, fail. A '}' outside a variable is kept as it is.
 */
char *proc_title_expand(const char *tmpl, const char *title)
{
    size_t len = 0;
    char *s = mem_strdup("");
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open) {
            cat(&s, &len, p, strlen(p));
            break;
        }
        cat(&s, &len, p, (size_t)(open - p));
        if (open[1] == '{') {
            cat(&s, &len, "{", 1);
            p = open + 2;
            continue;
        }
        const char *close = open[1] ? strchr(open + 1, '}') : NULL;
        char *v = close ? title_var(open + 1, (size_t)(close - open - 1), title) : NULL;
        if (!v) {
            mem_free(s);
            return NULL;
        }
        cat(&s, &len, v, strlen(v));
        mem_free(v);
        p = close + 1;
    }
    size_t a = strspn(s, " ");
    while (len > a && s[len - 1] == ' ') s[--len] = '\0';
    memmove(s, s + a, len - a + 1);
    return s;
}

int proc_title_valid(const char *tmpl)
{
    char *s = proc_title_expand(tmpl, "");
    int ok = s && s[0];
    mem_free(s);
    return ok;
}

int proc_title_set(const char *title)
{
    if (!title) title = srv.exec_argv && srv.exec_argv[0] ? srv.exec_argv[0] : "modis-server";
    char *s = proc_title_expand(srv.hostconf.proc_title_template ? srv.hostconf.proc_title_template
                                                                 : "", title);
    if (!s) return -1;
    if (title_area && title_cap > 1) {
        size_t n = strlen(s);
        if (n > title_cap - 1) n = title_cap - 1;
        memset(title_area, 0, title_cap);
        memcpy(title_area, s, n);
    }

    mem_free(s);
    return 0;
}

int proc_oom_apply(int cls)
{
    static int adjusted; /* the server has changed the score */
    static int base;     /* the score before it did */
    char buf[64];
    int val, fd;
    if (srv.hostconf.oom_score_adj != PROC_OOM_NO) {
        if (!adjusted) {
            fd = open("/proc/self/oom_score_adj", O_RDONLY);
            ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
            if (n < 0) {
                log_msg(LOG_WARNING, "Unable to read oom_score_adj: %s", strerror(errno));
                if (fd >= 0) close(fd);
                return -1;
            }
            buf[n] = '\0';
            close(fd);
            base = atoi(buf);
            adjusted = 1;
        }
        val = srv.hostconf.oom_values[cls];
        if (srv.hostconf.oom_score_adj == PROC_OOM_RELATIVE) val += base;
        if (val > 1000) val = 1000;
        if (val < -1000) val = -1000;
    } else if (adjusted) {
        adjusted = 0;
        val = base;
    } else {
        return 0;
    }
    snprintf(buf, sizeof(buf), "%d\n", val);
    fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd < 0 || write(fd, buf, strlen(buf)) < 0) {
        log_msg(LOG_WARNING, "Unable to write oom_score_adj: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

void proc_thp_apply(void)
{
    if (!srv.hostconf.disable_thp) return;
    if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0)
        log_msg(LOG_WARNING, "WARNING: failed to disable THP for this process: %s",
                strerror(errno));
}

/* A decimal number at *p (digits only); -1 when there is none. */
static long cpu_num(const char **p)
{
    if (!isdigit((unsigned char)**p)) return -1;
    char *end;
    long v = strtol(*p, &end, 10);
    *p = end;
    return v;
}

/* Redis's cpulist: comma-separated "a", "a-b" or "a-b:stride". 0, or -1
 * when malformed (nothing set then). */
static int cpulist_parse(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    const char *p = s;
    for (;;) {
        long a = cpu_num(&p), b = a, step = 1;
        if (a < 0) return -1;
        if (*p == '-') {
            p++;
            if ((b = cpu_num(&p)) < 0) return -1;
            if (*p == ':') {
                p++;
                if ((step = cpu_num(&p)) <= 0) return -1;
            }
        }
        if (a > b) return -1;
        for (long c = a; c <= b && c < CPU_SETSIZE; c += step) CPU_SET((int)c, set);
        if (*p != ',') break;
        p++;
    }
    return *p ? -1 : 0;
}

void proc_cpulist_apply(const char *list)
{
    cpu_set_t set;
    if (!list || !list[0]) return;
    if (cpulist_parse(list, &set) != 0) {
        log_msg(LOG_WARNING, "Invalid cpulist '%s': CPU affinity left unchanged", list);
        return;
    }
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        log_msg(LOG_WARNING, "Unable to set CPU affinity to '%s': %s", list, strerror(errno));
}

void proc_child_init(int aof)
{
    proc_title_set(aof ? "modis-aof-rewrite" : "modis-rdb-bgsave");
    proc_oom_apply(PROC_CLASS_BGCHILD);
    proc_cpulist_apply(aof ? srv.hostconf.aof_rewrite_cpulist : srv.hostconf.bgsave_cpulist);
}
