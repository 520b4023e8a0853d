/* Which Python files a check run parses (see select.h).
 *
 * Three things make a waiting file (one without `async`/`await`) be parsed:
 *   - a clause of the packs (ChkTriggers): it may call what a rule that also
 *     reports in plain functions looks for;
 *   - a clause of the run's coroutine functions: it may call one (AL201); a
 *     call of `fetch` of module `pkg.client` is written with the words `fetch`
 *     and `client` (its import), a call of a coroutine method with the method's
 *     name and the module word of a class that has it (its own, a subclass's,
 *     a re-export's);
 *   - a parsed file needs its module: the link will look a name up there. The
 *     selector follows the link's own lookup (project.c: exact name, then
 *     re-exports, then base classes) for the names whose answer can change a
 *     finding: the calls made in async contexts and, transitively, the calls
 *     of every function they reach (AL109's chains), and the engines'
 *     candidates. Each module a lookup passes through is parsed; a lookup that
 *     passed through a module not parsed yet is done again in the next round.
 * A call that may reach a coroutine function needs no lookup: each file such
 * a lookup can pass through (a re-export, a subclass) writes the words of a
 * coroutine clause, and is parsed for them.
 *
 * When the waiting files are no bigger than the parsed ones (an async
 * project), choosing would cost more than it saves: they are all parsed. */
#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "../base/vec.h"
#include "../base/xalloc.h"
#include "../lang/python/pyscan.h"

enum { WAITING = 1, PARSE = 2 }; /* per file: kept its words / taken for a round */
/* The link's search stops at depth 8 and 256 steps, with a memory of the
 * names it looked up; this one has no memory (a diamond of bases is walked
 * once per path), so it gets more steps to reach at least as far. */
enum { LOOKUP_DEPTH = 10, LOOKUP_BUDGET = 4096 };

/* How a file imports module m (its first n bytes): by the module's last
 * component (`from pkg.sub.mod import f`, `from .mod import f`, `mod.f()`);
 * outside the package that holds m, by that package's last component too
 * (`sub`: only a file inside it can import m relatively); and outside the
 * top-level package, by its name as well (`pkg`: an absolute import). */
typedef struct Where {
    uint32_t word;       /* 0: m unknown */
    uint32_t parent;     /* the package's last component, 0: m is top-level */
    uint32_t root;       /* the top-level package's name */
    const char *package; /* the package (its first plen bytes; the top-level
                            one is its first rlen) */
    uint32_t plen, rlen;
} Where;

typedef struct Clause {
    uint32_t a, b;       /* word hashes; b 0: a alone */
    Where w;             /* of a coroutine clause: where the module is (see Where) */
} Clause;

/* One name of the run: what parsed files define, re-export and look up under it. */
typedef struct Entry {
    const char *name;
    uint32_t defs;        /* head of the Def list + 1 */
    uint32_t aliases;     /* head of the Alias list + 1 */
    uint32_t methods;     /* a class with coroutine methods: index into Methods + 1 */
    uint32_t found;       /* what the lookup found: entry index + 1 */
    uint32_t retry;       /* the round whose retry list holds it (+1), with retry_follow */
    uint8_t looked;       /* 1: looked up and done; 2: done and followed */
    bool retry_follow;
} Entry;

typedef struct Def {
    uint32_t file, func; /* index into AppSelect.files; function of that summary */
    uint32_t next;
} Def;

typedef struct Alias {
    const char *target;
    uint32_t next;
} Alias;

typedef Vec(uint32_t) Methods; /* word hashes of a class's coroutine methods, inherited too */

/* A class of a parsed file: learn_classes goes over these, not every function. */
typedef struct ClassRef {
    uint32_t file, func; /* as in Def */
    uint32_t entry;      /* its Entry's index */
} ClassRef;

typedef struct Known {
    const ProjectFile *pf;
    uint8_t *reached; /* per function: 1 reached from an async context, 2 its calls followed
                         (3 while they are) */
    bool dirty;       /* a function was reached since its calls were last followed */
} Known;

typedef struct Want {
    const char *name;
    bool follow;
} Want;
typedef Vec(Want) Wants;

