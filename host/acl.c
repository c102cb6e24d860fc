/*
 * acl.c — ACL users and their rules, as Redis 7.4 keeps them: the user
 * table, selectors (the root one and those in parentheses), every rule of
 * ACL SETUSER with Redis's error texts, and the descriptions ACL LIST,
 * GETUSER, SAVE and CONFIG REWRITE print.
 *
 * Command permissions are a bitmap over command ids (cmd_t.id, stable per
 * full name, so a module reloaded gets its bits back) plus the rules as
 * given ("rules"), which is what is shown: a rule given again moves to the
 * end, replacing its earlier spelling and its subcommands' (Redis 7.2's
 * ACLUpdateCommandRules). SETUSER works on a copy and commits only when
 * every rule applied, so a bad rule changes nothing.
 */
#include "acl_internal.h"
#include "cmd.h"
#include "mem.h"
#include "server.h"
#include "util.h"
#include "words.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const acl_categories[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
    "dangerous", "connection", "transaction", "scripting", NULL};

acl_user_t *acl_default;
static acl_user_t **users;   /* sorted by name */
static int nusers;

/* ---- small strings ---- */

static acl_str_t str_dup(const char *p, size_t len)
{
    acl_str_t s = {mem_alloc(len + 1), len};
    memcpy(s.p, p, len);
    s.p[len] = '\0';
    return s;
}

static int str_eq(acl_str_t a, const char *p, size_t len)
{
    return a.len == len && memcmp(a.p, p, len) == 0;
}

void acl_strs_free(acl_str_t *v, int n)
{
    for (int i = 0; i < n; i++) mem_free(v[i].p);
    mem_free(v);
}

static acl_str_t *strs_dup(const acl_str_t *v, int n)
{
    acl_str_t *out = mem_alloc((size_t)(n ? n : 1) * sizeof(*out));
    for (int i = 0; i < n; i++) out[i] = str_dup(v[i].p, v[i].len);
    return out;
}

int acl_has_spaces(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)s[i]) || s[i] == '\0') return 1;
    return 0;
}

/* ---- selectors ---- */

static acl_selector_t *sel_new(unsigned flags)
{
    acl_selector_t *s = mem_calloc(sizeof(*s));
    s->flags = flags | NEW_SEL_CHANNELS();
    s->rules = mem_strdup("");
    return s;
}

static void fa_reset(acl_selector_t *s)
{
    for (int i = 0; i < s->nfa; i++) acl_strs_free(s->fa[i].args, s->fa[i].n);
    mem_free(s->fa);
    s->fa = NULL;
    s->nfa = 0;
}

static void keys_reset(acl_selector_t *s)
{
    for (int i = 0; i < s->nkeys; i++) mem_free(s->keys[i].pat.p);
    mem_free(s->keys);
    s->keys = NULL;
    s->nkeys = 0;
}

static void chans_reset(acl_selector_t *s)
{
    acl_strs_free(s->chans, s->nchans);
    s->chans = NULL;
    s->nchans = 0;
}

static void sel_free(acl_selector_t *s)
{
    fa_reset(s);
    keys_reset(s);
    chans_reset(s);
    mem_free(s->rules);
    mem_free(s);
}

static acl_selector_t *sel_copy(const acl_selector_t *src)
{
    acl_selector_t *s = mem_calloc(sizeof(*s));
    s->flags = src->flags;
    memcpy(s->allowed, src->allowed, sizeof(s->allowed));
    s->rules = mem_strdup(src->rules);
    s->nfa = src->nfa;
    s->fa = mem_alloc((size_t)(src->nfa ? src->nfa : 1) * sizeof(*s->fa));
    for (int i = 0; i < src->nfa; i++) {
        s->fa[i] = src->fa[i];
        s->fa[i].args = strs_dup(src->fa[i].args, src->fa[i].n);
    }
    s->nkeys = src->nkeys;
    s->keys = mem_alloc((size_t)(src->nkeys ? src->nkeys : 1) * sizeof(*s->keys));
    for (int i = 0; i < src->nkeys; i++) {
        s->keys[i].perm = src->keys[i].perm;
        s->keys[i].pat = str_dup(src->keys[i].pat.p, src->keys[i].pat.len);
    }
    s->nchans = src->nchans;
    s->chans = strs_dup(src->chans, src->nchans);
    return s;
}

/* ---- users and the table ---- */

