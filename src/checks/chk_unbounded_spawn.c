/* Engine `unbounded-spawn` (AL302): a task spawned (pack-level `spawners`:
 * create_task, ensure_future, tg.create_task, start_soon ...) inside a for /
 * async for / comprehension over input-sized data, with no limiter held around
 * it and none acquired by the spawned coroutine (decided on the linked Project,
 * so the coroutine may live in another file). Constant-size iterables (literal
 * collections, range() of constants, slices, names bound to those) are bounded.
 *
 * Parameters: spawners are pack-level; the rule itself only needs a message
 * with {callee} {function} {iterable}. */
#include "fanout.h"
#include "params.h"

static const char *const KEYS[] = {NULL};

static bool bind(Rule *r, const RuleSet *rs, Arena *a, Diag *d)
{
    (void)rs;
    (void)a;
    return chk_params_validate(r, KEYS, d);
}

/* The coroutine call handed to the spawner: its first positional argument. */
static const Site *spawned(const Unit *u, const Site *s)
{
    for (uint32_t i = 0; i < s->nargs; i++) {
        const Arg *a = &s->args[i];
        if (a->keyword.len || a->flags)
            continue;
        return a->kind == ARG_CALL && a->site >= 0 ? &u->sites[a->site] : NULL;
    }
    return NULL;
}

static void summarise(const Rule *r, const ChkEnv *env, const Unit *u, ProjectFile *pf)
{
    Arena scratch;
    arena_init(&scratch);
    for (uint32_t i = 0; i < u->nsites; i++) {
        const Site *s = &u->sites[i];
        /* the loop first: most calls are in none, and it is a field to read
         * where a spawner is a pattern lookup */
        const Site *loop = s->kind == SITE_CALL ? chk_fanout_input_loop(u, s) : NULL;
        if (!loop || !chk_fanout_is_spawner(env, u, s) || chk_is_guarded(env, u, s))
            continue;
        const char *msg = chk_fanout_message(&scratch, r, u, s, loop);
        chk_fanout_candidate(env, r, u, s, spawned(u, s), msg, pf);
    }
    arena_free(&scratch);
}

static void run_project(const Rule *r, const ChkEnv *env, const Project *p, FindingSink *sink)
{
    (void)env;
    chk_fanout_report(r, p, sink);
}

const CheckEngine chk_unbounded_spawn_engine = {
    .name = "unbounded-spawn",
    .bind = bind,
    .summarise = summarise,
    .run_project = run_project,
};