struct AppSelect {
    uint32_t nfiles;
    const char *const *modules;
    uint8_t *state;          /* per file; 0: parsed in the first round (or not Python) */
    PyWords *words;          /* per WAITING file: its words */
    uint32_t async_h, await_h;
    Clause *clauses;         /* the packs' (ChkTriggers), hashed */
    uint32_t nclauses;
    bool project_coroutines;
    bool parse_all;
    StrMap modules_files;    /* module name -> first file with it + 1 (chains in next_file) */
    uint32_t *next_file;     /* per file: the next file with the same module + 1 */
    size_t *bytes;           /* per Python file: its size */
    bool all_taken;          /* the waiting files were too few to choose among */
    bool all_predicted;      /* ... as the sample said: the rest were parsed at once */
    Vec(uint32_t) out;       /* the files of the next round */
    uint32_t pending;        /* lookups that passed through a file of `out` */
    uint32_t round;          /* app_select_next calls so far */
    /* the summaries learned so far, and the names they define */
    Vec(Known) files;
    Arena arena;             /* names made by lookups (`base.method`, `target.rest`) */
    Vec(Entry) entries;
    StrMap names;            /* name -> its entry's index + 1 */
    Vec(Def) defs;
    Vec(Alias) aliases;
    Vec(ClassRef) classes;                /* every class learned */
    Vec(const ProjectAlias *) reexports;  /* every re-export learned */
    Vec(Methods) methods;
    Wants retry;
    PyWords coroutines;      /* names of the run's coroutine functions and re-exports */
    PyWords class_names;     /* names of classes with coroutine methods */
    PyWords clause_set;      /* every coroutine clause made (deduplicated) */
    Vec(Clause) fresh;       /* coroutine clauses not yet matched against waiting files */
};

static uint32_t word_hash(const char *s)
{
    return pyscan_hash(s, strlen(s));
}

static const char *last_part(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}


static Where module_where(const char *m, size_t n)
{
    if (!m || !n)
        return (Where){0, 0, 0, NULL, 0, 0};
    const char *last = memrchr(m, '.', n);
    if (!last)
        return (Where){pyscan_hash(m, n), 0, 0, NULL, 0, 0};
    const char *plast = memrchr(m, '.', (size_t)(last - m)), *first = memchr(m, '.', n);
    plast = plast ? plast + 1 : m;
    return (Where){pyscan_hash(last + 1, n - (size_t)(last + 1 - m)),
                   pyscan_hash(plast, (size_t)(last - plast)),
                   pyscan_hash(m, (size_t)(first - m)), m, (uint32_t)(last - m),
                   (uint32_t)(first - m)};
}

/* Whether module m is the package p (plen bytes) or inside it. */
static bool inside(const char *m, const char *p, uint32_t plen)
{
    return m && strncmp(m, p, plen) == 0 && (m[plen] == '\0' || m[plen] == '.');
}

static Where module_of(const char *m)
{
    return module_where(m, m ? strlen(m) : 0);
}

/* ---- the files' modules ---------------------------------------------------------------- */

static void index_modules(AppSelect *s)
{
    s->next_file = xcalloc(s->nfiles ? s->nfiles : 1, sizeof *s->next_file);
    for (uint32_t i = s->nfiles; i-- > 0;) { /* (chains in file order) */
        const char *m = s->modules ? s->modules[i] : NULL;
        if (!m || !*m)
            continue;
        void **head = strmap_get(&s->modules_files, m);
        s->next_file[i] = head ? (uint32_t)(uintptr_t)*head : 0;
        strmap_put(&s->modules_files, m, (void *)(uintptr_t)(i + 1));
    }
}

/* The first n bytes of name as a string: in buf if they fit, else in the arena. */
static const char *prefix(AppSelect *s, const char *name, size_t n, char *buf, size_t cap)
{
    if (name[n] == '\0')
        return name;
    if (n >= cap)
        return arena_strndup(&s->arena, name, n);
    memcpy(buf, name, n);
    buf[n] = '\0';
    return buf;
}

/* Takes waiting file i for the next round. */
static void take(AppSelect *s, uint32_t i)
{
    s->pending += s->state[i] == PARSE; /* taken this round: not learned yet either */
    if (s->state[i] != WAITING)
        return;
    s->state[i] = PARSE;
    s->pending++;
    pyscan_free(&s->words[i]);
    vec_push(&s->out, i);
}

/* Every file whose module is the first n bytes of name. */
static void take_module(AppSelect *s, const char *name, size_t n)
{
    char buf[256];
    void **head = strmap_get(&s->modules_files, prefix(s, name, n, buf, sizeof buf));
    for (uint32_t f = head ? (uint32_t)(uintptr_t)*head : 0; f; f = s->next_file[f - 1])
        take(s, f - 1);
}

