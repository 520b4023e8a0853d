/* Unit lifecycle and small queries over the model (see model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

Unit *unit_new(const char *path, Lang lang, const char *src, uint32_t len)
{
    Unit *u = xcalloc(1, sizeof *u);
    arena_init(&u->arena);
    /* about one distinct name per 120 bytes of source (the stdlib's average:
     * 1.03 M names in 128 MB): start near twice that, and the pool grows if a
     * file has more. (At len / 20 the pools were ten times their names: 165 MB
     * of slots zeroed over the stdlib, the big ones fresh pages each.) */
    strpool_init_sized(&u->names, &u->arena, len / 64 + 64);
    u->path = arena_strdup(&u->arena, path);
    u->lang = lang;
    u->src = src;
    u->len = len;
    lines_build(&u->lines, &u->arena, src, len);
    return u;
}

void unit_free(Unit *u)
{
    if (!u)
        return;
    if (u->check_cache && u->check_cache_free)
        u->check_cache_free(u->check_cache);
    strpool_free(&u->names);
    arena_free(&u->arena);
    xfree(u->owned_sites);
    xfree(u->bound_set);
    xfree(u);
}

void unit_index_sites(Unit *u)
{
    uint32_t *count = xcalloc(u->nfuncs ? u->nfuncs : 1, sizeof *count);
    for (uint32_t i = 0; i < u->nsites; i++)
        count[u->sites[i].func]++;
    for (uint32_t f = 0; f < u->nfuncs; f++) {
        u->funcs[f].sites = ARENA_ARRAY(&u->arena, uint32_t, count[f]);
        u->funcs[f].nsites = 0;
    }
    for (uint32_t i = 0; i < u->nsites; i++) {
        Function *fn = &u->funcs[u->sites[i].func];
        fn->sites[fn->nsites++] = i;
    }
    xfree(count);
}

void unit_pos(const Unit *u, uint32_t off, uint32_t *line, uint32_t *col)
{
    lines_pos(&u->lines, off, line, col);
}

Str unit_arg_source(const Unit *u, const Arg *a)
{
    uint32_t s = a->off, e = a->end;
    while (s < e && (u->src[s] == ' ' || u->src[s] == '\t'))
        s++;
    while (e > s && (u->src[e - 1] == ' ' || u->src[e - 1] == '\t'))
        e--;
    return str_make(u->src + s, e - s);
}

bool unit_binds(const Unit *u, Str name)
{
    return u->bound_set && name.ptr &&
           u->bound_set[unit_ptr_slot(u->bound_set, u->bound_cap, name.ptr)];
}

bool unit_is_async_context(const Unit *u, int32_t f)
{
    if (f < 0 || (uint32_t)f >= u->nfuncs)
        return false;
    const Function *fn = &u->funcs[f];
    return fn->kind == FN_DEF && fn->is_async;
}

const char *model_use_name(Use use)
{
    static const char *const names[] = {
        "discarded", "awaited",       "bound",    "returned", "argument", "stored",
        "context",   "async-context", "receiver", "element",  "iterated", "operand",
    };
    return (unsigned)use < sizeof names / sizeof *names ? names[use] : "?";
}

uint32_t model_context_parse(const char *name)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } ctx[] = {{"async", CTX_ASYNC}, {"loop", CTX_LOOP}, {"threadpool", CTX_THREADPOOL},
               {"signal", CTX_SIGNAL}};
    for (size_t i = 0; i < sizeof ctx / sizeof *ctx; i++)
        if (strcmp(ctx[i].name, name) == 0)
            return ctx[i].bit;
    return 0;
}

/* The USE sites of each name, in site order: the interned name's slot in
 * `names` (unit_ptr_slot) gives its run sites[start[k] .. start[k] + count[k]). */
struct UnitUses {
    const char **names; /* a pointer set: NULL slots empty */
    uint32_t *start;    /* per slot: its first entry in `sites` */
    uint32_t *count;    /* per slot: its number of uses */
    uint32_t *sites;    /* the USE sites, grouped by name, each group in site order */
    uint32_t cap;
};

