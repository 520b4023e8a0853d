/* Engine `null-callback` (C): a call that passes NULL where a completion
 * callback belongs is a finding (AL206: uv_queue_work without after_work_cb,
 * so nobody learns that the work finished or was cancelled). Purely local:
 * the call and its argument decide, wherever the call is made.
 *
 * Parameters: calls (list of {call: NAME, arg: INDEX}). Message placeholders:
 * {callee} {function}. */
#include <string.h>

#include "c_context.h"
#include "params.h"
#include "registry.h"

typedef struct NullCbParams {
    const char **calls;
    int32_t *args;
    uint32_t n;
} NullCbParams;

static const char *const KEYS[] = {"calls", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    const YNode **items;
    uint32_t n;
    if (!chk_param_items(r, "calls", a, d, &items, &n))
        return false;
    if (!n)
        return ynode_error(d, r->node, "rule '%s': check '%s' needs 'calls'", r->id, r->check);
    NullCbParams *p = ARENA_NEW(a, NullCbParams);
    p->calls = ARENA_ARRAY(a, const char *, n);
    p->args = ARENA_ARRAY(a, int32_t, n);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++)
        ok &= chk_cctx_call_arg(r, items[i], d, &p->calls[i], &p->args[i]);
    p->n = n;
    r->bound = p;
    return ok;
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    const NullCbParams *p = r->bound;
    if (u->lang != LANG_C || r->language != LANG_C)
        return;
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        Str name = chk_cctx_callee(s);
        for (uint32_t k = 0; name.len && k < p->n; k++) {
            if (!str_eq_c(name, p->calls[k]) || (uint32_t)p->args[k] >= s->nargs ||
                s->args[p->args[k]].kind != ARG_NULL)
                continue;
            char *callee = str_dup(&sink->arena, name);
            char *fn = str_dup(&sink->arena, u->funcs[s->func].name);
            const char *vars[] = {"callee", callee, "function", fn, NULL};
            chk_sink_add(sink, r, u, s->func, s->off, s->end,
                         chk_format(&sink->arena, r->message, vars));
            break;
        }
    }
}

const CheckEngine chk_c_null_callback_engine = {
    .name = "null-callback",
    .bind = bind,
    .run_unit = run_unit,
};
