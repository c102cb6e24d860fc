/*
 * script_conv.h — Redis's conversions between Lua values and replies:
 * a command's reply (RESP2 or RESP3, parsed by reply_tree.c) becomes the
 * Lua value redis.call() returns, and a script's result becomes the reply
 * its caller gets, in the caller's protocol.
 *
 * RESP2 → Lua: integer → number, bulk → string, null bulk or null array →
 * false, array → table, status → {ok=...}, error → {err=...}.
 * RESP3 adds: null → nil, map → {map={...}}, set → {set={k=true}},
 * boolean → boolean, double → {double=n}, big number → {big_number=s},
 * verbatim → {verbatim_string={format=..., string=...}}.
 * Lua → reply: string → bulk, number → integer (truncated), boolean →
 * 1/null (script in RESP2) or #t/#f (RESP3), table → error (err), status
 * (ok), double, big number, verbatim, map, set, else array up to the
 * first nil; anything else → null.
 */
#ifndef MODIS_SCRIPT_CONV_H
#define MODIS_SCRIPT_CONV_H

#include <stddef.h>


#include "reply.h"
#include "reply_tree.h"

typedef struct lua_State lua_State; /* lua.h's */

/* Push the Lua value of reply r. */
void script_conv_push_reply(lua_State *L, const md_reply_t *r);
/*
 * Pop the value on top of L's stack and append it to out as the reply a
 * client speaking `proto` gets; `script_resp` is the protocol the script
 * chose (redis.setresp), which decides how booleans are sent.
 */
void script_conv_to_reply(lua_State *L, reply_t *out, int proto, int script_resp);
/*
 * Push Redis's error table for msg[0..len): "-CODE text" keeps its code,
 * other text gets "ERR "; trailing CR/LF are trimmed. {err="CODE text"}.
 */
void script_conv_push_error(lua_State *L, const char *msg, size_t len);
/* The error text of the error table on top of the stack (NULL when it is
 * not one), and its "source"/"line" fields when set (else NULL/0). */
const char *script_conv_error_info(lua_State *L, const char **source, int *line);

#endif
