/*
 * cmd_keyspecs.c — Redis 7 key specs: the mini-language parser, the
 * default spec derived from first/last/step, the legacy range check, key
 * extraction for COMMAND GETKEYS(ANDFLAGS) and the COMMAND INFO reply.
 *
 * Invariants: a parsed spec always has a begin search and a find-keys
 * part (both "unknown" together), one of RO/RW/OW/RM (none only for a
 * not_key spec: a shard channel), a positive
 * index or step; extraction never reads past argc.
 */
#include "cmd_keyspecs.h"
#include "mem.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { uint32_t flag; const char *name; } ks_flag_names[] = {
    {KSF_RO, "RO"}, {KSF_RW, "RW"}, {KSF_OW, "OW"}, {KSF_RM, "RM"},
    {KSF_ACCESS, "access"}, {KSF_UPDATE, "update"}, {KSF_INSERT, "insert"},
    {KSF_DELETE, "delete"}, {KSF_NOT_KEY, "not_key"}, {KSF_INCOMPLETE, "incomplete"},
    {KSF_VARIABLE_FLAGS, "variable_flags"}, {0, NULL}};

#define KSF_ACCESS_KIND (KSF_RO | KSF_RW | KSF_OW | KSF_RM)

/* Parse between min and max ':'-separated integers of s[0..n) into out;
 * returns how many, or -1. */
static int parse_ints(const char *s, size_t n, int *out, int min, int max)
{
    int got = 0;
    size_t i = 0;
    for (;;) {
        size_t k = i;
        long long v;
        while (k < n && s[k] != ':') k++;
        if (got == max || util_str2ll(s + i, k - i, &v) != 0 || v < INT_MIN || v > INT_MAX)
            return -1;
        out[got++] = (int)v;
        if (k == n) break;
        i = k + 1;
    }
    return got < min ? -1 : got;
}

static int word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

static int prefix_is(const char *w, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n > k && memcmp(w, pre, k) == 0;
}

/* One word of a spec; returns 0 or -1 (unknown or malformed word). */
static int parse_word(cmd_keyspec_t *k, const char *w, size_t n)
{
    for (int i = 0; ks_flag_names[i].name; i++) {
        if (word_is(w, n, ks_flag_names[i].name)) {
            k->flags |= ks_flag_names[i].flag;
            return 0;
        }
    }
    int v[3] = {0, 1, 0};
    if (word_is(w, n, "unknown") && !k->bs && !k->fk) {
        k->bs = KS_BS_UNKNOWN;
        k->fk = KS_FK_UNKNOWN;
        return 0;
    }
    if (prefix_is(w, n, "index:") && !k->bs) {
        if (parse_ints(w + 6, n - 6, v, 1, 1) < 0 || v[0] < 1) return -1;
        k->bs = KS_BS_INDEX;
        k->pos = v[0];
        return 0;
    }
    if (prefix_is(w, n, "keyword:") && !k->bs) {
        const char *kw = w + 8;
        size_t kl = 0;
        while (8 + kl < n && kw[kl] != ':') kl++;
        v[0] = 1;
        if (!kl || (8 + kl < n && parse_ints(kw + kl + 1, n - 8 - kl - 1, v, 1, 1) < 0) ||
            v[0] == 0)
            return -1;
        k->bs = KS_BS_KEYWORD;
        k->keyword = mem_strndup(kw, kl);
        k->pos = v[0];
        return 0;
    }
    if (prefix_is(w, n, "range:") && k->bs && !k->fk) {
        if (parse_ints(w + 6, n - 6, v, 1, 3) < 0 || v[1] < 1 || v[2] < 0 ||
            (v[0] < 0 && v[2] > 0 && v[0] != -1))
            return -1;
        k->fk = KS_FK_RANGE;
        k->a = v[0], k->b = v[1], k->c = v[2];
        return 0;
    }
    if (prefix_is(w, n, "keynum:") && k->bs && !k->fk) {
        if (parse_ints(w + 7, n - 7, v, 3, 3) < 0 || v[0] < 0 || v[1] < 1 || v[2] < 1)
            return -1;
        k->fk = KS_FK_KEYNUM;
        k->a = v[0], k->b = v[1], k->c = v[2];
        return 0;
    }
    return -1;
}

