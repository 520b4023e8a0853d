/* Engine `unbounded-spawn` (AL302): a task spawned (pack-level `spawners`:
 * create_task, ensure_future, tg.create_task, start_soon ...) inside a for /
 * async for / comprehension over input-sized data, with no limiter held around
 * it, none acquired (`await sem.acquire()`) before it in the loop body, and
 * none acquired by the spawned coroutine (decided on the linked Project, so
 * the coroutine may live in another file), and not awaited in chunks (the
 * list the tasks are appended to gathered later in the same loop body) or one
 * by one. Constant-size iterables (literal collections, range() of constants,
 * slices, names bound to those, a class) are bounded. A spawner handed the
 * task another spawner made (`ensure_future(loop.create_task(c))`) starts
 * nothing more: the inner one is the finding.
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

/* Columns of indentation of line n (a tab to the next multiple of 8), or -1 for
 * a line with no code (blank, or a comment only). */
static int32_t indentation(const Unit *u, uint32_t n)
{
    uint32_t len, col = 0;
    const char *t = lines_text(&u->lines, n, &len);
    for (uint32_t i = 0; i < len; i++) {
        if (t[i] == ' ')
            col++;
        else if (t[i] == '\f')
            col = 0; /* as Python's tokenizer counts it */
        else if (t[i] == '\t')
            col = (col / 8 + 1) * 8;
        else
            return t[i] == '#' ? -1 : (int32_t)col;
    }
    return -1;
}

/* Whether the statement at `a` is on the way to `s` in every pass: no line
 * from a's to s's is indented less than a's (an `else:` or the end of a's
 * block would be). Indentation stands for the block structure the model does
 * not keep; a continuation line indented less than its statement is rare. */
static bool runs_before(const Unit *u, const Site *a, const Site *s)
{
    uint32_t first = lines_line(&u->lines, a->off), last = lines_line(&u->lines, s->off);
    int32_t base = indentation(u, first);
    for (uint32_t n = first + 1; n <= last; n++) {
        int32_t in = indentation(u, n);
        if (in >= 0 && in < base)
            return false;
    }
    return true;
}

/* `await sem.acquire()` earlier in the same loop body, on the way to the spawn:
 * each pass waits for a permit before it spawns (the task gives it back), so
 * the loop holds at most the semaphore's count of tasks. A receiver of unknown
 * type gets the benefit of the doubt, as `async with` on one does (a
 * connection pool's `acquire` bounds as well). */
static bool permit_acquired(const ChkEnv *env, const Unit *u, const Site *s)
{
    for (int32_t k = (int32_t)(s - u->sites) - 1; k > s->loop; k--) {
        const Site *a = &u->sites[k];
        if (a->kind != SITE_CALL || a->loop != s->loop || a->use != USE_AWAITED)
            continue;
        Str name = chk_call_name(u, a);
        if (name.len <= 8 || !str_ends_with(name, ".acquire"))
            continue;
        Str receiver = str_make(name.ptr, name.len - 8);
        bool limiter = (a->flags & SITE_F_RESOLVED)
                           ? chk_idx_any(&env->limiters[u->lang], receiver, u, a)
                           : true;
        if (limiter && runs_before(u, a, s))
            return true;
    }
    return false;
}

/* The list a spawned task is appended to (`pending.append(create_task(..))`),
 * or an empty Str. */
static Str appended_to(const Unit *u, const Site *s)
{
    if (s->use != USE_ARGUMENT || s->parent < 0)
        return STR_NULL;
    Str name = u->sites[s->parent].text;
    if (name.len <= 7 || !str_ends_with(name, ".append"))
        return STR_NULL;
    return str_make(name.ptr, name.len - 7);
}

/* The tasks are awaited in chunks: later in the same loop body the list they
 * go to is awaited whole (`await asyncio.gather(*pending)`, `asyncio.wait(pending)`),
 * so no more tasks than a chunk run at once, whatever the condition around the
 * await (`if len(pending) == 100:`). Not a wait with `return_when`. */
