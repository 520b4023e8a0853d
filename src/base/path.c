/* Lexical path segments (see path.h). */
#include "path.h"

bool path_next_segment(const char **p, Str *seg)
{
    const char *q = *p;
    for (;;) {
        while (*q == '/')
            q++;
        if (!*q) {
            *p = q;
            return false;
        }
        const char *s = q;
        while (*q && *q != '/')
            q++;
        uint32_t n = (uint32_t)(q - s);
        if (n == 1 && s[0] == '.')
            continue;
        *seg = str_make(s, n);
        *p = q;
        return true;
    }
}

bool path_is_parent(Str seg)
{
    return seg.len == 2 && seg.ptr[0] == '.' && seg.ptr[1] == '.';
}
