/* Line table (see lines.h). */
#include "lines.h"

#include <stdbool.h>
#include <string.h>

#include "vec.h"

static bool is_break(const char *src, uint32_t len, uint32_t i)
{
    return src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n'));
}

/* Counts (starts == NULL) or records the line starts. Files without a CR take
 * the memchr path, which is several times faster than a byte loop. */
static uint32_t scan(const char *src, uint32_t len, bool has_cr, uint32_t *starts)
{
    uint32_t k = 1;
    if (starts)
        starts[0] = 0;
    if (!has_cr) {
        const char *p = src, *end = src + len;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            p++;
            if (starts)
                starts[k] = (uint32_t)(p - src);
            k++;
        }
        return k;
    }
    for (uint32_t i = 0; i < len; i++)
        if (is_break(src, len, i)) {
            if (starts)
                starts[k] = i + 1;
            k++;
        }
    return k;
}

static bool all_ascii(const char *src, uint32_t len)
{
    uint64_t acc = 0;
    uint32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        acc |= w;
    }
    for (; i < len; i++)
        acc |= (unsigned char)src[i];
    return !(acc & 0x8080808080808080ull);
}

void lines_build(LineTable *t, Arena *a, const char *src, uint32_t len)
{
    bool has_cr = len && memchr(src, '\r', len) != NULL;
    t->src = src;
    t->len = len;
    t->count = scan(src, len, has_cr, NULL);
    t->starts = arena_alloc_raw(a, sizeof(uint32_t) * t->count);
    scan(src, len, has_cr, t->starts);
    t->ascii = all_ascii(src, len);
    t->memo_off = t->memo_line = t->memo_col = 0;
}

uint32_t lines_line(const LineTable *t, uint32_t off)
{
    uint32_t lo = 0, hi = t->count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

void lines_pos(const LineTable *t, uint32_t off, uint32_t *line, uint32_t *col)
{
    if (off > t->len)
        off = t->len;
    uint32_t ln = lines_line(t, off);
    uint32_t start = t->starts[ln - 1];
    *line = ln;
    if (t->ascii) {
        *col = off - start + 1;
        return;
    }
    uint32_t from = start, c = 1;
    if (t->memo_line == ln && t->memo_off <= off) {
        from = t->memo_off;
        c = t->memo_col;
    }
    for (uint32_t i = from; i < off; i++)
        if (((unsigned char)t->src[i] & 0xC0) != 0x80)
            c++;
    LineTable *memo = (LineTable *)t;
    memo->memo_off = off;
    memo->memo_line = ln;
    memo->memo_col = c;
    *col = c;
}

const char *lines_text(const LineTable *t, uint32_t n, uint32_t *len)
{
    if (n == 0 || n > t->count) {
        *len = 0;
        return "";
    }
    uint32_t s = t->starts[n - 1];
    uint32_t e = n < t->count ? t->starts[n] : t->len;
    while (e > s && (t->src[e - 1] == '\n' || t->src[e - 1] == '\r'))
        e--;
    *len = e - s;
    return t->src + s;
}
