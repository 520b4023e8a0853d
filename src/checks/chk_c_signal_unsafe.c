/* Engine `signal-unsafe` (C, AL701): a signal handler (a function the
 * registrars put in `signal` context: signal(), sigaction's sa_handler /
 * sa_sigaction, pthread_atfork's child handler...) that calls a function
 * outside the pack's `async_signal_safe` list, directly or through functions
 * of the run. Reported at the handler's own call; a call through helpers
 * carries the chain down to the unsafe call (text notes, SARIF code flows).
 *
 * Works on the linked Project: the per-file call lists (every C call with a
 * resolved name) and the contexts the registrations gave. Calls through
 * function pointers have no name and are not judged.
 *
 * A handler with no body in the run (a library function such as `exit`
 * handed to signal() itself, or an external one) is judged by its name, at
 * the registration, as a call to it would be.
 *
 * Parameters: installed-message (the message for such a registration:
 * {unsafe} the handler, {registrar}, {function} where it is installed).
 * Pack table: async_signal_safe (names; `x*` = prefix).
 * Message placeholders: {unsafe} {callee} {function} {through} (empty, or
 * " through `helper`"), {also} (empty, or " (it also reaches `free`)": the
 * other unsafe functions the helper reaches). */
#include <string.h>

#include "c_context.h"
#include "params.h"
#include "registry.h"

enum { MAX_DEPTH = 24, MAX_SAFE = 1024 };

typedef struct SafeParams {
    const char **safe;
    uint32_t nsafe;
    const char *installed; /* installed-message, or NULL */
} SafeParams;

static const char *const KEYS[] = {"installed-message", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    if (!chk_params_validate(r, KEYS, d))
        return false;
    SafeParams *p = ARENA_NEW(a, SafeParams);
    const YNode *im = ynode_get(r->node, "installed-message");
    if (im && im->kind != YNODE_SCALAR)
        return ynode_error(d, im, "rule '%s': 'installed-message' must be a string", r->id);
    p->installed = im ? im->scalar : NULL;
    p->safe = ARENA_ARRAY(a, const char *, MAX_SAFE);
    const YNode *tables[32];
    uint32_t nt = rules_pack_tables(rs, LANG_C, "async_signal_safe", tables, 32);
    for (uint32_t t = 0; t < nt && t < 32; t++) {
        const char **names;
        uint32_t n;
        if (!ynode_strings(tables[t], a, d, &names, &n))
            return false;
        for (uint32_t i = 0; i < n && p->nsafe < MAX_SAFE; i++)
            p->safe[p->nsafe++] = names[i];
    }
    r->bound = p;
    return p->nsafe > 0 ||
           ynode_error(d, r->node, "rule '%s': no C pack defines 'async_signal_safe'", r->id);
}

/* Per run: each file's calls grouped by caller, and what each function was
 * found to reach (0 = not visited, 1 = in progress or safe, 2 = unsafe). */
typedef struct Walk {
    const SafeParams *p;
    const Project *proj;
    Arena arena;
    uint32_t **first;  /* [file][func] -> start in order[file] */
    uint32_t **order;  /* [file] -> call indices sorted by caller */
    uint8_t **state;   /* [file][func] */
    uint32_t **unsafe; /* [file][func] -> the call that leads to the unsafe one */
} Walk;

static void index_file(Walk *w, uint32_t f)
{
    const ProjectFile *pf = w->proj->files[f];
    uint32_t nf = pf->funcs.size, nc = pf->calls.size;
    uint32_t *first = ARENA_ARRAY(&w->arena, uint32_t, nf + 1);
    uint32_t *order = ARENA_ARRAY(&w->arena, uint32_t, nc ? nc : 1);
    for (uint32_t i = 0; i < nc; i++)
        if (pf->calls.contents[i].caller < nf)
            first[pf->calls.contents[i].caller + 1]++;
    for (uint32_t i = 0; i < nf; i++)
        first[i + 1] += first[i];
    uint32_t *fill = ARENA_ARRAY(&w->arena, uint32_t, nf + 1);
    memcpy(fill, first, sizeof *fill * (nf + 1));
    for (uint32_t i = 0; i < nc; i++)
        if (pf->calls.contents[i].caller < nf)
            order[fill[pf->calls.contents[i].caller]++] = i;
    w->first[f] = first;
    w->order[f] = order;
    w->state[f] = ARENA_ARRAY(&w->arena, uint8_t, nf ? nf : 1);
    w->unsafe[f] = ARENA_ARRAY(&w->arena, uint32_t, nf ? nf : 1);
}

