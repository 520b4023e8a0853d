/* Python tokenizer (see pytok.h): the first stage of the Python frontend. One
 * pass over the bytes, pulled a token at a time by the parser, no allocation.
 * The rules follow CPython 3.12's Parser/tokenizer.c (indent stack, f-string
 * mode stack, number grammar) as seen through its tokenize module: positions
 * and token boundaries are those `tokenize.generate_tokens` reports, with
 * universal newlines (\n, \r\n, lone \r). Where CPython stops at the first
 * error, we emit an ERRORTOKEN plus one diagnostic and carry on. This file has
 * the dispatch, lines, indentation, operators and names; strings and f-strings
 * are in pytok_str.c, numbers in pytok_num.c, what they share in pytok_int.h. */
#include "pytok_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- scanning helpers ------------------------------------------------------ */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PYTOK_SWAR 1 /* 8 bytes at a time; the first byte in memory is the lowest */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* 0x80 in each byte of x (7-bit values) that lies in [lo, hi]; no carries. */
static inline uint64_t swar_in_range(uint64_t x, unsigned lo, unsigned hi)
{
    return (x + ONES * (0x80 - lo)) & ~(x + ONES * (0x7F - hi)) & HIGHS;
}

/* 0x80 in each ASCII identifier byte of w: letters, digits, '_'. */
static inline uint64_t swar_ascii_id_bytes(uint64_t w)
{
    uint64_t x = w & ~HIGHS;
    uint64_t us = ~((x ^ (ONES * '_')) + ONES * 0x7F) & HIGHS;
    return (swar_in_range(x | (ONES * 0x20), 'a', 'z') | swar_in_range(x, '0', '9') | us) & ~w;
}
#endif


/* Offset of the first '\n' or '\r' at or after p, or len. */
static uint32_t find_eol(const uint8_t *s, uint32_t p, uint32_t len)
{
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (p + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
        if (m)
            return p + (uint32_t)__builtin_ctz(m);
        p += 16;
    }
#endif
    while (p < len && s[p] != '\n' && s[p] != '\r')
        p++;
    return p;
}

/* 1-based column in code points of byte offset off on the line starting at ls
 * (continuation bytes 0x80..0xBF do not count). */
static uint32_t cp_col(PyTok *t, uint32_t ls, uint32_t off)
{
    uint32_t n = 1, i = ls;
    if (t->cp_ls == ls && t->cp_off <= off) { /* resume: many errors on one line stay linear */
        n = t->cp_col;
        i = t->cp_off;
    }
    for (; i < off && i < t->len; i++)
        n += ((uint8_t)t->src[i] & 0xC0) != 0x80;
    t->cp_ls = ls;
    t->cp_off = off;
    t->cp_col = n;
    return n;
}

/* ---- errors ---------------------------------------------------------------- */

void pytok_report(PyTok *t, uint32_t at, uint32_t line, uint32_t ls, const char *fmt, ...)
{
    if (++t->errors > PYTOK_MAX_ERRORS || !t->diag) {
        if (t->errors == PYTOK_MAX_ERRORS + 1 && t->diag)
            diag_report(t->diag, DIAG_NOTE, t->path, line, cp_col(t, ls, at),
                        "too many errors (%d); further tokenizer errors in this file are not "
                        "reported", PYTOK_MAX_ERRORS);
        return;
    }
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_report(t->diag, DIAG_ERROR, t->path, line, cp_col(t, ls, at), "%s", buf);
}

/* The loop of pytok_nul_in (pytok_int.h): reports the first NUL in
 * [start, end), if any, and moves nul_at past `end`. */
bool pytok_nul_scan(PyTok *t, uint32_t start, uint32_t end, uint32_t line, uint32_t ls)
{
    bool hit = false;
    while (t->nul_at < end) {
        uint32_t at = t->nul_at;
        if (at >= start && !hit) {
            /* The NUL may sit on a later line of a multi-line token; find it
             * only while errors are still reported (the scans cost a line). */
            uint32_t nls = ls, nline = line;
            if (t->errors <= PYTOK_MAX_ERRORS) {
                nls = pytok_line_start_of(t, at);
                for (uint32_t i = ls; i < nls; i++)
                    nline += t->src[i] == '\n' || (t->src[i] == '\r' && t->src[i + 1] != '\n');
            }
            pytok_report(t, at, nline, nls, "source code cannot contain NUL bytes");
            hit = true;
        }
        const char *nx = memchr(t->src + at + 1, 0, t->len - at - 1);
        t->nul_at = nx ? (uint32_t)(nx - t->src) : t->len;
    }
    return hit;
}

/* ---- keywords -------------------------------------------------------------- *
 * A perfect hash of (first byte, last byte, length) picks the only keyword a
 * name can be; one 8-byte compare confirms it. A collision between two
 * keywords would be a duplicate initializer, which -Woverride-init rejects. */

