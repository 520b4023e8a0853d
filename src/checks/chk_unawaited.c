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
 * A coroutine function handed by reference to something that calls it without
 * awaiting what it returns (`asyncio.to_thread(fetch)`, `loop.run_in_executor(
 * None, fetch)`, `Thread(target=fetch)`, `loop.call_soon(fetch)`) is the same
 * bug one step away: the thread or the loop calls it, and the coroutine is
 * dropped. Decided at once for library coroutines, else once the Project is
 * linked (a candidate per reference: the function may be in another file).
 *
 * Parameters: coroutines (call patterns), transparent-decorators (patterns of
 * the decorators that keep an `async def` a coroutine function), callers (call
 * patterns with `arg`, and `keyword` if it has one: the argument that is
 * called), handed-message. Placeholders: {callee} {function}; in
 * handed-message also {caller} (the call it is handed to, as written). */
#include <string.h>

#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct UnawaitedParams {
    CallIndex transparent;
    CallIndex coroutines; /* the rule's own, to tell them from callers in on_call */
    CallIndex callers;
    const char *handed;   /* handed-message, or NULL: callers are not checked */
} UnawaitedParams;

static const char *const KEYS[] = {"coroutines", "transparent-decorators", "callers",
                                   "handed-message", NULL};
/* what every finding starts from (CheckEngine.trigger_keys) */
static const char *const TRIGGERS[] = {"coroutines", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    UnawaitedParams *p = ARENA_NEW(a, UnawaitedParams);
    r->bound = p;
    bool ok = chk_flow_patterns(r, "transparent-decorators", false, a, d, &p->transparent);
    ok &= chk_flow_patterns(r, "coroutines", false, a, d, &p->coroutines);
    ok &= chk_flow_patterns(r, "callers", false, a, d, &p->callers);
    for (uint32_t i = 0; i < p->callers.npats; i++)
        if (p->callers.pats[i].arg < 0)
            return ynode_error(d, ynode_get(r->node, "callers"),
                               "rule '%s': every 'callers' entry needs 'arg' (the argument it "
                               "calls), as in {call: asyncio.to_thread, arg: 0}",
                               r->id);
    const YNode *hm = ynode_get(r->node, "handed-message");
    if (hm && hm->kind != YNODE_SCALAR)
        return ynode_error(d, hm, "rule '%s': 'handed-message' must be a string", r->id);
    p->handed = hm ? hm->scalar : NULL;
    if (p->callers.npats && !p->handed)
        return ynode_error(d, ynode_get(r->node, "callers"),
                           "rule '%s': 'callers' needs a 'handed-message'", r->id);
    return ok;
}

/* The run's call index gets the patterns bind already parsed (and reported
 * errors in), so that dispatch reaches on_call for both lists. */
