/* The engine registry and the per-file / per-run drivers (see registry.h). The
 * registry is a plain table of name -> engine; adding an engine is one line here
 * and one file in src/checks/. */
#include "registry.h"

#include <string.h>

#include "../base/pool.h"
#include "../base/xalloc.h"
#include "c_context.h"
#include "params.h"

extern const CheckEngine chk_blocking_call_engine;
extern const CheckEngine chk_c_null_callback_engine;
extern const CheckEngine chk_c_stack_escape_engine;
extern const CheckEngine chk_c_thread_leak_engine;
extern const CheckEngine chk_c_signal_unsafe_engine;
extern const CheckEngine chk_dangling_task_engine;
extern const CheckEngine chk_task_set_engine;
extern const CheckEngine chk_cancellation_engine;
extern const CheckEngine chk_busy_wait_engine;
extern const CheckEngine chk_resource_leak_engine;
extern const CheckEngine chk_via_helper_engine;
extern const CheckEngine chk_unawaited_engine;
extern const CheckEngine chk_unbounded_spawn_engine;
extern const CheckEngine chk_unbounded_gather_engine;

static const CheckEngine *const ENGINES[] = {
    &chk_blocking_call_engine,
    &chk_c_null_callback_engine,
    &chk_c_stack_escape_engine,
    &chk_c_thread_leak_engine,
    &chk_c_signal_unsafe_engine,
    &chk_dangling_task_engine,
    &chk_task_set_engine,
    &chk_cancellation_engine,
    &chk_busy_wait_engine,
    &chk_resource_leak_engine,
    &chk_via_helper_engine,
    &chk_unawaited_engine,
    &chk_unbounded_spawn_engine,
    &chk_unbounded_gather_engine,
};
enum { NENGINES = sizeof ENGINES / sizeof *ENGINES };

const CheckEngine *chk_registry_find(const char *name)
{
    for (size_t i = 0; i < NENGINES; i++)
        if (strcmp(ENGINES[i]->name, name) == 0)
            return ENGINES[i];
    return NULL;
}

const char *const *chk_registry_names(void)
{
    static const char *names[NENGINES + 1];
    for (size_t i = 0; i < NENGINES; i++)
        names[i] = ENGINES[i]->name;
    names[NENGINES] = NULL;
    return names;
}

static bool bind_rule(Rule *r, RuleSet *rs, Diag *d)
{
    const CheckEngine *e = chk_registry_find(r->check);
    const YNode *at = r->node ? ynode_get(r->node, "check") : NULL;
    if (!e) {
        const char *hint = chk_closest(r->check, chk_registry_names());
        if (at && hint)
            return ynode_error(d, at, "rule '%s': unknown check '%s' (did you mean '%s'?)", r->id,
                               r->check, hint);
        if (at)
            return ynode_error(d, at, "rule '%s': unknown check '%s'", r->id, r->check);
        diag_report(d, DIAG_ERROR, NULL, 0, 0, "rule '%s': unknown check '%s'", r->id, r->check);
        return false;
    }
    r->engine = e;
    return e->bind ? e->bind(r, rs, &rs->arena, d) : true;
}

/* The items of the pack-level list `key` of every pack of the language, in
 * load order (a lone scalar counts as a list of one); an array in the
 * RuleSet's arena, its length in *n. */
static const YNode **pack_items(const ChkEnv *env, Lang lang, const char *key, uint32_t *n)
{
    const YNode *tables[64];
    uint32_t nt = rules_pack_tables(env->rs, lang, key, tables, 64), total = 0;
    for (uint32_t t = 0; t < nt && t < 64; t++)
        total += tables[t]->kind == YNODE_SEQ ? tables[t]->count : 1;
    const YNode **items = ARENA_ARRAY(&env->rs->arena, const YNode *, total ? total : 1);
    *n = 0;
    for (uint32_t t = 0; t < nt && t < 64; t++) {
        const YNode *list = tables[t];
        if (list->kind != YNODE_SEQ)
            items[(*n)++] = list;
        for (uint32_t i = 0; list->kind == YNODE_SEQ && i < list->count; i++)
            items[(*n)++] = list->items[i];
    }
    return items;
}

