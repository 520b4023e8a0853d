/* Engine `dangling-task`: a task made by one of the rule's `spawners`
 * (`asyncio.create_task`, `loop.create_task`, ...) whose only reference is
 * dropped. The event loop keeps just a weak reference to a task, so a task
 * nobody holds can be garbage-collected before it finishes, and its exception
 * is never retrieved. Reported when the call's result is
 *   - discarded (an expression statement),
 *   - only used to add a done callback (`create_task(c).add_done_callback(f)`
 *     returns None: the task itself is still dropped),
 *   - bound to a local of a function that is never read again (not after the
 *     binding, not on a later iteration of an enclosing loop, not in a closure),
 *     unless the function declares the name `global`/`nonlocal`;
 *   - made per element of a comprehension statement whose list is discarded
 *     (`[create_task(f(x)) for x in xs]` on a line of its own).
 * Awaited, returned, stored, passed on, collected into a container, used as a
 * context manager: the task is held, no finding. Task groups are not spawners
 * (`TaskGroup.create_task` resolves to its own name and the group holds its
 * tasks); `exclude` patterns veto a spawner match.
 *
 * Parameters: spawners (call patterns, required), exclude (call patterns).
 * Message placeholders: {callee} {function} {detail}. */
#include <string.h>

#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct DanglingParams {
    CallIndex spawners;
    CallIndex exclude;
    const char **callbacks; /* methods that return something else than the task */
    uint32_t ncallbacks;
} DanglingParams;

static const char *const KEYS[] = {"spawners", "exclude", "callback-methods", NULL};
/* what every finding starts from (CheckEngine.trigger_keys) */
static const char *const TRIGGERS[] = {"spawners", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    DanglingParams *p = ARENA_NEW(a, DanglingParams);
    bool ok = chk_flow_patterns(r, "spawners", true, a, d, &p->spawners);
    ok &= chk_flow_patterns(r, "exclude", false, a, d, &p->exclude);
    ok &= chk_flow_names(r, "callback-methods", false, a, d, &p->callbacks, &p->ncallbacks);
    r->bound = p;
    return ok;
}

static void report(const Rule *r, const Unit *u, const Site *s, const char *detail,
                   FindingSink *sink)
{
    const char *vars[] = {"callee",   str_dup(&sink->arena, s->text),
                          "function", str_dup(&sink->arena, u->funcs[s->func].name),
                          "detail",   detail,
                          NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end,
                 chk_format(&sink->arena, chk_message(r, u), vars));
}

/* Whether a bound task is dropped: a local of a function body, never read again. */
static bool bound_unused(FlowCtx *fc, uint32_t i)
{
    const Unit *u = chk_flow_unit(fc);
    const Site *s = &u->sites[i];
    FunctionKind k = u->funcs[s->func].kind;
    if (k != FN_DEF && k != FN_LAMBDA)
        return false; /* module and class attributes live on */
    if (chk_flow_declared_global(fc, s->func, s->use_name) || chk_flow_chained(u, s))
        return false;
    return !chk_flow_read_after(fc, i, s->use_name, NULL, NULL);
}

/* A task made per element of a comprehension that is a statement: dropped
 * with the list. (A comprehension bound to a name counts as kept, as for both
 * peers: the list is usually awaited further down.) */
static void check_comprehension(const Rule *r, const Unit *u, const Site *s, FindingSink *sink)
{
    if (s->parent < 0 || (uint32_t)s->parent >= u->nsites)
        return;
    const Site *comp = &u->sites[s->parent];
    if (comp->kind != SITE_LOOP || comp->loop_kind != LOOP_COMP)
        return;
    if (comp->use == USE_DISCARDED)
        report(r, u, s, "collected by a comprehension whose result is discarded", sink);
}

static void check_site(const Rule *r, FlowCtx *fc, uint32_t i, FindingSink *sink)
{
    const Unit *u = chk_flow_unit(fc);
    const DanglingParams *p = r->bound;
    const Site *s = &u->sites[i];
    /* the use first: most calls are awaited, passed on or operands (a field to
     * read), and only then the spawner patterns (lookups) */
    if ((s->use != USE_DISCARDED && s->use != USE_BOUND && s->use != USE_RECEIVER &&
         s->use != USE_ELEMENT) ||
        !chk_flow_matches(&p->spawners, u, s) || chk_flow_matches(&p->exclude, u, s))
        return;
    Arena *a = &sink->arena;
    switch (s->use) {
    case USE_DISCARDED:
        report(r, u, s, "discarded", sink);
        break;
    case USE_BOUND:
        if (bound_unused(fc, i))
            report(r, u, s,
                   arena_printf(a, "bound to `%s`, which is never used again",
                                str_dup(a, s->use_name)),
                   sink);
        break;
    case USE_RECEIVER:
        if (chk_flow_in_names(s->use_name, p->callbacks, p->ncallbacks) &&
            chk_flow_outer_call(u, i) >= 0)
            report(r, u, s,
                   arena_printf(a, "only used to call `%s`, which does not keep it",
                                str_dup(a, s->use_name)),
                   sink);
        break;
    case USE_ELEMENT:
        check_comprehension(r, u, s, sink);
        break;
    default:
        break;
    }
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    FlowCtx *fc = chk_flow_of(u);
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_CALL)
            check_site(r, fc, i, sink);
}

const CheckEngine chk_dangling_task_engine = {
    .name = "dangling-task",
    .trigger_keys = TRIGGERS,
    .bind = bind,
    .run_unit = run_unit,
};