/* The files of every module a dotted name may be in: each of its prefixes
 * (`pkg`, `pkg.mod`, `pkg.mod.Repo`, ...). */
static void take_name(AppSelect *s, const char *name)
{
    for (const char *p = name;; p++)
        if (*p == '.' || *p == '\0') {
            take_module(s, name, (size_t)(p - name));
            if (!*p)
                return;
        }
}

/* ---- the names parsed files define ----------------------------------------------------- */

/* The entry of the first n bytes of name; made if absent and `make`. A new
 * entry may move the others: hold indices, not pointers, across one. */
static Entry *entry(AppSelect *s, const char *name, size_t n, bool make)
{
    char buf[256];
    const char *key = prefix(s, name, n, buf, sizeof buf);
    void **at = strmap_get(&s->names, key);
    if (at)
        return &s->entries.contents[(uintptr_t)*at - 1];
    if (!make)
        return NULL;
    Entry e = {.name = key == buf ? arena_strndup(&s->arena, name, n) : key};
    vec_push(&s->entries, e);
    strmap_put(&s->names, e.name, (void *)(uintptr_t)s->entries.size);
    return &s->entries.contents[s->entries.size - 1];
}

static Entry *entry_of(AppSelect *s, const char *name)
{
    return entry(s, name, strlen(name), true);
}

/* ---- coroutine clauses (AL201) ---------------------------------------------------------- */

static void add_clause(AppSelect *s, uint32_t a, Where w)
{
    uint32_t key = (a * 0x9e3779b1u) ^ w.word ^
                   (w.plen ? pyscan_hash(w.package, w.plen) * 0x85ebca6bu : 0);
    if (!key || pyscan_has(&s->clause_set, key))
        return;
    pyscan_add(&s->clause_set, key);
    vec_push(&s->fresh, ((Clause){a, w.word, w}));
}

/* Whether waiting file i (its words w) holds the rest of clause c. */
static bool clause_rest(const AppSelect *s, uint32_t i, const PyWords *w, const Clause *c)
{
    const Where *at = &c->w;
    const char *m = s->modules[i];
    return (!c->b || pyscan_has(w, c->b)) &&
           (!at->parent || inside(m, at->package, at->plen) ||
            (pyscan_has(w, at->parent) &&
             (inside(m, at->package, at->rlen) || pyscan_has(w, at->root))));
}

static Methods *methods_of(AppSelect *s, Entry *e)
{
    if (!e->methods) {
        Methods m;
        vec_init(&m);
        vec_push(&s->methods, m);
        e->methods = s->methods.size;
        pyscan_add(&s->class_names, word_hash(last_part(e->name)));
    }
    return &s->methods.contents[e->methods - 1];
}

static bool add_method(AppSelect *s, Entry *cls, uint32_t m)
{
    Methods *v = methods_of(s, cls);
    for (uint32_t i = 0; i < v->size; i++)
        if (v->contents[i] == m)
            return false;
    vec_push(v, m);
    return true;
}

/* A class with coroutine methods reached as `name` through module word w: a
 * file that writes both may call them. */
static void class_clauses(AppSelect *s, const Entry *cls, const char *name, Where w)
{
    add_clause(s, word_hash(last_part(name)), w);
    const Methods *v = &s->methods.contents[cls->methods - 1];
    for (uint32_t i = 0; i < v->size; i++)
        add_clause(s, v->contents[i], w);
}

/* ---- lookups, as the link makes them ---------------------------------------------------- */

static void reach(AppSelect *s, const Def *d)
{
    Known *k = &s->files.contents[d->file];
    if (!k->reached[d->func]) {
        k->reached[d->func] = 1;
        k->dirty = true;
    }
}

/* What the link's project_lookup finds for `name`: the definitions, through
 * re-exports and base classes; NULL if none (yet). Every module it looks in
 * is taken; `follow` marks what it finds as reached (its calls are then
 * looked up too). */