#define KW_HASH(first, last, n) ((((unsigned)(first)) * 7 + ((unsigned)(last)) * 33 + (n) * 3) & 127)
#define KW(word, first, last, id) [KW_HASH(first, last, sizeof word - 1)] = {word, sizeof word - 1, id}

typedef struct KwSlot {
    char text[8];  /* zero-padded */
    uint8_t len;   /* 0 for an empty slot */
    uint8_t kw;
} KwSlot;

static const KwSlot kw_slots[128] = {
    KW("False", 'F', 'e', PYKW_FALSE), KW("None", 'N', 'e', PYKW_NONE_),
    KW("True", 'T', 'e', PYKW_TRUE), KW("and", 'a', 'd', PYKW_AND), KW("as", 'a', 's', PYKW_AS),
    KW("assert", 'a', 't', PYKW_ASSERT), KW("async", 'a', 'c', PYKW_ASYNC),
    KW("await", 'a', 't', PYKW_AWAIT), KW("break", 'b', 'k', PYKW_BREAK),
    KW("class", 'c', 's', PYKW_CLASS), KW("continue", 'c', 'e', PYKW_CONTINUE),
    KW("def", 'd', 'f', PYKW_DEF), KW("del", 'd', 'l', PYKW_DEL),
    KW("elif", 'e', 'f', PYKW_ELIF), KW("else", 'e', 'e', PYKW_ELSE),
    KW("except", 'e', 't', PYKW_EXCEPT), KW("finally", 'f', 'y', PYKW_FINALLY),
    KW("for", 'f', 'r', PYKW_FOR), KW("from", 'f', 'm', PYKW_FROM),
    KW("global", 'g', 'l', PYKW_GLOBAL), KW("if", 'i', 'f', PYKW_IF),
    KW("import", 'i', 't', PYKW_IMPORT), KW("in", 'i', 'n', PYKW_IN),
    KW("is", 'i', 's', PYKW_IS), KW("lambda", 'l', 'a', PYKW_LAMBDA),
    KW("nonlocal", 'n', 'l', PYKW_NONLOCAL), KW("not", 'n', 't', PYKW_NOT),
    KW("or", 'o', 'r', PYKW_OR), KW("pass", 'p', 's', PYKW_PASS),
    KW("raise", 'r', 'e', PYKW_RAISE), KW("return", 'r', 'n', PYKW_RETURN),
    KW("try", 't', 'y', PYKW_TRY), KW("while", 'w', 'e', PYKW_WHILE),
    KW("with", 'w', 'h', PYKW_WITH), KW("yield", 'y', 'd', PYKW_YIELD),
    KW("match", 'm', 'h', PYKW_MATCH), KW("case", 'c', 'e', PYKW_CASE),
    KW("type", 't', 'e', PYKW_TYPE), KW("_", '_', '_', PYKW_UNDERSCORE),
};
#undef KW

/* Keyword or soft keyword of the name s[0..n) (avail bytes readable at s),
 * PYKW_NONE otherwise. */
static inline uint8_t classify_keyword(const uint8_t *s, uint32_t n, uint32_t avail)
{
    if (n > 8)
        return PYKW_NONE;
    const KwSlot *k = &kw_slots[KW_HASH(s[0], s[n - 1], n)];
    if (k->len != n)
        return PYKW_NONE;
    uint64_t w = 0, want;
    memcpy(&want, k->text, 8);
    if (avail >= 8) {
        memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = n == 8 ? w : w & ~(~(uint64_t)0 >> (8 * n));
#else
        w = n == 8 ? w : w & ((UINT64_C(1) << (8 * n)) - 1);
#endif
    } else
        memcpy(&w, s, n);
    return w == want ? k->kw : PYKW_NONE;
}

/* ---- names ----------------------------------------------------------------- */

uint32_t pytok_utf8_seq(const uint8_t *s, uint32_t n)
{
    uint8_t c = s[0];
    uint32_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < need + 1 || s[1] < lo || s[1] > hi)
        return 0;
    for (uint32_t i = 2; i <= need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

/* A NAME with bytes >= 0x80 from start: identifier bytes to the end, then
 * each non-ASCII character must be valid UTF-8. */
static PYTOK_NOINLINE PyTokCore lex_name_utf8(PyTok *t, uint32_t start)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = start;
    while (p < t->len && pytok_is_id_char(s[p]))
        p++;
    t->pos = p;
    for (uint32_t i = start; i < p;) {
        uint32_t n = pytok_utf8_seq(s + i, p - i);
        if (n == 0) {
            pytok_report(t, i, t->line, t->line_start, "invalid UTF-8 byte 0x%02X in identifier",
                         s[i]);
            return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, p);
        }
        i += n;
    }
    return pytok_line_tok(t, PYTOK_NAME, start, p);
}

/* A NAME from start: ASCII identifier bytes 8 at a time; a byte >= 0x80
 * hands over to lex_name_utf8. */
