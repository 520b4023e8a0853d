/* The Project: per-file summaries and their linking (see project.h). */
#include "project.h"

#include <stdio.h>
#include <string.h>

#include "../base/pool.h"
#include "../base/xalloc.h"
#include "project_int.h"

void project_file_init(ProjectFile *pf, const char *path, Lang lang)
{
    project_file_init_in(pf, path, lang, NULL);
}

void project_file_init_in(ProjectFile *pf, const char *path, Lang lang, Arena *parent)
{
    memset(pf, 0, sizeof *pf);
    if (parent)
        arena_init_child(&pf->arena, parent, 1024);
    else
        arena_init_sized(&pf->arena, 1024);
    strpool_init_sized(&pf->names, &pf->arena, 16);
    pf->path = arena_strdup(&pf->arena, path);
    pf->lang = lang;
}

void project_file_free(ProjectFile *pf)
{
    for (uint32_t i = 0; i < pf->funcs.size; i++)
        vec_free(&pf->funcs.contents[i].facts);
    vec_free(&pf->funcs);
    vec_free(&pf->qhash);
    vec_free(&pf->calls);
    vec_free(&pf->regs);
    vec_free(&pf->aliases);
    vec_free(&pf->cands);
    strpool_free(&pf->names);
    arena_free(&pf->arena);
}

const char *project_intern(ProjectFile *pf, Str s)
{
    return strpool_intern(&pf->names, s).ptr;
}

const char *project_intern_join(ProjectFile *pf, Str x, const char *sep, Str y, Str z)
{
    char buf[512];
    size_t ns = sep ? strlen(sep) : 0, n = (size_t)x.len + ns + y.len + z.len;
    if (n > sizeof buf) { /* rare: a long dotted name, joined in the arena */
        Str xy = str_join(&pf->arena, x, sep, y);
        return project_intern(pf, z.len ? str_join(&pf->arena, xy, NULL, z) : xy);
    }
    char *p = buf;
    if (x.len)
        p = (char *)memcpy(p, x.ptr, x.len) + x.len;
    if (ns)
        p = (char *)memcpy(p, sep, ns) + ns;
    if (y.len)
        p = (char *)memcpy(p, y.ptr, y.len) + y.len;
    if (z.len)
        memcpy(p, z.ptr, z.len);
    return project_intern(pf, str_make(buf, (uint32_t)n));
}

void project_file_seal(ProjectFile *pf)
{
    strpool_free(&pf->names);
    arena_trim(&pf->arena);
    vec_shrink(&pf->funcs);
    vec_shrink(&pf->qhash);
    vec_shrink(&pf->calls);
    vec_shrink(&pf->regs);
    vec_shrink(&pf->aliases);
    vec_shrink(&pf->cands);
}

/* `pkg.mod` + `Class.method`, or the function name alone for C / no module. */
static const char *qualify(ProjectFile *pf, Str qualname)
{
    if (!pf->module || !pf->module[0])
        return project_intern(pf, qualname);
    if (!qualname.len)
        return pf->module;
    Str m = str_from(pf->module);
    return project_intern_join(pf, m, ".", qualname, STR_NULL);
}

const char *project_absolute(ProjectFile *pf, Str rel)
{
    uint32_t level = 0;
    while (level < rel.len && rel.ptr[level] == '.')
        level++;
    Str rest = str_make(rel.ptr + level, rel.len - level);
    if (!level)
        return project_intern(pf, rel);
    /* The package of a module is its name minus the last part; a package's
     * __init__ is its own package. Each further dot climbs one level. */
    Str base = str_from(pf->module ? pf->module : "");
    uint32_t climb = level - (pf->is_package ? 1 : 0);
    for (uint32_t i = 0; i < climb; i++) {
        int32_t dot = str_rfind(base, '.');
        base.len = dot < 0 ? 0 : (uint32_t)dot;
    }
    if (!base.len)
        return project_intern(pf, rest);
    if (!rest.len)
        return project_intern(pf, base);
    return project_intern_join(pf, base, ".", rest, STR_NULL);
}