acl_user_t *acl_user_new(const char *name, size_t len)
{
    acl_user_t *u = mem_calloc(sizeof(*u));
    u->name = str_dup(name, len);
    u->flags = USER_OFF | USER_SANITIZE;
    u->sel = mem_alloc(sizeof(*u->sel));
    u->sel[0] = sel_new(SEL_ROOT);
    u->nsel = 1;
    return u;
}

static void user_clear(acl_user_t *u)
{
    for (int i = 0; i < u->nsel; i++) sel_free(u->sel[i]);
    mem_free(u->sel);
    mem_free(u->pass);
    u->sel = NULL;
    u->pass = NULL;
    u->nsel = u->npass = 0;
}

void acl_user_free(acl_user_t *u)
{
    user_clear(u);
    mem_free(u->name.p);
    mem_free(u);
}

void acl_user_copy(acl_user_t *dst, const acl_user_t *src)
{
    user_clear(dst);
    dst->flags = src->flags;
    dst->npass = src->npass;
    dst->pass = mem_alloc((size_t)(src->npass ? src->npass : 1) * sizeof(*dst->pass));
    if (src->npass) memcpy(dst->pass, src->pass, (size_t)src->npass * sizeof(*dst->pass));
    dst->nsel = src->nsel;
    dst->sel = mem_alloc((size_t)src->nsel * sizeof(*dst->sel));
    for (int i = 0; i < src->nsel; i++) dst->sel[i] = sel_copy(src->sel[i]);
}

static int name_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    return r ? r : (al < bl ? -1 : al > bl);
}

