/* Value types by producer (pack key `returns`, DESIGN.md "Rule packs"): a call
 * of NAME, or the attribute NAME, gives a value of TYPE, so what is done to the
 * value is done to a TYPE. Frontends apply it while they resolve names: with
 * `pathlib.Path.parent: pathlib.Path`, `root.parent.read_text()` on a
 * `root: Path` is `pathlib.Path.read_text`, which the packs name; without it,
 * `pathlib.Path.parent.read_text`, which they do not. Built once per run from
 * the packs, then only read (by every worker at once). */
#ifndef LINT_MODEL_TYPES_H
#define LINT_MODEL_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/str.h"

#define TYPEMAP_FILTER_BITS 1024
/* A tuple type (`asyncio.open_connection` gives a reader and a writer) is kept
 * as its member types joined by commas, at most this many. */
#define TYPEMAP_MAX_TUPLE 8

typedef struct TypeMap {
    Str *names;     /* open addressing, cap slots (NULL ptr: empty) */
    Str *types;
    uint32_t cap, count;
    /* A bit per (first byte, last byte, length) class of the names: most
     * lookups are of names no entry has (`os.path`, `self.conn`), and this
     * answers them before any hashing. */
    uint64_t filter[TYPEMAP_FILTER_BITS / 64];
} TypeMap;

void typemap_init(TypeMap *m);
/* Adds name -> type (both kept by reference: they must outlive the map); a
 * later entry for the same name replaces the earlier one (a user pack
 * overrides a default). Tables live in the arena. */
void typemap_put(TypeMap *m, Arena *a, Str name, Str type);
/* The entry for name, without the filter (use typemap_get). */
Str typemap_lookup(const TypeMap *m, Str name);

/* The filter class of a non-empty name (see TypeMap.filter). */
static inline uint32_t typemap_filter_bit(Str s)
{
    return str_shape(s) & (TYPEMAP_FILTER_BITS - 1);
}

/* The type of a value produced by `name`, or STR_NULL. m may be NULL. Inline
 * up to the filter: it is asked of every attribute of a typed value. */
static inline Str typemap_get(const TypeMap *m, Str name)
{
    if (!m || !m->count || !name.len)
        return STR_NULL;
    uint32_t b = typemap_filter_bit(name);
    if (!(m->filter[b / 64] >> (b % 64) & 1))
        return STR_NULL;
    return typemap_lookup(m, name);
}

#endif
