/* Python tokenizer, numbers (see pytok.c): CPython's number grammar with PEP
 * 515 underscores, 0x / 0o / 0b prefixes, floats, exponents and the j suffix,
 * and its checks of what may follow a number. */
#include "pytok_int.h"

static inline bool is_xdigit(int c)
{
    return pytok_is_digit(c) || ((unsigned)(c | 0x20) - 'a') < 6;
}

/* A number token ending at p, checked like CPython's verify_end_of_number: a
 * letter right after a number is an error, except the start of the keywords
 * that may follow one in valid code (`1if x else y`, `0x1for`). */
static PyTokCore number_end(PyTok *t, uint32_t start, uint32_t p, const char *kind)
{
    int c = pytok_peek_at(t, p), c2 = pytok_peek_at(t, p + 1), c3 = pytok_peek_at(t, p + 2);
    bool kw = (c == 'a' && c2 == 'n' && c3 == 'd') ||
              (c == 'e' && c2 == 'l' && c3 == 's' && pytok_peek_at(t, p + 3) == 'e') ||
              (c == 'f' && c2 == 'o' && c3 == 'r') ||
              (c == 'i' && (c2 == 'f' || c2 == 'n' || c2 == 's')) ||
              (c == 'o' && c2 == 'r') || (c == 'n' && c2 == 'o' && c3 == 't');
    t->pos = p;
    if (!kw && c >= 0 && c < 128 && pytok_is_id_char((uint8_t)c)) {
        while (t->pos < t->len && (uint8_t)t->src[t->pos] < 128 &&
               pytok_is_id_char((uint8_t)t->src[t->pos]))
            t->pos++;
        pytok_report(t, start, t->line, t->line_start, "invalid %s literal", kind);
        return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, t->pos);
    }
    return pytok_line_tok(t, PYTOK_NUMBER, start, p);
}

/* A malformed number: the error token runs over the rest of the word. */
static PyTokCore number_error(PyTok *t, uint32_t start, uint32_t p, const char *msg, int digit)
{
    while (p < t->len && ((uint8_t)t->src[p] < 128 && pytok_is_id_char((uint8_t)t->src[p])))
        p++;
    t->pos = p;
    if (digit)
        pytok_report(t, start, t->line, t->line_start, msg, digit);
    else
        pytok_report(t, start, t->line, t->line_start, "%s", msg);
    return pytok_line_tok(t, PYTOK_ERRORTOKEN, start, p);
}

/* Digits in [lo, hi] separated by single underscores, starting at *p (after a
 * prefix); CPython's loop for 0x / 0o / 0b. Returns false if a group is empty. */
static bool radix_digits(const PyTok *t, uint32_t *p, int radix)
{
    for (;;) {
        int c = pytok_peek_at(t, *p);
        if (c == '_')
            c = pytok_peek_at(t, ++*p);
        bool ok = radix == 16 ? is_xdigit(c) : (c >= '0' && c < '0' + radix);
        if (!ok)
            return false;
        do
            c = pytok_peek_at(t, ++*p);
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
        while (pytok_is_digit(pytok_peek_at(t, *p)))
            ++*p;
        if (pytok_peek_at(t, *p) != '_')
            return true;
        if (!pytok_is_digit(pytok_peek_at(t, *p + 1))) {
            ++*p;
            return false;
        }
        ++*p;
    }
}

/* 0x, 0o and 0b literals; p is at the radix letter. */
static PyTokCore lex_radix(PyTok *t, uint32_t start, uint32_t p)
{
    int r = pytok_peek_at(t, p) | 0x20;
    int radix = r == 'x' ? 16 : r == 'o' ? 8 : 2;
    const char *kind = r == 'x' ? "hexadecimal" : r == 'o' ? "octal" : "binary";
    p++;
    if (!radix_digits(t, &p, radix)) {
        int c = pytok_peek_at(t, p);
        if (radix != 16 && pytok_is_digit(c))
            return number_error(t, start, p,
                                radix == 8 ? "invalid digit '%c' in octal literal"
                                           : "invalid digit '%c' in binary literal", c);
        return number_error(t, start, p,
                            radix == 16 ? "invalid hexadecimal literal"
                            : radix == 8 ? "invalid octal literal" : "invalid binary literal", 0);
    }
    int c = pytok_peek_at(t, p);
    if (radix != 16 && pytok_is_digit(c))
        return number_error(t, start, p,
                            radix == 8 ? "invalid digit '%c' in octal literal"
                                       : "invalid digit '%c' in binary literal", c);
    return number_end(t, start, p, kind);
}

/* Fraction, exponent and imaginary suffix after the integer part (p is just
 * past it, or past the '.' that started the number). */
PyTokCore pytok_lex_float_tail(PyTok *t, uint32_t start, uint32_t p, bool frac)
{
    if (!frac && pytok_peek_at(t, p) == '.') {
        p++;
        frac = true;
    }
    if (frac && pytok_is_digit(pytok_peek_at(t, p)) && !decimal_tail(t, &p))
        return number_error(t, start, p, "invalid decimal literal", 0);
    int c = pytok_peek_at(t, p);
    if (c == 'e' || c == 'E') {
        uint32_t e = p++;
        c = pytok_peek_at(t, p);
        if (c == '+' || c == '-') {
            if (!pytok_is_digit(pytok_peek_at(t, ++p)))
                return number_error(t, start, p, "invalid decimal literal", 0);
        } else if (!pytok_is_digit(c))
            return number_end(t, start, e, "decimal");
        if (!decimal_tail(t, &p))
            return number_error(t, start, p, "invalid decimal literal", 0);
        c = pytok_peek_at(t, p);
    }
    if (c == 'j' || c == 'J')
        return number_end(t, start, p + 1, "imaginary");
    return number_end(t, start, p, "decimal");
}

/* A NUMBER starting with a digit at start. */
PYTOK_NOINLINE PyTokCore pytok_lex_number(PyTok *t, uint32_t start)
{
    uint32_t p = start;
    if (t->src[start] == '0') {
        int c = pytok_peek_at(t, start + 1) | 0x20;
        if (c == 'x' || c == 'o' || c == 'b')
            return lex_radix(t, start, start + 1);
        /* zeros (with underscores), then maybe a float: "0_0", "00.5", "0e1" */
        p++;
        for (;;) {
            int d = pytok_peek_at(t, p);
            if (d == '0')
                p++;
            else if (d == '_' && pytok_is_digit(pytok_peek_at(t, p + 1)))
                p++;
            else if (d == '_')
                return number_error(t, start, p + 1, "invalid decimal literal", 0);
            else
                break;
        }
        bool nonzero = pytok_is_digit(pytok_peek_at(t, p));
        if (nonzero && !decimal_tail(t, &p))
            return number_error(t, start, p, "invalid decimal literal", 0);
        int d = pytok_peek_at(t, p);
        if (d == '.' || d == 'e' || d == 'E' || d == 'j' || d == 'J')
            return pytok_lex_float_tail(t, start, p, false);
        if (nonzero)
            return number_error(t, start, p,
                                "leading zeros in decimal integer literals are not permitted; "
                                "use an 0o prefix for octal integers", 0);
        return number_end(t, start, p, "decimal");
    }
    if (!decimal_tail(t, &p))
        return number_error(t, start, p, "invalid decimal literal", 0);
    return pytok_lex_float_tail(t, start, p, false);
}
