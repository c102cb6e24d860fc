/*
 * cmd.h — the command table.
 *
 * Host and module commands are declared the same way (md_command_t arrays)
 * and live in one case-insensitive table; each entry also carries its call
 * statistics. Running a command is the dispatcher's job (dispatch.h).
 *
 * Lifetime (docs/architecture.md §6, "Unload safety"): whoever keeps a
 * cmd_t pointer beyond the call that found it — a queued MULTI command, a
 * client's last command, a blocked client, a cached lookup — holds a
 * reference (cmd_ref/cmd_unref, or cmd_hold for a slot). When the owning
 * module is unloaded its entries leave the table; an entry still referenced
 * stays as a tombstone: its names are kept (CLIENT LIST prints them), its
 * handler and everything pointing into the module are cleared, and
 * cmd_is_gone() says so; the last reference frees it. Nothing outside the
 * table keeps a pointer into an unloaded module's code or data.
 */
#ifndef MODIS_CMD_H
#define MODIS_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "cmd_docs.h"
#include "cmd_keyspecs.h"
#include "sdk_host.h"

struct client;
struct md_module;
struct lathist;

/* flags, from md_command_t.flags words */
#define CMD_WRITE            (1ull << 0)
#define CMD_READONLY         (1ull << 1)
#define CMD_DENYOOM          (1ull << 2)
#define CMD_MODULE           (1ull << 3)
#define CMD_ADMIN            (1ull << 4)
#define CMD_PUBSUB           (1ull << 5)
#define CMD_NOSCRIPT         (1ull << 6)
#define CMD_BLOCKING         (1ull << 7)
#define CMD_LOADING          (1ull << 8)
#define CMD_STALE            (1ull << 9)
#define CMD_SKIP_MONITOR     (1ull << 10)
#define CMD_SKIP_SLOWLOG     (1ull << 11)
#define CMD_ASKING           (1ull << 12)
#define CMD_FAST             (1ull << 13)
#define CMD_NO_AUTH          (1ull << 14)
#define CMD_MAY_REPLICATE    (1ull << 15)
#define CMD_NO_MANDATORY_KEYS (1ull << 16)
#define CMD_NO_MULTI         (1ull << 17)
#define CMD_MOVABLE_KEYS     (1ull << 18)
#define CMD_ALLOW_BUSY       (1ull << 19)
#define CMD_PROTECTED        (1ull << 20) /* enable-debug/module-command */
#define CMD_NO_ASYNC_LOADING (1ull << 21)

typedef struct cmd {
    char *name;               /* lower case; "encoding" for a subcommand */
    char *fullname;           /* "object|encoding" */
    unsigned id;              /* stable per full name (ACL bitmaps): reloaded modules get theirs back */
    md_cmd_fn handler;
    int arity;
    uint64_t flags;
    int first_key, last_key, step;
    char **acl;               /* NULL-terminated, without '@' */
    md_command_t *decl;       /* owned copy: summary/since/complexity... */
    cmd_keyspecs_t keyspecs;  /* parsed or derived from first/last/step */
    cmd_docs_t *docs;         /* parsed syntax; NULL = no arguments given */
    const char *group;
    struct md_module *owner;     /* NULL for host commands */
    struct cmd *parent;
    struct cmd **subs;
    int nsubs;
    struct cmd *next;         /* hash chain */
    long long calls, usec, rejected_calls, failed_calls;
    struct lathist *hist;     /* latency-tracking: durations in ns, NULL until called */
    int refs;                 /* references held outside the table */
    int running;              /* calls of the handler on the stack */
    int gone;                 /* tombstone: unregistered, still referenced */
} cmd_t;

void cmd_table_init(void);
/*
 * Register a NULL-name-terminated array whose elements are `stride` bytes
 * apart (the module's sizeof(md_command_t); fields past it read as zero).
 * On a duplicate name nothing is registered and *err points at a message
 * naming it. `group` is the default COMMAND DOCS group.
 */
int cmd_register(struct md_module *owner, const md_command_t *decls,
                 size_t stride, const char *group, const char **err,
                 char *errbuf, size_t errcap);
/* Remove every command of `owner`; referenced ones become tombstones. */
/* rename-command: the command `name` is called `to` from now on (its full
 * name, ACL identity and statistics stay), or, with `to` "", removed.
 * 0, or -1 with Redis's reason (no such command, target taken). */
int cmd_rename(const char *name, const char *to, const char **err);
void cmd_unregister_owner(struct md_module *owner);
/*
 * MODULE UPGRADE. cmd_stage builds the new build's entries (appended to
 * *staged, *nstaged) without installing them; a name another owner holds
 * is refused. cmd_commit_staged swaps them in: an entry of `owner` with
 * the same name keeps its address, id and statistics and takes the new
 * handler and declaration (so blocked clients, queued MULTI commands and
 * every other reference run the new code), entries the new build lacks
 * are retired, new ones are added; it consumes `staged`.
 * cmd_staged_free drops a staged table (the upgrade failed).
 */
int cmd_stage(struct md_module *owner, const md_command_t *decls, size_t stride,
              const char *group, cmd_t ***staged, int *nstaged, char *errbuf, size_t errcap);
void cmd_commit_staged(struct md_module *owner, cmd_t **staged, int n);
void cmd_staged_free(cmd_t **staged, int n);
/* Whether a handler of `owner` is running now (MODULE UNLOAD refuses). */
int cmd_owner_running(const struct md_module *owner);

/* References (see the lifetime rule above). cmd_ref(NULL) is NULL,
 * cmd_unref(NULL) does nothing; cmd_hold(&slot, c) references c and
 * releases what the slot held before. */
cmd_t *cmd_ref(cmd_t *c);
void cmd_unref(cmd_t *c);
void cmd_hold(cmd_t **slot, cmd_t *c);
static inline int cmd_is_gone(const cmd_t *c) { return c->gone; }

cmd_t *cmd_lookup(const char *name, size_t len);
cmd_t *cmd_lookup_sub(cmd_t *parent, const char *name, size_t len);
const char *cmd_fullname(const cmd_t *c);
/* Iterate every top-level command. */
void cmd_foreach(void (*fn)(cmd_t *c, void *priv), void *priv);
size_t cmd_count(void);

/* The command's ACL categories without '@': the declared ones, then those
 * its flags imply (write, read, admin, dangerous, pubsub, fast, blocking,
 * and slow when not fast), as Redis derives them. Returns the count (at
 * most cap names in out, which point into static or command storage). */
int cmd_acl_categories(const cmd_t *c, const char **out, int cap);

/* Error statistics: count an error reply by its first word. */
void cmd_count_error(const char *err, size_t len);
/* The text of the last error counted (cut at 255 bytes; "" before any). */
const char *cmd_last_error(void);
typedef void (*cmd_errstat_fn)(void *priv, const char *name, long long count);
void cmd_errstats_foreach(cmd_errstat_fn fn, void *priv);
void cmd_reset_stats(void);

/*
 * Keys of argv (argv[0] = the command name) with their key spec flags: from
 * the command's getkeys_flags function, else its getkeys function (with
 * the flags of its first spec), else its key specs; a module function's
 * refs outside argv are dropped. Returns the count (at most cap refs in
 * out), or -1 when the arguments do not fit a spec.
 */
int cmd_get_keys(const cmd_t *cmd, int argc, const md_arg_t *argv, cmd_keyref_t *out, int cap);

#endif
