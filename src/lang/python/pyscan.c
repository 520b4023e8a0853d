/* The words of a Python file (see pyscan.h). */
#include "pyscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/xalloc.h"
#include "pytok_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* 1 for the ASCII bytes a word is made of (any byte >= 0x80 is one too). */
static const unsigned char WORD_ASCII[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static inline bool is_word(unsigned char c)
{
    return c >= 0x80 || WORD_ASCII[c];
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A word's hash from its first and last 8 bytes and its length: two words
 * that differ only further inside collide, which costs a parse, never a
 * finding (the sets only ever answer "may hold"). */
static inline uint32_t hash_word(const unsigned char *p, size_t n, const unsigned char *end)
{
    uint64_t a, b = 0;
    if (n >= 8) {
        a = load64(p);
        b = load64(p + n - 8);
    } else if (end - p >= 8) {
        a = load64(p) & (((uint64_t)1 << (n * 8)) - 1);
    } else {
        a = 0;
        memcpy(&a, p, n);
    }
    uint64_t h = (a * 0x9e3779b97f4a7c15u) ^ ((b * 0xc2b2ae3d27d4eb4fu) >> 7) ^ n;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    uint32_t r = (uint32_t)(h ^ (h >> 32));
    return r ? r : 1;
}

uint32_t pyscan_hash(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    return hash_word(p, n, p + n);
}

/* Bit i of the result: whether p[i] is a word byte (64 bytes); *odd gets
 * bit 0 set for a NUL byte, bit 1 for a byte >= 0x80. */
static inline uint64_t word_bits(const unsigned char *p, unsigned *odd)
{
#ifdef __SSE2__
    uint64_t bits = 0;
    __m128i nul = _mm_setzero_si128(), high = _mm_setzero_si128();
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        /* lo <= x <= hi as a signed compare after shifting lo to -128 */
        __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
                                        _mm_set1_epi8((char)(0x80 + 26)));
        __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                       _mm_set1_epi8((char)(0x80 + 10)));
        __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
        __m128i word = _mm_or_si128(_mm_or_si128(letter, digit), under);
        uint32_t m = (uint32_t)_mm_movemask_epi8(word) | (uint32_t)_mm_movemask_epi8(v);
        bits |= (uint64_t)m << (16 * k);
        nul = _mm_or_si128(nul, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
        high = _mm_or_si128(high, v);
    }
    *odd |= (_mm_movemask_epi8(nul) ? 1u : 0u) | (_mm_movemask_epi8(high) ? 2u : 0u);
    return bits;
#else
    uint64_t bits = 0;
    for (int i = 0; i < 64; i++) {
        bits |= (uint64_t)is_word(p[i]) << i;
        *odd |= (p[i] == 0 ? 1u : 0u) | (p[i] >= 0x80 ? 2u : 0u);
    }
    return bits;
#endif
}

static void grow(PyWords *w)
{
    uint32_t *old = w->slots, ocap = w->cap;
    w->cap *= 2;
    w->slots = xcalloc(w->cap, sizeof *w->slots);
    uint32_t mask = w->cap - 1;
    for (uint32_t k = 0; k < ocap; k++) {
        if (!old[k])
            continue;
        uint32_t i = old[k] & mask;
        while (w->slots[i])
            i = (i + 1) & mask;
        w->slots[i] = old[k];
    }
    xfree(old);
}

static inline void insert(PyWords *w, uint32_t h)
{
    uint32_t mask = w->cap - 1, i = h & mask;
    while (w->slots[i] && w->slots[i] != h)
        i = (i + 1) & mask;
    if (w->slots[i])
        return;
    w->slots[i] = h;
    if (++w->n * 2 > w->cap)
        grow(w);
}

void pyscan_add(PyWords *w, uint32_t h)
{
    insert(w, h);
}

static void init_sized(PyWords *w, uint32_t cap)
{
    w->cap = cap;
    w->n = 0;
    w->compact = false;
    w->suspect = false;
    w->slots = xcalloc(w->cap, sizeof *w->slots);
}

void pyscan_init(PyWords *w)
{
    init_sized(w, 256);
}

static inline bool stops(uint32_t h, const uint32_t *stop, uint32_t nstop)
{
    for (uint32_t k = 0; k < nstop; k++)
        if (stop[k] == h)
            return true;
    return false;
}

bool pyscan_words(PyWords *w, const char *src, size_t len, const uint32_t *stop, uint32_t nstop)
{
    uint32_t cap = 256; /* room for one distinct word in 32 bytes at load 1/2; grows */
    while (cap < len / 16 && cap < (1u << 20))
        cap *= 2;
    init_sized(w, cap);
    const unsigned char *p = (const unsigned char *)src, *end = p + len;
    /* word runs, 64 bytes at a time; a run may continue into the next block */
    size_t start = SIZE_MAX; /* of the open run */
    unsigned odd = 0;
    for (size_t base = 0; base < len; base += 64) {
        uint64_t bits;
        if (len - base >= 64) {
            bits = word_bits(p + base, &odd);
        } else {
            unsigned char tail[64];
            memset(tail, ' ', sizeof tail);
            memcpy(tail, p + base, len - base);
            bits = word_bits(tail, &odd) & (((uint64_t)1 << (len - base)) - 1);
        }
        for (size_t i = 0; i < 64;) {
            if (start == SIZE_MAX) { /* find the next run's start */
                uint64_t rest = bits >> i;
                if (!rest)
                    break;
                i += (size_t)__builtin_ctzll(rest);
                start = base + i;
            }
            uint64_t gap = ~bits >> i; /* non-word bytes from i on */
            if (!gap)
                break; /* the run goes on into the next block */
            i += (size_t)__builtin_ctzll(gap);
            uint32_t h = hash_word(p + start, base + i - start, end);
            if (stops(h, stop, nstop))
                return true;
            insert(w, h);
            start = SIZE_MAX;
        }
    }
    if (start != SIZE_MAX) {
        uint32_t h = hash_word(p + start, len - start, end);
        if (stops(h, stop, nstop))
            return true;
        insert(w, h);
    }
    w->suspect = odd & 1;
    for (size_t i = 0; (odd & 2) && !w->suspect && i < len;) {
        uint32_t n = p[i] < 0x80 ? 1 : pytok_utf8_seq(p + i, (uint32_t)(len - i < 4 ? len - i : 4));
        w->suspect = n == 0;
        i += n ? n : 1;
    }
    return false;
}

bool pyscan_has(const PyWords *w, uint32_t h)
{
    uint32_t mask = w->cap - 1;
    for (uint32_t i = h & mask; w->slots[i]; i = (i + 1) & mask)
        if (w->slots[i] == h)
            return true;
    return false;
}

void pyscan_compact(PyWords *w)
{
    if (w->compact)
        return;
    uint32_t cap = 16;
    while (cap * 3 < w->n * 4 + 4) /* load <= 3/4 */
        cap *= 2;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t k = 0; k < w->cap; k++) {
        uint32_t h = w->slots[k], i = h & (cap - 1);
        if (!h)
            continue;
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = h;
    }
    xfree(w->slots);
    w->slots = slots;
    w->cap = cap;
    w->compact = true;
}

void pyscan_free(PyWords *w)
{
    xfree(w->slots);
    memset(w, 0, sizeof *w);
}
