/* Python tokenizer: one pass over the bytes of a file, pulled one token at a
 * time by the parser. Follows the Python 3.12 lexical rules (PEP 701 f-strings
 * are split into FSTRING_START / MIDDLE / END with the replacement-field tokens
 * in between, as CPython 3.12's tokenize does; 3.14's template strings, PEP 750,
 * follow the same rules and give the same tokens). No allocation per token: tokens
 * are spans of the source. Errors become PYTOK_ERRORTOKEN plus a diagnostic, and
 * the tokenizer carries on. */
#ifndef LINT_LANG_PYTHON_PYTOK_H
#define LINT_LANG_PYTHON_PYTOK_H

#include <stdbool.h>
#include <stdint.h>

#include "../../base/diag.h"

typedef enum {
    PYTOK_ENDMARKER,
    PYTOK_NAME,
    PYTOK_NUMBER,
    PYTOK_STRING,         /* a complete non-f string literal, prefix and quotes included */
    PYTOK_OP,             /* see PyOp */
    PYTOK_NEWLINE,        /* logical line end */
    PYTOK_NL,             /* non-logical line end (blank line, inside brackets, after comment-only line) */
    PYTOK_INDENT,
    PYTOK_DEDENT,
    PYTOK_COMMENT,
    PYTOK_FSTRING_START,  /* `f"` / `rf'''` ... */
    PYTOK_FSTRING_MIDDLE, /* literal text of an f-string, split as CPython 3.12 does: a `{{` or
                           * `}}` ends the token after its first brace and the second
                           * belongs to no token; may be empty in a format spec */
    PYTOK_FSTRING_END,    /* the closing quote(s) */
    PYTOK_ERRORTOKEN,     /* bad input; a diagnostic has been reported */
} PyTokKind;

/* Operators and delimiters (PyTok.op for PYTOK_OP). */
typedef enum {
    PYOP_NONE,
    PYOP_LPAR, PYOP_RPAR, PYOP_LSQB, PYOP_RSQB, PYOP_LBRACE, PYOP_RBRACE,
    PYOP_COLON, PYOP_COMMA, PYOP_SEMI, PYOP_DOT, PYOP_ELLIPSIS, PYOP_ARROW,
    PYOP_PLUS, PYOP_MINUS, PYOP_STAR, PYOP_SLASH, PYOP_VBAR, PYOP_AMPER, PYOP_LESS,
    PYOP_GREATER, PYOP_EQUAL, PYOP_PERCENT, PYOP_EQEQUAL, PYOP_NOTEQUAL, PYOP_LESSEQUAL,
    PYOP_GREATEREQUAL, PYOP_TILDE, PYOP_CIRCUMFLEX, PYOP_LEFTSHIFT, PYOP_RIGHTSHIFT,
    PYOP_DOUBLESTAR, PYOP_PLUSEQUAL, PYOP_MINEQUAL, PYOP_STAREQUAL, PYOP_SLASHEQUAL,
    PYOP_PERCENTEQUAL, PYOP_AMPEREQUAL, PYOP_VBAREQUAL, PYOP_CIRCUMFLEXEQUAL,
    PYOP_LEFTSHIFTEQUAL, PYOP_RIGHTSHIFTEQUAL, PYOP_DOUBLESTAREQUAL, PYOP_DOUBLESLASH,
    PYOP_DOUBLESLASHEQUAL, PYOP_AT, PYOP_ATEQUAL, PYOP_COLONEQUAL, PYOP_EXCLAMATION,
    PYOP_COUNT
} PyOp;

/* Keywords and soft keywords recognised on NAME tokens (PyTok.kw), so the parser
 * never compares strings on the hot path. */
