/*
 * acl_file.c — where users come from and go to: `requirepass`, the `user`
 * lines of the config file (checked while it is read, applied once the
 * modules are loaded, since rules may name module commands), the aclfile
 * (ACL LOAD replaces every user or none, ACL SAVE writes a temp file,
 * fsyncs and renames it), and the `user` lines CONFIG REWRITE writes.
 * Texts of errors and log lines are Redis's.
 */
#include "acl_internal.h"
#include "acl_cmd.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `user` lines waiting for acl_load_startup(): name, then the rules. */
typedef struct pending {
    struct pending *next;
    acl_str_t *w;            /* w[0] the name, w[1..n) the merged rules */
    int n;
} pending_t;

static pending_t *pending, **pending_tail = &pending;

void acl_set_requirepass(const char *pass)
{
    acl_user_apply(acl_default, "resetpass", 9);
    if (pass && pass[0]) {
        size_t n = strlen(pass);
        char *op = mem_alloc(n + 2);
        op[0] = '>';
        memcpy(op + 1, pass, n + 1);
        acl_user_apply(acl_default, op, n + 1);
        mem_free(op);
    } else {
        acl_user_apply(acl_default, "nopass", 6);
    }
    acl_default_changed();
}

static acl_str_t *words_of(int argc, char **argv)
{
    acl_str_t *w = mem_alloc((size_t)(argc ? argc : 1) * sizeof(*w));
    for (int i = 0; i < argc; i++) {
        w[i].p = argv[i];
        w[i].len = strlen(argv[i]);
    }
    return w;
}

static int pending_has(const char *name)
{
    for (pending_t *p = pending; p; p = p->next)
        if (!strcmp(p->w[0].p, name)) return 1;
    return 0;
}

/* Redis's ACLAppendUserForLoading: rules are tried on a scratch user (an
 * unknown command may belong to a module not loaded yet); the error names
 * argv[i] for the i-th merged rule, as Redis's message does. */
int acl_config_user_line(int argc, char **argv, char *err, size_t cap)
{
    int bad = -1, e = ACL_E_SYNTAX, m = 0;
    if (pending_has(argv[1])) {
        bad = 1;
        e = ACL_E_DUPLICATE_USER;
    }
    acl_str_t *w = words_of(argc - 2, argv + 2);
    acl_str_t *ops = bad < 0 ? acl_merge_selectors(w, argc - 2, &m, &bad) : NULL;
    mem_free(w);
    if (ops) {
        acl_user_t *scratch = acl_user_new("", 0);
        for (int j = 0; j < m && bad < 0; j++) {
            int r = acl_user_apply(scratch, ops[j].p, ops[j].len);
            if (r != ACL_E_OK && r != ACL_E_UNKNOWN) {
                bad = j;
                e = r;
            }
        }
        acl_user_free(scratch);
    }
    if (bad >= 0) {
        snprintf(err, cap, "Error in user declaration '%s': %s", argv[bad < argc ? bad : 0],
                 acl_error_text(e));
        if (ops) acl_strs_free(ops, m);
        return -1;
    }
    pending_t *p = mem_calloc(sizeof(*p));
    p->n = m + 1;
    p->w = mem_alloc((size_t)p->n * sizeof(*p->w));
    p->w[0].p = mem_strdup(argv[1]);
    p->w[0].len = strlen(argv[1]);
    memcpy(p->w + 1, ops, (size_t)m * sizeof(*ops));
    mem_free(ops);
    *pending_tail = p;
    pending_tail = &p->next;
    return 0;
}

/* The queued `user` lines, applied now; -1 after logging the problem. */
static int load_configured(void)
{
    for (pending_t *p = pending; p; p = p->next) {
        if (acl_has_spaces(p->w[0].p, p->w[0].len)) {
            log_msg(LOG_WARNING, "Spaces not allowed in ACL usernames");
            return -1;
        }
        acl_user_t *u = acl_user_find(p->w[0].p, p->w[0].len);
        if (u) {
            acl_user_apply(u, "reset", 5); /* only the default user exists already */
        } else {
            u = acl_user_new(p->w[0].p, p->w[0].len);
            acl_users_link(u);
        }
        for (int j = 1; j < p->n; j++) {
            int e = acl_user_apply(u, p->w[j].p, p->w[j].len);
            if (e != ACL_E_OK) {
                log_msg(LOG_WARNING, "Error loading ACL rule '%s' for the user named '%s': %s",
                        p->w[j].p, p->w[0].p, acl_error_text(e));
                return -1;
            }
        }
        if (u->flags & USER_OFF)
            log_msg(LOG_NOTICE, "The user '%s' is disabled (there is no 'on' modifier in the "
                    "user description). Make sure this is not a configuration error.",
                    p->w[0].p);
    }
    acl_default_changed();
    return 0;
}

