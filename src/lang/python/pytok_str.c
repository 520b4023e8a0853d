/* Python tokenizer, strings (see pytok.c): string literals and their
 * prefixes, and the PEP 701 f-string mode stack (FSTRING_START, the literal
 * text as FSTRING_MIDDLE runs, FSTRING_END; the replacement fields in between
 * are tokenized by pytok.c, whose brackets and ':' '!' drive the modes). */
#include "pytok_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
                pytok_eat_line_break(t);
                p = t->pos;
            } else
                p++;
        } else {
            if (quote_size == 1) {
                t->pos = p;
                return BODY_EOL;
            }
            t->pos = p;
            pytok_eat_line_break(t);
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
PYTOK_NOINLINE PyTokCore pytok_lex_string(PyTok *t, uint32_t start, uint32_t qpos)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t line = t->line, ls = t->line_start;
    uint8_t q = s[qpos];
    uint32_t size = 1;
    t->pos = qpos + 1;
    if (pytok_peek_at(t, t->pos) == q) {
        if (pytok_peek_at(t, t->pos + 1) != q) {
            t->pos++;  /* empty string */
            return pytok_line_tok(t, PYTOK_STRING, start, t->pos);
        }
        size = 3;
        t->pos += 2;
    }
    BodyEnd r = scan_string_body(t, q, size);
    if (r == BODY_OK) {
        if (pytok_nul_in(t, start, t->pos, line, ls))
            return pytok_span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
        return pytok_span_tok(t, PYTOK_STRING, start, line, ls);
    }
    PyTokFString *fs = t->fstring_depth ? &t->fstrings[t->fstring_depth - 1] : NULL;
    if (fs && fs->quote == q && fs->quote_size == size) {
        /* CPython: the quote closes the f-string, whose field lacks its '}'. */
        t->line = line;
        t->line_start = ls;
        t->pos = qpos + size;
        pytok_report(t, qpos, line, ls, "%c-string: expecting '}'", fs->kind);
        fstring_abandon(t);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    pytok_nul_in(t, start, t->pos, line, ls);
    pytok_report(t, start, line, ls, "unterminated %sstring literal (detected at line %u)",
                 size == 3 ? "triple-quoted " : "", t->line);
    return pytok_span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
}

/* FSTRING_START: pushes a mode for the f-string whose prefix starts at `start`
 * and whose opening quote is at qpos (PEP 701). */
static PyTokCore lex_fstring_start(PyTok *t, uint32_t start, uint32_t qpos, bool raw, char kind)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint8_t q = s[qpos];
    uint32_t size = 1;
    if (pytok_peek_at(t, qpos + 1) == q && pytok_peek_at(t, qpos + 2) == q)
        size = 3;
    if (t->fstring_depth + 1 >= PYTOK_MAX_FSTRING_DEPTH) {
        /* No room for a mode: take the literal as one opaque error token. */
        uint32_t line = t->line, ls = t->line_start;
        t->pos = qpos + size;
        scan_string_body(t, q, size);
        pytok_nul_in(t, start, t->pos, line, ls);
        pytok_report(t, start, line, ls, "too many nested %c-strings (limit %d)", kind,
                     PYTOK_MAX_FSTRING_DEPTH - 1);
        return pytok_span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
    }
    PyTokFString *fs = &t->fstrings[t->fstring_depth++];
    fs->quote = q;
    fs->quote_size = (uint8_t)size;
    fs->raw = raw;
    fs->kind = kind;
    fs->in_expr = 0;
    fs->spec_armed = 0;
    fs->bracket_depth = 0;
    fs->field_depth = -1;
    fs->paren_base = t->paren_depth;
    fs->start = start;
    fs->line = t->line;
    t->slow = true;
    t->pos = qpos + size;
    return pytok_line_tok(t, PYTOK_FSTRING_START, start, t->pos);
}

/* A name that may be a string prefix (b r u f, CPython's combinations, any
 * case): a string or f-string if a quote follows the prefix, else a NAME. */
