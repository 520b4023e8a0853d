/* Length-counted string views and an interning table. A Str never owns its
 * bytes: they live in a file's source buffer or in an arena. Interned strings
 * (StrPool) are unique per pool, so equal names compare by pointer. */
#ifndef LINT_BASE_STR_H
#define LINT_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

typedef struct Str {
    const char *ptr;
    uint32_t len; /* bytes */
} Str;

#define STR_LIT(s) ((Str){(s), (uint32_t)(sizeof(s) - 1)})
#define STR_NULL ((Str){NULL, 0})

static inline Str str_from(const char *s)
{
    return (Str){s, s ? (uint32_t)strlen(s) : 0};
}

static inline Str str_make(const char *p, size_t n)
{
    return (Str){p, (uint32_t)n};
}

static inline bool str_eq(Str a, Str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Byte loop rather than strlen + memcmp: callers test one name against many
 * keywords or method names, and nearly every test fails on the first byte. */
static inline bool str_eq_c(Str a, const char *b)
{
    for (uint32_t i = 0; i < a.len; i++)
        if (a.ptr[i] != b[i]) /* also stops at b's NUL when b is shorter */
            return false;
    return b[a.len] == '\0';
}

static inline bool str_empty(Str a)
{
    return a.len == 0;
}

bool str_starts_with(Str s, const char *prefix);
bool str_ends_with(Str s, const char *suffix);
/* Index of the first c in s, or -1. */
int32_t str_find(Str s, char c);
int32_t str_rfind(Str s, char c);
/* A multiply-xorshift hash of the bytes (see str.c). */
uint32_t str_hash(Str s);
/* A cheap hash of a non-empty s's shape (first byte, last byte, length), for
 * the bit filters that reject most lookups of a table before any hashing. */
static inline uint32_t str_shape(Str s)
{
    uint32_t h = (uint32_t)(unsigned char)s.ptr[0] * 0x9E37u ^
                 (uint32_t)(unsigned char)s.ptr[s.len - 1] * 0x85EBu ^ s.len * 0xC2B3u;
    return h ^ h >> 12;
}
/* NUL-terminated copy in the arena. */
char *str_dup(Arena *a, Str s);
/* Concatenates a + sep + b into the arena (sep may be NULL). */
Str str_join(Arena *a, Str x, const char *sep, Str y);

/* Open-addressing intern table; entries and their bytes live in `arena`. */
typedef struct StrPoolSlot {
    const char *ptr; /* NULL: empty */
    uint32_t len;
    uint32_t hash;   /* kept so that growing never hashes again, and most
                        mismatches are rejected without touching the bytes */
} StrPoolSlot;

typedef struct StrPool {
    Arena *arena;
    StrPoolSlot *slots;
    uint32_t cap, count;
} StrPool;

void strpool_init(StrPool *p, Arena *arena);
/* With room for about cap/2 strings before the first rehash (cap: a power of 2). */
void strpool_init_sized(StrPool *p, Arena *arena, uint32_t cap);
void strpool_free(StrPool *p);
/* The unique copy of s in the pool (NUL-terminated). */
Str strpool_intern(StrPool *p, Str s);
/* Makes room for n strings in all (those held included) without growing again:
 * for a caller that knows about how many it will intern. */
void strpool_reserve(StrPool *p, uint32_t n);
/* The pool's copy of s, or STR_NULL if s was never interned (read-only: safe
 * from several threads once the pool is no longer changed). */
Str strpool_find(const StrPool *p, Str s);

/* NUL-terminated string -> pointer map, open addressing. Keys are borrowed and
 * must outlive the map (arena strings); a zeroed StrMap is empty. */
typedef struct StrMap {
    const char **keys;
    void **vals;
    uint32_t cap, count;
} StrMap;

/* The value slot of key, or NULL if key is absent. */
void **strmap_get(const StrMap *m, const char *key);
/* Sets key's value (adding key if absent). */
void strmap_put(StrMap *m, const char *key, void *val);
void strmap_free(StrMap *m);

#endif