static void build_uses(const Unit *cu)
{
    Unit *u = (Unit *)cu; /* a lazily built cache: the Unit's owner thread only */
    struct UnitUses *ix = ARENA_NEW(&u->arena, struct UnitUses);
    uint32_t n = 0;
    for (uint32_t i = 0; i < u->nsites; i++)
        n += u->sites[i].kind == SITE_USE;
    ix->cap = 16;
    while (ix->cap < 2 * n)
        ix->cap *= 2;
    ix->names = ARENA_ARRAY(&u->arena, const char *, ix->cap);
    ix->count = ARENA_ARRAY(&u->arena, uint32_t, ix->cap);
    /* read only where set: occupied slots */
    ix->start = arena_alloc_raw(&u->arena, sizeof(uint32_t) * ix->cap);
    ix->sites = arena_alloc_raw(&u->arena, sizeof(uint32_t) * (n ? n : 1));
    for (uint32_t i = 0; i < u->nsites; i++) {
        if (u->sites[i].kind != SITE_USE)
            continue;
        uint32_t k = unit_ptr_slot(ix->names, ix->cap, u->sites[i].text.ptr);
        ix->names[k] = u->sites[i].text.ptr;
        ix->count[k]++;
    }
    uint32_t at = 0;
    for (uint32_t k = 0; k < ix->cap; k++)
        if (ix->names[k]) {
            ix->start[k] = at;
            at += ix->count[k];
            ix->count[k] = 0; /* counted again as the group fills */
        }
    for (uint32_t i = 0; i < u->nsites; i++) {
        if (u->sites[i].kind != SITE_USE)
            continue;
        uint32_t k = unit_ptr_slot(ix->names, ix->cap, u->sites[i].text.ptr);
        ix->sites[ix->start[k] + ix->count[k]++] = i;
    }
    u->uses = ix;
}

static bool within(const Unit *u, int32_t f, int32_t outer)
{
    for (int hops = 0; f >= 0 && hops < 1000; hops++, f = u->funcs[f].parent)
        if (f == outer)
            return true;
    return false;
}

static bool shares_loop(const Unit *u, const Site *use, const Site *s)
{
    for (int32_t l = s->loop; l >= 0; l = u->sites[l].loop)
        for (int32_t m = use->loop; m >= 0; m = u->sites[m].loop)
            if (l == m)
                return true;
    return false;
}

bool unit_name_used_after(const Unit *u, const Site *s, Str name)
{
    if (!u->uses)
        build_uses(u);
    const struct UnitUses *ix = u->uses;
    if (!name.ptr)
        return false;
    uint32_t k = unit_ptr_slot(ix->names, ix->cap, name.ptr);
    if (!ix->names[k])
        return false;
    /* Any qualifying use will do. A bound name is mostly read soon after its
     * binding: the uses after s's site come first (from a binary search of
     * the group), then, if none qualifies, those before it (a loop's earlier
     * lines; a use whose offset is after s but whose site was made first). */
    const uint32_t *g = ix->sites + ix->start[k], n = ix->count[k];
    uint32_t si = (uint32_t)(s - u->sites), lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g[mid] <= si)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t j = 0; j < n; j++) {
        const Site *use = &u->sites[g[(lo + j) % n]];
        /* a USE_STORED use is still a read: `self.c = c` keeps c's value */
        if (!within(u, use->func, s->func))
            continue;
        if (use->off > s->off || shares_loop(u, use, s))
            return true;
    }
    return false;
}

/* (parent, name) -> function, open addressing on the name's bytes. */
struct UnitFuncs {
    int32_t *slots; /* function index + 1; 0 = empty */
    uint32_t cap;
};

static uint32_t func_slot(const Unit *u, const struct UnitFuncs *ix, int32_t parent, Str name)
{
    uint32_t i = (str_hash(name) ^ (uint32_t)parent * 0x9E3779B9u) & (ix->cap - 1);
    while (ix->slots[i]) {
        const Function *fn = &u->funcs[ix->slots[i] - 1];
        if (fn->parent == parent && str_eq(fn->name, name))
            break;
        i = (i + 1) & (ix->cap - 1);
    }
    return i;
}

static void build_funcs(const Unit *cu)
{
    Unit *u = (Unit *)cu; /* a lazily built cache: the Unit's owner thread only */
    struct UnitFuncs *ix = ARENA_NEW(&u->arena, struct UnitFuncs);
    ix->cap = 16;
    while (ix->cap < u->nfuncs * 2 + 2)
        ix->cap *= 2;
    ix->slots = ARENA_ARRAY(&u->arena, int32_t, ix->cap);
    for (uint32_t f = 1; f < u->nfuncs; f++) {
        const Function *fn = &u->funcs[f];
        if (fn->kind == FN_LAMBDA)
            continue;
        uint32_t i = func_slot(u, ix, fn->parent, fn->name);
        if (!ix->slots[i])
            ix->slots[i] = (int32_t)f + 1; /* the first definition of a name wins */
    }
    u->fnindex = ix;
}

int32_t unit_find_function(const Unit *u, int32_t parent, Str name)
{
    if (!u->fnindex)
        build_funcs(u);
    uint32_t i = func_slot(u, u->fnindex, parent, name);
    return u->fnindex->slots[i] - 1;
}

int32_t unit_visible_function(const Unit *u, int32_t f, Str name)
{
    int32_t fi = f > 0 ? unit_find_function(u, f, name) : -1;
    return fi >= 0 ? fi : unit_find_function(u, 0, name);
}
