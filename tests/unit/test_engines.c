/* Unit tests for the check engines on whole files (src/checks/chk_*.c): sources
 * are written to a temporary tree, parsed, checked file by file (chk_run_unit),
 * linked into a Project and checked as a whole (chk_run_project), exactly as
 * `asynclint check` does with the default packs; the test compares the sorted
 * findings (rule, position, function, message, fix, chain) with a golden text.
 * Covers blocking-call (AL101-AL108, the AL101 fix), blocking-via-helper (AL109
 * chains), unawaited-coroutine (AL201, library and project coroutines) and the
 * fan-out engines (AL301, AL302) whose candidates PF_LIMITS decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "app/frontend.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "checks/registry.h"
#include "findings/findings.h"
#include "lang/python/pyparse.h"
#include "model/project.h"
#include "rules/rules.h"
#include "testsupport.h"

typedef TsRun Fx;

static int setup(void **state)
{
    *state = ts_run_new("eng");
    return 0;
}

static int teardown(void **state)
{
    ts_run_free(*state);
    return 0;
}

typedef TsSrc Src;

/* The check driver's steps for files given in path order (see src/app/check.c):
 * per file summary + per-file checks, link, whole run. */
static void run(Fx *f, const Src *files, uint32_t n)
{
    ts_run_analyse(f, files, n, true);
}

static void render_finding(FILE *m, const Finding *x)
{
    fprintf(m, "%s:%u:%u-%u:%u %s [%s] %s\n", x->path, x->line, x->col, x->end_line, x->end_col,
            x->rule->id, x->function, x->message);
    if (x->fix)
        fprintf(m, "  fix %u:%u-%u:%u `%s` (%s)\n", x->fix->line, x->fix->col, x->fix->end_line,
                x->fix->end_col, x->fix->replacement, x->fix->description);
    for (uint32_t c = 0; c < x->nchain; c++) {
        const ChainStep *s = &x->chain[c];
        fprintf(m, "  step %s:%u:%u-%u:%u in %s calls %s\n", s->path, s->line, s->col, s->end_line,
                s->end_col, s->function, s->callee);
    }
}

