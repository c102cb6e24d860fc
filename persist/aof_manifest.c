/*
 * aof_manifest.c — the AOF manifest: parse, format, save atomically, and
 * hand out file names. See aof_manifest.h for the format and invariants.
 */
#include "persist/aof_manifest.h"

#include "host/log.h"
#include "host/mem.h"
#include "host/words.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Redis reads manifest lines with a buffer of this size. */
#define MANIFEST_LINE_MAX 1024

aof_manifest_t *aof_manifest_new(void) { return mem_calloc(sizeof(aof_manifest_t)); }

static void file_free(aof_file_t *f) { mem_free(f->name); }

void aof_manifest_free(aof_manifest_t *am)
{
    if (!am) return;
    if (am->base) {
        file_free(am->base);
        mem_free(am->base);
    }
    for (int i = 0; i < am->nincr; i++) file_free(&am->incr[i]);
    for (int i = 0; i < am->nhist; i++) file_free(&am->hist[i]);
    mem_free(am->incr);
    mem_free(am->hist);
    mem_free(am);
}

static aof_file_t *files_dup(const aof_file_t *src, int n)
{
    if (!n) return NULL;
    aof_file_t *d = mem_alloc((size_t)n * sizeof(*d));
    for (int i = 0; i < n; i++) {
        d[i] = src[i];
        d[i].name = mem_strdup(src[i].name);
    }
    return d;
}

aof_manifest_t *aof_manifest_dup(const aof_manifest_t *am)
{
    aof_manifest_t *d = aof_manifest_new();
    *d = *am;
    if (am->base) d->base = files_dup(am->base, 1);
    d->incr = files_dup(am->incr, am->nincr);
    d->hist = files_dup(am->hist, am->nhist);
    return d;
}

static void push(aof_file_t **arr, int *n, aof_file_t f, int front)
{
    *arr = mem_realloc(*arr, (size_t)(*n + 1) * sizeof(aof_file_t));
    if (front) {
        memmove(*arr + 1, *arr, (size_t)*n * sizeof(aof_file_t));
        (*arr)[0] = f;
    } else {
        (*arr)[*n] = f;
    }
    (*n)++;
}

/* ---- parsing ----------------------------------------------------------- */

/* Parse one non-comment line into *f. Returns NULL or the error text. */
static const char *parse_line(const char *line, aof_file_t *f)
{
    char **w;
    int n = words_split(line, &w);
    /* At least file, seq and type; more pairs are allowed (newer fields). */
    if (n < 6 || n % 2) {
        if (n > 0) words_free(w, n);
        return "Invalid AOF manifest file format";
    }
    memset(f, 0, sizeof(*f));
    const char *err = NULL;
    for (int i = 0; i < n && !err; i += 2) {
        if (!strcasecmp(w[i], "file")) {
            mem_free(f->name);
            f->name = mem_strdup(w[i + 1]);
            if (strchr(f->name, '/')) err = "File can't be a path, just a filename";
        } else if (!strcasecmp(w[i], "seq")) {
            f->seq = atoll(w[i + 1]);
        } else if (!strcasecmp(w[i], "type")) {
            f->type = w[i + 1][0];
        }
    }
    words_free(w, n);
    if (!err && (!f->name || !f->name[0] || f->seq == 0 || f->type == 0))
        err = "Invalid AOF manifest file format";
    if (!err && f->type != AOF_TYPE_BASE && f->type != AOF_TYPE_HIST && f->type != AOF_TYPE_INCR)
        err = "Unknown AOF file type";
    if (err) mem_free(f->name);
    return err;
}

