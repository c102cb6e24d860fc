/*
 * acl_internal.h — the ACL subsystem's own structures, shared by acl.c
 * (users, rules, descriptions), acl_check.c (permission checks,
 * authentication, clients of changed users), acl_log.c (ACL LOG) and
 * acl_file.c (the aclfile and `user` lines). Nothing outside host/acl*.c
 * includes it; the rest of the server sees acl.h.
 *
 * Invariants: a user has at least one selector and sel[0] is its root
 * selector (SEL_ROOT); the user table is sorted by name (bytes, shorter
 * first), as Redis's radix tree lists users; the default user is never
 * removed or freed (ACL LOAD copies into it).
 */
#ifndef MODIS_ACL_INTERNAL_H
#define MODIS_ACL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "acl.h"
#include "server.h"

/* Command ids index a bitmap; its last bit means "commands loaded later"
 * and is only ever set by +@all (Redis's reserved bit). */
#define ACL_CMD_BITS 1024
#define ACL_FUTURE_BIT (ACL_CMD_BITS - 1)

/* Key pattern permissions. */
#define ACL_PERM_READ 1
#define ACL_PERM_WRITE 2
#define ACL_PERM_ALL (ACL_PERM_READ | ACL_PERM_WRITE)

/* Selector flags. */
#define SEL_ROOT        (1u << 0)
#define SEL_ALLKEYS     (1u << 1)
#define SEL_ALLCHANNELS (1u << 2)
#define SEL_ALLCOMMANDS (1u << 3)

/* User flags, in the order ACL LIST and GETUSER show them. */
#define USER_ON            (1u << 0)
#define USER_OFF           (1u << 1)
#define USER_NOPASS        (1u << 2)
#define USER_SKIP_SANITIZE (1u << 3)
#define USER_SANITIZE      (1u << 4)

/* Why a rule was refused (Redis's ACLSetUserStringError texts). */
enum {
    ACL_E_OK, ACL_E_UNKNOWN, ACL_E_SYNTAX, ACL_E_KEYS_AFTER_ALL, ACL_E_CHANNELS_AFTER_ALL,
    ACL_E_NO_PASSWORD, ACL_E_BAD_HASH, ACL_E_SUB_FIRSTARG, ACL_E_DUPLICATE_USER
};

/* acl-pubsub-default (srv.acl_pubsub_default, in config's enum order). */
#define ACL_PUBSUB_ALL 0
#define NEW_SEL_CHANNELS() (srv.acl_pubsub_default == ACL_PUBSUB_ALL ? SEL_ALLCHANNELS : 0)

#define ACL_HASH_LEN 64 /* SHA-256 in lower-case hex */

typedef struct acl_str {
    char *p;                 /* owned, NUL-terminated (may hold NULs) */
    size_t len;
} acl_str_t;

typedef struct acl_keypat {
    int perm;                /* ACL_PERM_* */
    acl_str_t pat;
} acl_keypat_t;

/* +cmd|arg rules of one command without subcommands. */
typedef struct acl_firstargs {
    unsigned id;
    int n;
    acl_str_t *args;
} acl_firstargs_t;

typedef struct acl_selector {
    unsigned flags;          /* SEL_* */
    uint64_t allowed[ACL_CMD_BITS / 64];
    acl_firstargs_t *fa;
    int nfa;
    acl_keypat_t *keys;
    int nkeys;
    acl_str_t *chans;
    int nchans;
    char *rules;             /* command rules as given, lower case: "+get -@hash" */
} acl_selector_t;

struct acl_user {
    acl_str_t name;
    unsigned flags;          /* USER_* */
    char (*pass)[ACL_HASH_LEN + 1];
    int npass;
    acl_selector_t **sel;    /* sel[0]: the root selector */
    int nsel;
};

/* The 21 categories, in ACL CAT's order. */
extern const char *const acl_categories[];

/* acl.c: the user table. */
extern acl_user_t *acl_default;
acl_user_t *acl_user_new(const char *name, size_t len);       /* not linked */
void acl_user_free(acl_user_t *u);
void acl_user_copy(acl_user_t *dst, const acl_user_t *src);  /* all but the name */
void acl_users_link(acl_user_t *u);                          /* into the table */
void acl_users_unlink(acl_user_t *u);
int acl_users_count(void);
acl_user_t *acl_users_at(int i);                             /* sorted order */
/* Swap the whole table with (*tab, *n): ACL LOAD builds one aside. */
void acl_users_swap(acl_user_t ***tab, int *n);
acl_user_t *acl_user_new_default(void);                      /* unlinked */

/* acl.c: rules. Apply one rule; ACL_E_OK or why not (u unchanged only
 * for the failing rule itself: callers work on a copy). */
int acl_user_apply(acl_user_t *u, const char *op, size_t len);
const char *acl_error_text(int e);
int acl_has_spaces(const char *s, size_t len);
/* Merge "(" ... ")" selectors spread over several words. Returns the
 * merged words (owned, *nout of them), or NULL with *bad = the index of
 * the word opening the unmatched parenthesis. */
acl_str_t *acl_merge_selectors(const acl_str_t *w, int n, int *nout, int *bad);
void acl_strs_free(acl_str_t *v, int n);
/* Apply words to a copy of u (or a new user `name` when u is NULL), then
 * commit; 0, or -1 with Redis's SETUSER error in err. */
int acl_setuser(acl_user_t *u, const char *name, size_t namelen, const acl_str_t *w, int n,
                char *err, size_t cap);

/* acl.c: descriptions (owned strings). */
char *acl_describe_user(const acl_user_t *u);        /* ACL LIST without "user name " */
char *acl_describe_rules(const acl_selector_t *s);   /* "-@all +get" */
char *acl_describe_keys(const acl_selector_t *s);    /* GETUSER's "keys" */
char *acl_describe_channels(const acl_selector_t *s);

/* acl_check.c */
void acl_password_hash(const char *p, size_t len, char out[ACL_HASH_LEN + 1]);
/* The user changed (or is going): its clients go as Redis 7 drops them. */
void acl_kill_pubsub_clients(const acl_user_t *now, const acl_user_t *before);
void acl_kill_user_clients(const acl_user_t *u);
/* After ACL LOAD swapped the table (old users still allocated): clients
 * move to their user's new definition, or go with it. */
void acl_rebind_clients(void);
void acl_default_changed(void);

/* acl_log.c: one denial (object and username are copied). */
void acl_log_add(struct client *c, int reason, int context, const char *obj, size_t objlen,
                 const char *user, size_t userlen);

#endif
