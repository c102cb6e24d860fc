/*
 * test_aof_manifest.c — the AOF manifest (persist/aof_manifest.c): Redis's
 * line format byte for byte, quoting of odd names, every parse error with
 * its line, the naming of base/incr files and the history bookkeeping, and
 * saving/loading through a temporary directory.
 */
#include "persist/aof_manifest.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* log.c stand-in: keep the last message. */
static char last_log[1024];
void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    (void)level;
    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
}

static aof_manifest_t *parse(const char *text, int *line, char *err)
{
    return aof_manifest_parse(text, strlen(text), line, err, 128);
}

static void check_format(const aof_manifest_t *am, const char *want)
{
    size_t len;
    char *got = aof_manifest_format(am, &len);
    ck_assert_uint_eq(len, strlen(want));
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_parse_and_format_round_trip)
{
    const char *text = "file appendonly.aof.2.base.rdb seq 2 type b\n"
                       "file appendonly.aof.1.base.rdb seq 1 type h\n"
                       "file appendonly.aof.1.incr.aof seq 1 type h\n"
                       "file appendonly.aof.2.incr.aof seq 2 type i\n"
                       "file appendonly.aof.3.incr.aof seq 3 type i\n";
    int line;
    char err[128];
    aof_manifest_t *am = parse(text, &line, err);
    ck_assert_ptr_nonnull(am);
    ck_assert_str_eq(am->base->name, "appendonly.aof.2.base.rdb");
    ck_assert_int_eq(am->base_seq, 2);
    ck_assert_int_eq(am->nhist, 2);
    ck_assert_int_eq(am->nincr, 2);
    ck_assert_int_eq(am->incr_seq, 3);
    check_format(am, text);
    aof_manifest_t *d = aof_manifest_dup(am);
    aof_manifest_free(am);
    check_format(d, text);
    aof_manifest_free(d);
}
END_TEST

START_TEST(test_comments_case_extra_fields_no_final_newline)
{
    int line;
    char err[128];
    aof_manifest_t *am = parse("# comment\nFILE a.incr SEQ 4 TYPE i startoffset 0 endoffset 1\n"
                               "file b.incr seq 5 type i", &line, err);
    ck_assert_ptr_nonnull(am);
    check_format(am, "file a.incr seq 4 type i\nfile b.incr seq 5 type i\n");
    ck_assert_ptr_null(am->base);
    aof_manifest_free(am);
}
END_TEST

START_TEST(test_quoted_names)
{
    aof_manifest_t *am = aof_manifest_new();
    aof_file_t f = {strdup("a b\"c\\d\x01.incr"), 1, AOF_TYPE_INCR};
    am->incr = malloc(sizeof(f));
    am->incr[0] = f;
    am->nincr = 1;
    am->incr_seq = 1;
    const char *want = "file \"a b\\\"c\\\\d\\x01.incr\" seq 1 type i\n";
    check_format(am, want);
    int line;
    char err[128];
    aof_manifest_t *back = parse(want, &line, err);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back->incr[0].name, "a b\"c\\d\x01.incr");
    aof_manifest_free(back);
    aof_manifest_free(am);
    /* Redis's escapes: \n \t and single quotes. */
    back = parse("file \"x\\ty\\nz\" seq 1 type i\nfile 'it\\'s' seq 2 type i\n", &line, err);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back->incr[0].name, "x\ty\nz");
    ck_assert_str_eq(back->incr[1].name, "it's");
    aof_manifest_free(back);
}
END_TEST

static const struct {
    const char *text;
    int line;
    const char *err;
} bad[] = {
    {"", 0, "Found an empty AOF manifest"},
    {"file a seq 1 type\n", 1, "Invalid AOF manifest file format"},
    {"file a seq 1 type i x\n", 1, "Invalid AOF manifest file format"},
    {"\n", 1, "Invalid AOF manifest file format"},
    {"# ok\nfile a seq 0 type i\n", 2, "Invalid AOF manifest file format"},
    {"file a seq 1 size 3\n", 1, "Invalid AOF manifest file format"},
    {"file \"a seq 1 type i\n", 1, "Invalid AOF manifest file format"},
    {"file \"a\"b seq 1 type i\n", 1, "Invalid AOF manifest file format"},
    {"file d/a seq 1 type i\n", 1, "File can't be a path, just a filename"},
    {"file a seq 1 type x\n", 1, "Unknown AOF file type"},
    {"file a seq 1 type b\nfile b seq 2 type b\n", 2, "Found duplicate base file information"},
    {"file a seq 3 type i\nfile b seq 3 type i\n", 2, "Found a non-monotonic sequence number"},
};

