/* Typed growable arrays in the style of tree-sitter's Array(T): a struct with
 * `contents`, `size` and `capacity`, grown geometrically through xrealloc.
 * A Vec owns its heap buffer; vec_free releases it. Element access through
 * vec_at asserts the bound (our invariant, never input validation). */
#ifndef LINT_BASE_VEC_H
#define LINT_BASE_VEC_H

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "xalloc.h"

#define Vec(T)                                                                                     \
    struct {                                                                                       \
        T *contents;                                                                               \
        uint32_t size;                                                                             \
        uint32_t capacity;                                                                         \
    }

#define vec_init(v) ((v)->contents = NULL, (v)->size = 0, (v)->capacity = 0)

#define vec_reserve(v, n)                                                                          \
    vec__reserve((void **)&(v)->contents, &(v)->capacity, (n), sizeof(*(v)->contents))

#define vec_grow(v) vec_reserve((v), (v)->size + 1)

#define vec_push(v, x) (vec_grow(v), (v)->contents[(v)->size++] = (x))

#define vec_at(v, i) (assert((uint32_t)(i) < (v)->size), &(v)->contents[(i)])

#define vec_last(v) (assert((v)->size > 0), &(v)->contents[(v)->size - 1])

#define vec_pop(v) (assert((v)->size > 0), (v)->contents[--(v)->size])

#define vec_clear(v) ((v)->size = 0)

#define vec_free(v) (xfree((v)->contents), vec_init(v))

/* Gives back unused capacity (for vectors kept long after they stop growing). */
#define vec_shrink(v)                                                                              \
    ((v)->capacity > (v)->size && (v)->size                                                        \
         ? ((v)->contents = xrealloc((v)->contents, sizeof(*(v)->contents) * (v)->size),           \
            (v)->capacity = (v)->size)                                                             \
         : 0)

static inline void vec__reserve(void **contents, uint32_t *capacity, uint32_t n, size_t elem)
{
    if (n <= *capacity)
        return;
    uint32_t cap = *capacity ? *capacity : 8;
    while (cap < n)
        cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
    *contents = xrealloc(*contents, (size_t)cap * elem);
    *capacity = cap;
}

#endif
