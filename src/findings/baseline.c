/* In-memory baseline: a sorted multiset of (rule, path, key hash) (see
 * baseline.h). Lookups are binary searches over the sorted entries. */
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void baseline_init(Baseline *b)
{
    arena_init(&b->arena);
    vec_init(&b->entries);
    b->finished = true;
}

void baseline_free(Baseline *b)
{
    vec_free(&b->entries);
    arena_free(&b->arena);
}

void baseline_add(Baseline *b, const char *rule, const char *path, const char *key,
                  const char *function, const char *message, uint32_t count)
{
    BaselineEntry e = {0};
    e.rule = arena_strdup(&b->arena, rule ? rule : "");
    e.path = arena_strdup(&b->arena, finding_norm_path(path));
    snprintf(e.key, sizeof e.key, "%s", key ? key : "");
    e.function = arena_strdup(&b->arena, function ? function : "");
    e.message = message ? arena_strdup(&b->arena, message) : NULL;
    e.count = e.remaining = count;
    vec_push(&b->entries, e);
    b->finished = false;
}

void baseline_add_findings(Baseline *b, const Finding *items, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const Finding *f = &items[i];
        char key[FINDING_HASH_HEX + 1];
        finding_key_hash(f, key);
        baseline_add(b, f->rule ? f->rule->id : "", f->path, key, f->function, f->message, 1);
    }
}

static int cmp_triple(const char *path, const char *rule, const char *key, const BaselineEntry *e)
{
    int c = strcmp(path, e->path);
    if (!c)
        c = strcmp(rule, e->rule);
    return c ? c : strcmp(key, e->key);
}

static int cmp_entry(const void *x, const void *y)
{
    const BaselineEntry *a = x, *b = y;
    int c = cmp_triple(a->path, a->rule, a->key, b);
    if (c)
        return c;
    /* Ties: keep a deterministic informational message (the smallest). */
    if (!a->message || !b->message)
        return (a->message != NULL) - (b->message != NULL);
    return strcmp(a->message, b->message);
}

void baseline_finish(Baseline *b)
{
    if (b->finished)
        return;
    BaselineEntry *e = b->entries.contents;
    uint32_t n = b->entries.size;
    if (n > 1)
        qsort(e, n, sizeof *e, cmp_entry);
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (out && cmp_triple(e[i].path, e[i].rule, e[i].key, &e[out - 1]) == 0) {
            e[out - 1].count += e[i].count;
            e[out - 1].remaining += e[i].remaining;
        } else {
            e[out++] = e[i];
        }
    }
    b->entries.size = out;
    b->finished = true;
}

static BaselineEntry *lookup(Baseline *b, const char *path, const char *rule, const char *key)
{
    uint32_t lo = 0, hi = b->entries.size;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = cmp_triple(path, rule, key, &b->entries.contents[mid]);
        if (c == 0)
            return &b->entries.contents[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

uint32_t baseline_filter(Baseline *b, Finding *items, uint32_t n, uint32_t *stale)
{
    baseline_finish(b);
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        const Finding *f = &items[i];
        char key[FINDING_HASH_HEX + 1];
        finding_key_hash(f, key);
        BaselineEntry *e = lookup(b, finding_norm_path(f->path), f->rule ? f->rule->id : "", key);
        if (e && e->remaining > 0)
            e->remaining--;
        else
            items[out++] = items[i];
    }
    if (stale) {
        uint32_t left = 0;
        for (uint32_t i = 0; i < b->entries.size; i++)
            left += b->entries.contents[i].remaining;
        *stale = left;
    }
    return out;
}