typedef enum {
    PYKW_NONE,
    PYKW_FALSE, PYKW_NONE_, PYKW_TRUE, PYKW_AND, PYKW_AS, PYKW_ASSERT, PYKW_ASYNC, PYKW_AWAIT,
    PYKW_BREAK, PYKW_CLASS, PYKW_CONTINUE, PYKW_DEF, PYKW_DEL, PYKW_ELIF, PYKW_ELSE,
    PYKW_EXCEPT, PYKW_FINALLY, PYKW_FOR, PYKW_FROM, PYKW_GLOBAL, PYKW_IF, PYKW_IMPORT,
    PYKW_IN, PYKW_IS, PYKW_LAMBDA, PYKW_NONLOCAL, PYKW_NOT, PYKW_OR, PYKW_PASS, PYKW_RAISE,
    PYKW_RETURN, PYKW_TRY, PYKW_WHILE, PYKW_WITH, PYKW_YIELD,
    /* soft keywords: only keywords in context; the parser decides */
    PYKW_MATCH, PYKW_CASE, PYKW_TYPE, PYKW_UNDERSCORE,
    PYKW_COUNT
} PyKw;

typedef struct PyToken {
    PyTokKind kind;
    uint8_t op;         /* PyOp for PYTOK_OP */
    uint8_t kw;         /* PyKw for PYTOK_NAME, PYKW_NONE for plain names */
    uint32_t start;     /* byte offset of the first byte */
    uint32_t end;       /* byte offset one past the last byte */
    uint32_t line;      /* 1-based line of `start` */
    uint32_t col;       /* 0-based byte column of `start` within its line */
    uint32_t end_line;  /* 1-based line of `end` */
    uint32_t end_col;   /* 0-based byte column of `end` within its line */
} PyToken;

/* A token without its line and column: what the parser reads (kind and byte
 * range), returned in two registers, so the tokenizer's dispatch hands over
 * to its helpers by a jump and nothing is built in memory (a PyToken's four
 * position fields were 2.7% of a run's instructions). Two whole integers, not
 * byte fields: GCC assembles a struct of bytes on the stack and reloads it
 * wider than it stored it, a store-forwarding stall per token. pytok_next
 * adds the positions. Read it with the accessors below. */
typedef struct PyTokCore {
    uint64_t span;      /* start | end << 32 (byte offsets; end one past the last byte) */
    uint32_t info;      /* kind | op << 8 | kw << 16 | where << 24 */
} PyTokCore;

static inline uint32_t pytok_core_start(PyTokCore k) { return (uint32_t)k.span; }
static inline uint32_t pytok_core_end(PyTokCore k) { return (uint32_t)(k.span >> 32); }
static inline PyTokKind pytok_core_kind(PyTokCore k) { return (PyTokKind)(k.info & 0xFF); }
static inline uint8_t pytok_core_op(PyTokCore k) { return (uint8_t)(k.info >> 8); }
static inline uint8_t pytok_core_kw(PyTokCore k) { return (uint8_t)(k.info >> 16); }
/* private to the tokenizer: where pytok_next finds the token's lines */
static inline uint8_t pytok_core_where(PyTokCore k) { return (uint8_t)(k.info >> 24); }

/* Limits that turn pathological input into a diagnostic instead of unbounded
 * memory or recursion (CPython has the same two caps). */
#define PYTOK_MAX_INDENT 100
#define PYTOK_MAX_PAREN 200
#define PYTOK_MAX_FSTRING_DEPTH 150
/* Diagnostics reported per file; past it one note says the rest are not (a
 * file of garbage must not become millions of messages). */
#define PYTOK_MAX_ERRORS 100

/* One open f-string (PEP 701 mode stack; mirrors CPython 3.12's tokenizer_mode).
 * Private to pytok.c. */
typedef struct PyTokFString {
    uint8_t quote;          /* '\'' or '"' */
    uint8_t quote_size;     /* 1 or 3 */
    uint8_t raw;            /* r prefix: a backslash does not start \N{...} */
    char kind;              /* 'f', or 't' for a template string (PEP 750, 3.14): the
                               same lexical rules and tokens, its own messages */
    uint8_t in_expr;        /* 1 inside a replacement field (CPython's regular mode) */
    uint8_t spec_armed;     /* the top-level field has seen ':', '!' or '}' */
    int32_t bracket_depth;  /* brackets open inside this f-string's fields */
    int32_t field_depth;    /* nesting of replacement fields, -1 in the top literal */
    uint32_t paren_base;    /* paren_depth at FSTRING_START (restored on errors) */
    uint32_t start;         /* byte offset of the prefix, for diagnostics */
    uint32_t line;          /* line of `start` */
} PyTokFString;