static bool is_unsafe_leaf(const Walk *w, const ProjectCall *c)
{
    return c->target_file == UINT32_MAX && c->callee &&
           !chk_cctx_in_list(str_from(c->callee), w->p->safe, w->p->nsafe);
}

/* Whether function (f, fn) reaches an unsafe call; records the first call on
 * the way in w->unsafe. Depth-first, cycles count as safe. */
static bool reaches_unsafe(Walk *w, uint32_t f, uint32_t fn, uint32_t depth)
{
    if (w->state[f][fn])
        return w->state[f][fn] == 2;
    w->state[f][fn] = 1;
    const ProjectFile *pf = w->proj->files[f];
    for (uint32_t k = w->first[f][fn]; k < w->first[f][fn + 1]; k++) {
        const ProjectCall *c = &pf->calls.contents[w->order[f][k]];
        if (c->flags & PC_ARG)
            continue;
        bool bad =
            is_unsafe_leaf(w, c) || (c->target_file != UINT32_MAX && depth < MAX_DEPTH &&
                                     reaches_unsafe(w, c->target_file, c->target_func, depth + 1));
        if (bad) {
            w->state[f][fn] = 2;
            w->unsafe[f][fn] = w->order[f][k];
            return true;
        }
    }
    return false;
}

static ChainStep step(Arena *a, const ProjectFile *pf, const ProjectCall *c)
{
    ChainStep s;
    s.path = arena_strdup(a, pf->path);
    s.line = c->loc.line, s.col = c->loc.col;
    s.end_line = c->loc.end_line, s.end_col = c->loc.end_col;
    s.function = arena_strdup(a, pf->funcs.contents[c->caller].qualname);
    s.callee = arena_strdup(a, c->callee);
    return s;
}

enum { MAX_ALSO = 4, MAX_SEEN = 64 };

/* The other unsafe functions a helper reaches (besides the chain's): a few
 * names, each once, for the message, so that fixing the first one is not
 * followed by a finding for the next. Depth-first from (f, fn), bounded. */
typedef struct Also {
    const char *names[MAX_ALSO];
    uint32_t n, more;
    ProjectRef seen[MAX_SEEN];
    uint32_t nseen;
} Also;

static void add_also(Also *a, const char *name, const char *skip)
{
    if (!strcmp(name, skip))
        return;
    for (uint32_t i = 0; i < a->n; i++)
        if (!strcmp(a->names[i], name))
            return;
    if (a->n < MAX_ALSO)
        a->names[a->n++] = name;
    else
        a->more++;
}

static void collect_also(Walk *w, uint32_t f, uint32_t fn, const char *skip, Also *a,
                         uint32_t depth)
{
    for (uint32_t i = 0; i < a->nseen; i++)
        if (a->seen[i].file == f && a->seen[i].func == fn)
            return;
    if (a->nseen == MAX_SEEN || depth > MAX_DEPTH)
        return;
    a->seen[a->nseen++] = (ProjectRef){f, fn};
    const ProjectFile *pf = w->proj->files[f];
    for (uint32_t k = w->first[f][fn]; k < w->first[f][fn + 1]; k++) {
        const ProjectCall *c = &pf->calls.contents[w->order[f][k]];
        if (c->flags & PC_ARG)
            continue;
        if (is_unsafe_leaf(w, c))
            add_also(a, c->callee, skip);
        else if (c->target_file != UINT32_MAX && depth < MAX_DEPTH &&
                 reaches_unsafe(w, c->target_file, c->target_func, depth + 1))
            collect_also(w, c->target_file, c->target_func, skip, a, depth + 1);
    }
}

/* Reports handler call c (in file f), which is unsafe itself or leads to an
 * unsafe call through the functions recorded in w->unsafe. */
