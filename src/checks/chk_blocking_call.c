/* Engine `blocking-call`: a call that matches the rule's `calls:` patterns, made
 * in one of the rule's `contexts`, is a finding. In Python the context is local
 * (the body of an `async def`), so findings are made during the file's call
 * pass. In C the context of a function (loop callback, signal handler) is only
 * known once every translation unit is linked, so the pass records a fact and
 * run_project reports the facts of functions whose context matches. With
 * `transitive: true` (the default) every match in a non-async function is also
 * recorded for blocking-via-helper (AL109) to follow through the call graph.
 *
 * Parameters: contexts (list: async | loop | signal | threadpool), calls, exclude,
 * transitive (bool). Message placeholders: {callee} {function} {args}, and in C
 * {via} (the API that registered the callback). */
#include <string.h>

#include "params.h"
#include "registry.h"

typedef struct BlockingParams {
    uint32_t contexts;  /* CTX_* bits */
    bool transitive;
} BlockingParams;

static const char *const KEYS[] = {"contexts", "calls", "exclude", "transitive", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    BlockingParams *p = ARENA_NEW(a, BlockingParams);
    p->transitive = true;
    r->bound = p;
    return chk_param_bool(r, "transitive", d, &p->transitive) &
           chk_param_contexts(r, a, d, &p->contexts);
}

static bool index_rule(const Rule *r, ChkEnv *env, Diag *d)
{
    CallIndex *ix = &env->calls[r->language];
    return chk_param_patterns(r, "calls", false, true, &env->rs->arena, d, ix) &
           chk_param_patterns(r, "exclude", true, false, &env->rs->arena, d, ix);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\';
}

/* Where argument a starts in the source: its value's offset, moved back over a
 * `*`/`**` or `keyword=` written before it (Arg.off is the value's). */
static uint32_t arg_start(const Unit *u, const Arg *a)
{
    uint32_t off = a->off;
    if (!a->keyword.len && !a->flags)
        return off;
    while (off > 0 && blank(u->src[off - 1]))
        off--;
    if (a->keyword.len && off > 0 && u->src[off - 1] == '=') {
        for (off--; off > 0 && blank(u->src[off - 1]);)
            off--;
        return off >= a->keyword.len ? off - a->keyword.len : off;
    }
    while (off > 0 && u->src[off - 1] == '*')
        off--;
    return off;
}

/* The text between the call's parentheses. */
static const char *args_text(Arena *a, const Unit *u, const Site *s)
{
    if (!s->nargs)
        return "";
    uint32_t off = arg_start(u, &s->args[0]), end = s->args[s->nargs - 1].end;
    return end > off ? arena_strndup(a, u->src + off, end - off) : "";
}

/* `await asyncio.sleep(...)` is only a safe rewrite of a statement-level call,
 * and only where every module the template names is imported under that name. */
static bool fix_applies(const Unit *u, const Site *s, const char *tmpl)
{
    if (s->kind != SITE_CALL || s->use != USE_DISCARDED)
        return false;
    for (const char *p = tmpl; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || *p == '_') || (p > tmpl && (p[-1] == '.' || p[-1] == '{')))
            continue;
        const char *q = p;
        while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_')
            q++;
        if (*q == '.') {
            bool imported = false;
            for (uint32_t i = 0; i < u->nimports; i++)
                if (u->imports[i].func == 0 && str_eq(u->imports[i].local, str_make(p, (uint32_t)(q - p))) &&
                    str_eq(u->imports[i].qualified, str_make(p, (uint32_t)(q - p))))
                    imported = true;
            if (!imported)
                return false;
        }
        p = q - 1;
        if (!*q)
            break;
    }
    return true;
}

static void report(const Rule *r, const Unit *u, const Site *s, Str name, FindingSink *sink)
{
    const Function *fn = &u->funcs[s->func];
    char *callee = str_dup(&sink->arena, name);
    char *func = str_dup(&sink->arena, fn->name);
    const char *args = args_text(&sink->arena, u, s);
    const char *vars[] = {"callee", callee, "function", func, "args", args, NULL};
    Finding *f = chk_sink_add(sink, r, u, s->func, s->off, s->end,
                              chk_format(&sink->arena, chk_message(r, u), vars));
    if (r->fix && fix_applies(u, s, r->fix)) {
        Fix *fx = ARENA_NEW(&sink->arena, Fix);
        fx->replacement = chk_format(&sink->arena, r->fix, vars);
        fx->description = arena_printf(&sink->arena, "Replace with `%s`", fx->replacement);
        fx->line = f->line;
        fx->col = f->col;
        fx->end_line = f->end_line;
        fx->end_col = f->end_col;
        f->fix = fx;
    }
}

static void record_fact(const Rule *r, const Unit *u, const Site *s, Str name, ProjectFile *pf)
{
    if (!pf || (uint32_t)s->func >= pf->funcs.size)
        return;
    const BlockingParams *p = r->bound;
    ProjectFact fact = {.rule = r, .callee = project_intern(pf, name), .transitive = p->transitive};
    unit_pos(u, s->off, &fact.loc.line, &fact.loc.col);
    unit_pos(u, s->end, &fact.loc.end_line, &fact.loc.end_col);
    vec_push(&pf->funcs.contents[s->func].facts, fact);
}

static void on_call(const Rule *r, const ChkEnv *env, const Unit *u, const Site *s, Str name,
                    FindingSink *sink, ProjectFile *pf)
{
    const BlockingParams *p = r->bound;
    if (!r->enabled && !r->default_enabled)
        return; /* an opt-in rule (python-strict) feeds nothing unless selected */
    (void)env; /* a blocking function handed to an offload by reference is no call
                  site at all; one called in the offload's arguments runs here */
    if (u->lang == LANG_PYTHON) {
        if (s->flags & SITE_F_NONBLOCKING)
            return; /* `try: sock.recv(n) except BlockingIOError:` does not wait */
        if (unit_is_async_context(u, s->func)) {
            if ((p->contexts & CTX_ASYNC) && r->enabled)
                report(r, u, s, name, sink);
        } else if (p->transitive) {
            record_fact(r, u, s, name, pf);
        }
        return;
    }
    if (r->enabled || p->transitive)
        record_fact(r, u, s, name, pf); /* C: contexts are known after linking */
}

/* C: the facts recorded in functions that the linked Project says run in one
 * of the rule's contexts (a loop callback, a signal handler). */
static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    const BlockingParams *params = r->bound;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->lang != LANG_C || r->language != LANG_C)
            continue;
        for (uint32_t i = 0; i < pf->funcs.size; i++) {
            const ProjectFunc *fn = &pf->funcs.contents[i];
            if (!(fn->context & params->contexts) || (fn->context & CTX_THREADPOOL))
                continue;
            for (uint32_t k = 0; k < fn->facts.size; k++) {
                const ProjectFact *fact = &fn->facts.contents[k];
                if (fact->rule != r)
                    continue;
                const char *vars[] = {"callee", fact->callee, "function", fn->name, "args", "",
                                      "via", fn->context_via ? fn->context_via : "", NULL};
                chk_sink_add_loc(sink, r, pf->path, fact->loc, fn->qualname, fact->callee,
                                 chk_format(&sink->arena, r->message, vars));
            }
        }
    }
}

const CheckEngine chk_blocking_call_engine = {
    .name = "blocking-call",
    .async_only = true,
    .bind = bind,
    .index = index_rule,
    .on_call = on_call,
    .on_call_when_disabled = true, /* its facts feed blocking-via-helper */
    .run_project = run_project,
};
