/* Value types by producer (see types.h). */
#include "types.h"

#include <string.h>

void typemap_init(TypeMap *m)
{
    memset(m, 0, sizeof *m);
}

static uint32_t filter_bit(Str s)
{
    uint32_t h = (uint32_t)(unsigned char)s.ptr[0] * 0x9E37u ^
                 (uint32_t)(unsigned char)s.ptr[s.len - 1] * 0x85EBu ^ s.len * 0xC2B3u;
    return (h ^ h >> 11) & (TYPEMAP_FILTER_BITS - 1);
}

static uint32_t slot(const TypeMap *m, Str name)
{
    uint32_t i = str_hash(name) & (m->cap - 1);
    while (m->names[i].ptr && !str_eq(m->names[i], name))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(TypeMap *m, Arena *a)
{
    TypeMap old = *m;
    m->cap = old.cap ? old.cap * 2 : 32;
    m->names = ARENA_ARRAY(a, Str, m->cap);
    m->types = ARENA_ARRAY(a, Str, m->cap); /* (zeroed: every slot empty) */
    for (uint32_t i = 0; i < old.cap; i++) {
        if (!old.names[i].ptr)
            continue;
        uint32_t j = slot(m, old.names[i]);
        m->names[j] = old.names[i];
        m->types[j] = old.types[i];
    }
}

void typemap_put(TypeMap *m, Arena *a, Str name, Str type)
{
    if (!name.len)
        return;
    if ((m->count + 1) * 2 > m->cap)
        grow(m, a);
    uint32_t i = slot(m, name);
    if (!m->names[i].ptr) {
        m->names[i] = name;
        m->count++;
    }
    m->types[i] = type;
    uint32_t b = filter_bit(name);
    m->filter[b / 64] |= 1ull << (b % 64);
}

Str typemap_get(const TypeMap *m, Str name)
{
    if (!m || !m->count || !name.len)
        return STR_NULL;
    uint32_t b = filter_bit(name);
    if (!(m->filter[b / 64] >> (b % 64) & 1))
        return STR_NULL;
    uint32_t i = slot(m, name);
    return m->names[i].ptr ? m->types[i] : STR_NULL;
}