/* ---- the aclfile ---- */

typedef struct errs {
    char *p;
    size_t len;
} errs_t;

static void err_add(errs_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err_add(errs_t *e, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(buf)) n = sizeof(buf) - 1;
    e->p = mem_realloc(e->p, e->len + (size_t)n + 1);
    memcpy(e->p + e->len, buf, (size_t)n + 1);
    e->len += (size_t)n;
}

/* Split a line on single spaces, as sdssplitlen (empty words kept). */
static acl_str_t *split_spaces(char *line, int *n)
{
    int cap = 8;
    acl_str_t *w = mem_alloc((size_t)cap * sizeof(*w));
    *n = 0;
    for (char *p = line;;) {
        char *sp = strchr(p, ' ');
        if (*n == cap) w = mem_realloc(w, (size_t)(cap *= 2) * sizeof(*w));
        w[*n].p = p;
        w[(*n)++].len = sp ? (size_t)(sp - p) : strlen(p);
        if (!sp) break;
        *sp = '\0';
        p = sp + 1;
    }
    return w;
}

static char *trim(char *s, const char *set)
{
    s += strspn(s, set);
    size_t n = strlen(s);
    while (n && strchr(set, s[n - 1])) s[--n] = '\0';
    return s;
}

/* One line of the file into the new table (the current one while loading). */
static void load_line(char *line, int no, errs_t *e)
{
    const char *f = srv.aclfile;
    line = trim(line, " \t\r\n");
    if (!line[0]) return;
    int n;
    acl_str_t *w = split_spaces(line, &n);
    if (strcmp(w[0].p, "user") || n < 2) {
        err_add(e, "%s:%d should start with user keyword followed by the username. ", f, no);
    } else if (acl_has_spaces(w[1].p, w[1].len)) {
        err_add(e, "'%s:%d: username '%s' contains invalid characters. ", f, no, w[1].p);
    } else if (acl_user_find(w[1].p, w[1].len)) {
        err_add(e, "WARNING: Duplicate user '%s' found on line %d. ", w[1].p, no);
    } else {
        acl_user_t *u = acl_user_new(w[1].p, w[1].len);
        acl_users_link(u);
        int m = 0, first = 1;
        acl_str_t *ops = acl_merge_selectors(w + 2, n - 2, &m, NULL);
        if (!ops) err_add(e, "%s:%d: Unmatched parenthesis in selector definition.", f, no);
        for (int j = 0; j < m; j++) {
            char *op = trim(ops[j].p, "\t\r\n");
            int r = acl_user_apply(u, op, strlen(op));
            if (r == ACL_E_UNKNOWN)
                err_add(e, "%s:%d: Error in applying operation '%s': %s. ", f, no, op,
                        acl_error_text(r));
            else if (r != ACL_E_OK && first) {
                err_add(e, "%s:%d: %s. ", f, no, acl_error_text(r));
                first = 0; /* later errors may only follow from this one */
            }
        }
        if (ops) acl_strs_free(ops, m);
    }
    mem_free(w);
}

static void free_table(acl_user_t **tab, int n, const acl_user_t *keep)
{
    for (int i = 0; i < n; i++)
        if (tab[i] != keep) acl_user_free(tab[i]);
    mem_free(tab);
}

/* Read the whole file; NULL (errno set) when it cannot be opened. */
static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    char *text = NULL, buf[4096];
    size_t len = 0, k;
    while ((k = fread(buf, 1, sizeof(buf), fp)) > 0) {
        text = mem_realloc(text, len + k + 1);
        memcpy(text + len, buf, k);
        len += k;
    }
    fclose(fp);
    if (!text) text = mem_calloc(1);
    text[len] = '\0';
    return text;
}

