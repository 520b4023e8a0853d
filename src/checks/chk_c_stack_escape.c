/* Engine `stack-escape` (C, AL204): the address of an automatic request or
 * handle (`uv_write_t req;` ... `uv_write(&req, ...)`) handed to a call that
 * the loop keeps using after it returns (a registrar entry with
 * `request-arg`), in a function that does not run the loop itself before
 * returning. Once the function returns, the loop works on dead stack memory.
 * Reported once per variable, at the first call that hands it over.
 *
 * Not a finding: requests run synchronously (`null-cb: sync` entries called
 * with a NULL callback), static and heap objects (the frontend only makes an
 * ARG_ADDR of automatic variables), and functions that call one of `runs-loop`
 * or close it (main, tests: the loop is done with the object when they
 * return), directly or through a helper of the same file.
 *
 * Parameters: runs-loop (list of call names). Pack tables: registrars,
 * handle_types. Message placeholders: {var} {type} {callee} {function}. */
#include <string.h>

#include "c_context.h"
#include "params.h"
#include "registry.h"

typedef struct EscapeParams {
    const CctxTable *regs;
    const char **runs_loop;
    uint32_t nruns;
    const char **types; /* handle_types of every C pack */
    uint32_t ntypes;
} EscapeParams;

static const char *const KEYS[] = {"runs-loop", NULL};

static bool read_names(const YNode **items, uint32_t n, Arena *a, Diag *d, const char ***out)
{
    *out = ARENA_ARRAY(a, const char *, n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        if (items[i]->kind != YNODE_SCALAR)
            return ynode_error(d, items[i], "expected a name");
        (*out)[i] = items[i]->scalar;
    }
    return true;
}

static bool read_types(const RuleSet *rs, Arena *a, Diag *d, EscapeParams *p)
{
    const YNode *tables[32];
    uint32_t nt = rules_pack_tables(rs, LANG_C, "handle_types", tables, 32);
    const char *buf[512];
    for (uint32_t t = 0; t < nt && t < 32; t++) {
        const char **names;
        uint32_t n;
        if (!ynode_strings(tables[t], a, d, &names, &n))
            return false;
        for (uint32_t i = 0; i < n && p->ntypes < 512; i++)
            buf[p->ntypes++] = names[i];
    }
    p->types = ARENA_ARRAY(a, const char *, p->ntypes ? p->ntypes : 1);
    memcpy(p->types, buf, sizeof *buf * p->ntypes);
    return true;
}

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    if (!chk_params_validate(r, KEYS, d))
        return false;
    EscapeParams *p = ARENA_NEW(a, EscapeParams);
    const YNode **items;
    if (!chk_param_items(r, "runs-loop", a, d, &items, &p->nruns) ||
        !read_names(items, p->nruns, a, d, &p->runs_loop) || !read_types(rs, a, d, p))
        return false;
    p->regs = chk_cctx_load(rs, a, d);
    r->bound = p;
    return p->regs != NULL;
}

/* Whether fn runs (or closes) the loop before returning, itself or through
 * functions of the same file (a test's `close_loop(loop)` helper). */
static bool runs_loop(const EscapeParams *p, const Unit *u, const Function *fn, int depth)
{
    for (uint32_t i = 0; i < fn->nsites; i++) {
        Str callee = chk_cctx_callee(&u->sites[fn->sites[i]]);
        if (chk_cctx_in_list(callee, p->runs_loop, p->nruns))
            return true;
        int32_t g = depth < 4 && callee.len ? unit_find_function(u, 0, callee) : -1;
        if (g > 0 && &u->funcs[g] != fn && runs_loop(p, u, &u->funcs[g], depth + 1))
            return true;
    }
    return false;
}

/* Whether the call hands `arg` over to the loop (and is not a synchronous request). */
static const Arg *escaping_arg(const EscapeParams *p, const Site *s)
{
    const CctxEntry *es[8];
    uint32_t n = chk_cctx_calls(p->regs, chk_cctx_callee(s), es, 8);
    for (uint32_t k = 0; k < n && k < 8; k++) {
        const CctxEntry *e = es[k];
        if (e->request_arg < 0 || (uint32_t)e->request_arg >= s->nargs)
            continue;
        const Arg *a = &s->args[e->request_arg];
        if (a->kind != ARG_ADDR || !chk_cctx_in_list(a->type, p->types, p->ntypes))
            continue;
        if (e->null_sync && (uint32_t)e->arg < s->nargs && s->args[e->arg].kind == ARG_NULL)
            continue;
        return a;
    }
    return NULL;
}

static void report(const Rule *r, const Unit *u, const Site *s, const Arg *a, FindingSink *sink)
{
    char *var = str_dup(&sink->arena, a->text);
    char *type = str_dup(&sink->arena, a->type);
    char *callee = str_dup(&sink->arena, s->resolved);
    char *fn = str_dup(&sink->arena, u->funcs[s->func].name);
    const char *vars[] = {"var", var, "type", type, "callee", callee, "function", fn, NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end, chk_format(&sink->arena, r->message, vars));
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    const EscapeParams *p = r->bound;
    if (u->lang != LANG_C || r->language != LANG_C)
        return;
    for (uint32_t f = 1; f < u->nfuncs; f++) {
        const Function *fn = &u->funcs[f];
        if (fn->kind != FN_DEF || runs_loop(p, u, fn, 0))
            continue;
        Str reported[64];
        uint32_t nrep = 0;
        for (uint32_t i = 0; i < fn->nsites; i++) {
            const Site *s = &u->sites[fn->sites[i]];
            const Arg *a = escaping_arg(p, s);
            bool seen = false;
            for (uint32_t k = 0; a && k < nrep; k++)
                seen |= str_eq(reported[k], a->text);
            if (!a || seen)
                continue;
            report(r, u, s, a, sink);
            if (nrep < 64)
                reported[nrep++] = a->text;
        }
    }
}

const CheckEngine chk_c_stack_escape_engine = {
    .name = "stack-escape",
    .bind = bind,
    .run_unit = run_unit,
};
