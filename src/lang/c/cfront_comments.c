/* C comment scanner (see cfront_comments.h). */
#include "cfront_comments.h"

#include <string.h>

#include "../../base/vec.h"

/* End of the literal that opens at s[i] (the quote), exclusive. A literal
 * never spans an unescaped newline; an unterminated one ends at the line end. */
static uint32_t skip_literal(const char *s, uint32_t len, uint32_t i)
{
    char q = s[i++];
    while (i < len && s[i] != q && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < len)
            i++;
        i++;
    }
    return i < len && s[i] == q ? i + 1 : i;
}

static bool own_line(const char *s, uint32_t start)
{
    while (start > 0) {
        char c = s[start - 1];
        if (c == '\n' || c == '\r')
            return true;
        if (c != ' ' && c != '\t' && c != '\f' && c != '\v')
            return false;
        start--;
    }
    return true;
}

/* End of the comment opening at s[i] (line or block comment), exclusive. */
static uint32_t comment_end(const char *s, uint32_t len, uint32_t i)
{
    if (s[i + 1] == '*') {
        const char *e = NULL;
        for (uint32_t j = i + 2; j + 1 < len; j++)
            if (s[j] == '*' && s[j + 1] == '/') {
                e = s + j;
                break;
            }
        return e ? (uint32_t)(e - s) + 2 : len;
    }
    uint32_t j = i + 2;
    while (j < len && s[j] != '\n') {
        if (s[j] == '\\' && j + 1 < len && (s[j + 1] == '\n' || s[j + 1] == '\r'))
            j += s[j + 1] == '\r' && j + 2 < len && s[j + 2] == '\n' ? 3 : 2; /* spliced */
        else
            j++;
    }
    if (j > i + 2 && s[j - 1] == '\r')
        j--;
    return j;
}

void cfront_scan_comments(Unit *u)
{
    const char *s = u->src;
    uint32_t len = u->len;
    Vec(Comment) out;
    vec_init(&out);
    for (uint32_t i = 0; i < len;) {
        char c = s[i];
        if (c == '"' || c == '\'') {
            /* `'` inside a number (C23 digit separator) is rare in C17 code and
             * only shifts where a literal is taken to end on that line. */
            i = skip_literal(s, len, i);
        } else if (c == '/' && i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '*')) {
            uint32_t e = comment_end(s, len, i);
            Comment cm = {i, e - i, lines_line(&u->lines, i), own_line(s, i)};
            vec_push(&out, cm);
            i = e;
        } else {
            i++;
        }
    }
    u->ncomments = out.size;
    u->comments = ARENA_ARRAY(&u->arena, Comment, out.size ? out.size : 1);
    if (out.size)
        memcpy(u->comments, out.contents, sizeof(Comment) * out.size);
    vec_free(&out);
}