/* Commit a loaded table: the default user's new rules go into the old
 * default user (clients keep pointing at it), clients move or go. */
static void commit_loaded(acl_user_t **old, int nold)
{
    acl_user_t *fresh = acl_user_find("default", 7);
    if (fresh) acl_users_unlink(fresh);
    else fresh = acl_user_new_default();
    acl_user_copy(acl_default, fresh);
    acl_user_free(fresh);
    acl_users_link(acl_default);
    acl_default_changed();
    acl_rebind_clients();
    free_table(old, nold, acl_default);
}

char *acl_load_file(void)
{
    errs_t e = {NULL, 0};
    char *text = read_file(srv.aclfile);
    if (!text) {
        err_add(&e, "Error loading ACLs, opening file '%s': %s", srv.aclfile, strerror(errno));
        return e.p;
    }
    acl_user_t **old = NULL;
    int nold = 0;
    acl_users_swap(&old, &nold);
    int no = 0;
    for (char *line = text, *nl; line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        load_line(line, ++no, &e);
    }
    mem_free(text);
    if (!e.len) {
        commit_loaded(old, nold);
        return NULL;
    }
    acl_users_swap(&old, &nold); /* back to the rules in force */
    free_table(old, nold, NULL);
    err_add(&e, "WARNING: ACL errors detected, no change to the previously active ACL rules "
            "was performed");
    return e.p;
}

/* "user <name> <rules>" (owned). */
static char *user_line(const acl_user_t *u)
{
    char *d = acl_describe_user(u);
    size_t n = u->name.len + strlen(d) + 7;
    char *line = mem_alloc(n);
    snprintf(line, n, "user %.*s %s", (int)u->name.len, u->name.p, d);
    mem_free(d);
    return line;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char *copy = mem_strdup(path);
    int fd = open(dirname(copy), O_RDONLY);
    mem_free(copy);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int acl_save_file(void)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d-%lld", srv.aclfile, (int)getpid(),
             (long long)util_mstime());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const char *what = "Opening temp ACL file for ACL SAVE";
    int ok = fd >= 0;
    for (int i = 0; ok && i < acl_users_count(); i++) {
        char *line = user_line(acl_users_at(i));
        ok = write_all(fd, line, strlen(line)) == 0 && write_all(fd, "\n", 1) == 0;
        mem_free(line);
        if (!ok) what = "Writing ACL file for ACL SAVE";
    }
    if (ok && !(ok = fsync(fd) == 0)) what = "Syncing ACL file for ACL SAVE";
    if (fd >= 0) close(fd);
    if (ok && !(ok = rename(tmp, srv.aclfile) == 0)) what = "Renaming ACL file for ACL SAVE";
    if (ok && !(ok = fsync_dir_of(srv.aclfile) == 0))
        what = "Syncing ACL directory for ACL SAVE";
    if (ok) return 0;
    log_msg(LOG_WARNING, "%s: %s", what, strerror(errno));
    unlink(tmp);
    return -1;
}

void acl_load_startup(void)
{
    int file = srv.aclfile && srv.aclfile[0];
    if (file && pending) {
        log_msg(LOG_WARNING, "Configuring Redis with users defined in redis.conf and at the "
                "same setting an ACL file path is invalid. This setup is very likely to lead "
                "to configuration errors and security holes, please define either an ACL "
                "file or declare users directly in your redis.conf, but not both.");
        exit(1);
    }
    if (load_configured() != 0) {
        log_msg(LOG_WARNING, "Critical error while loading ACLs. Exiting.");
        exit(1);
    }
    char *errors = file ? acl_load_file() : NULL;
    if (errors) {
        log_msg(LOG_WARNING, "Aborting Redis startup because of ACL errors: %s", errors);
        exit(1);
    }
}

void acl_config_lines(void (*fn)(const char *line, void *priv), void *priv)
{
    if (srv.aclfile && srv.aclfile[0]) return;
    for (int i = 0; i < acl_users_count(); i++) {
        char *line = user_line(acl_users_at(i));
        fn(line, priv);
        mem_free(line);
    }
}
