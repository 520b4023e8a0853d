/* Engine `unawaited-coroutine` (AL201): a call to a coroutine function whose
 * result is dropped (an expression statement) or bound to a local that is never
 * read again: the coroutine object is created and never run. Coroutine
 * functions are the run's own `async def`s (not async generators), resolved
 * across files through imports and self./cls. methods (decided once the Project
 * is linked), and library coroutines listed in the rule's `coroutines:`
 * (decided during the file's call pass). Also when entered by `with` or
 * `async with`, which a coroutine does not support. Not when awaited,
 * returned, passed on, scheduled or stored. An `async def` under a
 * decorator that is not known to keep it a coroutine function (textual's
 * `@work` makes a call start a worker) is not one: what its call returns is
 * unknown, and unknown is not reported.
 *
 * Parameters: coroutines (call patterns), transparent-decorators (patterns of
 * the decorators that keep an `async def` a coroutine function). Placeholders:
 * {callee} {function}. */
#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct UnawaitedParams {
    CallIndex transparent;
} UnawaitedParams;

static const char *const KEYS[] = {"coroutines", "transparent-decorators", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    UnawaitedParams *p = ARENA_NEW(a, UnawaitedParams);
    bool ok = chk_flow_patterns(r, "transparent-decorators", false, a, d, &p->transparent);
    r->bound = p;
    return ok;
}

static bool index_rule(const Rule *r, ChkEnv *env, Diag *d)
{
    return chk_param_patterns(r, "coroutines", false, false, &env->rs->arena, d,
                              &env->calls[r->language]);
}

/* Dropped, bound to a name never read, or entered by `with`/`async with` (a
 * coroutine has no __aenter__: `async with trio.open_file(p)` raises before
 * its body ever runs). */
static bool dropped(const Unit *u, const Site *s)
{
    if (s->use == USE_DISCARDED || s->use == USE_CONTEXT || s->use == USE_ASYNC_CONTEXT)
        return true;
    return s->use == USE_BOUND && !unit_name_used_after(u, s, s->use_name);
}

static void on_call(const Rule *r, const ChkEnv *env, const Unit *u, const Site *s, Str name,
                    FindingSink *sink, ProjectFile *pf)
{
    (void)env;
    (void)pf;
    if (s->kind != SITE_CALL || !dropped(u, s))
        return;
    const Function *fn = &u->funcs[s->func];
    const char *vars[] = {"callee", str_dup(&sink->arena, name), "function",
                          str_dup(&sink->arena, fn->name), NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end, chk_format(&sink->arena, r->message, vars));
}

/* Marks the file's `async def`s whose calls may not return a coroutine: under
 * a decorator that is not one of the rule's transparent ones. */
static void summarise(const Rule *r, const ChkEnv *env, const Unit *u, ProjectFile *pf)
{
    (void)env;
    const UnawaitedParams *p = r->bound;
    for (uint32_t i = 0; i < u->nfuncs && i < pf->funcs.size; i++) {
        const Function *fn = &u->funcs[i];
        if (!fn->is_async)
            continue;
        for (uint32_t k = 0; k < fn->ndecorators; k++)
            if (!chk_idx_any(&p->transparent, fn->decorators[k], u, NULL)) {
                pf->funcs.contents[i].flags |= PF_WRAPPED;
                break;
            }
    }
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->lang != LANG_PYTHON)
            continue;
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (c->use != USE_DISCARDED && c->use != USE_CONTEXT && c->use != USE_ASYNC_CONTEXT &&
                !(c->flags & PC_UNUSED_BINDING))
                continue;
            const ProjectFunc *t = project_call_target(p, c);
            if (!t || (t->flags & (PF_ASYNC | PF_GENERATOR | PF_CLASS | PF_WRAPPED)) != PF_ASYNC)
                continue;
            const ProjectFunc *caller = &pf->funcs.contents[c->caller];
            const char *func = chk_display_function(pf, caller);
            const char *vars[] = {"callee", c->written, "function", caller->name, NULL};
            chk_sink_add_loc(sink, r, pf->path, c->loc, func, c->key,
                             chk_format(&sink->arena, r->message, vars));
        }
    }
}

const CheckEngine chk_unawaited_engine = {
    .name = "unawaited-coroutine",
    .bind = bind,
    .index = index_rule,
    .on_call = on_call,
    .summarise = summarise,
    .run_project = run_project,
};
