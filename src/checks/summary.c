/* The per-file summary for the Project: which calls may reach a function of the
 * run (with how their result is used and where they are made), which functions
 * hold a limiter, and a few shared helpers about limiters and offloads. Engine
 * specific facts are added by the engines' own summarise hooks. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"

/* ---- limiters ------------------------------------------------------------------------- */

bool chk_is_limiter(const ChkEnv *env, const Unit *u, const Site *w)
{
    if (w->kind != SITE_WITH || !w->is_async)
        return false;
    Str name = chk_call_name(u, w);
    if (name.len && chk_idx_any(&env->limiters[u->lang], name, u, w))
        return true;
    /* `async with sem:` on a name whose type is unknown (a parameter, an
     * attribute set elsewhere) may well be a semaphore: when in doubt, the
     * fan-out counts as bounded. A call (`async with session.get(u)`) or a
     * known non-limiter type is not a limiter. */
    return w->parent < 0 && !(w->flags & SITE_F_RESOLVED);
}

/* `await sem.acquire()`: the same bound as `async with sem:` (its release in
 * a `finally`), on a limiter or, as there, on a receiver of unknown type. */
static bool acquires_limiter(const ChkEnv *env, const Unit *u, const Site *s)
{
    if (s->use != USE_AWAITED || u->lang != LANG_PYTHON)
        return false;
    Str name = chk_call_name(u, s);
    if (name.len <= 8 || !str_ends_with(name, ".acquire"))
        return false;
    if (!(s->flags & SITE_F_RESOLVED))
        return true;
    return chk_idx_any(&env->limiters[u->lang], str_make(name.ptr, name.len - 8), u, s);
}

bool chk_is_guarded(const ChkEnv *env, const Unit *u, const Site *site)
{
    for (int32_t g = site->guard; g >= 0; g = u->sites[g].guard)
        if (chk_is_limiter(env, u, &u->sites[g]))
            return true;
    return false;
}

/* ---- call candidates ---------------------------------------------------------------------- */

static bool is_root(const ChkEnv *env, Str first)
{
    return strpool_find(&env->roots, first).ptr != NULL;
}

static const char *qualified_local(ProjectFile *pf, const Unit *u, int32_t fi, Str rest)
{
    if (!rest.len && (uint32_t)fi < pf->funcs.size)
        return pf->funcs.contents[fi].qualname; /* the function itself: named already */
    Str q = u->funcs[fi].qualname;
    if (!pf->module || !pf->module[0])
        return project_intern_join(pf, q, NULL, rest, STR_NULL);
    return project_intern_join(pf, str_from(pf->module), ".", q, rest);
}

/* The qualified name that `r` (a Python name as resolved in function func) may
 * name among the run's functions: from the enclosing class (self), from an
 * import (resolved), or from a def or class of the file visible from func. */
static const char *ref_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u, int32_t func,
                                 Str r, bool self, bool resolved)
{
    if (!r.len)
        return NULL;
    if (self) {
        int32_t dot = str_find(r, '.');
        Str cls = str_make(r.ptr, dot < 0 ? r.len : (uint32_t)dot);
        int32_t fi = unit_visible_function(u, 0, cls);
        if (fi < 0)
            return NULL;
        return qualified_local(pf, u, fi, str_make(r.ptr + cls.len, r.len - cls.len));
    }
    if (resolved) {
        if (r.ptr[0] == '.')
            return project_absolute(pf, r);
        int32_t dot = str_find(r, '.');
        return is_root(env, str_make(r.ptr, dot < 0 ? r.len : (uint32_t)dot))
                   ? project_intern(pf, r)
                   : NULL;
    }
    int32_t dot = str_find(r, '.');
    Str root = str_make(r.ptr, dot < 0 ? r.len : (uint32_t)dot);
    int32_t fi = unit_visible_function(u, func, root);
    if (fi < 0)
        return NULL;
    return qualified_local(pf, u, fi, str_make(r.ptr + root.len, r.len - root.len));
}

