/* Unit tests for the word scan of Python files (src/lang/python/pyscan.c):
 * which byte runs are words (64 bytes at a time, so across block edges and
 * at the end of the buffer), that a word's hash is pyscan_hash of its text,
 * the stop words, NUL and UTF-8 checks, and that compacting keeps the set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lang/python/pyscan.h"

static bool has(const PyWords *w, const char *word)
{
    return pyscan_has(w, pyscan_hash(word, strlen(word)));
}

static void scan(PyWords *w, const char *src)
{
    assert_false(pyscan_words(w, src, strlen(src), NULL, 0));
}

static void test_words_of_code_strings_and_comments(void **state)
{
    (void)state;
    PyWords w;
    scan(&w, "import asyncio\nasync def fetch_all(x_1):  # await later\n"
             "    s = 'create_task'\n    return fétch\n");
    const char *words[] = {"import", "asyncio", "async", "def", "fetch_all", "x_1", "await",
                           "later", "s", "create_task", "return", "fétch"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        assert_true(has(&w, words[i]));
    assert_int_equal(w.n, sizeof words / sizeof *words);
    /* a word is the whole run: no prefix, no suffix, no part around a byte >= 0x80 */
    assert_false(has(&w, "fetch"));
    assert_false(has(&w, "fetch_al"));
    assert_false(has(&w, "syncio"));
    assert_false(has(&w, "x"));
    assert_false(w.suspect);
    pyscan_free(&w);
}

/* Words that cross the 64-byte blocks the scan works in, and one that ends
 * the buffer, at every offset around a block edge. */
static void test_words_across_block_edges(void **state)
{
    (void)state;
    char src[300];
    for (int pad = 40; pad <= 140; pad++) {
        memset(src, ' ', (size_t)pad);
        snprintf(src + pad, sizeof src - (size_t)pad, "first_word second_word_is_long.z end");
        PyWords w;
        scan(&w, src);
        assert_true(has(&w, "first_word"));
        assert_true(has(&w, "second_word_is_long"));
        assert_true(has(&w, "z"));
        assert_true(has(&w, "end"));
        assert_int_equal(w.n, 4);
        pyscan_free(&w);
    }
    /* a buffer that is one word of exactly 64 and of 128 bytes */
    for (size_t n = 64; n <= 128; n += 64) {
        memset(src, 'a', n);
        src[n] = '\0';
        PyWords w;
        scan(&w, src);
        assert_int_equal(w.n, 1);
        assert_true(pyscan_has(&w, pyscan_hash(src, n)));
        pyscan_free(&w);
    }
}

static void test_empty_and_wordless(void **state)
{
    (void)state;
    PyWords w;
    scan(&w, "");
    assert_int_equal(w.n, 0);
    assert_false(w.suspect);
    pyscan_free(&w);
    scan(&w, "(\n) + - * / ## '' \"\" \t\f\r\n");
    assert_int_equal(w.n, 0);
    pyscan_free(&w);
}

/* The scan stops at the first stop word: the file is parsed anyway. */
static void test_stop_words(void **state)
{
    (void)state;
    const char *src = "import time\n\nasync def f():\n    time.sleep(1)\n";
    uint32_t stop[2] = {pyscan_hash("async", 5), pyscan_hash("await", 5)};
    PyWords w;
    assert_true(pyscan_words(&w, src, strlen(src), stop, 2));
    assert_true(has(&w, "time"));
    assert_false(has(&w, "sleep")); /* after the stop */
    pyscan_free(&w);
    const char *plain = "import time\n\ndef f():\n    time.sleep(1)  # asyncio\n";
    assert_false(pyscan_words(&w, plain, strlen(plain), stop, 2));
    assert_true(has(&w, "sleep"));
    pyscan_free(&w);
}

/* NUL bytes and bytes that are not UTF-8 make the file suspect (the
 * tokenizer has a diagnostic for them); valid UTF-8 does not. */
static void test_suspect_bytes(void **state)
{
    (void)state;
    struct {
        const char *src;
        size_t len;
        bool suspect;
    } cases[] = {
        {"x = 1\0\n", 7, true},
        {"name\xc3 = 1\n", 10, true},              /* a lead byte without its tail */
        {"s = '\xed\xa0\x80'\n", 10, true},         /* a surrogate */
        {"s = '\xc0\xaf'\n", 8, true},              /* overlong */
        {"\xff\xfe" "a\0", 4, true},                /* UTF-16 */
        {"s = 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'\n", 20, false},
        {"\xef\xbb\xbfx = 1\n", 9, false},          /* a UTF-8 BOM */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        PyWords w;
        pyscan_words(&w, cases[i].src, cases[i].len, NULL, 0);
        if (w.suspect != cases[i].suspect)
            fail_msg("case %zu: suspect %d", i, w.suspect);
        pyscan_free(&w);
    }
    /* a NUL far past the first block */
    char big[1000];
    memset(big, 'x', sizeof big);
    big[700] = '\0';
    PyWords w;
    pyscan_words(&w, big, sizeof big, NULL, 0);
    assert_true(w.suspect);
    pyscan_free(&w);
}

static void test_compact_keeps_every_word(void **state)
{
    (void)state;
    char src[20000];
    size_t n = 0;
    for (int i = 0; i < 1500; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "w%d ", i);
    PyWords w;
    pyscan_words(&w, src, n, NULL, 0);
    assert_int_equal(w.n, 1500);
    pyscan_compact(&w);
    assert_true(w.compact);
    assert_true(w.cap * 3 >= w.n * 4 && w.cap <= w.n * 4); /* load between 1/4 and 3/4 */
    for (int i = 0; i < 1500; i++) {
        char word[16];
        snprintf(word, sizeof word, "w%d", i);
        assert_true(has(&w, word));
    }
    assert_false(has(&w, "w1500"));
    pyscan_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_of_code_strings_and_comments),
        cmocka_unit_test(test_words_across_block_edges),
        cmocka_unit_test(test_empty_and_wordless),
        cmocka_unit_test(test_stop_words),
        cmocka_unit_test(test_suspect_bytes),
        cmocka_unit_test(test_compact_keeps_every_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