/* The index of name in the table, or where it would go (-(i + 1)). */
static int users_search(const char *name, size_t len)
{
    int lo = 0, hi = nusers - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int r = name_cmp(users[mid]->name.p, users[mid]->name.len, name, len);
        if (r == 0) return mid;
        if (r < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return -(lo + 1);
}

acl_user_t *acl_user_find(const char *name, size_t len)
{
    int i = users_search(name, len);
    return i >= 0 ? users[i] : NULL;
}

void acl_users_link(acl_user_t *u)
{
    int i = -(users_search(u->name.p, u->name.len) + 1);
    users = mem_realloc(users, (size_t)(nusers + 1) * sizeof(*users));
    memmove(users + i + 1, users + i, (size_t)(nusers - i) * sizeof(*users));
    users[i] = u;
    nusers++;
}

void acl_users_unlink(acl_user_t *u)
{
    int i = users_search(u->name.p, u->name.len);
    if (i < 0) return;
    memmove(users + i, users + i + 1, (size_t)(nusers - i - 1) * sizeof(*users));
    nusers--;
}

int acl_users_count(void) { return nusers; }
acl_user_t *acl_users_at(int i) { return users[i]; }

void acl_users_swap(acl_user_t ***tab, int *n)
{
    acl_user_t **t = users;
    int k = nusers;
    users = *tab;
    nusers = *n;
    *tab = t;
    *n = k;
}

const char *acl_user_name(const acl_user_t *u, size_t *len)
{
    if (len) *len = u->name.len;
    return u->name.p;
}

/* ---- command bits ---- */

static void bit_set(acl_selector_t *s, unsigned id, int on)
{
    if (id >= ACL_CMD_BITS) return;
    if (on) {
        s->allowed[id / 64] |= 1ull << (id % 64);
    } else {
        s->allowed[id / 64] &= ~(1ull << (id % 64));
        s->flags &= ~SEL_ALLCOMMANDS;
    }
}

static void fa_reset_id(acl_selector_t *s, unsigned id)
{
    for (int i = 0; i < s->nfa; i++) {
        if (s->fa[i].id != id) continue;
        acl_strs_free(s->fa[i].args, s->fa[i].n);
        s->fa[i] = s->fa[--s->nfa];
        return;
    }
}

static void fa_add(acl_selector_t *s, unsigned id, const char *arg, size_t len)
{
    acl_firstargs_t *f = NULL;
    for (int i = 0; i < s->nfa && !f; i++)
        if (s->fa[i].id == id) f = &s->fa[i];
    if (!f) {
        s->fa = mem_realloc(s->fa, (size_t)(s->nfa + 1) * sizeof(*s->fa));
        f = &s->fa[s->nfa++];
        f->id = id;
        f->n = 0;
        f->args = NULL;
    }
    for (int i = 0; i < f->n; i++)
        if (f->args[i].len == len && strncasecmp(f->args[i].p, arg, len) == 0) return;
    f->args = mem_realloc(f->args, (size_t)(f->n + 1) * sizeof(*f->args));
    f->args[f->n++] = str_dup(arg, len);
}

/* Allow or deny a command, and all its subcommands with it. */
static void change_perm(acl_selector_t *s, const cmd_t *c, int allow)
{
    bit_set(s, c->id, allow);
    fa_reset_id(s, c->id);
    for (int i = 0; i < c->nsubs; i++) bit_set(s, c->subs[i]->id, allow);
}

static int in_category(const cmd_t *c, const char *cat)
{
    const char *cats[32];
    int n = cmd_acl_categories(c, cats, 32);
    for (int i = 0; i < n; i++)
        if (strcasecmp(cats[i], cat) == 0) return 1;
    return 0;
}

typedef struct cat_apply {
    acl_selector_t *s;
    const char *cat;
    int allow;
} cat_apply_t;

/* Redis's walk: a command of the category with all its subcommands, then
 * each subcommand of the category on its own. */
static void apply_category_to(cmd_t *c, void *priv)
{
    cat_apply_t *a = priv;
    if (in_category(c, a->cat)) change_perm(a->s, c, a->allow);
    for (int i = 0; i < c->nsubs; i++) apply_category_to(c->subs[i], priv);
}

static const char *category_name(const char *s, size_t len)
{
    for (int i = 0; acl_categories[i]; i++)
        if (strlen(acl_categories[i]) == len && strncasecmp(acl_categories[i], s, len) == 0)
            return acl_categories[i];
    return NULL;
}

/* ---- the rules as given ---- */

/* Drop the rules naming `rule` (lower case, without +/-), or one of its
 * subcommands ("config" drops "+config|get"). */
static void rules_remove(acl_selector_t *s, const char *rule, size_t len)
{
    char *out = mem_alloc(strlen(s->rules) + 1);
    size_t o = 0;
    for (const char *p = s->rules; *p;) {
        size_t n = strcspn(p, " ");
        const char *name = p + 1;
        size_t nl = n ? n - 1 : 0;
        int drop = nl >= len && memcmp(name, rule, len) == 0 && (nl == len || name[len] == '|');
        if (!drop) {
            if (o) out[o++] = ' ';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
        while (*p == ' ') p++;
    }
    out[o] = '\0';
    mem_free(s->rules);
    s->rules = out;
}

static void rules_update(acl_selector_t *s, const char *rule, size_t len, int allow)
{
    char *low = mem_alloc(len + 1);
    for (size_t i = 0; i < len; i++) low[i] = (char)tolower((unsigned char)rule[i]);
    low[len] = '\0';
    rules_remove(s, low, len);
    size_t old = strlen(s->rules);
    s->rules = mem_realloc(s->rules, old + len + 3);
    snprintf(s->rules + old, len + 3, "%s%c%s", old ? " " : "", allow ? '+' : '-', low);
    mem_free(low);
}

/* A command named as Redis's ACL rules name it: "name" or "name|sub". */
static cmd_t *rule_cmd(const char *s, size_t len)
{
    const char *bar = memchr(s, '|', len);
    if (!bar) return cmd_lookup(s, len);
    cmd_t *base = cmd_lookup(s, (size_t)(bar - s));
    size_t rest = len - (size_t)(bar - s) - 1;
    if (!base || !base->nsubs || memchr(bar + 1, '|', rest)) return NULL;
    return cmd_lookup_sub(base, bar + 1, rest);
}

/* ---- selector rules ---- */

static int is_word(const char *op, size_t len, const char *w)
{
    return util_eq_nocase(op, len, w);
}

static void set_all_commands(acl_selector_t *s, int on)
{
    memset(s->allowed, on ? 0xff : 0, sizeof(s->allowed));
    if (on) s->flags |= SEL_ALLCOMMANDS;
    else s->flags &= ~SEL_ALLCOMMANDS;
    s->rules[0] = '\0';
    fa_reset(s);
}

/* ~pattern, %R~pattern, %W~pattern, %RW~pattern. */
static int add_key_pattern(acl_selector_t *s, const char *op, size_t len)
{
    if (s->flags & SEL_ALLKEYS) return ACL_E_KEYS_AFTER_ALL;
    int perm = 0;
    size_t off = 1;
    if (op[0] == '%') {
        int bad = 0; /* as Redis, "%R" without '~' is an empty pattern */
        for (; off < len; off++) {
            int c = toupper((unsigned char)op[off]);
            if (c == 'R' && !(perm & ACL_PERM_READ)) perm |= ACL_PERM_READ;
            else if (c == 'W' && !(perm & ACL_PERM_WRITE)) perm |= ACL_PERM_WRITE;
            else if (op[off] == '~') {
                off++;
                break;
            } else {
                bad = 1;
                break;
            }
        }
        if (!perm || bad) return ACL_E_SYNTAX;
    } else {
        perm = ACL_PERM_ALL;
    }
    if (acl_has_spaces(op + off, len - off)) return ACL_E_SYNTAX;
    for (int i = 0; i < s->nkeys; i++) {
        if (str_eq(s->keys[i].pat, op + off, len - off)) {
            s->keys[i].perm |= perm;
            return ACL_E_OK;
        }
    }
    s->keys = mem_realloc(s->keys, (size_t)(s->nkeys + 1) * sizeof(*s->keys));
    s->keys[s->nkeys].perm = perm;
    s->keys[s->nkeys++].pat = str_dup(op + off, len - off);
    s->flags &= ~SEL_ALLKEYS;
    return ACL_E_OK;
}

static int add_channel(acl_selector_t *s, const char *op, size_t len)
{
    if (s->flags & SEL_ALLCHANNELS) return ACL_E_CHANNELS_AFTER_ALL;
    if (acl_has_spaces(op + 1, len - 1)) return ACL_E_SYNTAX;
    for (int i = 0; i < s->nchans; i++)
        if (str_eq(s->chans[i], op + 1, len - 1)) return ACL_E_OK;
    s->chans = mem_realloc(s->chans, (size_t)(s->nchans + 1) * sizeof(*s->chans));
    s->chans[s->nchans++] = str_dup(op + 1, len - 1);
    return ACL_E_OK;
}

/* +cmd, +cmd|sub, +cmd|first-arg. */
static int allow_command(acl_selector_t *s, const char *name, size_t len)
{
    const char *bar = NULL;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '|') bar = name + i; /* the last one, as strrchr */
    if (!bar) {
        cmd_t *c = rule_cmd(name, len);
        if (!c) return ACL_E_UNKNOWN;
        change_perm(s, c, 1);
        rules_update(s, c->fullname, strlen(c->fullname), 1);
        return ACL_E_OK;
    }
    cmd_t *c = rule_cmd(name, (size_t)(bar - name));
    size_t sublen = len - (size_t)(bar - name) - 1;
    if (!c) return ACL_E_UNKNOWN;
    if (c->parent) return ACL_E_SUB_FIRSTARG;
    if (!sublen) return ACL_E_SYNTAX;
    if (c->nsubs) {
        cmd_t *sub = cmd_lookup_sub(c, bar + 1, sublen);
        if (!sub) return ACL_E_UNKNOWN;
        change_perm(s, sub, 1);
    } else {
        fa_add(s, c->id, bar + 1, sublen);
    }
    rules_update(s, name, len, 1);
    return ACL_E_OK;
}

static int selector_apply(acl_selector_t *s, const char *op, size_t len)
{
    if (is_word(op, len, "allkeys") || (len == 2 && !memcmp(op, "~*", 2))) {
        s->flags |= SEL_ALLKEYS;
        keys_reset(s);
    } else if (is_word(op, len, "resetkeys")) {
        s->flags &= ~SEL_ALLKEYS;
        keys_reset(s);
    } else if (is_word(op, len, "allchannels") || (len == 2 && !memcmp(op, "&*", 2))) {
        s->flags |= SEL_ALLCHANNELS;
        chans_reset(s);
    } else if (is_word(op, len, "resetchannels")) {
        s->flags &= ~SEL_ALLCHANNELS;
        chans_reset(s);
    } else if (is_word(op, len, "allcommands") || is_word(op, len, "+@all")) {
        set_all_commands(s, 1);
    } else if (is_word(op, len, "nocommands") || is_word(op, len, "-@all")) {
        set_all_commands(s, 0);
    } else if (op[0] == '~' || op[0] == '%') {
        return add_key_pattern(s, op, len);
    } else if (op[0] == '&') {
        return add_channel(s, op, len);
    } else if ((op[0] == '+' || op[0] == '-') && len > 1 && op[1] == '@') {
        const char *cat = category_name(op + 2, len - 2);
        if (!cat) return ACL_E_UNKNOWN;
        cat_apply_t a = {s, cat, op[0] == '+'};
        rules_update(s, op + 1, len - 1, op[0] == '+');
        cmd_foreach(apply_category_to, &a);
    } else if (op[0] == '+') {
        return allow_command(s, op + 1, len - 1);
    } else if (op[0] == '-') {
        cmd_t *c = rule_cmd(op + 1, len - 1);
        if (!c) return ACL_E_UNKNOWN;
        change_perm(s, c, 0);
        rules_update(s, c->fullname, strlen(c->fullname), 0);
    } else {
        return ACL_E_SYNTAX;
    }
    return ACL_E_OK;
}

/* "(rule rule ...)": a new selector, added only when every rule applied. */
static int add_selector(acl_user_t *u, const char *op, size_t len)
{
    char *inner = mem_strndup(op + 1, len - 2);
    char **w = NULL;
    int n = words_split(inner, &w);
    mem_free(inner);
    acl_selector_t *s = sel_new(0);
    int e = ACL_E_OK;
    for (int i = 0; i < n && e == ACL_E_OK; i++) {
        size_t wl = strlen(w[i]);
        if (wl) e = selector_apply(s, w[i], wl);
    }
    if (n > 0) words_free(w, n);
    if (e != ACL_E_OK) {
        sel_free(s);
        return e;
    }
    u->sel = mem_realloc(u->sel, (size_t)(u->nsel + 1) * sizeof(*u->sel));
    u->sel[u->nsel++] = s;
    return ACL_E_OK;
}

/* ---- user rules ---- */

static int valid_hash(const char *h, size_t len)
{
    if (len != ACL_HASH_LEN) return 0;
    for (size_t i = 0; i < len; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return 0;
    return 1;
}

/* >password, #hash, <password, !hash. */
static int password_rule(acl_user_t *u, const char *op, size_t len)
{
    char h[ACL_HASH_LEN + 1];
    if (op[0] == '>' || op[0] == '<') {
        acl_password_hash(op + 1, len - 1, h);
    } else {
        if (!valid_hash(op + 1, len - 1)) return ACL_E_BAD_HASH;
        memcpy(h, op + 1, ACL_HASH_LEN);
        h[ACL_HASH_LEN] = '\0';
    }
    int at = -1;
    for (int i = 0; i < u->npass && at < 0; i++)
        if (memcmp(u->pass[i], h, ACL_HASH_LEN) == 0) at = i;
    if (op[0] == '<' || op[0] == '!') {
        if (at < 0) return ACL_E_NO_PASSWORD;
        memmove(u->pass + at, u->pass + at + 1, (size_t)(u->npass - at - 1) * sizeof(*u->pass));
        u->npass--;
        return ACL_E_OK;
    }
    if (at < 0) {
        u->pass = mem_realloc(u->pass, (size_t)(u->npass + 1) * sizeof(*u->pass));
        memcpy(u->pass[u->npass++], h, ACL_HASH_LEN + 1);
    }
    u->flags &= ~USER_NOPASS;
    return ACL_E_OK;
}

static void set_flag(acl_user_t *u, unsigned on, unsigned off)
{
    u->flags = (u->flags & ~off) | on;
}

/* "reset": the state of a user just created. */
static void user_reset(acl_user_t *u)
{
    u->flags &= ~USER_NOPASS;
    u->npass = 0;
    acl_selector_t *root = u->sel[0];
    selector_apply(root, "resetkeys", 9);
    selector_apply(root, "resetchannels", 13);
    if (NEW_SEL_CHANNELS()) selector_apply(root, "allchannels", 11);
    set_flag(u, USER_OFF | USER_SANITIZE, USER_ON | USER_SKIP_SANITIZE);
    for (int i = 1; i < u->nsel; i++) sel_free(u->sel[i]);
    u->nsel = 1;
    selector_apply(root, "-@all", 5);
}

int acl_user_apply(acl_user_t *u, const char *op, size_t len)
{
    if (!len) return ACL_E_OK;
    if (is_word(op, len, "on")) set_flag(u, USER_ON, USER_OFF);
    else if (is_word(op, len, "off")) set_flag(u, USER_OFF, USER_ON);
    else if (is_word(op, len, "skip-sanitize-payload"))
        set_flag(u, USER_SKIP_SANITIZE, USER_SANITIZE);
    else if (is_word(op, len, "sanitize-payload"))
        set_flag(u, USER_SANITIZE, USER_SKIP_SANITIZE);
    else if (is_word(op, len, "nopass") || is_word(op, len, "resetpass")) {
        set_flag(u, op[0] == 'n' || op[0] == 'N' ? USER_NOPASS : 0, USER_NOPASS);
        u->npass = 0;
    } else if (op[0] == '>' || op[0] == '#' || op[0] == '<' || op[0] == '!') {
        return password_rule(u, op, len);
    } else if (op[0] == '(' && op[len - 1] == ')') {
        return add_selector(u, op, len);
    } else if (is_word(op, len, "clearselectors")) {
        for (int i = 1; i < u->nsel; i++) sel_free(u->sel[i]);
        u->nsel = 1;
    } else if (is_word(op, len, "reset")) {
        user_reset(u);
    } else {
        return selector_apply(u->sel[0], op, len);
    }
    return ACL_E_OK;
}

const char *acl_error_text(int e)
{
    switch (e) {
    case ACL_E_UNKNOWN: return "Unknown command or category name in ACL";
    case ACL_E_SYNTAX: return "Syntax error";
    case ACL_E_KEYS_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
               "does not have any effect. Try 'resetkeys' to start with an empty list of "
               "patterns";
    case ACL_E_CHANNELS_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
               "and does not have any effect. Try 'resetchannels' to start with an empty list "
               "of channels";
    case ACL_E_NO_PASSWORD:
        return "The password you are trying to remove from the user does not exist";
    case ACL_E_BAD_HASH:
        return "The password hash must be exactly 64 characters and contain only lowercase "
               "hexadecimal characters";
    case ACL_E_DUPLICATE_USER:
        return "Duplicate user found. A user can only be defined once in config files";
    case ACL_E_SUB_FIRSTARG: return "Allowing first-arg of a subcommand is not supported";
    }
    return "Wrong format";
}

/* ---- SETUSER ---- */

static int ends_with_paren(acl_str_t w) { return w.len && w.p[w.len - 1] == ')'; }

acl_str_t *acl_merge_selectors(const acl_str_t *w, int n, int *nout, int *bad)
{
    acl_str_t *out = mem_alloc((size_t)(n ? n : 1) * sizeof(*out));
    int k = 0, open = -1;
    for (int j = 0; j < n; j++) {
        if (open < 0 && w[j].len && w[j].p[0] == '(' && !ends_with_paren(w[j])) {
            out[k] = str_dup(w[j].p, w[j].len);
            open = j;
            continue;
        }
        if (open < 0) {
            out[k++] = str_dup(w[j].p, w[j].len);
            continue;
        }
        acl_str_t *m = &out[k];
        m->p = mem_realloc(m->p, m->len + w[j].len + 2);
        m->p[m->len] = ' ';
        memcpy(m->p + m->len + 1, w[j].p, w[j].len);
        m->len += w[j].len + 1;
        m->p[m->len] = '\0';
        if (ends_with_paren(w[j])) {
            open = -1;
            k++;
        }
    }
    if (open >= 0) {
        acl_strs_free(out, k + 1);
        if (bad) *bad = open;
        return NULL;
    }
    *nout = k;
    return out;
}

int acl_setuser(acl_user_t *u, const char *name, size_t namelen, const acl_str_t *w, int n,
                char *err, size_t cap)
{
    int m = 0, bad = 0;
    acl_str_t *ops = acl_merge_selectors(w, n, &m, &bad);
    if (!ops) {
        snprintf(err, cap, "Unmatched parenthesis in acl selector starting at '%.*s'.",
                 (int)w[bad].len, w[bad].p);
        return -1;
    }
    acl_user_t *tmp = acl_user_new(name, namelen);
    if (u) acl_user_copy(tmp, u);
    int rc = 0;
    for (int j = 0; j < m && rc == 0; j++) {
        int e = acl_user_apply(tmp, ops[j].p, ops[j].len);
        if (e != ACL_E_OK) {
            snprintf(err, cap, "Error in ACL SETUSER modifier '%.*s': %s", (int)ops[j].len,
                     ops[j].p, acl_error_text(e));
            rc = -1;
        }
    }
    if (rc == 0) {
        if (u) {
            acl_kill_pubsub_clients(tmp, u);
        } else {
            u = acl_user_new(name, namelen);
            acl_users_link(u);
        }
        acl_user_copy(u, tmp);
        if (u == acl_default) acl_default_changed();
    }
    acl_user_free(tmp);
    acl_strs_free(ops, m);
    return rc;
}

/* ---- descriptions ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf_t;

static void sb_cat(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf_t *b, const char *s) { sb_cat(b, s, strlen(s)); }

static char *sb_done(sbuf_t *b)
{
    if (!b->p) return mem_strdup("");
    return b->p;
}

char *acl_describe_rules(const acl_selector_t *s)
{
    sbuf_t b = {0};
    int future = (s->allowed[ACL_FUTURE_BIT / 64] >> (ACL_FUTURE_BIT % 64)) & 1;
    sb_str(&b, future ? "+@all" : "-@all");
    if (s->rules[0]) {
        sb_str(&b, " ");
        sb_str(&b, s->rules);
    }
    return sb_done(&b);
}

static void cat_pattern(sbuf_t *b, const acl_keypat_t *k)
{
    sb_str(b, k->perm == ACL_PERM_ALL ? "~" : k->perm == ACL_PERM_READ ? "%R~" : "%W~");
    sb_cat(b, k->pat.p, k->pat.len);
}

char *acl_describe_keys(const acl_selector_t *s)
{
    sbuf_t b = {0};
    if (s->flags & SEL_ALLKEYS) sb_str(&b, "~*");
    for (int i = 0; !(s->flags & SEL_ALLKEYS) && i < s->nkeys; i++) {
        if (i) sb_str(&b, " ");
        cat_pattern(&b, &s->keys[i]);
    }
    return sb_done(&b);
}

char *acl_describe_channels(const acl_selector_t *s)
{
    sbuf_t b = {0};
    if (s->flags & SEL_ALLCHANNELS) sb_str(&b, "&*");
    for (int i = 0; !(s->flags & SEL_ALLCHANNELS) && i < s->nchans; i++) {
        if (i) sb_str(&b, " ");
        sb_str(&b, "&");
        sb_cat(&b, s->chans[i].p, s->chans[i].len);
    }
    return sb_done(&b);
}

/* A selector as ACL LIST shows it: keys, channels, command rules. */
static void describe_selector(sbuf_t *b, const acl_selector_t *s)
{
    if (s->flags & SEL_ALLKEYS) sb_str(b, "~* ");
    for (int i = 0; !(s->flags & SEL_ALLKEYS) && i < s->nkeys; i++) {
        cat_pattern(b, &s->keys[i]);
        sb_str(b, " ");
    }
    if (s->flags & SEL_ALLCHANNELS) sb_str(b, "&* ");
    else sb_str(b, "resetchannels ");
    for (int i = 0; !(s->flags & SEL_ALLCHANNELS) && i < s->nchans; i++) {
        sb_str(b, "&");
        sb_cat(b, s->chans[i].p, s->chans[i].len);
        sb_str(b, " ");
    }
    char *r = acl_describe_rules(s);
    sb_str(b, r);
    mem_free(r);
}

char *acl_describe_user(const acl_user_t *u)
{
    static const char *const flags[] = {"on", "off", "nopass", "skip-sanitize-payload",
                                        "sanitize-payload"};
    sbuf_t b = {0};
    for (int i = 0; i < 5; i++) {
        if (!(u->flags & (1u << i))) continue;
        sb_str(&b, flags[i]);
        sb_str(&b, " ");
    }
    for (int i = 0; i < u->npass; i++) {
        sb_str(&b, "#");
        sb_str(&b, u->pass[i]);
        sb_str(&b, " ");
    }
    for (int i = 0; i < u->nsel; i++) {
        if (i) sb_str(&b, " (");
        describe_selector(&b, u->sel[i]);
        if (i) sb_str(&b, ")");
    }
    return sb_done(&b);
}

/* ---- start-up ---- */

acl_user_t *acl_user_new_default(void)
{
    acl_user_t *u = acl_user_new("default", 7);
    static const char *const rules[] = {"+@all", "~*", "&*", "on", "nopass"};
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        acl_user_apply(u, rules[i], strlen(rules[i]));
    return u;
}

void acl_init(void)
{
    acl_default = acl_user_new_default();
    acl_users_link(acl_default);
    acl_default_changed();
}
