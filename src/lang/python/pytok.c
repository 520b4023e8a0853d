/* Python tokenizer (see pytok.h): the first stage of the Python frontend. One
 * pass over the bytes, pulled a token at a time by the parser, no allocation.
 * The rules follow CPython 3.12's Parser/tokenizer.c (indent stack, f-string
 * mode stack, number grammar) as seen through its tokenize module: positions
 * and token boundaries are those `tokenize.generate_tokens` reports, with
 * universal newlines (\n, \r\n, lone \r). Where CPython stops at the first
 * error, we emit an ERRORTOKEN plus one diagnostic and carry on. */
#include "pytok.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Token helpers stay out of line: pytok_next then needs no stack frame and
 * reaches them by tail calls. */
#define NOINLINE __attribute__((noinline))

/* ---- character classes ----------------------------------------------------- */

enum {
    CC_BAD,     /* NUL, control characters, '$', '?', '`', DEL */
    CC_SPACE,   /* ' ', '\t', '\f' */
    CC_NEWLINE, /* '\n', '\r' */
    CC_HASH,
    CC_NAME,    /* identifier start: letters that are no string prefix, '_' */
    CC_PREFIX,  /* b r u f in either case: a name or a string prefix */
    CC_HIGH,    /* bytes >= 0x80: non-ASCII identifiers (UTF-8) */
    CC_DIGIT,
    CC_QUOTE,
    CC_DOT,
    CC_OP,      /* other operators, '{' and '}' (lex_op) */
    CC_BSLASH,
    CC_OPEN,    /* '(' '[' (straight to the bracket stack) */
    CC_CLOSE,   /* ')' ']' */
    CC_SINGLE,  /* ',' ';' '~': never part of a longer operator */
};

#define X CC_BAD
#define S CC_SPACE
#define N CC_NEWLINE
#define H CC_HASH
#define A CC_NAME
#define P CC_PREFIX
#define U CC_HIGH
#define D CC_DIGIT
#define Q CC_QUOTE
#define T CC_DOT
#define O CC_OP
#define B CC_BSLASH
#define L CC_OPEN
#define R CC_CLOSE
#define C CC_SINGLE
static const uint8_t cclass[256] = {
    X, X, X, X, X, X, X, X, X, S, N, X, S, N, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    S, O, Q, H, X, O, O, Q, L, R, O, O, C, O, T, O,
    D, D, D, D, D, D, D, D, D, D, O, C, O, O, O, X,
    O, A, P, A, A, A, P, A, A, A, A, A, A, A, A, A,
    A, A, P, A, A, P, A, A, A, A, A, L, B, R, O, A,
    X, A, P, A, A, A, P, A, A, A, A, A, A, A, A, A,
    A, A, P, A, A, P, A, A, A, A, A, O, O, O, C, X,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};
#undef X
#undef S
#undef N
#undef H
#undef A
#undef P
#undef U
#undef D
#undef Q
#undef T
#undef O
#undef B
#undef L
#undef R
#undef C

/* Identifier characters: CC_NAME, CC_PREFIX, CC_HIGH and CC_DIGIT are adjacent. */
static inline bool is_id_char(uint8_t c)
{
    return (uint8_t)(cclass[c] - CC_NAME) <= CC_DIGIT - CC_NAME;
}

static inline bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_xdigit(int c)
{
    return is_digit(c) || ((unsigned)(c | 0x20) - 'a') < 6;
}

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


/* Byte at p, or -1 past the end (the source need not be NUL-terminated). */
static inline int peek_at(const PyTok *t, uint32_t p)
{
    return p < t->len ? (uint8_t)t->src[p] : -1;
}

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

/* Offset of the first quote q, backslash or line break at or after p, or len:
 * the bytes a string body stops at. */
static uint32_t find_string_stop(const uint8_t *s, uint32_t p, uint32_t len, uint8_t q)
{
#ifdef __SSE2__
    const __m128i vq = _mm_set1_epi8((char)q), bs = _mm_set1_epi8('\\');
    const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (p + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
        __m128i a = _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, bs));
        __m128i b = _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(a, b));
        if (m)
            return p + (uint32_t)__builtin_ctz(m);
        p += 16;
    }
#endif
    while (p < len && s[p] != q && s[p] != '\\' && s[p] != '\n' && s[p] != '\r')
        p++;
    return p;
}