PYTOK_NOINLINE PyTokCore pytok_lex_name(PyTok *t, uint32_t start)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = start + 1, len = t->len;
#ifdef PYTOK_SWAR
    for (; p + 8 <= len; p += 8) {
        uint64_t w;
        memcpy(&w, s + p, 8);
        uint64_t non = ~swar_ascii_id_bytes(w) & HIGHS;
        if (non) {
            p += (uint32_t)__builtin_ctzll(non) / 8;
            goto scanned;
        }
    }
#endif
    while (p < len && pytok_cclass[s[p]] != CC_HIGH && pytok_is_id_char(s[p]))
        p++;
#ifdef PYTOK_SWAR
scanned:
#endif
    if (p < len && s[p] >= 0x80)
        return lex_name_utf8(t, start);
    t->pos = p;
    return pytok_line_tok_id(t, PYTOK_NAME, start, p, PYOP_NONE,
                             classify_keyword(s + start, p - start, len - start));
}

/* ---- operators and brackets ------------------------------------------------ */

/* Operators by their bytes: alone, followed by '=', doubled, doubled and
 * followed by '='. '!' alone is left to the caller (PYOP_NONE). */
static const uint8_t op_one[128] = {
    ['('] = PYOP_LPAR, [')'] = PYOP_RPAR, ['['] = PYOP_LSQB, [']'] = PYOP_RSQB,
    ['{'] = PYOP_LBRACE, ['}'] = PYOP_RBRACE, [':'] = PYOP_COLON, [','] = PYOP_COMMA,
    [';'] = PYOP_SEMI, ['+'] = PYOP_PLUS, ['-'] = PYOP_MINUS, ['*'] = PYOP_STAR,
    ['/'] = PYOP_SLASH, ['|'] = PYOP_VBAR, ['&'] = PYOP_AMPER, ['<'] = PYOP_LESS,
    ['>'] = PYOP_GREATER, ['='] = PYOP_EQUAL, ['%'] = PYOP_PERCENT, ['~'] = PYOP_TILDE,
    ['^'] = PYOP_CIRCUMFLEX, ['@'] = PYOP_AT,
};
static const uint8_t op_eq[128] = {
    [':'] = PYOP_COLONEQUAL, ['+'] = PYOP_PLUSEQUAL, ['-'] = PYOP_MINEQUAL,
    ['*'] = PYOP_STAREQUAL, ['/'] = PYOP_SLASHEQUAL, ['|'] = PYOP_VBAREQUAL,
    ['&'] = PYOP_AMPEREQUAL, ['<'] = PYOP_LESSEQUAL, ['>'] = PYOP_GREATEREQUAL,
    ['='] = PYOP_EQEQUAL, ['!'] = PYOP_NOTEQUAL, ['%'] = PYOP_PERCENTEQUAL,
    ['^'] = PYOP_CIRCUMFLEXEQUAL, ['@'] = PYOP_ATEQUAL,
};
static const uint8_t op_double[128] = {
    ['*'] = PYOP_DOUBLESTAR, ['/'] = PYOP_DOUBLESLASH, ['<'] = PYOP_LEFTSHIFT,
    ['>'] = PYOP_RIGHTSHIFT,
};
static const uint8_t op_double_eq[128] = {
    ['*'] = PYOP_DOUBLESTAREQUAL, ['/'] = PYOP_DOUBLESLASHEQUAL, ['<'] = PYOP_LEFTSHIFTEQUAL,
    ['>'] = PYOP_RIGHTSHIFTEQUAL,
};

/* The operator starting with byte c < 128 followed by c2, c3 (-1 past the
 * end): the longest match, its length in *n. Also '->' and '<>' (PEP 401's
 * spelling of '!=', which CPython lexes). */
static inline PyOp match_op(int c, int c2, int c3, uint32_t *n)
{
    if (c2 == '=' && op_eq[c]) {
        *n = 2;
        return op_eq[c];
    }
    if (c2 == c && op_double[c]) {
        *n = c3 == '=' ? 3 : 2;
        return c3 == '=' ? op_double_eq[c] : op_double[c];
    }
    if (c2 == '>' && (c == '-' || c == '<')) {
        *n = 2;
        return c == '-' ? PYOP_ARROW : PYOP_NOTEQUAL;
    }
    *n = 1;
    return op_one[c];
}

static inline PyTokCore op_tok(const PyTok *t, PyOp op, uint32_t start)
{
    return pytok_line_tok_id(t, PYTOK_OP, start, t->pos, (uint8_t)op, PYKW_NONE);
}

