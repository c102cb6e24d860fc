/*
 * test_abi.c — the SDK's binary interface from both sides:
 *  - host/sdk_abi.c's check that every API table slot is filled (the host
 *    runs it on its own table at start-up);
 *  - the ABI rule's "older host" direction, which a running server cannot
 *    show: tests/modules/abi_compat.so (built with this modis.h, needing
 *    only 1.1) is given a table cut at the 1.1 size, as a 1.1 host would
 *    hand it, and its MD_API_HAS check of a 1.2 entry must say no; with a
 *    full table it says yes.
 * The module is found in ABI_MODULE (set by the build).
 */
#include "sdk_abi.h"

#include <check.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef void (*fn_t)(void);

static void dummy(void) {}

/* A table whose every slot holds dummy. */
static md_api_t *full_table(void)
{
    md_api_t *a = calloc(1, sizeof(*a));
    a->size = sizeof(*a);
    unsigned char *p = (unsigned char *)a + sizeof(size_t);
    fn_t f = dummy;
    for (size_t i = 0; i < (sizeof(*a) - sizeof(size_t)) / sizeof(fn_t); i++)
        memcpy(p + i * sizeof(fn_t), &f, sizeof(f));
    return a;
}

START_TEST(first_empty_slot)
{
    md_api_t *a = full_table();
    ck_assert_int_eq(sdk_abi_first_empty(a), -1);
    a->key_name = NULL; /* a 1.1 entry: index 99 */
    ck_assert_int_eq(sdk_abi_first_empty(a), 99);
    a->alloc = NULL;
    ck_assert_int_eq(sdk_abi_first_empty(a), 0);
    a->alloc = (void *(*)(md_module_t *, size_t))dummy;
    a->key_name = (md_arg_t(*)(md_key_t *))dummy;
    a->rdb_read_string = NULL; /* the last 1.2 entry of the RDB block */
    ck_assert_int_eq(sdk_abi_first_empty(a),
                     (long)((offsetof(md_api_t, rdb_read_string) - sizeof(size_t)) /
                            sizeof(fn_t)));
    a->size = offsetof(md_api_t, rdb_write_unsigned); /* a 1.1 table ends before */
    ck_assert_int_eq(sdk_abi_first_empty(a), -1);
    free(a);
}
END_TEST

/* ---- the module's view of a 1.1 host ---- */

static const md_command_t *registered;
static long long replied = -1;

static int s_commands_register(md_module_t *m, const md_command_t *cmds)
{
    (void)m;
    registered = cmds;
    return MD_OK;
}

static int s_reply_int(md_ctx_t *c, long long v)
{
    (void)c;
    replied = v;
    return MD_OK;
}

/* md_init of abi_compat.so with a zeroed table of `size` bytes; returns
 * what COMPAT.HAS replies. */
static long long compat_has(size_t size)
{
    void *dl = dlopen(ABI_MODULE, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(dl != NULL, "dlopen %s: %s", ABI_MODULE, dlerror());
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    md_init_fn init = (md_init_fn)dlsym(dl, "md_init");
    ck_assert_ptr_nonnull(mf);
    ck_assert_ptr_nonnull(init);
    ck_assert_uint_eq(mf->abi_minor, MD_ABI_MINOR);
    ck_assert_uint_eq(mf->abi_minor_min, 1);
    md_api_t *a = calloc(1, sizeof(*a));
    a->size = size;
    a->commands_register = s_commands_register;
    a->reply_int = s_reply_int;
    registered = NULL;
    replied = -1;
    ck_assert_int_eq(init((md_module_t *)a, a, 0, NULL), MD_OK);
    ck_assert_ptr_nonnull(registered);
    ck_assert_str_eq(registered[0].name, "compat.has");
    registered[0].handler(NULL, 1, NULL);
    free(a);
    dlclose(dl);
    return replied;
}

START_TEST(module_on_an_older_host)
{
    ck_assert_int_eq(compat_has(offsetof(md_api_t, rdb_write_unsigned)), 0);
    ck_assert_int_eq(compat_has(sizeof(md_api_t)), 1);
}
END_TEST

static Suite *abi_suite(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("abi");
    tcase_add_test(tc, first_empty_slot);
    tcase_add_test(tc, module_on_an_older_host);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(abi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
