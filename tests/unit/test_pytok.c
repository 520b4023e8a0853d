/* Unit tests of the Python tokenizer (src/lang/python/pytok.c). Golden tests in
 * the style of CPython's test_tokenize: each is a snippet plus the expected
 * token table, one token per line as `KIND 'text' line:col-line:col` (columns
 * 0-based bytes), and the expected diagnostics as `line:col: message` (1-based,
 * code points). The tables of valid snippets were checked against CPython
 * 3.12's tokenize module. Then hand-written tests: keyword and operator ids,
 * the limits (100 000 nested brackets, indentation depth, f-string nesting),
 * ENDMARKER repetition and a randomized test of the position invariants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/xalloc.h"
#include "lang/python/pytok.h"

/* ---- rendering ------------------------------------------------------------- */

typedef struct Buf {
    char *p;
    size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_add(Buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        size_t room = b->cap - b->n;
        int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
}

/* Token text quoted like the golden tables: \n \r \t \\ \' escaped, other
 * control bytes as \xNN, everything else (UTF-8 included) as is. */
static void buf_quote(Buf *b, const char *s, size_t n)
{
    buf_add(b, "'");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            buf_add(b, "\\n");
        else if (c == '\r')
            buf_add(b, "\\r");
        else if (c == '\t')
            buf_add(b, "\\t");
        else if (c == '\\' || c == '\'')
            buf_add(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            buf_add(b, "\\x%02x", c);
        else
            buf_add(b, "%c", c);
    }
    buf_add(b, "'");
}

/* The token table of src[0..len) and its diagnostics (caller frees both). */
static void render(const char *src, size_t len, char **tokens, char **diags)
{
    Buf tb = {0}, db = {0};
    Diag d;
    diag_init(&d);
    PyTok t, c;
    pytok_init(&t, src, (uint32_t)len, "t.py", &d);
    pytok_init(&c, src, (uint32_t)len, "t.py", NULL); /* the parser's entry, alongside */
    buf_add(&tb, "%s", "");
    buf_add(&db, "%s", "");
    for (size_t guard = 0; guard < 4 * len + 100; guard++) {
        PyToken k = pytok_next(&t);
        PyTokCore core = pytok_next_core(&c);
        assert_int_equal(pytok_core_kind(core), k.kind);
        assert_int_equal(pytok_core_op(core), k.op);
        assert_int_equal(pytok_core_kw(core), k.kw);
        assert_int_equal(pytok_core_start(core), k.start);
        assert_int_equal(pytok_core_end(core), k.end);
        buf_add(&tb, "%s ", pytok_kind_name(k.kind));
        buf_quote(&tb, src + k.start, k.end - k.start);
        buf_add(&tb, " %u:%u-%u:%u\n", k.line, k.col, k.end_line, k.end_col);
        if (k.kind == PYTOK_ENDMARKER)
            break;
    }
    for (uint32_t i = 0; i < d.msgs.size; i++) {
        const DiagMsg *m = &d.msgs.contents[i];
        assert_string_equal(m->path, "t.py");
        assert_int_equal(m->level, DIAG_ERROR);
        buf_add(&db, "%u:%u: %s\n", m->line, m->col, m->text);
    }
    assert_int_equal(t.errors, d.msgs.size);
    diag_free(&d);
    *tokens = tb.p;
    *diags = db.p;
}

/* Asserts the token table and the diagnostics of a snippet. */
static void check(const char *src, size_t len, const char *tokens, const char *diags)
{
    char *tk, *dg;
    render(src, len, &tk, &dg);
    assert_string_equal(tk, tokens);
    assert_string_equal(dg, diags);
    xfree(tk);
    xfree(dg);
}

/* ---- golden tables --------------------------------------------------------- */

/* two DEDENTs before `d` */
static void test_pytok_indent_multiple_dedents(void **state)
{
    (void)state;
    static const char src[] = "if a:\n"
                              "    if b:\n"
                              "        c\n"
                              "d\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'a' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'if' 2:4-2:6\n"
          "NAME 'b' 2:7-2:8\n"
          "OP ':' 2:8-2:9\n"
          "NEWLINE '\\n' 2:9-2:10\n"
          "INDENT '        ' 3:0-3:8\n"
          "NAME 'c' 3:8-3:9\n"
          "NEWLINE '\\n' 3:9-3:10\n"
          "DEDENT '' 4:0-4:0\n"
          "DEDENT '' 4:0-4:0\n"
          "NAME 'd' 4:0-4:1\n"
          "NEWLINE '\\n' 4:1-4:2\n"
          "ENDMARKER '' 5:0-5:0\n",
          "");
}

/* DEDENTs at EOF sit on the line after the last one */
static void test_pytok_indent_dedents_at_eof(void **state)
{
    (void)state;
    static const char src[] = "def f():\n"
                              "    if x:\n"
                              "        return 1\n";
    check(src, sizeof src - 1,
          "NAME 'def' 1:0-1:3\n"
          "NAME 'f' 1:4-1:5\n"
          "OP '(' 1:5-1:6\n"
          "OP ')' 1:6-1:7\n"
          "OP ':' 1:7-1:8\n"
          "NEWLINE '\\n' 1:8-1:9\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'if' 2:4-2:6\n"
          "NAME 'x' 2:7-2:8\n"
          "OP ':' 2:8-2:9\n"
          "NEWLINE '\\n' 2:9-2:10\n"
          "INDENT '        ' 3:0-3:8\n"
          "NAME 'return' 3:8-3:14\n"
          "NUMBER '1' 3:15-3:16\n"
          "NEWLINE '\\n' 3:16-3:17\n"
          "DEDENT '' 4:0-4:0\n"
          "DEDENT '' 4:0-4:0\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* blank and comment-only lines are NL and leave the indentation alone */
static void test_pytok_indent_blank_and_comment_lines(void **state)
{
    (void)state;
    static const char src[] = "if a:\n"
                              "    b\n"
                              "\n"
                              "  # odd comment\n"
                              "    c\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'a' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'b' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "NL '\\n' 3:0-3:1\n"
          "COMMENT '# odd comment' 4:2-4:15\n"
          "NL '\\n' 4:15-4:16\n"
          "NAME 'c' 5:4-5:5\n"
          "NEWLINE '\\n' 5:5-5:6\n"
          "DEDENT '' 6:0-6:0\n"
          "ENDMARKER '' 6:0-6:0\n",
          "");
}

/* tabs used the same way on every line */
static void test_pytok_indent_tabs_consistent(void **state)
{
    (void)state;
    static const char src[] = "if a:\n"
                              "\tb\n"
                              "\tif c:\n"
                              "\t\td\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'a' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '\\t' 2:0-2:1\n"
          "NAME 'b' 2:1-2:2\n"
          "NEWLINE '\\n' 2:2-2:3\n"
          "NAME 'if' 3:1-3:3\n"
          "NAME 'c' 3:4-3:5\n"
          "OP ':' 3:5-3:6\n"
          "NEWLINE '\\n' 3:6-3:7\n"
          "INDENT '\\t\\t' 4:0-4:2\n"
          "NAME 'd' 4:2-4:3\n"
          "NEWLINE '\\n' 4:3-4:4\n"
          "DEDENT '' 5:0-5:0\n"
          "DEDENT '' 5:0-5:0\n"
          "ENDMARKER '' 5:0-5:0\n",
          "");
}

/* a tab and 8 spaces agree at tab size 8 but not at tab size 1 */
static void test_pytok_indent_tabs_inconsistent(void **state)
{
    (void)state;
    static const char src[] = "if x:\n"
                              "\ty\n"
                              "        z\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'x' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '\\t' 2:0-2:1\n"
          "NAME 'y' 2:1-2:2\n"
          "NEWLINE '\\n' 2:2-2:3\n"
          "ERRORTOKEN '' 3:0-3:0\n"
          "NAME 'z' 3:8-3:9\n"
          "NEWLINE '\\n' 3:9-3:10\n"
          "DEDENT '' 4:0-4:0\n"
          "ENDMARKER '' 4:0-4:0\n",
          "3:9: inconsistent use of tabs and spaces in indentation\n");
}