static void add_function(ProjectFile *pf, const Unit *u, const Function *fn)
{
    ProjectFunc f;
    memset(&f, 0, sizeof f);
    f.qualname = qualify(pf, fn->qualname);
    f.name = project_intern(pf, fn->name);
    f.block_fact = f.block_call = -1;
    if (fn->is_async)
        f.flags |= PF_ASYNC;
    if (fn->is_generator)
        f.flags |= PF_GENERATOR;
    for (uint32_t k = 0; u->lang == LANG_C && k < fn->ndecorators; k++)
        if (str_eq_c(fn->decorators[k], "static"))
            f.flags |= PF_STATIC;
    if (fn->cls >= 0) {
        f.flags |= PF_METHOD;
        /* the class comes first in the file: its entry holds the name already */
        f.cls = (uint32_t)fn->cls < pf->funcs.size ? pf->funcs.contents[fn->cls].qualname
                                                    : qualify(pf, u->funcs[fn->cls].qualname);
    }
    if (fn->kind == FN_CLASS) {
        f.flags |= PF_CLASS;
        f.nbases = fn->nbases;
        f.bases = ARENA_ARRAY(&pf->arena, const char *, fn->nbases ? fn->nbases : 1);
        for (uint32_t b = 0; b < fn->nbases; b++) {
            Str base = fn->bases[b];
            /* a base defined in this module is qualified like the class */
            bool local = str_find(base, '.') < 0 && unit_binds(u, base);
            f.bases[b] = local ? qualify(pf, base) : project_absolute(pf, base);
        }
    }
    unit_pos(u, fn->name_off, &f.line, &f.col);
    vec_push(&pf->funcs, f);
    vec_push(&pf->qhash, str_hash(str_from(f.qualname)));
}

void project_file_from_unit(ProjectFile *pf, const Unit *u)
{
    const char *base = strrchr(pf->path, '/');
    base = base ? base + 1 : pf->path; /* `my__init__.py` is no package */
    pf->is_package = strcmp(base, "__init__.py") == 0 || strcmp(base, "__init__.pyi") == 0;
    /* the names the summary will intern: about 0.6 per site over the stdlib
     * (grown from a few slots, the pool was rehashed 2.5 times per file) */
    strpool_reserve(&pf->names, u->nsites / 8 * 5 + u->nfuncs + 16);
    /* one entry per function: room made once, not grown by doubling */
    vec_reserve(&pf->funcs, pf->funcs.size + u->nfuncs);
    vec_reserve(&pf->qhash, pf->qhash.size + u->nfuncs);
    for (uint32_t i = 0; i < u->nfuncs; i++)
        add_function(pf, u, &u->funcs[i]);
    if (!pf->module)
        return;
    for (uint32_t i = 0; i < u->nimports; i++) {
        const Import *im = &u->imports[i];
        if (im->func != 0)
            continue;
        ProjectAlias a = {qualify(pf, im->local), project_absolute(pf, im->qualified), 0, 0};
        if (strcmp(a.name, a.target) == 0)
            continue;
        Str n = str_from(a.name);
        a.len = n.len;
        a.hash = str_hash(n);
        vec_push(&pf->aliases, a);
    }
}

/* ---- linking -------------------------------------------------------------------------- */

void project_init(Project *p)
{
    memset(p, 0, sizeof *p);
    arena_init(&p->arena);
}

void project_free(Project *p)
{
    project_edges_free(p);
    xfree(p->slots);
    xfree(p->refs);
    xfree(p->bloom.bits);
    xfree(p->abloom.bits);
    xfree(p->aslots);
    xfree(p->aliases);
    arena_free(&p->arena);
    memset(p, 0, sizeof *p);
}

static uint32_t table_cap(uint32_t n)
{
    uint32_t cap = 64;
    while (cap < n * 2 + 1)
        cap *= 2;
    return cap;
}

