/* Engine `cancellation`: in an async context, an `except` (or `except*`)
 * handler that catches the cancellation exception and does not raise again.
 * A handler catches it when one of its types matches `cancel-exceptions`
 * (`asyncio.CancelledError`, `trio.Cancelled`, ...) or `broad-exceptions`
 * (`BaseException`), or when it is a bare `except:` (`bare: true`). Any
 * `raise` in the handler body counts as re-raising (the frontend does not tell
 * a bare `raise` from `raise Other()` or a conditional one: no finding when in
 * doubt). Not reported either:
 *   - a later handler of the same `try` once an earlier one caught the
 *     cancellation (it never sees it, or the earlier one is the finding);
 *   - a handler whose body calls one of the `deliberate` patterns
 *     (`task.uncancel()`: swallowing on purpose, the 3.11 way);
 *   - a handler of `cancel-exceptions` only (not broad, not bare) in a function
 *     that already called one of the `after-cancel` patterns before it
 *     (`task.cancel()` then `try: await task / except CancelledError: pass`:
 *     waiting for the task one cancelled).
 * Reported at the `except` keyword.
 *
 * Parameters: cancel-exceptions, broad-exceptions, deliberate, after-cancel
 * (patterns), bare (bool, default true). Placeholders: {caught} {function}. */
#include <string.h>

#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct CancelParams {
    CallIndex cancel;
    CallIndex broad;
    CallIndex deliberate;
    CallIndex after_cancel;
    bool bare;
} CancelParams;

static const char *const KEYS[] = {"cancel-exceptions", "broad-exceptions", "deliberate",
                                   "after-cancel",      "bare",             NULL};

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

/* Byte column of off within its line. */
static uint32_t column(const Unit *u, uint32_t off)
{
    uint32_t b = off;
    while (b > 0 && u->src[b - 1] != '\n')
        b--;
    return off - b;
}

/* Whether src[p..to) opens or closes a triple-quoted string: its quote, else 0. */
static char triple_quote(const Unit *u, uint32_t p, uint32_t to)
{
    char c = u->src[p];
    if ((c == '"' || c == '\'') && p + 2 < to && u->src[p + 1] == c && u->src[p + 2] == c)
        return c;
    return 0;
}

/* Whether every code line starting in (from, to) is indented deeper than col:
 * nothing between two `except` clauses at column col but the first one's body.
 * Lines inside triple-quoted strings and comment lines do not count. */
static bool only_deeper_lines(const Unit *u, uint32_t from, uint32_t to, uint32_t col)
{
    char quote = 0;
    for (uint32_t p = from; p < to; p++) {
        char q3 = triple_quote(u, p, to);
        if (q3 && (!quote || quote == q3)) {
            quote = quote ? 0 : q3;
            p += 2;
            continue;
        }
        if (!quote && u->src[p] == '#') {
            while (p + 1 < to && u->src[p + 1] != '\n')
                p++;
            continue;
        }
        if (quote || u->src[p] != '\n')
            continue;
        uint32_t q = p + 1, ind = 0;
        while (q < to && (u->src[q] == ' ' || u->src[q] == '\t'))
            q++, ind++;
        if (q >= to || u->src[q] == '\n' || u->src[q] == '\r' || u->src[q] == '#')
            continue;
        if (ind <= col)
            return false;
    }
    return true;
}

/* Whether an earlier handler of the same `try` as handler hi catches the
 * cancellation. */
static bool earlier_sibling_catches(const CancelParams *p, const Unit *u, uint32_t hi)
{
    const Site *h = &u->sites[hi];
    uint32_t col = column(u, h->off), upto = h->off;
    for (uint32_t j = hi; j > 0; j--) {
        const Site *e = &u->sites[j - 1];
        if (e->off < u->funcs[h->func].off)
            break;
        if (e->kind != SITE_EXCEPT || e->func != h->func || column(u, e->off) != col)
            continue;
        if (!only_deeper_lines(u, e->end, upto, col))
            break;
        Str what;
        if (catches(p, u, e, &what) != CATCH_NONE)
            return true;
        upto = e->off;
    }
    return false;
}

/* Whether site s lies in the body of handler hi (at any depth). */
static bool in_handler(const Unit *u, const Site *s, uint32_t hi)
{
    for (int32_t k = s->handler, depth = 0; k >= 0 && depth < 1000; k = u->sites[k].handler, depth++)
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

/* Whether function f calls an `after-cancel` pattern before site index hi. */
static bool cancelled_before(const CancelParams *p, const Unit *u, uint32_t hi)
{
    const Function *fn = &u->funcs[u->sites[hi].func];
    for (uint32_t i = 0; i < fn->nsites && fn->sites[i] < hi; i++) {
        const Site *s = &u->sites[fn->sites[i]];
        if (s->kind == SITE_CALL &&
            chk_idx_any(&p->after_cancel, chk_flow_site_name(s), u, s))
            return true;
    }
    return false;
}

static void check_handler(const Rule *r, const Unit *u, uint32_t hi, FindingSink *sink)
{
    const CancelParams *p = r->bound;
    const Site *h = &u->sites[hi];
    if ((h->flags & SITE_F_RERAISES) || !unit_is_async_context(u, h->func))
        return;
    Str what = STR_NULL;
    Catch c = catches(p, u, h, &what);
    if (c == CATCH_NONE || earlier_sibling_catches(p, u, hi) || deliberate(p, u, hi))
        return;
    if (c == CATCH_NARROW && cancelled_before(p, u, hi))
        return;
    Arena *a = &sink->arena;
    const char *star = (h->flags & SITE_F_STAR) ? "*" : "";
    const char *caught = what.len ? arena_printf(a, "except%s %s", star, str_dup(a, what))
                                  : arena_printf(a, "except%s:", star);
    const char *vars[] = {"caught", caught, "function", str_dup(a, u->funcs[h->func].name), NULL};
    chk_sink_add(sink, r, u, h->func, h->off, h->end, chk_format(a, r->message, vars));
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_EXCEPT)
            check_handler(r, u, i, sink);
}

const CheckEngine chk_cancellation_engine = {
    .name = "cancellation",
    .bind = bind,
    .run_unit = run_unit,
};