const char *chk_call_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s)
{
    if (u->lang == LANG_C)
        return s->resolved.len ? project_intern(pf, s->resolved) : NULL;
    bool self = s->flags & SITE_F_SELF, resolved = s->flags & SITE_F_RESOLVED;
    if (!self && !resolved && !(s->flags & SITE_F_ROOT_LOCAL))
        return NULL; /* an unbound root: a builtin or a star import */
    return ref_candidate(env, pf, u, s->func, s->resolved.len ? s->resolved : s->text, self,
                         resolved);
}

const char *chk_arg_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s,
                              const Arg *a)
{
    if (u->lang != LANG_PYTHON || (a->kind != ARG_NAME && a->kind != ARG_DOTTED))
        return NULL;
    return ref_candidate(env, pf, u, s->func, a->resolved.len ? a->resolved : a->text,
                         a->ref & ARG_REF_SELF, a->ref & ARG_REF_IMPORT);
}

const char *chk_loop_candidate(const ChkEnv *env, ProjectFile *pf, const Unit *u,
                               const Site *loop)
{
    if (u->lang != LANG_PYTHON || loop->kind != SITE_LOOP || !(loop->flags & SITE_F_RESOLVED))
        return NULL; /* (the file's own classes are bounded by the parser) */
    Str t = loop->text;
    for (uint32_t i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.ptr[i];
        if (!(c == '.' || c == '_' || c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u ||
              (unsigned)(c - '0') < 10u))
            return NULL; /* a call, a subscript, an operator: not a name */
    }
    return ref_candidate(env, pf, u, loop->func, loop->resolved, false, true);
}

ProjectLoc chk_site_loc(const Unit *u, const Site *s)
{
    uint32_t off = s->off, end = s->end;
    ProjectLoc l;
    unit_pos(u, off, &l.line, &l.col);
    unit_pos(u, end > off ? end : off, &l.end_line, &l.end_col);
    return l;
}

const char *chk_site_key(ProjectFile *pf, const Unit *u, const Site *s)
{
    /* bytes dropped from the key: blanks, line breaks and continuations */
    static const bool drop[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\\'] = 1,
                                   ['\f'] = 1};
    char buf[256];
    uint32_t n = 0, i = 0;
    const unsigned char *p = (const unsigned char *)u->src + s->off;
    uint32_t len = s->end > s->off ? s->end - s->off : 0;
    /* Eight bytes at a time: a word with no blank (<= ' ') and no backslash,
     * most words of a call's text, is copied whole; the others byte by byte. */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= len && n + 8 <= 256) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t blank = (w - ones * 0x21) & ~w & highs; /* a byte below 0x21 */
        uint64_t bs = w ^ (ones * '\\');
        bs = (bs - ones) & ~bs & highs; /* a byte equal to '\\' */
        if (!(blank | bs)) {
            memcpy(buf + n, &w, 8);
            n += 8;
        } else {
            for (uint32_t k = 0; k < 8; k++) {
                buf[n] = (char)p[i + k];
                n += !drop[p[i + k]]; /* written always, kept or overwritten: no branch */
            }
        }
        i += 8;
    }
    for (; i < len && n < 256; i++) {
        buf[n] = (char)p[i];
        n += !drop[p[i]];
    }
    return project_intern(pf, str_make(buf, n));
}

/* The callee as written, for messages. Usually it ends the candidate name
 * (`save` in `pkg.mod.save`, `asyncio.sleep` in itself): then it is that
 * string's tail, which is NUL-terminated already, and needs no interning. */
static const char *written_name(ProjectFile *pf, const Site *s, const char *callee)
{
    Str w = s->text;
    size_t n = strlen(callee);
    if (w.len && w.len <= n && memcmp(callee + n - w.len, w.ptr, w.len) == 0)
        return callee + n - w.len;
    return project_intern(pf, w);
}

