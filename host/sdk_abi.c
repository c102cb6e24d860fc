/*
 * sdk_abi.c — the SDK's binary layout, checked. The static assertions pin
 * the offset of the first and last entry of every minor's block of the
 * API table, and the fields of md_type_ops_t and md_manifest_t that older
 * modules rely on: an entry inserted, removed or reordered inside a
 * released minor breaks the build instead of every module built before.
 * sdk_abi_first_empty() finds a table slot nobody filled; the host checks
 * its own table with it at start-up (sdk_api()).
 *
 * Invariant: md_api_t is `size` followed by function pointers only, so
 * entry i sits at sizeof(size_t) + i * sizeof(void (*)(void)).
 */
#include "sdk_abi.h"

#include <stddef.h>

typedef void (*sdk_fn_t)(void);

#define API_AT(field, index)                                                    \
    _Static_assert(offsetof(md_api_t, field) ==                                 \
                       sizeof(size_t) + (size_t)(index) * sizeof(sdk_fn_t),     \
                   "md_api_t: " #field " moved (entries are append-only)")

/* 1.0: entries 0..97 */
API_AT(alloc, 0);
API_AT(type_register, 5);
API_AT(key_open, 9);
API_AT(rdb_save_len, 53);
API_AT(lp_new, 79);
API_AT(config_get_ll, 97);
/* 1.1: entries 98..107 */
API_AT(rdb_load_empty, 98);
API_AT(key_name, 99);
API_AT(reply_scan_cursor, 107);
/* 1.2: entries 108..140 */
API_AT(ht_new, 108);
API_AT(config_register_bool, 130);
API_AT(rdb_write_unsigned, 131);
API_AT(rdb_read_string, 140);
API_AT(block_on_keys_ex, 141);
API_AT(call, 147);
API_AT(event_subscribe, 158);
API_AT(on_unload, 161);
API_AT(debug_register, 162);
API_AT(ht_stats, 164);
API_AT(arg_lex_bound, 165);
API_AT(parse_mpop, 166);
API_AT(reply_human_ld, 167);
_Static_assert(sizeof(md_api_t) == sizeof(size_t) + 168 * sizeof(sdk_fn_t),
               "md_api_t: reply_human_ld is the last entry of 1.2");

/* md_type_ops_t: 1.0 and 1.1 end with subexpire_run; 1.2 appends. */
_Static_assert(offsetof(md_type_ops_t, layout_version) == sizeof(size_t),
               "md_type_ops_t: layout_version moved");
_Static_assert(offsetof(md_type_ops_t, free) == 2 * sizeof(size_t),
               "md_type_ops_t: free moved");
_Static_assert(offsetof(md_type_ops_t, subexpire_run) ==
                   2 * sizeof(size_t) + 11 * sizeof(sdk_fn_t),
               "md_type_ops_t: the 1.0 callbacks moved");
_Static_assert(offsetof(md_type_ops_t, aux_save) ==
                   offsetof(md_type_ops_t, subexpire_run) + sizeof(sdk_fn_t),
               "md_type_ops_t: the 1.2 fields must follow subexpire_run");
_Static_assert(offsetof(md_type_ops_t, debug_repr) ==
                   offsetof(md_type_ops_t, aux_when) + sizeof(sdk_fn_t),
               "md_type_ops_t: debug_repr must follow aux_when");

/* md_manifest_t: every field up to command_size is read from modules of
 * every minor; the 1.2 fields follow it. */
_Static_assert(offsetof(md_manifest_t, abi_major) == 8 &&
                   offsetof(md_manifest_t, abi_minor) == 10,
               "md_manifest_t: the ABI fields moved");
_Static_assert(offsetof(md_manifest_t, name) == (sizeof(void *) == 8 ? 16 : 12),
               "md_manifest_t: name moved");
_Static_assert(offsetof(md_manifest_t, abi_minor_min) ==
                   offsetof(md_manifest_t, command_size) + sizeof(uint32_t),
               "md_manifest_t: the 1.2 fields must follow command_size");

long sdk_abi_first_empty(const md_api_t *api)
{
    size_t n = (api->size - sizeof(size_t)) / sizeof(sdk_fn_t);
    const unsigned char *base = (const unsigned char *)api + sizeof(size_t);
    for (size_t i = 0; i < n; i++) {
        sdk_fn_t fn;
        __builtin_memcpy(&fn, base + i * sizeof(sdk_fn_t), sizeof(fn));
        if (!fn) return (long)i;
    }
    return -1;
}
