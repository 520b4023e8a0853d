/* Engine `cancellation`: in an async context, an `except` (or `except*`)
 * handler that catches the cancellation exception and does not raise again.
 * A handler catches it when one of its types matches `cancel-exceptions`
 * (`asyncio.CancelledError`, `trio.Cancelled`, ...) or `broad-exceptions`
 * (`BaseException`), or when it is a bare `except:` (`bare: true`). It
 * re-raises when its body has a bare `raise`, `raise <as-name>` or a raise of
 * a cancellation type, anywhere (a conditional re-raise is taken as deliberate:
 * no finding when in doubt); a body whose every `raise` raises something else
 * (`raise RuntimeError(...)`) replaces the cancellation and is reported. The
 * model only flags that a body has some `raise` (SITE_F_RERAISES), so which
 * kind is read from the handler's own lines. Not reported:
 *   - a handler whose `try` body has no `await` or `async` (nor `yield`, in a
 *     context manager): the task's own cancellation can only arrive at an
 *     await point, so what such a handler sees is another future's
 *     (`fut.result()`), or nothing;
 *   - a later handler of the same `try` once an earlier one caught the
 *     cancellation (it never sees it, or the earlier one is the finding);
 *   - a handler whose body calls one of the `deliberate` patterns
 *     (`task.uncancel()`: swallowing on purpose, the 3.11 way);
 *   - a handler whose body calls a function of the file annotated
 *     `-> NoReturn` or `-> Never`, or with no `return` and a body whose last
 *     statement is a `raise` (`self._convert_error(exc)`, a helper that raises
 *     in its place; what it raises is not followed);
 *   - a handler of `cancel-exceptions` only (not broad, not bare) in a function
 *     that already called one of the `after-cancel` patterns before it
 *     (`task.cancel()` then `try: await task / except CancelledError: pass`:
 *     waiting for the task one cancelled).
 * Reported at the `except` keyword.
 *
 * Parameters: cancel-exceptions, broad-exceptions, deliberate, after-cancel
 * (patterns), bare (bool, default true). Placeholders: {caught} {function}
 * {how}. */
#include <string.h>

#include "../base/xalloc.h"
#include "flow.h"
#include "params.h"
#include "pysrc.h"
#include "registry.h"

typedef struct CancelParams {
    CallIndex cancel;
    CallIndex broad;
    CallIndex deliberate;
    CallIndex after_cancel;
    bool bare;
} CancelParams;

static const char *const KEYS[] = {
    "cancel-exceptions", "broad-exceptions", "deliberate", "after-cancel", "bare", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    CancelParams *p = ARENA_NEW(a, CancelParams);
    p->bare = true;
    bool ok = chk_flow_patterns(r, "cancel-exceptions", true, a, d, &p->cancel);
    ok &= chk_flow_patterns(r, "broad-exceptions", false, a, d, &p->broad);
    ok &= chk_flow_patterns(r, "deliberate", false, a, d, &p->deliberate);
    ok &= chk_flow_patterns(r, "after-cancel", false, a, d, &p->after_cancel);
    ok &= chk_param_bool(r, "bare", d, &p->bare);
    r->bound = p;
    return ok;
}

typedef enum { CATCH_NONE, CATCH_NARROW, CATCH_BROAD } Catch;

/* What handler h catches of the cancellation; *what = the type that matched. */
static Catch catches(const CancelParams *p, const Unit *u, const Site *h, Str *what)
{
    if (h->flags & SITE_F_BARE) {
        *what = STR_NULL;
        return p->bare ? CATCH_BROAD : CATCH_NONE;
    }
    Catch c = CATCH_NONE;
    for (uint32_t i = 0; i < h->ntypes; i++) {
        if (chk_idx_any(&p->broad, h->types[i], u, NULL)) {
            *what = h->types[i];
            return CATCH_BROAD;
        }
        if (c == CATCH_NONE && chk_idx_any(&p->cancel, h->types[i], u, NULL)) {
            *what = h->types[i];
            c = CATCH_NARROW;
        }
    }
    return c;
}

/* The handlers of handler hi's try statement before it: walks back over
 * `except` clauses at the same column whose bodies reach the next one. Returns
 * the offset of the first handler of the try; *earlier_catches tells whether
 * one of the earlier handlers catches the cancellation. */
