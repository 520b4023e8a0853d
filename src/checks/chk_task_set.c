/* Engine `task-set`: a task from one of the rule's `spawners` added (`adders`:
 * `add`, `append`) to a long-lived collection - an attribute (`self._tasks`)
 * or a module-level name - that nothing prunes. Keeping tasks in a set is the
 * right way to hold a reference, but without a done callback that removes each
 * task the set grows for the life of the process and finished tasks (with
 * their exceptions) are never released. Reported at the adding call, for
 *   - `tasks.add(asyncio.create_task(...))` (nobody can attach a callback), and
 *   - `task = asyncio.create_task(...)` + `tasks.add(task)` when `task` gets no
 *     done callback that removes it (`task.add_done_callback(tasks.discard)`, a
 *     lambda or a function of the file that calls a `removers` method; a
 *     callback the file does not define counts as removing).
 * Clean as well when the file prunes the collection elsewhere (a call of one of
 * its `removers`, a comprehension assigned back to it) or hands it to one of
 * the `collectors` (`asyncio.gather(*tasks)`: the tasks are awaited). A local
 * collection (bound or a parameter in the function) dies with the function and
 * is never reported.
 *
 * Parameters: spawners, collectors (call patterns), adders, removers,
 * callback-methods (method names). Placeholders: {callee} {collection}
 * {function} {method}. */
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct TaskSetParams {
    CallIndex spawners;
    CallIndex collectors;
    const char **adders, **removers, **callbacks;
    uint32_t nadders, nremovers, ncallbacks;
} TaskSetParams;

static const char *const KEYS[] = {"spawners", "collectors",       "adders",
                                   "removers", "callback-methods", NULL};
/* what every finding starts from (CheckEngine.trigger_keys) */
static const char *const TRIGGERS[] = {"spawners", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    TaskSetParams *p = ARENA_NEW(a, TaskSetParams);
    bool ok = chk_flow_patterns(r, "spawners", true, a, d, &p->spawners);
    ok &= chk_flow_patterns(r, "collectors", false, a, d, &p->collectors);
    ok &= chk_flow_names(r, "adders", true, a, d, &p->adders, &p->nadders);
    ok &= chk_flow_names(r, "removers", true, a, d, &p->removers, &p->nremovers);
    ok &= chk_flow_names(r, "callback-methods", true, a, d, &p->callbacks, &p->ncallbacks);
    r->bound = p;
    return ok;
}

static bool is_spawn(const TaskSetParams *p, const Unit *u, const Site *s)
{
    return s->kind == SITE_CALL && chk_flow_matches(&p->spawners, u, s);
}

/* Whether function f itself calls one of the removers. */
static bool func_removes(const TaskSetParams *p, const Unit *u, int32_t f)
{
    const Function *fn = &u->funcs[f];
    for (uint32_t i = 0; i < fn->nsites; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->kind == SITE_CALL &&
            chk_flow_in_names(chk_flow_last(s->text), p->removers, p->nremovers))
            return true;
    }
    return false;
}

/* Whether the callback given to `task.add_done_callback(cb)` removes the task
 * (or may: a callable this file does not define). */
static bool callback_removes(const TaskSetParams *p, const Unit *u, const Site *call)
{
    if (!call->nargs)
        return false;
    const Arg *cb = &call->args[0];
    if (cb->kind == ARG_LAMBDA)
        return cb->func < 0 || func_removes(p, u, cb->func);
    if (cb->kind != ARG_NAME && cb->kind != ARG_DOTTED)
        return true;
    Str last = chk_flow_last(cb->text);
    if (chk_flow_in_names(last, p->removers, p->nremovers))
        return true;
    bool defined = false;
    for (uint32_t f = 1; f < u->nfuncs; f++) {
        if (u->funcs[f].kind != FN_DEF || !str_eq(u->funcs[f].name, last))
            continue;
        defined = true;
        if (func_removes(p, u, (int32_t)f))
            return true;
    }
    return !defined;
}

typedef struct CallbackScan {
    const TaskSetParams *p;
    bool removes;
} CallbackScan;

static bool on_use(void *ctx, const Unit *u, uint32_t i)
{
    CallbackScan *cs = ctx;
    if (i == FLOW_USE_UNKNOWN) {
        cs->removes = true; /* a read we cannot see: assume it manages the task */
        return false;
    }
    const Site *s = &u->sites[i];
    if (s->use != USE_RECEIVER ||
        !chk_flow_in_names(s->use_name, cs->p->callbacks, cs->p->ncallbacks))
        return true;
    int32_t call = chk_flow_outer_call(u, i);
    if (call >= 0 && callback_removes(cs->p, u, &u->sites[call]))
        cs->removes = true;
    return !cs->removes;
}

/* The collections the file prunes somewhere (a `removers` call or a removing
 * method referenced, a comprehension assigned back) or hands to a collector:
 * their names, sorted for bsearch. */
typedef struct Pruned {
    Str *names;
    uint32_t n, cap;
} Pruned;