/* An opening bracket at start (t->pos is past it). */
static PyTokCore open_bracket(PyTok *t, PyOp op, uint32_t start)
{
    if (t->paren_overflow || t->paren_depth >= PYTOK_MAX_PAREN) {
        /* Past the cap: the bracket and its partner become silent error
         * tokens; only the first one of such a run is reported. */
        if (t->paren_overflow++ == 0)
            pytok_report(t, start, t->line, t->line_start,
                         "too many nested parentheses (limit %d)", PYTOK_MAX_PAREN);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    t->parens[t->paren_depth] = t->src[start];
    t->paren_at[t->paren_depth] = start;
    t->paren_line[t->paren_depth] = t->line;
    t->paren_depth++;
    if (t->fstring_depth)
        t->fstrings[t->fstring_depth - 1].bracket_depth++;
    return op_tok(t, op, start);
}

/* A closing bracket at start (t->pos is past it). In an f-string field, the
 * '}' that brings the bracket count back to the field's level ends it. */
static PyTokCore close_bracket(PyTok *t, PyOp op, uint32_t start)
{
    char c = t->src[start];
    PyTokFString *fs = t->fstring_depth ? &t->fstrings[t->fstring_depth - 1] : NULL;
    if (t->paren_overflow) {
        t->paren_overflow--;
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    if (fs && fs->bracket_depth == 0) {
        if (c == '}') {
            fs->in_expr = 0; /* back to the literal text */
            t->slow = true;
            pytok_report(t, start, t->line, t->line_start, "%c-string: single '}' is not allowed",
                         fs->kind);
        } else
            pytok_report(t, start, t->line, t->line_start, "%c-string: unmatched '%c'", fs->kind, c);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    if (t->paren_depth == 0) {
        pytok_report(t, start, t->line, t->line_start, "unmatched '%c'", c);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    char open = t->parens[--t->paren_depth];
    bool match = (open == '(' && c == ')') || (open == '[' && c == ']') || (open == '{' && c == '}');
    if (fs) {
        fs->bracket_depth--;
        if (c == '}' && fs->bracket_depth == fs->field_depth) {
            fs->field_depth--;
            fs->in_expr = 0;
            t->slow = true;
        }
    }
    if (!match) {
        pytok_report(t, start, t->line, t->line_start,
                     "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    return op_tok(t, op, start);
}

/* An operator or bracket at start. Inside an f-string field, a top-level ':'
 * starts the format spec, and '!' is the conversion marker (PEP 701). */
static PYTOK_NOINLINE PyTokCore lex_op(PyTok *t, uint32_t start)
{
    int c = (uint8_t)t->src[start];
    PyTokFString *fs = t->fstring_depth ? &t->fstrings[t->fstring_depth - 1] : NULL;
    if (fs && (c == ':' || c == '}' || c == '!' || c == '{')) {
        int cursor = fs->bracket_depth - (c != '{');
        if (cursor == 0)
            fs->spec_armed = c != '{';
        if (c == ':' && cursor == fs->field_depth) {
            fs->in_expr = 0;
            t->slow = true;
            t->pos = start + 1;
            return op_tok(t, PYOP_COLON, start);
        }
    }
    uint32_t n;
    PyOp op = match_op(c, pytok_peek_at(t, start + 1), pytok_peek_at(t, start + 2), &n);
    t->pos = start + n;
    if (op > PYOP_RBRACE)
        return op_tok(t, op, start);
    if (op == PYOP_LPAR || op == PYOP_LSQB || op == PYOP_LBRACE)
        return open_bracket(t, op, start);
    if (op != PYOP_NONE)
        return close_bracket(t, op, start);
    if (fs)
        return op_tok(t, PYOP_EXCLAMATION, start);
    pytok_report(t, start, t->line, t->line_start,
                 "'!' is only allowed in f-string replacement fields");
    return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
}

/* '(' or '[' at start: no longer operator begins with them. */
static PYTOK_NOINLINE PyTokCore lex_open(PyTok *t, uint32_t start)
{
    t->pos = start + 1;
    return open_bracket(t, t->src[start] == '(' ? PYOP_LPAR : PYOP_LSQB, start);
}

/* ')' or ']' at start. */
static PYTOK_NOINLINE PyTokCore lex_close(PyTok *t, uint32_t start)
{
    t->pos = start + 1;
    return close_bracket(t, t->src[start] == ')' ? PYOP_RPAR : PYOP_RSQB, start);
}

/* ',' ';' or '~' at start. */
static PYTOK_NOINLINE PyTokCore lex_single(PyTok *t, uint32_t start)
{
    char c = t->src[start];
    t->pos = start + 1;
    return op_tok(t, c == ',' ? PYOP_COMMA : c == ';' ? PYOP_SEMI : PYOP_TILDE, start);
}

/* ---- lines, indentation, end of input -------------------------------------- */

enum { INDERR_NONE, INDERR_TABS, INDERR_DEDENT, INDERR_DEEP };

/* Skips the backslash at t->pos and the line break after it (a line
 * continuation). Returns false, with an error token in *out, if no line break
 * follows or the source ends right after it. */
static bool continuation(PyTok *t, PyTokCore *out)
{
    uint32_t bs = t->pos, line = t->line, ls = t->line_start;
    int c = pytok_peek_at(t, bs + 1);
    if (c == '\n' || c == '\r') {
        t->pos = bs + 1;
        pytok_eat_line_break(t);
    } else if (c < 0 && t->eof_newline) {
        t->pos = bs + 1;
        t->eof_newline = false;
    } else {
        t->pos = bs + 1;
        pytok_report(t, bs, line, ls, "unexpected character after line continuation character");
        *out = pytok_line_tok(t, PYTOK_ERRORTOKEN, bs, t->pos);
        return false;
    }
    if (t->pos >= t->len && !t->eof_newline) {
        pytok_report(t, bs, line, ls, "unexpected end of file after line continuation character");
        *out = pytok_span_tok(t, PYTOK_ERRORTOKEN, bs, line, ls);
        return false;
    }
    return true;
}

/* The first byte from p on that is not a ' ' (len at the end): the
 * indentation of a line, 8 bytes at a time. */
static inline uint32_t skip_spaces(const uint8_t *s, uint32_t p, uint32_t len)
{
#ifdef PYTOK_SWAR
    for (; p + 8 <= len; p += 8) {
        uint64_t w;
        memcpy(&w, s + p, 8);
        w ^= ONES * ' ';
        if (w)
            return p + (uint32_t)__builtin_ctzll(w) / 8;
    }
#endif
    while (p < len && s[p] == ' ')
        p++;
    return p;
}

/* Compares the indentation of a new logical line (col: tabs to multiples of 8;
 * alt: tabs of width 1) with the indent stack, as CPython does: the two
 * measures must agree on every comparison, else the tabs and spaces are
 * inconsistent. Sets t->pending (INDENT/DEDENT count) and t->pending_error. */
static void indent_compare(PyTok *t, uint32_t col, uint32_t alt)
{
    uint32_t d = t->indent_depth;
    if (col == t->indents[d]) {
        if (alt != t->alt_indents[d])
            t->pending_error = INDERR_TABS;
    } else if (col > t->indents[d]) {
        if (d + 1 >= PYTOK_MAX_INDENT) {
            t->pending_error = INDERR_DEEP;
            return;
        }
        if (alt <= t->alt_indents[d])
            t->pending_error = INDERR_TABS;
        t->pending = 1;
        t->indent_depth = ++d;
        t->indents[d] = col;
        t->alt_indents[d] = alt;
    } else {
        while (d > 0 && col < t->indents[d]) {
            t->pending--;
            d--;
        }
        t->indent_depth = d;
        if (col != t->indents[d])
            t->pending_error = INDERR_DEDENT;
        else if (alt != t->alt_indents[d])
            t->pending_error = INDERR_TABS;
    }
}

/* At the beginning of a physical line: measures the indentation (a form feed
 * resets it; a backslash continuation inside it fixes the column, like
 * CPython) and, unless the line is blank, comment-only or inside brackets,
 * queues INDENT/DEDENT tokens. Returns false with an error token in *out if a
 * continuation inside the indentation fails. */
static bool line_begin(PyTok *t, PyTokCore *out)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = skip_spaces(s, t->pos, t->len), col, alt, cont_col = 0;
    t->at_bol = false;
    /* the common case, spaces only, is counted above; the loop takes the rest */
    col = alt = p - t->pos;
    t->pos = p;
    for (;;) {
        int c = pytok_peek_at(t, t->pos);
        if (c == ' ') {
            col++;
            alt++;
        } else if (c == '\t') {
            col = (col / 8 + 1) * 8;
            alt++;
        } else if (c == '\f') {
            col = alt = 0;
        } else if (c == '\\') {
            cont_col = cont_col ? cont_col : col;
            if (!continuation(t, out))
                return false;
            continue;
        } else
            break;
        t->pos++;
    }
    int c = t->pos < t->len ? s[t->pos] : (t->eof_newline ? '\n' : -1);
    t->blank_line = c == '#' || c == '\n' || c == '\r';
    if (!t->blank_line && t->paren_depth == 0)
        indent_compare(t, cont_col ? cont_col : col, cont_col ? cont_col : alt);
    return true;
}

/* The error queued by indent_compare: an empty token at the start of the line
 * (the INDENT or DEDENTs that follow cover the indentation), reported at the
 * line's first token. */
static PyTokCore indent_error(PyTok *t)
{
    static const char *const msgs[] = {
        [INDERR_TABS] = "inconsistent use of tabs and spaces in indentation",
        [INDERR_DEDENT] = "unindent does not match any outer indentation level",
        [INDERR_DEEP] = "too many levels of indentation (limit %d)",
    };
    uint8_t e = t->pending_error;
    t->pending_error = INDERR_NONE;
    pytok_report(t, t->pos, t->line, t->line_start, msgs[e], PYTOK_MAX_INDENT - 1);
    return pytok_line_tok(t, PYTOK_ERRORTOKEN, t->line_start, t->line_start);
}

/* Queued indentation tokens: the error first, then INDENT (over the
 * indentation) or DEDENTs (empty, where the line's first token starts). */
static PyTokCore emit_pending(PyTok *t)
{
    if (t->pending_error)
        return indent_error(t);
    if (t->pending > 0) {
        t->pending--;
        return pytok_line_tok(t, PYTOK_INDENT, t->line_start, t->pos);
    }
    t->pending++;
    return pytok_line_tok(t, PYTOK_DEDENT, t->pos, t->pos);
}

/* The common next line, taken here instead of by line_begin on the slow
 * path: indented by spaces alone exactly as the current block (or inside
 * brackets, by anything counted as spaces), and starting an ordinary token
 * (no blank, comment, tab, form feed or continuation). Then there is no
 * INDENT or DEDENT to queue: t->pos moves to the token and false comes back
 * only when line_begin has to look. */
static inline bool same_indent_line(PyTok *t)
{
    if (t->fstring_depth || t->pending || t->pending_error)
        return false;
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = skip_spaces(s, t->pos, t->len), len = t->len;
    if (p >= len)
        return false;
    uint8_t c = pytok_cclass[s[p]];
    if (c < CC_NAME || c == CC_BSLASH)
        return false; /* blank, comment, tab, form feed, line break, bad byte */
    uint32_t col = p - t->pos, d = t->indent_depth;
    if (!t->paren_depth && (col != t->indents[d] || col != t->alt_indents[d]))
        return false;
    t->pos = p;
    t->at_bol = false;
    t->slow = false;
    return true;
}

/* A line break at start (or the implied one at the end of the source):
 * NEWLINE after a logical line, NL inside brackets and after blank or
 * comment-only lines. The token covers the break (\n, \r\n or \r; empty when
 * implied). */
static PYTOK_NOINLINE PyTokCore lex_newline(PyTok *t, uint32_t start)
{
    PyTokKind kind = t->blank_line || t->paren_depth ? PYTOK_NL : PYTOK_NEWLINE;
    PyTokCore k;
    t->tok_line = t->line; /* the token stays on the line it ends */
    t->tok_ls = t->line_start;
    if (start >= t->len) {
        t->eof_newline = false;
        k = pytok_line_tok(t, kind, start, start);
        t->line++;
        t->line_start = start;
    } else {
        uint32_t end = start + 1;
        if (t->src[start] == '\r' && pytok_peek_at(t, end) == '\n')
            end++;
        k = pytok_line_tok(t, kind, start, end);
        t->pos = end;
        t->line++;
        t->line_start = end;
    }
    t->blank_line = false;
    k.info = (k.info & 0x00FFFFFFu) | (uint32_t)PYTOK_ON_SAVED << 24;
    if (!same_indent_line(t)) {
        t->at_bol = true;
        t->slow = true;
    }
    return k;
}

/* The end of the source: an error for brackets left open (reported at the
 * innermost one), then the DEDENTs still due, then ENDMARKER. Returns false
 * when only state changed (the caller loops). */
static bool lex_eof(PyTok *t, PyTokCore *out)
{
    if (t->paren_depth || t->paren_overflow || t->fstring_depth) {
        if (t->paren_depth) {
            uint32_t at = t->paren_at[t->paren_depth - 1];
            pytok_report(t, at, t->paren_line[t->paren_depth - 1],
                         pytok_line_start_of(t, at), "'%c' was never closed",
                         t->parens[t->paren_depth - 1]);
        } else
            pytok_report(t, t->pos, t->line, t->line_start, "unexpected end of file in brackets");
        t->paren_depth = t->paren_overflow = t->fstring_depth = 0;
        *out = pytok_line_tok(t, PYTOK_ERRORTOKEN, t->pos, t->pos);
        return true;
    }
    t->slow = true;
    if (t->indent_depth) {
        t->pending = -(int32_t)t->indent_depth;
        t->indent_depth = 0;
        return false;
    }
    t->done = true;
    *out = pytok_line_tok(t, PYTOK_ENDMARKER, t->pos, t->pos);
    return true;
}

/* A comment from '#' to the end of the line (the break is not part of it). */
static PYTOK_NOINLINE PyTokCore lex_comment(PyTok *t, uint32_t start)
{
    uint32_t end = find_eol((const uint8_t *)t->src, start + 1, t->len);
    t->pos = end;
    bool nul = pytok_nul_in(t, start, end, t->line, t->line_start);
    return pytok_line_tok(t, nul ? PYTOK_ERRORTOKEN : PYTOK_COMMENT, start, end);
}

/* '.', '...' or a number such as '.5'. */
static PYTOK_NOINLINE PyTokCore lex_dot(PyTok *t, uint32_t start)
{
    int c2 = pytok_peek_at(t, start + 1);
    if (pytok_is_digit(c2))
        return pytok_lex_float_tail(t, start, start + 1, true);
    if (c2 == '.' && pytok_peek_at(t, start + 2) == '.') {
        t->pos = start + 3;
        return op_tok(t, PYOP_ELLIPSIS, start);
    }
    t->pos = start + 1;
    return op_tok(t, PYOP_DOT, start);
}

/* A byte that starts no token: NUL, a control character, '$', '?', '`'. */
static PyTokCore lex_bad(PyTok *t, uint32_t start)
{
    uint8_t c = (uint8_t)t->src[start];
    t->pos = start + 1;
    if (c == 0)
        pytok_nul_in(t, start, start + 1, t->line, t->line_start);
    else if (c > 0x20 && c < 0x7F)
        pytok_report(t, start, t->line, t->line_start, "invalid character '%c' (U+%04X)", c, c);
    else
        pytok_report(t, start, t->line, t->line_start, "invalid non-printable character U+%04X", c);
    return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, start + 1);
}

void pytok_init(PyTok *t, const char *src, uint32_t len, const char *path, Diag *diag)
{
    t->src = src;
    t->len = len;
    t->pos = 0;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        t->pos = 3;
    t->line = 1;
    t->line_start = t->pos;
    t->path = path;
    t->diag = diag;
    const char *nul = len ? memchr(src, 0, len) : NULL;
    t->nul_at = nul ? (uint32_t)(nul - src) : len;
    t->indents[0] = t->alt_indents[0] = 0;
    t->indent_depth = 0;
    t->pending = 0;
    t->pending_error = INDERR_NONE;
    t->at_bol = true;
    t->blank_line = false;
    t->eof_newline = len > t->pos && src[len - 1] != '\n' && src[len - 1] != '\r';
    t->done = false;
    t->slow = true;
    t->paren_depth = 0;
    t->paren_overflow = 0;
    t->fstring_depth = 0;
    t->errors = 0;
    t->cp_ls = t->cp_off = UINT32_MAX;
    t->cp_col = 1;
}

/* Everything but ordinary tokens: ENDMARKER again, queued indentation tokens,
 * f-string text, the start of a line. Returns true with a token in *out, or
 * false (t->slow cleared) when the next token is an ordinary one at t->pos. */
static bool slow_path(PyTok *t, PyTokCore *out)
{
    for (;;) {
        if (t->done) {
            *out = pytok_line_tok(t, PYTOK_ENDMARKER, t->pos, t->pos);
            return true;
        }
        if (t->pending || t->pending_error) {
            *out = emit_pending(t);
            return true;
        }
        if (t->fstring_depth && !t->fstrings[t->fstring_depth - 1].in_expr) {
            *out = pytok_lex_fstring_text(t, &t->fstrings[t->fstring_depth - 1]);
            return true;
        }
        if (t->at_bol) {
            if (!line_begin(t, out))
                return true;
            continue;
        }
        t->slow = false;
        return false;
    }
}

static PyTokCore next_general(PyTok *t);

/* The central dispatch, for the common token: at most one blank, then a byte
 * that starts an ordinary token, handed to one helper per token class. The
 * rest (flags, more blanks, a continuation, the end, a bad byte) goes to
 * next_general. Helpers are called, not inlined, so that this path needs no
 * stack frame. */
static inline __attribute__((always_inline)) PyTokCore next_common(PyTok *t)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = t->pos, len = t->len;
    if (__builtin_expect(t->slow || p >= len, 0))
        return next_general(t);
    p += s[p] == ' '; /* branch-free: one blank is the common case */
    if (__builtin_expect(p >= len, 0))
        return next_general(t);
    switch (pytok_cclass[s[p]]) {
    case CC_NAME: return pytok_lex_name(t, p);
    case CC_HIGH: return lex_name_utf8(t, p);
    case CC_OP: return lex_op(t, p);
    case CC_OPEN: return lex_open(t, p);
    case CC_CLOSE: return lex_close(t, p);
    case CC_SINGLE: return lex_single(t, p);
    case CC_NEWLINE: return lex_newline(t, p);
    case CC_PREFIX: return pytok_lex_prefixed(t, p);
    case CC_DIGIT: return pytok_lex_number(t, p);
    case CC_QUOTE: return pytok_lex_string(t, p, p);
    case CC_HASH: return lex_comment(t, p);
    case CC_DOT: return lex_dot(t, p);
    default: return next_general(t);
    }
}

/* Everything next_common leaves: the slow path, runs of blanks, line
 * continuations, the end of the source and bytes that start no token. It
 * hands back to next_common at an ordinary token (no flag set, no blank in
 * front, not at the end: next_common dispatches without coming back). */
static PYTOK_NOINLINE PyTokCore next_general(PyTok *t)
{
    PyTokCore k;
    const uint8_t *s = (const uint8_t *)t->src;
    for (;;) {
        if (t->slow && slow_path(t, &k))
            return k;
        uint32_t p = t->pos, len = t->len;
        while (p < len && pytok_cclass[s[p]] == CC_SPACE)
            p++;
        t->pos = p;
        if (p >= len) {
            if (t->eof_newline)
                return lex_newline(t, p);
            if (lex_eof(t, &k))
                return k;
            continue;
        }
        if (pytok_cclass[s[p]] == CC_BSLASH) {
            if (!continuation(t, &k))
                return k;
            continue;
        }
        if (pytok_cclass[s[p]] == CC_BAD)
            return lex_bad(t, p);
        return next_common(t);
    }
}

PyTokCore pytok_next_core(PyTok *t)
{
    return next_common(t);
}

PyToken pytok_next(PyTok *t)
{
    PyTokCore k = next_common(t);
    uint32_t line = t->line, ls = t->line_start, end_line = line, end_ls = ls;
    uint8_t where = pytok_core_where(k);
    if (where != PYTOK_ON_LINE) {
        line = t->tok_line;
        ls = t->tok_ls;
        if (where == PYTOK_ON_SAVED) {
            end_line = line;
            end_ls = ls;
        }
    }
    uint32_t start = pytok_core_start(k), end = pytok_core_end(k);
    return (PyToken){pytok_core_kind(k), pytok_core_op(k), pytok_core_kw(k), start, end, line,
                     start - ls,         end_line,         end - end_ls};
}

const char *pytok_kind_name(PyTokKind k)
{
    static const char *const names[] = {
        [PYTOK_ENDMARKER] = "ENDMARKER",
        [PYTOK_NAME] = "NAME",
        [PYTOK_NUMBER] = "NUMBER",
        [PYTOK_STRING] = "STRING",
        [PYTOK_OP] = "OP",
        [PYTOK_NEWLINE] = "NEWLINE",
        [PYTOK_NL] = "NL",
        [PYTOK_INDENT] = "INDENT",
        [PYTOK_DEDENT] = "DEDENT",
        [PYTOK_COMMENT] = "COMMENT",
        [PYTOK_FSTRING_START] = "FSTRING_START",
        [PYTOK_FSTRING_MIDDLE] = "FSTRING_MIDDLE",
        [PYTOK_FSTRING_END] = "FSTRING_END",
        [PYTOK_ERRORTOKEN] = "ERRORTOKEN",
    };
    if ((unsigned)k >= sizeof names / sizeof names[0] || !names[k])
        return "?";
    return names[k];
}

const char *pytok_op_text(PyOp op)
{
    static const char *const texts[PYOP_COUNT] = {
        [PYOP_NONE] = "", [PYOP_LPAR] = "(", [PYOP_RPAR] = ")", [PYOP_LSQB] = "[",
        [PYOP_RSQB] = "]", [PYOP_LBRACE] = "{", [PYOP_RBRACE] = "}", [PYOP_COLON] = ":",
        [PYOP_COMMA] = ",", [PYOP_SEMI] = ";", [PYOP_DOT] = ".", [PYOP_ELLIPSIS] = "...",
        [PYOP_ARROW] = "->", [PYOP_PLUS] = "+", [PYOP_MINUS] = "-", [PYOP_STAR] = "*",
        [PYOP_SLASH] = "/", [PYOP_VBAR] = "|", [PYOP_AMPER] = "&", [PYOP_LESS] = "<",
        [PYOP_GREATER] = ">", [PYOP_EQUAL] = "=", [PYOP_PERCENT] = "%", [PYOP_EQEQUAL] = "==",
        [PYOP_NOTEQUAL] = "!=", [PYOP_LESSEQUAL] = "<=", [PYOP_GREATEREQUAL] = ">=",
        [PYOP_TILDE] = "~", [PYOP_CIRCUMFLEX] = "^", [PYOP_LEFTSHIFT] = "<<",
        [PYOP_RIGHTSHIFT] = ">>", [PYOP_DOUBLESTAR] = "**", [PYOP_PLUSEQUAL] = "+=",
        [PYOP_MINEQUAL] = "-=", [PYOP_STAREQUAL] = "*=", [PYOP_SLASHEQUAL] = "/=",
        [PYOP_PERCENTEQUAL] = "%=", [PYOP_AMPEREQUAL] = "&=", [PYOP_VBAREQUAL] = "|=",
        [PYOP_CIRCUMFLEXEQUAL] = "^=", [PYOP_LEFTSHIFTEQUAL] = "<<=",
        [PYOP_RIGHTSHIFTEQUAL] = ">>=", [PYOP_DOUBLESTAREQUAL] = "**=",
        [PYOP_DOUBLESLASH] = "//", [PYOP_DOUBLESLASHEQUAL] = "//=", [PYOP_AT] = "@",
        [PYOP_ATEQUAL] = "@=", [PYOP_COLONEQUAL] = ":=", [PYOP_EXCLAMATION] = "!",
    };
    if ((unsigned)op >= PYOP_COUNT)
        return "?";
    return texts[op];
}
