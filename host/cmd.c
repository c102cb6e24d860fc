/*
 * cmd.c — the command table (chained hash, case-insensitive names), flag
 * and ACL parsing of declarations, key positions, error statistics, and
 * the entries' lifetime (references and tombstones, cmd.h). The
 * dispatcher that runs commands is dispatch.c.
 */
#include "cmd.h"
#include "lathist.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CMD_BUCKETS 1024

static cmd_t *table[CMD_BUCKETS];
static size_t ncommands;

static const struct { const char *word; uint64_t flag; } flag_words[] = {
    {"write", CMD_WRITE}, {"readonly", CMD_READONLY}, {"denyoom", CMD_DENYOOM},
    {"deny-oom", CMD_DENYOOM}, {"module", CMD_MODULE}, {"admin", CMD_ADMIN},
    {"pubsub", CMD_PUBSUB}, {"noscript", CMD_NOSCRIPT},
    {"blocking", CMD_BLOCKING}, {"loading", CMD_LOADING}, {"stale", CMD_STALE},
    {"skip_monitor", CMD_SKIP_MONITOR}, {"skip_slowlog", CMD_SKIP_SLOWLOG},
    {"asking", CMD_ASKING}, {"fast", CMD_FAST}, {"no_auth", CMD_NO_AUTH},
    {"may_replicate", CMD_MAY_REPLICATE},
    {"no_mandatory_keys", CMD_NO_MANDATORY_KEYS}, {"no_multi", CMD_NO_MULTI},
    {"movablekeys", CMD_MOVABLE_KEYS}, {"allow_busy", CMD_ALLOW_BUSY},
    {"protected", CMD_PROTECTED}, {"no_async_loading", CMD_NO_ASYNC_LOADING},
    {NULL, 0}};

void cmd_table_init(void) { memset(table, 0, sizeof(table)); }

static uint64_t name_hash(const char *s, size_t n)
{
    return util_hash_nocase(s, n) & (CMD_BUCKETS - 1);
}

