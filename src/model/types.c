/* Value types by producer (see types.h). */
#include "types.h"

#include <string.h>

void typemap_init(TypeMap *m)
{
    memset(m, 0, sizeof *m);
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
    uint32_t b = typemap_filter_bit(name);
    m->filter[b / 64] |= 1ull << (b % 64);
}

Str typemap_lookup(const TypeMap *m, Str name)
{
    uint32_t i = slot(m, name);
    return m->names[i].ptr ? m->types[i] : STR_NULL;
}
