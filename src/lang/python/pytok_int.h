/* Internal interface of the Python tokenizer: what its files share. pytok.c
 * holds the dispatch, lines, indentation, operators and names, pytok_str.c the
 * strings and PEP 701 f-string modes, pytok_num.c the numbers. Not for use
 * outside the tokenizer; the public API is pytok.h. */
#ifndef LINT_LANG_PYTHON_PYTOK_INT_H
#define LINT_LANG_PYTHON_PYTOK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "pytok.h"

/* Token helpers stay out of line: pytok_next then needs no stack frame and
 * reaches them by tail calls. */
#define PYTOK_NOINLINE __attribute__((noinline))

/* ---- character classes ----------------------------------------------------- */

enum {
    CC_BAD,     /* NUL, control characters, '$', '?', '`', DEL */
    CC_SPACE,   /* ' ', '\t', '\f' */
    CC_NEWLINE, /* '\n', '\r' */
    CC_HASH,
    CC_NAME,    /* identifier start: letters that are no string prefix, '_' */
    CC_PREFIX,  /* b r u f t in either case: a name or a string prefix */
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

/* The class of each byte. A static table: each file that uses it has its own
 * copy, so the dispatch reads it exactly as when the tokenizer was one file. */
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
static const uint8_t pytok_cclass[256] = {
    X, X, X, X, X, X, X, X, X, S, N, X, S, N, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    S, O, Q, H, X, O, O, Q, L, R, O, O, C, O, T, O,
    D, D, D, D, D, D, D, D, D, D, O, C, O, O, O, X,
    O, A, P, A, A, A, P, A, A, A, A, A, A, A, A, A,
    A, A, P, A, P, P, A, A, A, A, A, L, B, R, O, A,
    X, A, P, A, A, A, P, A, A, A, A, A, A, A, A, A,
    A, A, P, A, P, P, A, A, A, A, A, O, O, O, C, X,
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
static inline bool pytok_is_id_char(uint8_t c)
{
    return (uint8_t)(pytok_cclass[c] - CC_NAME) <= CC_DIGIT - CC_NAME;
}

static inline bool pytok_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* ---- positions and tokens -------------------------------------------------- */

/* Byte at p, or -1 past the end (the source need not be NUL-terminated). */
static inline int pytok_peek_at(const PyTok *t, uint32_t p)
{
    return p < t->len ? (uint8_t)t->src[p] : -1;
}

/* Consumes the line break at t->pos (\n, \r\n or \r) and starts the next line. */
static inline void pytok_eat_line_break(PyTok *t)
{
    const char *s = t->src;
    if (s[t->pos] == '\r' && t->pos + 1 < t->len && s[t->pos + 1] == '\n')
        t->pos += 2;
    else
        t->pos++;
    t->line++;
    t->line_start = t->pos;
}

/* Byte offset where the line holding `off` starts (scans back for a break). */
static inline uint32_t pytok_line_start_of(const PyTok *t, uint32_t off)
{
    while (off > 0 && t->src[off - 1] != '\n' && t->src[off - 1] != '\r')
        off--;
    return off;
}

/* Where pytok_next finds a token's lines (PyTokCore.where). */
enum {
    PYTOK_ON_LINE,  /* start and end on the current line (t->line, t->line_start) */
    PYTOK_ON_SAVED, /* start and end on the saved line (t->tok_line, t->tok_ls) */
    PYTOK_SPAN,     /* start on the saved line, end on the current one */
};

static inline PyTokCore pytok_core(PyTokKind kind, uint32_t start, uint32_t end, uint8_t op,
                                   uint8_t kw, uint8_t where)
{
    return (PyTokCore){(uint64_t)start | (uint64_t)end << 32,
                       (uint32_t)kind | (uint32_t)op << 8 | (uint32_t)kw << 16 |
                           (uint32_t)where << 24};
}

/* A token [start, end) on the current line, with its operator or keyword id. */
static inline PyTokCore pytok_line_tok_id(const PyTok *t, PyTokKind kind, uint32_t start,
                                          uint32_t end, uint8_t op, uint8_t kw)
{
    (void)t;
    return pytok_core(kind, start, end, op, kw, PYTOK_ON_LINE);
}

/* A token [start, end) on the current line. */
static inline PyTokCore pytok_line_tok(const PyTok *t, PyTokKind kind, uint32_t start,
                                       uint32_t end)
{
    return pytok_line_tok_id(t, kind, start, end, PYOP_NONE, PYKW_NONE);
}

/* A token [start, end) from line `line` (which starts at ls) to the current line. */
static inline PyTokCore pytok_make_tok(PyTok *t, PyTokKind kind, uint32_t start, uint32_t end,
                                       uint32_t line, uint32_t ls)
{
    t->tok_line = line;
    t->tok_ls = ls;
    return pytok_core(kind, start, end, PYOP_NONE, PYKW_NONE, PYTOK_SPAN);
}

/* A token from (line, ls) at start to the current position t->pos. */
static inline PyTokCore pytok_span_tok(PyTok *t, PyTokKind kind, uint32_t start, uint32_t line,
                                       uint32_t ls)
{
    return pytok_make_tok(t, kind, start, t->pos, line, ls);
}

/* ---- errors (pytok.c) ------------------------------------------------------ */

/* Reports one error at byte offset `at` on line `line` (which starts at `ls`);
 * past PYTOK_MAX_ERRORS only one note, then nothing. */
void pytok_report(PyTok *t, uint32_t at, uint32_t line, uint32_t ls, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* pytok_nul_in past its quick test (a NUL is known to lie before `end`). */
bool pytok_nul_scan(PyTok *t, uint32_t start, uint32_t end, uint32_t line, uint32_t ls);
/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
uint32_t pytok_utf8_seq(const uint8_t *s, uint32_t n);

/* Moves nul_at past `end`. Returns true if a NUL lies in [start, end): the
 * token holding it becomes an error (reported once). */
static inline bool pytok_nul_in(PyTok *t, uint32_t start, uint32_t end, uint32_t line, uint32_t ls)
{
    if (t->nul_at >= end)
        return false;
    return pytok_nul_scan(t, start, end, line, ls);
}

/* ---- token helpers, one per token class (each sets t->pos past its token) --- */

/* pytok.c: a NAME from start (a keyword id in PyTokCore.kw). */
PyTokCore pytok_lex_name(PyTok *t, uint32_t start);
/* pytok_str.c: a name that may be a string prefix (b r u f): a string, an
 * FSTRING_START or a NAME. */
PyTokCore pytok_lex_prefixed(PyTok *t, uint32_t start);
/* pytok_str.c: a string literal, prefix at start, opening quote at qpos. */
PyTokCore pytok_lex_string(PyTok *t, uint32_t start, uint32_t qpos);
/* pytok_str.c: the next token while the innermost f-string (fs) is in its
 * literal part. */
PyTokCore pytok_lex_fstring_text(PyTok *t, PyTokFString *fs);
/* pytok_num.c: a NUMBER starting with a digit at start. */
PyTokCore pytok_lex_number(PyTok *t, uint32_t start);
/* pytok_num.c: fraction, exponent and imaginary suffix of a number from start,
 * p just past its integer part (or past its leading '.', frac set). */
PyTokCore pytok_lex_float_tail(PyTok *t, uint32_t start, uint32_t p, bool frac);

#endif
