/* Engine `resource-leak`: in an async context, a client/connection object made
 * by one of the rule's `resources` (`aiohttp.ClientSession()`,
 * `httpx.AsyncClient()`) that is never closed and never leaves the function.
 * Such objects own sockets and a connector; left to the garbage collector they
 * leak connections and warn "Unclosed client session" at exit. Reported at the
 * creating call when its result is
 *   - discarded, or used once as a receiver (`ClientSession().get(url)`);
 *   - bound to a local that is then never: used as an (async) context manager,
 *     closed for sure (a `closers` method such as `await s.close()` called in
 *     a `finally`, or in a cleanup function, or only referenced as in
 *     `stack.push_async_callback(s.close)`), returned or yielded, stored
 *     (`self.s = s`), put in a container, rebound, or passed to a call (the
 *     callee may keep it) - except to a coroutine function of this file,
 *     which only uses it;
 *   - closed on the normal path only: a close outside `finally` after an
 *     await point that may raise (unless an except handler closes it too).
 * Used directly as `async with` item, returned, stored or passed on: no finding.
 * The frontend loses the binding of `x = await f()`, so resources obtained by
 * awaiting (`asyncpg.connect`) cannot be followed and are not listed.
 *
 * Parameters: resources (call patterns, required), exclude (call patterns),
 * closers (method names, required). Placeholders: {callee} {function} {detail}. */
#include <string.h>

#include "flow.h"
#include "params.h"
#include "pysrc.h"
#include "registry.h"

typedef struct LeakParams {
    CallIndex resources;
    CallIndex exclude;
    const char **closers;
    uint32_t nclosers;
} LeakParams;

static const char *const KEYS[] = {"resources", "exclude", "closers", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    LeakParams *p = ARENA_NEW(a, LeakParams);
    bool ok = chk_flow_patterns(r, "resources", true, a, d, &p->resources);
    ok &= chk_flow_patterns(r, "exclude", false, a, d, &p->exclude);
    ok &= chk_flow_names(r, "closers", true, a, d, &p->closers, &p->nclosers);
    r->bound = p;
    return ok;
}

/* Whether call site c calls a coroutine function defined in this file (plain
 * `helper(...)` at module level or `self.helper(...)` in a class): such a
 * callee uses its argument for the duration of the call. */
static bool local_coroutine(const Unit *u, const Site *c)
{
    Str last = chk_flow_last(c->text), recv = chk_flow_receiver(c->text);
    bool method = str_eq_c(recv, "self") || str_eq_c(recv, "cls");
    if (recv.len && !method)
        return false;
    for (uint32_t f = 1; f < u->nfuncs; f++) {
        const Function *fn = &u->funcs[f];
        if (fn->kind != FN_DEF || !fn->is_async || fn->is_generator || !str_eq(fn->name, last))
            continue;
        if (method ? fn->cls >= 0 : fn->parent == 0)
            return true;
    }
    return false;
}

typedef struct UseScan {
    const LeakParams *p;
    const Site *made;    /* the creating call */
    bool safe;           /* managed, closed for sure, or handed over */
    int32_t plain_close; /* a close call on the normal path only, or -1 */
    bool except_close;   /* a close call in an except handler */
} UseScan;

/* A `closers` method on the resource (USE site i, RECEIVER): closed for sure
 * when the call is in a `finally`, in another function (a cleanup callback),
 * or only referenced (`stack.push_async_callback(s.close)`). */
static void on_close(UseScan *us, const Unit *u, uint32_t i)
{
    const Site *s = &u->sites[i];
    if ((s->flags & SITE_F_IN_FINALLY) || s->func != us->made->func) {
        us->safe = true;
        return;
    }
    int32_t call = chk_flow_outer_call(u, i);
    if (call < 0 || u->sites[call].use == USE_ARGUMENT) {
        us->safe = true;
    } else if (s->flags & SITE_F_IN_EXCEPT) {
        us->except_close = true;
    } else if (us->plain_close < 0) {
        us->plain_close = (int32_t)i;
    }
}