/* Consumes the line break at t->pos (\n, \r\n or \r) and starts the next line. */
static inline void eat_line_break(PyTok *t)
{
    const char *s = t->src;
    if (s[t->pos] == '\r' && t->pos + 1 < t->len && s[t->pos + 1] == '\n')
        t->pos += 2;
    else
        t->pos++;
    t->line++;
    t->line_start = t->pos;
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

/* Byte offset where the line holding `off` starts (scans back for a break). */
static uint32_t line_start_of(const PyTok *t, uint32_t off)
{
    while (off > 0 && t->src[off - 1] != '\n' && t->src[off - 1] != '\r')
        off--;
    return off;
}

/* ---- tokens and errors ----------------------------------------------------- */

static inline PyToken make_tok(PyTokKind kind, uint32_t start, uint32_t end, uint32_t line,
                               uint32_t col, uint32_t end_line, uint32_t end_col)
{
    return (PyToken){kind, PYOP_NONE, PYKW_NONE, start, end, line, col, end_line, end_col};
}

/* A token [start, end) on the current line, with its operator or keyword id. */
static inline PyToken line_tok_id(const PyTok *t, PyTokKind kind, uint32_t start, uint32_t end,
                                  uint8_t op, uint8_t kw)
{
    uint32_t ls = t->line_start;
    return (PyToken){kind, op, kw, start, end, t->line, start - ls, t->line, end - ls};
}

/* A token [start, end) on the current line. */
static inline PyToken line_tok(const PyTok *t, PyTokKind kind, uint32_t start, uint32_t end)
{
    return line_tok_id(t, kind, start, end, PYOP_NONE, PYKW_NONE);
}

/* A token from (line, ls) at start to the current position t->pos. */
static inline PyToken span_tok(const PyTok *t, PyTokKind kind, uint32_t start, uint32_t line,
                               uint32_t ls)
{
    return make_tok(kind, start, t->pos, line, start - ls, t->line, t->pos - t->line_start);
}

/* Reports one error at byte offset `at` on line `line` (which starts at `ls`). */
static void report(PyTok *t, uint32_t at, uint32_t line, uint32_t ls, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report(PyTok *t, uint32_t at, uint32_t line, uint32_t ls, const char *fmt, ...)
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

/* Moves nul_at past `end`. Returns true if a NUL lies in [start, end): the
 * token holding it becomes an error (reported once, here). */
static bool nul_in(PyTok *t, uint32_t start, uint32_t end, uint32_t line, uint32_t ls)
{
    if (t->nul_at >= end)
        return false;
    bool hit = false;
    while (t->nul_at < end) {
        uint32_t at = t->nul_at;
        if (at >= start && !hit) {
            /* The NUL may sit on a later line of a multi-line token; find it
             * only while errors are still reported (the scans cost a line). */
            uint32_t nls = ls, nline = line;
            if (t->errors <= PYTOK_MAX_ERRORS) {
                nls = line_start_of(t, at);
                for (uint32_t i = ls; i < nls; i++)
                    nline += t->src[i] == '\n' || (t->src[i] == '\r' && t->src[i + 1] != '\n');
            }
            report(t, at, nline, nls, "source code cannot contain NUL bytes");
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

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static uint32_t utf8_seq(const uint8_t *s, uint32_t n)
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
static NOINLINE PyToken lex_name_utf8(PyTok *t, uint32_t start)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = start;
    while (p < t->len && is_id_char(s[p]))
        p++;
    t->pos = p;
    for (uint32_t i = start; i < p;) {
        uint32_t n = utf8_seq(s + i, p - i);
        if (n == 0) {
            report(t, i, t->line, t->line_start, "invalid UTF-8 byte 0x%02X in identifier", s[i]);
            return line_tok(t, PYTOK_ERRORTOKEN, start, p);
        }
        i += n;
    }
    return line_tok(t, PYTOK_NAME, start, p);
}

/* A NAME from start: ASCII identifier bytes 8 at a time; a byte >= 0x80
 * hands over to lex_name_utf8. */
static NOINLINE PyToken lex_name(PyTok *t, uint32_t start)
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
    while (p < len && cclass[s[p]] != CC_HIGH && is_id_char(s[p]))
        p++;
#ifdef PYTOK_SWAR
scanned:
#endif
    if (p < len && s[p] >= 0x80)
        return lex_name_utf8(t, start);
    t->pos = p;
    return line_tok_id(t, PYTOK_NAME, start, p, PYOP_NONE,
                       classify_keyword(s + start, p - start, len - start));
}

/* ---- strings --------------------------------------------------------------- */

typedef enum { BODY_OK, BODY_EOL, BODY_EOF } BodyEnd;

/* Scans a string body from t->pos to past its closing quote(s), tracking lines.
 * A backslash escapes the next byte (a line break too), even in raw strings.
 * On BODY_EOL (single-quoted string cut by a line break) t->pos stays at the
 * break; on BODY_EOF it is len. */
static BodyEnd scan_string_body(PyTok *t, uint8_t q, uint32_t quote_size)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t len = t->len, p = t->pos;
    for (;;) {
        p = find_string_stop(s, p, len, q);
        if (p >= len) {
            t->pos = len;
            return BODY_EOF;
        }
        uint8_t c = s[p];
        if (c == q) {
            if (quote_size == 1 || (p + 2 < len && s[p + 1] == q && s[p + 2] == q)) {
                t->pos = p + quote_size;
                return BODY_OK;
            }
            p++;
        } else if (c == '\\') {
            p++;
            if (p >= len)
                continue;
            if (s[p] == '\n' || s[p] == '\r') {
                t->pos = p;
                eat_line_break(t);
                p = t->pos;
            } else
                p++;
        } else {
            if (quote_size == 1) {
                t->pos = p;
                return BODY_EOL;
            }
            t->pos = p;
            eat_line_break(t);
            p = t->pos;
        }
    }
}

/* Drops the innermost f-string after an error that ends it, closing the
 * brackets of its fields. */
static void fstring_abandon(PyTok *t)
{
    PyTokFString *fs = &t->fstrings[--t->fstring_depth];
    t->slow = true;
    if (t->paren_depth > fs->paren_base)
        t->paren_depth = fs->paren_base;
    t->paren_overflow = 0;
}

/* A string literal whose prefix starts at `start` and whose opening quote is at
 * qpos. An unterminated single-quoted string ends at the end of its line. */
static NOINLINE PyToken lex_string(PyTok *t, uint32_t start, uint32_t qpos)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t line = t->line, ls = t->line_start;
    uint8_t q = s[qpos];
    uint32_t size = 1;
    t->pos = qpos + 1;
    if (peek_at(t, t->pos) == q) {
        if (peek_at(t, t->pos + 1) != q) {
            t->pos++;  /* empty string */
            return line_tok(t, PYTOK_STRING, start, t->pos);
        }
        size = 3;
        t->pos += 2;
    }
    BodyEnd r = scan_string_body(t, q, size);
    if (r == BODY_OK) {
        if (nul_in(t, start, t->pos, line, ls))
            return span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
        return span_tok(t, PYTOK_STRING, start, line, ls);
    }
    PyTokFString *fs = t->fstring_depth ? &t->fstrings[t->fstring_depth - 1] : NULL;
    if (fs && fs->quote == q && fs->quote_size == size) {
        /* CPython: the quote closes the f-string, whose field lacks its '}'. */
        t->line = line;
        t->line_start = ls;
        t->pos = qpos + size;
        report(t, qpos, line, ls, "f-string: expecting '}'");
        fstring_abandon(t);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    nul_in(t, start, t->pos, line, ls);
    report(t, start, line, ls, "unterminated %sstring literal (detected at line %u)",
           size == 3 ? "triple-quoted " : "", t->line);
    return span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
}

/* FSTRING_START: pushes a mode for the f-string whose prefix starts at `start`
 * and whose opening quote is at qpos (PEP 701). */
static PyToken lex_fstring_start(PyTok *t, uint32_t start, uint32_t qpos, bool raw)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint8_t q = s[qpos];
    uint32_t size = 1;
    if (peek_at(t, qpos + 1) == q && peek_at(t, qpos + 2) == q)
        size = 3;
    if (t->fstring_depth + 1 >= PYTOK_MAX_FSTRING_DEPTH) {
        /* No room for a mode: take the literal as one opaque error token. */
        uint32_t line = t->line, ls = t->line_start;
        t->pos = qpos + size;
        scan_string_body(t, q, size);
        nul_in(t, start, t->pos, line, ls);
        report(t, start, line, ls, "too many nested f-strings (limit %d)",
               PYTOK_MAX_FSTRING_DEPTH - 1);
        return span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
    }
    PyTokFString *fs = &t->fstrings[t->fstring_depth++];
    fs->quote = q;
    fs->quote_size = (uint8_t)size;
    fs->raw = raw;
    fs->in_expr = 0;
    fs->spec_armed = 0;
    fs->bracket_depth = 0;
    fs->field_depth = -1;
    fs->paren_base = t->paren_depth;
    fs->start = start;
    fs->line = t->line;
    t->slow = true;
    t->pos = qpos + size;
    return line_tok(t, PYTOK_FSTRING_START, start, t->pos);
}

/* A name that may be a string prefix (b r u f, CPython's combinations, any
 * case): a string or f-string if a quote follows the prefix, else a NAME. */
static NOINLINE PyToken lex_prefixed(PyTok *t, uint32_t start)
{
    const uint8_t *s = (const uint8_t *)t->src;
    bool b = false, r = false, u = false, f = false;
    for (uint32_t p = start; p < t->len;) {
        int c = s[p] | 0x20;
        if (!(b || u || f) && c == 'b')
            b = true;
        else if (!(b || u || r || f) && c == 'u')
            u = true;
        else if (!(r || u) && c == 'r')
            r = true;
        else if (!(f || b || u) && c == 'f')
            f = true;
        else
            break;
        p++;
        int q = peek_at(t, p);
        if (q == '"' || q == '\'')
            return f ? lex_fstring_start(t, start, p, r) : lex_string(t, start, p);
    }
    return lex_name(t, start);
}

/* ---- f-string literal text (CPython's tok_get_fstring_mode) ----------------- *
 * An open f-string is a mode on the stack. In its literal part we return
 * FSTRING_MIDDLE runs and FSTRING_END; a '{' that opens a replacement field
 * switches the mode to "in_expr", where the ordinary tokenizer runs and the
 * bracket counters below decide when the field (or its format spec, after a
 * top-level ':') ends. field_depth counts fields nested in format specs;
 * spec_armed mirrors CPython's last_expr_end: inside a format spec '{{' and
 * '}}' are not escapes, and a line break ends a single-quoted spec. */

#define FSTRING_MAX_FIELD_NESTING 3 /* CPython's MAX_EXPR_NESTING */

/* Enters the replacement field whose '{' is at the current position (the
 * ordinary tokenizer takes it from here). Returns false if fields now nest too
 * deeply; the field is entered anyway so that tokenizing goes on. */
static bool fstring_open_field(PyTokFString *fs)
{
    fs->field_depth++;
    fs->in_expr = 1;
    return fs->field_depth < FSTRING_MAX_FIELD_NESTING;
}

/* The literal part ended by a line break (single quotes) or by the end of the
 * source: an error token for the text, and the f-string is dropped. */
static PyToken fstring_unterminated(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t line,
                                    uint32_t ls)
{
    nul_in(t, start, t->pos, line, ls);
    uint32_t fls = line_start_of(t, fs->start);
    report(t, fs->start, fs->line, fls, "unterminated %sf-string literal (detected at line %u)",
           fs->quote_size == 3 ? "triple-quoted " : "", t->line);
    bool at_eof = t->pos >= t->len;
    fstring_abandon(t);
    while (at_eof && t->fstring_depth)
        fstring_abandon(t);
    return span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
}

/* FSTRING_MIDDLE text [start, end) with t->pos at the next byte to read. */
static PyToken fstring_middle(PyTok *t, uint32_t start, uint32_t end, uint32_t line,
                              uint32_t ls)
{
    PyTokKind kind = nul_in(t, start, end, line, ls) ? PYTOK_ERRORTOKEN : PYTOK_FSTRING_MIDDLE;
    return make_tok(kind, start, end, line, start - ls, t->line, end - t->line_start);
}

/* Byte classes the literal loop stops at: quotes, braces, backslash, breaks. */
static const uint8_t fstring_stop[256] = {
    ['"'] = 1, ['\''] = 1, ['{'] = 1, ['}'] = 1, ['\\'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* After a backslash at p-1 inside f-string text: skips the escaped byte (a
 * line break too) unless it is a brace; `\N{` starts a named escape whose '}'
 * is literal text. Returns the new position. */
static uint32_t fstring_escape(PyTok *t, const PyTokFString *fs, uint32_t p, bool *named)
{
    int c = peek_at(t, p);
    if (c < 0 || c == '{' || c == '}')
        return p;
    if (c == '\n' || c == '\r') {
        t->pos = p;
        eat_line_break(t);
        return t->pos;
    }
    if (c == 'N' && !fs->raw && peek_at(t, p + 1) == '{') {
        *named = true;
        return p + 2;
    }
    return p + 1;
}

/* Text that ends where a replacement field opens (its '{' at t->pos == end):
 * FSTRING_MIDDLE, or an error token if the field nests too deeply. */
static PyToken fstring_text_then_field(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t line,
                                       uint32_t ls)
{
    uint32_t end = t->pos;
    if (fstring_open_field(fs))
        return fstring_middle(t, start, end, line, ls);
    report(t, end, t->line, t->line_start, "f-string: expressions nested too deeply");
    nul_in(t, start, end, line, ls);
    return make_tok(PYTOK_ERRORTOKEN, start, end, line, start - ls, t->line, end - t->line_start);
}

/* The f-string's closing quote(s) at t->pos: FSTRING_END, and its mode is popped. */
static bool fstring_at_end(PyTok *t, const PyTokFString *fs)
{
    const char *s = t->src + t->pos;
    if (t->pos + fs->quote_size > t->len || s[0] != fs->quote)
        return false;
    return fs->quote_size == 1 || (s[1] == fs->quote && s[2] == fs->quote);
}

/* A brace in f-string text [start, p-1] (p is just past it): `{{` and `}}`
 * end the text after their first brace (outside format specs, where they
 * are escapes); any other '{' opens a field, a '}' ends the field or spec it
 * belongs to, and after `\N{` it is text. */
static PyToken fstring_brace(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t p, bool in_spec,
                             bool named, uint32_t line, uint32_t ls)
{
    const char *s = t->src;
    char c = s[p - 1];
    if (c == '}' && named) {
        t->pos = p;
        return fstring_middle(t, start, p, line, ls);
    }
    if (!in_spec && p < t->len && s[p] == c) {
        t->pos = p + 1;
        return fstring_middle(t, start, p, line, ls);
    }
    t->pos = p - 1;
    if (c == '{')
        return fstring_text_then_field(t, fs, start, line, ls);
    fs->in_expr = 1;
    return fstring_middle(t, start, p - 1, line, ls);
}

/* The next token while the innermost f-string is in its literal part. */
static PyToken lex_fstring_text(PyTok *t, PyTokFString *fs)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t start = t->pos, line = t->line, ls = t->line_start, len = t->len;
    bool in_spec = fs->spec_armed && fs->field_depth >= 0, named = false;
    if (peek_at(t, start) == '{' && peek_at(t, start + 1) != '{') {
        if (fstring_open_field(fs))
            return pytok_next(t);
        report(t, start, line, ls, "f-string: expressions nested too deeply");
        return line_tok(t, PYTOK_ERRORTOKEN, start, start);
    }
    if (fstring_at_end(t, fs)) {
        t->pos = start + fs->quote_size;
        t->fstring_depth--;
        return line_tok(t, PYTOK_FSTRING_END, start, t->pos);
    }
    for (uint32_t p = start;;) {
        while (p < len && !fstring_stop[s[p]])
            p++;
        if (p >= len) {
            t->pos = len;
            return fstring_unterminated(t, fs, start, line, ls);
        }
        uint8_t c = s[p++];
        if (c == '\\') {
            p = fstring_escape(t, fs, p, &named);
        } else if (c == '\n' || c == '\r') {
            t->pos = p - 1;
            if (fs->quote_size == 1 && !in_spec)
                return fstring_unterminated(t, fs, start, line, ls);
            if (fs->quote_size == 1) { /* a line break ends a single-quoted spec */
                fs->in_expr = 1;
                return fstring_middle(t, start, p - 1, line, ls);
            }
            eat_line_break(t);
            p = t->pos;
        } else if (c == fs->quote) {
            if (fs->quote_size == 1 || (p + 1 < len && s[p] == c && s[p + 1] == c)) {
                t->pos = p - 1;
                return fstring_middle(t, start, p - 1, line, ls);
            }
        } else if (c == '{' || c == '}') {
            return fstring_brace(t, fs, start, p, in_spec, named, line, ls);
        }
    }
}

/* ---- numbers (CPython's grammar: PEP 515 underscores, 0x/0o/0b, j) -------- */

/* A number token ending at p, checked like CPython's verify_end_of_number: a
 * letter right after a number is an error, except the start of the keywords
 * that may follow one in valid code (`1if x else y`, `0x1for`). */
static PyToken number_end(PyTok *t, uint32_t start, uint32_t p, const char *kind)
{
    int c = peek_at(t, p), c2 = peek_at(t, p + 1), c3 = peek_at(t, p + 2);
    bool kw = (c == 'a' && c2 == 'n' && c3 == 'd') ||
              (c == 'e' && c2 == 'l' && c3 == 's' && peek_at(t, p + 3) == 'e') ||
              (c == 'f' && c2 == 'o' && c3 == 'r') ||
              (c == 'i' && (c2 == 'f' || c2 == 'n' || c2 == 's')) ||
              (c == 'o' && c2 == 'r') || (c == 'n' && c2 == 'o' && c3 == 't');
    t->pos = p;
    if (!kw && c >= 0 && c < 128 && is_id_char((uint8_t)c)) {
        while (t->pos < t->len && (uint8_t)t->src[t->pos] < 128 && is_id_char((uint8_t)t->src[t->pos]))
            t->pos++;
        report(t, start, t->line, t->line_start, "invalid %s literal", kind);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    return line_tok(t, PYTOK_NUMBER, start, p);
}

/* A malformed number: the error token runs over the rest of the word. */
static PyToken number_error(PyTok *t, uint32_t start, uint32_t p, const char *msg, int digit)
{
    while (p < t->len && ((uint8_t)t->src[p] < 128 && is_id_char((uint8_t)t->src[p])))
        p++;
    t->pos = p;
    if (digit)
        report(t, start, t->line, t->line_start, msg, digit);
    else
        report(t, start, t->line, t->line_start, "%s", msg);
    return line_tok(t, PYTOK_ERRORTOKEN, start, p);
}

/* Digits in [lo, hi] separated by single underscores, starting at *p (after a
 * prefix); CPython's loop for 0x / 0o / 0b. Returns false if a group is empty. */
static bool radix_digits(const PyTok *t, uint32_t *p, int radix)
{
    for (;;) {
        int c = peek_at(t, *p);
        if (c == '_')
            c = peek_at(t, ++*p);
        bool ok = radix == 16 ? is_xdigit(c) : (c >= '0' && c < '0' + radix);
        if (!ok)
            return false;
        do
            c = peek_at(t, ++*p);
        while (radix == 16 ? is_xdigit(c) : (c >= '0' && c < '0' + radix));
        if (c != '_')
            return true;
    }
}

/* Decimal digits with single underscores from *p (which is at a digit).
 * Returns false on an underscore not followed by a digit. */
static bool decimal_tail(const PyTok *t, uint32_t *p)
{
    for (;;) {
        while (is_digit(peek_at(t, *p)))
            ++*p;
        if (peek_at(t, *p) != '_')
            return true;
        if (!is_digit(peek_at(t, *p + 1))) {
            ++*p;
            return false;
        }
        ++*p;
    }
}

/* 0x, 0o and 0b literals; p is at the radix letter. */
static PyToken lex_radix(PyTok *t, uint32_t start, uint32_t p)
{
    int r = peek_at(t, p) | 0x20;
    int radix = r == 'x' ? 16 : r == 'o' ? 8 : 2;
    const char *kind = r == 'x' ? "hexadecimal" : r == 'o' ? "octal" : "binary";
    p++;
    if (!radix_digits(t, &p, radix)) {
        int c = peek_at(t, p);
        if (radix != 16 && is_digit(c))
            return number_error(t, start, p,
                                radix == 8 ? "invalid digit '%c' in octal literal"
                                           : "invalid digit '%c' in binary literal", c);
        return number_error(t, start, p,
                            radix == 16 ? "invalid hexadecimal literal"
                            : radix == 8 ? "invalid octal literal" : "invalid binary literal", 0);
    }
    int c = peek_at(t, p);
    if (radix != 16 && is_digit(c))
        return number_error(t, start, p,
                            radix == 8 ? "invalid digit '%c' in octal literal"
                                       : "invalid digit '%c' in binary literal", c);
    return number_end(t, start, p, kind);
}

/* Fraction, exponent and imaginary suffix after the integer part (p is just
 * past it, or past the '.' that started the number). */
static PyToken lex_float_tail(PyTok *t, uint32_t start, uint32_t p, bool frac)
{
    if (!frac && peek_at(t, p) == '.') {
        p++;
        frac = true;
    }
    if (frac && is_digit(peek_at(t, p)) && !decimal_tail(t, &p))
        return number_error(t, start, p, "invalid decimal literal", 0);
    int c = peek_at(t, p);
    if (c == 'e' || c == 'E') {
        uint32_t e = p++;
        c = peek_at(t, p);
        if (c == '+' || c == '-') {
            if (!is_digit(peek_at(t, ++p)))
                return number_error(t, start, p, "invalid decimal literal", 0);
        } else if (!is_digit(c))
            return number_end(t, start, e, "decimal");
        if (!decimal_tail(t, &p))
            return number_error(t, start, p, "invalid decimal literal", 0);
        c = peek_at(t, p);
    }
    if (c == 'j' || c == 'J')
        return number_end(t, start, p + 1, "imaginary");
    return number_end(t, start, p, "decimal");
}

/* A NUMBER starting with a digit at start. */
static NOINLINE PyToken lex_number(PyTok *t, uint32_t start)
{
    uint32_t p = start;
    if (t->src[start] == '0') {
        int c = peek_at(t, start + 1) | 0x20;
        if (c == 'x' || c == 'o' || c == 'b')
            return lex_radix(t, start, start + 1);
        /* zeros (with underscores), then maybe a float: "0_0", "00.5", "0e1" */
        p++;
        for (;;) {
            int d = peek_at(t, p);
            if (d == '0')
                p++;
            else if (d == '_' && is_digit(peek_at(t, p + 1)))
                p++;
            else if (d == '_')
                return number_error(t, start, p + 1, "invalid decimal literal", 0);
            else
                break;
        }
        bool nonzero = is_digit(peek_at(t, p));
        if (nonzero && !decimal_tail(t, &p))
            return number_error(t, start, p, "invalid decimal literal", 0);
        int d = peek_at(t, p);
        if (d == '.' || d == 'e' || d == 'E' || d == 'j' || d == 'J')
            return lex_float_tail(t, start, p, false);
        if (nonzero)
            return number_error(t, start, p,
                                "leading zeros in decimal integer literals are not permitted; "
                                "use an 0o prefix for octal integers", 0);
        return number_end(t, start, p, "decimal");
    }
    if (!decimal_tail(t, &p))
        return number_error(t, start, p, "invalid decimal literal", 0);
    return lex_float_tail(t, start, p, false);
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

static inline PyToken op_tok(const PyTok *t, PyOp op, uint32_t start)
{
    return line_tok_id(t, PYTOK_OP, start, t->pos, (uint8_t)op, PYKW_NONE);
}

/* An opening bracket at start (t->pos is past it). */
static PyToken open_bracket(PyTok *t, PyOp op, uint32_t start)
{
    if (t->paren_overflow || t->paren_depth >= PYTOK_MAX_PAREN) {
        /* Past the cap: the bracket and its partner become silent error
         * tokens; only the first one of such a run is reported. */
        if (t->paren_overflow++ == 0)
            report(t, start, t->line, t->line_start,
                   "too many nested parentheses (limit %d)", PYTOK_MAX_PAREN);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
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
static PyToken close_bracket(PyTok *t, PyOp op, uint32_t start)
{
    char c = t->src[start];
    PyTokFString *fs = t->fstring_depth ? &t->fstrings[t->fstring_depth - 1] : NULL;
    if (t->paren_overflow) {
        t->paren_overflow--;
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    if (fs && fs->bracket_depth == 0) {
        if (c == '}') {
            fs->in_expr = 0; /* back to the literal text */
            t->slow = true;
            report(t, start, t->line, t->line_start, "f-string: single '}' is not allowed");
        } else
            report(t, start, t->line, t->line_start, "f-string: unmatched '%c'", c);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    if (t->paren_depth == 0) {
        report(t, start, t->line, t->line_start, "unmatched '%c'", c);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
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
        report(t, start, t->line, t->line_start,
               "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open);
        return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    return op_tok(t, op, start);
}

/* An operator or bracket at start. Inside an f-string field, a top-level ':'
 * starts the format spec, and '!' is the conversion marker (PEP 701). */
static NOINLINE PyToken lex_op(PyTok *t, uint32_t start)
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
    PyOp op = match_op(c, peek_at(t, start + 1), peek_at(t, start + 2), &n);
    t->pos = start + n;
    if (op > PYOP_RBRACE)
        return op_tok(t, op, start);
    if (op == PYOP_LPAR || op == PYOP_LSQB || op == PYOP_LBRACE)
        return open_bracket(t, op, start);
    if (op != PYOP_NONE)
        return close_bracket(t, op, start);
    if (fs)
        return op_tok(t, PYOP_EXCLAMATION, start);
    report(t, start, t->line, t->line_start, "'!' is only allowed in f-string replacement fields");
    return line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
}

/* '(' or '[' at start: no longer operator begins with them. */
static NOINLINE PyToken lex_open(PyTok *t, uint32_t start)
{
    t->pos = start + 1;
    return open_bracket(t, t->src[start] == '(' ? PYOP_LPAR : PYOP_LSQB, start);
}

/* ')' or ']' at start. */
static NOINLINE PyToken lex_close(PyTok *t, uint32_t start)
{
    t->pos = start + 1;
    return close_bracket(t, t->src[start] == ')' ? PYOP_RPAR : PYOP_RSQB, start);
}

/* ',' ';' or '~' at start. */
static NOINLINE PyToken lex_single(PyTok *t, uint32_t start)
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
static bool continuation(PyTok *t, PyToken *out)
{
    uint32_t bs = t->pos, line = t->line, ls = t->line_start;
    int c = peek_at(t, bs + 1);
    if (c == '\n' || c == '\r') {
        t->pos = bs + 1;
        eat_line_break(t);
    } else if (c < 0 && t->eof_newline) {
        t->pos = bs + 1;
        t->eof_newline = false;
    } else {
        t->pos = bs + 1;
        report(t, bs, line, ls, "unexpected character after line continuation character");
        *out = line_tok(t, PYTOK_ERRORTOKEN, bs, t->pos);
        return false;
    }
    if (t->pos >= t->len && !t->eof_newline) {
        report(t, bs, line, ls, "unexpected end of file after line continuation character");
        *out = span_tok(t, PYTOK_ERRORTOKEN, bs, line, ls);
        return false;
    }
    return true;
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
static bool line_begin(PyTok *t, PyToken *out)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = t->pos, len = t->len, col, alt, cont_col = 0;
    t->at_bol = false;
#ifdef PYTOK_SWAR
    for (; p + 8 <= len; p += 8) {
        uint64_t w;
        memcpy(&w, s + p, 8);
        w ^= ONES * ' ';
        if (w) {
            p += (uint32_t)__builtin_ctzll(w) / 8;
            goto counted;
        }
    }
#endif
    while (p < len && s[p] == ' ')
        p++;
#ifdef PYTOK_SWAR
counted:
#endif
    /* the common case, spaces only, is counted above; the loop takes the rest */
    col = alt = p - t->pos;
    t->pos = p;
    for (;;) {
        int c = peek_at(t, t->pos);
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
static PyToken indent_error(PyTok *t)
{
    static const char *const msgs[] = {
        [INDERR_TABS] = "inconsistent use of tabs and spaces in indentation",
        [INDERR_DEDENT] = "unindent does not match any outer indentation level",
        [INDERR_DEEP] = "too many levels of indentation (limit %d)",
    };
    uint8_t e = t->pending_error;
    t->pending_error = INDERR_NONE;
    report(t, t->pos, t->line, t->line_start, msgs[e], PYTOK_MAX_INDENT - 1);
    return line_tok(t, PYTOK_ERRORTOKEN, t->line_start, t->line_start);
}

/* Queued indentation tokens: the error first, then INDENT (over the
 * indentation) or DEDENTs (empty, where the line's first token starts). */
static PyToken emit_pending(PyTok *t)
{
    if (t->pending_error)
        return indent_error(t);
    if (t->pending > 0) {
        t->pending--;
        return line_tok(t, PYTOK_INDENT, t->line_start, t->pos);
    }
    t->pending++;
    return line_tok(t, PYTOK_DEDENT, t->pos, t->pos);
}

/* A line break at start (or the implied one at the end of the source):
 * NEWLINE after a logical line, NL inside brackets and after blank or
 * comment-only lines. The token covers the break (\n, \r\n or \r; empty when
 * implied). */
static NOINLINE PyToken lex_newline(PyTok *t, uint32_t start)
{
    PyTokKind kind = t->blank_line || t->paren_depth ? PYTOK_NL : PYTOK_NEWLINE;
    PyToken k;
    if (start >= t->len) {
        t->eof_newline = false;
        k = line_tok(t, kind, start, start);
        t->line++;
        t->line_start = start;
    } else {
        uint32_t end = start + 1;
        if (t->src[start] == '\r' && peek_at(t, end) == '\n')
            end++;
        k = line_tok(t, kind, start, end);
        t->pos = end;
        t->line++;
        t->line_start = end;
    }
    t->at_bol = true;
    t->slow = true;
    t->blank_line = false;
    return k;
}

/* The end of the source: an error for brackets left open (reported at the
 * innermost one), then the DEDENTs still due, then ENDMARKER. Returns false
 * when only state changed (the caller loops). */
static bool lex_eof(PyTok *t, PyToken *out)
{
    if (t->paren_depth || t->paren_overflow || t->fstring_depth) {
        if (t->paren_depth) {
            uint32_t at = t->paren_at[t->paren_depth - 1];
            report(t, at, t->paren_line[t->paren_depth - 1], line_start_of(t, at),
                   "'%c' was never closed", t->parens[t->paren_depth - 1]);
        } else
            report(t, t->pos, t->line, t->line_start, "unexpected end of file in brackets");
        t->paren_depth = t->paren_overflow = t->fstring_depth = 0;
        *out = line_tok(t, PYTOK_ERRORTOKEN, t->pos, t->pos);
        return true;
    }
    t->slow = true;
    if (t->indent_depth) {
        t->pending = -(int32_t)t->indent_depth;
        t->indent_depth = 0;
        return false;
    }
    t->done = true;
    *out = line_tok(t, PYTOK_ENDMARKER, t->pos, t->pos);
    return true;
}

/* A comment from '#' to the end of the line (the break is not part of it). */
static NOINLINE PyToken lex_comment(PyTok *t, uint32_t start)
{
    uint32_t end = find_eol((const uint8_t *)t->src, start + 1, t->len);
    t->pos = end;
    bool nul = nul_in(t, start, end, t->line, t->line_start);
    return line_tok(t, nul ? PYTOK_ERRORTOKEN : PYTOK_COMMENT, start, end);
}

/* '.', '...' or a number such as '.5'. */
static NOINLINE PyToken lex_dot(PyTok *t, uint32_t start)
{
    int c2 = peek_at(t, start + 1);
    if (is_digit(c2))
        return lex_float_tail(t, start, start + 1, true);
    if (c2 == '.' && peek_at(t, start + 2) == '.') {
        t->pos = start + 3;
        return op_tok(t, PYOP_ELLIPSIS, start);
    }
    t->pos = start + 1;
    return op_tok(t, PYOP_DOT, start);
}

/* A byte that starts no token: NUL, a control character, '$', '?', '`'. */
static PyToken lex_bad(PyTok *t, uint32_t start)
{
    uint8_t c = (uint8_t)t->src[start];
    t->pos = start + 1;
    if (c == 0)
        nul_in(t, start, start + 1, t->line, t->line_start);
    else if (c > 0x20 && c < 0x7F)
        report(t, start, t->line, t->line_start, "invalid character '%c' (U+%04X)", c, c);
    else
        report(t, start, t->line, t->line_start, "invalid non-printable character U+%04X", c);
    return line_tok(t, PYTOK_ERRORTOKEN, start, start + 1);
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
static bool slow_path(PyTok *t, PyToken *out)
{
    for (;;) {
        if (t->done) {
            *out = line_tok(t, PYTOK_ENDMARKER, t->pos, t->pos);
            return true;
        }
        if (t->pending || t->pending_error) {
            *out = emit_pending(t);
            return true;
        }
        if (t->fstring_depth && !t->fstrings[t->fstring_depth - 1].in_expr) {
            *out = lex_fstring_text(t, &t->fstrings[t->fstring_depth - 1]);
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

static PyToken next_general(PyTok *t);

/* The central dispatch, for the common token: at most one blank, then a byte
 * that starts an ordinary token, handed to one helper per token class. The
 * rest (flags, more blanks, a continuation, the end, a bad byte) goes to
 * next_general. Helpers are called, not inlined, so that this path needs no
 * stack frame. */
static inline __attribute__((always_inline)) PyToken next_common(PyTok *t)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t p = t->pos, len = t->len;
    if (__builtin_expect(t->slow || p >= len, 0))
        return next_general(t);
    p += s[p] == ' '; /* branch-free: one blank is the common case */
    if (__builtin_expect(p >= len, 0))
        return next_general(t);
    switch (cclass[s[p]]) {
    case CC_NAME: return lex_name(t, p);
    case CC_HIGH: return lex_name_utf8(t, p);
    case CC_OP: return lex_op(t, p);
    case CC_OPEN: return lex_open(t, p);
    case CC_CLOSE: return lex_close(t, p);
    case CC_SINGLE: return lex_single(t, p);
    case CC_NEWLINE: return lex_newline(t, p);
    case CC_PREFIX: return lex_prefixed(t, p);
    case CC_DIGIT: return lex_number(t, p);
    case CC_QUOTE: return lex_string(t, p, p);
    case CC_HASH: return lex_comment(t, p);
    case CC_DOT: return lex_dot(t, p);
    default: return next_general(t);
    }
}

/* Everything next_common leaves: the slow path, runs of blanks, line
 * continuations, the end of the source and bytes that start no token. It
 * hands back to next_common at an ordinary token (no flag set, no blank in
 * front, not at the end: next_common dispatches without coming back). */
static NOINLINE PyToken next_general(PyTok *t)
{
    PyToken k;
    const uint8_t *s = (const uint8_t *)t->src;
    for (;;) {
        if (t->slow && slow_path(t, &k))
            return k;
        uint32_t p = t->pos, len = t->len;
        while (p < len && cclass[s[p]] == CC_SPACE)
            p++;
        t->pos = p;
        if (p >= len) {
            if (t->eof_newline)
                return lex_newline(t, p);
            if (lex_eof(t, &k))
                return k;
            continue;
        }
        if (cclass[s[p]] == CC_BSLASH) {
            if (!continuation(t, &k))
                return k;
            continue;
        }
        if (cclass[s[p]] == CC_BAD)
            return lex_bad(t, p);
        return next_common(t);
    }
}

PyToken pytok_next(PyTok *t)
{
    return next_common(t);
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
