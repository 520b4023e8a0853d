/* Sorting, de-duplication and line-independent fingerprints of findings (see
 * findings.h). Nothing here allocates outside the arena it is given. */
#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

/* NULL-safe strcmp: NULL sorts before every string, including "". */
static int cmp_str(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return -1;
    if (!b)
        return 1;
    return strcmp(a, b);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
    return (a > b) - (a < b);
}

static const char *rule_id(const Finding *f)
{
    return f->rule ? f->rule->id : NULL;
}

static int cmp_chain(const Finding *a, const Finding *b)
{
    int c = cmp_u32(a->nchain, b->nchain);
    for (uint32_t i = 0; !c && i < a->nchain; i++) {
        const ChainStep *x = &a->chain[i], *y = &b->chain[i];
        if ((c = cmp_str(x->path, y->path)) || (c = cmp_u32(x->line, y->line)) ||
            (c = cmp_u32(x->col, y->col)) || (c = cmp_str(x->function, y->function)) ||
            (c = cmp_str(x->callee, y->callee)))
            return c;
    }
    return c;
}

static int cmp_fix(const Fix *a, const Fix *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    int c;
    if ((c = cmp_u32(a->line, b->line)) || (c = cmp_u32(a->col, b->col)) ||
        (c = cmp_u32(a->end_line, b->end_line)) || (c = cmp_u32(a->end_col, b->end_col)) ||
        (c = cmp_str(a->replacement, b->replacement)))
        return c;
    return cmp_str(a->description, b->description);
}

int finding_cmp(const Finding *a, const Finding *b)
{
    int c;
    if ((c = cmp_str(a->path, b->path)) || (c = cmp_u32(a->line, b->line)) ||
        (c = cmp_u32(a->col, b->col)) || (c = cmp_str(rule_id(a), rule_id(b))) ||
        (c = cmp_str(a->message, b->message)) || (c = cmp_u32(a->end_line, b->end_line)) ||
        (c = cmp_u32(a->end_col, b->end_col)) || (c = cmp_str(a->function, b->function)) ||
        (c = cmp_str(a->key, b->key)) || (c = cmp_str(a->snippet, b->snippet)) ||
        (c = cmp_chain(a, b)))
        return c;
    return cmp_fix(a->fix, b->fix);
}

static int qsort_cmp(const void *a, const void *b)
{
    return finding_cmp(a, b);
}

void finding_sort(Finding *items, uint32_t n)
{
    if (n > 1)
        qsort(items, n, sizeof *items, qsort_cmp);
}

static bool same_report(const Finding *a, const Finding *b)
{
    return cmp_str(a->path, b->path) == 0 && a->line == b->line && a->col == b->col &&
           a->end_line == b->end_line && a->end_col == b->end_col &&
           cmp_str(rule_id(a), rule_id(b)) == 0 && cmp_str(a->message, b->message) == 0;
}

uint32_t finding_dedupe(Finding *items, uint32_t n)
{
    if (n < 2)
        return n;
    uint32_t out = 1;
    for (uint32_t i = 1; i < n; i++)
        if (!same_report(&items[out - 1], &items[i]))
            items[out++] = items[i];
    return out;
}

const char *finding_norm_path(const char *path)
{
    if (!path)
        return "";
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (*path == '/')
            path++;
    }
    return path;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends s without its whitespace bytes; returns the new end. */
static char *put_squeezed(char *p, const char *s)
{
    for (; s && *s; s++)
        if (!is_space(*s))
            *p++ = *s;
    return p;
}

/* The parts of the normalised key, in order; the last one is whitespace-squeezed. */
static void key_parts(const Finding *f, const char *parts[4])
{
    parts[0] = rule_id(f) ? rule_id(f) : "";
    parts[1] = finding_norm_path(f->path);
    parts[2] = f->function ? f->function : "";
    const char *text = f->key && *f->key ? f->key : f->snippet;
    parts[3] = text && *text ? text : f->message ? f->message : "";
}

char *finding_norm_key(Arena *a, const Finding *f)
{
    const char *parts[4];
    key_parts(f, parts);
    size_t n = strlen(parts[0]) + strlen(parts[1]) + strlen(parts[2]) + strlen(parts[3]) + 4;
    char *buf = arena_alloc(a, n), *p = buf;
    for (int i = 0; i < 3; i++) {
        p = stpcpy(p, parts[i]);
        *p++ = '\x1f';
    }
    p = put_squeezed(p, parts[3]);
    *p = '\0';
    return buf;
}

#define FNV64_BASIS 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

/* Hashes the same bytes finding_norm_key would build, without building them:
 * this runs once per finding per report. */
void finding_key_hash(const Finding *f, char out[FINDING_HASH_HEX + 1])
{
    const char *parts[4];
    key_parts(f, parts);
    uint64_t h = FNV64_BASIS;
    for (int i = 0; i < 4; i++) {
        for (const unsigned char *s = (const unsigned char *)parts[i]; *s; s++) {
            if (i == 3 && is_space((char)*s))
                continue;
            h = (h ^ *s) * FNV64_PRIME;
        }
        if (i < 3)
            h = (h ^ 0x1f) * FNV64_PRIME;
    }
    snprintf(out, FINDING_HASH_HEX + 1, "%016llx", (unsigned long long)h);
}

typedef struct HashSlot {
    char hash[FINDING_HASH_HEX + 1];
    uint32_t index; /* position in the finding list */
} HashSlot;

static int cmp_slot(const void *a, const void *b)
{
    const HashSlot *x = a, *y = b;
    int c = strcmp(x->hash, y->hash);
    return c ? c : cmp_u32(x->index, y->index);
}

/* Occurrence numbers: sort (hash, index) pairs, then number each run of equal
 * hashes in index order. O(n log n) and independent of the input's history. */
char **finding_fingerprints(Arena *a, const Finding *items, uint32_t n)
{
    if (n == 0)
        return NULL;
    HashSlot *slots = xmalloc(sizeof *slots * n);
    for (uint32_t i = 0; i < n; i++) {
        finding_key_hash(&items[i], slots[i].hash);
        slots[i].index = i;
    }
    qsort(slots, n, sizeof *slots, cmp_slot);
    char **out = ARENA_ARRAY(a, char *, n);
    uint32_t occurrence = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool same = i > 0 && strcmp(slots[i].hash, slots[i - 1].hash) == 0;
        occurrence = same ? occurrence + 1 : 1;
        out[slots[i].index] = arena_printf(a, "%s:%u", slots[i].hash, occurrence);
    }
    xfree(slots);
    return out;
}