PYTOK_NOINLINE PyTokCore pytok_lex_prefixed(PyTok *t, uint32_t start)
{
    const uint8_t *s = (const uint8_t *)t->src;
    /* f (PEP 701) and t (PEP 750 template strings, 3.14): the same rules */
    bool b = false, r = false, u = false;
    char f = 0;
    for (uint32_t p = start; p < t->len;) {
        int c = s[p] | 0x20;
        if (!(b || u || f) && c == 'b')
            b = true;
        else if (!(b || u || r || f) && c == 'u')
            u = true;
        else if (!(r || u) && c == 'r')
            r = true;
        else if (!(f || b || u) && (c == 'f' || c == 't'))
            f = (char)c;
        else
            break;
        p++;
        int q = pytok_peek_at(t, p);
        if (q == '"' || q == '\'')
            return f ? lex_fstring_start(t, start, p, r, f) : pytok_lex_string(t, start, p);
    }
    return pytok_lex_name(t, start);
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
static PyTokCore fstring_unterminated(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t line,
                                    uint32_t ls)
{
    pytok_nul_in(t, start, t->pos, line, ls);
    uint32_t fls = pytok_line_start_of(t, fs->start);
    pytok_report(t, fs->start, fs->line, fls,
                 "unterminated %s%c-string literal (detected at line %u)",
                 fs->quote_size == 3 ? "triple-quoted " : "", fs->kind, t->line);
    bool at_eof = t->pos >= t->len;
    fstring_abandon(t);
    while (at_eof && t->fstring_depth)
        fstring_abandon(t);
    return pytok_span_tok(t, PYTOK_ERRORTOKEN, start, line, ls);
}

/* FSTRING_MIDDLE text [start, end) with t->pos at the next byte to read. */
static PyTokCore fstring_middle(PyTok *t, uint32_t start, uint32_t end, uint32_t line,
                              uint32_t ls)
{
    PyTokKind kind =
        pytok_nul_in(t, start, end, line, ls) ? PYTOK_ERRORTOKEN : PYTOK_FSTRING_MIDDLE;
    return pytok_make_tok(t, kind, start, end, line, ls);
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
    int c = pytok_peek_at(t, p);
    if (c < 0 || c == '{' || c == '}')
        return p;
    if (c == '\n' || c == '\r') {
        t->pos = p;
        pytok_eat_line_break(t);
        return t->pos;
    }
    if (c == 'N' && !fs->raw && pytok_peek_at(t, p + 1) == '{') {
        *named = true;
        return p + 2;
    }
    return p + 1;
}

/* Text that ends where a replacement field opens (its '{' at t->pos == end):
 * FSTRING_MIDDLE, or an error token if the field nests too deeply. */
static PyTokCore fstring_text_then_field(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t line,
                                       uint32_t ls)
{
    uint32_t end = t->pos;
    if (fstring_open_field(fs))
        return fstring_middle(t, start, end, line, ls);
    pytok_report(t, end, t->line, t->line_start, "%c-string: expressions nested too deeply",
                 fs->kind);
    pytok_nul_in(t, start, end, line, ls);
    return pytok_make_tok(t, PYTOK_ERRORTOKEN, start, end, line, ls);
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
static PyTokCore fstring_brace(PyTok *t, PyTokFString *fs, uint32_t start, uint32_t p, bool in_spec,
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
PyTokCore pytok_lex_fstring_text(PyTok *t, PyTokFString *fs)
{
    const uint8_t *s = (const uint8_t *)t->src;
    uint32_t start = t->pos, line = t->line, ls = t->line_start, len = t->len;
    bool in_spec = fs->spec_armed && fs->field_depth >= 0, named = false;
    if (pytok_peek_at(t, start) == '{' && pytok_peek_at(t, start + 1) != '{') {
        if (fstring_open_field(fs))
            return pytok_next_core(t);
        pytok_report(t, start, line, ls, "%c-string: expressions nested too deeply", fs->kind);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, start);
    }
    if (fstring_at_end(t, fs)) {
        t->pos = start + fs->quote_size;
        t->fstring_depth--;
        return pytok_line_tok(t, PYTOK_FSTRING_END, start, t->pos);
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
            pytok_eat_line_break(t);
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