/* Builtins that iterate an argument (to its end, or for its first item), and
 * the methods that do (`"".join(g)`, `xs.extend(g)`). Settled by length first:
 * this is asked of every call passed as an argument. */
static bool consumes(Str n)
{
    switch (n.len) {
    case 3:
        return str_eq_c(n, "set") || str_eq_c(n, "sum") || str_eq_c(n, "min") ||
               str_eq_c(n, "max") || str_eq_c(n, "any") || str_eq_c(n, "all");
    case 4:
        return str_eq_c(n, "list") || str_eq_c(n, "dict") || str_eq_c(n, "next");
    case 5:
        return str_eq_c(n, "tuple");
    case 6:
        return str_eq_c(n, "sorted");
    case 9:
        return str_eq_c(n, "frozenset");
    default:
        break;
    }
    if (n.len < 6)
        return false;
    char last = n.ptr[n.len - 1];
    return (last == 'n' && str_ends_with(n, ".join")) ||
           (last == 'd' && str_ends_with(n, ".extend")) ||
           (last == 's' && str_ends_with(n, ".writelines"));
}

/* Builtins that wrap an iterable lazily: it is consumed when their result is. */
static bool wraps(Str n)
{
    switch (n.len) {
    case 3:
        return str_eq_c(n, "zip") || str_eq_c(n, "map");
    case 4:
        return str_eq_c(n, "iter");
    case 6:
        return str_eq_c(n, "filter");
    case 8:
        return str_eq_c(n, "reversed");
    case 9:
        return str_eq_c(n, "enumerate");
    default:
        return n.len > 10 && n.ptr[0] == 'i' && str_starts_with(n, "itertools.");
    }
}

/* Whether a call's result is consumed where the call is made: iterated, asked
 * for a method or an item, entered by `with`, or handed to a builtin that
 * iterates it. Bound, returned, stored, dropped or passed on, it is not (a
 * generator made there does not run yet). */
static bool result_consumed(const Unit *u, const Site *s)
{
    for (uint32_t depth = 0; depth < 8; depth++) {
        switch (s->use) {
        case USE_DISCARDED:
        case USE_AWAITED:
        case USE_BOUND:
        case USE_RETURNED:
        case USE_STORED:
            return false;
        case USE_ARGUMENT: {
            if (s->parent < 0 || (uint32_t)s->parent >= u->nsites)
                return false;
            const Site *call = &u->sites[s->parent];
            Str name = call->kind == SITE_CALL ? chk_call_name(u, call) : STR_NULL;
            if (consumes(name))
                return true;
            if (!wraps(name))
                return false;
            s = call; /* `for i, x in enumerate(lines(p))` */
            continue;
        }
        default:
            return true;
        }
    }
    return true;
}

static void add_call(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s,
                     const char *callee)
{
    ProjectCall c;
    memset(&c, 0, sizeof c);
    c.caller = (uint32_t)s->func;
    c.callee = callee;
    c.written = written_name(pf, s, callee);
    c.loc = chk_site_loc(u, s);
    c.use = s->use;
    if (unit_is_async_context(u, s->func))
        c.flags |= PC_ASYNC_CTX;
    if (s->use == USE_BOUND && !unit_name_used_after(u, s, s->use_name))
        c.flags |= PC_UNUSED_BINDING;
    if (u->lang == LANG_PYTHON && !result_consumed(u, s))
        c.flags |= PC_LAZY;
    /* The baseline key is only read for findings at this call: in an async
     * context (AL109), a dropped result or one entered by `with` (AL201), any
     * C call (signal handlers, callbacks). Most calls are none of these and
     * skip the copy. */
    if (u->lang != LANG_PYTHON || (c.flags & (PC_ASYNC_CTX | PC_UNUSED_BINDING)) ||
        s->use == USE_DISCARDED || s->use == USE_CONTEXT || s->use == USE_ASYNC_CONTEXT)
        c.key = chk_site_key(pf, u, s);
    vec_push(&pf->calls, c);
}

