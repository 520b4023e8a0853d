/* Line table (see lines.h). */
#include "lines.h"

#include <stdbool.h>
#include <string.h>

#include "vec.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

#ifdef __SSE2__
/* One 16-byte block: its newline bits; ORs it into the ASCII and CR masks. */
static inline uint64_t block_newlines(const char *p, __m128i *high, __m128i *crs)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    *high = _mm_or_si128(*high, v);
    *crs = _mm_or_si128(*crs, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
}

/* One pass, 64 bytes at a time, for the common file (no CR): records the line
 * starts and tells whether the text is ASCII. False (nothing recorded) when
 * there is a CR; the caller then takes the general path. Line starts go to a
 * buffer that grows in the arena. A block of 64 bytes holds about two line
 * ends: one mask for the four 16-byte loads keeps the branches predictable
 * (a block of 16 bytes with and without a newline alternate at random). */
static bool build_fast(LineTable *t, Arena *a, const char *src, uint32_t len)
{
    uint32_t cap = len / 24 + 64, k = 1;
    uint32_t *starts = arena_alloc_raw(a, sizeof(uint32_t) * cap);
    starts[0] = 0;
    __m128i high = _mm_setzero_si128(), crs = _mm_setzero_si128();
    uint32_t i = 0;
    for (; i + 64 <= len; i += 64) {
        uint64_t m = block_newlines(src + i, &high, &crs) |
                     block_newlines(src + i + 16, &high, &crs) << 16 |
                     block_newlines(src + i + 32, &high, &crs) << 32 |
                     block_newlines(src + i + 48, &high, &crs) << 48;
        if (k + 64 > cap) { /* grow: a new, larger block (the old one stays in the arena) */
            uint32_t *bigger = arena_alloc_raw(a, sizeof(uint32_t) * cap * 2);
            memcpy(bigger, starts, sizeof(uint32_t) * k);
            starts = bigger;
            cap *= 2;
        }
        while (m) {
            starts[k++] = i + (uint32_t)__builtin_ctzll(m) + 1;
            m &= m - 1;
        }
    }
    if (_mm_movemask_epi8(crs))
        return false;
    bool ascii = !_mm_movemask_epi8(high);
    for (; i < len; i++) {
        if (src[i] == '\r')
            return false;
        ascii &= (unsigned char)src[i] < 0x80;
        if (src[i] == '\n') {
            if (k == cap) {
                uint32_t *bigger = arena_alloc_raw(a, sizeof(uint32_t) * cap * 2);
                memcpy(bigger, starts, sizeof(uint32_t) * k);
                starts = bigger;
                cap *= 2;
            }
            starts[k++] = i + 1;
        }
    }
    t->starts = starts;
    t->count = k;
    t->ascii = ascii;
    return true;
}
#endif

void lines_build(LineTable *t, Arena *a, const char *src, uint32_t len)
{
    t->src = src;
    t->len = len;
    t->memo_off = t->memo_line = t->memo_col = 0;
    t->hint = 0;
#ifdef __SSE2__
    if (build_fast(t, a, src, len))
        return;
#endif
    bool has_cr = len && memchr(src, '\r', len) != NULL;
    t->count = scan(src, len, has_cr, NULL);
    t->starts = arena_alloc_raw(a, sizeof(uint32_t) * t->count);
    scan(src, len, has_cr, t->starts);
    t->ascii = all_ascii(src, len);
}

uint32_t lines_line(const LineTable *t, uint32_t off)
{
    /* Queries come mostly in source order, and near the previous one (a call's
     * start, then its end, then the start of the next): the search gallops
     * from the line of the previous answer, in steps of 1, 2, 4..., in
     * either direction, so a query d lines away costs about 2 log d probes. */
    uint32_t h = t->hint < t->count ? t->hint : 0, lo, hi;
    if (t->starts[h] <= off) {
        lo = h;
        hi = h + 1;
        for (uint32_t step = 1; hi < t->count && t->starts[hi] <= off; step *= 2) {
            lo = hi;
            hi = t->count - hi > step ? hi + step : t->count;
        }
    } else { /* starts[0] is 0: the search stops there at the latest */
        hi = h;
        lo = h - 1;
        for (uint32_t step = 1; t->starts[lo] > off; step *= 2) {
            hi = lo;
            lo = lo > step ? lo - step : 0;
        }
    }
    /* starts[lo] <= off, and off < starts[hi] unless hi is count */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    ((LineTable *)t)->hint = lo;
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
    /* one column per byte that does not continue a UTF-8 sequence (10xxxxxx),
     * eight bytes at a time */
    uint32_t i = from;
    for (; i + 8 <= off; i += 8) {
        uint64_t w;
        memcpy(&w, t->src + i, 8);
        uint64_t cont = (w & ~(w << 1) & 0x8080808080808080ull) >> 7; /* 1 per such byte */
        c += 8 - (uint32_t)((cont * 0x0101010101010101ull) >> 56);
    }
    for (; i < off; i++)
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
