/* The words that make a Python file without `async` worth parsing (see
 * ChkTriggers in registry.h). */
#include <string.h>

#include "../base/vec.h"
#include "registry.h"

typedef struct Collect {
    const RuleSet *rs;
    Arena *a;
    Vec(const char *) words; /* pairs */
    const YNode *returns[64];
    uint32_t nreturns;
    bool parse_all;
} Collect;

static bool pattern_like(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!(*p == '_' || *p == '.' || *p == '*' || (*p >= '0' && *p <= '9') ||
              ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
            return false;
    return true;
}

/* The first and last dotted segment of s, or NULL where one holds a `*`. */
static void ends(Arena *a, const char *s, const char **first, const char **last)
{
    const char *dot = strchr(s, '.'), *ldot = strrchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    *first = memchr(s, '*', n) || !n ? NULL : arena_strndup(a, s, n);
    const char *l = ldot ? ldot + 1 : s;
    *last = !dot || strchr(l, '*') || !*l ? NULL : arena_strdup(a, l);
}

static void clause(Collect *c, const char *x, const char *y)
{
    if (!x && !y) {
        c->parse_all = true;
        return;
    }
    vec_push(&c->words, x ? x : y);
    vec_push(&c->words, x ? y : NULL);
}

/* The root of a `returns` type (a dotted name, or the first of a tuple's). */
static const char *type_root(Arena *a, const YNode *v)
{
    while (v && v->kind == YNODE_SEQ)
        v = v->count ? v->items[0] : NULL;
    if (!v || v->kind != YNODE_SCALAR)
        return NULL;
    const char *first, *last;
    ends(a, v->scalar, &first, &last);
    return first;
}

static void pattern(Collect *c, const char *s)
{
    const char *first, *last;
    ends(c->a, s, &first, &last);
    clause(c, first, last);
    if (!first || !last)
        return;
    /* a value of a type named by a `returns` entry is made by the entry's call,
     * which the file may write without the type's module (`open()`) */
    for (uint32_t t = 0; t < c->nreturns; t++) {
        const YNode *m = c->returns[t];
        for (uint32_t i = 0; m->kind == YNODE_MAP && i < m->count; i++) {
            const char *root = type_root(c->a, m->items[i]);
            const char *kfirst, *klast;
            if (!root || strcmp(root, first) != 0)
                continue;
            ends(c->a, m->keys[i], &kfirst, &klast);
            clause(c, kfirst, last);
        }
    }
}

/* Every pattern in a parameter's value (a list of patterns, or of maps such
 * as `{call: ..., arg: 1}`). */
static void walk(Collect *c, const YNode *n, int depth)
{
    if (!n || depth > 16)
        return;
    if (n->kind == YNODE_SCALAR) {
        if (pattern_like(n->scalar))
            pattern(c, n->scalar);
        return;
    }
    for (uint32_t i = 0; i < n->count; i++)
        walk(c, n->items[i], depth + 1);
}

/* The rule's own trigger parameters, and those its `extend:` entries add. */
static void walk_rule(Collect *c, const Rule *r, const char *const *keys)
{
    for (const char *const *k = keys; *k; k++) {
        walk(c, r->node ? ynode_get(r->node, *k) : NULL, 0);
        for (uint32_t x = 0; x < r->nextends; x++)
            walk(c, ynode_get(r->extends[x], *k), 0);
    }
}

static void walk_table(Collect *c, const char *key)
{
    const YNode *tables[64];
    uint32_t nt = rules_pack_tables(c->rs, LANG_PYTHON, key, tables, 64);
    for (uint32_t t = 0; t < nt && t < 64; t++)
        walk(c, tables[t], 0);
}

void chk_env_triggers(const ChkEnv *env, ChkTriggers *out, Arena *a)
{
    Collect c = {.rs = env->rs, .a = a};
    vec_init(&c.words);
    c.nreturns = rules_pack_tables(env->rs, LANG_PYTHON, "returns", c.returns, 64);
    if (c.nreturns > 64)
        c.nreturns = 64;
    bool coroutines = false;
    const char *tables[8];
    uint32_t ntables = 0;
    for (uint32_t i = 0; i < env->rs->nrules; i++) {
        const Rule *r = env->rs->rules[i];
        const CheckEngine *e = r->engine;
        if (!e || !r->enabled || r->language != LANG_PYTHON || e->async_only)
            continue;
        if (!e->trigger_keys && !e->trigger_table && !e->trigger_coroutines)
            c.parse_all = true; /* nothing says what starts it */
        if (e->trigger_keys)
            walk_rule(&c, r, e->trigger_keys);
        coroutines |= e->trigger_coroutines;
        bool seen = false; /* each table once */
        for (uint32_t t = 0; e->trigger_table && t < ntables; t++)
            seen |= strcmp(tables[t], e->trigger_table) == 0;
        if (e->trigger_table && !seen && ntables < 8)
            walk_table(&c, tables[ntables++] = e->trigger_table);
    }
    out->nclauses = c.words.size / 2;
    out->clauses = (const char *(*)[2])ARENA_ARRAY(c.a, const char *, c.words.size + 2);
    if (c.words.size)
        memcpy(out->clauses, c.words.contents, c.words.size * sizeof(const char *));
    out->project_coroutines = coroutines;
    out->parse_all = c.parse_all;
    vec_free(&c.words);
}
