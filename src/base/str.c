/* String views and interning (see str.h). */
#include "str.h"

#include "xalloc.h"

bool str_starts_with(Str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

bool str_ends_with(Str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

int32_t str_find(Str s, char c)
{
    const char *p = s.len ? memchr(s.ptr, c, s.len) : NULL;
    return p ? (int32_t)(p - s.ptr) : -1;
}

int32_t str_rfind(Str s, char c)
{
    for (uint32_t i = s.len; i > 0; i--)
        if (s.ptr[i - 1] == c)
            return (int32_t)(i - 1);
    return -1;
}

/* The bytes [i, len) (1 to 7 of them) as a little-endian word with zero high
 * bytes, as memcpy into a zeroed word would give, without a variable-length
 * copy: overlapping fixed-size loads. */
static inline uint64_t tail_word(const char *p, uint32_t i, uint32_t len)
{
    uint32_t rem = len - i;
    uint64_t w;
    if (len >= 8) { /* the last 8 bytes, shifted down to the tail */
        memcpy(&w, p + len - 8, 8);
        return w >> ((8 - rem) * 8);
    }
    p += i;
    if (rem >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + rem - 4, 4);
        return (uint64_t)a | ((uint64_t)b << ((rem - 4) * 8));
    }
    w = (unsigned char)p[0];
    w |= (uint64_t)(unsigned char)p[rem / 2] << (rem / 2 * 8);
    w |= (uint64_t)(unsigned char)p[rem - 1] << ((rem - 1) * 8);
    return w;
}

/* Equality of n bytes, inline: interning confirms a hash match on every
 * identifier, and the names are short. */
static inline bool bytes_eq(const char *a, const char *b, uint32_t n)
{
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return false;
    }
    return i == n || tail_word(a, i, n) == tail_word(b, i, n);
}

/* Identifiers and dotted names are short, and this is on the per-token path
 * (interning) and every table probe. Up to 16 bytes: two overlapping loads
 * that cover every byte, two independent multiplies and a fold (a short
 * dependency chain); longer: multiply-xorshift over 8-byte words. */
uint32_t str_hash(Str s)
{
    const char *p = s.ptr;
    uint32_t n = s.len;
    uint64_t h;
    if (n <= 16) {
        uint64_t a = 0, b = 0;
        if (n >= 8) {
            memcpy(&a, p, 8);
            memcpy(&b, p + n - 8, 8);
        } else if (n >= 4) {
            uint32_t x, y;
            memcpy(&x, p, 4);
            memcpy(&y, p + n - 4, 4);
            a = x;
            b = y;
        } else if (n) {
            a = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
                (uint64_t)(unsigned char)p[n - 1] << 16;
        }
        h = ((a ^ 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull) ^ ((b + n) * 0x94D049BB133111EBull);
    } else {
        h = 0x9E3779B97F4A7C15ull ^ n;
        uint32_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
            h ^= h >> 31;
        }
        if (i < n) {
            uint64_t w = tail_word(p, i, n);
            h = (h ^ w) * 0x94D049BB133111EBull;
        }
        h *= 0xBF58476D1CE4E5B9ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

char *str_dup(Arena *a, Str s)
{
    return arena_strndup(a, s.ptr ? s.ptr : "", s.len);
}

Str str_join(Arena *a, Str x, const char *sep, Str y)
{
    size_t ns = sep ? strlen(sep) : 0;
    size_t n = (size_t)x.len + ns + y.len;
    char *p = arena_alloc_bytes(a, n + 1);
    if (x.len)
        memcpy(p, x.ptr, x.len);
    if (ns)
        memcpy(p + x.len, sep, ns);
    if (y.len)
        memcpy(p + x.len + ns, y.ptr, y.len);
    p[n] = '\0';
    return (Str){p, (uint32_t)n};
}

void strpool_init(StrPool *p, Arena *arena)
{
    strpool_init_sized(p, arena, 256);
}

void strpool_init_sized(StrPool *p, Arena *arena, uint32_t cap)
{
    p->arena = arena;
    uint32_t c = 8;
    while (c < cap && c < (1u << 24))
        c *= 2; /* a power of two, whatever the caller asked */
    p->cap = c;
    p->count = 0;
    p->slots = xcalloc(p->cap, sizeof *p->slots);
}

void strpool_free(StrPool *p)
{
    xfree(p->slots);
    p->slots = NULL;
    p->cap = p->count = 0;
}

static void rehash_to(StrPool *p, uint32_t cap)
{
    StrPoolSlot *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t i = 0; i < p->cap; i++) {
        StrPoolSlot s = p->slots[i];
        if (!s.ptr)
            continue;
        uint32_t j = s.hash & (cap - 1);
        while (slots[j].ptr)
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    xfree(p->slots);
    p->slots = slots;
    p->cap = cap;
}

static void rehash(StrPool *p)
{
    rehash_to(p, p->cap ? p->cap * 2 : 16); /* 0: the pool was freed, start again */
}

void strpool_reserve(StrPool *p, uint32_t n)
{
    uint32_t cap = p->cap ? p->cap : 8;
    while (cap < 2 * (uint64_t)n + 2 && cap < (1u << 24))
        cap *= 2; /* room for n strings below the growth threshold (half full) */
    if (cap > p->cap)
        rehash_to(p, cap);
}

/* The slot holding s (hash h), or the empty slot where it would go. */
static uint32_t strpool_slot(const StrPool *p, Str s, uint32_t h)
{
    uint32_t j = h & (p->cap - 1);
    for (; p->slots[j].ptr; j = (j + 1) & (p->cap - 1)) {
        const StrPoolSlot *e = &p->slots[j];
        if (e->hash == h && e->len == s.len && bytes_eq(e->ptr, s.ptr, s.len))
            break;
    }
    return j;
}

Str strpool_intern(StrPool *p, Str s)
{
    if (p->count * 2 >= p->cap)
        rehash(p);
    uint32_t h = str_hash(s), j = strpool_slot(p, s, h);
    StrPoolSlot *e = &p->slots[j];
    if (!e->ptr) {
        *e = (StrPoolSlot){arena_strndup(p->arena, s.ptr ? s.ptr : "", s.len), s.len, h};
        p->count++;
    }
    return (Str){e->ptr, e->len};
}

Str strpool_find(const StrPool *p, Str s)
{
    if (!p->cap)
        return STR_NULL;
    const StrPoolSlot *e = &p->slots[strpool_slot(p, s, str_hash(s))];
    return e->ptr ? (Str){e->ptr, e->len} : STR_NULL;
}

/* ---- StrMap ---------------------------------------------------------------- */

static uint32_t strmap_slot(const StrMap *m, const char *key)
{
    uint32_t i = str_hash(str_from(key)) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void **strmap_get(const StrMap *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    uint32_t i = strmap_slot(m, key);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static void strmap_grow(StrMap *m)
{
    StrMap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    m->count = 0;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.keys[i])
            strmap_put(m, old.keys[i], old.vals[i]);
    xfree(old.keys);
    xfree(old.vals);
}

void strmap_put(StrMap *m, const char *key, void *val)
{
    if ((m->count + 1) * 4 >= m->cap * 3)
        strmap_grow(m);
    uint32_t i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->count++;
    }
    m->vals[i] = val;
}

void strmap_free(StrMap *m)
{
    xfree(m->keys);
    xfree(m->vals);
}
