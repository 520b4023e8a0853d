/* Bump allocator. One arena per analysed file and one for the run: everything
 * a frontend builds (tokens, model objects, interned names) comes from the file's
 * arena and is released at once with arena_free. Objects are never freed singly. */
#ifndef LINT_BASE_ARENA_H
#define LINT_BASE_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *head; /* newest chunk; older ones chained through ->next */
    size_t total;     /* bytes obtained from the system, for statistics */
    size_t first;     /* size of the first chunk (later ones double) */
    struct Arena *parent; /* chunks come from this arena instead of malloc */
} Arena;

void arena_init(Arena *a);
/* An arena whose first chunk is `first` bytes: for the many small, long-lived
 * arenas (one per file summary) that would waste most of a 16 KiB chunk. */
void arena_init_sized(Arena *a, size_t first);
/* An arena whose chunks are carved out of `parent` (used by one thread at a
 * time, like the child): many small arenas that live as long as the parent
 * (the per-file summaries, one parent per worker) then waste no malloc
 * overhead, and arena_trim gives the unused tail back. arena_free on the child
 * releases nothing; freeing the parent releases all. */
void arena_init_child(Arena *a, Arena *parent, size_t first);
/* Child arenas: returns the unused end of the newest chunk to the parent when
 * nothing was carved from the parent since. Other arenas: no effect. */
void arena_trim(Arena *a);
/* Releases every chunk; the arena can be reused after arena_init. */
void arena_free(Arena *a);
/* Moves every chunk of `from` into `into` (neither a child arena): what was
 * allocated in `from` now lives as long as `into`; `from` is left empty. */
void arena_adopt(Arena *into, Arena *from);
/* Zeroed memory aligned to 16 bytes, valid until arena_free. Never NULL. */
void *arena_alloc(Arena *a, size_t n);
/* Like arena_alloc but not zeroed, for buffers the caller fills entirely. */
void *arena_alloc_raw(Arena *a, size_t n);
/* n bytes with no alignment and not zeroed: for strings. */
char *arena_alloc_bytes(Arena *a, size_t n);
/* Copies n bytes and appends a NUL; the copy lives in the arena. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
