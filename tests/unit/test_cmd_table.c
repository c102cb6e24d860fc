/*
 * test_cmd_table.c — host/cmd.c alone: the lifetime rule of command
 * entries (cmd.h). An entry unregistered while referenced stays a
 * tombstone with its names and nothing of its module (handler,
 * declaration, owner, parent, subcommands); the last reference frees it;
 * unreferenced entries are freed at once (checked through mem_used, the
 * allocator front end's exact count); a running handler pins its owner.
 * MODULE UPGRADE's staged table (cmd_stage, cmd_commit_staged): an entry
 * of the same name keeps its address, id, statistics and references and
 * takes the new handler and declaration; what the new build lacks is
 * retired, what it adds is installed; a staged table can be dropped.
 */
#include "cmd.h"
#include "mem.h"
#include "server.h"

#include <check.h>
#include <string.h>

server_t srv;                      /* main.c */
const md_api_t *sdk_host_api;      /* no reply is written here */
md_module_t *sdk_host_self;

static int handler(md_ctx_t *c, int argc, const md_arg_t *argv) { return MD_OK; }

static const md_command_t subs[] = {
    {.name = "sub", .handler = handler, .arity = 2, .flags = "readonly",
     .summary = "a subcommand"},
    {0}};

static const md_command_t decls[] = {
    {.name = "Alpha", .handler = handler, .arity = 2, .flags = "readonly fast",
     .first_key = 1, .last_key = 1, .step = 1, .acl = "@read", .summary = "alpha",
     .syntax = "key"},
    {.name = "beta", .arity = -2, .flags = "", .summary = "container", .subcommands = subs},
    {0}};

static md_module_t *const owner = (md_module_t *)&srv; /* any distinct address */

static void register_decls(void)
{
    const char *e = NULL;
    char buf[200];
    ck_assert_int_eq(cmd_register(owner, decls, sizeof(md_command_t), "module", &e, buf,
                                  sizeof(buf)), 0);
}

/* An empty table whose command ids for the test's names already exist:
 * ids are kept for good (a module loaded again gets its ACL bits back),
 * so the memory they take is not the entries' and is allocated first. */
static void table_init_with_ids(void)
{
    cmd_table_init();
    register_decls();
    cmd_unregister_owner(owner);
}

START_TEST(test_unreferenced_entries_are_freed)
{
    table_init_with_ids();
    size_t before = mem_used();
    register_decls();
    ck_assert_uint_eq(cmd_count(), 2);
    ck_assert_ptr_nonnull(cmd_lookup("ALPHA", 5));
    cmd_unregister_owner(owner);
    ck_assert_uint_eq(cmd_count(), 0);
    ck_assert_ptr_null(cmd_lookup("alpha", 5));
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_referenced_entries_become_tombstones)
{
    table_init_with_ids();
    size_t before = mem_used();
    register_decls();
    cmd_t *alpha = cmd_ref(cmd_lookup("alpha", 5));
    cmd_t *beta = cmd_lookup("beta", 4);
    cmd_t *sub = cmd_ref(cmd_lookup_sub(beta, "SUB", 3));
    ck_assert(!cmd_is_gone(alpha));
    ck_assert_ptr_eq(sub->parent, beta);
    cmd_unregister_owner(owner);
    ck_assert_ptr_null(cmd_lookup("alpha", 5));
    ck_assert(cmd_is_gone(alpha) && cmd_is_gone(sub));
    /* The names stay (CLIENT LIST prints them); the module's parts go. */
    ck_assert_str_eq(cmd_fullname(alpha), "alpha");
    ck_assert_str_eq(cmd_fullname(sub), "beta|sub");
    ck_assert_ptr_null(alpha->handler);
    ck_assert_ptr_null(alpha->decl);
    ck_assert_ptr_null(alpha->owner);
    ck_assert_ptr_null(alpha->group);
    ck_assert_ptr_null(alpha->docs);
    ck_assert_ptr_null(sub->parent); /* beta, unreferenced, is freed */
    ck_assert_int_eq(alpha->keyspecs.n, 0);
    cmd_unref(alpha);
    cmd_unref(sub);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_hold_moves_a_reference)
{
    table_init_with_ids();
    size_t before = mem_used();
    register_decls();
    cmd_t *slot = NULL;
    cmd_t *alpha = cmd_lookup("alpha", 5);
    cmd_t *beta = cmd_lookup("beta", 4);
    cmd_hold(&slot, alpha);
    cmd_hold(&slot, alpha); /* the same entry again: still one reference */
    ck_assert_int_eq(alpha->refs, 1);
    cmd_hold(&slot, beta);
    ck_assert_int_eq(alpha->refs, 0);
    ck_assert_int_eq(beta->refs, 1);
    cmd_unregister_owner(owner);
    ck_assert(cmd_is_gone(slot));
    cmd_hold(&slot, NULL); /* the last reference frees the tombstone */
    ck_assert_ptr_null(slot);
    ck_assert_uint_eq(mem_used(), before);
}
END_TEST

START_TEST(test_running_handler_pins_its_owner)
{
    cmd_table_init();
    register_decls();
    cmd_t *sub = cmd_lookup_sub(cmd_lookup("beta", 4), "sub", 3);
    ck_assert(!cmd_owner_running(owner));
    sub->running++;
    ck_assert(cmd_owner_running(owner));
    ck_assert(!cmd_owner_running(NULL)); /* host commands: none here */
    sub->running--;
    ck_assert(!cmd_owner_running(owner));
    cmd_unregister_owner(owner);
}
END_TEST