static uint32_t first_handler(const CancelParams *p, const Unit *u, uint32_t hi,
                              bool *earlier_catches)
{
    const Site *h = &u->sites[hi];
    uint32_t col = chk_pysrc_column(u, h->off), upto = h->off;
    *earlier_catches = false;
    for (uint32_t j = hi; j > 0; j--) {
        const Site *e = &u->sites[j - 1];
        if (e->off < u->funcs[h->func].off)
            break;
        uint32_t line = e->off - chk_pysrc_column(u, e->off), ind = 0;
        while (u->src[line + ind] == ' ' || u->src[line + ind] == '\t')
            ind++;
        if (ind < col)
            break; /* out of the block that holds the try */
        if (e->kind != SITE_EXCEPT || e->func != h->func || chk_pysrc_column(u, e->off) != col)
            continue;
        if (chk_pysrc_block_end(u, e->end, upto, col) != upto)
            break;
        Str what;
        if (catches(p, u, e, &what) != CATCH_NONE)
            *earlier_catches = true;
        upto = e->off;
    }
    return upto;
}

/* Whether fn is decorated as a context manager (`@asynccontextmanager`,
 * `@contextlib.contextmanager`): what the `with` body raises, its
 * cancellation too, is thrown into it at its `yield`. */
static bool is_context_manager(const Function *fn)
{
    for (uint32_t i = 0; i < fn->ndecorators; i++)
        if (str_ends_with(fn->decorators[i], "contextmanager"))
            return true;
    return false;
}

/* Whether the try body before the handler at `first` certainly has no await
 * point (`await`, `async with`/`for`; `yield` in a context manager). A plain
 * (async) generator's `yield` is not one: its consumer's cancellation arrives
 * at the consumer's await, and closing it throws GeneratorExit, not the
 * cancellation. */
static bool try_body_never_suspends(const Unit *u, const Function *fn, uint32_t first)
{
    static const char *const suspends[] = {"await", "async", "yield", NULL};
    static const char *const awaits[] = {"await", "async", NULL};
    uint32_t from, to;
    return chk_pysrc_try_body(u, fn->off, first, &from, &to) &&
           !chk_pysrc_has_word(u, from, to, is_context_manager(fn) ? suspends : awaits);
}

typedef enum { RAISE_NONE, RAISE_OTHER, RAISE_SAME } RaiseKind;

/* Whether `name` (a raised expression's dotted name) is a cancellation: its
 * last component is that of one of the handler's types or of a cancel pattern. */
static bool names_cancellation(const CancelParams *p, const Site *h, Str name)
{
    Str last = chk_flow_last(name);
    for (uint32_t i = 0; i < h->ntypes; i++)
        if (str_eq(chk_flow_last(h->types[i]), last))
            return true;
    for (uint32_t i = 0; i < p->cancel.npats; i++)
        if (str_eq(chk_flow_last(p->cancel.pats[i].key), last))
            return true;
    return false;
}

typedef struct RaiseScan {
    const CancelParams *p;
    const Unit *u;
    const Site *h;
    uint32_t end;
    RaiseKind best;
} RaiseScan;

/* Classifies the `raise` statement at src[at]: the caught exception again
 * (bare `raise`, `raise <as-name>`, `raise CancelledError()`) or another one. */
static bool on_raise(void *ctx, uint32_t at)
{
    RaiseScan *rs = ctx;
    const Unit *u = rs->u;
    uint32_t q = at + 5;
    while (q < rs->end && (u->src[q] == ' ' || u->src[q] == '\t'))
        q++;
    RaiseKind k = RAISE_SAME;
    if (q < rs->end && u->src[q] != '\n' && u->src[q] != '\r' && u->src[q] != ';' &&
        u->src[q] != '#') {
        uint32_t e = q;
        while (e < rs->end && chk_pysrc_name_char(u->src[e]))
            e++;
        Str name = str_make(u->src + q, e - q);
        int32_t dot = str_find(name, '.');
        Str root = dot >= 0 ? str_make(name.ptr, (uint32_t)dot) : name;
        bool same = (rs->h->use_name.len && str_eq(root, rs->h->use_name)) ||
                    (name.len && names_cancellation(rs->p, rs->h, name));
        k = same ? RAISE_SAME : RAISE_OTHER;
    }
    if (k > rs->best)
        rs->best = k;
    return rs->best != RAISE_SAME;
}

/* The strongest `raise` in handler h's body (its lines up to the next line
 * back at the `except` column): RAISE_SAME if any re-raises the cancellation,
 * RAISE_OTHER if all raise something else. The model only says that the body
 * has some `raise` (SITE_F_RERAISES). */
static RaiseKind body_raises(const CancelParams *p, const Unit *u, const Site *h)
{
    const Function *fn = &u->funcs[h->func];
    uint32_t end = chk_pysrc_block_end(u, h->end, fn->end, chk_pysrc_column(u, h->off));
    RaiseScan rs = {p, u, h, end, RAISE_NONE};
    chk_pysrc_each_statement(u, h->end, end, "raise", on_raise, &rs);
    return rs.best;
}