static bool drained_in_loop(const Unit *u, const Site *s)
{
    Str list = appended_to(u, s);
    if (!list.len)
        return false;
    for (uint32_t k = (uint32_t)(s - u->sites) + 1; k < u->nsites; k++) {
        const Site *a = &u->sites[k];
        if (a->func != s->func)
            continue; /* a def or lambda in the body */
        int32_t l = a->loop;
        while (l >= 0 && l != s->loop)
            l = u->sites[l].loop;
        if (l < 0)
            break; /* past the loop body (sites come in source order) */
        if (a->kind != SITE_CALL || a->loop != s->loop || a->use != USE_AWAITED)
            continue;
        Str name = chk_call_name(u, a);
        bool wait = str_eq_c(name, "asyncio.wait");
        if (!wait && !str_eq_c(name, "asyncio.gather"))
            continue;
        bool whole = true, named = false;
        for (uint32_t i = 0; i < a->nargs; i++) {
            named |= a->args[i].kind == ARG_NAME && str_eq(a->args[i].text, list);
            /* wait(.., return_when=FIRST_COMPLETED) returns as soon as one of the
             * list is done, and the done ones stay in it */
            whole &= !(wait && str_eq_c(a->args[i].keyword, "return_when"));
        }
        if (named && whole)
            return true;
    }
    return false;
}

/* Whether awaiting a call of `name` waits for the tasks handed to it to end. */
static bool awaits_its_tasks(Str name)
{
    return str_eq_c(name, "asyncio.gather") || str_eq_c(name, "asyncio.wait_for") ||
           str_eq_c(name, "asyncio.shield");
}

/* Whether awaiting call a waits for the task named `task` to end: asyncio's
 * gather, wait_for or shield given it, or wait given `[task]` alone. */
static bool waits_for(const Unit *u, const Site *a, Str task)
{
    Str name = chk_call_name(u, a);
    bool wait = str_eq_c(name, "asyncio.wait");
    if (!wait && !awaits_its_tasks(name))
        return false;
    for (uint32_t i = 0; i < a->nargs; i++) {
        const Arg *arg = &a->args[i];
        if (arg->keyword.len)
            continue;
        if (!wait && arg->kind == ARG_NAME && str_eq(arg->text, task))
            return true;
        Str src = unit_arg_source(u, arg); /* `[t]`, `{t}` */
        if (wait && arg->kind == ARG_LITERAL && src.len == task.len + 2 &&
            (src.ptr[0] == '[' || src.ptr[0] == '{') &&
            memcmp(src.ptr + 1, task.ptr, task.len) == 0)
            return true;
    }
    return false;
}

/* `t = create_task(f(x))` and, further down the same loop body and not in a
 * block of its own, `await t` (or `await asyncio.wait_for(t, 5)`...); or the
 * spawn handed straight to an awaited gather, wait_for or shield: each pass
 * waits for its task before the next spawns one, so one runs at a time. */
static bool awaited_in_loop(const Unit *u, const Site *s)
{
    if (s->use == USE_ARGUMENT && s->parent >= 0) {
        const Site *p = &u->sites[s->parent];
        return p->use == USE_AWAITED && p->loop == s->loop && awaits_its_tasks(chk_call_name(u, p));
    }
    if (s->use != USE_BOUND || !s->use_name.len)
        return false;
    int32_t depth = indentation(u, lines_line(&u->lines, s->off));
    for (uint32_t k = (uint32_t)(s - u->sites) + 1; k < u->nsites; k++) {
        const Site *a = &u->sites[k];
        if (a->func != s->func)
            continue;
        int32_t l = a->loop;
        while (l >= 0 && l != s->loop)
            l = u->sites[l].loop;
        if (l < 0)
            break; /* past the loop body */
        bool awaits = a->kind == SITE_USE ? str_eq(a->text, s->use_name)
                                          : a->kind == SITE_CALL && waits_for(u, a, s->use_name);
        if (awaits && a->use == USE_AWAITED && a->loop == s->loop &&
            indentation(u, lines_line(&u->lines, a->off)) <= depth && runs_before(u, s, a))
            return true;
    }
    return false;
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
        if (!loop || !chk_fanout_is_spawner(env, u, s) || chk_is_guarded(env, u, s) ||
            permit_acquired(env, u, s) || drained_in_loop(u, s) || awaited_in_loop(u, s))
            continue;
        const Site *coro = spawned(u, s);
        if (chk_fanout_releases(env, u, coro) || (coro && chk_fanout_is_spawner(env, u, coro)))
            continue;
        const char *msg = chk_fanout_message(&scratch, r, u, s, loop);
        chk_fanout_candidate(env, r, u, s, coro, loop, msg, pf);
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
    .trigger_table = "spawners",
    .bind = bind,
    .summarise = summarise,
    .run_project = run_project,
};