static void report(const Rule *r, Walk *w, uint32_t f, const ProjectCall *c, FindingSink *sink)
{
    ChainStep chain[MAX_DEPTH + 2];
    uint32_t n = 0;
    chain[n++] = step(&sink->arena, w->proj->files[f], c);
    const ProjectCall *last = c;
    for (uint32_t tf = c->target_file, tfn = c->target_func;
         tf != UINT32_MAX && n < MAX_DEPTH + 2 && w->state[tf][tfn] == 2;) {
        const ProjectFile *pf = w->proj->files[tf];
        last = &pf->calls.contents[w->unsafe[tf][tfn]];
        chain[n++] = step(&sink->arena, pf, last);
        tf = last->target_file, tfn = last->target_func;
    }
    const ProjectFile *pf = w->proj->files[f];
    const ProjectFunc *h = &pf->funcs.contents[c->caller];
    const char *through = n > 1 ? arena_printf(&sink->arena, " through `%s`", c->callee) : "";
    Also also;
    memset(&also, 0, sizeof also);
    if (n > 1)
        collect_also(w, c->target_file, c->target_func, last->callee, &also, 0);
    const char *vars[] = {"unsafe",   last->callee, "callee",
                          c->callee,  "function",   chk_display_function(pf, h),
                          "through",  through,      "also",
                          chk_also_text(&sink->arena, also.names, also.n, also.more), NULL};
    Finding *fd = chk_sink_add_loc(sink, r, pf->path, c->loc, h->qualname, c->key,
                                   chk_format(&sink->arena, r->message, vars));
    if (fd && n > 1) {
        fd->chain = ARENA_ARRAY(&sink->arena, ChainStep, n);
        memcpy(fd->chain, chain, sizeof *chain * n);
        fd->nchain = n;
    }
}

static void walk_init(Walk *w, const SafeParams *p, const Project *proj)
{
    memset(w, 0, sizeof *w);
    w->p = p;
    w->proj = proj;
    arena_init(&w->arena);
    uint32_t nf = proj->nfiles ? proj->nfiles : 1;
    w->first = ARENA_ARRAY(&w->arena, uint32_t *, nf);
    w->order = ARENA_ARRAY(&w->arena, uint32_t *, nf);
    w->state = ARENA_ARRAY(&w->arena, uint8_t *, nf);
    w->unsafe = ARENA_ARRAY(&w->arena, uint32_t *, nf);
    for (uint32_t f = 0; f < proj->nfiles; f++)
        index_file(w, f);
}

/* Whether the run has a body for the C function `name` seen from file f:
 * one of f's own (statics included) or an external one of another file. */
static bool has_body(const Project *proj, const ProjectFile *pf, const char *name)
{
    for (uint32_t i = 0; i < pf->funcs.size; i++)
        if (strcmp(pf->funcs.contents[i].qualname, name) == 0)
            return true;
    return project_lookup(proj, name, NULL) != NULL;
}

/* Signal handlers installed without a body in the run, judged by name. */
static void report_installed(const Rule *r, const Walk *w, const ProjectFile *pf,
                             FindingSink *sink)
{
    const SafeParams *p = w->p;
    for (uint32_t i = 0; p->installed && i < pf->regs.size; i++) {
        const ProjectReg *reg = &pf->regs.contents[i];
        if (!(reg->context & CTX_SIGNAL) || reg->caller >= pf->funcs.size ||
            chk_cctx_in_list(str_from(reg->func), p->safe, p->nsafe) ||
            has_body(w->proj, pf, reg->func))
            continue;
        const ProjectFunc *at = &pf->funcs.contents[reg->caller];
        const char *vars[] = {"unsafe", reg->func, "registrar", reg->via, "function",
                              chk_display_function(pf, at), NULL};
        chk_sink_add_loc(sink, r, pf->path, reg->loc, at->qualname, reg->func,
                         chk_format(&sink->arena, p->installed, vars));
    }
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *proj, FindingSink *sink)
{
    (void)env;
    if (r->language != LANG_C)
        return;
    Walk w;
    walk_init(&w, r->bound, proj);
    for (uint32_t f = 0; f < proj->nfiles; f++) {
        const ProjectFile *pf = proj->files[f];
        if (pf->lang == LANG_C)
            report_installed(r, &w, pf, sink);
        for (uint32_t fn = 0; pf->lang == LANG_C && fn < pf->funcs.size; fn++) {
            if (!(pf->funcs.contents[fn].context & CTX_SIGNAL))
                continue;
            for (uint32_t k = w.first[f][fn]; k < w.first[f][fn + 1]; k++) {
                const ProjectCall *c = &pf->calls.contents[w.order[f][k]];
                if (c->flags & PC_ARG)
                    continue;
                if (is_unsafe_leaf(&w, c) ||
                    (c->target_file != UINT32_MAX &&
                     reaches_unsafe(&w, c->target_file, c->target_func, 1)))
                    report(r, &w, f, c, sink);
            }
        }
    }
    arena_free(&w.arena);
}

const CheckEngine chk_c_signal_unsafe_engine = {
    .name = "signal-unsafe",
    .bind = bind,
    .run_project = run_project,
};
