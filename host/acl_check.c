/*
 * acl_check.c — using the rules: may a user run a command with these
 * arguments (commands, first arguments, keys by their key spec flags,
 * Pub/Sub channels), authentication with constant-time comparison of
 * SHA-256 hashes, and the clients Redis 7 disconnects when their user is
 * deleted or loses a channel they are subscribed to.
 *
 * The checks follow Redis's ACLCheckAllUserCommandPerm: every selector is
 * tried, the first that allows the call wins; otherwise the reported
 * denial is the most relevant one (channel > key > command, then the
 * latest argument).
 */
#include "acl_internal.h"
#include "client.h"
#include "cmd.h"
#include "mem.h"
#include "multi.h"
#include "pubsub.h"
#include "server.h"
#include "util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- users of clients ---- */

acl_user_t *acl_client_user(const client_t *c)
{
    if (c->flags & CLIENT_FAKE) return NULL;
    return c->user ? c->user : acl_default;
}

void acl_default_changed(void)
{
    srv.acl_default_nopass = (acl_default->flags & USER_NOPASS) != 0;
    srv.acl_default_on = !(acl_default->flags & USER_OFF);
}

int acl_default_is_nopass(void) { return (acl_default->flags & USER_NOPASS) != 0; }

int acl_auth_required(const client_t *c)
{
    return !c->authenticated &&
           (!(acl_default->flags & USER_NOPASS) || (acl_default->flags & USER_OFF));
}

void acl_client_reset_auth(client_t *c)
{
    c->user = NULL;
    c->authenticated = (acl_default->flags & USER_NOPASS) && !(acl_default->flags & USER_OFF);
}

/* ---- authentication ---- */

