/* Engine parameter helpers (see params.h). */
#include "params.h"

#include <string.h>

uint32_t chk_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    uint32_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (uint32_t)j;
    for (size_t i = 1; i <= la; i++) {
        uint32_t prev = row[0];
        row[0] = (uint32_t)i;
        for (size_t j = 1; j <= lb; j++) {
            uint32_t cur = row[j];
            uint32_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *chk_closest(const char *s, const char *const *candidates)
{
    const char *best = NULL;
    uint32_t bd = 4;
    for (size_t i = 0; candidates && candidates[i]; i++) {
        uint32_t dd = chk_edit_distance(s, candidates[i]);
        if (dd < bd) {
            bd = dd;
            best = candidates[i];
        }
    }
    return best;
}

static bool allowed_key(const char *k, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(k, allowed[i]) == 0)
            return true;
    return false;
}

static bool validate_map(const Rule *r, const YNode *map, const char *const *allowed, Diag *d)
{
    bool ok = true;
    for (uint32_t i = 0; map && i < map->count; i++) {
        const char *k = map->keys[i];
        if (rules_is_meta_key(k) || allowed_key(k, allowed))
            continue;
        const char *hint = chk_closest(k, allowed);
        if (!hint)
            hint = chk_closest(k, rules_meta_keys());
        if (hint)
            ynode_error(d, map->key_nodes[i], "rule '%s': unknown key '%s' for check '%s' "
                        "(did you mean '%s'?)", r->id, k, r->check, hint);
        else
            ynode_error(d, map->key_nodes[i], "rule '%s': unknown key '%s' for check '%s'",
                        r->id, k, r->check);
        ok = false;
    }
    return ok;
}

bool chk_params_validate(const Rule *r, const char *const *allowed, Diag *d)
{
    bool ok = validate_map(r, r->node, allowed, d);
    for (uint32_t i = 0; i < r->nextends; i++)
        ok &= validate_map(r, r->extends[i], allowed, d);
    return ok;
}

static bool collect(const YNode *map, const char *key, Diag *d, const YNode **buf, uint32_t *n,
                    uint32_t cap)
{
    const YNode *v = map ? ynode_get(map, key) : NULL;
    if (!v)
        return true;
    if (v->kind == YNODE_MAP)
        return ynode_error(d, v, "expected a list for '%s', found a map", key);
    if (v->kind == YNODE_SCALAR) {
        if (buf && *n < cap)
            buf[*n] = v;
        (*n)++;
        return true;
    }
    for (uint32_t i = 0; i < v->count; i++) {
        if (buf && *n < cap)
            buf[*n] = v->items[i];
        (*n)++;
    }
    return true;
}

bool chk_param_items(const Rule *r, const char *key, Arena *a, Diag *d, const YNode ***out,
                     uint32_t *n)
{
    uint32_t count = 0;
    if (!collect(r->node, key, d, NULL, &count, 0))
        return false;
    for (uint32_t i = 0; i < r->nextends; i++)
        if (!collect(r->extends[i], key, d, NULL, &count, 0))
            return false;
    const YNode **buf = ARENA_ARRAY(a, const YNode *, count ? count : 1);
    uint32_t k = 0;
    collect(r->node, key, d, buf, &k, count);
    for (uint32_t i = 0; i < r->nextends; i++)
        collect(r->extends[i], key, d, buf, &k, count);
    *out = buf;
    *n = count;
    return true;
}

bool chk_param_patterns(const Rule *r, const char *key, bool exclude, bool required, Arena *a,
                        Diag *d, CallIndex *into)
{
    const YNode **items;
    uint32_t n;
    if (!chk_param_items(r, key, a, d, &items, &n))
        return false;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        CallPattern p;
        if (!chk_idx_parse(items[i], a, d, &p)) {
            ok = false;
            continue;
        }
        p.owner = r;
        p.exclude = exclude;
        chk_idx_add(into, a, &p);
    }
    if (required && !n)
        ok = ynode_error(d, r->node, "rule '%s': check '%s' needs '%s'", r->id, r->check, key);
    return ok;
}

bool chk_param_contexts(const Rule *r, Arena *a, Diag *d, uint32_t *bits)
{
    const YNode **items;
    uint32_t n;
    *bits = 0;
    if (!chk_param_items(r, "contexts", a, d, &items, &n))
        return false;
    bool ok = n > 0 || ynode_error(d, r->node, "rule '%s': check '%s' needs 'contexts'", r->id,
                                   r->check);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t bit = items[i]->kind == YNODE_SCALAR ? model_context_parse(items[i]->scalar) : 0;
        if (!bit)
            ok = ynode_error(d, items[i], "rule '%s': unknown context (expected async, loop, "
                             "signal or threadpool)", r->id);
        *bits |= bit;
    }
    return ok;
}

bool chk_param_bool(const Rule *r, const char *key, Diag *d, bool *out)
{
    const YNode *v = ynode_get(r->node, key);
    if (!v)
        return true;
    if (v->kind == YNODE_SCALAR && (strcmp(v->scalar, "true") == 0 || strcmp(v->scalar, "false") == 0)) {
        *out = strcmp(v->scalar, "true") == 0;
        return true;
    }
    return ynode_error(d, v, "rule '%s': '%s' must be true or false", r->id, key);
}