/* Whether id starts with one of the comma-separated prefixes of `only`. */
static bool selected(const char *only, const char *id)
{
    for (const char *p = only; *p;) {
        size_t n = strcspn(p, ",");
        if (n && strncmp(id, p, n) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

/* n findings in their order, one or more lines each; with `only`
 * (comma-separated id prefixes), just those rules. Free the text. */
static char *render_list(const Finding *items, uint32_t n, const char *only)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    for (uint32_t k = 0; k < n; k++)
        if (!only || selected(only, items[k].rule->id))
            render_finding(m, &items[k]);
    fclose(m);
    return text;
}

/* Every finding of the run, sorted as reports are (path, line, column, rule),
 * rendered by render_list. */
static const char *findings(Fx *f, const char *only)
{
    Vec(Finding) all;
    vec_init(&all);
    for (uint32_t i = 0; i < f->nfiles; i++)
        for (uint32_t k = 0; k < f->sinks[i].items.size; k++)
            vec_push(&all, f->sinks[i].items.contents[k]);
    for (uint32_t k = 0; k < f->whole.items.size; k++)
        vec_push(&all, f->whole.items.contents[k]);
    finding_sort(all.contents, all.size);
    free(f->text);
    f->text = render_list(all.contents, all.size, only);
    vec_free(&all);
    return f->text;
}

/* ---- blocking-call --------------------------------------------------------------------------- */

/* Only the body of an async def is an async context; aliases resolve; a
 * parameter named like a module is not that module. */
static void test_blocking_call_async_context_only(void **state)
{
    Fx *f = *state;
    const Src files[] = {{"m.py", "import time\n"
                                  "import time as t\n"
                                  "from time import sleep\n"
                                  "def sync():\n"
                                  "    time.sleep(1)\n"
                                  "async def coro(time_mod, time):\n"
                                  "    t.sleep(1)\n"
                                  "    sleep(2)\n"
                                  "    time.sleep(3)\n"
                                  "    def nested():\n"
                                  "        t.sleep(4)\n"
                                  "    cb = lambda: t.sleep(5)\n"
                                  "    class K:\n"
                                  "        x = t.sleep(6)\n"
                                  "    await asyncio.to_thread(t.sleep, 7)\n"}};
    run(f, files, 1);
    assert_string_equal(findings(f, NULL),
                        "m.py:7:5-7:15 AL101 [coro] `time.sleep` blocks the event loop in `coro`; use "
                        "`await asyncio.sleep(...)`\n"
                        "m.py:8:5-8:13 AL101 [coro] `time.sleep` blocks the event loop in `coro`; use "
                        "`await asyncio.sleep(...)`\n");
}

/* One finding per catalog family, with its exact message. */
static void test_blocking_call_catalog_messages(void **state)
{
    Fx *f = *state;
    const Src files[] = {{"c.py", "import requests, subprocess, socket, threading\n"
                                  "async def handler(path):\n"
                                  "    requests.get(path)\n"
                                  "    open(path).read()\n"
                                  "    subprocess.run(['ls'])\n"
                                  "    socket.create_connection(('h', 1))\n"
                                  "    input('> ')\n"
                                  "    lock = threading.Lock()\n"
                                  "    lock.acquire()\n"
                                  "    lock.acquire(False)\n"
                                  "    lock.acquire(blocking=False)\n"
                                  "    with lock:\n"
                                  "        pass\n"}};
    run(f, files, 1);
    assert_string_equal(
        findings(f, "AL10"),
        "c.py:3:5-3:23 AL102 [handler] `requests.get` makes a blocking HTTP request in `handler`; "
        "use an async client (`httpx.AsyncClient`, `aiohttp`) or `await asyncio.to_thread(...)`\n"
        "c.py:4:5-4:15 AL103 [handler] `open` does blocking file I/O in `handler`; use "
        "`aiofiles`/`anyio` or `await asyncio.to_thread(...)`\n"
        "c.py:5:5-5:27 AL104 [handler] `subprocess.run` runs or waits for a child process "
        "synchronously in `handler`; use `await asyncio.create_subprocess_exec(...)` and `await "
        "proc.communicate()`\n"
        "c.py:6:5-6:39 AL106 [handler] `socket.create_connection` does blocking network I/O in "
        "`handler`; use `loop.getaddrinfo`, `asyncio.open_connection`, the `loop.sock_*` methods "
        "or an async client library\n"
        "c.py:7:5-7:16 AL107 [handler] `input` waits for console input in `handler` and stalls the "
        "event loop until someone types; use `await asyncio.to_thread(...)` or an asyncio stream "
        "reader on stdin\n"
        "c.py:9:5-9:19 AL108 [handler] `threading.Lock.acquire` blocks the event loop waiting for "
        "another thread in `handler`; use the asyncio primitive (`asyncio.Lock`, `asyncio.Event`, "
        "`asyncio.Queue`), `await asyncio.wrap_future(...)` or `await asyncio.to_thread(...)`\n"
        "c.py:12:10-12:14 AL108 [handler] `threading.Lock.__enter__` blocks the event loop waiting "
        "for another thread in `handler`; use the asyncio primitive (`asyncio.Lock`, "
        "`asyncio.Event`, `asyncio.Queue`), `await asyncio.wrap_future(...)` or `await "
        "asyncio.to_thread(...)`\n");
}

/* A file written for trio or anyio (it imports one and not asyncio) gets the
 * rule's `message-trio` / `message-anyio`: the advice names that library's API;
 * anyio's when both are imported; asyncio's as soon as asyncio is imported. */
static void test_messages_follow_the_files_library(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"t.py", "import time\nimport trio\nasync def f():\n    time.sleep(1)\n"},
        {"a.py", "import time\nfrom anyio import sleep\nimport trio\n"
                 "async def f():\n    time.sleep(1)\n"},
        {"m.py", "import time\nimport trio, asyncio\nasync def f():\n    time.sleep(1)\n"},
        {"n.py", "import time\nfrom . import trio\nasync def f():\n    time.sleep(1)\n"},
    };
    run(f, files, 4);
    assert_string_equal(
        findings(f, "AL101"),
        "a.py:5:5-5:18 AL101 [f] `time.sleep` blocks the event loop in `f`; use `await "
        "anyio.sleep(...)`\n"
        "m.py:4:5-4:18 AL101 [f] `time.sleep` blocks the event loop in `f`; use `await "
        "asyncio.sleep(...)`\n"
        "  fix 4:5-4:18 `await asyncio.sleep(1)` (Replace with `await asyncio.sleep(1)`)\n"
        "n.py:4:5-4:18 AL101 [f] `time.sleep` blocks the event loop in `f`; use `await "
        "asyncio.sleep(...)`\n"
        "t.py:4:5-4:18 AL101 [f] `time.sleep` blocks the event loop in `f`; use `await "
        "trio.sleep(...)`\n");
}

