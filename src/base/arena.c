/* Bump allocator over a chain of chunks (see arena.h). Chunk sizes double up to
 * 1 MiB so small files stay small and big files do not fragment. */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

struct ArenaChunk {
    ArenaChunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_MIN_CHUNK = 16 * 1024, ARENA_MAX_CHUNK = 1024 * 1024 };

void arena_init(Arena *a)
{
    arena_init_sized(a, ARENA_MIN_CHUNK);
}

void arena_init_sized(Arena *a, size_t first)
{
    a->head = NULL;
    a->total = 0;
    a->first = first < 256 ? 256 : first;
    a->parent = NULL;
}

void arena_init_child(Arena *a, Arena *parent, size_t first)
{
    arena_init_sized(a, first);
    a->parent = parent;
}

void arena_trim(Arena *a)
{
    ArenaChunk *c = a->head, *pc = a->parent ? a->parent->head : NULL;
    if (!c || !pc || c->used >= c->cap)
        return;
    /* the parent carved sizeof(ArenaChunk) + cap, rounded up to 16, at c */
    size_t carved = (sizeof(ArenaChunk) + c->cap + 15) & ~(size_t)15;
    if ((unsigned char *)c + carved != pc->data + pc->used)
        return; /* something else was carved after this chunk */
    size_t give = c->cap - c->used;
    pc->used = (size_t)(c->data + c->used - pc->data);
    c->cap = c->used;
    a->total -= give;
}

void arena_free(Arena *a)
{
    if (a->parent) { /* the memory belongs to the parent */
        a->head = NULL;
        a->total = 0;
        return;
    }
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        xfree(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void arena_adopt(Arena *into, Arena *from)
{
    ArenaChunk *last = from->head;
    if (!last)
        return;
    while (last->next)
        last = last->next;
    if (into->head) { /* behind into's newest chunk, which stays the one allocated from */
        last->next = into->head->next;
        into->head->next = from->head;
    } else {
        into->head = from->head;
    }
    into->total += from->total;
    from->head = NULL;
    from->total = 0;
}

static ArenaChunk *new_chunk(Arena *a, size_t need)
{
    size_t cap = a->head ? a->head->cap * 2 : a->first;
    if (cap > ARENA_MAX_CHUNK)
        cap = ARENA_MAX_CHUNK;
    if (cap < need)
        cap = need;
    ArenaChunk *c = a->parent ? arena_alloc_raw(a->parent, sizeof(ArenaChunk) + cap)
                              : xmalloc(sizeof(ArenaChunk) + cap);
    c->used = 0;
    c->cap = cap;
    c->next = a->head;
    a->head = c;
    a->total += cap;
    return c;
}

void *arena_alloc_raw(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    ArenaChunk *c = a->head;
    if (c)
        c->used = (c->used + 15) & ~(size_t)15; /* after unaligned string bytes */
    if (!c || c->used > c->cap || c->cap - c->used < n)
        c = new_chunk(a, n);
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void *arena_alloc(Arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

/* Bytes with no alignment: strings are most of what the long-lived summary
 * arenas hold, and rounding each to 16 bytes wasted a fifth of them. */
char *arena_alloc_bytes(Arena *a, size_t n)
{
    ArenaChunk *c = a->head;
    if (!c || c->cap - c->used < n)
        c = new_chunk(a, n);
    char *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_bytes(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
