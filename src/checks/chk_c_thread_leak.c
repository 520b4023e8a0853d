/* Engine `thread-leak` (C, AL205): a thread created into a local id
 * (`pthread_t t; pthread_create(&t, ...)`) that the function never joins,
 * detaches or lets escape. Once the local dies nobody can join the thread:
 * its stack and descriptor leak when it ends, and nothing waits for it.
 *
 * The id escapes (and the owner becomes someone else) when the function
 * passes it to any call, stores it in a member, array or global, binds it to
 * another variable, returns it, or passes its address on. Threads created
 * with an attribute the function makes detached (`detached-attr`) are fine.
 *
 * Parameters: creates (list of {call, arg}: the id's argument), releases
 * (join/detach calls), detached-attr ({call, arg, is}). Message placeholders:
 * {var} {callee} {function}. */
#include <stdlib.h>
#include <string.h>

#include "c_context.h"
#include "params.h"
#include "registry.h"

typedef struct LeakParams {
    const char **creates;
    int32_t *create_args;
    uint32_t ncreates;
    const char **releases;
    uint32_t nreleases;
    const char *attr_call; /* detached-attr: the call, its argument and values */
    int32_t attr_arg;
    const char **attr_is;
    uint32_t nattr_is;
} LeakParams;

static const char *const KEYS[] = {"creates", "releases", "detached-attr", NULL};

static bool bind_attr(const Rule *r, Arena *a, Diag *d, LeakParams *p)
{
    const YNode *n = ynode_get(r->node, "detached-attr");
    p->attr_arg = -1;
    if (!n)
        return true;
    const YNode *call = n->kind == YNODE_MAP ? ynode_get(n, "call") : NULL;
    const YNode *arg = n->kind == YNODE_MAP ? ynode_get(n, "arg") : NULL;
    const YNode *is = n->kind == YNODE_MAP ? ynode_get(n, "is") : NULL;
    if (!call || !arg || !is || call->kind != YNODE_SCALAR || arg->kind != YNODE_SCALAR ||
        n->count != 3)
        return ynode_error(d, n, "rule '%s': 'detached-attr' must be {call, arg, is}", r->id);
    p->attr_call = call->scalar;
    p->attr_arg = (int32_t)strtol(arg->scalar, NULL, 10);
    return ynode_strings(is, a, d, &p->attr_is, &p->nattr_is);
}

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    LeakParams *p = ARENA_NEW(a, LeakParams);
    const YNode **items, **rel;
    uint32_t n, nrel;
    if (!chk_param_items(r, "creates", a, d, &items, &n) ||
        !chk_param_items(r, "releases", a, d, &rel, &nrel))
        return false;
    bool ok =
        n > 0 || ynode_error(d, r->node, "rule '%s': check '%s' needs 'creates'", r->id, r->check);
    p->creates = ARENA_ARRAY(a, const char *, n ? n : 1);
    p->create_args = ARENA_ARRAY(a, int32_t, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        ok &= chk_cctx_call_arg(r, items[i], d, &p->creates[i], &p->create_args[i]);
    p->ncreates = n;
    p->releases = ARENA_ARRAY(a, const char *, nrel ? nrel : 1);
    for (uint32_t i = 0; i < nrel; i++) {
        if (rel[i]->kind != YNODE_SCALAR)
            ok = ynode_error(d, rel[i], "rule '%s': 'releases' lists call names", r->id);
        else
            p->releases[p->nreleases++] = rel[i]->scalar;
    }
    ok &= bind_attr(r, a, d, p);
    r->bound = p;
    return ok;
}

/* The id argument when s creates a thread into an automatic variable. */
static const Arg *created_id(const LeakParams *p, const Site *s)
{
    Str name = chk_cctx_callee(s);
    for (uint32_t k = 0; name.len && k < p->ncreates; k++)
        if (str_eq_c(name, p->creates[k]) && (uint32_t)p->create_args[k] < s->nargs &&
            s->args[p->create_args[k]].kind == ARG_ADDR)
            return &s->args[p->create_args[k]];
    return NULL;
}

static bool detaches_attr(const LeakParams *p, const Unit *u, const Function *fn)
{
    for (uint32_t i = 0; p->attr_call && i < fn->nsites; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (str_eq_c(chk_cctx_callee(s), p->attr_call) && (uint32_t)p->attr_arg < s->nargs &&
            chk_cctx_in_list(s->args[p->attr_arg].text, p->attr_is, p->nattr_is))
            return true;
    }
    return false;
}

static bool escapes_by_use(const Site *s)
{
    return s->use == USE_ARGUMENT || s->use == USE_STORED || s->use == USE_RETURNED ||
           s->use == USE_BOUND || s->use == USE_ELEMENT;
}

/* Whether variable `var` is joined, detached or handed on anywhere in fn
 * (other than by the creating call `create`). */
static bool handled(const LeakParams *p, const Unit *u, const Function *fn, Str var,
                    const Site *create)
{
    for (uint32_t i = 0; i < fn->nsites; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->kind == SITE_USE && str_eq(s->text, var) && escapes_by_use(s))
            return true;
        if (s->kind != SITE_CALL || s == create)
            continue;
        bool release = chk_cctx_in_list(chk_cctx_callee(s), p->releases, p->nreleases);
        for (uint32_t k = 0; k < s->nargs; k++) {
            const Arg *a = &s->args[k];
            bool names_var = (a->kind == ARG_NAME || a->kind == ARG_ADDR) && str_eq(a->text, var);
            if (names_var && (release || a->kind == ARG_ADDR) && !created_id(p, s))
                return true;
        }
    }
    return false;
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    const LeakParams *p = r->bound;
    if (u->lang != LANG_C || r->language != LANG_C)
        return;
    for (uint32_t f = 1; f < u->nfuncs; f++) {
        const Function *fn = &u->funcs[f];
        bool detached = detaches_attr(p, u, fn);
        for (uint32_t i = 0; i < fn->nsites; i++) {
            const Site *s = &u->sites[fn->sites[i]];
            const Arg *id = created_id(p, s);
            /* an attribute argument other than NULL may make the thread detached */
            bool with_attr = s->nargs > 1 && s->args[1].kind != ARG_NULL;
            if (!id || (detached && with_attr) || handled(p, u, fn, id->text, s))
                continue;
            char *var = str_dup(&sink->arena, id->text);
            char *callee = str_dup(&sink->arena, s->resolved);
            char *fname = str_dup(&sink->arena, fn->name);
            const char *vars[] = {"var", var, "callee", callee, "function", fname, NULL};
            chk_sink_add(sink, r, u, s->func, s->off, s->end,
                         chk_format(&sink->arena, r->message, vars));
        }
    }
}

const CheckEngine chk_c_thread_leak_engine = {
    .name = "thread-leak",
    .bind = bind,
    .run_unit = run_unit,
};