/* The AL101 fix is offered for a statement-level call, only where `asyncio` is
 * imported under that name at module level; {args} is the argument text. */
static void test_blocking_call_fix_needs_asyncio_import(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"a.py", "import asyncio\n"
                 "import time\n"
                 "async def f(d):\n"
                 "    time.sleep(0.5 * d)\n"
                 "    x = time.sleep(1)\n"
                 "    time.sleep(*d)\n"
                 "    print(time.sleep(2))\n"},
        {"b.py", "import asyncio as aio\n"
                 "import time\n"
                 "async def f():\n"
                 "    time.sleep(1)\n"},
        {"c.py", "import time\n"
                 "async def f():\n"
                 "    import asyncio\n"
                 "    time.sleep(1)\n"},
    };
    run(f, files, 3);
    const char *msg = "`time.sleep` blocks the event loop in `f`; use `await asyncio.sleep(...)`";
    char expected[2048];
    snprintf(expected, sizeof expected,
             "a.py:4:5-4:24 AL101 [f] %s\n"
             "  fix 4:5-4:24 `await asyncio.sleep(0.5 * d)` (Replace with `await asyncio.sleep(0.5 "
             "* d)`)\n"
             "a.py:5:9-5:22 AL101 [f] %s\n"
             "a.py:6:5-6:19 AL101 [f] %s\n"
             "  fix 6:5-6:19 `await asyncio.sleep(*d)` (Replace with `await asyncio.sleep(*d)`)\n"
             "a.py:7:11-7:24 AL101 [f] %s\n"
             "b.py:4:5-4:18 AL101 [f] %s\n"
             "c.py:4:5-4:18 AL101 [f] %s\n",
             msg, msg, msg, msg, msg, msg);
    assert_string_equal(findings(f, NULL), expected);
}

/* ---- blocking-via-helper (AL109) --------------------------------------------------------------- */

/* The finding is at the call in the coroutine; the chain lists every call down
 * to the blocking one, across files, with each caller's in-file name. */
static void test_via_helper_chain_steps(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"app/__init__.py", ""},
        {"app/db.py", "import sqlite3\n"
                      "def connect(path):\n"
                      "    return sqlite3.connect(path)\n"
                      "class Repo:\n"
                      "    def load(self):\n"
                      "        return connect('x.db')\n"},
        {"app/web.py", "from .db import Repo\n"
                       "def helper():\n"
                       "    return Repo().load()\n"
                       "async def view():\n"
                       "    repo = Repo()\n"
                       "    repo.load()\n"
                       "    helper()\n"
                       "    await asyncio.to_thread(helper)\n"},
    };
    run(f, files, 3);
    assert_string_equal(findings(f, "AL109"),
                        "app/web.py:6:5-6:16 AL109 [view] `repo.load` blocks the event loop in "
                        "`view`: it reaches `sqlite3.connect` through 2 call(s); make it async or "
                        "run it with `await asyncio.to_thread(...)`\n"
                        "  step app/web.py:6:5-6:16 in view calls repo.load\n"
                        "  step app/db.py:6:16-6:31 in Repo.load calls connect\n"
                        "  step app/db.py:3:12-3:33 in connect calls sqlite3.connect\n"
                        "app/web.py:7:5-7:13 AL109 [view] `helper` blocks the event loop in `view`: "
                        "it reaches `sqlite3.connect` through 3 call(s); make it async or run it "
                        "with `await asyncio.to_thread(...)`\n"
                        "  step app/web.py:7:5-7:13 in view calls helper\n"
                        "  step app/web.py:3:12-3:25 in helper calls Repo().load\n"
                        "  step app/db.py:6:16-6:31 in Repo.load calls connect\n"
                        "  step app/db.py:3:12-3:33 in connect calls sqlite3.connect\n");
}

