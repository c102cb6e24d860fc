/*
 * test_words.c — Redis's word syntax (host/words.c): splitting as
 * sdssplitargs does (blanks, double quotes with \xHH and C escapes, single
 * quotes with \' only, a quote inside a word, the closing-quote rule, NUL
 * ends the line) and quoting as sdscatrepr does, which must split back to
 * the same word for every byte value.
 */
#include "words.h"
#include "mem.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Split `line` and compare with the NULL-terminated expected words. */
static void expect_split(const char *line, const char *const *want)
{
    char **w;
    int n = words_split(line, &w);
    int k = 0;
    while (want[k]) k++;
    ck_assert_msg(n == k, "%s: %d words, want %d", line, n, k);
    for (int i = 0; i < n; i++) ck_assert_str_eq(w[i], want[i]);
    words_free(w, n);
}

START_TEST(test_split_plain)
{
    expect_split("set key value", (const char *const[]){"set", "key", "value", NULL});
    expect_split("  \t lead and trail \t ", (const char *const[]){"lead", "and", "trail", NULL});
    expect_split("", (const char *const[]){NULL});
    expect_split("   ", (const char *const[]){NULL});
}
END_TEST

START_TEST(test_split_quotes)
{
    expect_split("a \"b c\" d", (const char *const[]){"a", "b c", "d", NULL});
    expect_split("\"\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\\"\\q\"",
                 (const char *const[]){"AJ\n\r\t\b\a\\\"q", NULL});
    expect_split("\"\\x4\"", (const char *const[]){"x4", NULL}); /* not \xHH */
    expect_split("'it\\'s' 'a\\nb'", (const char *const[]){"it's", "a\\nb", NULL});
    expect_split("foo\"bar baz\"", (const char *const[]){"foobar baz", NULL});
    expect_split("\"\" ''", (const char *const[]){"", "", NULL});
}
END_TEST

START_TEST(test_split_unbalanced)
{
    char **w = NULL;
    ck_assert_int_eq(words_split("\"open", &w), -1);
    ck_assert_int_eq(words_split("'open", &w), -1);
    ck_assert_int_eq(words_split("\"closed\"next", &w), -1);
    ck_assert_int_eq(words_split("a 'b'c", &w), -1);
    ck_assert_int_eq(words_split("\"ends with backslash\\", &w), -1);
}
END_TEST

static size_t offs[8], lens[8];
static int nfound;

static void found(void *priv, size_t off, size_t len)
{
    (void)priv;
    offs[nfound] = off;
    lens[nfound++] = len;
}

START_TEST(test_split_inplace)
{
    char line[] = "ab \"c\\x44\" e\0f g";
    nfound = 0;
    ck_assert_int_eq(words_split_inplace(line, sizeof(line) - 1, found, NULL), 3);
    ck_assert_int_eq(nfound, 3); /* the NUL ended the line */
    ck_assert_int_eq(offs[1], 3);
    ck_assert_int_eq(lens[1], 2);
    ck_assert(memcmp(line + offs[1], "cD", 2) == 0);
    ck_assert(memcmp(line + offs[2], "e", 1) == 0);
}
END_TEST

START_TEST(test_repr)
{
    char out[64];
    ck_assert_int_eq(words_repr(out, "a b", 3), 5);
    ck_assert_str_eq(out, "\"a b\"");
    words_repr(out, "\\\"\n\r\t\a\b\x01\x7f\xff", 10);
    ck_assert_str_eq(out, "\"\\\\\\\"\\n\\r\\t\\a\\b\\x01\\x7f\\xff\"");
    ck_assert_int_eq(words_need_repr("plain-name.aof", 14), 0);
    ck_assert_int_eq(words_need_repr("a b", 3), 1);
    ck_assert_int_eq(words_need_repr("a\"b", 3), 1);
    ck_assert_int_eq(words_need_repr("a\\b", 3), 1);
    ck_assert_int_eq(words_need_repr("a\x80", 2), 1);
}
END_TEST

/* Every byte value (but NUL, which ends a line) quotes and splits back. */
START_TEST(test_repr_round_trip)
{
    char word[256], out[4 * 256 + 3];
    for (int i = 1; i < 256; i++) word[i - 1] = (char)i;
    word[255] = '\0';
    words_repr(out, word, 255);
    char **w;
    ck_assert_int_eq(words_split(out, &w), 1);
    ck_assert_str_eq(w[0], word);
    words_free(w, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("words");
    TCase *tc = tcase_create("split");
    tcase_add_test(tc, test_split_plain);
    tcase_add_test(tc, test_split_quotes);
    tcase_add_test(tc, test_split_unbalanced);
    tcase_add_test(tc, test_split_inplace);
    suite_add_tcase(s, tc);
    tc = tcase_create("repr");
    tcase_add_test(tc, test_repr);
    tcase_add_test(tc, test_repr_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