/* A pack-level pattern table (`offloads`, `limiters`, `spawners`) of every pack
 * of the language, merged into one index. */
static bool load_table(ChkEnv *env, Lang lang, const char *key, CallIndex *ix, Diag *d)
{
    uint32_t n;
    const YNode **items = pack_items(env, lang, key, &n);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        CallPattern p;
        if (!chk_idx_parse(items[i], &env->rs->arena, d, &p)) {
            ok = false;
            continue;
        }
        chk_idx_add(ix, &env->rs->arena, &p);
    }
    chk_idx_build(ix, &env->rs->arena);
    return ok;
}

/* The end of the identifier starting at s (s itself if none starts there). */
static const char *identifier_end(const char *s)
{
    if (*s >= '0' && *s <= '9')
        return s;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c >= 0x80))
            return s;
    }
}

static bool is_identifier(const char *s)
{
    const char *e = identifier_end(s);
    return e != s && !*e;
}

/* A name in a `returns` table: identifiers joined by dots, no pattern. */
static bool is_type_name(const char *s)
{
    for (;;) {
        const char *e = identifier_end(s);
        if (e == s)
            return false;
        if (!*e)
            return true;
        if (*e != '.')
            return false;
        s = e + 1;
    }
}

/* A `returns` value: a dotted name, or a list of 2 to 8 for a tuple, kept
 * joined by commas (TypeMap: a tuple type). */
static bool type_value(ChkEnv *env, const YNode *v, Str *out)
{
    if (v->kind == YNODE_SCALAR) {
        *out = str_from(v->scalar);
        return is_type_name(v->scalar);
    }
    if (v->kind != YNODE_SEQ || v->count < 2 || v->count > TYPEMAP_MAX_TUPLE)
        return false;
    Str joined = STR_NULL;
    for (uint32_t i = 0; i < v->count; i++) {
        const YNode *e = v->items[i];
        if (e->kind != YNODE_SCALAR || !is_type_name(e->scalar))
            return false;
        joined = i ? str_join(&env->rs->arena, joined, ",", str_from(e->scalar))
                   : str_from(e->scalar);
    }
    *out = joined;
    return true;
}

/* The pack-level `returns` maps of every pack of the language (`NAME: TYPE`,
 * or `NAME: [TYPE, TYPE]` for a tuple), later packs overriding earlier ones. */
static bool load_types(ChkEnv *env, Lang lang, Diag *d)
{
    const YNode *tables[64];
    uint32_t n = rules_pack_tables(env->rs, lang, "returns", tables, 64);
    TypeMap *m = &env->types[lang];
    bool ok = true;
    for (uint32_t t = 0; t < n && t < 64; t++) {
        const YNode *map = tables[t];
        if (map->kind != YNODE_MAP) {
            ok = ynode_error(d, map, "'returns' must be a map of NAME: TYPE (found %s)",
                             ynode_kind_name(map));
            continue;
        }
        for (uint32_t i = 0; i < map->count; i++) {
            const char *name = map->keys[i];
            const YNode *v = map->items[i];
            if (!is_type_name(name)) {
                ok = ynode_error(d, map->key_nodes[i],
                                 "invalid name '%s' in 'returns': expected a dotted name", name);
                continue;
            }
            Str type;
            if (!type_value(env, v, &type)) {
                ok = ynode_error(d, v,
                                 "'returns' entry '%s': the type must be a dotted name, or a "
                                 "list of them for a tuple (`[asyncio.StreamReader, "
                                 "asyncio.StreamWriter]`)",
                                 name);
                continue;
            }
            typemap_put(m, &env->rs->arena, str_from(name), type);
        }
    }
    return ok;
}