START_TEST(test_parse_errors)
{
    int line;
    char err[128];
    ck_assert_ptr_null(parse(bad[_i].text, &line, err));
    ck_assert_int_eq(line, bad[_i].line);
    ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_too_long_line)
{
    char text[1200];
    memset(text, 'x', sizeof(text));
    memcpy(text, "file ", 5);
    text[sizeof(text) - 2] = '\n';
    text[sizeof(text) - 1] = '\0';
    int line;
    char err[128];
    ck_assert_ptr_null(parse(text, &line, err));
    ck_assert_str_eq(err, "The AOF manifest file contains too long line");
}
END_TEST

START_TEST(test_names_and_history)
{
    aof_manifest_t *am = aof_manifest_new();
    ck_assert_str_eq(aof_manifest_last_incr(am, "appendonly.aof"), "appendonly.aof.1.incr.aof");
    ck_assert_str_eq(aof_manifest_last_incr(am, "appendonly.aof"), "appendonly.aof.1.incr.aof");
    ck_assert_str_eq(aof_manifest_new_base(am, "appendonly.aof", 1), "appendonly.aof.1.base.rdb");
    check_format(am, "file appendonly.aof.1.base.rdb seq 1 type b\n"
                     "file appendonly.aof.1.incr.aof seq 1 type i\n");
    /* A rewrite: new incr, then new base; the older incr files retire. */
    ck_assert_str_eq(aof_manifest_new_incr(am, "appendonly.aof"), "appendonly.aof.2.incr.aof");
    ck_assert_str_eq(aof_manifest_new_incr(am, "appendonly.aof"), "appendonly.aof.3.incr.aof");
    ck_assert_str_eq(aof_manifest_new_base(am, "appendonly.aof", 0), "appendonly.aof.2.base.aof");
    aof_manifest_retire_incr(am, 1);
    check_format(am, "file appendonly.aof.2.base.aof seq 2 type b\n"
                     "file appendonly.aof.1.incr.aof seq 1 type h\n"
                     "file appendonly.aof.2.incr.aof seq 2 type h\n"
                     "file appendonly.aof.1.base.rdb seq 1 type h\n"
                     "file appendonly.aof.3.incr.aof seq 3 type i\n");
    aof_manifest_clear_history(am);
    check_format(am, "file appendonly.aof.2.base.aof seq 2 type b\n"
                     "file appendonly.aof.3.incr.aof seq 3 type i\n");
    /* AOF off: every incr file retires. */
    aof_manifest_retire_incr(am, 0);
    ck_assert_int_eq(am->nincr, 0);
    ck_assert_str_eq(am->hist[0].name, "appendonly.aof.3.incr.aof");
    /* Sequence numbers are never reused. */
    ck_assert_str_eq(aof_manifest_last_incr(am, "appendonly.aof"), "appendonly.aof.4.incr.aof");
    aof_manifest_free(am);
}
END_TEST

START_TEST(test_save_and_load)
{
    char dir[] = "/tmp/test_aof_manifest.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sub[300], path[400], err[1536];
    snprintf(sub, sizeof(sub), "%s/aofdir", dir);
    aof_manifest_t *am;
    ck_assert_int_eq(aof_manifest_load(sub, "m.manifest", &am, err, sizeof(err)), 1);
    ck_assert_int_eq(am->nincr, 0);
    aof_manifest_free(am);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    ck_assert_int_eq(aof_manifest_load(sub, "m.manifest", &am, err, sizeof(err)), 1);
    aof_manifest_new_base(am, "m", 1);
    aof_manifest_new_incr(am, "m");
    ck_assert_int_eq(aof_manifest_save(am, sub, "m.manifest"), 0);
    aof_manifest_free(am);
    snprintf(path, sizeof(path), "%s/temp-m.manifest", sub);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(aof_manifest_load(sub, "m.manifest", &am, err, sizeof(err)), 0);
    check_format(am, "file m.1.base.rdb seq 1 type b\nfile m.1.incr.aof seq 1 type i\n");
    aof_manifest_free(am);
    /* A bad line: the error names the file, the line and its text. */
    snprintf(path, sizeof(path), "%s/m.manifest", sub);
    FILE *f = fopen(path, "w");
    fputs("file m.1.base.rdb seq 1 type b\nfile oops\n", f);
    fclose(f);
    ck_assert_int_eq(aof_manifest_load(sub, "m.manifest", &am, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "FATAL AOF MANIFEST FILE ERROR"));
    ck_assert_ptr_nonnull(strstr(err, "m.manifest, at line 2: >>> 'file oops' "
                                      "Invalid AOF manifest file format"));
    unlink(path);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aof_manifest");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_parse_and_format_round_trip);
    tcase_add_test(tc, test_comments_case_extra_fields_no_final_newline);
    tcase_add_test(tc, test_quoted_names);
    tcase_add_loop_test(tc, test_parse_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, test_too_long_line);
    tcase_add_test(tc, test_names_and_history);
    tcase_add_test(tc, test_save_and_load);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