/* In src[from, to) (a handler's body), the name of a plain assignment whose
 * value is the handler's `as` name alone (`pending = exc`), or STR_NULL. */
static Str stashed_as(const Unit *u, uint32_t from, uint32_t to, Str as)
{
    const char *src = u->src;
    for (uint32_t i = from; i + as.len <= to; i++) {
        if (memcmp(src + i, as.ptr, as.len) != 0 || chk_pysrc_name_char(src[i - 1]) ||
            (i + as.len < to && chk_pysrc_name_char(src[i + as.len])))
            continue;
        uint32_t q = i + as.len; /* the value ends the statement */
        while (q < to && (src[q] == ' ' || src[q] == '\t'))
            q++;
        if (q < to && src[q] != '\n' && src[q] != '\r' && src[q] != ';' && src[q] != '#')
            continue;
        uint32_t e = i; /* `=` before it, not `==`, `<=`, `+=`... */
        while (e > from && (src[e - 1] == ' ' || src[e - 1] == '\t'))
            e--;
        if (e <= from + 1 || src[e - 1] != '=' || strchr("=!<>+-*/%&|^:@", src[e - 2]))
            continue;
        uint32_t b = e - 1; /* the target: one name, first on its statement */
        while (b > from && (src[b - 1] == ' ' || src[b - 1] == '\t'))
            b--;
        uint32_t a = b;
        while (a > from && chk_pysrc_name_char(src[a - 1]) && src[a - 1] != '.')
            a--;
        uint32_t c = a;
        while (c > from && (src[c - 1] == ' ' || src[c - 1] == '\t'))
            c--;
        if (a < b && (c == from || src[c - 1] == '\n' || src[c - 1] == ';' || src[c - 1] == ':'))
            return str_make(src + a, b - a);
    }
    return STR_NULL;
}

typedef struct LaterRaise {
    const Unit *u;
    Str name;
    uint32_t end;
    bool found;
} LaterRaise;

static bool on_later_raise(void *ctx, uint32_t at)
{
    LaterRaise *lr = ctx;
    uint32_t q = at + 5;
    while (q < lr->end && (lr->u->src[q] == ' ' || lr->u->src[q] == '\t'))
        q++;
    uint32_t e = q;
    while (e < lr->end && chk_pysrc_name_char(lr->u->src[e]))
        e++;
    lr->found = str_eq(str_make(lr->u->src + q, e - q), lr->name);
    return !lr->found;
}

/* Whether handler h keeps the exception for later (`pending = exc`) and the
 * function raises it after the handler (`raise pending`): cleanup first, then
 * the cancellation goes on. */
static bool reraised_later(const Unit *u, const Site *h)
{
    if (!h->use_name.len)
        return false;
    const Function *fn = &u->funcs[h->func];
    uint32_t end = chk_pysrc_block_end(u, h->end, fn->end, chk_pysrc_column(u, h->off));
    Str kept = stashed_as(u, h->end, end, h->use_name);
    if (!kept.len)
        return false;
    /* within the next 16 KB of the function: a kept exception is raised after
     * a short cleanup, and a generated function of a thousand such handlers
     * must not be read a thousand times to its end */
    uint32_t to = fn->end - end > 16384 ? end + 16384 : fn->end;
    LaterRaise lr = {u, kept, to, false};
    chk_pysrc_each_statement(u, end, to, "raise", on_later_raise, &lr);
    return lr.found;
}

/* Whether site s lies in the body of handler hi (at any depth). */
static bool in_handler(const Unit *u, const Site *s, uint32_t hi)
{
    for (int32_t k = s->handler, depth = 0; k >= 0 && depth < 1000;
         k = u->sites[k].handler, depth++)
        if (k == (int32_t)hi)
            return true;
    return false;
}

/* Whether handler hi's body calls a `deliberate` pattern. */
static bool deliberate(const CancelParams *p, const Unit *u, uint32_t hi)
{
    for (uint32_t i = hi + 1; i < u->nsites && in_handler(u, &u->sites[i], hi); i++) {
        const Site *s = &u->sites[i];
        if (s->kind == SITE_CALL && chk_idx_any(&p->deliberate, chk_flow_site_name(s), u, s))
            return true;
    }
    return false;
}

/* Whether call s names a function of this file that never returns (annotated
 * `-> NoReturn` or `-> Never`, or seen to end by raising): a plain name
 * (nested or module level), or `self.m` / `cls.m` with some method m of the
 * file that never returns. */