static Entry *lookup(AppSelect *s, const char *name, bool follow, int depth, int *budget)
{
    if (depth > LOOKUP_DEPTH || --*budget < 0)
        return NULL;
    take_name(s, name);
    Entry *e = entry(s, name, strlen(name), false);
    if (e && e->defs) {
        for (uint32_t d = e->defs; follow && d; d = s->defs.contents[d - 1].next)
            reach(s, &s->defs.contents[d - 1]);
        return e;
    }
    /* the name itself, then each prefix ending before a dot, longest first */
    for (size_t cut = strlen(name); cut > 0;) {
        Entry *a = entry(s, name, cut, false);
        if (a && a->aliases) {
            Entry *found = NULL;
            for (uint32_t i = a->aliases; i; i = s->aliases.contents[i - 1].next) {
                const char *t = s->aliases.contents[i - 1].target;
                char *full = arena_printf(&s->arena, "%s%s", t, name + cut);
                Entry *r = lookup(s, full, follow, depth + 1, budget);
                found = found ? found : r;
            }
            return found;
        }
        const char *dot = memrchr(name, '.', cut);
        cut = dot ? (size_t)(dot - name) : 0;
    }
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    Entry *cls = lookup(s, arena_strndup(&s->arena, name, (size_t)(dot - name)), false,
                        depth + 1, budget);
    for (uint32_t d = cls ? cls->defs : 0; d; d = s->defs.contents[d - 1].next) {
        const Def *def = &s->defs.contents[d - 1];
        const ProjectFunc *c = &s->files.contents[def->file].pf->funcs.contents[def->func];
        for (uint32_t b = 0; (c->flags & PF_CLASS) && b < c->nbases; b++) {
            Entry *r = lookup(s, arena_printf(&s->arena, "%s%s", c->bases[b], dot), follow,
                              depth + 1, budget);
            if (r)
                return r;
        }
    }
    return NULL;
}

/* Looks `name` up unless done; a lookup that took a module is done again in
 * the next round, when the module is there. */
static Entry *want(AppSelect *s, const char *name, bool follow)
{
    if (!name)
        return NULL;
    Entry *e = entry_of(s, name);
    if (e->looked >= (follow ? 2 : 1) ||
        (e->retry == s->round + 1 && (e->retry_follow || !follow))) /* (again next round) */
        return e->found ? &s->entries.contents[e->found - 1] : NULL;
    uint32_t before = s->pending;
    int budget = LOOKUP_BUDGET;
    Entry *found = lookup(s, name, follow, 0, &budget); /* (makes no entry) */
    e->found = found ? (uint32_t)(found - s->entries.contents) + 1 : 0;
    if (s->pending != before) {
        e->retry = s->round + 1;
        e->retry_follow = follow;
        vec_push(&s->retry, ((Want){e->name, follow}));
    } else {
        e->looked = follow ? 2 : 1;
    }
    return found;
}

/* Looks up the calls of every reached function not followed yet, until none
 * is left. */
static void follow_reached(AppSelect *s)
{
    for (bool again = true; again;) {
        again = false;
        for (uint32_t f = 0; f < s->files.size; f++) {
            Known *k = &s->files.contents[f];
            if (!k->dirty)
                continue;
            k->dirty = false;
            const ProjectFile *pf = k->pf;
            uint8_t *reached = k->reached;
            for (uint32_t i = 0; i < pf->funcs.size; i++)
                if (reached[i] == 1)
                    reached[i] = 3; /* this batch; a lookup below may reach more (1) */
            for (uint32_t i = 0; i < pf->calls.size; i++) {
                const ProjectCall *c = &pf->calls.contents[i];
                if (reached[c->caller] == 3)
                    want(s, c->callee, true);
            }
            for (uint32_t i = 0; i < pf->funcs.size; i++)
                if (reached[i] == 3)
                    reached[i] = 2;
            again = true;
        }
    }
}

/* ---- learning a round's summaries ------------------------------------------------------- */

static void learn(AppSelect *s, const ProjectFile *pf)
{
    Known k = {pf, xcalloc(pf->funcs.size ? pf->funcs.size : 1, 1), false};
    uint32_t file = s->files.size;
    vec_push(&s->files, k);
    Where w = module_of(pf->module);
    for (uint32_t i = 0; i < pf->funcs.size; i++) {
        const ProjectFunc *fn = &pf->funcs.contents[i];
        Entry *e = entry_of(s, fn->qualname);
        vec_push(&s->defs, ((Def){file, i, e->defs}));
        e->defs = s->defs.size;
        if (fn->flags & PF_CLASS)
            vec_push(&s->classes, ((ClassRef){file, i, (uint32_t)(e - s->entries.contents)}));
        if (!s->project_coroutines || (fn->flags & (PF_ASYNC | PF_CLASS)) != PF_ASYNC ||
            !fn->name || strstr(fn->qualname, "<locals>"))
            continue; /* (a function nested in a function is called in its file only) */
        uint32_t h = word_hash(fn->name);
        pyscan_add(&s->coroutines, h);
        add_clause(s, h, w);
        if (fn->cls)
            add_method(s, entry_of(s, fn->cls), h);
    }
    for (uint32_t i = 0; i < pf->aliases.size; i++) {
        const ProjectAlias *a = &pf->aliases.contents[i];
        Entry *e = entry_of(s, a->name);
        vec_push(&s->aliases, ((Alias){a->target, e->aliases}));
        e->aliases = s->aliases.size;
        vec_push(&s->reexports, a);
    }
}