aof_manifest_t *aof_manifest_parse(const char *text, size_t len, int *errline,
                                   char *err, size_t errcap)
{
    aof_manifest_t *am = aof_manifest_new();
    const char *p = text, *end = text + len;
    const char *msg = NULL;
    long long maxseq = 0;
    int lineno = 0;
    *errline = 0;
    if (len == 0) msg = "Found an empty AOF manifest";
    while (!msg && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (*p == '#') {
            p += n + 1;
            continue;
        }
        if (n >= MANIFEST_LINE_MAX) {
            msg = "The AOF manifest file contains too long line";
            break;
        }
        char *line = mem_strndup(p, n);
        p += n + 1;
        if (memchr(line, '\0', n)) {
            mem_free(line);
            msg = "Invalid AOF manifest file format";
            break;
        }
        aof_file_t f;
        msg = parse_line(line, &f);
        mem_free(line);
        if (msg) break;
        if (f.type == AOF_TYPE_BASE) {
            if (am->base) {
                mem_free(f.name);
                msg = "Found duplicate base file information";
                break;
            }
            am->base = mem_alloc(sizeof(aof_file_t));
            *am->base = f;
            am->base_seq = f.seq;
        } else if (f.type == AOF_TYPE_HIST) {
            push(&am->hist, &am->nhist, f, 0);
        } else {
            if (f.seq <= maxseq) {
                mem_free(f.name);
                msg = "Found a non-monotonic sequence number";
                break;
            }
            push(&am->incr, &am->nincr, f, 0);
            am->incr_seq = maxseq = f.seq;
        }
    }
    if (!msg) return am;
    *errline = len ? lineno : 0;
    snprintf(err, errcap, "%s", msg);
    aof_manifest_free(am);
    return NULL;
}

/* ---- formatting -------------------------------------------------------- */

/* Append the name, quoted as Redis's sdscatrepr when needed. */
static size_t put_name(char *out, const char *s)
{
    size_t n = strlen(s);
    if (words_need_repr(s, n)) return words_repr(out, s, n);
    memcpy(out, s, n);
    return n;
}

static void put_file(char **buf, size_t *len, size_t *cap, const aof_file_t *f)
{
    size_t need = strlen(f->name) * 4 + 64;
    if (*len + need > *cap) {
        while (*len + need > *cap) *cap *= 2;
        *buf = mem_realloc(*buf, *cap);
    }
    *len += (size_t)sprintf(*buf + *len, "file ");
    *len += put_name(*buf + *len, f->name);
    *len += (size_t)sprintf(*buf + *len, " seq %lld type %c\n", f->seq, f->type);
}

char *aof_manifest_format(const aof_manifest_t *am, size_t *len)
{
    size_t cap = 256;
    char *buf = mem_alloc(cap);
    *len = 0;
    buf[0] = '\0';
    if (am->base) put_file(&buf, len, &cap, am->base);
    for (int i = 0; i < am->nhist; i++) put_file(&buf, len, &cap, &am->hist[i]);
    for (int i = 0; i < am->nincr; i++) put_file(&buf, len, &cap, &am->incr[i]);
    return buf;
}

/* ---- files ------------------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = mem_alloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int aof_manifest_load(const char *dir, const char *name, aof_manifest_t **out,
                      char *err, size_t errcap)
{
    struct stat st;
    *out = NULL;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *out = aof_manifest_new();
        return 1;
    }
    char *path = join(dir, name);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        int en = errno;
        mem_free(path);
        if (en == ENOENT) {
            *out = aof_manifest_new();
            return 1;
        }
        snprintf(err, errcap, "Fatal error: can't open the AOF manifest file %s for reading: %s",
                 name, strerror(en));
        return -1;
    }
    mem_free(path);
    size_t cap = 4096, len = 0, n;
    char *text = mem_alloc(cap);
    while ((n = fread(text + len, 1, cap - len, fp)) > 0) {
        len += n;
        if (len == cap) text = mem_realloc(text, cap *= 2);
    }
    int rd_err = ferror(fp);
    fclose(fp);
    if (rd_err) {
        mem_free(text);
        snprintf(err, errcap, "Read AOF manifest failed");
        return -1;
    }
    int line;
    char msg[128];
    *out = aof_manifest_parse(text, len, &line, msg, sizeof(msg));
    if (!*out) {
        /* Redis's FATAL AOF MANIFEST FILE ERROR report, on one line. */
        if (line) {
            const char *p = text;
            for (int i = 1; i < line; i++) p = strchr(p, '\n') + 1;
            size_t l = strcspn(p, "\n");
            snprintf(err, errcap, "*** FATAL AOF MANIFEST FILE ERROR *** Reading the manifest "
                     "file %s/%s, at line %d: >>> '%.*s' %s", dir, name, line,
                     (int)(l > 200 ? 200 : l), p, msg);
        } else {
            snprintf(err, errcap, "*** FATAL AOF MANIFEST FILE ERROR *** %s/%s: %s", dir, name,
                     msg);
        }
        mem_free(text);
        return -1;
    }
    mem_free(text);
    return 0;
}