cmd_t *cmd_lookup(const char *name, size_t len)
{
    for (cmd_t *c = table[name_hash(name, len)]; c; c = c->next)
        if (strlen(c->name) == len && strncasecmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

cmd_t *cmd_lookup_sub(cmd_t *parent, const char *name, size_t len)
{
    for (int i = 0; i < parent->nsubs; i++)
        if (util_eq_nocase(name, len, parent->subs[i]->name)) return parent->subs[i];
    return NULL;
}

const char *cmd_fullname(const cmd_t *c) { return c->fullname; }

static int parse_flags(const char *s, uint64_t *out, char *bad, size_t badcap)
{
    *out = 0;
    while (s && *s) {
        while (*s == ' ') s++;
        size_t n = strcspn(s, " ");
        if (!n) break;
        int found = 0;
        for (int i = 0; flag_words[i].word; i++) {
            if (strlen(flag_words[i].word) == n && strncmp(flag_words[i].word, s, n) == 0) {
                *out |= flag_words[i].flag;
                found = 1;
            }
        }
        if (!found) {
            snprintf(bad, badcap, "%.*s", (int)n, s);
            return -1;
        }
        s += n;
    }
    return 0;
}

/* Split "@string @write" into a NULL-terminated array without '@'. */
static char **parse_acl(const char *s)
{
    char **out = mem_calloc(sizeof(char *));
    int n = 0;
    while (s && *s) {
        while (*s == ' ' || *s == '@') s++;
        size_t k = strcspn(s, " ");
        if (!k) break;
        out = mem_realloc(out, (size_t)(n + 2) * sizeof(char *));
        out[n++] = mem_strndup(s, k);
        out[n] = NULL;
        s += k;
    }
    return out;
}

static char *lower_dup(const char *s)
{
    char *d = mem_strdup(s);
    for (char *p = d; *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

/* The i-th element of a command array with the given stride. */
static const md_command_t *decl_at(const md_command_t *decls, size_t stride, size_t i)
{
    return (const md_command_t *)((const char *)decls + i * stride);
}

/* A full-size copy of a declaration; fields the module lacks are zero. */
static md_command_t *decl_copy(const md_command_t *d, size_t stride)
{
    md_command_t *c = mem_calloc(sizeof(*c));
    memcpy(c, d, stride < sizeof(*c) ? stride : sizeof(*c));
    return c;
}

/* Free what an entry built from its declaration; the names stay. */
static void cmd_strip(cmd_t *c)
{
    for (char **a = c->acl; a && *a; a++) mem_free(*a);
    mem_free(c->acl);
    c->acl = NULL;
    mem_free(c->decl);
    c->decl = NULL;
    cmd_keyspecs_free(&c->keyspecs);
    cmd_docs_free(c->docs);
    c->docs = NULL;
}

static void cmd_free(cmd_t *c)
{
    for (int i = 0; i < c->nsubs; i++) cmd_free(c->subs[i]);
    mem_free(c->subs);
    cmd_strip(c);
    lathist_free(c->hist);
    mem_free(c->name);
    mem_free(c->fullname);
    mem_free(c);
}

/*
 * Take c (and its subcommands) out of service: free it when nothing
 * references it, else keep a tombstone holding only the names. Nothing of
 * the module remains reachable: handler, declaration (its strings and
 * functions live in the .so), group, owner, parent and subcommand links.
 */
static void cmd_retire(cmd_t *c)
{
    for (int i = 0; i < c->nsubs; i++) cmd_retire(c->subs[i]);
    mem_free(c->subs);
    c->subs = NULL;
    c->nsubs = 0;
    if (!c->refs) {
        cmd_free(c);
        return;
    }
    cmd_strip(c);
    c->handler = NULL;
    c->group = NULL;
    c->owner = NULL;
    c->parent = NULL;
    c->next = NULL;
    c->gone = 1;
}

cmd_t *cmd_ref(cmd_t *c)
{
    if (c) c->refs++;
    return c;
}

void cmd_unref(cmd_t *c)
{
    if (c && --c->refs == 0 && c->gone) cmd_free(c);
}

void cmd_hold(cmd_t **slot, cmd_t *c)
{
    if (*slot == c) return;
    cmd_ref(c);
    cmd_unref(*slot);
    *slot = c;
}

/*
 * Parse the key specs (or derive the default), check that they give the
 * declared first/last/step and movablekeys, then parse the docs. On error
 * errbuf names the command and the problem; c keeps what was built (freed
 * by cmd_free).
 */
static int build_meta(cmd_t *c, const md_command_t *d, char *errbuf, size_t errcap)
{
    char why[160];
    int first, last, step, movable, bad = 0;
    if (d->key_specs) {
        bad = cmd_keyspecs_parse(d->key_specs, &c->keyspecs, why, sizeof(why));
    } else {
        cmd_keyspecs_default(&c->keyspecs, c->first_key, c->last_key, c->step,
                             (c->flags & CMD_READONLY) != 0, d->getkeys != NULL);
    }
    if (!bad) {
        cmd_keyspecs_legacy(&c->keyspecs, &first, &last, &step, &movable);
        movable |= d->getkeys != NULL;
        if (first != c->first_key || last != c->last_key || step != c->step ||
            movable != ((c->flags & CMD_MOVABLE_KEYS) != 0)) {
            snprintf(why, sizeof(why), "key specs give first/last/step %d,%d,%d%s, "
                     "the command declares %d,%d,%d%s", first, last, step,
                     movable ? " movablekeys" : "", c->first_key, c->last_key, c->step,
                     (c->flags & CMD_MOVABLE_KEYS) ? " movablekeys" : "");
            bad = -1;
        }
    }
    if (!bad) bad = cmd_docs_parse(d->syntax, c->keyspecs.n, &c->docs, why, sizeof(why));
    if (!bad) bad = cmd_docs_check_history(d->history, why, sizeof(why));
    if (!bad) bad = cmd_docs_check_doc_flags(d->doc_flags, why, sizeof(why));
    if (bad) snprintf(errbuf, errcap, "command '%s': %s", c->fullname, why);
    return bad;
}

/* Command ids: every full name ever registered gets the next number and
 * keeps it, so ACL bitmaps stay right across MODULE UNLOAD/LOAD. Id 1023
 * is never given: ACL keeps that bit for "commands loaded later". */
#define CMD_ID_RESERVED 1023
static char **id_names;
static unsigned nids;

static unsigned id_of(const char *fullname)
{
    for (unsigned i = 0; i < nids; i++)
        if (!strcmp(id_names[i], fullname)) return i;
    id_names = mem_realloc(id_names, (nids + 2) * sizeof(*id_names));
    if (nids == CMD_ID_RESERVED) id_names[nids++] = mem_strdup("");
    id_names[nids] = mem_strdup(fullname);
    return nids++;
}

int cmd_acl_categories(const cmd_t *c, const char **out, int cap)
{
    int n = 0;
    static const struct { uint64_t f; const char *cat; } implied[] = {
        {CMD_WRITE, "write"}, {CMD_READONLY, "read"}, {CMD_ADMIN, "admin"},
        {CMD_ADMIN, "dangerous"}, {CMD_PUBSUB, "pubsub"}, {CMD_FAST, "fast"},
        {CMD_BLOCKING, "blocking"}, {0, NULL}};
    int scripting = 0;
    for (char **a = c->acl; a && *a && n < cap; a++) {
        scripting |= strcmp(*a, "scripting") == 0;
        out[n++] = *a;
    }
    for (int i = 0; implied[i].cat && n < cap; i++) {
        if (!(c->flags & implied[i].f)) continue;
        /* Redis: readonly scripting commands (EVAL_RO) are not @read */
        if (implied[i].f == CMD_READONLY && scripting) continue;
        int have = 0;
        for (int j = 0; j < n; j++) have |= strcmp(out[j], implied[i].cat) == 0;
        if (!have) out[n++] = implied[i].cat;
    }
    if (!(c->flags & CMD_FAST) && n < cap) {
        int have = 0;
        for (int j = 0; j < n; j++) have |= strcmp(out[j], "slow") == 0;
        if (!have) out[n++] = "slow";
    }
    return n;
}

static cmd_t *cmd_build(struct md_module *owner, const md_command_t *src, size_t stride,
                        cmd_t *parent, const char *group, char *errbuf,
                        size_t errcap)
{
    uint64_t flags;
    const md_command_t *d = src;
    char bad[64];
    if (parse_flags(d->flags, &flags, bad, sizeof(bad)) != 0) {
        snprintf(errbuf, errcap, "unknown flag '%s' in command '%s'", bad, d->name);
        return NULL;
    }
    cmd_t *c = mem_calloc(sizeof(*c));
    c->name = lower_dup(d->name);
    if (parent) {
        size_t n = strlen(parent->name) + strlen(c->name) + 2;
        c->fullname = mem_alloc(n);
        snprintf(c->fullname, n, "%s|%s", parent->name, c->name);
    } else {
        c->fullname = mem_strdup(c->name);
    }
    c->id = id_of(c->fullname);
    c->handler = d->handler;
    c->arity = d->arity;
    c->flags = flags;
    c->first_key = d->first_key;
    c->last_key = d->last_key;
    c->step = d->step;
    c->acl = parse_acl(d->acl);
    c->decl = decl_copy(src, stride);
    c->group = d->group ? d->group : group;
    c->owner = owner;
    c->parent = parent;
    if (build_meta(c, c->decl, errbuf, errcap) != 0) {
        cmd_free(c);
        return NULL;
    }
    if (d->subcommands) {
        for (size_t i = 0; decl_at(d->subcommands, stride, i)->name; i++) {
            cmd_t *sub = cmd_build(owner, decl_at(d->subcommands, stride, i), stride, c, group,
                                   errbuf, errcap);
            if (!sub) {
                cmd_free(c);
                return NULL;
            }
            c->subs = mem_realloc(c->subs, (size_t)(c->nsubs + 1) * sizeof(cmd_t *));
            c->subs[c->nsubs++] = sub;
        }
    }
    return c;
}

int cmd_register(struct md_module *owner, const md_command_t *decls,
                 size_t stride, const char *group, const char **err,
                 char *errbuf, size_t errcap)
{
    int n = 0;
    if (stride < offsetof(md_command_t, subcommands) + sizeof(void *)) {
        snprintf(errbuf, errcap, "command table entries are too small (%zu bytes)", stride);
        *err = errbuf;
        return -1;
    }
    for (const md_command_t *d = decls; d->name; d = decl_at(decls, stride, (size_t)++n)) {
        if (cmd_lookup(d->name, strlen(d->name))) {
            snprintf(errbuf, errcap, "command '%s' already exists", d->name);
            *err = errbuf;
            return -1;
        }
        for (int k = 0; k < n; k++) {
            const md_command_t *e = decl_at(decls, stride, (size_t)k);
            if (strcasecmp(e->name, d->name) == 0) {
                snprintf(errbuf, errcap, "command '%s' declared twice", d->name);
                *err = errbuf;
                return -1;
            }
        }
    }
    cmd_t **built = mem_calloc((size_t)(n + 1) * sizeof(cmd_t *));
    for (int i = 0; i < n; i++) {
        built[i] = cmd_build(owner, decl_at(decls, stride, (size_t)i), stride, NULL, group,
                             errbuf, errcap);
        if (!built[i]) {
            for (int j = 0; j < i; j++) cmd_free(built[j]);
            mem_free(built);
            *err = errbuf;
            return -1;
        }
    }
    for (int i = 0; i < n; i++) {
        uint64_t h = name_hash(built[i]->name, strlen(built[i]->name));
        built[i]->next = table[h];
        table[h] = built[i];
        ncommands++;
    }
    mem_free(built);
    return 0;
}

/* ---- MODULE UPGRADE: the new build's table, swapped in place ---- */

int cmd_stage(struct md_module *owner, const md_command_t *decls, size_t stride,
              const char *group, cmd_t ***staged, int *nstaged, char *errbuf, size_t errcap)
{
    if (stride < offsetof(md_command_t, subcommands) + sizeof(void *)) {
        snprintf(errbuf, errcap, "command table entries are too small (%zu bytes)", stride);
        return -1;
    }
    for (size_t i = 0; decl_at(decls, stride, i)->name; i++) {
        const md_command_t *d = decl_at(decls, stride, i);
        cmd_t *held = cmd_lookup(d->name, strlen(d->name));
        int twice = 0;
        for (int k = 0; k < *nstaged; k++) twice |= strcasecmp((*staged)[k]->name, d->name) == 0;
        if ((held && held->owner != owner) || twice) {
            snprintf(errbuf, errcap, twice ? "command '%s' declared twice"
                                           : "command '%s' already exists", d->name);
            return -1;
        }
        cmd_t *c = cmd_build(owner, d, stride, NULL, group, errbuf, errcap);
        if (!c) return -1;
        *staged = mem_realloc(*staged, (size_t)(*nstaged + 1) * sizeof(cmd_t *));
        (*staged)[(*nstaged)++] = c;
    }
    return 0;
}

void cmd_staged_free(cmd_t **staged, int n)
{
    for (int i = 0; i < n; i++) cmd_free(staged[i]);
    mem_free(staged);
}

#define SWAP(a, b) do { __typeof__(a) t_ = (a); (a) = (b); (b) = t_; } while (0)

/*
 * Give entry o what the new build's entry n declares, keeping o's identity
 * (its address, which references hold, its id, statistics and latency
 * histogram); n leaves with o's old declaration and is freed. Subcommands
 * match by name: matched ones are transplanted, new ones adopted, the
 * rest retired (tombstones while referenced).
 */
static void cmd_transplant(cmd_t *o, cmd_t *n)
{
    SWAP(o->handler, n->handler);
    SWAP(o->arity, n->arity);
    SWAP(o->flags, n->flags);
    SWAP(o->first_key, n->first_key);
    SWAP(o->last_key, n->last_key);
    SWAP(o->step, n->step);
    SWAP(o->acl, n->acl);
    SWAP(o->decl, n->decl);
    SWAP(o->keyspecs, n->keyspecs);
    SWAP(o->docs, n->docs);
    SWAP(o->group, n->group);
    cmd_t **subs = mem_calloc((size_t)(n->nsubs + 1) * sizeof(cmd_t *));
    for (int i = 0; i < n->nsubs; i++) {
        cmd_t *ns = n->subs[i], *os = NULL;
        for (int k = 0; k < o->nsubs && !os; k++)
            if (o->subs[k] && strcmp(o->subs[k]->name, ns->name) == 0) {
                os = o->subs[k];
                o->subs[k] = NULL;
            }
        if (os) {
            cmd_transplant(os, ns);
            subs[i] = os;
        } else {
            ns->parent = o;
            subs[i] = ns;
        }
    }
    for (int k = 0; k < o->nsubs; k++)
        if (o->subs[k]) cmd_retire(o->subs[k]);
    mem_free(o->subs);
    o->subs = subs;
    SWAP(o->nsubs, n->nsubs);
    mem_free(n->subs);
    n->subs = NULL;
    n->nsubs = 0;
    cmd_free(n);
}

void cmd_commit_staged(struct md_module *owner, cmd_t **staged, int n)
{
    for (int i = 0; i < CMD_BUCKETS; i++) {
        cmd_t **pp = &table[i];
        while (*pp) {
            cmd_t *c = *pp, *match = NULL;
            for (int k = 0; k < n && !match; k++)
                if (staged[k] && strcmp(staged[k]->name, c->name) == 0) {
                    match = staged[k];
                    staged[k] = NULL;
                }
            if (c->owner != owner) {
                pp = &c->next;
            } else if (match) {
                cmd_transplant(c, match);
                pp = &c->next;
            } else {
                *pp = c->next;
                cmd_retire(c);
                ncommands--;
            }
        }
    }
    for (int k = 0; k < n; k++) {
        if (!staged[k]) continue;
        uint64_t h = name_hash(staged[k]->name, strlen(staged[k]->name));
        staged[k]->next = table[h];
        table[h] = staged[k];
        ncommands++;
    }
    mem_free(staged);
}

int cmd_rename(const char *name, const char *to, const char **err)
{
    cmd_t *c = cmd_lookup(name, strlen(name));
    if (!c) {
        *err = "No such command in rename-command";
        return -1;
    }
    if (*to && cmd_lookup(to, strlen(to)) && strcasecmp(name, to) != 0) {
        *err = "Target command name already exists";
        return -1;
    }
    cmd_t **pp = &table[name_hash(c->name, strlen(c->name))];
    while (*pp != c) pp = &(*pp)->next;
    *pp = c->next;
    if (!*to) {
        cmd_retire(c);
        ncommands--;
        return 0;
    }
    mem_free(c->name);
    c->name = lower_dup(to);
    uint64_t h = name_hash(c->name, strlen(c->name));
    c->next = table[h];
    table[h] = c;
    return 0;
}

void cmd_unregister_owner(struct md_module *owner)
{
    for (int i = 0; i < CMD_BUCKETS; i++) {
        cmd_t **pp = &table[i];
        while (*pp) {
            cmd_t *c = *pp;
            if (c->owner == owner) {
                *pp = c->next;
                cmd_retire(c);
                ncommands--;
            } else {
                pp = &c->next;
            }
        }
    }
}

static int running_in(const cmd_t *c)
{
    if (c->running) return 1;
    for (int i = 0; i < c->nsubs; i++)
        if (running_in(c->subs[i])) return 1;
    return 0;
}

int cmd_owner_running(const struct md_module *owner)
{
    for (int i = 0; i < CMD_BUCKETS; i++)
        for (cmd_t *c = table[i]; c; c = c->next)
            if (c->owner == owner && running_in(c)) return 1;
    return 0;
}

void cmd_foreach(void (*fn)(cmd_t *c, void *priv), void *priv)
{
    for (int i = 0; i < CMD_BUCKETS; i++)
        for (cmd_t *c = table[i]; c; c = c->next) fn(c, priv);
}

size_t cmd_count(void) { return ncommands; }

/* ---- error statistics ---- */

typedef struct errstat {
    struct errstat *next;
    long long count;
    char name[];
} errstat_t;

static errstat_t *errstats;
static int nerrstats;
static char last_error[256];

const char *cmd_last_error(void) { return last_error; }

void cmd_count_error(const char *err, size_t len)
{
    size_t keep = len < sizeof(last_error) - 1 ? len : sizeof(last_error) - 1;
    memcpy(last_error, err, keep);
    last_error[keep] = '\0';
    size_t n = 0;
    while (n < len && err[n] != ' ') n++;
    srv.stat_total_error_replies++;
    for (errstat_t *e = errstats; e; e = e->next) {
        if (strlen(e->name) == n && memcmp(e->name, err, n) == 0) {
            e->count++;
            return;
        }
    }
    if (nerrstats >= 128) return; /* Redis caps the distinct names too */
    errstat_t *e = mem_alloc(sizeof(*e) + n + 1);
    memcpy(e->name, err, n);
    e->name[n] = '\0';
    e->count = 1;
    e->next = errstats;
    errstats = e;
    nerrstats++;
}

void cmd_errstats_foreach(cmd_errstat_fn fn, void *priv)
{
    for (errstat_t *e = errstats; e; e = e->next) fn(priv, e->name, e->count);
}

static void reset_one(cmd_t *c, void *priv)
{
    c->calls = c->usec = c->rejected_calls = c->failed_calls = 0;
    lathist_free(c->hist);
    c->hist = NULL;
    for (int i = 0; i < c->nsubs; i++) reset_one(c->subs[i], priv);
}

void cmd_reset_stats(void)
{
    while (errstats) {
        errstat_t *n = errstats->next;
        mem_free(errstats);
        errstats = n;
    }
    nerrstats = 0;
    cmd_foreach(reset_one, NULL);
}

/* Keep the refs a module's keys function returned that name an argument. */
static int valid_refs(cmd_keyref_t *out, int n, int argc)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (out[i].pos > 0 && out[i].pos < argc) out[k++] = out[i];
    return k;
}

int cmd_get_keys(const cmd_t *cmd, int argc, const md_arg_t *argv, cmd_keyref_t *out, int cap)
{
    const md_command_t *d = cmd->decl;
    if (d->getkeys_flags) {
        int n = d->getkeys_flags(argc, argv, out, cap);
        return valid_refs(out, n < cap ? n : cap, argc);
    }
    if (!d->getkeys) return cmd_keyspecs_find(&cmd->keyspecs, argc, argv, out, cap);
    int *idx = mem_alloc((size_t)(cap > 0 ? cap : 1) * sizeof(int));
    int n = d->getkeys(argc, argv, idx, cap);
    uint32_t flags = cmd->keyspecs.n ? cmd->keyspecs.v[0].flags
                                     : KSF_RW | KSF_ACCESS | KSF_UPDATE;
    if (n > cap) n = cap;
    for (int i = 0; i < n; i++) {
        out[i].pos = idx[i];
        out[i].flags = flags;
    }
    mem_free(idx);
    return valid_refs(out, n, argc);
}