/* Parse one spec from s[0..n). */
static int parse_one(cmd_keyspec_t *k, const char *s, size_t n, char *err, size_t errcap,
                     int idx)
{
    memset(k, 0, sizeof(*k));
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        if (i == n) break;
        if (s[i] == '#') {
            size_t b = i + 1, e = n;
            while (b < e && s[b] == ' ') b++;
            while (e > b && s[e - 1] == ' ') e--;
            k->notes = mem_strndup(s + b, e - b);
            break;
        }
        size_t w = i;
        while (i < n && s[i] != ' ') i++;
        if (parse_word(k, s + w, i - w) != 0) {
            snprintf(err, errcap, "key spec %d: bad word '%.*s'", idx, (int)(i - w), s + w);
            return -1;
        }
    }
    uint32_t kind = k->flags & KSF_ACCESS_KIND;
    if (!k->bs) {
        snprintf(err, errcap, "key spec %d: no begin search (index:N, keyword:WORD or unknown)",
                 idx);
        return -1;
    }
    if ((kind & (kind - 1)) || (!kind && !(k->flags & KSF_NOT_KEY))) {
        snprintf(err, errcap, "key spec %d: needs one of RO, RW, OW, RM (or not_key)", idx);
        return -1;
    }
    if (!k->fk) {
        k->fk = KS_FK_RANGE;
        k->a = 0, k->b = 1, k->c = 0;
    }
    return 0;
}

int cmd_keyspecs_parse(const char *s, cmd_keyspecs_t *out, char *err, size_t errcap)
{
    out->n = 0;
    out->v = NULL;
    while (s && *s) {
        size_t n = strcspn(s, ";");
        out->v = mem_realloc(out->v, (size_t)(out->n + 1) * sizeof(cmd_keyspec_t));
        if (parse_one(&out->v[out->n], s, n, err, errcap, out->n) != 0) {
            out->n++;
            cmd_keyspecs_free(out);
            return -1;
        }
        out->n++;
        s += n;
        if (*s == ';') s++;
    }
    return 0;
}

void cmd_keyspecs_default(cmd_keyspecs_t *out, int first, int last, int step,
                          int readonly, int has_getkeys)
{
    out->n = 0;
    out->v = NULL;
    if (first <= 0) return;
    cmd_keyspec_t *k = mem_calloc(sizeof(*k));
    k->flags = readonly ? KSF_RO | KSF_ACCESS : KSF_RW | KSF_ACCESS | KSF_UPDATE;
    if (has_getkeys) k->flags |= KSF_INCOMPLETE;
    k->bs = KS_BS_INDEX;
    k->pos = first;
    k->fk = KS_FK_RANGE;
    k->a = last < 0 ? last : last - first;
    k->b = step > 0 ? step : 1;
    out->v = k;
    out->n = 1;
}

void cmd_keyspecs_free(cmd_keyspecs_t *ks)
{
    for (int i = 0; i < ks->n; i++) {
        mem_free(ks->v[i].keyword);
        mem_free(ks->v[i].notes);
    }
    mem_free(ks->v);
    ks->v = NULL;
    ks->n = 0;
}

static int is_plain_range(const cmd_keyspec_t *k)
{
    return k->bs == KS_BS_INDEX && k->fk == KS_FK_RANGE;
}

void cmd_keyspecs_legacy(const cmd_keyspecs_t *ks, int *first, int *last, int *step,
                         int *movable)
{
    *first = *last = *step = 0;
    *movable = 0;
    if (ks->n == 1 && is_plain_range(&ks->v[0])) {
        const cmd_keyspec_t *k = &ks->v[0];
        *first = k->pos;
        *last = k->a < 0 ? k->a : k->pos + k->a;
        *step = k->b;
        *movable = (k->flags & KSF_INCOMPLETE) != 0;
        return;
    }
    int lo = INT_MAX;
    unsigned hi = 0, prev = 0;
    for (int i = 0; i < ks->n; i++) {
        const cmd_keyspec_t *k = &ks->v[i];
        if (!is_plain_range(k) || k->b != 1 || (prev && prev != (unsigned)(k->pos - 1))) {
            *movable = 1;
            continue;
        }
        if (k->flags & KSF_INCOMPLETE) *movable = 1;
        if (k->pos < lo) lo = k->pos;
        int abs_last = k->a >= 0 ? k->a + k->pos : k->a;
        /* Unsigned, as Redis compares: a negative (from the end) wins. */
        if ((unsigned)abs_last > hi) hi = (unsigned)abs_last;
        prev = hi;
    }
    if (lo == INT_MAX) {
        if (ks->n) *movable = 1;
        return;
    }
    *first = lo;
    *last = (int)hi;
    *step = 1;
}

/* Where a keyword begin search starts the keys, or 0 when not found. */
static int keyword_first(const cmd_keyspec_t *k, int argc, const md_arg_t *argv)
{
    int from = k->pos > 0 ? k->pos : argc + k->pos;
    int to = k->pos > 0 ? argc - 1 : 1;
    for (int i = from; i != to; i = from <= to ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (util_eq_nocase(argv[i].ptr, argv[i].len, k->keyword)) return i + 1;
    }
    return 0;
}

/* The [first, last] range and step one spec selects; 0, 1 (skip the
 * spec: unknown or keyword absent) or -1 (arguments do not fit). */