static void pruned_add(Pruned *pr, Str name)
{
    if (!name.len)
        return;
    if (pr->n == pr->cap) {
        pr->cap = pr->cap ? pr->cap * 2 : 16;
        pr->names = xrealloc(pr->names, sizeof *pr->names * pr->cap);
    }
    pr->names[pr->n++] = name;
}

static int cmp_str(const void *a, const void *b)
{
    const Str *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->ptr, y->ptr, x->len);
}

/* The receiver of `coll.remover` names, else empty. */
static Str removed_from(const TaskSetParams *p, Str name)
{
    return chk_flow_in_names(chk_flow_last(name), p->removers, p->nremovers)
               ? chk_flow_receiver(name)
               : STR_NULL;
}

static void collect_pruned(const TaskSetParams *p, const Unit *u, Pruned *pr)
{
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        if (s->kind == SITE_LOOP && s->loop_kind == LOOP_COMP &&
            (s->use == USE_STORED || s->use == USE_BOUND))
            pruned_add(pr, s->use_name);
        if (s->kind != SITE_CALL)
            continue;
        pruned_add(pr, removed_from(p, s->text));
        bool collector = chk_flow_matches(&p->collectors, u, s);
        for (uint32_t k = 0; k < s->nargs; k++) {
            const Arg *a = &s->args[k];
            if (a->kind != ARG_NAME && a->kind != ARG_DOTTED)
                continue;
            if (collector)
                pruned_add(pr, a->text);
            pruned_add(pr, removed_from(p, a->text));
        }
    }
    if (pr->n)
        qsort(pr->names, pr->n, sizeof *pr->names, cmp_str);
}

static bool pruned(const Pruned *pr, Str coll)
{
    return pr->n && bsearch(&coll, pr->names, pr->n, sizeof *pr->names, cmp_str) != NULL;
}

/* The spawner call bound to `name` nearest before site `before` in function f. */
static int32_t binding_of(const TaskSetParams *p, const Unit *u, int32_t f, Str name,
                          uint32_t before)
{
    for (uint32_t i = before; i > 0 && u->sites[i - 1].off >= u->funcs[f].off; i--) {
        const Site *s = &u->sites[i - 1];
        if (s->func == f && s->use == USE_BOUND && str_eq(s->use_name, name))
            return is_spawn(p, u, s) ? (int32_t)(i - 1) : -1;
    }
    return -1;
}

static bool long_lived(FlowCtx *fc, int32_t f, Str coll)
{
    if (str_find(coll, '.') >= 0)
        return str_find(coll, '(') < 0 && str_find(coll, '[') < 0;
    return chk_flow_binding(fc, f, coll) == FLOW_BIND_GLOBAL;
}

typedef struct TaskSetRun {
    const TaskSetParams *p;
    const Unit *u;
    FlowCtx *fc;
    Pruned pruned;       /* collected on first need: most files add no task anywhere */
    bool pruned_ready;
} TaskSetRun;

static void check_add(const Rule *r, TaskSetRun *run, uint32_t i, FindingSink *sink)
{
    const TaskSetParams *p = r->bound;
    const Unit *u = run->u;
    const Site *add = &u->sites[i];
    Str method = chk_flow_last(add->text);
    if (!add->nargs || add->args[0].keyword.len || add->args[0].flags ||
        !chk_flow_in_names(method, p->adders, p->nadders))
        return;
    Str coll = chk_flow_receiver(add->text);
    const Arg *a = &add->args[0];
    const Site *task = NULL;
    if (a->kind == ARG_CALL && a->site >= 0 && is_spawn(p, u, &u->sites[a->site])) {
        task = &u->sites[a->site];
    } else if (a->kind == ARG_NAME) {
        int32_t b = binding_of(p, u, add->func, a->text, i);
        if (b < 0)
            return;
        task = &u->sites[b];
        CallbackScan cs = {p, false};
        chk_flow_read_after(run->fc, (uint32_t)b, a->text, on_use, &cs);
        if (cs.removes)
            return;
    } else {
        return;
    }
    if (!coll.len || !long_lived(run->fc, add->func, coll))
        return;
    if (!run->pruned_ready) {
        collect_pruned(p, u, &run->pruned);
        run->pruned_ready = true;
    }
    if (pruned(&run->pruned, coll))
        return;
    Arena *ar = &sink->arena;
    const char *vars[] = {
        "callee", str_dup(ar, task->text), "collection", str_dup(ar, coll),
        "method", str_dup(ar, method),     "function",   str_dup(ar, u->funcs[add->func].name),
        NULL};
    chk_sink_add(sink, r, u, add->func, add->off, add->end,
                 chk_format(ar, chk_message(r, u), vars));
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    TaskSetRun run = {r->bound, u, chk_flow_of(u), {NULL, 0, 0}, false};
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_CALL)
            check_add(r, &run, i, sink);
    xfree(run.pruned.names);
}

const CheckEngine chk_task_set_engine = {
    .name = "task-set",
    .trigger_keys = TRIGGERS,
    .bind = bind,
    .run_unit = run_unit,
};