/* `{also}` names the other kinds of blocking of the function the chain ends
 * in, each once: calls of other rules (a sleep besides the subprocess), not
 * the same resource again (the process's `communicate`). */
static void test_via_helper_names_the_other_blocking_calls(void **state)
{
    Fx *f = *state;
    const Src files[] = {{"h.py", "import subprocess, time\n"
                                  "def start(cmd):\n"
                                  "    proc = subprocess.Popen(cmd)\n"
                                  "    proc.communicate()\n"
                                  "    for _ in range(3):\n"
                                  "        time.sleep(1)\n"
                                  "        time.sleep(2)\n"
                                  "    return proc\n"
                                  "def quiet():\n"
                                  "    time.sleep(1)\n"
                                  "    time.sleep(2)\n"
                                  "async def main():\n"
                                  "    start(['x'])\n"
                                  "    quiet()\n"}};
    run(f, files, 1);
    const char *got = findings(f, "AL109");
    assert_non_null(strstr(got, "it reaches `subprocess.Popen` through 1 call(s) (it also "
                                "reaches `time.sleep`); make it async"));
    assert_non_null(strstr(got, "it reaches `time.sleep` through 1 call(s); make it async"));
}

/* ---- unawaited-coroutine (AL201) --------------------------------------------------------------- */

/* Library coroutines of the pack: dropped or bound and never read is a
 * finding; awaited, returned, passed on, stored or read later is not. */
static void test_unawaited_library_coroutines(void **state)
{
    Fx *f = *state;
    const Src files[] = {{"u.py", "import asyncio\n"
                                  "async def f(q):\n"
                                  "    asyncio.sleep(1)\n"
                                  "    lost = asyncio.sleep(2)\n"
                                  "    kept = asyncio.sleep(3)\n"
                                  "    await kept\n"
                                  "    await asyncio.sleep(4)\n"
                                  "    q.put(asyncio.sleep(5))\n"
                                  "    asyncio.create_task(asyncio.sleep(6))\n"
                                  "    return asyncio.sleep(7)\n"
                                  "def g(self):\n"
                                  "    asyncio.wait_for(x, 1)\n"
                                  "    self.c = asyncio.sleep(8)\n"}};
    run(f, files, 1);
    assert_string_equal(findings(f, "AL201"),
                        "u.py:3:5-3:21 AL201 [f] coroutine `asyncio.sleep` is called in `f` but "
                        "never awaited: its body never runs; `await` it or schedule it with "
                        "`asyncio.create_task(...)`\n"
                        "u.py:4:12-4:28 AL201 [f] coroutine `asyncio.sleep` is called in `f` but "
                        "never awaited: its body never runs; `await` it or schedule it with "
                        "`asyncio.create_task(...)`\n"
                        "u.py:12:5-12:27 AL201 [g] coroutine `asyncio.wait_for` is called in `g` "
                        "but never awaited: its body never runs; `await` it or schedule it with "
                        "`asyncio.create_task(...)`\n");
}

/* The run's own coroutine functions, across files; async generators and
 * classes are not coroutines. */