/* A bit set of about 8 bits per name (two set per name: ~5% false positives). */
static void bloom_init(ProjectBloom *b, uint32_t table_cap)
{
    b->nbits = table_cap * 4;
    b->bits = xcalloc(b->nbits / 64, sizeof *b->bits);
}

/* The two bits of hash h. */
static uint32_t bloom_bit1(const ProjectBloom *b, uint32_t h)
{
    return h & (b->nbits - 1);
}

static uint32_t bloom_bit2(const ProjectBloom *b, uint32_t h)
{
    return (h * 0x9E3779B1u >> 7 ^ h >> 19) & (b->nbits - 1);
}

static void bloom_add(ProjectBloom *b, uint32_t h)
{
    uint32_t x = bloom_bit1(b, h), y = bloom_bit2(b, h);
    b->bits[x / 64] |= 1ull << (x % 64);
    b->bits[y / 64] |= 1ull << (y % 64);
}

static bool bloom_may(const ProjectBloom *b, uint32_t h)
{
    uint32_t x = bloom_bit1(b, h), y = bloom_bit2(b, h);
    return (b->bits[x / 64] >> (x % 64) & 1) && (b->bits[y / 64] >> (y % 64) & 1);
}

/* Is the function of index slot s named `name` (whose hash is h)? */
static bool index_slot_is(const Project *p, struct ProjectSlot s, Str name, uint32_t h)
{
    if (s.hash != h)
        return false;
    const char *q = project_func(p, p->refs[s.func - 1])->qualname;
    return memcmp(q, name.ptr, name.len) == 0 && q[name.len] == '\0';
}

static void index_insert(Project *p, const char *name, uint32_t h, ProjectRef ref)
{
    bloom_add(&p->bloom, h);
    uint32_t i = h & (p->cap - 1);
    while (p->slots[i].func) {
        if (p->slots[i].hash == h &&
            strcmp(project_func(p, p->refs[p->slots[i].func - 1])->qualname, name) == 0) {
            /* First definition wins (deterministic: files are sorted). Two
             * scripts of one name (`examples/app.py`, `docs/app.py`: both
             * module `app`) define the same names: the second resolves its
             * own (resolve_name). */
            if (p->refs[p->slots[i].func - 1].file != ref.file)
                p->files[ref.file]->shadowed = true;
            return;
        }
        i = (i + 1) & (p->cap - 1);
    }
    p->refs[p->nrefs++] = ref;
    p->slots[i] = (struct ProjectSlot){h, p->nrefs};
}

/* The alias in slot s if it is called name (hash h). */
static const ProjectAlias *alias_slot_is(const Project *p, struct ProjectSlot s, Str name,
                                         uint32_t h)
{
    if (s.hash != h)
        return NULL;
    const ProjectAlias *a = p->aliases[s.func - 1];
    return a->len == name.len && memcmp(a->name, name.ptr, name.len) == 0 ? a : NULL;
}

static void alias_insert(Project *p, const ProjectAlias *a)
{
    uint32_t h = a->hash, i = h & (p->acap - 1);
    bloom_add(&p->abloom, h);
    while (p->aslots[i].func) {
        if (alias_slot_is(p, p->aslots[i], str_make(a->name, a->len), h))
            return; /* first definition wins, as for functions */
        i = (i + 1) & (p->acap - 1);
    }
    p->aliases[p->naliases++] = a;
    p->aslots[i] = (struct ProjectSlot){h, p->naliases};
}

static const char *alias_of(const Project *p, Str name)
{
    if (!p->acap)
        return NULL;
    uint32_t h = str_hash(name), i = h & (p->acap - 1);
    if (!bloom_may(&p->abloom, h))
        return NULL;
    while (p->aslots[i].func) {
        const ProjectAlias *a = alias_slot_is(p, p->aslots[i], name, h);
        if (a)
            return a->target;
        i = (i + 1) & (p->acap - 1);
    }
    return NULL;
}