/* What the new summaries (from `first` on) ask the link to look up: the
 * calls made in async contexts (AL109 follows them) and the engines'
 * candidates. */
static void want_calls(AppSelect *s, uint32_t first)
{
    for (uint32_t f = first; f < s->files.size; f++) {
        const ProjectFile *pf = s->files.contents[f].pf;
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (c->flags & PC_ASYNC_CTX)
                want(s, c->callee, true);
        }
        for (uint32_t i = 0; i < pf->cands.size; i++) {
            want(s, pf->cands.contents[i].callee, false);
            want(s, pf->cands.contents[i].iterable, false);
        }
    }
}

/* Whether a lookup's answer is a coroutine function of the run. */
static bool is_coroutine(const AppSelect *s, const Entry *e)
{
    for (uint32_t d = e ? e->defs : 0; d; d = s->defs.contents[d - 1].next) {
        const Def *def = &s->defs.contents[d - 1];
        const ProjectFunc *fn = &s->files.contents[def->file].pf->funcs.contents[def->func];
        if ((fn->flags & (PF_ASYNC | PF_CLASS)) == PF_ASYNC)
            return true;
    }
    return false;
}

/* A re-export (`pkg.download` for `pkg.impl.fetch`) of a coroutine function
 * or of a class with coroutine methods is called by its own name, imported
 * from its own module: its clauses. Only a target whose name is one of those
 * is looked up. True if it made a name a coroutine's. */
static bool learn_alias(AppSelect *s, const ProjectAlias *a)
{
    uint32_t t = word_hash(last_part(a->target)), local = word_hash(last_part(a->name));
    bool coroutine = pyscan_has(&s->coroutines, t), cls = pyscan_has(&s->class_names, t);
    if (!coroutine && !cls)
        return false;
    Entry *target = want(s, a->target, false);
    const char *dot = strrchr(a->name, '.');
    Where w = module_where(a->name, dot ? (size_t)(dot - a->name) : 0);
    if (target && target->methods)
        class_clauses(s, target, a->name, w);
    if (!coroutine || !is_coroutine(s, target))
        return false;
    add_clause(s, local, w);
    if (pyscan_has(&s->coroutines, local))
        return false;
    pyscan_add(&s->coroutines, local);
    return true;
}

/* Classes inherit their bases' coroutine methods; re-exports carry
 * coroutine functions and classes under their own names. Until nothing
 * changes; then the clauses of every class and re-export. */
static void learn_classes(AppSelect *s)
{
    if (!s->project_coroutines)
        return;
    for (bool grew = true; grew;) {
        grew = false;
        for (uint32_t c = 0; c < s->classes.size; c++) {
            ClassRef r = s->classes.contents[c];
            const ProjectFunc *fn = &s->files.contents[r.file].pf->funcs.contents[r.func];
            for (uint32_t b = 0; b < fn->nbases; b++) {
                if (!pyscan_has(&s->class_names, word_hash(last_part(fn->bases[b]))))
                    continue; /* (a base of that name has none) */
                Entry *base = want(s, fn->bases[b], false);
                if (!base || !base->methods)
                    continue;
                uint32_t bm = base->methods;
                for (uint32_t m = 0; m < s->methods.contents[bm - 1].size; m++)
                    grew |= add_method(s, &s->entries.contents[r.entry],
                                       s->methods.contents[bm - 1].contents[m]);
            }
        }
        for (uint32_t i = 0; i < s->reexports.size; i++)
            grew |= learn_alias(s, s->reexports.contents[i]);
    }
    for (uint32_t c = 0; c < s->classes.size; c++) {
        ClassRef r = s->classes.contents[c];
        const Entry *cls = &s->entries.contents[r.entry];
        if (cls->methods)
            class_clauses(s, cls, cls->name, module_of(s->files.contents[r.file].pf->module));
    }
}