/* dedent to a column that was never pushed */
static void test_pytok_indent_unindent_mismatch(void **state)
{
    (void)state;
    static const char src[] = "if x:\n"
                              "    y\n"
                              "  z\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'x' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'y' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "ERRORTOKEN '' 3:0-3:0\n"
          "DEDENT '' 3:2-3:2\n"
          "NAME 'z' 3:2-3:3\n"
          "NEWLINE '\\n' 3:3-3:4\n"
          "ENDMARKER '' 4:0-4:0\n",
          "3:3: unindent does not match any outer indentation level\n");
}

/* a form feed resets the indentation column */
static void test_pytok_indent_form_feed(void **state)
{
    (void)state;
    static const char src[] = "\014x = 1\n"
                              "if y:\n"
                              "  \014  z\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:1-1:2\n"
          "OP '=' 1:3-1:4\n"
          "NUMBER '1' 1:5-1:6\n"
          "NEWLINE '\\n' 1:6-1:7\n"
          "NAME 'if' 2:0-2:2\n"
          "NAME 'y' 2:3-2:4\n"
          "OP ':' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "INDENT '  \\x0c  ' 3:0-3:5\n"
          "NAME 'z' 3:5-3:6\n"
          "NEWLINE '\\n' 3:6-3:7\n"
          "DEDENT '' 4:0-4:0\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* the continued line is part of the logical line */
static void test_pytok_backslash_continuation(void **state)
{
    (void)state;
    static const char src[] = "x = 1 + \\\n"
                              "    2\n"
                              "if a and \\\n"
                              "   b: pass\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1' 1:4-1:5\n"
          "OP '+' 1:6-1:7\n"
          "NUMBER '2' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "NAME 'if' 3:0-3:2\n"
          "NAME 'a' 3:3-3:4\n"
          "NAME 'and' 3:5-3:8\n"
          "NAME 'b' 4:3-4:4\n"
          "OP ':' 4:4-4:5\n"
          "NAME 'pass' 4:6-4:10\n"
          "NEWLINE '\\n' 4:10-4:11\n"
          "ENDMARKER '' 5:0-5:0\n",
          "");
}

/* a backslash must be followed by a line break */
static void test_pytok_backslash_not_at_line_end(void **state)
{
    (void)state;
    static const char src[] = "x = 1 \\ 2\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1' 1:4-1:5\n"
          "ERRORTOKEN '\\\\' 1:6-1:7\n"
          "NUMBER '2' 1:8-1:9\n"
          "NEWLINE '\\n' 1:9-1:10\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:7: unexpected character after line continuation character\n");
}

/* NL inside brackets and after blank/comment lines */
static void test_pytok_brackets_implicit_joining(void **state)
{
    (void)state;
    static const char src[] = "x = [1,\n"
                              "     2]  # c\n"
                              "\n"
                              "  # indented comment\n"
                              "y\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "OP '[' 1:4-1:5\n"
          "NUMBER '1' 1:5-1:6\n"
          "OP ',' 1:6-1:7\n"
          "NL '\\n' 1:7-1:8\n"
          "NUMBER '2' 2:5-2:6\n"
          "OP ']' 2:6-2:7\n"
          "COMMENT '# c' 2:9-2:12\n"
          "NEWLINE '\\n' 2:12-2:13\n"
          "NL '\\n' 3:0-3:1\n"
          "COMMENT '# indented comment' 4:2-4:20\n"
          "NL '\\n' 4:20-4:21\n"
          "NAME 'y' 5:0-5:1\n"
          "NEWLINE '\\n' 5:1-5:2\n"
          "ENDMARKER '' 6:0-6:0\n",
          "");
}

