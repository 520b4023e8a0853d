/* Unit tests for the line table (src/base/lines.c): the 64-byte fast path and
 * the general path (CR) against a byte-at-a-time reference, on hand-written
 * cases and on random buffers (up to five blocks and a tail) that put
 * newlines, CRs and UTF-8 at every position of a 64-byte block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/lines.h"

/* Reference: line and code-point column of every offset, one byte at a time. */
static void reference(const char *src, uint32_t len, uint32_t off, uint32_t *line, uint32_t *col)
{
    uint32_t ln = 1, c = 1;
    for (uint32_t i = 0; i < off && i < len; i++) {
        bool brk = src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n'));
        if (brk) {
            ln++;
            c = 1;
        } else if (((unsigned char)src[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = ln;
    *col = c;
}

static uint32_t reference_count(const char *src, uint32_t len)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < len; i++)
        n += src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n'));
    return n;
}

static void check_all(const char *src, uint32_t len)
{
    Arena a;
    arena_init(&a);
    LineTable t;
    lines_build(&t, &a, src, len);
    assert_int_equal(t.count, reference_count(src, len));
    for (uint32_t off = 0; off <= len; off++) {
        uint32_t l1, c1, l2, c2;
        lines_pos(&t, off, &l1, &c1);
        reference(src, len, off, &l2, &c2);
        if (l1 != l2 || c1 != c2)
            fail_msg("offset %u of a %u-byte buffer: got %u:%u, expected %u:%u", off, len, l1,
                     c1, l2, c2);
    }
    /* backwards and leaping: the table remembers the last answer as a hint */
    for (uint32_t k = 0; k <= len; k++) {
        uint32_t off = k % 2 ? len - k : (k * 7919u) % (len + 1);
        uint32_t l1, c1, l2, c2;
        lines_pos(&t, off, &l1, &c1);
        reference(src, len, off, &l2, &c2);
        if (l1 != l2 || c1 != c2)
            fail_msg("offset %u (query %u) of a %u-byte buffer: got %u:%u, expected %u:%u", off,
                     k, len, l1, c1, l2, c2);
    }
    /* wandering: each query a few lines before or after the last (the search
     * gallops from the last answer, both ways) */
    uint32_t off = len / 2;
    for (uint32_t k = 0; k <= len; k++) {
        uint32_t step = (k * 2654435761u >> 7) % 97;
        off = k % 3 ? (off + step) % (len + 1) : (off >= step ? off - step : len - off);
        uint32_t l1, c1, l2, c2;
        lines_pos(&t, off, &l1, &c1);
        reference(src, len, off, &l2, &c2);
        if (l1 != l2 || c1 != c2)
            fail_msg("offset %u (wandering query %u) of a %u-byte buffer: got %u:%u, expected %u:%u",
                     off, k, len, l1, c1, l2, c2);
    }
    arena_free(&a);
}

static void test_lines_hand_written(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "x",
        "\n",
        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
        "import asyncio\nasync def main():\n    await asyncio.sleep(1)\n",
        "no newline at the end, and longer than sixteen bytes",
        "a\r\nb\r\nc\r\n",
        "lone\rcarriage\rreturns\r",
        "mixed\r\nline\nends\rhere\n",
        "s = 'caf\xc3\xa9'\nt = '\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac'\n",
        "0123456789abcde\n0123456789abcde\n0123456789abcdef\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_all(cases[i], (uint32_t)strlen(cases[i]));
}

static void test_lines_lines_text(void **state)
{
    (void)state;
    const char *src = "first\r\nsecond\nthird";
    Arena a;
    arena_init(&a);
    LineTable t;
    lines_build(&t, &a, src, (uint32_t)strlen(src));
    uint32_t n;
    const char *p = lines_text(&t, 1, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "first", 5);
    p = lines_text(&t, 3, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "third", 5);
    lines_text(&t, 4, &n);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* Random buffers over a small alphabet rich in line ends and UTF-8 bytes, of
 * every length from 0 to 70 (so every tail length after the 16-byte blocks),
 * and a long one whose many short lines make the start buffer grow. */
static void test_lines_random_against_reference(void **state)
{
    (void)state;
    static const char alphabet[] = {'a', ' ', '\n', '\n', '\r', '\xc3', '\xa9', 'z'};
    srand(12345);
    char buf[4096];
    for (int round = 0; round < 400; round++) {
        uint32_t len = (uint32_t)(round * 37 % 331);
        bool no_cr = round % 2 == 0; /* half of them take the fast path */
        for (uint32_t i = 0; i < len; i++) {
            char c = alphabet[rand() % (int)sizeof alphabet];
            buf[i] = no_cr && c == '\r' ? '\n' : c;
        }
        check_all(buf, len);
    }
    for (uint32_t i = 0; i < sizeof buf; i++)
        buf[i] = i % 3 == 2 ? '\n' : 'x';
    check_all(buf, sizeof buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_hand_written),
        cmocka_unit_test(test_lines_lines_text),
        cmocka_unit_test(test_lines_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