/* Takes every waiting file that holds the words of a clause made since the
 * last call. */
static void match_fresh(AppSelect *s)
{
    if (!s->fresh.size)
        return;
    uint32_t cap = 16;
    while (cap < s->fresh.size * 2)
        cap *= 2;
    uint32_t *keys = xcalloc(cap, sizeof *keys), *heads = xcalloc(cap, sizeof *heads);
    uint32_t *next = xcalloc(s->fresh.size, sizeof *next);
    /* a bit per first word, small enough for the cache: most words of a file
     * are no clause's, and the bit says so without a probe of the table */
    enum { FILTER_BITS = 1 << 16 };
    uint64_t *filter = xcalloc(FILTER_BITS / 64, sizeof *filter);
    for (uint32_t c = 0; c < s->fresh.size; c++) {
        uint32_t a = s->fresh.contents[c].a, k = a & (cap - 1);
        filter[(a >> 16) / 64] |= (uint64_t)1 << ((a >> 16) % 64);
        while (keys[k] && keys[k] != a)
            k = (k + 1) & (cap - 1);
        keys[k] = a;
        next[c] = heads[k];
        heads[k] = c + 1;
    }
    for (uint32_t i = 0; i < s->nfiles; i++) {
        if (s->state[i] != WAITING)
            continue;
        const PyWords *w = &s->words[i];
        bool hit = false;
        /* few clauses: look each up in the file; many: each word in the clauses */
        for (uint32_t c = 0; s->fresh.size * 4 < w->cap && !hit && c < s->fresh.size; c++) {
            const Clause *cl = &s->fresh.contents[c];
            hit = pyscan_has(w, cl->a) && clause_rest(s, i, w, cl);
        }
        for (uint32_t j = 0; s->fresh.size * 4 >= w->cap && !hit && j < w->cap; j++) {
            uint32_t a = w->slots[j], k = a & (cap - 1);
            if (!a || !(filter[(a >> 16) / 64] >> ((a >> 16) % 64) & 1))
                continue;
            while (keys[k] && keys[k] != a)
                k = (k + 1) & (cap - 1);
            for (uint32_t c = keys[k] ? heads[k] : 0; c && !hit; c = next[c - 1]) {
                const Clause *cl = &s->fresh.contents[c - 1];
                hit = clause_rest(s, i, w, cl);
            }
        }
        if (hit)
            take(s, i);
    }
    xfree(keys);
    xfree(heads);
    xfree(next);
    xfree(filter);
    s->fresh.size = 0;
}

/* Choosing costs about what the link's lookups over the parsed files cost:
 * when the waiting files are no bigger than those, they are all parsed (an
 * async project whose plain modules are few), and nothing is looked up. */
static bool take_all(AppSelect *s)
{
    size_t waiting = 0, parsed = 0;
    for (uint32_t i = 0; i < s->nfiles; i++)
        *(s->state[i] == WAITING ? &waiting : &parsed) += s->bytes[i];
    if (waiting > parsed && !s->all_predicted)
        return false;
    for (uint32_t i = 0; i < s->nfiles; i++)
        take(s, i);
    s->all_taken = true;
    return true;
}

uint32_t app_select_next(AppSelect *s, ProjectFile *const *pfs, uint32_t n, const uint32_t **next)
{
    for (uint32_t k = 0; k < s->out.size; k++)
        s->state[s->out.contents[k]] = 0; /* parsed: pfs holds them now */
    s->out.size = 0;
    s->round++;
    if (s->all_taken)
        return 0;
    if (!s->files.size && take_all(s)) {
        *next = s->out.contents;
        return s->out.size;
    }
    uint32_t first = s->files.size;
    for (uint32_t f = first; f < n; f++)
        learn(s, pfs[f]);
    /* last round's lookups that took modules: those are parsed now */
    Wants again = s->retry;
    vec_init(&s->retry);
    for (uint32_t i = 0; i < again.size; i++) {
        Entry *e = entry_of(s, again.contents[i].name);
        e->looked = 0;
        e->retry = 0;
        want(s, e->name, again.contents[i].follow);
    }
    vec_free(&again);
    want_calls(s, first);
    learn_classes(s);
    follow_reached(s);
    match_fresh(s);
    *next = s->out.contents;
    return s->out.size;
}

/* ---- the first round -------------------------------------------------------------------- */

