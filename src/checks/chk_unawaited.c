/* Engine `unawaited-coroutine` (AL201): a call to a coroutine function whose
 * result is dropped (an expression statement) or bound to a local that is never
 * read again: the coroutine object is created and never run. Coroutine
 * functions are the run's own `async def`s (not async generators), resolved
 * across files through imports and self./cls. methods (decided once the Project
 * is linked), and library coroutines listed in the rule's `coroutines:`
 * (decided during the file's call pass). Not when awaited, returned, passed on,
 * scheduled, stored, or used as a context manager.
 *
 * Parameters: coroutines (call patterns). Placeholders: {callee} {function}. */
#include "params.h"
#include "registry.h"

static const char *const KEYS[] = {"coroutines", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    (void)a;
    return chk_params_validate(r, KEYS, d);
}

static bool index_rule(const Rule *r, ChkEnv *env, Diag *d)
{
    return chk_param_patterns(r, "coroutines", false, false, &env->rs->arena, d,
                              &env->calls[r->language]);
}

static bool dropped(const Unit *u, const Site *s)
{
    if (s->use == USE_DISCARDED)
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

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->lang != LANG_PYTHON)
            continue;
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (c->use != USE_DISCARDED && !(c->flags & PC_UNUSED_BINDING))
                continue;
            const ProjectFunc *t = project_call_target(p, c);
            if (!t || (t->flags & (PF_ASYNC | PF_GENERATOR | PF_CLASS)) != PF_ASYNC)
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
    .run_project = run_project,
};
