/* Engine `busy-wait`: in an async context, a `while <condition>:` loop whose
 * whole body is one `await` of a `sleeps` call (`await asyncio.sleep(0.1)`):
 * the coroutine polls a condition on a timer instead of waiting for whoever
 * changes it to say so (an `asyncio.Event`/`Condition`). `while True:` with a
 * lone sleep is a keep-alive or periodic loop, not a poll, and is left alone;
 * so is any loop whose body does anything besides the sleep, and one whose
 * condition awaits (it asks another service, which has no Event to offer) or
 * calls one of the rule's `external` calls (the filesystem, a child process).
 * Reported at the
 * `while` keyword (the frontend marks such loops SITE_F_SLEEP_ONLY, with the
 * awaited call as Site.parent).
 *
 * Parameters: sleeps (call patterns, required), external (call patterns). Placeholders: {callee}
 * {condition} {function}. */
#include <string.h>

#include "flow.h"
#include "params.h"
#include "registry.h"

typedef struct BusyParams {
    CallIndex sleeps;
    CallIndex external; /* calls that ask outside the process (no Event to offer) */
} BusyParams;

static const char *const KEYS[] = {"sleeps", "external", NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    if (!chk_params_validate(r, KEYS, d))
        return false;
    BusyParams *p = ARENA_NEW(a, BusyParams);
    bool ok = chk_flow_patterns(r, "sleeps", true, a, d, &p->sleeps) &
              chk_flow_patterns(r, "external", false, a, d, &p->external);
    r->bound = p;
    return ok;
}

/* The loop condition for the message, shortened to one readable line. */
static const char *condition(Arena *a, const Site *loop)
{
    enum { MAX = 60 };
    Str t = loop->text;
    if (t.len <= MAX)
        return str_dup(a, t);
    uint32_t n = MAX - 3;
    while (n > 0 && ((unsigned char)t.ptr[n] & 0xC0) == 0x80)
        n--; /* whole characters */
    return arena_printf(a, "%.*s...", (int)n, t.ptr);
}

static void check_loop(const Rule *r, const Unit *u, const Site *s, FindingSink *sink)
{
    const BusyParams *p = r->bound;
    if (s->loop_kind != LOOP_WHILE || !(s->flags & SITE_F_SLEEP_ONLY) ||
        (s->flags & SITE_F_TRUE_COND) || s->parent < 0 || (uint32_t)s->parent >= u->nsites ||
        !unit_is_async_context(u, s->func))
        return;
    /* `while not (await client.get(url))["done"]:`, `while not
     * os.path.exists(p):`, `while proc.poll() is None:`: the state lives
     * elsewhere (another service, the filesystem, a child process), and
     * asking it again is the only way to learn it */
    for (uint32_t k = (uint32_t)(s - u->sites) + 1; k < u->nsites && u->sites[k].off < s->end; k++) {
        const Site *c = &u->sites[k];
        if (c->kind == SITE_CALL &&
            (c->use == USE_AWAITED || chk_idx_any(&p->external, chk_call_name(u, c), u, c)))
            return;
    }
    const Site *sleep = &u->sites[s->parent];
    Str name = chk_call_name(u, sleep);
    if (sleep->kind != SITE_CALL || !chk_idx_any(&p->sleeps, name, u, sleep))
        return;
    Arena *a = &sink->arena;
    const char *vars[] = {"callee",    str_dup(a, name),
                          "condition", condition(a, s),
                          "function",  str_dup(a, u->funcs[s->func].name),
                          NULL};
    chk_sink_add(sink, r, u, s->func, s->off, s->end, chk_format(a, chk_message(r, u), vars));
}

static void run_unit(const Rule *r, const ChkEnv *env, const Unit *u, FindingSink *sink)
{
    (void)env;
    for (uint32_t i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_LOOP)
            check_loop(r, u, &u->sites[i], sink);
}

const CheckEngine chk_busy_wait_engine = {
    .name = "busy-wait",
    .async_only = true,
    .bind = bind,
    .run_unit = run_unit,
};