static const ProjectFunc *exact(const Project *p, Str name, uint32_t h, ProjectRef *ref)
{
    if (!p->cap)
        return NULL;
    uint32_t i = h & (p->cap - 1);
    if (!bloom_may(&p->bloom, h))
        return NULL;
    while (p->slots[i].func) {
        if (index_slot_is(p, p->slots[i], name, h)) {
            ProjectRef r = p->refs[p->slots[i].func - 1];
            if (ref)
                *ref = r;
            return project_func(p, r);
        }
        i = (i + 1) & (p->cap - 1);
    }
    return NULL;
}

const ProjectFunc *project_func(const Project *p, ProjectRef r)
{
    return &p->files[r.file]->funcs.contents[r.func];
}

/* One name's search (project_lookup). A class hierarchy shares ancestors, and
 * without memory a diamond-shaped one is explored once per path: `seen` keeps
 * what each name looked up so far gave, so that an ancestor's method is looked
 * up once per search; `budget` still bounds the whole search. */
enum { SEARCH_SEEN = 64, SEARCH_BYTES = 4096, SEARCH_DEPTH = 8 };
typedef struct Search {
    int budget;
    uint32_t nseen, used;
    struct SearchSeen {
        uint32_t off, len, hash;
        int depth;      /* where it was looked up: the answer is reused there and
                           deeper (where a search has less depth left) */
        ProjectRef ref; /* file == UINT32_MAX: not found */
    } seen[SEARCH_SEEN];
    char names[SEARCH_BYTES];
} Search;

static const struct SearchSeen *search_seen(const Search *s, Str name, uint32_t h, int depth)
{
    for (uint32_t i = 0; i < s->nseen; i++) {
        const struct SearchSeen *e = &s->seen[i];
        if (e->hash == h && e->len == name.len && e->depth <= depth &&
            memcmp(s->names + e->off, name.ptr, name.len) == 0)
            return e;
    }
    return NULL;
}

static void search_remember(Search *s, Str name, uint32_t h, int depth, const ProjectRef *ref)
{
    if (s->nseen == SEARCH_SEEN || name.len > SEARCH_BYTES - s->used)
        return; /* a search this big is cut by its budget anyway */
    memcpy(s->names + s->used, name.ptr, name.len);
    s->seen[s->nseen++] = (struct SearchSeen){s->used, name.len, h, depth,
                                              ref ? *ref : (ProjectRef){UINT32_MAX, 0}};
    s->used += name.len;
}

static const ProjectFunc *lookup_depth(const Project *p, Str name, ProjectRef *ref, int depth,
                                       Search *s);

/* `x` + `y` into buf as a Str, or false if it does not fit. */
static bool join_into(char *buf, size_t cap, Str x, Str y, Str *out)
{
    if ((size_t)x.len + y.len >= cap)
        return false;
    memcpy(buf, x.ptr, x.len);
    memcpy(buf + x.len, y.ptr, y.len);
    buf[x.len + y.len] = '\0';
    *out = str_make(buf, x.len + y.len);
    return true;
}

/* `Cls.m` not defined on Cls: look in Cls's bases (in base order). */
static const ProjectFunc *inherited(const Project *p, Str name, ProjectRef *ref, int depth,
                                    Search *s)
{
    int32_t dot = str_rfind(name, '.');
    if (dot < 0 || dot >= 512)
        return NULL;
    const ProjectFunc *c = lookup_depth(p, str_make(name.ptr, (uint32_t)dot), NULL, depth + 1, s);
    if (!c || !(c->flags & PF_CLASS))
        return NULL;
    Str method = str_make(name.ptr + dot, name.len - (uint32_t)dot); /* `.m` */
    for (uint32_t b = 0; b < c->nbases; b++) {
        char full[640];
        Str f;
        if (!join_into(full, sizeof full, str_from(c->bases[b]), method, &f))
            continue;
        const ProjectFunc *fn = lookup_depth(p, f, ref, depth + 1, s);
        if (fn)
            return fn;
    }
    return NULL;
}

