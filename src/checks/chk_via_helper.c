/* Engine `blocking-via-helper` (AL109): an async context (Python: an async def;
 * C: a callback the packs say runs on the loop) calls a function of the run that
 * blocks — directly or through further calls, across files. Reported at the
 * call in the async context, with the whole chain down to the blocking call
 * (text `note:` lines, SARIF codeFlows). The Project's `blocks` summary does the
 * work; this engine only walks it.
 *
 * Parameters: contexts (async | loop | signal). Message placeholders: {callee}
 * (the helper called), {function}, {blocking} (the blocking call at the end),
 * {depth} (calls between them), {also} (empty, or " (it also reaches
 * `time.sleep`)": the function that makes it blocks in other ways too). */
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "registry.h"

enum { MAX_CHAIN = 32, MAX_ALSO = 4, MAX_DISTINCT = 64 };

typedef struct ViaParams {
    uint32_t contexts;
} ViaParams;

static const char *const KEYS[] = {"contexts", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    ViaParams *p = ARENA_NEW(a, ViaParams);
    r->bound = p;
    return chk_param_contexts(r, a, d, &p->contexts);
}

static bool caller_in_context(const ViaParams *p, const ProjectFile *pf, const ProjectCall *c)
{
    const ProjectFunc *caller = &pf->funcs.contents[c->caller];
    if (pf->lang == LANG_PYTHON)
        return (p->contexts & CTX_ASYNC) && (c->flags & PC_ASYNC_CTX);
    return (caller->context & p->contexts) != 0 && !(caller->context & CTX_THREADPOOL);
}

static const ProjectFile *file_of(const Project *p, const ProjectFunc *fn)
{
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->funcs.size && fn >= pf->funcs.contents && fn < pf->funcs.contents + pf->funcs.size)
            return pf;
    }
    return NULL;
}

static ChainStep step(Arena *a, const ProjectFile *pf, ProjectLoc loc, const ProjectFunc *fn,
                      const char *callee)
{
    ChainStep s = {.path = arena_strdup(a, pf->path), .line = loc.line, .col = loc.col,
                   .end_line = loc.end_line, .end_col = loc.end_col,
                   .function = arena_strdup(a, chk_display_function(pf, fn)),
                   .callee = arena_strdup(a, callee)};
    return s;
}

/* Fills steps from the call in the async context down to the blocking call;
 * returns their number (0 if the summary is inconsistent). *blocking is the
 * blocking call's fact, *end the function that makes it. */
static uint32_t build_chain(const Project *p, const ProjectFile *pf, const ProjectCall *c,
                            Arena *a, ChainStep *steps, const ProjectFact **blocking,
                            const ProjectFunc **end)
{
    uint32_t n = 0;
    steps[n++] = step(a, pf, c->loc, &pf->funcs.contents[c->caller], c->written);
    const ProjectFunc *t = project_call_target(p, c);
    while (t && n < MAX_CHAIN) {
        const ProjectFile *tf = file_of(p, t);
        if (!tf)
            return 0;
        if (t->block_fact >= 0) {
            const ProjectFact *fact = &t->facts.contents[t->block_fact];
            steps[n++] = step(a, tf, fact->loc, t, fact->callee);
            *blocking = fact;
            *end = t;
            return n;
        }
        if (t->block_call < 0)
            return 0;
        const ProjectCall *next = &tf->calls.contents[t->block_call];
        steps[n++] = step(a, tf, next->loc, t, next->written);
        t = project_call_target(p, next);
    }
    return 0;
}

/* `{also}`: the function the chain ends in blocks in other ways too (a retry
 * helper that runs `subprocess.Popen`, `httpx.get` and `time.sleep`): its
 * blocking calls of other rules than the one named, each once. Calls of the
 * same rule are left out: they are most often the same resource (`open` and
 * the file's `write`, `Popen` and its `communicate`). */
static const char *also_blocking(Arena *a, const ProjectFunc *end, const ProjectFact *shown)
{
    const char *names[MAX_DISTINCT];
    uint32_t n = 0;
    for (uint32_t i = 0; end && i < end->facts.size && n < MAX_DISTINCT; i++) {
        const ProjectFact *f = &end->facts.contents[i];
        bool seen = !f->transitive || f->rule == shown->rule;
        for (uint32_t k = 0; !seen && k < n; k++)
            seen = strcmp(names[k], f->callee) == 0;
        if (!seen)
            names[n++] = f->callee;
    }
    uint32_t named = n < MAX_ALSO ? n : MAX_ALSO;
    return chk_also_text(a, names, named, n - named);
}

static void report(const Rule *r, const Project *p, const ProjectFile *pf, const ProjectCall *c,
                   FindingSink *sink)
{
    ChainStep steps[MAX_CHAIN];
    const ProjectFact *blocking = NULL;
    const ProjectFunc *end = NULL;
    uint32_t n = build_chain(p, pf, c, &sink->arena, steps, &blocking, &end);
    if (!n || !blocking)
        return;
    const ProjectFunc *caller = &pf->funcs.contents[c->caller];
    char depth[16];
    snprintf(depth, sizeof depth, "%u", n - 1);
    const char *vars[] = {"callee", c->written, "function", caller->name,
                          "blocking", blocking->callee, "depth", depth,
                          "also", also_blocking(&sink->arena, end, blocking), NULL};
    Finding *f = chk_sink_add_loc(sink, r, pf->path, c->loc, chk_display_function(pf, caller),
                                  c->key, chk_format(&sink->arena, r->message, vars));
    f->chain = ARENA_ARRAY(&sink->arena, ChainStep, n);
    memcpy(f->chain, steps, sizeof(ChainStep) * n);
    f->nchain = n;
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    const ViaParams *params = r->bound;
    for (uint32_t f = 0; f < p->nfiles; f++) {
        const ProjectFile *pf = p->files[f];
        if (pf->lang != r->language)
            continue;
        for (uint32_t i = 0; i < pf->calls.size; i++) {
            const ProjectCall *c = &pf->calls.contents[i];
            /* An awaited call of a sync function gets an awaitable back: a
             * dual-mode helper (`return ensure_future(self._send())` when
             * run_async, `return self._sync_send()` otherwise) took its
             * non-blocking path. */
            if ((c->flags & PC_ARG) || c->use == USE_AWAITED || !caller_in_context(params, pf, c))
                continue;
            const ProjectFunc *t = project_call_target(p, c);
            if (!t || (t->flags & (PF_ASYNC | PF_CLASS)) || !project_call_runs_target(p, c) ||
                (t->block_fact < 0 && t->block_call < 0))
                continue;
            /* In C, a direct blocking call in a callback itself is the direct
             * rule's finding; a helper that is itself registered on the loop is
             * reported in its own right. */
            if (pf->lang == LANG_C && (t->context & params->contexts))
                continue;
            report(r, p, pf, c, sink);
        }
    }
}

const CheckEngine chk_via_helper_engine = {
    .name = "blocking-via-helper",
    .async_only = true,
    .bind = bind,
    .run_project = run_project,
};