/* The pack-level `releases` lists of every pack of the language: method
 * names (`close`), merged. */
static bool load_releases(ChkEnv *env, Lang lang, Diag *d)
{
    uint32_t n;
    const YNode **items = pack_items(env, lang, "releases", &n);
    struct ChkNames *out = &env->releases[lang];
    out->names = ARENA_ARRAY(&env->rs->arena, Str, n ? n : 1);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        if (items[i]->kind != YNODE_SCALAR || !is_identifier(items[i]->scalar)) {
            ok = ynode_error(d, items[i], "'releases' entries must be method names (`close`)");
            continue;
        }
        out->names[out->count++] = str_from(items[i]->scalar);
    }
    return ok;
}

bool chk_env_releases(const ChkEnv *env, Lang lang, Str method)
{
    const struct ChkNames *r = &env->releases[lang];
    for (uint32_t i = 0; i < r->count; i++)
        if (str_eq(r->names[i], method))
            return true;
    return false;
}

const TypeMap *chk_env_types(const ChkEnv *env, Lang lang)
{
    return env ? &env->types[lang] : NULL;
}

ChkEnv *chk_env_new_partial(RuleSet *rs, Diag *d, bool *all_ok)
{
    ChkEnv *env = xcalloc(1, sizeof *env);
    env->rs = rs;
    bool ok = true;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        Rule *r = rs->rules[i];
        if (!bind_rule(r, rs, d)) {
            r->engine = NULL; /* unusable: never enabled, never run */
            ok = false;
        }
    }
    for (uint32_t i = 0; i < rs->nrules; i++) {
        Rule *r = rs->rules[i];
        const CheckEngine *e = r->engine;
        if (e && e->index && !e->index(r, env, d)) {
            r->engine = NULL;
            ok = false;
        }
    }
    for (int l = LANG_PYTHON; l <= LANG_C; l++) {
        ok &= load_table(env, (Lang)l, "offloads", &env->offloads[l], d);
        ok &= load_table(env, (Lang)l, "limiters", &env->limiters[l], d);
        ok &= load_table(env, (Lang)l, "spawners", &env->spawners[l], d);
        ok &= load_types(env, (Lang)l, d);
        ok &= load_releases(env, (Lang)l, d);
    }
    for (int l = 0; l < 2; l++)
        chk_idx_build(&env->calls[l], &rs->arena);
    env->cctx = chk_cctx_load(rs, &rs->arena, d);
    ok &= env->cctx != NULL;
    *all_ok = ok;
    return env;
}

ChkEnv *chk_env_new(RuleSet *rs, Diag *d)
{
    bool ok;
    ChkEnv *env = chk_env_new_partial(rs, d, &ok);
    if (!ok) {
        xfree(env);
        return NULL;
    }
    return env;
}

void chk_env_free(ChkEnv *env)
{
    strpool_free(&env->roots);
    xfree(env); /* indexes live in the RuleSet's arena */
}

Str chk_call_name(const Unit *u, const Site *site)
{
    (void)u;
    return site->resolved.len ? site->resolved : site->text;
}

/* ---- the shared call pass ------------------------------------------------------------ */

enum { MAX_OWNERS = 32 };

typedef struct Matches {
    const Rule *owners[MAX_OWNERS];
    const Rule *vetoed[MAX_OWNERS];
    uint32_t n, nveto;
} Matches;

static bool collect_owner(void *ctx, const CallPattern *p)
{
    Matches *m = ctx;
    const Rule *r = p->owner;
    const CheckEngine *e = r ? r->engine : NULL;
    if (!e || (!r->enabled && !e->on_call_when_disabled))
        return true;
    if (p->exclude) {
        if (m->nveto < MAX_OWNERS)
            m->vetoed[m->nveto++] = r;
        return true;
    }
    for (uint32_t i = 0; i < m->n; i++)
        if (m->owners[i] == r)
            return true;
    if (m->n < MAX_OWNERS)
        m->owners[m->n++] = r;
    return true;
}