/* Resolves `a.b.c` where a prefix is an alias: `pkg.save` -> `pkg.repo.save`. */
static const ProjectFunc *through_alias(const Project *p, Str name, ProjectRef *ref, int depth,
                                        Search *s)
{
    if (name.len >= 640 || !p->acap)
        return NULL;
    /* the name itself, then each prefix ending before a dot, longest first */
    for (uint32_t cut = name.len; cut > 0;) {
        const char *target = alias_of(p, str_make(name.ptr, cut));
        if (target) {
            char full[640];
            Str f;
            if (!join_into(full, sizeof full, str_from(target),
                           str_make(name.ptr + cut, name.len - cut), &f))
                return NULL;
            return lookup_depth(p, f, ref, depth + 1, s);
        }
        const char *dot = memrchr(name.ptr, '.', cut);
        cut = dot ? (uint32_t)(dot - name.ptr) : 0;
    }
    return NULL;
}

/* lookup_depth of a name whose hash (str_hash) is h */
static const ProjectFunc *lookup_hashed(const Project *p, Str name, uint32_t h, ProjectRef *ref,
                                        int depth, Search *s)
{
    if (depth > SEARCH_DEPTH || --s->budget < 0)
        return NULL;
    const struct SearchSeen *seen = search_seen(s, name, h, depth);
    if (seen) {
        if (seen->ref.file == UINT32_MAX)
            return NULL;
        if (ref)
            *ref = seen->ref;
        return project_func(p, seen->ref);
    }
    ProjectRef r;
    const ProjectFunc *f = exact(p, name, h, &r);
    if (!f)
        f = through_alias(p, name, &r, depth, s);
    if (!f)
        f = inherited(p, name, &r, depth, s);
    search_remember(s, name, h, depth, f ? &r : NULL);
    if (f && ref)
        *ref = r;
    return f;
}

static const ProjectFunc *lookup_depth(const Project *p, Str name, ProjectRef *ref, int depth,
                                       Search *s)
{
    return lookup_hashed(p, name, str_hash(name), ref, depth, s);
}

static void search_init(Search *s)
{
    s->budget = 256;
    s->nseen = s->used = 0;
}

const ProjectFunc *project_lookup(const Project *p, const char *qualname, ProjectRef *ref)
{
    if (!qualname)
        return NULL;
    Search s;
    search_init(&s);
    return lookup_depth(p, str_from(qualname), ref, 0, &s);
}

const ProjectFunc *project_call_target(const Project *p, const ProjectCall *c)
{
    if (c->target_file == UINT32_MAX)
        return NULL;
    return project_func(p, (ProjectRef){c->target_file, c->target_func});
}

bool project_call_runs_target(const Project *p, const ProjectCall *c)
{
    const ProjectFunc *t = project_call_target(p, c);
    if (!t || (t->flags & PF_DEFERRED))
        return false;
    return !(c->flags & PC_LAZY) || (t->flags & (PF_GENERATOR | PF_ASYNC)) != PF_GENERATOR;
}

/* The name index of every function but C statics, in file order (the first
 * definition of a name wins: files are sorted, so the choice is the same in
 * every run). The table is far bigger than the caches and each insert lands on
 * a random slot: slots are prefetched INDEX_AHEAD functions ahead of their
 * insert, so the misses overlap. The hashes come with the summaries (qhash):
 * a name is read again only to tell a repeated definition. */