/* \r\n is one line break */
static void test_pytok_crlf_line_endings(void **state)
{
    (void)state;
    static const char src[] = "if x:\r\n"
                              "  y = (1,\r\n"
                              "       2)\r\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'x' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\r\\n' 1:5-1:7\n"
          "INDENT '  ' 2:0-2:2\n"
          "NAME 'y' 2:2-2:3\n"
          "OP '=' 2:4-2:5\n"
          "OP '(' 2:6-2:7\n"
          "NUMBER '1' 2:7-2:8\n"
          "OP ',' 2:8-2:9\n"
          "NL '\\r\\n' 2:9-2:11\n"
          "NUMBER '2' 3:7-3:8\n"
          "OP ')' 3:8-3:9\n"
          "NEWLINE '\\r\\n' 3:9-3:11\n"
          "DEDENT '' 4:0-4:0\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* a lone \r is a line break too (universal newlines) */
static void test_pytok_lone_cr_line_endings(void **state)
{
    (void)state;
    static const char src[] = "x = 1\ry = (2,\r3)\r";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1' 1:4-1:5\n"
          "NEWLINE '\\r' 1:5-1:6\n"
          "NAME 'y' 2:0-2:1\n"
          "OP '=' 2:2-2:3\n"
          "OP '(' 2:4-2:5\n"
          "NUMBER '2' 2:5-2:6\n"
          "OP ',' 2:6-2:7\n"
          "NL '\\r' 2:7-2:8\n"
          "NUMBER '3' 3:0-3:1\n"
          "OP ')' 3:1-3:2\n"
          "NEWLINE '\\r' 3:2-3:3\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* the BOM is skipped; the cookie is a comment */
static void test_pytok_bom_and_coding_cookie(void **state)
{
    (void)state;
    static const char src[] = "\357\273\277# -*- coding: utf-8 -*-\n"
                              "x = 1\n";
    check(src, sizeof src - 1,
          "COMMENT '# -*- coding: utf-8 -*-' 1:0-1:23\n"
          "NL '\\n' 1:23-1:24\n"
          "NAME 'x' 2:0-2:1\n"
          "OP '=' 2:2-2:3\n"
          "NUMBER '1' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "ENDMARKER '' 3:0-3:0\n",
          "");
}

/* NEWLINE with an empty span when the source lacks the final break */
static void test_pytok_implicit_newline_at_eof(void **state)
{
    (void)state;
    static const char src[] = "x = 1";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1' 1:4-1:5\n"
          "NEWLINE '' 1:5-1:5\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* comment-only last line: NL, then the DEDENT */
static void test_pytok_implicit_newline_after_comment(void **state)
{
    (void)state;
    static const char src[] = "if a:\n"
                              "    b\n"
                              "# c";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'a' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'b' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "COMMENT '# c' 3:0-3:3\n"
          "NL '' 3:3-3:3\n"
          "DEDENT '' 4:0-4:0\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* a blank last line without a break is NL */
static void test_pytok_whitespace_only_last_line(void **state)
{
    (void)state;
    static const char src[] = "x\n"
                              "   ";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "NEWLINE '\\n' 1:1-1:2\n"
          "NL '' 2:3-2:3\n"
          "ENDMARKER '' 3:0-3:0\n",
          "");
}

/* just ENDMARKER */
static void test_pytok_empty_input(void **state)
{
    (void)state;
    static const char src[] = "";
    check(src, sizeof src - 1,
          "ENDMARKER '' 1:0-1:0\n",
          "");
}

/* just ENDMARKER after the BOM */
static void test_pytok_only_bom(void **state)
{
    (void)state;
    static const char src[] = "\357\273\277";
    check(src, sizeof src - 1,
          "ENDMARKER '' 1:0-1:0\n",
          "");
}

/* every valid prefix in any case; ur/bu/fb are names */
static void test_pytok_string_prefixes(void **state)
{
    (void)state;
    static const char src[] = "b'' B\"\" r'' R'' u'' U'' rb'' Rb'' bR'' BR'' br'' Br''\n"
                              "f'' F'' fr'' rf'' Rf'' fR'' FR''\n"
                              "ur'' bu'' fb'' x''\n";
    check(src, sizeof src - 1,
          "STRING 'b\\'\\'' 1:0-1:3\n"
          "STRING 'B\"\"' 1:4-1:7\n"
          "STRING 'r\\'\\'' 1:8-1:11\n"
          "STRING 'R\\'\\'' 1:12-1:15\n"
          "STRING 'u\\'\\'' 1:16-1:19\n"
          "STRING 'U\\'\\'' 1:20-1:23\n"
          "STRING 'rb\\'\\'' 1:24-1:28\n"
          "STRING 'Rb\\'\\'' 1:29-1:33\n"
          "STRING 'bR\\'\\'' 1:34-1:38\n"
          "STRING 'BR\\'\\'' 1:39-1:43\n"
          "STRING 'br\\'\\'' 1:44-1:48\n"
          "STRING 'Br\\'\\'' 1:49-1:53\n"
          "NEWLINE '\\n' 1:53-1:54\n"
          "FSTRING_START 'f\\'' 2:0-2:2\n"
          "FSTRING_END '\\'' 2:2-2:3\n"
          "FSTRING_START 'F\\'' 2:4-2:6\n"
          "FSTRING_END '\\'' 2:6-2:7\n"
          "FSTRING_START 'fr\\'' 2:8-2:11\n"
          "FSTRING_END '\\'' 2:11-2:12\n"
          "FSTRING_START 'rf\\'' 2:13-2:16\n"
          "FSTRING_END '\\'' 2:16-2:17\n"
          "FSTRING_START 'Rf\\'' 2:18-2:21\n"
          "FSTRING_END '\\'' 2:21-2:22\n"
          "FSTRING_START 'fR\\'' 2:23-2:26\n"
          "FSTRING_END '\\'' 2:26-2:27\n"
          "FSTRING_START 'FR\\'' 2:28-2:31\n"
          "FSTRING_END '\\'' 2:31-2:32\n"
          "NEWLINE '\\n' 2:32-2:33\n"
          "NAME 'ur' 3:0-3:2\n"
          "STRING '\\'\\'' 3:2-3:4\n"
          "NAME 'bu' 3:5-3:7\n"
          "STRING '\\'\\'' 3:7-3:9\n"
          "NAME 'fb' 3:10-3:12\n"
          "STRING '\\'\\'' 3:12-3:14\n"
          "NAME 'x' 3:15-3:16\n"
          "STRING '\\'\\'' 3:16-3:18\n"
          "NEWLINE '\\n' 3:18-3:19\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* PEP 750 template strings (3.14): t, T and with r in either order tokenize
 * as f-strings do (CPython's TSTRING_* are our FSTRING_*); bt, ut and ft are
 * names; their errors say t-string */
static void test_pytok_template_strings(void **state)
{
    (void)state;
    static const char src[] = "t'a{b}' Tr'' rT'' tR\"{c!r:>{w}}\"\n"
                              "bt'' ft'' tx\n"
                              "t'{x'\n";
    check(src, sizeof src - 1,
          "FSTRING_START 't\\'' 1:0-1:2\n"
          "FSTRING_MIDDLE 'a' 1:2-1:3\n"
          "OP '{' 1:3-1:4\n"
          "NAME 'b' 1:4-1:5\n"
          "OP '}' 1:5-1:6\n"
          "FSTRING_END '\\'' 1:6-1:7\n"
          "FSTRING_START 'Tr\\'' 1:8-1:11\n"
          "FSTRING_END '\\'' 1:11-1:12\n"
          "FSTRING_START 'rT\\'' 1:13-1:16\n"
          "FSTRING_END '\\'' 1:16-1:17\n"
          "FSTRING_START 'tR\"' 1:18-1:21\n"
          "OP '{' 1:21-1:22\n"
          "NAME 'c' 1:22-1:23\n"
          "OP '!' 1:23-1:24\n"
          "NAME 'r' 1:24-1:25\n"
          "OP ':' 1:25-1:26\n"
          "FSTRING_MIDDLE '>' 1:26-1:27\n"
          "OP '{' 1:27-1:28\n"
          "NAME 'w' 1:28-1:29\n"
          "OP '}' 1:29-1:30\n"
          "FSTRING_MIDDLE '' 1:30-1:30\n" /* as CPython 3.12+, after a spec's field */
          "OP '}' 1:30-1:31\n"
          "FSTRING_END '\"' 1:31-1:32\n"
          "NEWLINE '\\n' 1:32-1:33\n"
          "NAME 'bt' 2:0-2:2\n"
          "STRING '\\'\\'' 2:2-2:4\n"
          "NAME 'ft' 2:5-2:7\n"
          "STRING '\\'\\'' 2:7-2:9\n"
          "NAME 'tx' 2:10-2:12\n"
          "NEWLINE '\\n' 2:12-2:13\n"
          "FSTRING_START 't\\'' 3:0-3:2\n"
          "OP '{' 3:2-3:3\n"
          "NAME 'x' 3:3-3:4\n"
          "ERRORTOKEN '\\'' 3:4-3:5\n"
          "NEWLINE '\\n' 3:5-3:6\n"
          "ENDMARKER '' 4:0-4:0\n",
          "3:5: t-string: expecting '}'\n");
}

/* triple-quoted strings span lines; an escaped quote does not close */
static void test_pytok_strings_triple_quoted(void **state)
{
    (void)state;
    static const char src[] = "s = '''a\n"
                              "'b'\n"
                              "''' + \"\"\"x\\\"\"\"\"\n";
    check(src, sizeof src - 1,
          "NAME 's' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "STRING '\\'\\'\\'a\\n\\'b\\'\\n\\'\\'\\'' 1:4-3:3\n"
          "OP '+' 3:4-3:5\n"
          "STRING '\"\"\"x\\\\\"\"\"\"' 3:6-3:15\n"
          "NEWLINE '\\n' 3:15-3:16\n"
          "ENDMARKER '' 4:0-4:0\n",
          "");
}

/* backslashes escape quotes (raw too) and line breaks */
static void test_pytok_strings_escapes(void **state)
{
    (void)state;
    static const char src[] = "'a\\'b' \"c\\\\\" 'd\\\n"
                              "e' r'\\''\n";
    check(src, sizeof src - 1,
          "STRING '\\'a\\\\\\'b\\'' 1:0-1:6\n"
          "STRING '\"c\\\\\\\\\"' 1:7-1:12\n"
          "STRING '\\'d\\\\\\ne\\'' 1:13-2:2\n"
          "STRING 'r\\'\\\\\\'\\'' 2:3-2:8\n"
          "NEWLINE '\\n' 2:8-2:9\n"
          "ENDMARKER '' 3:0-3:0\n",
          "");
}

/* nested f-string, spec with fields, {{ }}, !r, = (PEP 701) */
static void test_pytok_fstring_nested_format_spec(void **state)
{
    (void)state;
    static const char src[] = "x = f\"{f'{x:>{w}}'!r:^{n}} {{ok}} {y=} {z = !s}\"\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "FSTRING_START 'f\"' 1:4-1:6\n"
          "OP '{' 1:6-1:7\n"
          "FSTRING_START 'f\\'' 1:7-1:9\n"
          "OP '{' 1:9-1:10\n"
          "NAME 'x' 1:10-1:11\n"
          "OP ':' 1:11-1:12\n"
          "FSTRING_MIDDLE '>' 1:12-1:13\n"
          "OP '{' 1:13-1:14\n"
          "NAME 'w' 1:14-1:15\n"
          "OP '}' 1:15-1:16\n"
          "FSTRING_MIDDLE '' 1:16-1:16\n"
          "OP '}' 1:16-1:17\n"
          "FSTRING_END '\\'' 1:17-1:18\n"
          "OP '!' 1:18-1:19\n"
          "NAME 'r' 1:19-1:20\n"
          "OP ':' 1:20-1:21\n"
          "FSTRING_MIDDLE '^' 1:21-1:22\n"
          "OP '{' 1:22-1:23\n"
          "NAME 'n' 1:23-1:24\n"
          "OP '}' 1:24-1:25\n"
          "FSTRING_MIDDLE '' 1:25-1:25\n"
          "OP '}' 1:25-1:26\n"
          "FSTRING_MIDDLE ' {' 1:26-1:28\n"
          "FSTRING_MIDDLE 'ok}' 1:29-1:32\n"
          "FSTRING_MIDDLE ' ' 1:33-1:34\n"
          "OP '{' 1:34-1:35\n"
          "NAME 'y' 1:35-1:36\n"
          "OP '=' 1:36-1:37\n"
          "OP '}' 1:37-1:38\n"
          "FSTRING_MIDDLE ' ' 1:38-1:39\n"
          "OP '{' 1:39-1:40\n"
          "NAME 'z' 1:40-1:41\n"
          "OP '=' 1:42-1:43\n"
          "OP '!' 1:44-1:45\n"
          "NAME 's' 1:45-1:46\n"
          "OP '}' 1:46-1:47\n"
          "FSTRING_END '\"' 1:47-1:48\n"
          "NEWLINE '\\n' 1:48-1:49\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* comments and line breaks inside the fields of a triple-quoted f-string */
static void test_pytok_fstring_multiline_comments(void **state)
{
    (void)state;
    static const char src[] = "s = f\"\"\"\n"
                              "{\n"
                              "  a  # first\n"
                              "  + b  # second\n"
                              "}{c:{d}\n"
                              "}\"\"\"\n";
    check(src, sizeof src - 1,
          "NAME 's' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "FSTRING_START 'f\"\"\"' 1:4-1:8\n"
          "FSTRING_MIDDLE '\\n' 1:8-2:0\n"
          "OP '{' 2:0-2:1\n"
          "NL '\\n' 2:1-2:2\n"
          "NAME 'a' 3:2-3:3\n"
          "COMMENT '# first' 3:5-3:12\n"
          "NL '\\n' 3:12-3:13\n"
          "OP '+' 4:2-4:3\n"
          "NAME 'b' 4:4-4:5\n"
          "COMMENT '# second' 4:7-4:15\n"
          "NL '\\n' 4:15-4:16\n"
          "OP '}' 5:0-5:1\n"
          "OP '{' 5:1-5:2\n"
          "NAME 'c' 5:2-5:3\n"
          "OP ':' 5:3-5:4\n"
          "OP '{' 5:4-5:5\n"
          "NAME 'd' 5:5-5:6\n"
          "OP '}' 5:6-5:7\n"
          "FSTRING_MIDDLE '\\n' 5:7-6:0\n"
          "OP '}' 6:0-6:1\n"
          "FSTRING_END '\"\"\"' 6:1-6:4\n"
          "NEWLINE '\\n' 6:4-6:5\n"
          "ENDMARKER '' 7:0-7:0\n",
          "");
}

/* \N{...} is text in f"", a field in rf"" */
static void test_pytok_fstring_raw_and_named_escape(void **state)
{
    (void)state;
    static const char src[] = "a = rf\"\\{x}\\N{y}\" + f\"\\N{BULLET}{z}\"\n";
    check(src, sizeof src - 1,
          "NAME 'a' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "FSTRING_START 'rf\"' 1:4-1:7\n"
          "FSTRING_MIDDLE '\\\\' 1:7-1:8\n"
          "OP '{' 1:8-1:9\n"
          "NAME 'x' 1:9-1:10\n"
          "OP '}' 1:10-1:11\n"
          "FSTRING_MIDDLE '\\\\N' 1:11-1:13\n"
          "OP '{' 1:13-1:14\n"
          "NAME 'y' 1:14-1:15\n"
          "OP '}' 1:15-1:16\n"
          "FSTRING_END '\"' 1:16-1:17\n"
          "OP '+' 1:18-1:19\n"
          "FSTRING_START 'f\"' 1:20-1:22\n"
          "FSTRING_MIDDLE '\\\\N{BULLET}' 1:22-1:32\n"
          "OP '{' 1:32-1:33\n"
          "NAME 'z' 1:33-1:34\n"
          "OP '}' 1:34-1:35\n"
          "FSTRING_END '\"' 1:35-1:36\n"
          "NEWLINE '\\n' 1:36-1:37\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* PEP 701: the same quote inside a field */
static void test_pytok_fstring_same_quotes(void **state)
{
    (void)state;
    static const char src[] = "f\"{\"a\" + f\"{'b'}\"}\"\n";
    check(src, sizeof src - 1,
          "FSTRING_START 'f\"' 1:0-1:2\n"
          "OP '{' 1:2-1:3\n"
          "STRING '\"a\"' 1:3-1:6\n"
          "OP '+' 1:7-1:8\n"
          "FSTRING_START 'f\"' 1:9-1:11\n"
          "OP '{' 1:11-1:12\n"
          "STRING '\\'b\\'' 1:12-1:15\n"
          "OP '}' 1:15-1:16\n"
          "FSTRING_END '\"' 1:16-1:17\n"
          "OP '}' 1:17-1:18\n"
          "FSTRING_END '\"' 1:18-1:19\n"
          "NEWLINE '\\n' 1:19-1:20\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* in a format spec {{ opens a field; empty FSTRING_MIDDLEs as in CPython */
static void test_pytok_fstring_spec_double_braces(void **state)
{
    (void)state;
    static const char src[] = "f\"{x:{{y}}}\"\n";
    check(src, sizeof src - 1,
          "FSTRING_START 'f\"' 1:0-1:2\n"
          "OP '{' 1:2-1:3\n"
          "NAME 'x' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "FSTRING_MIDDLE '' 1:5-1:5\n"
          "OP '{' 1:5-1:6\n"
          "OP '{' 1:6-1:7\n"
          "NAME 'y' 1:7-1:8\n"
          "OP '}' 1:8-1:9\n"
          "OP '}' 1:9-1:10\n"
          "FSTRING_MIDDLE '' 1:10-1:10\n"
          "OP '}' 1:10-1:11\n"
          "FSTRING_END '\"' 1:11-1:12\n"
          "NEWLINE '\\n' 1:12-1:13\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* ':' ends the expression only at the field's own level */
static void test_pytok_fstring_walrus_and_slices(void **state)
{
    (void)state;
    static const char src[] = "f\"{(x:=1)} {a[1:2]} {b!=c} {d:=^9}\"\n";
    check(src, sizeof src - 1,
          "FSTRING_START 'f\"' 1:0-1:2\n"
          "OP '{' 1:2-1:3\n"
          "OP '(' 1:3-1:4\n"
          "NAME 'x' 1:4-1:5\n"
          "OP ':=' 1:5-1:7\n"
          "NUMBER '1' 1:7-1:8\n"
          "OP ')' 1:8-1:9\n"
          "OP '}' 1:9-1:10\n"
          "FSTRING_MIDDLE ' ' 1:10-1:11\n"
          "OP '{' 1:11-1:12\n"
          "NAME 'a' 1:12-1:13\n"
          "OP '[' 1:13-1:14\n"
          "NUMBER '1' 1:14-1:15\n"
          "OP ':' 1:15-1:16\n"
          "NUMBER '2' 1:16-1:17\n"
          "OP ']' 1:17-1:18\n"
          "OP '}' 1:18-1:19\n"
          "FSTRING_MIDDLE ' ' 1:19-1:20\n"
          "OP '{' 1:20-1:21\n"
          "NAME 'b' 1:21-1:22\n"
          "OP '!=' 1:22-1:24\n"
          "NAME 'c' 1:24-1:25\n"
          "OP '}' 1:25-1:26\n"
          "FSTRING_MIDDLE ' ' 1:26-1:27\n"
          "OP '{' 1:27-1:28\n"
          "NAME 'd' 1:28-1:29\n"
          "OP ':' 1:29-1:30\n"
          "FSTRING_MIDDLE '=^9' 1:30-1:33\n"
          "OP '}' 1:33-1:34\n"
          "FSTRING_END '\"' 1:34-1:35\n"
          "NEWLINE '\\n' 1:35-1:36\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* PEP 515 underscores, radix prefixes, floats, imaginary */
static void test_pytok_numbers(void **state)
{
    (void)state;
    static const char src[] = "n = 1_000 + 0x_FF + 0o7_7 + 0b1_0 + 1_0.5_0e-1_0j + .5 + 5. + 1E5 + 0 + 00 + 0_0 + 0.0j + 1if x else 2\n";
    check(src, sizeof src - 1,
          "NAME 'n' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1_000' 1:4-1:9\n"
          "OP '+' 1:10-1:11\n"
          "NUMBER '0x_FF' 1:12-1:17\n"
          "OP '+' 1:18-1:19\n"
          "NUMBER '0o7_7' 1:20-1:25\n"
          "OP '+' 1:26-1:27\n"
          "NUMBER '0b1_0' 1:28-1:33\n"
          "OP '+' 1:34-1:35\n"
          "NUMBER '1_0.5_0e-1_0j' 1:36-1:49\n"
          "OP '+' 1:50-1:51\n"
          "NUMBER '.5' 1:52-1:54\n"
          "OP '+' 1:55-1:56\n"
          "NUMBER '5.' 1:57-1:59\n"
          "OP '+' 1:60-1:61\n"
          "NUMBER '1E5' 1:62-1:65\n"
          "OP '+' 1:66-1:67\n"
          "NUMBER '0' 1:68-1:69\n"
          "OP '+' 1:70-1:71\n"
          "NUMBER '00' 1:72-1:74\n"
          "OP '+' 1:75-1:76\n"
          "NUMBER '0_0' 1:77-1:80\n"
          "OP '+' 1:81-1:82\n"
          "NUMBER '0.0j' 1:83-1:87\n"
          "OP '+' 1:88-1:89\n"
          "NUMBER '1' 1:90-1:91\n"
          "NAME 'if' 1:91-1:93\n"
          "NAME 'x' 1:94-1:95\n"
          "NAME 'else' 1:96-1:100\n"
          "NUMBER '2' 1:101-1:102\n"
          "NEWLINE '\\n' 1:102-1:103\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* malformed numbers are one error token each */
static void test_pytok_number_errors(void **state)
{
    (void)state;
    static const char src[] = "a = 1_\n"
                              "b = 0x\n"
                              "c = 0o8\n"
                              "d = 0777\n"
                              "e = 1e+\n"
                              "f = 1abc\n";
    check(src, sizeof src - 1,
          "NAME 'a' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "ERRORTOKEN '1_' 1:4-1:6\n"
          "NEWLINE '\\n' 1:6-1:7\n"
          "NAME 'b' 2:0-2:1\n"
          "OP '=' 2:2-2:3\n"
          "ERRORTOKEN '0x' 2:4-2:6\n"
          "NEWLINE '\\n' 2:6-2:7\n"
          "NAME 'c' 3:0-3:1\n"
          "OP '=' 3:2-3:3\n"
          "ERRORTOKEN '0o8' 3:4-3:7\n"
          "NEWLINE '\\n' 3:7-3:8\n"
          "NAME 'd' 4:0-4:1\n"
          "OP '=' 4:2-4:3\n"
          "ERRORTOKEN '0777' 4:4-4:8\n"
          "NEWLINE '\\n' 4:8-4:9\n"
          "NAME 'e' 5:0-5:1\n"
          "OP '=' 5:2-5:3\n"
          "ERRORTOKEN '1e+' 5:4-5:7\n"
          "NEWLINE '\\n' 5:7-5:8\n"
          "NAME 'f' 6:0-6:1\n"
          "OP '=' 6:2-6:3\n"
          "ERRORTOKEN '1abc' 6:4-6:8\n"
          "NEWLINE '\\n' 6:8-6:9\n"
          "ENDMARKER '' 7:0-7:0\n",
          "1:5: invalid decimal literal\n"
          "2:5: invalid hexadecimal literal\n"
          "3:5: invalid digit '8' in octal literal\n"
          "4:5: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers\n"
          "5:5: invalid decimal literal\n"
          "6:5: invalid decimal literal\n");
}

/* longest match; ... -> := */
static void test_pytok_operators(void **state)
{
    (void)state;
    static const char src[] = "a = ...; b: int -> str; (c := 1); d != e; f **= 2; g //= 3; h >>= 4; i <<= 5; j @= k\n";
    check(src, sizeof src - 1,
          "NAME 'a' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "OP '...' 1:4-1:7\n"
          "OP ';' 1:7-1:8\n"
          "NAME 'b' 1:9-1:10\n"
          "OP ':' 1:10-1:11\n"
          "NAME 'int' 1:12-1:15\n"
          "OP '->' 1:16-1:18\n"
          "NAME 'str' 1:19-1:22\n"
          "OP ';' 1:22-1:23\n"
          "OP '(' 1:24-1:25\n"
          "NAME 'c' 1:25-1:26\n"
          "OP ':=' 1:27-1:29\n"
          "NUMBER '1' 1:30-1:31\n"
          "OP ')' 1:31-1:32\n"
          "OP ';' 1:32-1:33\n"
          "NAME 'd' 1:34-1:35\n"
          "OP '!=' 1:36-1:38\n"
          "NAME 'e' 1:39-1:40\n"
          "OP ';' 1:40-1:41\n"
          "NAME 'f' 1:42-1:43\n"
          "OP '**=' 1:44-1:47\n"
          "NUMBER '2' 1:48-1:49\n"
          "OP ';' 1:49-1:50\n"
          "NAME 'g' 1:51-1:52\n"
          "OP '//=' 1:53-1:56\n"
          "NUMBER '3' 1:57-1:58\n"
          "OP ';' 1:58-1:59\n"
          "NAME 'h' 1:60-1:61\n"
          "OP '>>=' 1:62-1:65\n"
          "NUMBER '4' 1:66-1:67\n"
          "OP ';' 1:67-1:68\n"
          "NAME 'i' 1:69-1:70\n"
          "OP '<<=' 1:71-1:74\n"
          "NUMBER '5' 1:75-1:76\n"
          "OP ';' 1:76-1:77\n"
          "NAME 'j' 1:78-1:79\n"
          "OP '@=' 1:80-1:82\n"
          "NAME 'k' 1:83-1:84\n"
          "NEWLINE '\\n' 1:84-1:85\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* UTF-8 identifiers; columns are bytes */
static void test_pytok_non_ascii_identifiers(void **state)
{
    (void)state;
    static const char src[] = "na\303\257ve = gr\303\266\303\237e + \317\200\n";
    check(src, sizeof src - 1,
          "NAME 'na\303\257ve' 1:0-1:6\n"
          "OP '=' 1:7-1:8\n"
          "NAME 'gr\303\266\303\237e' 1:9-1:16\n"
          "OP '+' 1:17-1:18\n"
          "NAME '\317\200' 1:19-1:21\n"
          "NEWLINE '\\n' 1:21-1:22\n"
          "ENDMARKER '' 2:0-2:0\n",
          "");
}

/* ends at the end of its line; the next line is fine */
static void test_pytok_unterminated_string_eol(void **state)
{
    (void)state;
    static const char src[] = "x = 'abc\n"
                              "y = 2\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "ERRORTOKEN '\\'abc' 1:4-1:8\n"
          "NEWLINE '\\n' 1:8-1:9\n"
          "NAME 'y' 2:0-2:1\n"
          "OP '=' 2:2-2:3\n"
          "NUMBER '2' 2:4-2:5\n"
          "NEWLINE '\\n' 2:5-2:6\n"
          "ENDMARKER '' 3:0-3:0\n",
          "1:5: unterminated string literal (detected at line 1)\n");
}

/* runs to the end of the source */
static void test_pytok_unterminated_triple_quoted_eof(void **state)
{
    (void)state;
    static const char src[] = "x = \"\"\"abc\n"
                              "\n"
                              "def";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "ERRORTOKEN '\"\"\"abc\\n\\ndef' 1:4-3:3\n"
          "NEWLINE '' 3:3-3:3\n"
          "ENDMARKER '' 4:0-4:0\n",
          "1:5: unterminated triple-quoted string literal (detected at line 3)\n");
}

/* the f-string is dropped at the line break */
static void test_pytok_unterminated_fstring(void **state)
{
    (void)state;
    static const char src[] = "x = f\"abc{y}\n"
                              "z\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "FSTRING_START 'f\"' 1:4-1:6\n"
          "FSTRING_MIDDLE 'abc' 1:6-1:9\n"
          "OP '{' 1:9-1:10\n"
          "NAME 'y' 1:10-1:11\n"
          "OP '}' 1:11-1:12\n"
          "ERRORTOKEN '' 1:12-1:12\n"
          "NEWLINE '\\n' 1:12-1:13\n"
          "NAME 'z' 2:0-2:1\n"
          "NEWLINE '\\n' 2:1-2:2\n"
          "ENDMARKER '' 3:0-3:0\n",
          "1:5: unterminated f-string literal (detected at line 1)\n");
}

/* error, then the literal goes on */
static void test_pytok_fstring_single_closing_brace(void **state)
{
    (void)state;
    static const char src[] = "f\"a}b\"\n";
    check(src, sizeof src - 1,
          "FSTRING_START 'f\"' 1:0-1:2\n"
          "FSTRING_MIDDLE 'a' 1:2-1:3\n"
          "ERRORTOKEN '}' 1:3-1:4\n"
          "FSTRING_MIDDLE 'b' 1:4-1:5\n"
          "FSTRING_END '\"' 1:5-1:6\n"
          "NEWLINE '\\n' 1:6-1:7\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:4: f-string: single '}' is not allowed\n");
}

/* the f-string's own quote inside its field */
static void test_pytok_fstring_expecting_brace(void **state)
{
    (void)state;
    static const char src[] = "print(f\"{x\")\n";
    check(src, sizeof src - 1,
          "NAME 'print' 1:0-1:5\n"
          "OP '(' 1:5-1:6\n"
          "FSTRING_START 'f\"' 1:6-1:8\n"
          "OP '{' 1:8-1:9\n"
          "NAME 'x' 1:9-1:10\n"
          "ERRORTOKEN '\"' 1:10-1:11\n"
          "OP ')' 1:11-1:12\n"
          "NEWLINE '\\n' 1:12-1:13\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:11: f-string: expecting '}'\n");
}

/* NUL in code and in a string */
static void test_pytok_nul_bytes(void **state)
{
    (void)state;
    static const char src[] = "x = 1\000 + '\000'\n";
    check(src, sizeof src - 1,
          "NAME 'x' 1:0-1:1\n"
          "OP '=' 1:2-1:3\n"
          "NUMBER '1' 1:4-1:5\n"
          "ERRORTOKEN '\\x00' 1:5-1:6\n"
          "OP '+' 1:7-1:8\n"
          "ERRORTOKEN '\\'\\x00\\'' 1:9-1:12\n"
          "NEWLINE '\\n' 1:12-1:13\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:6: source code cannot contain NUL bytes\n"
          "1:11: source code cannot contain NUL bytes\n");
}

/* the diagnostic column counts code points */
static void test_pytok_invalid_utf8(void **state)
{
    (void)state;
    static const char src[] = "\303\251 = \377\n";
    check(src, sizeof src - 1,
          "NAME '\303\251' 1:0-1:2\n"
          "OP '=' 1:3-1:4\n"
          "ERRORTOKEN '\377' 1:5-1:6\n"
          "NEWLINE '\\n' 1:6-1:7\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:5: invalid UTF-8 byte 0xFF in identifier\n");
}

/* no token starts with these; '!' only in f-string fields */
static void test_pytok_bad_characters(void **state)
{
    (void)state;
    static const char src[] = "a $ b ? c ` d ! e\n";
    check(src, sizeof src - 1,
          "NAME 'a' 1:0-1:1\n"
          "ERRORTOKEN '$' 1:2-1:3\n"
          "NAME 'b' 1:4-1:5\n"
          "ERRORTOKEN '?' 1:6-1:7\n"
          "NAME 'c' 1:8-1:9\n"
          "ERRORTOKEN '`' 1:10-1:11\n"
          "NAME 'd' 1:12-1:13\n"
          "ERRORTOKEN '!' 1:14-1:15\n"
          "NAME 'e' 1:16-1:17\n"
          "NEWLINE '\\n' 1:17-1:18\n"
          "ENDMARKER '' 2:0-2:0\n",
          "1:3: invalid character '$' (U+0024)\n"
          "1:7: invalid character '?' (U+003F)\n"
          "1:11: invalid character '`' (U+0060)\n"
          "1:15: '!' is only allowed in f-string replacement fields\n");
}

/* unmatched and mismatched closers */
static void test_pytok_unmatched_brackets(void **state)
{
    (void)state;
    static const char src[] = ")\n"
                              "(]\n"
                              "x\n";
    check(src, sizeof src - 1,
          "ERRORTOKEN ')' 1:0-1:1\n"
          "NEWLINE '\\n' 1:1-1:2\n"
          "OP '(' 2:0-2:1\n"
          "ERRORTOKEN ']' 2:1-2:2\n"
          "NEWLINE '\\n' 2:2-2:3\n"
          "NAME 'x' 3:0-3:1\n"
          "NEWLINE '\\n' 3:1-3:2\n"
          "ENDMARKER '' 4:0-4:0\n",
          "1:1: unmatched ')'\n"
          "2:2: closing parenthesis ']' does not match opening parenthesis '('\n");
}

/* reported at the bracket that was never closed */
static void test_pytok_eof_inside_brackets(void **state)
{
    (void)state;
    static const char src[] = "if a:\n"
                              "    f(1,\n";
    check(src, sizeof src - 1,
          "NAME 'if' 1:0-1:2\n"
          "NAME 'a' 1:3-1:4\n"
          "OP ':' 1:4-1:5\n"
          "NEWLINE '\\n' 1:5-1:6\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'f' 2:4-2:5\n"
          "OP '(' 2:5-2:6\n"
          "NUMBER '1' 2:6-2:7\n"
          "OP ',' 2:7-2:8\n"
          "NL '\\n' 2:8-2:9\n"
          "ERRORTOKEN '' 3:0-3:0\n"
          "DEDENT '' 3:0-3:0\n"
          "ENDMARKER '' 3:0-3:0\n",
          "2:6: '(' was never closed\n");
}

/* NAME tokens; kw is checked separately */
static void test_pytok_keywords_and_soft_keywords(void **state)
{
    (void)state;
    static const char src[] = "match x:\n"
                              "    case _: type = await y\n";
    check(src, sizeof src - 1,
          "NAME 'match' 1:0-1:5\n"
          "NAME 'x' 1:6-1:7\n"
          "OP ':' 1:7-1:8\n"
          "NEWLINE '\\n' 1:8-1:9\n"
          "INDENT '    ' 2:0-2:4\n"
          "NAME 'case' 2:4-2:8\n"
          "NAME '_' 2:9-2:10\n"
          "OP ':' 2:10-2:11\n"
          "NAME 'type' 2:12-2:16\n"
          "OP '=' 2:17-2:18\n"
          "NAME 'await' 2:19-2:24\n"
          "NAME 'y' 2:25-2:26\n"
          "NEWLINE '\\n' 2:26-2:27\n"
          "DEDENT '' 3:0-3:0\n"
          "ENDMARKER '' 3:0-3:0\n",
          "");
}

#define GOLDEN_TESTS \
    cmocka_unit_test(test_pytok_indent_multiple_dedents), \
    cmocka_unit_test(test_pytok_indent_dedents_at_eof), \
    cmocka_unit_test(test_pytok_indent_blank_and_comment_lines), \
    cmocka_unit_test(test_pytok_indent_tabs_consistent), \
    cmocka_unit_test(test_pytok_indent_tabs_inconsistent), \
    cmocka_unit_test(test_pytok_indent_unindent_mismatch), \
    cmocka_unit_test(test_pytok_indent_form_feed), \
    cmocka_unit_test(test_pytok_backslash_continuation), \
    cmocka_unit_test(test_pytok_backslash_not_at_line_end), \
    cmocka_unit_test(test_pytok_brackets_implicit_joining), \
    cmocka_unit_test(test_pytok_crlf_line_endings), \
    cmocka_unit_test(test_pytok_lone_cr_line_endings), \
    cmocka_unit_test(test_pytok_bom_and_coding_cookie), \
    cmocka_unit_test(test_pytok_implicit_newline_at_eof), \
    cmocka_unit_test(test_pytok_implicit_newline_after_comment), \
    cmocka_unit_test(test_pytok_whitespace_only_last_line), \
    cmocka_unit_test(test_pytok_empty_input), \
    cmocka_unit_test(test_pytok_only_bom), \
    cmocka_unit_test(test_pytok_string_prefixes), \
    cmocka_unit_test(test_pytok_template_strings), \
    cmocka_unit_test(test_pytok_strings_triple_quoted), \
    cmocka_unit_test(test_pytok_strings_escapes), \
    cmocka_unit_test(test_pytok_fstring_nested_format_spec), \
    cmocka_unit_test(test_pytok_fstring_multiline_comments), \
    cmocka_unit_test(test_pytok_fstring_raw_and_named_escape), \
    cmocka_unit_test(test_pytok_fstring_same_quotes), \
    cmocka_unit_test(test_pytok_fstring_spec_double_braces), \
    cmocka_unit_test(test_pytok_fstring_walrus_and_slices), \
    cmocka_unit_test(test_pytok_numbers), \
    cmocka_unit_test(test_pytok_number_errors), \
    cmocka_unit_test(test_pytok_operators), \
    cmocka_unit_test(test_pytok_non_ascii_identifiers), \
    cmocka_unit_test(test_pytok_unterminated_string_eol), \
    cmocka_unit_test(test_pytok_unterminated_triple_quoted_eof), \
    cmocka_unit_test(test_pytok_unterminated_fstring), \
    cmocka_unit_test(test_pytok_fstring_single_closing_brace), \
    cmocka_unit_test(test_pytok_fstring_expecting_brace), \
    cmocka_unit_test(test_pytok_nul_bytes), \
    cmocka_unit_test(test_pytok_invalid_utf8), \
    cmocka_unit_test(test_pytok_bad_characters), \
    cmocka_unit_test(test_pytok_unmatched_brackets), \
    cmocka_unit_test(test_pytok_eof_inside_brackets), \
    cmocka_unit_test(test_pytok_keywords_and_soft_keywords),
/* ---- keywords and operators ------------------------------------------------ */

/* Every keyword and soft keyword gets its PyKw; near misses are plain names. */
static void test_pytok_keyword_ids(void **state)
{
    (void)state;
    static const char src[] =
        "False None True and as assert async await break class continue def del elif "
        "else except finally for from global if import in is lambda nonlocal not or pass "
        "raise return try while with yield match case type _ matches Type _x x none iff\n";
    static const uint8_t want[] = {
        PYKW_FALSE, PYKW_NONE_, PYKW_TRUE, PYKW_AND, PYKW_AS, PYKW_ASSERT, PYKW_ASYNC,
        PYKW_AWAIT, PYKW_BREAK, PYKW_CLASS, PYKW_CONTINUE, PYKW_DEF, PYKW_DEL, PYKW_ELIF,
        PYKW_ELSE, PYKW_EXCEPT, PYKW_FINALLY, PYKW_FOR, PYKW_FROM, PYKW_GLOBAL, PYKW_IF,
        PYKW_IMPORT, PYKW_IN, PYKW_IS, PYKW_LAMBDA, PYKW_NONLOCAL, PYKW_NOT, PYKW_OR,
        PYKW_PASS, PYKW_RAISE, PYKW_RETURN, PYKW_TRY, PYKW_WHILE, PYKW_WITH, PYKW_YIELD,
        PYKW_MATCH, PYKW_CASE, PYKW_TYPE, PYKW_UNDERSCORE, PYKW_NONE, PYKW_NONE, PYKW_NONE,
        PYKW_NONE, PYKW_NONE, PYKW_NONE,
    };
    PyTok t;
    pytok_init(&t, src, sizeof src - 1, "t.py", NULL);
    for (size_t i = 0; i < sizeof want; i++) {
        PyToken k = pytok_next(&t);
        assert_int_equal(k.kind, PYTOK_NAME);
        assert_int_equal(k.kw, want[i]);
    }
    assert_int_equal(pytok_next(&t).kind, PYTOK_NEWLINE);
    assert_int_equal(t.errors, 0);
}

/* Every operator gets its PyOp, whose text is the token's text. */
static void test_pytok_operator_ids(void **state)
{
    (void)state;
    static const char src[] = "( ) [ ] { } : , ; . ... -> + - * / | & < > = % == != <= >= ~ ^ "
                              "<< >> ** += -= *= /= %= &= |= ^= <<= >>= **= // //= @ @= := "
                              "f'{x!r}' <>\n";
    bool seen[PYOP_COUNT] = {false};
    PyTok t;
    pytok_init(&t, src, sizeof src - 1, "t.py", NULL);
    for (;;) {
        PyToken k = pytok_next(&t);
        if (k.kind == PYTOK_NEWLINE)
            break;
        if (k.kind != PYTOK_OP)
            continue;
        size_t n = k.end - k.start;
        if (k.op == PYOP_NOTEQUAL && memcmp(src + k.start, "<>", 2) == 0)
            continue; /* PEP 401's spelling of != */
        assert_int_equal(strlen(pytok_op_text(k.op)), n);
        assert_memory_equal(pytok_op_text(k.op), src + k.start, n);
        seen[k.op] = true;
    }
    for (int op = PYOP_LPAR; op < PYOP_COUNT; op++)
        assert_true(seen[op]);
    assert_int_equal(t.errors, 0);
    assert_string_equal(pytok_kind_name(PYTOK_FSTRING_MIDDLE), "FSTRING_MIDDLE");
    assert_string_equal(pytok_op_text(PYOP_COUNT), "?");
}

/* ---- termination and limits ------------------------------------------------ */

static void test_pytok_endmarker_repeats(void **state)
{
    (void)state;
    static const char src[] = "if x:\n    y";
    PyTok t;
    pytok_init(&t, src, sizeof src - 1, "t.py", NULL);
    PyToken k;
    do
        k = pytok_next(&t);
    while (k.kind != PYTOK_ENDMARKER);
    for (int i = 0; i < 5; i++) {
        PyToken again = pytok_next(&t);
        assert_int_equal(again.kind, PYTOK_ENDMARKER);
        assert_int_equal(again.start, k.start);
        assert_int_equal(again.line, 3);
        assert_int_equal(again.col, 0);
    }
}

/* Tokenizes src fully; counts tokens of each kind and returns the diagnostics. */
static char *count_kinds(const char *src, size_t len, size_t counts[PYTOK_ERRORTOKEN + 1])
{
    Diag d;
    diag_init(&d);
    PyTok t;
    pytok_init(&t, src, (uint32_t)len, "t.py", &d);
    memset(counts, 0, sizeof(size_t) * (PYTOK_ERRORTOKEN + 1));
    for (size_t guard = 0; guard < 4 * len + 100; guard++) {
        PyToken k = pytok_next(&t);
        counts[k.kind]++;
        if (k.kind == PYTOK_ENDMARKER)
            break;
    }
    assert_int_equal(counts[PYTOK_ENDMARKER], 1);
    Buf b = {0};
    buf_add(&b, "%s", "");
    for (uint32_t i = 0; i < d.msgs.size; i++)
        buf_add(&b, "%u:%u: %s\n", d.msgs.contents[i].line, d.msgs.contents[i].col,
                d.msgs.contents[i].text);
    diag_free(&d);
    return b.p;
}

/* 100 000 nested brackets: the first 200 are tokens, the rest (and their
 * partners) error tokens, with one diagnostic at the limit. */
static void test_pytok_brackets_nested_100000(void **state)
{
    (void)state;
    enum { N = 100000 };
    char *src = xmalloc(2 * N + 2);
    memset(src, '(', N);
    memset(src + N, ')', N);
    memcpy(src + 2 * N, "\n", 2);
    size_t counts[PYTOK_ERRORTOKEN + 1];
    char *diags = count_kinds(src, 2 * N + 1, counts);
    assert_string_equal(diags, "1:201: too many nested parentheses (limit 200)\n");
    assert_int_equal(counts[PYTOK_OP], 2 * 200);
    assert_int_equal(counts[PYTOK_ERRORTOKEN], 2 * (N - 200));
    assert_int_equal(counts[PYTOK_NEWLINE], 1);
    xfree(diags);
    /* never closed: the same cap, then one error at the end */
    memset(src, '[', N);
    diags = count_kinds(src, N, counts);
    assert_string_equal(diags, "1:201: too many nested parentheses (limit 200)\n"
                               "1:200: '[' was never closed\n");
    xfree(diags);
    xfree(src);
}

/* CPython allows 99 indentation levels; the 100th is an error (once). */
static void test_pytok_indent_too_deep(void **state)
{
    (void)state;
    Buf b = {0};
    for (int i = 0; i < 101; i++)
        buf_add(&b, "%*sif x:\n", i, "");
    buf_add(&b, "%*sy\n", 101, "");
    size_t counts[PYTOK_ERRORTOKEN + 1];
    char *diags = count_kinds(b.p, b.n, counts);
    assert_string_equal(diags, "101:101: too many levels of indentation (limit 99)\n"
                               "102:102: too many levels of indentation (limit 99)\n");
    assert_int_equal(counts[PYTOK_INDENT], 99);
    assert_int_equal(counts[PYTOK_DEDENT], 99);
    xfree(diags);
    xfree(b.p);
}

/* Replacement fields nest 2 deep in format specs; f-strings 149 deep. */
static void test_pytok_fstring_nesting_limits(void **state)
{
    (void)state;
    static const char deep_fields[] = "f\"{1:{2:{3:{4}}}}\"\n";
    size_t counts[PYTOK_ERRORTOKEN + 1];
    char *diags = count_kinds(deep_fields, sizeof deep_fields - 1, counts);
    assert_string_equal(diags, "1:12: f-string: expressions nested too deeply\n");
    assert_int_equal(counts[PYTOK_FSTRING_END], 1);
    xfree(diags);

    Buf b = {0};
    for (int i = 0; i < 150; i++)
        buf_add(&b, "f\"{");
    buf_add(&b, "x");
    for (int i = 0; i < 150; i++)
        buf_add(&b, "}\"");
    buf_add(&b, "\n");
    diags = count_kinds(b.p, b.n, counts);
    assert_string_equal(diags, "1:448: too many nested f-strings (limit 149)\n");
    assert_int_equal(counts[PYTOK_FSTRING_START], 149);
    assert_int_equal(counts[PYTOK_FSTRING_END], 149);
    assert_int_equal(counts[PYTOK_NEWLINE], 1);
    xfree(diags);
    xfree(b.p);
}

/* Without a Diag, errors are still error tokens and counted. */
static void test_pytok_errors_without_diag(void **state)
{
    (void)state;
    static const char src[] = "x = $ 'abc\n";
    PyTok t;
    pytok_init(&t, src, sizeof src - 1, "t.py", NULL);
    int errs = 0;
    PyToken k;
    do {
        k = pytok_next(&t);
        errs += k.kind == PYTOK_ERRORTOKEN;
    } while (k.kind != PYTOK_ENDMARKER);
    assert_int_equal(errs, 2);
    assert_int_equal(t.errors, 2);
}

/* A line of 200 000 bad characters: all are error tokens and counted, the
 * first PYTOK_MAX_ERRORS are reported, then one note; no quadratic cost. */
static void test_pytok_error_cap(void **state)
{
    (void)state;
    enum { N = 200000 };
    char *src = xmalloc(2 * N + 1);
    for (size_t i = 0; i < N; i++)
        memcpy(src + 2 * i, "$ ", 2);
    src[2 * N] = '\n';
    Diag d;
    diag_init(&d);
    PyTok t;
    pytok_init(&t, src, 2 * N + 1, "t.py", &d);
    size_t errs = 0;
    PyToken k;
    do {
        k = pytok_next(&t);
        errs += k.kind == PYTOK_ERRORTOKEN;
    } while (k.kind != PYTOK_ENDMARKER);
    assert_int_equal(errs, N);
    assert_int_equal(t.errors, N);
    assert_int_equal(d.msgs.size, PYTOK_MAX_ERRORS + 1);
    const DiagMsg *last = &d.msgs.contents[PYTOK_MAX_ERRORS - 1];
    assert_int_equal(last->col, 2 * PYTOK_MAX_ERRORS - 1);
    const DiagMsg *note = &d.msgs.contents[PYTOK_MAX_ERRORS];
    assert_int_equal(note->level, DIAG_NOTE);
    assert_int_equal(note->col, 2 * PYTOK_MAX_ERRORS + 1);
    assert_non_null(strstr(note->text, "too many errors"));
    diag_free(&d);
    xfree(src);
}

/* ---- randomized invariants ------------------------------------------------- */

/* Reference position of byte offset off: 1-based line and 0-based byte column,
 * universal newlines, after a skipped BOM. */
static void ref_pos(const char *s, size_t len, size_t off, size_t base, uint32_t *line,
                    uint32_t *col)
{
    uint32_t l = 1;
    size_t ls = base;
    for (size_t i = base; i < off; i++)
        if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) {
            l++;
            ls = i + 1;
        }
    *line = l;
    *col = (uint32_t)(off - ls);
}

/* Checks one token's positions against ref_pos. */
static void check_positions(const char *s, size_t len, size_t base, const PyToken *k)
{
    uint32_t l, c;
    ref_pos(s, len, k->start, base, &l, &c);
    bool after_eof_newline = k->start == len && len > base && s[len - 1] != '\n' &&
                             s[len - 1] != '\r' && k->line == l + 1 && k->col == 0;
    if (!after_eof_newline) {
        assert_int_equal(k->line, l);
        assert_int_equal(k->col, c);
    }
    if ((k->kind == PYTOK_NEWLINE || k->kind == PYTOK_NL) && k->end > k->start) {
        assert_int_equal(k->end_line, k->line);
        assert_int_equal(k->end_col, k->col + (k->end - k->start));
    } else if (!after_eof_newline) {
        ref_pos(s, len, k->end, base, &l, &c);
        assert_int_equal(k->end_line, l);
        assert_int_equal(k->end_col, c);
    }
}

/* Random snippets over the bytes that matter to the tokenizer: every call
 * returns, tokens move forward, positions agree with the byte offsets, and
 * the stream ends in ENDMARKER within a bound. */
static void test_pytok_random_invariants(void **state)
{
    (void)state;
    static const char alphabet[] = "abfrFRxje01_9.  \t\n\n\r\\#\"\"'{}{}()[]:!=<>*/-+,;@~%^&|$\f";
    static const char *const high[] = {"\xc3\xa9", "\xff", "\xe2\x82", "\0", "\xef\xbb\xbf"};
    uint64_t seed = 0x9E3779B97F4A7C15u;
    char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0, want = 1 + (size_t)(seed >> 58) * 3;
        while (len < want) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            unsigned r = (unsigned)(seed >> 33);
            if (r % 16 == 0) {
                const char *h = high[(r / 16) % 5];
                size_t hn = h[0] ? strlen(h) : 1;
                memcpy(buf + len, h, hn);
                len += hn;
            } else
                buf[len++] = alphabet[(r / 16) % (sizeof alphabet - 1)];
        }
        size_t base = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        Diag d;
        diag_init(&d);
        PyTok t;
        pytok_init(&t, buf, (uint32_t)len, "t.py", &d);
        uint32_t prev_start = 0, prev_end = 0;
        size_t n = 0;
        PyToken k;
        do {
            k = pytok_next(&t);
            assert_true(++n < 4 * len + 100);
            assert_true(k.start <= k.end && k.end <= len);
            assert_true(k.start >= prev_start && k.start >= prev_end);
            check_positions(buf, len, base, &k);
            prev_start = k.start;
            prev_end = k.end;
        } while (k.kind != PYTOK_ENDMARKER);
        assert_int_equal(d.msgs.size,
                         t.errors <= PYTOK_MAX_ERRORS ? t.errors : PYTOK_MAX_ERRORS + 1);
        for (uint32_t i = 0; i < d.msgs.size; i++)
            assert_true(d.msgs.contents[i].line >= 1 && d.msgs.contents[i].col >= 1);
        diag_free(&d);
        assert_int_equal(pytok_next(&t).kind, PYTOK_ENDMARKER);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        GOLDEN_TESTS
        cmocka_unit_test(test_pytok_keyword_ids),
        cmocka_unit_test(test_pytok_operator_ids),
        cmocka_unit_test(test_pytok_endmarker_repeats),
        cmocka_unit_test(test_pytok_brackets_nested_100000),
        cmocka_unit_test(test_pytok_indent_too_deep),
        cmocka_unit_test(test_pytok_fstring_nesting_limits),
        cmocka_unit_test(test_pytok_errors_without_diag),
        cmocka_unit_test(test_pytok_error_cap),
        cmocka_unit_test(test_pytok_random_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