static bool vetoed(const Matches *m, const Rule *r)
{
    for (uint32_t i = 0; i < m->nveto; i++)
        if (m->vetoed[i] == r)
            return true;
    return false;
}

static void dispatch(const ChkEnv *env, const Unit *u, const Site *s, Str name, FindingSink *sink,
                     ProjectFile *pf)
{
    Matches m;
    m.n = m.nveto = 0;
    chk_idx_match(&env->calls[u->lang], name, u, s, collect_owner, &m);
    for (uint32_t i = 0; i < m.n; i++) {
        const Rule *r = m.owners[i];
        const CheckEngine *e = r->engine;
        if (!vetoed(&m, r) && e->on_call)
            e->on_call(r, env, u, s, name, sink, pf);
    }
}

/* Entering a sync `with X:` calls X.__enter__ (a blocking lock acquire). */
static Str enter_name(Arena *a, const Site *s, Str base)
{
    if (s->is_async || !base.len)
        return STR_NULL;
    return str_join(a, base, NULL, STR_LIT(".__enter__"));
}

static void call_pass(const ChkEnv *env, const Unit *u, FindingSink *sink, ProjectFile *pf)
{
    Arena scratch;
    arena_init(&scratch);
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        if (s->kind == SITE_CALL) {
            dispatch(env, u, s, chk_call_name(u, s), sink, pf);
        } else if (s->kind == SITE_WITH) {
            Str name = enter_name(&scratch, s, chk_call_name(u, s));
            if (name.len)
                dispatch(env, u, s, name, sink, pf);
        }
    }
    arena_free(&scratch);
}

void chk_run_unit(const ChkEnv *env, const Unit *u, FindingSink *sink, ProjectFile *pf)
{
    if (pf)
        chk_summarise(env, u, pf);
    if (pf && u->lang == LANG_C)
        chk_cctx_fill(env->cctx, u, pf);
    call_pass(env, u, sink, pf);
    const RuleSet *rs = env->rs;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        const CheckEngine *e = r->engine;
        if (!e || !r->enabled || r->language != u->lang)
            continue;
        if (e->run_unit)
            e->run_unit(r, env, u, sink);
        if (e->summarise && pf)
            e->summarise(r, env, u, pf);
    }
}

typedef struct ProjectRun {
    const ChkEnv *env;
    const Project *p;
    const Rule **rules;
    FindingSink *sinks;
} ProjectRun;

static void run_project_rule(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    const ProjectRun *run = ctx;
    const CheckEngine *e = run->rules[i]->engine;
    e->run_project(run->rules[i], run->env, run->p, &run->sinks[i]);
}

/* The rules' whole-run passes only read the Project: with p->jobs threads
 * they run side by side (each over every call of the run, ~750,000 over the
 * stdlib), each into its own sink, moved into `sink` in rule order, so the
 * findings come in the same order for any -j. */
void chk_run_project(const ChkEnv *env, const Project *p, FindingSink *sink)
{
    const RuleSet *rs = env->rs;
    const Rule **rules = xcalloc(rs->nrules ? rs->nrules : 1, sizeof *rules);
    uint32_t n = 0;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        const Rule *r = rs->rules[i];
        const CheckEngine *e = r->engine;
        if (e && r->enabled && e->run_project)
            rules[n++] = r;
    }
    ProjectRun run = {env, p, rules, xcalloc(n ? n : 1, sizeof(FindingSink))};
    for (uint32_t i = 0; i < n; i++)
        chk_sink_init(&run.sinks[i]);
    pool_run(n, p->jobs ? p->jobs : 1, run_project_rule, &run);
    for (uint32_t i = 0; i < n; i++) {
        chk_sink_move(sink, &run.sinks[i]);
        chk_sink_free(&run.sinks[i]);
    }
    xfree(run.sinks);
    xfree(rules);
}
