/* Shared logic of the unbounded-concurrency engines (AL301, AL302): which loops
 * are input-sized, and the whole-run decision "does the spawned coroutine hold
 * a limiter itself?". */
#ifndef LINT_CHECKS_FANOUT_H
#define LINT_CHECKS_FANOUT_H

#include "registry.h"

/* The innermost loop around s in its function if it iterates over input-sized
 * data (a for, async for or comprehension that is not constant-size), else NULL.
 * `while` loops are not counted: their bound is not an iterable's size. In C,
 * a loop whose bound the frontend marks input-dependent (not an endless one). */
const Site *chk_fanout_input_loop(const Unit *u, const Site *s);
/* Whether the call site spawns a task (pack-level `spawners`). */
bool chk_fanout_is_spawner(const ChkEnv *env, const Unit *u, const Site *s);
/* Whether the coroutine call releases what the loop's item holds: a method of a
 * local (the loop variable: `c.close()`, `w.wait_closed()`) named in the
 * packs' `releases`. Closing every connection of a collection at once opens
 * nothing: it is no fan-out over input. */
bool chk_fanout_releases(const ChkEnv *env, const Unit *u, const Site *coro);
/* Records a candidate finding for rule r at site `at`: `coro` is the coroutine
 * call whose callee decides (may be NULL: nothing to look at), `loop` the loop
 * or comprehension of the fan-out, whose iterable decides too (may be NULL).
 * Without a call, a coroutine function handed to `at` (`start_soon(f, x)`,
 * its argument 0) decides in its place. */
void chk_fanout_candidate(const ChkEnv *env, const Rule *r, const Unit *u, const Site *at,
                          const Site *coro, const Site *loop, const char *message,
                          ProjectFile *pf);
/* run_project of both engines: reports the rule's candidates whose coroutine
 * does not hold a limiter. */
void chk_fanout_report(const Rule *r, const Project *p, FindingSink *sink);
/* The rule's message for a fan-out at `at`: {callee} (as written), {function},
 * {iterable} (the loop's iterable, or empty). */
const char *chk_fanout_message(Arena *a, const Rule *r, const Unit *u, const Site *at,
                               const Site *loop);

#endif