static void test_unawaited_project_coroutines(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"pkg/__init__.py", ""},
        {"pkg/lib.py", "async def save(x):\n"
                       "    return x\n"
                       "async def stream():\n"
                       "    yield 1\n"
                       "class Store:\n"
                       "    async def put(self, x):\n"
                       "        return x\n"},
        {"pkg/main.py", "from .lib import save, stream, Store\n"
                        "from . import lib\n"
                        "def sync(store: Store):\n"
                        "    save(1)\n"
                        "    lib.save(2)\n"
                        "    stream()\n"
                        "    Store()\n"
                        "    store.put(3)\n"
                        "    c = save(4)\n"
                        "    d = save(5)\n"
                        "    return d\n"},
    };
    run(f, files, 3);
    const char *tail = "but never awaited: its body never runs; `await` it or schedule it with "
                       "`asyncio.create_task(...)`\n";
    char expected[2048];
    snprintf(expected, sizeof expected,
             "pkg/main.py:4:5-4:12 AL201 [sync] coroutine `save` is called in `sync` %s"
             "pkg/main.py:5:5-5:16 AL201 [sync] coroutine `lib.save` is called in `sync` %s"
             "pkg/main.py:8:5-8:17 AL201 [sync] coroutine `store.put` is called in `sync` %s"
             "pkg/main.py:9:9-9:16 AL201 [sync] coroutine `save` is called in `sync` %s",
             tail, tail, tail, tail);
    assert_string_equal(findings(f, "AL201"), expected);
}

/* ---- unbounded fan-out (AL301, AL302) ----------------------------------------------------------- */

/* A candidate is dropped when the coroutine it starts holds a limiter (PF_LIMITS,
 * looked up in the linked Project, here in another file), or when a limiter is
 * held around the fan-out, or when the iterable has a constant size. */
static void test_fanout_candidates_decided_by_limits(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"fan/__init__.py", ""},
        {"fan/work.py", "import asyncio\n"
                        "SEM = asyncio.Semaphore(4)\n"
                        "async def fetch(u):\n"
                        "    return u\n"
                        "async def fetch_limited(u):\n"
                        "    async with SEM:\n"
                        "        return u\n"},
        {"fan/run.py", "import asyncio\n"
                       "from .work import fetch, fetch_limited\n"
                       "async def main(urls, tg):\n"
                       "    await asyncio.gather(*[fetch(u) for u in urls])\n"
                       "    await asyncio.gather(*[fetch_limited(u) for u in urls])\n"
                       "    await asyncio.gather(*[fetch(u) for u in urls[:10]])\n"
                       "    await asyncio.gather(*[fetch(u) for u in range(8)])\n"
                       "    sem = asyncio.Semaphore(3)\n"
                       "    async with sem:\n"
                       "        await asyncio.gather(*[fetch(u) for u in urls])\n"
                       "    for u in urls:\n"
                       "        asyncio.create_task(fetch(u))\n"
                       "        asyncio.create_task(fetch_limited(u))\n"
                       "        tg.create_task(fetch(u))\n"
                       "    for u in [1, 2, 3]:\n"
                       "        asyncio.create_task(fetch(u))\n"},
    };
    run(f, files, 3);
    assert_string_equal(
        findings(f, "AL301,AL302"),
        "fan/run.py:4:11-4:52 AL301 [main] `asyncio.gather` starts one coroutine per item of "
        "`urls` at once in `main`; bound the concurrency with an `asyncio.Semaphore` (or process "
        "the items in chunks)\n"
        "fan/run.py:12:9-12:38 AL302 [main] `asyncio.create_task` spawns a task per item of `urls` "
        "with no concurrency limit in `main`; hold an `asyncio.Semaphore` in the task (or use a "
        "bounded worker pool)\n"
        "fan/run.py:14:9-14:33 AL302 [main] `tg.create_task` spawns a task per item of `urls` with "
        "no concurrency limit in `main`; hold an `asyncio.Semaphore` in the task (or use a bounded "
        "worker pool)\n");
}

/* The whole-run passes (AL109, AL201, AL301, AL302 here) run side by side on
 * the Project's threads: the findings, unsorted, come in the same order, with
 * the same text, for any number of threads, and outlive the per-rule sinks. */