void acl_password_hash(const char *p, size_t len, char out[ACL_HASH_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char h[32];
    unsigned int hl = 0;
    EVP_Digest(p, len, h, &hl, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++) {
        out[i * 2] = hex[h[i] >> 4];
        out[i * 2 + 1] = hex[h[i] & 15];
    }
    out[ACL_HASH_LEN] = '\0';
}

static int log_context(const client_t *c)
{
    return multi_active(c) || multi_executing(c) ? ACL_CTX_MULTI : ACL_CTX_TOPLEVEL;
}

/* Does pass match one of u's passwords? Every hash is compared in full
 * (CRYPTO_memcmp), so the time tells nothing of how close a guess was. */
static int password_ok(const acl_user_t *u, md_arg_t pass)
{
    char h[ACL_HASH_LEN + 1];
    acl_password_hash(pass.ptr, pass.len, h);
    int ok = 0;
    for (int i = 0; i < u->npass; i++) ok |= CRYPTO_memcmp(h, u->pass[i], ACL_HASH_LEN) == 0;
    return ok;
}

int acl_authenticate(client_t *c, md_arg_t user, md_arg_t pass, md_arg_t argv0)
{
    acl_user_t *u = acl_user_find(user.ptr, user.len);
    int ok = u && !(u->flags & USER_OFF) && ((u->flags & USER_NOPASS) || password_ok(u, pass));
    if (!ok) {
        acl_log_add(c, ACL_DENIED_AUTH, log_context(c), argv0.ptr, argv0.len, user.ptr,
                    user.len);
        return -1;
    }
    c->authenticated = 1;
    c->user = u == acl_default ? NULL : u;
    return 0;
}

/* ---- the checks ---- */

/* Commands naming channels, as Redis's getChannelsFromCommand finds them:
 * argument 1 only (publishers) or every argument (subscribers). */
static const struct {
    const char *name;
    int all_args, pattern;
} channel_cmds[] = {
    {"publish", 0, 0}, {"spublish", 0, 0}, {"subscribe", 1, 0}, {"ssubscribe", 1, 0},
    {"psubscribe", 1, 1}, {NULL, 0, 0}};

static int channel_cmd(const cmd_t *cmd)
{
    if (cmd->parent || cmd->owner) return -1;
    for (int i = 0; channel_cmds[i].name; i++)
        if (!strcmp(cmd->name, channel_cmds[i].name)) return i;
    return -1;
}

static int bit_on(const acl_selector_t *s, unsigned id)
{
    return id < ACL_CMD_BITS && ((s->allowed[id / 64] >> (id % 64)) & 1);
}

static int command_allowed(const acl_selector_t *s, const cmd_t *cmd, int argc,
                           const md_arg_t *argv)
{
    if ((s->flags & SEL_ALLCOMMANDS) || (cmd->flags & CMD_NO_AUTH) || bit_on(s, cmd->id))
        return 1;
    int idx = cmd->parent ? 2 : 1;
    for (int i = 0; i < s->nfa && argc > idx; i++) {
        if (s->fa[i].id != cmd->id) continue;
        for (int j = 0; j < s->fa[i].n; j++)
            if (s->fa[i].args[j].len == argv[idx].len &&
                strncasecmp(s->fa[i].args[j].p, argv[idx].ptr, argv[idx].len) == 0)
                return 1;
    }
    return 0;
}

/* Key spec flags → the permission a key pattern must give. */
static int key_perm_needed(uint32_t f)
{
    int p = 0;
    if (f & KSF_ACCESS) p |= ACL_PERM_READ;
    if (f & (KSF_INSERT | KSF_DELETE | KSF_UPDATE)) p |= ACL_PERM_WRITE;
    return p;
}

static int key_allowed(const acl_selector_t *s, md_arg_t key, uint32_t flags)
{
    if (s->flags & SEL_ALLKEYS) return 1;
    int need = key_perm_needed(flags);
    for (int i = 0; i < s->nkeys; i++)
        if ((s->keys[i].perm & need) == need &&
            util_glob(s->keys[i].pat.p, s->keys[i].pat.len, key.ptr, key.len, 0))
            return 1;
    return 0;
}

/* A channel (glob-matched by the patterns) or a PSUBSCRIBE pattern (equal
 * to one of them) in a channel list. */
static int channel_in(const acl_str_t *list, int n, const char *ch, size_t len, int pattern)
{
    for (int i = 0; i < n; i++) {
        if (pattern ? (list[i].len == len && memcmp(list[i].p, ch, len) == 0)
                    : util_glob(list[i].p, list[i].len, ch, len, 0))
            return 1;
    }
    return 0;
}

/* The keys of a call, found once for all selectors. */
typedef struct keys_cache {
    int done, n;
    cmd_keyref_t *refs;
} keys_cache_t;

static int selector_check(const acl_selector_t *s, const cmd_t *cmd, int argc,
                          const md_arg_t *argv, keys_cache_t *kc, int *pos)
{
    if (!command_allowed(s, cmd, argc, argv)) return ACL_DENIED_CMD;
    if (!(s->flags & SEL_ALLKEYS)) {
        if (!kc->done) {
            kc->refs = mem_alloc((size_t)argc * sizeof(*kc->refs));
            kc->n = cmd_get_keys(cmd, argc, argv, kc->refs, argc);
            kc->done = 1;
        }
        for (int i = 0; i < kc->n; i++) {
            if (kc->refs[i].flags & KSF_NOT_KEY) continue;
            if (!key_allowed(s, argv[kc->refs[i].pos], kc->refs[i].flags)) {
                *pos = kc->refs[i].pos;
                return ACL_DENIED_KEY;
            }
        }
    }
    if (s->flags & SEL_ALLCHANNELS) return ACL_OK;
    int ch = channel_cmd(cmd);
    if (ch < 0) return ACL_OK;
    int last = channel_cmds[ch].all_args ? argc - 1 : 1;
    for (int i = 1; i <= last && i < argc; i++) {
        if (!channel_in(s->chans, s->nchans, argv[i].ptr, argv[i].len,
                        channel_cmds[ch].pattern)) {
            *pos = i;
            return ACL_DENIED_CHANNEL;
        }
    }
    return ACL_OK;
}

int acl_check(const acl_user_t *u, const cmd_t *cmd, int argc, const md_arg_t *argv,
              int *errpos)
{
    *errpos = 0;
    if (!u) return ACL_OK;
    keys_cache_t kc = {0, 0, NULL};
    int worst = ACL_DENIED_CMD, worst_pos = 0;
    for (int i = 0; i < u->nsel; i++) {
        int pos = 0;
        int r = selector_check(u->sel[i], cmd, argc, argv, &kc, &pos);
        if (r == ACL_OK) {
            worst = ACL_OK;
            break;
        }
        if (r > worst || (r == worst && pos > worst_pos)) {
            worst = r;
            worst_pos = pos;
        }
    }
    mem_free(kc.refs);
    if (worst != ACL_OK) *errpos = worst_pos;
    return worst;
}

void acl_denial_text(int reason, const acl_user_t *u, const cmd_t *cmd, md_arg_t obj,
                     int verbose, char *out, size_t cap)
{
    int nl = (int)u->name.len, ol = (int)(obj.len > 128 ? 128 : obj.len);
    if (reason == ACL_DENIED_CMD)
        snprintf(out, cap, "User %.*s has no permissions to run the '%s' command", nl,
                 u->name.p, cmd->fullname);
    else if (!verbose)
        snprintf(out, cap, "No permissions to access a %s",
                 reason == ACL_DENIED_KEY ? "key" : "channel");
    else
        snprintf(out, cap, "User %.*s has no permissions to access the '%.*s' %s", nl,
                 u->name.p, ol, obj.ptr, reason == ACL_DENIED_KEY ? "key" : "channel");
}

void acl_log_denial(client_t *c, const acl_user_t *u, const cmd_t *cmd, int reason,
                    int context, md_arg_t obj)
{
    const char *o = obj.ptr;
    size_t ol = obj.len;
    if (reason == ACL_DENIED_CMD) {
        o = cmd->fullname;
        ol = strlen(o);
    }
    acl_log_add(c, reason, context, o, ol, u->name.p, u->name.len);
}

int acl_check_args(client_t *c, const cmd_t *cmd, int argc, const md_arg_t *argv,
                   int context, char *msg, size_t cap)
{
    const acl_user_t *u = acl_client_user(c);
    int pos;
    int r = acl_check(u, cmd, argc, argv, &pos);
    if (r == ACL_OK) return r;
    acl_log_denial(c, u, cmd, r, context, argv[pos]);
    char text[400];
    acl_denial_text(r, u, cmd, argv[pos], 0, text, sizeof(text));
    snprintf(msg, cap, "NOPERM %s", text);
    return r;
}

int acl_check_client(client_t *c, const cmd_t *cmd, int context, char *msg, size_t cap)
{
    return acl_check_args(c, cmd, c->argc, c->argv, context, msg, cap);
}

int acl_check_queued(client_t *c, const cmd_t *cmd, char *msg, size_t cap)
{
    const acl_user_t *u = acl_client_user(c);
    int pos;
    int r = acl_check(u, cmd, c->argc, c->argv, &pos);
    if (r == ACL_OK) return r;
    acl_log_denial(c, u, cmd, r, ACL_CTX_MULTI, c->argv[pos]);
    snprintf(msg, cap, "NOPERM ACLs rules changed between the moment the transaction was "
             "accumulated and the EXEC call. This command is no longer allowed for the "
             "following reason: %s",
             r == ACL_DENIED_CMD ? "no permission to execute the command or subcommand"
             : r == ACL_DENIED_KEY ? "no permission to touch the specified keys"
             : "no permission to access one of the channels used as arguments");
    return r;
}

/* ---- clients of changed users ---- */

/* Redis's deauthenticateAndCloseClient: back to the default user, not
 * authenticated, closed (after its reply when it is the one calling). */
static void deauth_close(client_t *c)
{
    c->user = NULL;
    c->authenticated = 0;
    if (c->flags & CLIENT_IN_CALL) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else client_close(c);
}

void acl_kill_user_clients(const acl_user_t *u)
{
    for (client_t *c = client_first(), *next; c; c = next) {
        next = c->next_all;
        if (c->user == u) deauth_close(c);
    }
}

/* The channel patterns of `now`, when they do not cover all of before's
 * (else NULL: no subscriber can have lost anything). */
static acl_str_t *lost_channels(const acl_user_t *now, const acl_user_t *before, int *n)
{
    int total = 0;
    for (int i = 0; i < now->nsel; i++) {
        if (now->sel[i]->flags & SEL_ALLCHANNELS) return NULL;
        total += now->sel[i]->nchans;
    }
    acl_str_t *all = mem_alloc((size_t)(total ? total : 1) * sizeof(*all));
    *n = 0;
    for (int i = 0; i < now->nsel; i++)
        for (int j = 0; j < now->sel[i]->nchans; j++) all[(*n)++] = now->sel[i]->chans[j];
    int superset = 1;
    for (int i = 0; i < before->nsel && superset; i++) {
        const acl_selector_t *s = before->sel[i];
        if (s->flags & SEL_ALLCHANNELS) superset = 0;
        for (int j = 0; j < s->nchans && superset; j++)
            superset = channel_in(all, *n, s->chans[j].p, s->chans[j].len, 1);
    }
    if (superset) {
        mem_free(all);
        return NULL;
    }
    return all;
}

typedef struct sub_scan {
    const acl_str_t *chans;
    int n, pattern, lost;
} sub_scan_t;

static void scan_sub(const char *name, size_t len, void *priv)
{
    sub_scan_t *s = priv;
    if (!s->lost && !channel_in(s->chans, s->n, name, len, s->pattern)) s->lost = 1;
}

/* Is c subscribed to something the channel list no longer allows? */
static int lost_subscription(const client_t *c, const acl_str_t *chans, int n)
{
    sub_scan_t s = {chans, n, 1, 0};
    pubsub_client_foreach(c, PUBSUB_PATTERN, scan_sub, &s);
    s.pattern = 0;
    pubsub_client_foreach(c, PUBSUB_CHANNEL, scan_sub, &s);
    pubsub_client_foreach(c, PUBSUB_SHARD, scan_sub, &s);
    return s.lost;
}

/* Clients bound to `before` (NULL: the default user) whose subscriptions
 * `now` does not allow are closed. */
static void kill_lost(const acl_user_t *before, const acl_str_t *chans, int n)
{
    for (client_t *c = client_first(), *next; c; c = next) {
        next = c->next_all;
        if (c->user == before && pubsub_client_active(c) && lost_subscription(c, chans, n))
            deauth_close(c);
    }
}

void acl_kill_pubsub_clients(const acl_user_t *now, const acl_user_t *before)
{
    if (!pubsub_nclients()) return;
    int n = 0;
    acl_str_t *chans = lost_channels(now, before, &n);
    if (!chans) return;
    kill_lost(before == acl_default ? NULL : before, chans, n);
    mem_free(chans);
}

void acl_rebind_clients(void)
{
    for (client_t *c = client_first(), *next; c; c = next) {
        next = c->next_all;
        if (!c->user) continue; /* the default user keeps its identity */
        acl_user_t *before = c->user;
        acl_user_t *now = acl_user_find(before->name.p, before->name.len);
        int n = 0;
        acl_str_t *chans = now && pubsub_client_active(c) ? lost_channels(now, before, &n)
                                                          : NULL;
        if (!now || (chans && lost_subscription(c, chans, n))) deauth_close(c);
        else c->user = now;
        mem_free(chans);
    }
}
