/* Engine `unbounded-gather` (AL301): `asyncio.gather(*[f(x) for x in xs])`,
 * `asyncio.wait([...])`, or `gather(*coros)` where coros was built by a
 * comprehension or by `coros.append(f(x))` in a loop, over input-sized data:
 * every coroutine runs at once. Bounded when the comprehension is constant-size,
 * when a limiter is held around the gather, or when the coroutine acquires one
 * itself (decided on the linked Project). One root cause, one finding: if the
 * elements are tasks spawned in that loop, AL302 reports the spawn instead; and
 * offloads (run_in_executor) are bounded by their executor.
 *
 * Parameters: gathers (call patterns). Placeholders: {callee} {function} {iterable}. */
#include <string.h>

#include "fanout.h"
#include "params.h"

static const char *const KEYS[] = {"gathers", NULL};
/* what every finding starts from (CheckEngine.trigger_keys) */
static const char *const TRIGGERS[] = {"gathers", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    (void)a;
    return chk_params_validate(r, KEYS, d);
}

static bool index_rule(const Rule *r, ChkEnv *env, Diag *d)
{
    return chk_param_patterns(r, "gathers", false, true, &env->rs->arena, d,
                              &env->calls[r->language]);
}

/* The call that is the element of comprehension `comp`, or NULL. */
static const Site *element_call(const Unit *u, int32_t comp)
{
    const Function *fn = &u->funcs[u->sites[comp].func];
    for (uint32_t k = 0; k < fn->nsites; k++) {
        const Site *s = &u->sites[fn->sites[k]];
        if (s->kind == SITE_CALL && s->use == USE_ELEMENT && s->parent == comp)
            return s;
    }
    return NULL;
}

/* A coroutine that the gather itself would start (not a task, not an offload). */
static bool gathered_coroutine(const ChkEnv *env, const Unit *u, const Site *el)
{
    if (!el || chk_fanout_is_spawner(env, u, el))
        return false;
    return !chk_idx_any(&env->offloads[u->lang], chk_call_name(u, el), u, el);
}

/* `name` bound in function f to an input-sized comprehension: its site, or -1. */
static int32_t comp_bound_to(const Unit *u, int32_t f, Str name)
{
    const Function *fn = &u->funcs[f];
    for (uint32_t k = 0; k < fn->nsites; k++) {
        const Site *s = &u->sites[fn->sites[k]];
        if (s->kind == SITE_LOOP && s->loop_kind == LOOP_COMP && s->use == USE_BOUND &&
            str_eq(s->use_name, name) && !(s->flags & (SITE_F_BOUNDED | SITE_F_POOL)))
            return (int32_t)fn->sites[k];
    }
    return -1;
}

/* `name.append(f(x))` inside an input-sized loop of function f: the appended call. */
static const Site *appended_in_loop(const Unit *u, int32_t f, Str name, const Site **loop)
{
    const Function *fn = &u->funcs[f];
    for (uint32_t k = 0; k < fn->nsites; k++) {
        const Site *s = &u->sites[fn->sites[k]];
        if (s->kind != SITE_CALL || s->nargs != 1 || s->args[0].kind != ARG_CALL ||
            !str_ends_with(s->text, ".append") || s->text.len != name.len + 7 ||
            memcmp(s->text.ptr, name.ptr, name.len) != 0)
            continue;
        *loop = chk_fanout_input_loop(u, s);
        if (*loop)
            return &u->sites[s->args[0].site];
    }
    return NULL;
}

static void on_call(const Rule *r, const ChkEnv *env, const Unit *u, const Site *s, Str name,
                    FindingSink *sink, ProjectFile *pf)
{
    (void)name;
    if (s->kind != SITE_CALL || chk_is_guarded(env, u, s))
        return;
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        const Site *el = NULL, *loop = NULL;
        if (a->kind == ARG_COMP && !(u->sites[a->site].flags & (SITE_F_BOUNDED | SITE_F_POOL))) {
            loop = &u->sites[a->site];
            el = element_call(u, a->site);
        } else if (a->kind == ARG_NAME) {
            int32_t comp = comp_bound_to(u, s->func, a->text);
            if (comp >= 0) {
                loop = &u->sites[comp];
                el = element_call(u, comp);
            } else {
                el = appended_in_loop(u, s->func, a->text, &loop);
            }
        }
        if (!gathered_coroutine(env, u, el) || chk_fanout_releases(env, u, el))
            continue;
        const char *msg = chk_fanout_message(&sink->arena, r, u, s, loop);
        chk_fanout_candidate(env, r, u, s, el, loop, msg, pf);
        return;
    }
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    chk_fanout_report(r, p, sink);
}

const CheckEngine chk_unbounded_gather_engine = {
    .name = "unbounded-gather",
    .trigger_keys = TRIGGERS,
    .bind = bind,
    .index = index_rule,
    .on_call = on_call,
    .run_project = run_project,
};