/* Tokenizer state; lives on the caller's stack, no heap allocation. All fields
 * are private to the tokenizer (pytok*.c). */
typedef struct PyTok {
    const char *src;
    uint32_t len;
    uint32_t pos;           /* next byte to read */
    uint32_t line;          /* 1-based current line */
    uint32_t line_start;    /* byte offset of the current line's first byte */
    const char *path;       /* for diagnostics */
    Diag *diag;             /* may be NULL: errors are then only ERRORTOKENs */
    uint32_t nul_at;        /* offset of the next NUL byte not yet reported, or len */
    /* indentation (see pytok.c: the indent stack algorithm of CPython's tokenizer) */
    uint32_t indents[PYTOK_MAX_INDENT + 1];     /* columns with tabs to multiples of 8 */
    uint32_t alt_indents[PYTOK_MAX_INDENT + 1]; /* columns with tabs of width 1 */
    uint32_t indent_depth;
    int32_t pending;        /* > 0: INDENTs to emit, < 0: DEDENTs to emit */
    uint8_t pending_error;  /* an indentation error to emit before them (pytok.c) */
    bool at_bol;            /* at the beginning of a physical line: measure indentation */
    bool blank_line;        /* this line is blank or comment-only: its end is NL */
    bool eof_newline;       /* source lacks a final line break: one is implied at EOF */
    bool done;              /* ENDMARKER emitted */
    bool slow;              /* one of the flags above, pending or f-string text: take the slow path */
    /* bracket stack: '(' '[' '{', including the braces of f-string fields */
    char parens[PYTOK_MAX_PAREN + 1];
    uint32_t paren_at[PYTOK_MAX_PAREN + 1];   /* byte offset of each open bracket */
    uint32_t paren_line[PYTOK_MAX_PAREN + 1]; /* and its line */
    uint32_t paren_depth;
    uint32_t paren_overflow; /* brackets opened past PYTOK_MAX_PAREN, not on the stack */
    /* f-string mode stack (PEP 701) */
    PyTokFString fstrings[PYTOK_MAX_FSTRING_DEPTH];
    uint32_t fstring_depth;
    uint32_t errors;        /* errors found (all counted, PYTOK_MAX_ERRORS reported) */
    uint32_t cp_ls, cp_off, cp_col; /* last code-point column computed (errors on one long line) */
    uint32_t tok_line, tok_ls; /* the line (and its start) where the last token began, when
                                  it is not the current line (PyTokCore.where) */
} PyTok;

/* Starts tokenizing src[0..len) (need not be NUL-terminated). A UTF-8 BOM is
 * skipped: positions on line 1 are counted after it. `src`, `path` and `diag`
 * are borrowed for the tokenizer's lifetime (diag may be NULL). Allocates
 * nothing; the PyTok (about 7 KB) is the whole state. */
void pytok_init(PyTok *t, const char *src, uint32_t len, const char *path, Diag *diag);
/* The next token: a span of src, positions as in PyToken (CPython 3.12's
 * tokenize boundaries; lines end at \n, \r\n or a lone \r). A source without
 * a final line break gets an implied one: NEWLINE (or NL after a comment-only
 * line) with an empty span at the end, then DEDENTs and ENDMARKER on the next
 * line, column 0. After ENDMARKER every call returns ENDMARKER again. Never
 * fails and always makes progress: bad input yields PYTOK_ERRORTOKEN with one
 * DIAG_ERROR at path:line:col (1-based, code points), and tokenizing resumes
 * after it. */
PyToken pytok_next(PyTok *t);
/* The same token without positions (the line of a COMMENT is t->line once it
 * is returned). */
PyTokCore pytok_next_core(PyTok *t);
/* Names for the token tables of tests and the `tokens` debug dump. */
const char *pytok_kind_name(PyTokKind k);
const char *pytok_op_text(PyOp op);

#endif