/* fsync the directory holding `path`, so a rename in it is durable. */
static int fsync_dir(const char *path)
{
    char *copy = mem_strdup(path);
    int fd = open(dirname(copy), O_RDONLY);
    mem_free(copy);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int en = errno;
    close(fd);
    errno = en;
    return rc;
}

int aof_manifest_save(const aof_manifest_t *am, const char *dir, const char *name)
{
    size_t tl = strlen(name) + 6;
    char *tmpname = mem_alloc(tl);
    snprintf(tmpname, tl, "temp-%s", name);
    char *tmp = join(dir, tmpname), *path = join(dir, name);
    size_t len;
    char *text = aof_manifest_format(am, &len);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_TRUNC | O_CREAT, 0644);
    if (fd < 0) {
        log_msg(LOG_WARNING, "Can't open the AOF manifest file %s: %s", tmpname, strerror(errno));
        goto out;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            log_msg(LOG_WARNING, "Error trying to write the temporary AOF manifest file %s: %s",
                    tmpname, strerror(errno));
            goto out;
        }
        off += (size_t)w;
    }
    if (fdatasync(fd) != 0) {
        log_msg(LOG_WARNING, "Fail to fsync the temp AOF file %s: %s.", tmpname, strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        log_msg(LOG_WARNING, "Error trying to rename the temporary AOF manifest file %s into "
                "%s: %s", tmpname, name, strerror(errno));
        goto out;
    }
    if (fsync_dir(path) != 0) {
        log_msg(LOG_WARNING, "Fail to fsync AOF directory %s: %s.", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0) close(fd);
    if (rc) unlink(tmp);
    mem_free(text);
    mem_free(tmp);
    mem_free(path);
    mem_free(tmpname);
    return rc;
}

/* ---- names ------------------------------------------------------------- */

static char *make_name(const char *prefix, long long seq, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(suffix) + 24;
    char *s = mem_alloc(n);
    snprintf(s, n, "%s.%lld%s", prefix, seq, suffix);
    return s;
}

const char *aof_manifest_new_base(aof_manifest_t *am, const char *prefix, int rdb)
{
    if (am->base) {
        am->base->type = AOF_TYPE_HIST;
        push(&am->hist, &am->nhist, *am->base, 1);
    } else {
        am->base = mem_alloc(sizeof(aof_file_t));
    }
    am->base->seq = ++am->base_seq;
    am->base->type = AOF_TYPE_BASE;
    am->base->name = make_name(prefix, am->base_seq, rdb ? ".base.rdb" : ".base.aof");
    return am->base->name;
}

const char *aof_manifest_new_incr(aof_manifest_t *am, const char *prefix)
{
    aof_file_t f = {make_name(prefix, ++am->incr_seq, ".incr.aof"), am->incr_seq, AOF_TYPE_INCR};
    push(&am->incr, &am->nincr, f, 0);
    return f.name;
}

const char *aof_manifest_last_incr(aof_manifest_t *am, const char *prefix)
{
    if (am->nincr) return am->incr[am->nincr - 1].name;
    return aof_manifest_new_incr(am, prefix);
}

void aof_manifest_retire_incr(aof_manifest_t *am, int keep_last)
{
    int n = am->nincr - (keep_last && am->nincr ? 1 : 0);
    /* Newest first to the front, as Redis, so history keeps seq order. */
    for (int i = n - 1; i >= 0; i--) {
        am->incr[i].type = AOF_TYPE_HIST;
        push(&am->hist, &am->nhist, am->incr[i], 1);
    }
    memmove(am->incr, am->incr + n, (size_t)(am->nincr - n) * sizeof(aof_file_t));
    am->nincr -= n;
}

void aof_manifest_clear_history(aof_manifest_t *am)
{
    for (int i = 0; i < am->nhist; i++) file_free(&am->hist[i]);
    mem_free(am->hist);
    am->hist = NULL;
    am->nhist = 0;
}