static bool calls_never_returning(const Unit *u, const Site *s)
{
    Str name = s->text;
    if (s->kind != SITE_CALL || !name.len)
        return false;
    if (s->flags & SITE_F_SELF) {
        int32_t dot = str_rfind(name, '.');
        Str method = str_make(name.ptr + dot + 1, name.len - (uint32_t)(dot + 1));
        for (uint32_t f = 1; f < u->nfuncs; f++)
            if (u->funcs[f].never_returns && u->funcs[f].cls >= 0 &&
                str_eq(u->funcs[f].name, method))
                return true;
        return false;
    }
    if (!(s->flags & SITE_F_ROOT_LOCAL) || str_find(name, '.') >= 0)
        return false;
    int32_t fi = unit_visible_function(u, s->func, name);
    return fi >= 0 && u->funcs[fi].never_returns;
}

/* Whether handler hi's body hands the exception to a function that never
 * returns (`self._convert_error(exc)`): the handler ends by raising, and what
 * the helper raises is not followed (in doubt: no finding). */
static bool ends_in_helper(const Unit *u, uint32_t hi)
{
    for (uint32_t i = hi + 1; i < u->nsites && in_handler(u, &u->sites[i], hi); i++)
        if (calls_never_returning(u, &u->sites[i]))
            return true;
    return false;
}

/* For every function, the index of its first call of an `after-cancel`
 * pattern (UINT32_MAX if none): computed once per file. */
static uint32_t *first_cancels(const CancelParams *p, const Unit *u)
{
    uint32_t *first = xmalloc(sizeof *first * (u->nfuncs ? u->nfuncs : 1));
    for (uint32_t f = 0; f < u->nfuncs; f++)
        first[f] = UINT32_MAX;
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        if (s->kind == SITE_CALL && first[s->func] == UINT32_MAX &&
            chk_idx_any(&p->after_cancel, chk_flow_site_name(s), u, s))
            first[s->func] = i;
    }
    return first;
}

/* Whether handler hi swallows: what it catches, how it ends (*raises). */
static bool swallows(const CancelParams *p, const Unit *u, const uint32_t *first_cancel,
                     uint32_t hi, Str *what, RaiseKind *raises)
{
    const Site *h = &u->sites[hi];
    if (!unit_is_async_context(u, h->func))
        return false;
    *raises = (h->flags & SITE_F_RERAISES) ? body_raises(p, u, h) : RAISE_NONE;
    if ((h->flags & SITE_F_RERAISES) && *raises != RAISE_OTHER)
        return false; /* re-raised (or a raise the text scan cannot place: trust the model) */
    Catch c = catches(p, u, h, what);
    if (c == CATCH_NONE)
        return false;
    bool earlier;
    uint32_t first = first_handler(p, u, hi, &earlier);
    if (earlier || try_body_never_suspends(u, &u->funcs[h->func], first) || deliberate(p, u, hi) ||
        ends_in_helper(u, hi) || reraised_later(u, h))
        return false;
    return c == CATCH_BROAD || first_cancel[h->func] > hi;
}

static void check_handler(const Rule *r, const Unit *u, const uint32_t *first_cancel, uint32_t hi,
                          FindingSink *sink)
{
    const Site *h = &u->sites[hi];
    Str what = STR_NULL;
    RaiseKind raises = RAISE_NONE;
    if (!swallows(r->bound, u, first_cancel, hi, &what, &raises))
        return;
    Arena *a = &sink->arena;
    const char *star = (h->flags & SITE_F_STAR) ? "*" : "";
    const char *caught = what.len ? arena_printf(a, "except%s %s", star, str_dup(a, what))
                                  : arena_printf(a, "except%s:", star);
    const char *how = raises == RAISE_OTHER ? "raises a different exception in its place"
                                            : "does not re-raise it";
    const char *vars[] = {"caught", caught, "function", str_dup(a, u->funcs[h->func].name),
                          "how",    how,    NULL};
    chk_sink_add(sink, r, u, h->func, h->off, h->end, chk_format(a, chk_message(r, u), vars));
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    uint32_t *first_cancel = NULL;
    for (uint32_t i = 0; i < u->nsites; i++) {
        if (u->sites[i].kind != SITE_EXCEPT)
            continue;
        if (!first_cancel)
            first_cancel = first_cancels(r->bound, u);
        check_handler(r, u, first_cancel, i, sink);
    }
    xfree(first_cancel);
}

const CheckEngine chk_cancellation_engine = {
    .name = "cancellation",
    .async_only = true,
    .bind = bind,
    .run_unit = run_unit,
};