static int handler2(md_ctx_t *c, int argc, const md_arg_t *argv) { return MD_ERR; }

/* The "new build": alpha with another handler and arity, beta without
 * its old subcommand but with another one, and a new command gamma. */
static const md_command_t subs2[] = {
    {.name = "other", .handler = handler2, .arity = 3, .flags = "write",
     .summary = "another subcommand"},
    {0}};

static const md_command_t decls2[] = {
    {.name = "alpha", .handler = handler2, .arity = -2, .flags = "write",
     .first_key = 1, .last_key = 1, .step = 1, .summary = "alpha 2", .syntax = "key"},
    {.name = "beta", .arity = -2, .flags = "", .summary = "container", .subcommands = subs2},
    {.name = "gamma", .handler = handler2, .arity = 1, .flags = "fast", .summary = "new"},
    {0}};

static void stage(const md_command_t *d, cmd_t ***staged, int *n)
{
    char buf[200];
    ck_assert_int_eq(cmd_stage(owner, d, sizeof(md_command_t), "module", staged, n, buf,
                               sizeof(buf)), 0);
}

START_TEST(test_staged_table_swaps_in_place)
{
    table_init_with_ids();
    register_decls();
    cmd_t *alpha = cmd_ref(cmd_lookup("alpha", 5));
    cmd_t *sub = cmd_ref(cmd_lookup_sub(cmd_lookup("beta", 4), "sub", 3));
    unsigned id = alpha->id;
    alpha->calls = 42;
    cmd_t **staged = NULL;
    int n = 0;
    stage(decls2, &staged, &n);
    ck_assert_int_eq(n, 3);
    ck_assert_ptr_eq(cmd_lookup("alpha", 5), alpha); /* nothing installed yet */
    ck_assert_ptr_null(cmd_lookup("gamma", 5));
    cmd_commit_staged(owner, staged, n);
    ck_assert_ptr_eq(cmd_lookup("alpha", 5), alpha);
    ck_assert_ptr_eq(alpha->handler, handler2);
    ck_assert_int_eq(alpha->arity, -2);
    ck_assert_uint_eq(alpha->id, id);
    ck_assert_int_eq(alpha->calls, 42);
    ck_assert_int_eq(alpha->refs, 1);
    ck_assert_str_eq(alpha->decl->summary, "alpha 2");
    ck_assert(alpha->flags & CMD_WRITE);
    ck_assert(cmd_is_gone(sub)); /* the new build has no beta|sub */
    cmd_t *beta = cmd_lookup("beta", 4);
    ck_assert_ptr_null(cmd_lookup_sub(beta, "sub", 3));
    ck_assert_ptr_eq(cmd_lookup_sub(beta, "other", 5)->parent, beta);
    ck_assert_ptr_eq(cmd_lookup("gamma", 5)->handler, handler2);
    ck_assert_uint_eq(cmd_count(), 3);
    cmd_unref(sub);
    cmd_unref(alpha);
    cmd_unregister_owner(owner);
    ck_assert_uint_eq(cmd_count(), 0);
}
END_TEST

START_TEST(test_staging_refuses_other_owners_names)
{
    table_init_with_ids();
    register_decls();
    static const md_command_t clash[] = {
        {.name = "alpha", .handler = handler, .arity = 2, .flags = "", .summary = "x"},
        {0}};
    static const md_command_t twice[] = {
        {.name = "delta", .handler = handler, .arity = 2, .flags = "", .summary = "x"},
        {0}};
    md_module_t *other = (md_module_t *)&sdk_host_api; /* another owner */
    cmd_t **staged = NULL;
    int n = 0;
    char buf[200];
    /* delta's command id is kept for good once given: give it first */
    ck_assert_int_eq(cmd_stage(other, twice, sizeof(md_command_t), "module", &staged, &n,
                               buf, sizeof(buf)), 0);
    cmd_staged_free(staged, n);
    staged = NULL;
    n = 0;
    size_t before = mem_used();
    ck_assert_int_eq(cmd_stage(other, clash, sizeof(md_command_t), "module", &staged, &n,
                               buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "command 'alpha' already exists");
    ck_assert_int_eq(cmd_stage(other, twice, sizeof(md_command_t), "module", &staged, &n,
                               buf, sizeof(buf)), 0);
    ck_assert_int_eq(cmd_stage(other, twice, sizeof(md_command_t), "module", &staged, &n,
                               buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "command 'delta' declared twice");
    cmd_staged_free(staged, n); /* the upgrade failed: nothing stays */
    ck_assert_uint_eq(mem_used(), before);
    ck_assert_ptr_null(cmd_lookup("delta", 5));
    cmd_unregister_owner(owner);
}
END_TEST

static Suite *table_suite(void)
{
    Suite *s = suite_create("cmd_table");
    TCase *k = tcase_create("lifetime");
    tcase_add_test(k, test_unreferenced_entries_are_freed);
    tcase_add_test(k, test_referenced_entries_become_tombstones);
    tcase_add_test(k, test_hold_moves_a_reference);
    tcase_add_test(k, test_running_handler_pins_its_owner);
    tcase_add_test(k, test_staged_table_swaps_in_place);
    tcase_add_test(k, test_staging_refuses_other_owners_names);
    suite_add_tcase(s, k);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(table_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