static void index_functions(Project *p, uint32_t total)
{
    p->cap = table_cap(total);
    p->slots = xcalloc(p->cap, sizeof *p->slots);
    p->refs = xcalloc(total ? total : 1, sizeof *p->refs);
    bloom_init(&p->bloom, p->cap);
    enum { INDEX_AHEAD = 16 };
    struct { const char *name; uint32_t hash; ProjectRef ref; } ring[INDEX_AHEAD];
    uint32_t queued = 0;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->funcs.size; i++) {
            if (pf->funcs.contents[i].flags & PF_STATIC)
                continue;
            uint32_t k = queued++ % INDEX_AHEAD;
            if (queued > INDEX_AHEAD)
                index_insert(p, ring[k].name, ring[k].hash, ring[k].ref);
            uint32_t h = pf->qhash.contents[i];
            __builtin_prefetch(&p->slots[h & (p->cap - 1)], 1);
            ring[k].name = pf->funcs.contents[i].qualname;
            ring[k].hash = h;
            ring[k].ref = (ProjectRef){f, i};
        }
    }
    /* the last ones, in the order they were queued */
    for (uint32_t j = queued > INDEX_AHEAD ? queued - INDEX_AHEAD : 0; j < queued; j++) {
        uint32_t k = j % INDEX_AHEAD;
        index_insert(p, ring[k].name, ring[k].hash, ring[k].ref);
    }
}

static void index_aliases(Project *p, uint32_t aliases)
{
    p->acap = table_cap(aliases);
    p->aslots = xcalloc(p->acap, sizeof *p->aslots);
    p->aliases = xcalloc(aliases ? aliases : 1, sizeof *p->aliases);
    bloom_init(&p->abloom, p->acap);
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->aliases.size; i++)
            alias_insert(p, &pf->aliases.contents[i]);
    }
}

typedef struct IndexJob {
    Project *p;
    uint32_t funcs, aliases;
} IndexJob;

static void index_one(void *ctx, size_t which, unsigned worker)
{
    (void)worker;
    IndexJob *job = ctx;
    if (which == 0)
        index_functions(job->p, job->funcs);
    else
        index_aliases(job->p, job->aliases);
}

/* The two tables share nothing: with two threads, each builds one. */
static void build_indexes(Project *p)
{
    IndexJob job = {p, 0, 0};
    for (uint32_t f = 0; f < p->nfiles; f++) {
        job.funcs += p->files[f]->funcs.size;
        job.aliases += p->files[f]->aliases.size;
    }
    pool_run(2, p->jobs > 1 ? 2 : 1, index_one, &job);
}

/* The file's own function called `name` (only C statics with `statics`). */
static bool local_def(const ProjectFile *pf, const char *name, bool statics, uint32_t *idx)
{
    for (uint32_t i = 0; i < pf->funcs.size; i++) {
        const ProjectFunc *f = &pf->funcs.contents[i];
        if ((!statics || (f->flags & PF_STATIC)) && strcmp(f->qualname, name) == 0) {
            *idx = i;
            return true;
        }
    }
    return false;
}

/* The same names are called from file after file (`os.path.join`, a
 * project's own helpers): each resolving thread keeps the last answer for each
 * of LOOKUP_CACHE slots, direct-mapped on the name's hash. A search's answer
 * depends on the name alone (the indexes are only read, a search starts with a
 * full budget), so a kept answer is the one a new search would give, whatever
 * files a thread was given before. The names stay in their files' arenas. */
enum { LOOKUP_CACHE = 1 << 15 };
typedef struct LookupCache {
    struct LookupSlot {
        const char *name;
        ProjectRef ref; /* file == UINT32_MAX: does not resolve */
        uint32_t hash;
    } slot[LOOKUP_CACHE];
} LookupCache;

static ProjectRef cached_lookup(const Project *p, LookupCache *lc, const char *name)
{
    Str n = str_from(name);
    uint32_t h = str_hash(n);
    struct LookupSlot *e = &lc->slot[h & (LOOKUP_CACHE - 1)];
    if (e->name && e->hash == h && strcmp(e->name, name) == 0)
        return e->ref;
    Search s;
    search_init(&s);
    ProjectRef r;
    if (!lookup_hashed(p, n, h, &r, 0, &s))
        r.file = UINT32_MAX;
    *e = (struct LookupSlot){name, r, h};
    return r;
}

