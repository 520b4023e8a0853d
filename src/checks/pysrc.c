/* Python block structure from the source lines (see pysrc.h). */
#include "pysrc.h"

#include <string.h>

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

bool chk_pysrc_name_char(char c)
{
    return ident_char(c) || c == '.';
}

uint32_t chk_pysrc_column(const Unit *u, uint32_t off)
{
    uint32_t b = off;
    while (b > 0 && u->src[b - 1] != '\n')
        b--;
    return off - b;
}

/* The quote char if src[p..to) starts a triple quote, else 0. */
static char triple_quote(const Unit *u, uint32_t p, uint32_t to)
{
    char c = u->src[p];
    if ((c == '"' || c == '\'') && p + 2 < to && u->src[p + 1] == c && u->src[p + 2] == c)
        return c;
    return 0;
}

uint32_t chk_pysrc_string_end(const Unit *u, uint32_t at, uint32_t end)
{
    char c = u->src[at];
    bool triple = triple_quote(u, at, end) != 0;
    uint32_t i = at + (triple ? 3 : 1);
    while (i < end) {
        if (u->src[i] == '\\') {
            i += 2;
        } else if (u->src[i] == c && (!triple || triple_quote(u, i, end))) {
            return triple ? i + 2 : i;
        } else if (!triple && u->src[i] == '\n') {
            return i; /* unterminated: stop at the line end */
        } else {
            i++;
        }
    }
    return end;
}

/* Skips a comment or string starting at src[*p]; true if it did. */
static bool skip_noise(const Unit *u, uint32_t *p, uint32_t to)
{
    char c = u->src[*p];
    if (c == '#') {
        while (*p + 1 < to && u->src[*p + 1] != '\n')
            (*p)++;
        return true;
    }
    if (c == '"' || c == '\'') {
        *p = chk_pysrc_string_end(u, *p, to);
        return true;
    }
    return false;
}

/* Indentation of the line starting at ls and where its code starts; false for
 * blank and comment-only lines. */
static bool code_line(const Unit *u, uint32_t ls, uint32_t to, uint32_t *ind, uint32_t *code)
{
    uint32_t q = ls, n = 0;
    while (q < to && (u->src[q] == ' ' || u->src[q] == '\t'))
        q++, n++;
    if (q >= to || u->src[q] == '\n' || u->src[q] == '\r' || u->src[q] == '#')
        return false;
    *ind = n;
    *code = q;
    return true;
}

uint32_t chk_pysrc_block_end(const Unit *u, uint32_t from, uint32_t to, uint32_t col)
{
    if (to > u->len)
        to = u->len;
    for (uint32_t p = from; p < to; p++) {
        if (u->src[p] != '\n') {
            skip_noise(u, &p, to);
            continue;
        }
        uint32_t ind, code;
        if (code_line(u, p + 1, to, &ind, &code) && ind <= col)
            return p + 1;
    }
    return to;
}

/* The last `try` line at column col in [scan_from, end), read forward with
 * strings skipped: the code offset of its keyword, or UINT32_MAX when a line
 * at col or shallower that is not a `try` comes after it. */
static uint32_t last_try(const Unit *u, uint32_t scan_from, uint32_t end, uint32_t col)
{
    uint32_t cand = UINT32_MAX;
    bool line_start = true;
    for (uint32_t p = scan_from; p < end; p++) {
        if (line_start) {
            line_start = false;
            uint32_t ind, code;
            if (code_line(u, p, end, &ind, &code) && ind <= col) {
                bool is_try = ind == col && code + 3 <= end &&
                              memcmp(u->src + code, "try", 3) == 0 && !ident_char(u->src[code + 3]);
                cand = is_try ? code : UINT32_MAX;
            }
        }
        if (u->src[p] == '\n')
            line_start = true;
        else
            skip_noise(u, &p, end);
    }
    return cand;
}

/* Start of the nearest line before `line` indented no deeper than col,
 * ignoring strings (a guess, verified by the caller), or UINT32_MAX. */
static uint32_t shallower_line_before(const Unit *u, uint32_t line, uint32_t col)
{
    while (line > 0) {
        uint32_t prev = line - 1;
        while (prev > 0 && u->src[prev - 1] != '\n')
            prev--;
        line = prev;
        uint32_t ind, code;
        if (code_line(u, line, u->len, &ind, &code) && ind <= col)
            return line;
    }
    return UINT32_MAX;
}

bool chk_pysrc_try_body(const Unit *u, uint32_t scan_from, uint32_t first_except, uint32_t *from,
                        uint32_t *to)
{
    uint32_t col = chk_pysrc_column(u, first_except);
    uint32_t end = first_except - col; /* start of the `except` line */
    /* the `try` is usually the nearest shallower line: read forward from there
     * (cheap); if that does not confirm it, read the whole function */
    uint32_t guess = shallower_line_before(u, end, col);
    uint32_t cand = UINT32_MAX;
    if (guess != UINT32_MAX && guess >= scan_from)
        cand = last_try(u, guess, end, col);
    if (cand == UINT32_MAX)
        cand = last_try(u, scan_from, end, col);
    if (cand == UINT32_MAX)
        return false;
    *from = cand + 3;
    *to = end;
    return true;
}

/* Whether a word at `at` (from `from` on) is a whole word. */
static bool whole_word(const Unit *u, uint32_t at, uint32_t len, uint32_t to)
{
    return (at == 0 || !ident_char(u->src[at - 1])) &&
           (at + len >= to || !ident_char(u->src[at + len]));
}

bool chk_pysrc_has_word(const Unit *u, uint32_t from, uint32_t to, const char *const *words)
{
    if (to > u->len)
        to = u->len;
    for (uint32_t p = from; p < to; p++) {
        if (skip_noise(u, &p, to) || !ident_char(u->src[p]) || (p > 0 && ident_char(u->src[p - 1])))
            continue;
        for (const char *const *w = words; *w; w++) {
            size_t n = strlen(*w);
            if (p + n <= to && memcmp(u->src + p, *w, n) == 0 && whole_word(u, p, (uint32_t)n, to))
                return true;
        }
    }
    return false;
}

void chk_pysrc_each_statement(const Unit *u, uint32_t from, uint32_t to, const char *word,
                              PySrcWordFn fn, void *ctx)
{
    size_t n = strlen(word);
    if (to > u->len)
        to = u->len;
    for (uint32_t p = from; p < to; p++) {
        if (skip_noise(u, &p, to) || p + n > to || memcmp(u->src + p, word, n) != 0 ||
            !whole_word(u, p, (uint32_t)n, to))
            continue;
        uint32_t b = p;
        while (b > 0 && (u->src[b - 1] == ' ' || u->src[b - 1] == '\t'))
            b--;
        char prev = b > 0 ? u->src[b - 1] : '\n';
        if ((prev == '\n' || prev == ';' || prev == ':') && !fn(ctx, p))
            return;
    }
}