static bool index_rule(const Rule *r, ChkEnv *env, Diag *d)
{
    (void)d;
    const UnawaitedParams *p = r->bound;
    const CallIndex *lists[] = {&p->coroutines, &p->callers};
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (uint32_t i = 0; i < lists[l]->npats; i++)
            chk_idx_add(&env->calls[r->language], &env->rs->arena, &lists[l]->pats[i]);
    return true;
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

typedef struct Handed {
    const Rule *r;
    const ChkEnv *env;
    const Unit *u;
    const Site *s;
    FindingSink *sink;
    ProjectFile *pf;
} Handed;

static const char *handed_message(Arena *a, const Rule *r, const Unit *u, const Site *s,
                                  const Arg *arg)
{
    const UnawaitedParams *p = r->bound;
    const char *vars[] = {"callee", str_dup(a, arg->text), "caller", str_dup(a, s->text),
                          "function", str_dup(a, u->funcs[s->func].name), NULL};
    return chk_format(a, p->handed, vars);
}

/* A callers pattern matched call h->s: judge the function reference it hands
 * over. A library coroutine is reported now; a function of the run becomes a
 * candidate, decided once the Project is linked. */
static bool on_caller(void *ctx, const CallPattern *pat)
{
    const Handed *h = ctx;
    int32_t i = chk_idx_arg(pat, h->s);
    if (i < 0)
        return true;
    const Arg *arg = &h->s->args[i];
    if (arg->flags || (arg->keyword.len && !(pat->keyword && str_eq_c(arg->keyword, pat->keyword))))
        return true; /* `*args`, or another parameter given by keyword */
    if (arg->kind == ARG_CALL && arg->site >= 0) {
        /* `functools.partial(fetch, url)` calls fetch when it is called */
        const Site *inner = &h->u->sites[arg->site];
        if (!str_eq_c(chk_call_name(h->u, inner), "functools.partial") || !inner->nargs)
            return true;
        arg = &inner->args[0];
        if (arg->flags || arg->keyword.len)
            return true;
    }
    if (arg->kind != ARG_NAME && arg->kind != ARG_DOTTED)
        return true;
    const UnawaitedParams *p = h->r->bound;
    Str ref = arg->resolved.len ? arg->resolved : arg->text;
    if ((arg->ref & ARG_REF_IMPORT) && chk_idx_any(&p->coroutines, ref, h->u, NULL)) {
        chk_sink_add(h->sink, h->r, h->u, h->s->func, h->s->off, h->s->end,
                     handed_message(&h->sink->arena, h->r, h->u, h->s, arg));
        return false;
    }
    ProjectFile *pf = h->pf;
    const char *callee = pf && (uint32_t)h->s->func < pf->funcs.size
                             ? chk_arg_candidate(h->env, pf, h->u, h->s, arg)
                             : NULL;
    if (!callee)
        return true;
    ProjectCand c;
    memset(&c, 0, sizeof c);
    c.rule = h->r;
    c.caller = (uint32_t)h->s->func;
    c.callee = callee;
    c.message = handed_message(&pf->arena, h->r, h->u, h->s, arg);
    c.key = chk_site_key(pf, h->u, h->s);
    c.loc = chk_site_loc(h->u, h->s);
    vec_push(&pf->cands, c);
    return false;
}

static void on_call(const Rule *r, const ChkEnv *env, const Unit *u, const Site *s, Str name,
                    FindingSink *sink, ProjectFile *pf)
{
    const UnawaitedParams *p = r->bound;
    if (s->kind != SITE_CALL)
        return;
    if (p->handed && u->lang == LANG_PYTHON) {
        Handed h = {r, env, u, s, sink, pf};
        chk_idx_match(&p->callers, name, u, s, on_caller, &h);
    }
    if (!dropped(u, s) || !chk_idx_any(&p->coroutines, name, u, s))
        return;
    const Function *fn = &u->funcs[s->func];
    const char *vars[] = {"callee", str_dup(&sink->arena, name), "function",
                          str_dup(&sink->arena, fn->name), NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end,
                 chk_format(&sink->arena, chk_message(r, u), vars));
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

/* A coroutine function: an `async def` of the run that is no async generator,
 * class, or decorated into something else. */
static bool is_coroutine_function(const ProjectFunc *t)
{
    return t && (t->flags & (PF_ASYNC | PF_GENERATOR | PF_CLASS | PF_WRAPPED)) == PF_ASYNC;
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->lang != LANG_PYTHON)
            continue;
        for (uint32_t i = 0; i < pf->cands.size; i++) {
            const ProjectCand *c = &pf->cands.contents[i];
            if (c->rule != r || !is_coroutine_function(project_lookup(p, c->callee, NULL)))
                continue;
            const char *func = chk_display_function(pf, &pf->funcs.contents[c->caller]);
            chk_sink_add_loc(sink, r, pf->path, c->loc, func, c->key, c->message);
        }
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            if (c->use != USE_DISCARDED && c->use != USE_CONTEXT && c->use != USE_ASYNC_CONTEXT &&
                !(c->flags & PC_UNUSED_BINDING))
                continue;
            if (!is_coroutine_function(project_call_target(p, c)))
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
    .trigger_keys = TRIGGERS,
    .trigger_coroutines = true,
    .bind = bind,
    .index = index_rule,
    .on_call = on_call,
    .summarise = summarise,
    .run_project = run_project,
};