static void test_run_project_same_for_any_jobs(void **state)
{
    Fx *f = *state;
    const Src files[] = {
        {"p/__init__.py", ""},
        {"p/lib.py", "import asyncio, time\n"
                     "def slow():\n"
                     "    time.sleep(1)\n"
                     "async def fetch(u):\n"
                     "    return u\n"},
        {"p/app.py", "import asyncio\n"
                     "from .lib import slow, fetch\n"
                     "async def main(urls):\n"
                     "    slow()\n"
                     "    fetch(1)\n"
                     "    await asyncio.gather(*[fetch(u) for u in urls])\n"
                     "    for u in urls:\n"
                     "        asyncio.create_task(fetch(u))\n"
                     "def sync():\n"
                     "    fetch(2)\n"},
    };
    run(f, files, 3);
    char *want = NULL;
    for (unsigned jobs = 1; jobs <= 4; jobs++) {
        f->project.jobs = jobs;
        FindingSink whole;
        chk_sink_init(&whole);
        chk_run_project(f->env, &f->project, &whole);
        char *got = render_list(whole.items.contents, whole.items.size, NULL);
        chk_sink_free(&whole);
        if (!want) {
            want = got;
            continue;
        }
        assert_string_equal(got, want);
        free(got);
    }
    assert_non_null(strstr(want, " AL109 "));
    assert_non_null(strstr(want, " AL201 "));
    assert_non_null(strstr(want, " AL301 "));
    assert_non_null(strstr(want, " AL302 "));
    free(want);
}

/* Whether the triggers hold the clause {a, b} (b NULL: a alone). */
static bool has_clause(const ChkTriggers *t, const char *a, const char *b)
{
    for (uint32_t i = 0; i < t->nclauses; i++)
        if (strcmp(t->clauses[i][0], a) == 0 &&
            (b ? t->clauses[i][1] && strcmp(t->clauses[i][1], b) == 0 : !t->clauses[i][1]))
            return true;
    return false;
}

static bool has_word(const ChkTriggers *t, const char *w)
{
    for (uint32_t i = 0; i < t->nclauses; i++)
        if (strcmp(t->clauses[i][0], w) == 0 || (t->clauses[i][1] && !strcmp(t->clauses[i][1], w)))
            return true;
    return false;
}

/* The words that make a file without async worth parsing (chk_env_triggers):
 * the call patterns of the rules that also report in plain functions (module
 * and method of `asyncio.create_task`, the method alone of `*.create_task`),
 * never their other parameters (AL203's `add`), nothing of the rules that
 * report only in async contexts (AL101's `time.sleep`), and nothing at all
 * when only those are selected. */
static void test_triggers_of_the_default_packs(void **state)
{
    Fx *f = *state;
    ChkTriggers t;
    chk_env_triggers(f->env, &t, &f->arena);
    assert_false(t.parse_all);
    assert_true(t.project_coroutines);
    assert_true(has_clause(&t, "asyncio", "create_task"));  /* AL202's spawners */
    assert_true(has_clause(&t, "loop", "create_task"));
    assert_true(has_clause(&t, "create_task", NULL));       /* the pack's `*.create_task` */
    assert_true(has_clause(&t, "start_soon", NULL));
    assert_true(has_clause(&t, "asyncio", "sleep"));        /* AL201's coroutines */
    assert_true(has_clause(&t, "asyncio", "gather"));       /* AL301's gathers */
    assert_false(has_word(&t, "add"));                      /* AL203's adders */
    assert_false(has_word(&t, "add_done_callback"));        /* callback-methods */
    assert_false(has_word(&t, "time"));
    assert_false(has_word(&t, "requests"));

    rules_apply_selection(f->rs, (const char *[]){"AL1", "AL4", "AL5", NULL}, NULL, NULL);
    chk_env_triggers(f->env, &t, &f->arena);
    assert_int_equal(t.nclauses, 0);
    assert_false(t.project_coroutines);
    assert_false(t.parse_all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_blocking_call_async_context_only),
        T(test_blocking_call_catalog_messages),
        T(test_blocking_call_fix_needs_asyncio_import),
        T(test_messages_follow_the_files_library),
        T(test_via_helper_chain_steps),
        T(test_via_helper_names_the_other_blocking_calls),
        T(test_unawaited_library_coroutines),
        T(test_unawaited_project_coroutines),
        T(test_fanout_candidates_decided_by_limits),
        T(test_run_project_same_for_any_jobs),
        T(test_triggers_of_the_default_packs),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