static bool on_use(void *ctx, const Unit *u, uint32_t i)
{
    UseScan *us = ctx;
    if (i == FLOW_USE_UNKNOWN) {
        us->safe = true;
        return false;
    }
    const Site *s = &u->sites[i];
    switch (s->use) {
    case USE_RECEIVER:
        if (chk_flow_in_names(s->use_name, us->p->closers, us->p->nclosers))
            on_close(us, u, i);
        break;
    case USE_ARGUMENT:
        us->safe = s->parent < 0 || !local_coroutine(u, &u->sites[s->parent]);
        break;
    case USE_ASYNC_CONTEXT:
    case USE_CONTEXT:
    case USE_RETURNED:
    case USE_STORED:
    case USE_ELEMENT:
    case USE_BOUND:
        us->safe = true;
        break;
    default:
        break;
    }
    return !us->safe;
}

/* Whether the normal-path close at USE site `close` runs for sure: closed in
 * an except handler too, or nothing that can fail (no await point) between
 * the creating statement and the close's line. */
static bool plain_close_certain(const UseScan *us, const Unit *u, uint32_t close)
{
    static const char *const suspends[] = {"await", "async", "yield", "raise", NULL};
    if (us->except_close)
        return true;
    uint32_t line = u->sites[close].off - chk_pysrc_column(u, u->sites[close].off);
    return line <= us->made->end || !chk_pysrc_has_word(u, us->made->end, line, suspends);
}

static void report(const Rule *r, const Unit *u, const Site *s, const char *detail,
                   FindingSink *sink)
{
    Arena *a = &sink->arena;
    const char *vars[] = {"callee",   str_dup(a, chk_flow_site_name(s)),
                          "function", str_dup(a, u->funcs[s->func].name),
                          "detail",   detail,
                          NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end, chk_format(a, chk_message(r, u), vars));
}

static void check_site(const Rule *r, FlowCtx *fc, uint32_t i, FindingSink *sink)
{
    const Unit *u = chk_flow_unit(fc);
    const LeakParams *p = r->bound;
    const Site *s = &u->sites[i];
    /* the use and the context first (fields to read: most calls are in sync
     * code, or used otherwise), the resource patterns (lookups) last */
    if ((s->use != USE_DISCARDED && s->use != USE_RECEIVER && s->use != USE_BOUND) ||
        !unit_is_async_context(u, s->func) || !chk_flow_matches(&p->resources, u, s) ||
        chk_flow_matches(&p->exclude, u, s))
        return;
    Arena *a = &sink->arena;
    if (s->use == USE_DISCARDED) {
        report(r, u, s, "dropped at once", sink);
    } else if (s->use == USE_RECEIVER) {
        if (!chk_flow_in_names(s->use_name, p->closers, p->nclosers))
            report(r, u, s, arena_printf(a, "only used for `.%s(...)`", str_dup(a, s->use_name)),
                   sink);
    } else if (s->use == USE_BOUND && !chk_flow_declared_global(fc, s->func, s->use_name) &&
               !chk_flow_chained(u, s)) {
        UseScan us = {p, s, false, -1, false};
        chk_flow_read_after(fc, i, s->use_name, on_use, &us);
        char *var = str_dup(a, s->use_name);
        if (us.safe ||
            (us.plain_close >= 0 && plain_close_certain(&us, u, (uint32_t)us.plain_close)))
            return;
        if (us.plain_close >= 0)
            report(r, u, s,
                   arena_printf(a, "closed only if nothing before `%s.%s()` fails (no `finally`)",
                                var, str_dup(a, u->sites[us.plain_close].use_name)),
                   sink);
        else
            report(r, u, s,
                   arena_printf(a, "bound to `%s`, which is never closed, returned or stored", var),
                   sink);
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

const CheckEngine chk_resource_leak_engine = {
    .name = "resource-leak",
    .async_only = true,
    .bind = bind,
    .run_unit = run_unit,
};