/* What `name`, called in file `file`, reaches: a C static of that file, or the
 * run's function of that name (through lc when given), or the file's own
 * definition where another file's of the same name came first;
 * file == UINT32_MAX if none. */
static ProjectRef resolve_name(const Project *p, uint32_t file, const char *name,
                               LookupCache *lc)
{
    const ProjectFile *pf = p->files[file];
    uint32_t idx;
    if (pf->lang == LANG_C && local_def(pf, name, true, &idx))
        return (ProjectRef){file, idx};
    ProjectRef r;
    if (lc)
        r = cached_lookup(p, lc, name);
    else if (!project_lookup(p, name, &r))
        r.file = UINT32_MAX;
    if (pf->shadowed && r.file != file && local_def(pf, name, false, &idx))
        r = (ProjectRef){file, idx};
    return r;
}

/* Callee names are interned per file, and a file calls the same few names
 * over and over: each distinct name is resolved once per file (a memo keyed on
 * the interned pointer), which matters because a failed lookup tries every
 * alias prefix and base class. */
typedef struct ResolveMemo {
    const char **keys;
    ProjectRef *refs; /* file == UINT32_MAX: does not resolve */
    uint32_t cap;
} ResolveMemo;

static ProjectRef memo_resolve(const Project *p, uint32_t f, ResolveMemo *m, LookupCache *lc,
                               const char *name)
{
    uint32_t i = (uint32_t)(((uintptr_t)name >> 4) * 2654435761u) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != name)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        m->keys[i] = name;
        m->refs[i] = resolve_name(p, f, name, lc);
    }
    return m->refs[i];
}

typedef struct ResolveJob {
    Project *p;
    LookupCache *caches; /* one per thread */
} ResolveJob;

/* One file's calls; files are independent (the indexes are only read), so the
 * pool runs them in parallel. */
static void resolve_file_calls(void *ctx, size_t f, unsigned worker)
{
    ResolveJob *job = ctx;
    Project *p = job->p;
    ProjectFile *pf = p->files[f];
    if (!pf->calls.size)
        return;
    ResolveMemo m = {0};
    m.cap = table_cap(pf->calls.size);
    m.keys = xcalloc(m.cap, sizeof *m.keys);
    m.refs = xcalloc(m.cap, sizeof *m.refs);
    for (uint32_t i = 0; i < pf->calls.size; i++) {
        ProjectCall *c = &pf->calls.contents[i];
        c->target_file = UINT32_MAX;
        if (!c->callee)
            continue;
        ProjectRef r = memo_resolve(p, (uint32_t)f, &m, &job->caches[worker], c->callee);
        c->target_file = r.file;
        c->target_func = r.func;
    }
    xfree(m.keys);
    xfree(m.refs);
    project_edges_count(p, (uint32_t)f);
}

static void resolve_calls(Project *p)
{
    unsigned threads = p->jobs ? p->jobs : 1;
    ResolveJob job = {p, xcalloc(threads, sizeof(LookupCache))};
    pool_run(p->nfiles, threads, resolve_file_calls, &job);
    xfree(job.caches);
}

static void apply_registrations(Project *p)
{
    for (uint32_t f = 0; f < p->nfiles; f++) {
        ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->regs.size; i++) {
            const ProjectReg *reg = &pf->regs.contents[i];
            ProjectRef r = resolve_name(p, f, reg->func, NULL);
            if (r.file == UINT32_MAX)
                continue;
            ProjectFunc *fn = &p->files[r.file]->funcs.contents[r.func];
            if (!fn->context_via)
                fn->context_via = reg->via;
            fn->context |= reg->context;
        }
    }
}

void project_link(Project *p, ProjectFile **files, uint32_t n)
{
    p->files = files;
    p->nfiles = n;
    build_indexes(p);
    project_edges_begin(p);
    resolve_calls(p);
    apply_registrations(p);
    project_compute_blocks(p);
}