static int spec_range(const cmd_keyspec_t *k, int argc, const md_arg_t *argv, int *first,
                      int *last, int *step)
{
    if (k->bs == KS_BS_UNKNOWN) return 1;
    *first = k->bs == KS_BS_INDEX ? k->pos : keyword_first(k, argc, argv);
    if (!*first) return 1;
    if (k->fk == KS_FK_RANGE) {
        if (k->a >= 0) *last = *first + k->a;
        else if (!k->c) *last = argc + k->a;
        else *last = *first + ((argc - *first) / k->c + k->a);
        *step = k->b;
    } else {
        long long numkeys;
        int at = *first + k->a;
        if (at >= argc || util_str2ll(argv[at].ptr, argv[at].len, &numkeys) != 0 ||
            numkeys < 0 || numkeys > INT_MAX)
            return -1;
        *first += k->b;
        *last = *first + (int)numkeys - 1;
        *step = k->c;
    }
    return (*last >= argc || *last < *first || *first >= argc) ? -1 : 0;
}

int cmd_keyspecs_find(const cmd_keyspecs_t *ks, int argc, const md_arg_t *argv,
                      cmd_keyref_t *out, int cap)
{
    int n = 0;
    for (int s = 0; s < ks->n; s++) {
        int first, last, step;
        int r = spec_range(&ks->v[s], argc, argv, &first, &last, &step);
        if (r < 0) return -1;
        if (r > 0) continue;
        for (int i = first; i <= last && i < argc && n < cap; i += step) {
            out[n].pos = i;
            out[n].flags = ks->v[s].flags;
            n++;
        }
    }
    return n;
}

void cmd_keyspecs_reply_flags(md_ctx_t *ctx, uint32_t flags)
{
    int n = 0;
    for (int i = 0; ks_flag_names[i].name; i++) n += (flags & ks_flag_names[i].flag) != 0;
    md_reply_set(ctx, n);
    for (int i = 0; ks_flag_names[i].name; i++)
        if (flags & ks_flag_names[i].flag) md_reply_simple(ctx, ks_flag_names[i].name);
}

static void reply_str(md_ctx_t *ctx, const char *s) { md_reply_bulk(ctx, s, strlen(s)); }

static void reply_int_field(md_ctx_t *ctx, const char *name, long long v)
{
    reply_str(ctx, name);
    md_reply_int(ctx, v);
}

static void reply_begin(md_ctx_t *ctx, const cmd_keyspec_t *k)
{
    md_reply_map(ctx, 2);
    reply_str(ctx, "type");
    reply_str(ctx, k->bs == KS_BS_INDEX ? "index" : k->bs == KS_BS_KEYWORD ? "keyword" : "unknown");
    reply_str(ctx, "spec");
    if (k->bs == KS_BS_INDEX) {
        md_reply_map(ctx, 1);
        reply_int_field(ctx, "index", k->pos);
    } else if (k->bs == KS_BS_KEYWORD) {
        md_reply_map(ctx, 2);
        reply_str(ctx, "keyword");
        reply_str(ctx, k->keyword);
        reply_int_field(ctx, "startfrom", k->pos);
    } else {
        md_reply_map(ctx, 0);
    }
}

static void reply_find(md_ctx_t *ctx, const cmd_keyspec_t *k)
{
    md_reply_map(ctx, 2);
    reply_str(ctx, "type");
    reply_str(ctx, k->fk == KS_FK_RANGE ? "range" : k->fk == KS_FK_KEYNUM ? "keynum" : "unknown");
    reply_str(ctx, "spec");
    if (k->fk == KS_FK_RANGE) {
        md_reply_map(ctx, 3);
        reply_int_field(ctx, "lastkey", k->a);
        reply_int_field(ctx, "keystep", k->b);
        reply_int_field(ctx, "limit", k->c);
    } else if (k->fk == KS_FK_KEYNUM) {
        md_reply_map(ctx, 3);
        reply_int_field(ctx, "keynumidx", k->a);
        reply_int_field(ctx, "firstkey", k->b);
        reply_int_field(ctx, "keystep", k->c);
    } else {
        md_reply_map(ctx, 0);
    }
}

void cmd_keyspecs_reply(md_ctx_t *ctx, const cmd_keyspecs_t *ks)
{
    md_reply_set(ctx, ks->n);
    for (int i = 0; i < ks->n; i++) {
        const cmd_keyspec_t *k = &ks->v[i];
        md_reply_map(ctx, 3 + (k->notes ? 1 : 0));
        if (k->notes) {
            reply_str(ctx, "notes");
            reply_str(ctx, k->notes);
        }
        reply_str(ctx, "flags");
        cmd_keyspecs_reply_flags(ctx, k->flags);
        reply_str(ctx, "begin_search");
        reply_begin(ctx, k);
        reply_str(ctx, "find_keys");
        reply_find(ctx, k);
    }
}