static int cmp_first_word(const void *x, const void *y)
{
    const Clause *a = x, *b = y;
    return a->a < b->a ? -1 : a->a > b->a;
}

AppSelect *app_select_new(const ChkEnv *env, const char *const *modules, uint32_t nfiles)
{
    AppSelect *s = xcalloc(1, sizeof *s);
    s->nfiles = nfiles;
    s->modules = modules;
    s->state = xcalloc(nfiles ? nfiles : 1, 1);
    s->words = xcalloc(nfiles ? nfiles : 1, sizeof *s->words);
    s->bytes = xcalloc(nfiles ? nfiles : 1, sizeof *s->bytes);
    s->async_h = word_hash("async");
    s->await_h = word_hash("await");
    ChkTriggers t;
    arena_init(&s->arena);
    chk_env_triggers(env, &t, &s->arena);
    s->clauses = xcalloc(t.nclauses ? t.nclauses : 1, sizeof *s->clauses);
    for (uint32_t i = 0; i < t.nclauses; i++)
        s->clauses[i] = (Clause){word_hash(t.clauses[i][0]),
                                 t.clauses[i][1] ? word_hash(t.clauses[i][1]) : 0,
                                 (Where){0, 0, 0, NULL, 0, 0}};
    s->nclauses = t.nclauses;
    qsort(s->clauses, s->nclauses, sizeof *s->clauses, cmp_first_word);
    s->project_coroutines = t.project_coroutines;
    s->parse_all = t.parse_all;
    index_modules(s);
    /* (the vectors and string maps start empty: s is zeroed) */
    pyscan_init(&s->coroutines);
    pyscan_init(&s->class_names);
    pyscan_init(&s->clause_set);
    return s;
}

void app_select_free(AppSelect *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->nfiles; i++)
        pyscan_free(&s->words[i]);
    xfree(s->words);
    xfree(s->bytes);
    xfree(s->state);
    xfree(s->clauses);
    strmap_free(&s->modules_files);
    xfree(s->next_file);
    vec_free(&s->out);
    for (uint32_t i = 0; i < s->files.size; i++)
        xfree(s->files.contents[i].reached);
    vec_free(&s->files);
    arena_free(&s->arena);
    vec_free(&s->entries);
    strmap_free(&s->names);
    vec_free(&s->defs);
    vec_free(&s->aliases);
    vec_free(&s->classes);
    vec_free(&s->reexports);
    for (uint32_t i = 0; i < s->methods.size; i++)
        vec_free(&s->methods.contents[i]);
    vec_free(&s->methods);
    vec_free(&s->retry);
    vec_free(&s->fresh);
    pyscan_free(&s->coroutines);
    pyscan_free(&s->class_names);
    pyscan_free(&s->clause_set);
    xfree(s);
}

enum { SAMPLE_EVERY = 8 };

bool app_select_sample(const AppSelect *s, uint32_t i)
{
    (void)s;
    return i % SAMPLE_EVERY == 0;
}

void app_select_predict(AppSelect *s)
{
    size_t waiting = 0, parsed = 0;
    for (uint32_t i = 0; i < s->nfiles; i += SAMPLE_EVERY)
        *(s->state[i] == WAITING ? &waiting : &parsed) += s->bytes[i];
    s->all_predicted = waiting <= parsed;
}

bool app_select_first(AppSelect *s, uint32_t i, const char *src, size_t len)
{
    if (s->parse_all || s->all_predicted)
        return true;
    PyWords w;
    uint32_t stop[2] = {s->async_h, s->await_h};
    s->bytes[i] = len;
    /* (a NUL or bytes that are not UTF-8: the tokenizer says so) */
    bool parse = pyscan_words(&w, src, len, stop, 2) || w.suspect;
    /* (sorted by first word: one probe per first word, most are absent) */
    for (uint32_t c = 0; !parse && c < s->nclauses;) {
        uint32_t a = s->clauses[c].a, end = c;
        while (end < s->nclauses && s->clauses[end].a == a)
            end++;
        for (bool has_a = pyscan_has(&w, a); has_a && !parse && c < end; c++)
            parse = !s->clauses[c].b || pyscan_has(&w, s->clauses[c].b);
        c = end;
    }
    if (parse) {
        pyscan_free(&w);
        return true;
    }
    pyscan_compact(&w);
    s->words[i] = w;
    s->state[i] = WAITING;
    return false;
}
