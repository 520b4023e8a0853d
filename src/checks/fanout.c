/* Shared logic of the unbounded-concurrency engines (see fanout.h). */
#include "fanout.h"

#include <string.h>

const Site *chk_fanout_input_loop(const Unit *u, const Site *s)
{
    if (s->loop < 0 || (s->flags & SITE_F_ONCE))
        return NULL; /* (ONCE: `spawn(x); break` starts one task, whatever the loop) */
    const Site *l = &u->sites[s->loop];
    /* C: the frontend tells input-dependent bounds (`i < argc`, `n` from a
     * parameter); an endless `for (;;)` server loop is left alone, as Python's
     * `while` loops are. */
    if (u->lang == LANG_C)
        return (l->flags & SITE_F_INPUT_BOUND) && !(l->flags & SITE_F_TRUE_COND) ? l : NULL;
    if (l->loop_kind == LOOP_WHILE || (l->flags & (SITE_F_BOUNDED | SITE_F_POOL)))
        return NULL;
    return l;
}

bool chk_fanout_is_spawner(const ChkEnv *env, const Unit *u, const Site *s)
{
    return s->kind == SITE_CALL && chk_idx_any(&env->spawners[u->lang], chk_call_name(u, s), u, s);
}

bool chk_fanout_releases(const ChkEnv *env, const Unit *u, const Site *coro)
{
    if (!coro || coro->kind != SITE_CALL || !(coro->flags & SITE_F_ROOT_LOCAL))
        return false;
    Str t = coro->text;
    int32_t dot = str_rfind(t, '.');
    if (dot <= 0)
        return false;
    Str root = str_make(t.ptr, (uint32_t)str_find(t, '.'));
    if (str_eq_c(root, "self") || str_eq_c(root, "cls"))
        return false; /* the object's own method, not the item's */
    return chk_env_releases(env, u->lang, str_make(t.ptr + dot + 1, t.len - (uint32_t)dot - 1));
}

void chk_fanout_candidate(const ChkEnv *env, const Rule *r, const Unit *u, const Site *at,
                          const Site *coro, const Site *loop, const char *message,
                          ProjectFile *pf)
{
    if (!pf || (uint32_t)at->func >= pf->funcs.size)
        return;
    ProjectCand c;
    memset(&c, 0, sizeof c);
    c.rule = r;
    c.caller = (uint32_t)at->func;
    if (coro)
        c.callee = chk_call_candidate(env, pf, u, coro);
    else if (at->kind == SITE_CALL && at->nargs && !at->args[0].keyword.len)
        c.callee = chk_arg_candidate(env, pf, u, at, &at->args[0]);
    c.iterable = loop ? chk_loop_candidate(env, pf, u, loop) : NULL;
    c.message = arena_strdup(&pf->arena, message);
    c.key = chk_site_key(pf, u, at);
    c.loc = chk_site_loc(u, at);
    vec_push(&pf->cands, c);
}

void chk_fanout_report(const Rule *r, const Project *p, FindingSink *sink)
{
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        for (uint32_t i = 0; i < pf->cands.size; i++) {
            const ProjectCand *c = &pf->cands.contents[i];
            if (c->rule != r)
                continue;
            const ProjectFunc *t = c->callee ? project_lookup(p, c->callee, NULL) : NULL;
            if (t && (t->flags & PF_LIMITS))
                continue; /* the spawned coroutine bounds itself */
            /* `for k in Kind`: iterating a class (an Enum, through its
             * metaclass) gives the members its body declares */
            const ProjectFunc *it = c->iterable ? project_lookup(p, c->iterable, NULL) : NULL;
            if (it && (it->flags & PF_CLASS))
                continue;
            const char *func = chk_display_function(pf, &pf->funcs.contents[c->caller]);
            chk_sink_add_loc(sink, r, pf->path, c->loc, func, c->key, c->message);
        }
    }
}

const char *chk_fanout_message(Arena *a, const Rule *r, const Unit *u, const Site *at,
                               const Site *loop)
{
    /* as written (`loop.create_task`), not as resolved through local types */
    const char *vars[] = {"callee", str_dup(a, at->text), "function",
                          str_dup(a, u->funcs[at->func].name), "iterable",
                          loop ? str_dup(a, loop->text) : "", NULL};
    return chk_format(a, chk_message(r, u), vars);
}