/* C: a function passed as an argument is an edge too (PC_ARG), so a callback
 * named in another file still resolves; it does not propagate `blocks`. */
static void add_c_calls(const ChkEnv *env, ProjectFile *pf, const Unit *u, const Site *s)
{
    if (s->text.len && s->resolved.len)
        add_call(env, pf, u, s, project_intern(pf, s->resolved));
    for (uint32_t a = 0; a < s->nargs; a++) {
        const Arg *arg = &s->args[a];
        if (arg->kind != ARG_FUNC || !arg->text.len)
            continue;
        add_call(env, pf, u, s, project_intern(pf, arg->text));
        vec_last(&pf->calls)->flags |= PC_ARG;
    }
}

void chk_summarise(const ChkEnv *env, const Unit *u, ProjectFile *pf)
{
    /* a function under an offload (`@dask.delayed`, `@sync_to_async(...)`) runs
     * on the offload's workers whenever it is called */
    for (uint32_t i = 0; i < u->nfuncs && i < pf->funcs.size; i++)
        for (uint32_t k = 0; k < u->funcs[i].ndecorators; k++)
            if (chk_idx_any(&env->offloads[u->lang], u->funcs[i].decorators[k], u, NULL)) {
                pf->funcs.contents[i].flags |= PF_DEFERRED;
                break;
            }
    if (u->lang == LANG_PYTHON) { /* at most one entry per call site: room made once */
        uint32_t ncalls = 0;
        for (uint32_t i = 0; i < u->nsites; i++)
            ncalls += u->sites[i].kind == SITE_CALL;
        vec_reserve(&pf->calls, pf->calls.size + ncalls);
    }
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        if (s->kind == SITE_WITH) {
            if (chk_is_limiter(env, u, s) && (uint32_t)s->func < pf->funcs.size)
                pf->funcs.contents[s->func].flags |= PF_LIMITS;
            continue;
        }
        if (s->kind != SITE_CALL)
            continue;
        if (u->lang == LANG_C) {
            add_c_calls(env, pf, u, s);
            continue;
        }
        if (acquires_limiter(env, u, s) && (uint32_t)s->func < pf->funcs.size)
            pf->funcs.contents[s->func].flags |= PF_LIMITS;
        const char *callee = chk_call_candidate(env, pf, u, s);
        if (callee)
            add_call(env, pf, u, s, callee);
    }
}

void chk_env_set_roots(ChkEnv *env, const char *const *roots, uint32_t n)
{
    strpool_free(&env->roots);
    strpool_init_sized(&env->roots, &env->rs->arena, 2 * n + 16);
    for (uint32_t i = 0; i < n; i++)
        strpool_intern(&env->roots, str_from(roots[i]));
}

Finding *chk_sink_add_loc(FindingSink *s, const Rule *r, const char *path, ProjectLoc loc,
                          const char *function, const char *key, const char *message)
{
    Finding f;
    memset(&f, 0, sizeof f);
    f.rule = r;
    f.path = arena_strdup(&s->arena, path);
    f.line = loc.line;
    f.col = loc.col;
    f.end_line = loc.end_line;
    f.end_col = loc.end_col;
    f.message = arena_strdup(&s->arena, message);
    f.function = arena_strdup(&s->arena, function ? function : "");
    f.key = arena_strdup(&s->arena, key ? key : "");
    vec_push(&s->items, f);
    return vec_last(&s->items);
}

const char *chk_display_function(const ProjectFile *pf, const ProjectFunc *fn)
{
    const char *q = fn->qualname;
    size_t m = pf->module ? strlen(pf->module) : 0;
    if (m && strncmp(q, pf->module, m) == 0) {
        if (q[m] == '.')
            return q + m + 1;
        if (q[m] == '\0')
            return "";
    }
    return q;
}
