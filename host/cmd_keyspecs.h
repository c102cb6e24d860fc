/*
 * cmd_keyspecs.h — Redis 7 key specifications of one command: parsed from
 * md_command_t.key_specs (or derived from first/last/step), checked
 * against the legacy range, used to find a command's keys with their
 * flags (COMMAND GETKEYS / GETKEYSANDFLAGS) and replied in COMMAND INFO.
 *
 * A parsed set is owned by its command (cmd_t) and never changes after
 * registration.
 */
#ifndef MODIS_CMD_KEYSPECS_H
#define MODIS_CMD_KEYSPECS_H

#include <stddef.h>
#include <stdint.h>

#include "sdk_host.h"

/* Key spec flags are the SDK's MD_KSF_* (modis.h); COMMAND INFO lists them
 * in bit order. */
#define KSF_RO             MD_KSF_RO
#define KSF_RW             MD_KSF_RW
#define KSF_OW             MD_KSF_OW
#define KSF_RM             MD_KSF_RM
#define KSF_ACCESS         MD_KSF_ACCESS
#define KSF_UPDATE         MD_KSF_UPDATE
#define KSF_INSERT         MD_KSF_INSERT
#define KSF_DELETE         MD_KSF_DELETE
#define KSF_NOT_KEY        MD_KSF_NOT_KEY
#define KSF_INCOMPLETE     MD_KSF_INCOMPLETE
#define KSF_VARIABLE_FLAGS MD_KSF_VARIABLE_FLAGS

enum { KS_BS_INDEX = 1, KS_BS_KEYWORD, KS_BS_UNKNOWN };
enum { KS_FK_RANGE = 1, KS_FK_KEYNUM, KS_FK_UNKNOWN };

typedef struct cmd_keyspec {
    uint32_t flags;
    uint8_t bs, fk;
    int pos;              /* index: argv position; keyword: startfrom */
    char *keyword;        /* keyword begin search, owned */
    /* range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep */
    int a, b, c;
    char *notes;          /* owned, NULL = none */
} cmd_keyspec_t;

typedef struct cmd_keyspecs {
    int n;
    cmd_keyspec_t *v;     /* owned array of n */
} cmd_keyspecs_t;

/* A key found in an argv: its index and the flags of the spec that found
 * it (the SDK's type, so a module's getkeys_flags fills the same array). */
typedef md_keyref_t cmd_keyref_t;

/*
 * Parse the key_specs mini-language (see modis.h) into *out. Returns 0, or
 * -1 with a message in err (out is then empty). NULL or "" gives no spec.
 */
int cmd_keyspecs_parse(const char *s, cmd_keyspecs_t *out, char *err, size_t errcap);
/*
 * The default for a command that declares none: one index/range spec from
 * first/last/step, flagged "RO access" for readonly commands and "RW access
 * update" otherwise, plus "incomplete" when keys come from a getkeys
 * function. No spec when first_key is 0.
 */
void cmd_keyspecs_default(cmd_keyspecs_t *out, int first, int last, int step,
                          int readonly, int has_getkeys);
void cmd_keyspecs_free(cmd_keyspecs_t *ks);

/*
 * The legacy first/last/step Redis derives from the specs, and whether
 * they make the command "movablekeys" (a spec that is not index/range, is
 * incomplete, or does not continue the previous range).
 */
void cmd_keyspecs_legacy(const cmd_keyspecs_t *ks, int *first, int *last, int *step,
                         int *movable);

/*
 * Find the keys of argv (argv[0] = the command name) with the specs, as
 * Redis's getKeysUsingKeySpecs: at most cap refs into out. Returns the
 * count, or -1 when a spec does not fit the arguments (a malformed call).
 */
int cmd_keyspecs_find(const cmd_keyspecs_t *ks, int argc, const md_arg_t *argv,
                      cmd_keyref_t *out, int cap);

/* Reply the flags as a set of status strings ("RW", "access", ...). */
void cmd_keyspecs_reply_flags(md_ctx_t *ctx, uint32_t flags);
/* Reply the key specs element of COMMAND INFO. */
void cmd_keyspecs_reply(md_ctx_t *ctx, const cmd_keyspecs_t *ks);

#endif
